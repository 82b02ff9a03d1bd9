import { describe, it, expect } from 'vitest';
import { decideRoomAccess, type AccessFacts } from '../../lib/access';
import type { Receiver, Room, TeamFacts } from '../../lib/domain';
import { resolvePermissions, type Permissions } from '../../lib/settings';

/** A team as the store knows it: its main room (always) and, when exported, its own document. */
interface FakeTeam {
  id: string;
  mainRoomId: string;
  mainRoomType: string;
  /** rocketchat_team.type, when the team collections were exported. */
  type?: number;
  members?: string[];
}

/** In-memory facts that record every question asked. */
class FakeFacts implements AccessFacts {
  readonly calls: string[] = [];
  /** Rooms the receiver is banned from; answered from the prefetched subscription, so not a recorded question. */
  readonly banned = new Set<string>();
  private readonly rooms: Map<string, Room>;
  private readonly teams: Map<string, FakeTeam>;

  constructor(
    private readonly subscribed: Set<string> = new Set(),
    rooms: Room[] = [],
    teams: FakeTeam[] = [],
    private readonly departments: Set<string> = new Set(),
    private readonly userId = 'u1',
  ) {
    this.rooms = new Map(rooms.map((room) => [room.id, room]));
    this.teams = new Map(teams.map((team) => [team.id, team]));
  }

  async isSubscribed(rid: string): Promise<boolean> {
    this.calls.push(`isSubscribed:${rid}`);
    return this.subscribed.has(rid);
  }

  async isBanned(rid: string): Promise<boolean> {
    return this.banned.has(rid);
  }

  async room(rid: string): Promise<Room | undefined> {
    this.calls.push(`room:${rid}`);
    return this.rooms.get(rid);
  }

  async team(teamId: string): Promise<TeamFacts> {
    this.calls.push(`team:${teamId}`);
    const team = this.teams.get(teamId);
    return {
      team: team?.type === undefined ? undefined : { isPublic: team.type === 0, receiverIsMember: team.members?.includes(this.userId) ?? false },
      mainRoom: team && { id: team.mainRoomId, t: team.mainRoomType },
    };
  }

  async isDepartmentAgent(departmentId: string): Promise<boolean> {
    this.calls.push(`isDepartmentAgent:${departmentId}`);
    return this.departments.has(departmentId);
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
const livechat: Room = { id: 'lc', t: 'l', servedById: 'agent1', open: true };

const privateTeam: FakeTeam = { id: 'T-private', mainRoomId: 'teamMainP', mainRoomType: 'p' };
const publicTeam: FakeTeam = { id: 'T-public', mainRoomId: 'teamMainC', mainRoomType: 'c' };
const privateTeamChannel: Room = { id: 'ptc', t: 'c', name: 'team-chan', teamId: privateTeam.id };
const publicTeamChannel: Room = { id: 'pubtc', t: 'c', name: 'open-team-chan', teamId: publicTeam.id };

async function check(room: Room, user: Receiver, facts = new FakeFacts(), permissions: Permissions = DEFAULTS): Promise<boolean> {
  return (await decideRoomAccess(room, user, permissions, facts)).allowed;
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
    // A subscription alone does not help: it needs view-joined-room or view-c-room.
    expect(await check(channel, ADMIN, new FakeFacts(new Set(['chan'])), none)).toBe(false);
    expect(await check(channel, GUEST, new FakeFacts(new Set(['chan'])), none)).toBe(true); // guest holds view-joined-room
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
    // Without any view permission the channel's own subscription is not even asked about.
    expect(noRoles.calls).toEqual([`team:${privateTeam.id}`, `isSubscribed:${privateTeam.mainRoomId}`]);
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
      expect(await check(room, GUEST, facts)).toBe(true);
      expect(facts.calls).toEqual([`isSubscribed:${room.id}`]);
    }
  });

  it('a public channel without team costs no extra question either', async () => {
    const facts = new FakeFacts();
    expect(await check(channel, USER, facts)).toBe(true);
    expect(facts.calls).toEqual(['isSubscribed:chan']);
  });
});

