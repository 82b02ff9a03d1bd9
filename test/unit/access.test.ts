import { describe, it, expect } from 'vitest';
import { canAccessRoom, type AccessFacts } from '../../lib/access';
import type { Receiver, Room, Team } from '../../lib/domain';
import { resolvePermissions, type Permissions } from '../../lib/settings';

/** In-memory facts that record every question asked. */
class FakeFacts implements AccessFacts {
  readonly calls: string[] = [];
  private readonly rooms: Map<string, Room>;
  private readonly teams: Map<string, Team>;

  constructor(
    private readonly subscribed: Set<string> = new Set(),
    rooms: Room[] = [],
    teams: Team[] = [],
  ) {
    this.rooms = new Map(rooms.map((room) => [room.id, room]));
    this.teams = new Map(teams.map((team) => [team.id, team]));
  }

  async isSubscribed(rid: string): Promise<boolean> {
    this.calls.push(`isSubscribed:${rid}`);
    return this.subscribed.has(rid);
  }

  async room(rid: string): Promise<Room | undefined> {
    this.calls.push(`room:${rid}`);
    return this.rooms.get(rid);
  }

  async team(teamId: string): Promise<Team | undefined> {
    this.calls.push(`team:${teamId}`);
    return this.teams.get(teamId);
  }
}

const DEFAULTS = resolvePermissions({});
const as = (roles: string[], id = 'u1', username = 'someone'): Receiver => ({ id, username, roles });
const USER = as(['user']);
const GUEST = as(['guest']);
const ADMIN = as(['admin']);
const NOBODY = as([]);

const channel: Room = { id: 'chan', t: 'c', name: 'general' };
const group: Room = { id: 'grp', t: 'p', name: 'secret' };
const direct: Room = { id: 'dm', t: 'd', uidsCount: 2 };
const livechat: Room = { id: 'lc', t: 'l', servedById: 'agent1' };

const privateTeam: Team = { id: 'T-private', mainRoomId: 'teamMainP', mainRoomType: 'p' };
const publicTeam: Team = { id: 'T-public', mainRoomId: 'teamMainC', mainRoomType: 'c' };
const privateTeamChannel: Room = { id: 'ptc', t: 'c', name: 'team-chan', teamId: privateTeam.id };
const publicTeamChannel: Room = { id: 'pubtc', t: 'c', name: 'open-team-chan', teamId: publicTeam.id };

async function check(room: Room, user: Receiver, facts = new FakeFacts(), permissions: Permissions = DEFAULTS): Promise<boolean> {
  return canAccessRoom(room, user, permissions, facts);
}

describe('public channel (`c`) and view-c-room', () => {
  it.each(['user', 'admin', 'bot', 'app', 'anonymous'])('opens to the default holder %s', async (role) => {
    expect(await check(channel, as([role]))).toBe(true);
  });

  it('refuses a guest and a user without roles', async () => {
    expect(await check(channel, GUEST)).toBe(false);
    expect(await check(channel, NOBODY)).toBe(false);
    expect(await check(channel, as(['livechat-agent']))).toBe(false);
  });

  it('any one of several roles is enough', async () => {
    expect(await check(channel, as(['guest', 'user']))).toBe(true);
  });

  it('imported permission roles replace the defaults', async () => {
    const imported = resolvePermissions({ 'view-c-room': ['guest'] });
    expect(await check(channel, GUEST, new FakeFacts(), imported)).toBe(true);
    expect(await check(channel, USER, new FakeFacts(), imported)).toBe(false);
    expect(await check(channel, ADMIN, new FakeFacts(), imported)).toBe(false);
  });

  it('an imported empty role list shuts everyone out, admins included', async () => {
    const none = resolvePermissions({ 'view-c-room': [] });
    expect(await check(channel, ADMIN, new FakeFacts(), none)).toBe(false);
    expect(await check(channel, ADMIN, new FakeFacts(new Set(['chan'])), none)).toBe(true); // a subscription still works
  });

  it('view-c-room opens only `c` rooms', async () => {
    expect(await check(group, USER)).toBe(false);
    expect(await check(direct, USER)).toBe(false);
    expect(await check({ id: 'x', t: 'x' }, USER)).toBe(false);
  });
});

