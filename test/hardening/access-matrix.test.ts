/**
 * OWASP API1 (broken object-level authorization): every room type × every kind of caller, over
 * the local API with a dedicated export written at test time (login-token dates relative to now).
 * The expected outcome of each cell is written out by hand from the spec, not computed.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { endpoint } from '../support/dynamo';
import { bad, call, ejsonDate, hashToken, NOT_ALLOWED, removeDir, specViolation, tempDir, UNAUTHORIZED_BODY, writeExport } from './support';

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.now();

// ---- rooms ---------------------------------------------------------------------------------------

const ROOMS = {
  c: { _id: 'mxRoomPublic00001', t: 'c', name: 'mx-public' },
  p: { _id: 'mxRoomPrivate0001', t: 'p', name: 'mx-private' },
  d: { _id: 'mxRoomDirect00001', t: 'd', uids: ['mxMember', 'mxSender'] },
  groupD: { _id: 'mxRoomGroupDm0001', t: 'd', uids: ['mxMember', 'mxSender', 'mxPeer'] },
  discussion: { _id: 'mxRoomDiscuss0001', t: 'p', name: 'mx-discussion', fname: 'A discussion', prid: 'mxRoomParent00001' },
  publicDiscussion: { _id: 'mxRoomPubDisc0001', t: 'p', name: 'mx-pub-discussion', fname: 'Open discussion', prid: 'mxRoomPublic00001' },
  teamChannel: { _id: 'mxRoomTeamChan001', t: 'c', name: 'mx-team-news', teamId: 'mxPrivateTeam0001' },
  publicTeamChannel: { _id: 'mxRoomPubTeamCh01', t: 'c', name: 'mx-open-team-news', teamId: 'mxPublicTeam00001' },
  l: { _id: 'mxRoomLivechat001', t: 'l', fname: 'Visitor', servedBy: { _id: 'mxAgent', username: 'agent' } },
  /** A channel of a private team whose own documents (rocketchat_team, _team_member) are exported. */
  crewChannel: { _id: 'mxRoomCrewChan001', t: 'c', name: 'mx-crew-news', teamId: 'mxCrewTeam000001' },
  /** A closed livechat of a department, served by an agent who is not a caller. */
  lClosed: { _id: 'mxRoomLcClosed001', t: 'l', fname: 'Old visitor', servedBy: { _id: 'mxGoneAgent', username: 'gone' }, departmentId: 'mxSales' },
} as const;
type RoomKind = keyof typeof ROOMS;
const ROOM_KINDS = Object.keys(ROOMS) as RoomKind[];

/** Rooms that are only there to give access to others (parents, teams' main rooms). */
const SUPPORT_ROOMS = [
  { _id: 'mxRoomParent00001', t: 'p', name: 'mx-parent' },
  { _id: 'mxRoomTeamMain001', t: 'p', name: 'mx-private-team', teamId: 'mxPrivateTeam0001', teamMain: true },
  { _id: 'mxRoomPubTeamMain', t: 'c', name: 'mx-public-team', teamId: 'mxPublicTeam00001', teamMain: true },
  { _id: 'mxRoomCrewMain001', t: 'p', name: 'mx-crew', teamId: 'mxCrewTeam000001', teamMain: true },
];

/** Only the crew team's documents are exported: the other two teams use the main-room fallback. */
const TEAMS = [{ _id: 'mxCrewTeam000001', name: 'mx-crew', type: 1, roomId: 'mxRoomCrewMain001' }];
const TEAM_MEMBERS = [{ _id: 'mxTmCrewMember01', teamId: 'mxCrewTeam000001', userId: 'mxCrewMember', roles: ['member'] }];
const DEPARTMENT_AGENTS = [{ _id: 'mxDaAgentSales01', agentId: 'mxAgent', departmentId: 'mxSales', username: 'mxagent' }];
/** A custom role granted view-joined-room, and agents allowed into closed rooms of their departments. */
const PERMISSIONS = [
  { _id: 'view-joined-room', roles: ['guest', 'bot', 'app', 'anonymous', 'mx-support'] },
  { _id: 'view-livechat-room-closed-same-department', roles: ['livechat-manager', 'livechat-monitor', 'admin', 'livechat-agent'] },
];

const messageId = (room: RoomKind) => `mxMsg-${room}`;

// ---- callers -------------------------------------------------------------------------------------