describe("a banned member (Rocket.Chat's room ban: the subscription stays with status BANNED)", () => {
  const banned = (room: Room, subscribedTo: string[] = []) => {
    const facts = new FakeFacts(new Set(subscribedTo), [channel, group], [privateTeam, { ...publicTeam, type: 0 }]);
    facts.banned.add(room.id);
    return facts;
  };

  it('is refused a public channel that view-c-room would open', async () => {
    expect(await check(channel, USER, new FakeFacts())).toBe(true);
    expect(await check(channel, USER, banned(channel))).toBe(false);
    expect(await check(channel, ADMIN, banned(channel))).toBe(false);
  });

  it('is refused a channel of a public or a private team', async () => {
    const privateMember = new FakeFacts(new Set(['teamMainP']), [], [privateTeam]);
    expect(await check(privateTeamChannel, USER, privateMember)).toBe(true);
    const bannedPrivate = banned(privateTeamChannel, ['teamMainP']);
    expect(await check(privateTeamChannel, USER, bannedPrivate)).toBe(false);
    expect(await check(publicTeamChannel, USER, banned(publicTeamChannel))).toBe(false);
  });

  it('a ban from one room leaves the others open', async () => {
    expect(await check(channel, USER, banned(group))).toBe(true);
  });

  it('a discussion follows its parent: banned from the parent channel, refused the discussion', async () => {
    const discussion: Room = { id: 'dc', t: 'p', prid: 'chan' };
    expect(await check(discussion, USER, new FakeFacts(new Set(), [channel]))).toBe(true);
    expect(await check(discussion, USER, banned(channel))).toBe(false);
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
    for (const room of [group, direct, { id: 'gdm', t: 'd', uidsCount: 5 } satisfies Room, { id: 'x', t: 'x' } satisfies Room]) {
      expect(await check(room, as(['admin', 'user', 'owner', 'moderator']), new FakeFacts())).toBe(false);
    }
  });
});

describe('a subscription counts only with view-joined-room or view-<t>-room', () => {
  const subscribedTo = (room: Room) => new FakeFacts(new Set([room.id]));
  const userLivechat: Room = { id: 'lc2', t: 'l', servedById: 'someoneElse', open: true };
  const voip: Room = { id: 'v1', t: 'v', servedById: 'someoneElse', open: true };

  it('a user subscribed to a livechat room without view-l-room or view-joined-room is refused', async () => {
    expect(await check(userLivechat, USER, subscribedTo(userLivechat))).toBe(false);
    expect(await check(userLivechat, as(['livechat-agent']), subscribedTo(userLivechat))).toBe(true); // view-l-room
    expect(await check(userLivechat, GUEST, subscribedTo(userLivechat))).toBe(true); // view-joined-room
  });

  it('Rocket.Chat defines no view-v-room: only view-joined-room opens a subscribed `v` room', async () => {
    expect(await check(voip, USER, subscribedTo(voip))).toBe(false);
    expect(await check(voip, as(['livechat-agent']), subscribedTo(voip))).toBe(false);
    expect(await check(voip, as(['bot']), subscribedTo(voip))).toBe(true);
  });

  it('roles that hold no view permission get nothing from their subscriptions', async () => {
    for (const roles of [[], ['owner'], ['moderator', 'leader'], ['livechat-agent']]) {
      for (const room of [group, direct, channel]) {
        expect(await check(room, as(roles), subscribedTo(room)), `${roles} in ${room.t}`).toBe(false);
      }
    }
  });

  it('view-<t>-room is per type: view-p-room opens a group, not a DM', async () => {
    const onlyGroups = resolvePermissions({ 'view-d-room': [], 'view-p-room': ['user'] });
    expect(await check(group, USER, subscribedTo(group), onlyGroups)).toBe(true);
    expect(await check(direct, USER, subscribedTo(direct), onlyGroups)).toBe(false);
  });

  it('a custom role granted view-joined-room (or view-<t>-room) in rocketchat_permissions opens subscribed rooms', async () => {
    const custom = as(['support-staff']);
    expect(await check(group, custom, subscribedTo(group))).toBe(false);
    const joined = resolvePermissions({ 'view-joined-room': ['guest', 'support-staff'] });
    for (const room of [group, direct, channel, userLivechat]) {
      expect(await check(room, custom, subscribedTo(room), joined)).toBe(true);
      expect(await check(room, custom, new FakeFacts(), joined)).toBe(false); // still needs the subscription
    }
    const directOnly = resolvePermissions({ 'view-d-room': ['support-staff'] });
    expect(await check(direct, custom, subscribedTo(direct), directOnly)).toBe(true);
    expect(await check(group, custom, subscribedTo(group), directOnly)).toBe(false);
  });

  it('taking view-p-room from `user` shuts users out of their private groups', async () => {
    const noGroups = resolvePermissions({ 'view-p-room': ['admin'] });
    expect(await check(group, USER, subscribedTo(group), noGroups)).toBe(false);
    expect(await check(group, ADMIN, subscribedTo(group), noGroups)).toBe(true);
  });
});

