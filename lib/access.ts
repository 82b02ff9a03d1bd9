import type { Receiver, Room, Team } from './domain';
import { hasPermission, type Permissions } from './settings';

/** What the access rules may ask about besides the room itself; each answer may cost a read. */
export interface AccessFacts {
  isSubscribed(rid: string): Promise<boolean>;
  room(rid: string): Promise<Room | undefined>;
  team(teamId: string): Promise<Team | undefined>;
}

/** Discussions may nest; a cycle in bad data must not loop forever. */
const MAX_DISCUSSION_DEPTH = 5;

/**
 * Rocket.Chat's `can-access-room`. Checks run cheapest first: the receiver's subscription to the
 * room was fetched with the room, the others need extra reads and run only when needed.
 */
export async function canAccessRoom(
  room: Room,
  user: Receiver,
  permissions: Permissions,
  facts: AccessFacts,
  depth = 0,
): Promise<boolean> {
  if (await facts.isSubscribed(room.id)) {
    return true;
  }
  if (room.t === 'c' && (await canAccessChannel(room, user, permissions, facts))) {
    return true;
  }
  if (room.t === 'l' && (room.servedById === user.id || hasPermission(user.roles, 'view-livechat-rooms', permissions))) {
    return true;
  }
  if (room.prid && depth < MAX_DISCUSSION_DEPTH) {
    const parent = await facts.room(room.prid);
    return parent !== undefined && canAccessRoom(parent, user, permissions, facts, depth + 1);
  }
  return false;
}

async function canAccessChannel(room: Room, user: Receiver, permissions: Permissions, facts: AccessFacts): Promise<boolean> {
  if (!room.teamId) {
    return hasPermission(user.roles, 'view-c-room', permissions);
  }
  // A channel of a public team is public; of a private (or unknown) team, only members see it.
  const team = await facts.team(room.teamId);
  if (team?.mainRoomType === 'c') {
    return hasPermission(user.roles, 'view-c-room', permissions);
  }
  return team !== undefined && facts.isSubscribed(team.mainRoomId);
}