interface Account {
  _id: string;
  roles: string[];
  active?: boolean;
  token: string;
  /** Epoch ms of the login; undefined: a personal access token. */
  when?: number;
  /** Rooms subscribed to. */
  subscriptions: string[];
}

const ALL_ROOMS = ROOM_KINDS.map((kind) => ROOMS[kind]._id);

const ACCOUNTS: Record<string, Account> = {
  mxMember: { _id: 'mxMember', roles: ['user'], token: 'mx-token-member', when: NOW - DAY, subscriptions: ALL_ROOMS },
  mxPatMember: { _id: 'mxPatMember', roles: ['user'], token: 'mx-token-pat', subscriptions: ALL_ROOMS },
  mxGuestMember: { _id: 'mxGuestMember', roles: ['guest'], token: 'mx-token-guest-member', when: NOW - DAY, subscriptions: ALL_ROOMS },
  mxOutsider: { _id: 'mxOutsider', roles: ['user'], token: 'mx-token-outsider', when: NOW - DAY, subscriptions: [] },
  mxGuest: { _id: 'mxGuest', roles: ['guest'], token: 'mx-token-guest', when: NOW - DAY, subscriptions: [] },
  mxAdmin: { _id: 'mxAdmin', roles: ['admin', 'user'], token: 'mx-token-admin', when: NOW - DAY, subscriptions: [] },
  mxIndirect: { _id: 'mxIndirect', roles: ['user'], token: 'mx-token-indirect', when: NOW - DAY, subscriptions: ['mxRoomParent00001', 'mxRoomTeamMain001', 'mxRoomCrewMain001'] },
  mxAgent: { _id: 'mxAgent', roles: ['user', 'livechat-agent'], token: 'mx-token-agent', when: NOW - DAY, subscriptions: [] },
  mxOtherAgent: { _id: 'mxOtherAgent', roles: ['user', 'livechat-agent'], token: 'mx-token-other-agent', when: NOW - DAY, subscriptions: [] },
  mxManager: { _id: 'mxManager', roles: ['user', 'livechat-manager'], token: 'mx-token-manager', when: NOW - DAY, subscriptions: [] },
  mxBot: { _id: 'mxBot', roles: ['bot'], token: 'mx-token-bot', subscriptions: [] },
  mxNoRoles: { _id: 'mxNoRoles', roles: [], token: 'mx-token-noroles', when: NOW - DAY, subscriptions: [] },
  mxDeactivated: { _id: 'mxDeactivated', roles: ['user'], active: false, token: 'mx-token-deactivated', subscriptions: ALL_ROOMS },
  mxExpired: { _id: 'mxExpired', roles: ['user'], token: 'mx-token-expired', when: NOW - 91 * DAY, subscriptions: ALL_ROOMS },
  mxJustExpired: { _id: 'mxJustExpired', roles: ['admin', 'user'], token: 'mx-token-just-expired', when: NOW - 90 * DAY - 60_000, subscriptions: ALL_ROOMS },
  mxSender: { _id: 'mxSender', roles: ['user'], token: 'mx-token-sender', when: NOW - DAY, subscriptions: [] },
  mxPeer: { _id: 'mxPeer', roles: ['user'], token: 'mx-token-peer', when: NOW - DAY, subscriptions: [] },
  mxNoView: { _id: 'mxNoView', roles: ['mx-no-view'], token: 'mx-token-no-view', when: NOW - DAY, subscriptions: ALL_ROOMS },
  mxCustom: { _id: 'mxCustom', roles: ['mx-support'], token: 'mx-token-custom', when: NOW - DAY, subscriptions: ALL_ROOMS },
  mxCrewMember: { _id: 'mxCrewMember', roles: ['user'], token: 'mx-token-crew', when: NOW - DAY, subscriptions: [] },
};

/** A caller: the headers it sends, and the account it is (or pretends to be). */
interface Caller {
  userId: string;
  token: string;
}

const as = (account: string): Caller => ({ userId: ACCOUNTS[account]!._id, token: ACCOUNTS[account]!.token });