describe('team channels', () => {
  it('a channel of a private team needs a subscription to the team main room', async () => {
    const member = new FakeFacts(new Set([privateTeam.mainRoomId]), [], [privateTeam]);
    expect(await check(privateTeamChannel, USER, member)).toBe(true);
    const outsider = new FakeFacts(new Set(), [], [privateTeam]);
    expect(await check(privateTeamChannel, USER, outsider)).toBe(false);
    expect(await check(privateTeamChannel, ADMIN, new FakeFacts(new Set(), [], [privateTeam]))).toBe(false);
  });

  it('team membership replaces view-c-room (a guest member gets in)', async () => {
    const member = new FakeFacts(new Set([privateTeam.mainRoomId]), [], [privateTeam]);
    expect(await check(privateTeamChannel, GUEST, member)).toBe(true);
    const noRoles = new FakeFacts(new Set([privateTeam.mainRoomId]), [], [privateTeam]);
    expect(await check(privateTeamChannel, NOBODY, noRoles)).toBe(true);
    expect(noRoles.calls).toEqual([`isSubscribed:${privateTeamChannel.id}`, `team:${privateTeam.id}`, `isSubscribed:${privateTeam.mainRoomId}`]);
  });

  it('a subscription to another room does not count as team membership', async () => {
    const facts = new FakeFacts(new Set(['someOtherRoom', publicTeam.mainRoomId]), [], [privateTeam, publicTeam]);
    expect(await check(privateTeamChannel, USER, facts)).toBe(false);
  });

  it('a channel of a public team is a public channel: view-c-room decides, no membership needed', async () => {
    const facts = () => new FakeFacts(new Set(), [], [publicTeam]);
    expect(await check(publicTeamChannel, USER, facts())).toBe(true);
    expect(await check(publicTeamChannel, GUEST, facts())).toBe(false);
    const guestMember = new FakeFacts(new Set([publicTeam.mainRoomId]), [], [publicTeam]);
    expect(await check(publicTeamChannel, GUEST, guestMember)).toBe(false);
  });

  it('a channel whose team is unknown is refused', async () => {
    const facts = new FakeFacts(new Set(['teamMainP']), [], []);
    expect(await check({ ...channel, teamId: 'ghost-team' }, USER, facts)).toBe(false);
    expect(await check({ ...channel, teamId: 'ghost-team' }, ADMIN, new FakeFacts())).toBe(false);
  });

  it('a private team channel is open to a user subscribed to the channel itself', async () => {
    expect(await check(privateTeamChannel, GUEST, new FakeFacts(new Set([privateTeamChannel.id]), [], [privateTeam]))).toBe(true);
  });
});

describe('subscription', () => {
  it.each([
    ['private group', group],
    ['direct', direct],
    ['group direct', { id: 'gdm', t: 'd', uidsCount: 3 } satisfies Room],
    ['livechat', livechat],
    ['public channel (guest)', channel],
    ['unknown type', { id: 'odd', t: 'v' } satisfies Room],
  ])('grants a %s room', async (_, room) => {
    expect(await check(room, GUEST, new FakeFacts(new Set([room.id])))).toBe(true);
    expect(await check(room, GUEST, new FakeFacts())).toBe(false);
  });

  it('asks nothing beyond the prefetched subscription when it grants access', async () => {
    // The handler answers isSubscribed(room) from the subscription it read with the room; any
    // other question would cost a read.
    const rooms: Room[] = [channel, privateTeamChannel];
    for (const room of [group, direct, livechat, privateTeamChannel, { ...group, id: 'disc', prid: 'chan' }]) {
      const facts = new FakeFacts(new Set([room.id]), rooms, [privateTeam]);
      expect(await check(room, NOBODY, facts)).toBe(true);
      expect(facts.calls).toEqual([`isSubscribed:${room.id}`]);
    }
  });

  it('a public channel without team costs no extra question either', async () => {
    const facts = new FakeFacts();
    expect(await check(channel, USER, facts)).toBe(true);
    expect(facts.calls).toEqual(['isSubscribed:chan']);
  });
});