describe('team channels with the team collections', () => {
  const exported = (type: number, members: string[] = []): FakeTeam => ({ id: 'T1', mainRoomId: 'main1', mainRoomType: 'p', type, members });
  const teamChannel: Room = { id: 'tc1', t: 'c', name: 'team-news', teamId: 'T1' };

  it('public team (type 0): view-c-room decides, membership not needed', async () => {
    expect(await check(teamChannel, USER, new FakeFacts(new Set(), [], [exported(0)]))).toBe(true);
    expect(await check(teamChannel, GUEST, new FakeFacts(new Set(), [], [exported(0, ['u1'])]))).toBe(false);
  });

  it('private team: members only (rocketchat_team_member), whatever their roles', async () => {
    expect(await check(teamChannel, NOBODY, new FakeFacts(new Set(), [], [exported(1, ['u1'])]))).toBe(true);
    expect(await check(teamChannel, USER, new FakeFacts(new Set(), [], [exported(1, ['someoneElse'])]))).toBe(false);
    expect(await check(teamChannel, ADMIN, new FakeFacts(new Set(), [], [exported(1)]))).toBe(false);
  });

  it('the team document decides over the main room: a main-room subscription is not membership', async () => {
    const mainRoomMember = new FakeFacts(new Set(['main1']), [], [exported(1)]);
    expect(await check(teamChannel, USER, mainRoomMember)).toBe(false);
    const publicMain: FakeTeam = { ...exported(1), mainRoomType: 'c' };
    expect(await check(teamChannel, USER, new FakeFacts(new Set(), [], [publicMain]))).toBe(false);
  });

  it('one team question, then nothing else', async () => {
    const facts = new FakeFacts(new Set(), [], [exported(1, ['u1'])]);
    expect(await check(teamChannel, NOBODY, facts)).toBe(true);
    expect(facts.calls).toEqual(['team:T1']);
  });

  it('a joined member with a view permission needs no team question at all', async () => {
    const facts = new FakeFacts(new Set([teamChannel.id]), [], [exported(1)]);
    expect(await check(teamChannel, USER, facts)).toBe(true);
    expect(facts.calls).toEqual([`isSubscribed:${teamChannel.id}`]);
  });
});