const CALLERS: Record<string, Caller> = {
  'member (login token)': as('mxMember'),
  'member (personal access token)': as('mxPatMember'),
  'guest member': as('mxGuestMember'),
  'non-member user': as('mxOutsider'),
  'guest non-member': as('mxGuest'),
  'admin without subscription': as('mxAdmin'),
  'member of parent room and team only': as('mxIndirect'),
  'serving livechat agent': as('mxAgent'),
  'other livechat agent': as('mxOtherAgent'),
  'livechat manager': as('mxManager'),
  bot: as('mxBot'),
  'user without roles': as('mxNoRoles'),
  'member whose roles hold no view permission': as('mxNoView'),
  'member with a custom role granted view-joined-room': as('mxCustom'),
  'team member (team collections), no subscriptions': as('mxCrewMember'),
  'deactivated member': as('mxDeactivated'),
  'member with an expired login token': as('mxExpired'),
  'admin member whose token expired a minute ago': as('mxJustExpired'),
  'member id with a wrong token': { userId: 'mxMember', token: 'not-the-token' },
  "member id with another user's token": { userId: 'mxMember', token: ACCOUNTS.mxOutsider!.token },
  "member id with the member's token hash as token": { userId: 'mxMember', token: hashToken(ACCOUNTS.mxMember!.token) },
  'unknown user with a valid token': { userId: 'mxNobody', token: ACCOUNTS.mxMember!.token },
  "member's token under the id in other case": { userId: 'MXMEMBER', token: ACCOUNTS.mxMember!.token },
};

// ---- the matrix (written out by hand from the spec's access rules) -------------------------------

const Y = 200;
const N = 'not-allowed';
const U = 401;
type Cell = typeof Y | typeof N | typeof U;