describe('discussions', () => {
  const discussionOfChannel: Room = { id: 'd1', t: 'p', fname: 'Release planning', prid: 'chan' };
  const discussionOfGroup: Room = { id: 'd2', t: 'p', fname: 'Secret talk', prid: 'grp' };
  const nested: Room = { id: 'd3', t: 'p', fname: 'Deeper', prid: 'd2' };

  it('are open to whoever can access the parent', async () => {
    expect(await check(discussionOfChannel, USER, new FakeFacts(new Set(), [channel]))).toBe(true);
    expect(await check(discussionOfChannel, GUEST, new FakeFacts(new Set(), [channel]))).toBe(false);
    expect(await check(discussionOfGroup, USER, new FakeFacts(new Set(['grp']), [group]))).toBe(true);
    expect(await check(discussionOfGroup, ADMIN, new FakeFacts(new Set(), [group]))).toBe(false);
  });

  it('nest: a discussion of a discussion goes up to the first accessible ancestor', async () => {
    const facts = new FakeFacts(new Set(['grp']), [group, discussionOfGroup, nested]);
    expect(await check(nested, USER, facts)).toBe(true);
    expect(facts.calls).toEqual(['isSubscribed:d3', 'room:d2', 'isSubscribed:d2', 'room:grp', 'isSubscribed:grp']);
    expect(await check(nested, USER, new FakeFacts(new Set(), [group, discussionOfGroup, nested]))).toBe(false);
    expect(await check(nested, USER, new FakeFacts(new Set(['d2']), [group, discussionOfGroup, nested]))).toBe(true);
  });

  it('a missing parent refuses', async () => {
    expect(await check({ ...discussionOfChannel, prid: 'gone' }, USER, new FakeFacts())).toBe(false);
  });

  it('a cycle of parents stops and refuses', async () => {
    const a: Room = { id: 'A', t: 'p', prid: 'B' };
    const b: Room = { id: 'B', t: 'p', prid: 'A' };
    const facts = new FakeFacts(new Set(), [a, b]);
    expect(await check(a, USER, facts)).toBe(false);
    const parentReads = facts.calls.filter((call) => call.startsWith('room:')).length;
    expect(parentReads).toBeGreaterThan(1);
    expect(parentReads).toBeLessThanOrEqual(10);
  });

  it('a self-parented discussion stops too', async () => {
    const self: Room = { id: 'S', t: 'p', prid: 'S' };
    expect(await check(self, ADMIN, new FakeFacts(new Set(), [self]))).toBe(false);
  });
});

describe('livechat (`l`)', () => {
  it('is open to the serving agent without any permission', async () => {
    expect(await check(livechat, as([], 'agent1'))).toBe(true);
    expect(await check(livechat, as(['livechat-agent'], 'agent2'))).toBe(false);
  });

  it.each(['admin', 'livechat-manager', 'livechat-monitor'])('is open to a holder of view-livechat-rooms (%s)', async (role) => {
    expect(await check(livechat, as([role], 'someoneElse'))).toBe(true);
  });

  it('imported view-livechat-rooms roles replace the defaults', async () => {
    const imported = resolvePermissions({ 'view-livechat-rooms': ['livechat-agent'] });
    expect(await check(livechat, as(['livechat-agent'], 'x'), new FakeFacts(), imported)).toBe(true);
    expect(await check(livechat, as(['admin'], 'x'), new FakeFacts(), imported)).toBe(false);
    expect(await check(livechat, as([], 'agent1'), new FakeFacts(), imported)).toBe(true);
  });

  it('view-livechat-rooms opens nothing but livechat rooms', async () => {
    expect(await check(group, as(['livechat-manager']))).toBe(false);
    expect(await check({ ...group, servedById: 'u1' }, as([], 'u1'))).toBe(false);
  });
});

describe('no admin bypass', () => {
  it('an admin without a subscription is refused private groups, DMs and unknown room types', async () => {
    for (const room of [group, direct, { id: 'gdm', t: 'd', uidsCount: 5 } satisfies Room, { id: 'v', t: 'v' } satisfies Room]) {
      expect(await check(room, as(['admin', 'user', 'owner', 'moderator']), new FakeFacts())).toBe(false);
    }
  });
});