describe('omnichannel (`l` and `v`)', () => {
  const closed = (t: string, extra: Partial<Room> = {}): Room => ({ id: `closed-${t}`, t, servedById: 'agent1', ...extra });
  const agent = (id = 'agent2') => as(['livechat-agent'], id);
  const departmentAgent = resolvePermissions({ 'view-livechat-room-closed-same-department': ['livechat-manager', 'livechat-monitor', 'admin', 'livechat-agent'] });

  it.each(['l', 'v'])('`%s`: view-livechat-rooms or serving it opens the room, open or closed', async (t) => {
    for (const room of [closed(t), closed(t, { open: true })]) {
      expect(await check(room, as(['livechat-manager'], 'x'))).toBe(true);
      expect(await check(room, as([], 'agent1'))).toBe(true);
      expect(await check(room, as(['user'], 'x'))).toBe(false);
    }
  });

  it('a closed room is open to view-livechat-room-closed-by-another-agent, an open one is not', async () => {
    const byAnotherAgent = resolvePermissions({ 'view-livechat-rooms': [], 'view-livechat-room-closed-by-another-agent': ['livechat-agent'] });
    expect(await check(closed('l'), agent(), new FakeFacts(), byAnotherAgent)).toBe(true);
    expect(await check(closed('l', { open: true }), agent(), new FakeFacts(), byAnotherAgent)).toBe(false);
    expect(await check(closed('l'), agent())).toBe(false); // agents do not hold it by default
  });

  it("a closed room of the agent's department is open with view-livechat-room-closed-same-department", async () => {
    const room = closed('l', { departmentId: 'sales' });
    const inSales = () => new FakeFacts(new Set(), [], [], new Set(['sales']));
    expect(await check(room, agent(), inSales(), departmentAgent)).toBe(true);
    expect(await check(room, agent(), new FakeFacts(new Set(), [], [], new Set(['support'])), departmentAgent)).toBe(false);
    expect(await check(room, agent(), inSales())).toBe(false); // without the permission
    expect(await check({ ...room, open: true }, agent(), inSales(), departmentAgent)).toBe(false);
    expect(await check(closed('l'), agent(), inSales(), departmentAgent)).toBe(false); // no department
  });

  it('the department is read only when everything else allows it', async () => {
    const room = closed('v', { departmentId: 'sales' });
    const withoutPermission = new FakeFacts(new Set(), [], [], new Set(['sales']));
    await check(room, agent(), withoutPermission);
    const openRoom = new FakeFacts(new Set(), [], [], new Set(['sales']));
    await check({ ...room, open: true }, agent(), openRoom, departmentAgent);
    const manager = new FakeFacts(new Set(), [], [], new Set(['sales']));
    await check(room, as(['livechat-manager']), manager, departmentAgent);
    // The receiver's subscription to the room itself comes with the room (no read): a refusal asks it to say why.
    const reads = [...withoutPermission.calls, ...openRoom.calls, ...manager.calls].filter((call) => call !== `isSubscribed:${room.id}`);
    expect(reads).toEqual([]);
    const asked = new FakeFacts(new Set(), [], [], new Set(['sales']));
    expect(await check(room, agent(), asked, departmentAgent)).toBe(true);
    expect(asked.calls).toEqual(['isDepartmentAgent:sales']);
  });

  it('Rocket.Chat lets its rocket.cat bot into every omnichannel room, and nowhere else', async () => {
    const rocketCat = as(['bot'], 'rocket.cat');
    expect(await check(closed('l', { open: true }), rocketCat)).toBe(true);
    expect(await check(closed('v'), rocketCat)).toBe(true);
    expect(await check(group, rocketCat)).toBe(false);
  });

  it('omnichannel permissions open no other room type', async () => {
    const everything = as(['livechat-manager', 'livechat-monitor'], 'agent1');
    for (const room of [group, direct, { ...group, servedById: 'agent1' }]) {
      expect(await check(room, everything)).toBe(false);
    }
  });
});

