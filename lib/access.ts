import type { Receiver, Room, TeamFacts } from './domain';
import { hasPermission, roomViewPermission, type PermissionId, type Permissions } from './settings';

/** What the access rules may ask about besides the room itself; each answer may cost a read. */
export interface AccessFacts {
  /** The receiver has joined the room: a subscription that is not a pending invitation. */
  isSubscribed(rid: string): Promise<boolean>;
  /** The receiver is banned from the room (a subscription with `status: 'BANNED'`). */
  isBanned(rid: string): Promise<boolean>;
  room(rid: string): Promise<Room | undefined>;
  team(teamId: string): Promise<TeamFacts>;
  /** The receiver is an agent of the omnichannel department (`rocketchat_livechat_department_agents`). */
  isDepartmentAgent(departmentId: string): Promise<boolean>;
}

/** Discussions may nest; a cycle in bad data must not loop forever. */
const MAX_DISCUSSION_DEPTH = 5;

const OMNICHANNEL_TYPES = new Set(['l', 'v']);

/** Rocket.Chat's system bot; its omnichannel validator lets it into every omnichannel room. */
const ROCKET_CAT_ID = 'rocket.cat';

/**
 * Rocket.Chat's `can-access-room`: access when any of its validators grants it, and no admin
 * bypass. Checks run cheapest first: permissions come with the cached configuration and the
 * receiver's subscription to the room with the room, so only channels of teams, closed
 * omnichannel rooms and discussions may cost extra reads.
 */
export async function canAccessRoom(room: Room, user: Receiver, permissions: Permissions, facts: AccessFacts, depth = 0): Promise<boolean> {
  const can = (permission: PermissionId) => hasPermission(user.roles, permission, permissions);
  if (await hasJoined(room, can, facts)) {
    return true;
  }
  // Rocket.Chat's public-channel validators (in a team or not) refuse a banned member.
  if (room.t === 'c' && !room.teamId && can('view-c-room') && !(await facts.isBanned(room.id))) {
    return true;
  }
  if (OMNICHANNEL_TYPES.has(room.t) && (await canAccessOmnichannelRoom(room, user, can, facts))) {
    return true;
  }
  if (room.t === 'c' && room.teamId && !(await facts.isBanned(room.id)) && (await canAccessTeamChannel(room.teamId, can, facts))) {
    return true;
  }
  if (room.prid && depth < MAX_DISCUSSION_DEPTH) {
    const parent = await facts.room(room.prid);
    return parent !== undefined && canAccessRoom(parent, user, permissions, facts, depth + 1);
  }
  return false;
}

/** A subscription counts only with `view-joined-room` or `view-<t>-room`. */
async function hasJoined(room: Room, can: (permission: PermissionId) => boolean, facts: AccessFacts): Promise<boolean> {
  const viewType = roomViewPermission(room.t);
  const mayView = can('view-joined-room') || (viewType !== undefined && can(viewType));
  return mayView && facts.isSubscribed(room.id);
}

/**
 * With the team's own documents: a public team's channel is public, a private team's is open to
 * its members. Without them (older exports), the team's main room stands in for the team.
 */
async function canAccessTeamChannel(teamId: string, can: (permission: PermissionId) => boolean, facts: AccessFacts): Promise<boolean> {
  const { team, mainRoom } = await facts.team(teamId);
  if (team) {
    return team.isPublic ? can('view-c-room') : team.receiverIsMember;
  }
  if (!mainRoom) {
    return false;
  }
  return mainRoom.t === 'c' ? can('view-c-room') : facts.isSubscribed(mainRoom.id);
}

/** Rocket.Chat's omnichannel validators that apply to a logged-in user (visitor tokens never reach push.get). */
async function canAccessOmnichannelRoom(room: Room, user: Receiver, can: (permission: PermissionId) => boolean, facts: AccessFacts): Promise<boolean> {
  if (user.id === ROCKET_CAT_ID || can('view-livechat-rooms') || room.servedById === user.id) {
    return true;
  }
  if (room.open) {
    return false;
  }
  if (can('view-livechat-room-closed-by-another-agent')) {
    return true;
  }
  // The permission is checked before the department read, which is the only one here.
  return room.departmentId !== undefined && can('view-livechat-room-closed-same-department') && facts.isDepartmentAgent(room.departmentId);
}
