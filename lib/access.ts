import type { Receiver, Room, TeamFacts } from './domain';
import type { AccessRefusal } from './reasons';
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

/** Which rule let the receiver in (explain prints it); the constants cost nothing on the success path. */
export type AccessGrant = 'joined' | 'view-c-room' | 'omnichannel' | 'team' | 'discussion-parent';
export type AccessDecision = { allowed: true; by: AccessGrant } | { allowed: false; reason: AccessRefusal };

const grant = (by: AccessGrant): AccessDecision => ({ allowed: true, by });

/**
 * Rocket.Chat's `can-access-room`: access when any of its validators grants it, and no admin
 * bypass. Checks run cheapest first: permissions come with the cached configuration and the
 * receiver's subscription to the room with the room, so only channels of teams, closed
 * omnichannel rooms and discussions may cost extra reads. A refusal says why (lib/reasons.ts);
 * finding that out reads nothing more, as every validator has run by then and the subscription
 * it may still ask about came with the room.
 */
export async function decideRoomAccess(room: Room, user: Receiver, permissions: Permissions, facts: AccessFacts, depth = 0): Promise<AccessDecision> {
  const can = (permission: PermissionId) => hasPermission(user.roles, permission, permissions);
  const mayView = mayViewJoined(room, can);
  if (mayView && (await facts.isSubscribed(room.id))) {
    return grant('joined');
  }
  let refusal: AccessRefusal | undefined;
  if (room.t === 'c' && !room.teamId && can('view-c-room')) {
    // Rocket.Chat's public-channel validators (in a team or not) refuse a banned member.
    if (!(await facts.isBanned(room.id))) return grant('view-c-room');
    refusal = 'banned';
  }
  if (OMNICHANNEL_TYPES.has(room.t)) {
    const omnichannel = await canAccessOmnichannelRoom(room, user, can, facts);
    if (omnichannel === true) return grant('omnichannel');
    refusal = omnichannel;
  }
  if (room.t === 'c' && room.teamId) {
    const team = (await facts.isBanned(room.id)) ? 'banned' : await canAccessTeamChannel(room.teamId, can, facts);
    if (team === true) return grant('team');
    refusal ??= team;
  }
  if (room.prid && depth < MAX_DISCUSSION_DEPTH) {
    const parent = await facts.room(room.prid);
    const parentDecision = parent && (await decideRoomAccess(parent, user, permissions, facts, depth + 1));
    if (parentDecision?.allowed) return grant('discussion-parent');
    refusal ??= parentDecision ? parentDecision.reason : 'discussion-parent-unknown';
  }
  if (!mayView && (await facts.isSubscribed(room.id))) {
    return { allowed: false, reason: 'permission-missing' };
  }
  return { allowed: false, reason: refusal ?? (room.t === 'c' ? 'channel-permission-missing' : 'not-subscribed') };
}

/** A subscription counts only with `view-joined-room` or `view-<t>-room`. */
function mayViewJoined(room: Room, can: (permission: PermissionId) => boolean): boolean {
  const viewType = roomViewPermission(room.t);
  return can('view-joined-room') || (viewType !== undefined && can(viewType));
}

/**
 * With the team's own documents: a public team's channel is public, a private team's is open to
 * its members. Without them (older exports), the team's main room stands in for the team.
 */
async function canAccessTeamChannel(teamId: string, can: (permission: PermissionId) => boolean, facts: AccessFacts): Promise<true | AccessRefusal> {
  const { team, mainRoom } = await facts.team(teamId);
  if (team) {
    return team.isPublic ? can('view-c-room') || 'channel-permission-missing' : team.receiverIsMember || 'team-not-member';
  }
  if (!mainRoom) {
    return 'team-unknown';
  }
  if (mainRoom.t === 'c') {
    return can('view-c-room') || 'channel-permission-missing';
  }
  return (await facts.isSubscribed(mainRoom.id)) || 'team-not-member';
}

/** Rocket.Chat's omnichannel validators that apply to a logged-in user (visitor tokens never reach push.get). */
async function canAccessOmnichannelRoom(room: Room, user: Receiver, can: (permission: PermissionId) => boolean, facts: AccessFacts): Promise<true | AccessRefusal> {
  if (user.id === ROCKET_CAT_ID || can('view-livechat-rooms') || room.servedById === user.id) {
    return true;
  }
  if (room.open) {
    return 'omnichannel-not-serving';
  }
  if (can('view-livechat-room-closed-by-another-agent')) {
    return true;
  }
  if (!can('view-livechat-room-closed-same-department')) {
    return 'omnichannel-closed-not-allowed';
  }
  // The permission is checked before the department read, which is the only one here.
  return (room.departmentId !== undefined && (await facts.isDepartmentAgent(room.departmentId))) || 'omnichannel-closed-not-department-agent';
}