describe('why access is refused (the reason of lib/reasons.ts)', () => {
  const reasonOf = async (room: Room, user: Receiver, facts = new FakeFacts(), permissions: Permissions = DEFAULTS) => {
    const decision = await decideRoomAccess(room, user, permissions, facts);
    return decision.allowed ? `allowed by ${decision.by}` : decision.reason;
  };
  const departmentAgent = resolvePermissions({ 'view-livechat-room-closed-same-department': ['livechat-agent'] });
  const exportedTeam = (type: number, members: string[] = []): FakeTeam => ({ id: 'T1', mainRoomId: 'main1', mainRoomType: 'p', type, members });
  const teamChannel: Room = { id: 'tc1', t: 'c', name: 'team-news', teamId: 'T1' };

  it.each<[string, Room, Receiver, FakeFacts, Permissions, string]>([
    ['a joined private group', group, USER, new FakeFacts(new Set(['grp'])), DEFAULTS, 'allowed by joined'],
    ['a public channel, by role', channel, USER, new FakeFacts(), DEFAULTS, 'allowed by view-c-room'],
    ['a private group, not joined', group, USER, new FakeFacts(), DEFAULTS, 'not-subscribed'],
    ['a DM, not joined', direct, ADMIN, new FakeFacts(), DEFAULTS, 'not-subscribed'],
    ['subscribed, but no view permission', group, as(['auditor']), new FakeFacts(new Set(['grp'])), DEFAULTS, 'permission-missing'],
    ['subscribed to a channel, but no view permission at all', channel, NOBODY, new FakeFacts(new Set(['chan'])), DEFAULTS, 'permission-missing'],
    ['a public channel, not joined, a guest', channel, GUEST, new FakeFacts(), DEFAULTS, 'channel-permission-missing'],
    ['a private team, not a member', teamChannel, USER, new FakeFacts(new Set(), [], [exportedTeam(1)]), DEFAULTS, 'team-not-member'],
    ['a private team (older export), main room not joined', privateTeamChannel, USER, new FakeFacts(new Set(), [], [privateTeam]), DEFAULTS, 'team-not-member'],
    ['a public team, a guest', teamChannel, GUEST, new FakeFacts(new Set(), [], [exportedTeam(0)]), DEFAULTS, 'channel-permission-missing'],
    ['a private team, a member', teamChannel, NOBODY, new FakeFacts(new Set(), [], [exportedTeam(1, ['u1'])]), DEFAULTS, 'allowed by team'],
    ['a team nobody knows', teamChannel, USER, new FakeFacts(), DEFAULTS, 'team-unknown'],
    ['an open livechat room of another agent', livechat, as(['livechat-agent'], 'agent2'), new FakeFacts(), DEFAULTS, 'omnichannel-not-serving'],
    ['a closed livechat room, no closed-room permission', { ...livechat, open: false }, as(['livechat-agent'], 'agent2'), new FakeFacts(), DEFAULTS, 'omnichannel-closed-not-allowed'],
    [
      'a closed room of another department',
      { ...livechat, open: false, departmentId: 'sales' },
      as(['livechat-agent'], 'agent2'),
      new FakeFacts(),
      departmentAgent,
      'omnichannel-closed-not-department-agent',
    ],
    ['a closed room without a department', { ...livechat, open: false }, as(['livechat-agent'], 'agent2'), new FakeFacts(), departmentAgent, 'omnichannel-closed-not-department-agent'],
    [
      'a closed room of the agent department',
      { ...livechat, open: false, departmentId: 'sales' },
      as(['livechat-agent'], 'agent2'),
      new FakeFacts(new Set(), [], [], new Set(['sales'])),
      departmentAgent,
      'allowed by omnichannel',
    ],
    ['the serving agent', livechat, as([], 'agent1'), new FakeFacts(), DEFAULTS, 'allowed by omnichannel'],
    ['a discussion whose parent is gone', { id: 'd9', t: 'p', prid: 'gone' }, USER, new FakeFacts(), DEFAULTS, 'discussion-parent-unknown'],
    ['a discussion of a group not joined: the parent says why', { id: 'd2', t: 'p', prid: 'grp' }, USER, new FakeFacts(new Set(), [group]), DEFAULTS, 'not-subscribed'],
    ['a discussion of a channel, a guest', { id: 'd1', t: 'p', prid: 'chan' }, GUEST, new FakeFacts(new Set(), [channel]), DEFAULTS, 'channel-permission-missing'],
    ['a discussion of a joined group', { id: 'd2', t: 'p', prid: 'grp' }, USER, new FakeFacts(new Set(['grp']), [group]), DEFAULTS, 'allowed by discussion-parent'],
  ])('%s → %s', async (_, room, user, facts, permissions, expected) => {
    expect(await reasonOf(room, user, facts, permissions)).toBe(expected);
  });

  it('a success asks exactly what it asked before the reasons existed (nothing for the refusal)', async () => {
    const joined = new FakeFacts(new Set(['grp']));
    await decideRoomAccess(group, USER, DEFAULTS, joined);
    expect(joined.calls).toEqual(['isSubscribed:grp']);
    const byRole = new FakeFacts();
    await decideRoomAccess(channel, USER, DEFAULTS, byRole);
    expect(byRole.calls).toEqual(['isSubscribed:chan']);
  });
});