// l, lClosed: a subscription needs view-joined-room or view-l-room (users hold neither).
//                                                          c  p  d  gD disc pubDisc teamCh pubTeamCh l  crewCh lClosed
const MATRIX: Record<string, Cell[]> = {
  'member (login token)': [Y, Y, Y, Y, Y, Y, Y, Y, N, Y, N],
  'member (personal access token)': [Y, Y, Y, Y, Y, Y, Y, Y, N, Y, N],
  'guest member': [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
  'non-member user': [Y, N, N, N, N, Y, N, Y, N, N, N],
  'guest non-member': [N, N, N, N, N, N, N, N, N, N, N],
  'admin without subscription': [Y, N, N, N, N, Y, N, Y, Y, N, Y],
  'member of parent room and team only': [Y, N, N, N, Y, Y, Y, Y, N, N, N],
  'serving livechat agent': [Y, N, N, N, N, Y, N, Y, Y, N, Y],
  'other livechat agent': [Y, N, N, N, N, Y, N, Y, N, N, N],
  'livechat manager': [Y, N, N, N, N, Y, N, Y, Y, N, Y],
  bot: [Y, N, N, N, N, Y, N, Y, N, N, N],
  'user without roles': [N, N, N, N, N, N, N, N, N, N, N],
  'member whose roles hold no view permission': [N, N, N, N, N, N, N, N, N, N, N],
  'member with a custom role granted view-joined-room': [Y, Y, Y, Y, Y, Y, Y, Y, Y, Y, Y],
  'team member (team collections), no subscriptions': [Y, N, N, N, N, Y, N, Y, N, Y, N],
  'deactivated member': [U, U, U, U, U, U, U, U, U, U, U],
  'member with an expired login token': [U, U, U, U, U, U, U, U, U, U, U],
  'admin member whose token expired a minute ago': [U, U, U, U, U, U, U, U, U, U, U],
  'member id with a wrong token': [U, U, U, U, U, U, U, U, U, U, U],
  "member id with another user's token": [U, U, U, U, U, U, U, U, U, U, U],
  "member id with the member's token hash as token": [U, U, U, U, U, U, U, U, U, U, U],
  'unknown user with a valid token': [U, U, U, U, U, U, U, U, U, U, U],
  "member's token under the id in other case": [U, U, U, U, U, U, U, U, U, U, U],
};

// ---- the export --------------------------------------------------------------------------------

function user(account: Account) {
  const token =
    account.when === undefined
      ? { hashedToken: hashToken(account.token), type: 'personalAccessToken', name: 'matrix', createdAt: ejsonDate(NOW - 10 * DAY) }
      : { hashedToken: hashToken(account.token), when: ejsonDate(account.when) };
  return {
    _id: account._id,
    username: account._id.toLowerCase(),
    name: account._id,
    type: 'user',
    active: account.active ?? true,
    roles: account.roles,
    services: { resume: { loginTokens: [token] } },
  };
}

function exportCollections() {
  const rooms = [...ROOM_KINDS.map((kind) => ROOMS[kind]), ...SUPPORT_ROOMS];
  const subscriptions = Object.values(ACCOUNTS).flatMap((account) =>
    account.subscriptions.map((rid) => ({ _id: `sub-${account._id}-${rid}`, rid, u: { _id: account._id, username: account._id.toLowerCase() }, unread: 1 })),
  );
  const messages = ROOM_KINDS.map((kind) => ({
    _id: messageId(kind),
    rid: ROOMS[kind]._id,
    msg: `secret of ${kind}`,
    ts: ejsonDate(NOW - DAY),
    u: { _id: 'mxSender', username: 'mxsender', name: 'Sender' },
  }));
  return {
    users: Object.values(ACCOUNTS).map(user),
    rocketchat_room: rooms,
    rocketchat_subscription: subscriptions,
    rocketchat_message: messages,
    rocketchat_settings: [
      { _id: 'Accounts_LoginExpiration', value: { $numberInt: '90' } },
      { _id: 'uniqueID', value: 'matrix' },
    ],
    rocketchat_permissions: PERMISSIONS,
    rocketchat_team: TEAMS,
    rocketchat_team_member: TEAM_MEMBERS,
    rocketchat_livechat_department_agents: DEPARTMENT_AGENTS,
  };
}

let stack: LocalStack;
let dir: string;

beforeAll(async () => {
  dir = await writeExport(await tempDir('matrix'), exportCollections());
  stack = await startLocalStack({ fixturesDir: dir, port: 0, endpoint: endpoint(), tableName: `matrix-${randomUUID().slice(0, 8)}` });
});

afterAll(async () => {
  await stack?.close();
  if (dir) await removeDir(dir);
});

const get = (caller: Caller, id: string) => call(`${stack.url}/api/v1/push.get?id=${encodeURIComponent(id)}`, { headers: { 'X-User-Id': caller.userId, 'X-Auth-Token': caller.token } });

describe('the access matrix', () => {
  it('covers every caller and room type', () => {
    expect(Object.keys(MATRIX).sort()).toStrictEqual(Object.keys(CALLERS).sort());
    for (const row of Object.values(MATRIX)) expect(row).toHaveLength(ROOM_KINDS.length);
  });

  describe.concurrent.each(Object.keys(CALLERS))('%s', (callerName) => {
    it.for(ROOM_KINDS.map((room, index) => [room, index] as const))('room %s', async ([room, index], { expect }) => {
      const expected = MATRIX[callerName]![index]!;
      const answer = await get(CALLERS[callerName]!, messageId(room));
      expect(specViolation(answer)).toBeUndefined();
      if (expected === Y) {
        expect(answer.status).toBe(200);
        const body = answer.body as { data: { message: { _id: string; rid: string } } };
        expect(body.data.message._id).toBe(messageId(room));
        expect(body.data.message.rid).toBe(ROOMS[room]._id);
      } else if (expected === N) {
        expect([answer.status, answer.body]).toStrictEqual([400, bad(NOT_ALLOWED).body]);
      } else {
        expect([answer.status, answer.body]).toStrictEqual([401, UNAUTHORIZED_BODY]);
      }
      // Whatever the outcome, a refused caller never sees the message's text.
      if (expected !== Y) expect(answer.text).not.toContain('secret of');
    });
  });
});

describe('no leak whatever the id', () => {
  it('a 200 only ever carries a message of a room the caller may read', async () => {
    // Every caller × every message in the table (also the ones of support rooms, none, and junk).
    const ids = [...ROOM_KINDS.map(messageId), 'mxMsg-none', ...SUPPORT_ROOMS.map((room) => room._id)];
    for (const [callerName, caller] of Object.entries(CALLERS)) {
      const answers = await Promise.all(ids.map((id) => get(caller, id)));
      answers.forEach((answer, i) => {
        expect(specViolation(answer)).toBeUndefined();
        if (answer.status === 200) {
          const rid = (answer.body as { data: { message: { rid: string } } }).data.message.rid;
          const index = ROOM_KINDS.findIndex((kind) => ROOMS[kind]._id === rid);
          expect(MATRIX[callerName]![index], `${callerName} got ${ids[i]}`).toBe(Y);
        } else {
          expect(answer.text).not.toContain('secret of');
        }
      });
    }
  });

  it('the login-token check happens before any message lookup: a refused caller learns nothing about ids', async () => {
    const refused = CALLERS['member id with a wrong token']!;
    const existing = await get(refused, messageId('c'));
    const missing = await get(refused, 'mxMsg-none');
    expect(existing).toStrictEqual(missing);
  });
});
