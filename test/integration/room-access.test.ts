/**
 * Room access through the store, over the run's embedded DynamoDB: a small export is imported,
 * changes arrive as change events through the relay's apply path (deletes leave tombstones), and every call
 * is `getPushNotification` over a real DynamoStore. Requests are counted with the bench's SDK
 * middleware, so the read cost of each rule is pinned down too.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeExport, type Collections } from '../support/exports';
import type { Receiver } from '../../lib/domain';
import { NotAllowed } from '../../lib/errors';
import { importExport } from '../../lib/import/import-export';
import { getPushNotification } from '../../lib/push-get';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { ChangeApplier } from '../../lib/sync/apply';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { ChangeLog } from '../../testkit/change-events';
import { countRequests, demoTable, freshTable, testClient, type RequestCounter } from '../support/dynamo';

const user = (id: string, roles: string[]) => ({ _id: id, username: id.toLowerCase(), name: id, type: 'user', active: true, roles });
const USERS = [
  user('sender', ['user']),
  user('member', ['user']),
  user('noViewRole', ['no-view-role']),
  user('noRoles', []),
  user('support', ['support']),
  user('invitee', ['user']),
  user('teamMember', ['user']),
  user('mainRoomOnly', ['user']),
  user('salesAgent', ['livechat-agent']),
  user('supportAgent', ['livechat-agent']),
];

const ROOMS = [
  { _id: 'grp', t: 'p', name: 'grp' },
  { _id: 'dm', t: 'd', uids: ['sender', 'member'] },
  { _id: 'chan', t: 'c', name: 'chan' },
  // A team whose own documents are exported, and one known only through its main room.
  { _id: 'crewMain', t: 'p', name: 'crew', teamId: 'crew', teamMain: true },
  { _id: 'crewNews', t: 'c', name: 'crew-news', teamId: 'crew' },
  { _id: 'oldMain', t: 'p', name: 'old-team', teamId: 'oldTeam', teamMain: true },
  { _id: 'oldNews', t: 'c', name: 'old-team-news', teamId: 'oldTeam' },
  { _id: 'lcClosed', t: 'l', fname: 'Visitor', servedBy: { _id: 'someAgent' }, departmentId: 'sales' },
  { _id: 'lcOpen', t: 'l', fname: 'Visitor', servedBy: { _id: 'someAgent' }, departmentId: 'sales', open: true },
];

const sub = (userId: string, rid: string, extra: object = {}) => ({ _id: `sub-${userId}-${rid}`, rid, u: { _id: userId, username: userId.toLowerCase() }, unread: 0, ...extra });
const SUBSCRIPTIONS = [
  ...['member', 'noViewRole', 'noRoles', 'support'].flatMap((userId) => ['grp', 'dm', 'chan'].map((rid) => sub(userId, rid))),
  sub('invitee', 'grp', { status: 'INVITED', inviter: { _id: 'sender', username: 'sender' } }),
  sub('mainRoomOnly', 'crewMain'),
  sub('mainRoomOnly', 'oldMain'),
];

const MESSAGES = ['grp', 'dm', 'chan', 'crewNews', 'oldNews', 'lcClosed', 'lcOpen'].map((rid) => ({ _id: `m-${rid}`, rid, msg: `in ${rid}`, u: { _id: 'sender', username: 'sender' } }));

const TEAMS = [{ _id: 'crew', name: 'crew', type: 1, roomId: 'crewMain' }];
const TEAM_MEMBERS = [{ _id: 'tm-crew-teamMember', teamId: 'crew', userId: 'teamMember', roles: ['member'] }];
const DEPARTMENT_AGENTS = [
  { _id: 'da-sales', agentId: 'salesAgent', departmentId: 'sales', username: 'salesagent' },
  { _id: 'da-support', agentId: 'supportAgent', departmentId: 'support', username: 'supportagent' },
];

const PERMISSIONS = [
  // A custom role granted view-joined-room, and agents allowed into closed rooms of their departments.
  { _id: 'view-joined-room', roles: ['guest', 'bot', 'app', 'anonymous', 'support'] },
  { _id: 'view-livechat-room-closed-same-department', roles: ['livechat-manager', 'livechat-monitor', 'admin', 'livechat-agent'] },
];

let client: DynamoDBDocumentClient;
let store: DynamoStore;
let tableName: string;
let root: string;

const receiver = (id: string): Receiver => ({ id, username: id.toLowerCase(), roles: USERS.find((u) => u._id === id)!.roles });

async function allowed(userId: string, rid: string, on = store): Promise<boolean> {
  try {
    await getPushNotification(on, receiver(userId), `m-${rid}`);
    return true;
  } catch (error) {
    if (error instanceof NotAllowed) return false;
    throw error;
  }
}

/** The imported documents, so that change events carry the full documents updateLookup would. */
const log = new ChangeLog();
let applier: ChangeApplier;

/** Applies one change event as the relay does; each one here changes what push.get reads. */
async function apply(event: ChangeEvent): Promise<void> {
  expect((await applier.apply(event)).kind, `${event.operationType} ${event.ns?.coll}/${String(event.documentKey?._id)}`).toBe('applied');
}

beforeAll(async () => {
  client = testClient();
  tableName = await freshTable(client, 'access');
  store = new DynamoStore(client, { tableName, configCacheMs: 0 });
  root = await mkdtemp(join(tmpdir(), 'push-get-access-'));
  const exportDir = join(root, 'export');
  await mkdir(exportDir);
  const exported: Collections = {
    users: USERS,
    rocketchat_room: ROOMS,
    rocketchat_subscription: SUBSCRIPTIONS,
    rocketchat_message: MESSAGES,
    rocketchat_settings: [{ _id: 'uniqueID', value: 'access' }],
    rocketchat_permissions: PERMISSIONS,
    rocketchat_team: TEAMS,
    rocketchat_team_member: TEAM_MEMBERS,
    rocketchat_livechat_department_agents: DEPARTMENT_AGENTS,
  };
  await importExport(store, await writeExport(exportDir, exported));
  for (const [collection, docs] of Object.entries(exported)) {
    for (const doc of docs!) log.existing(collection, doc as Record<string, unknown>);
  }
  applier = new ChangeApplier(store);
});

afterAll(async () => {
  client?.destroy();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('a subscription needs a view permission', () => {
  it('a member with the default user role reads channels, groups and DMs', async () => {
    for (const rid of ['grp', 'dm', 'chan']) expect(await allowed('member', rid), rid).toBe(true);
  });

  it('roles that hold no view permission are refused although subscribed', async () => {
    for (const userId of ['noViewRole', 'noRoles']) {
      for (const rid of ['grp', 'dm', 'chan']) expect(await allowed(userId, rid), `${userId} in ${rid}`).toBe(false);
    }
  });

  it('a custom role granted view-joined-room in rocketchat_permissions reads its rooms, until the grant is removed', async () => {
    for (const rid of ['grp', 'dm', 'chan']) expect(await allowed('support', rid), rid).toBe(true);
    await apply(log.delete('rocketchat_permissions', 'view-joined-room'));
    try {
      // Rocket.Chat's default holders of view-joined-room do not include the custom role.
      for (const rid of ['grp', 'dm', 'chan']) expect(await allowed('support', rid), rid).toBe(false);
    } finally {
      await apply(log.insert('rocketchat_permissions', PERMISSIONS[0]!));
    }
    expect(await allowed('support', 'grp')).toBe(true);
  });

  it('a pending invitation does not count; accepting it (the sync rewrites the subscription) does', async () => {
    expect(await allowed('invitee', 'grp')).toBe(false);
    const invited = SUBSCRIPTIONS.find((s) => s._id === sub('invitee', 'grp')._id)!;
    await apply(log.update('rocketchat_subscription', invited._id, {}, ['status', 'inviter']));
    try {
      expect(await allowed('invitee', 'grp')).toBe(true);
    } finally {
      await apply(log.replace('rocketchat_subscription', invited));
    }
    expect(await allowed('invitee', 'grp')).toBe(false);
  });

  it("a ban (Rocket.Chat keeps the subscription with status BANNED) shuts a member out of a group and a public channel; the unban's delete of the subscription leaves the channel open again", async () => {
    const [group, channel] = ['grp', 'chan'].map((rid) => SUBSCRIPTIONS.find((s) => s._id === sub('member', rid)._id)!);
    for (const subscription of [group!, channel!]) await apply(log.update('rocketchat_subscription', subscription._id, { status: 'BANNED' }));
    try {
      expect(await allowed('member', 'grp')).toBe(false);
      expect(await allowed('member', 'chan')).toBe(false);
      expect(await allowed('member', 'dm')).toBe(true);
      await apply(log.delete('rocketchat_subscription', channel!._id));
      expect(await allowed('member', 'chan')).toBe(true);
    } finally {
      await apply(log.update('rocketchat_subscription', group!._id, {}, ['status']));
      await apply(log.insert('rocketchat_subscription', channel!));
    }
    expect(await allowed('member', 'grp')).toBe(true);
  });
});

describe('channels of teams', () => {
  it('with the team collections: members of a private team get in without any subscription, a main-room subscription is not membership', async () => {
    expect(await allowed('teamMember', 'crewNews')).toBe(true);
    expect(await allowed('mainRoomOnly', 'crewNews')).toBe(false);
    expect(await allowed('member', 'crewNews')).toBe(false);
  });

  it('a public team (type 0) opens its channels to view-c-room holders', async () => {
    await apply(log.update('rocketchat_team', 'crew', { type: 0 }));
    try {
      expect(await allowed('member', 'crewNews')).toBe(true);
      expect(await allowed('noRoles', 'crewNews')).toBe(false);
    } finally {
      await apply(log.update('rocketchat_team', 'crew', { type: 1 }));
    }
  });

  it('without its team document a team falls back to the main room; a live insert into rocketchat_team switches to the team rule', async () => {
    expect(await allowed('mainRoomOnly', 'oldNews')).toBe(true);
    expect(await allowed('teamMember', 'oldNews')).toBe(false);
    await apply(log.insert('rocketchat_team', { _id: 'oldTeam', name: 'old-team', type: 1, roomId: 'oldMain' }));
    expect(await allowed('mainRoomOnly', 'oldNews')).toBe(false);
    await apply(log.insert('rocketchat_team_member', { _id: 'tm-old-teamMember', teamId: 'oldTeam', userId: 'teamMember' }));
    expect(await allowed('teamMember', 'oldNews')).toBe(true);
    await apply(log.delete('rocketchat_team_member', 'tm-old-teamMember'));
    expect(await allowed('teamMember', 'oldNews')).toBe(false);
    await apply(log.delete('rocketchat_team', 'oldTeam'));
    expect(await allowed('mainRoomOnly', 'oldNews')).toBe(true);
  });
});

describe('omnichannel rooms', () => {
  it('a closed room opens to an agent of its department holding view-livechat-room-closed-same-department', async () => {
    expect(await allowed('salesAgent', 'lcClosed')).toBe(true);
    expect(await allowed('supportAgent', 'lcClosed')).toBe(false);
    expect(await allowed('salesAgent', 'lcOpen')).toBe(false);
  });

  it('the department membership follows the sync: deleted by its _id, the agent is out', async () => {
    await apply(log.delete('rocketchat_livechat_department_agents', 'da-sales'));
    try {
      expect(await allowed('salesAgent', 'lcClosed')).toBe(false);
    } finally {
      await apply(log.insert('rocketchat_livechat_department_agents', DEPARTMENT_AGENTS[0]!));
    }
    expect(await allowed('salesAgent', 'lcClosed')).toBe(true);
  });
});

describe('read cost (DynamoDB requests of one call, settings cache warm)', () => {
  let counted: DynamoDBDocumentClient;
  let requests: RequestCounter;
  let warm: DynamoStore;

  beforeAll(async () => {
    counted = testClient();
    requests = countRequests(counted);
    warm = new DynamoStore(counted, { tableName, configCacheMs: 60_000 });
    await allowed('member', 'grp', warm);
  });

  afterAll(() => counted?.destroy());

  async function cost(userId: string, rid: string, expected: boolean) {
    requests.reset();
    expect(await allowed(userId, rid, warm), `${userId} in ${rid}`).toBe(expected);
    return requests.snapshot();
  }

  it('common case (member of a channel, group or DM): unchanged, 3 requests in 2 steps', async () => {
    for (const rid of ['grp', 'dm', 'chan']) {
      expect(await cost('member', rid, true), rid).toStrictEqual({ byCommand: { BatchGetItemCommand: 1, GetItemCommand: 1, QueryCommand: 1 }, total: 3, steps: 2 });
    }
    // A refusal for want of a permission costs nothing more either.
    expect((await cost('noRoles', 'grp', false)).steps).toBe(2);
  });

  it('channel of a team with the team collections: one more BatchGetItem, one more step', async () => {
    expect(await cost('teamMember', 'crewNews', true)).toStrictEqual({ byCommand: { BatchGetItemCommand: 2, GetItemCommand: 1, QueryCommand: 1 }, total: 4, steps: 3 });
  });

  it('channel of a team without them: that BatchGetItem, then the main-room subscription', async () => {
    expect(await cost('mainRoomOnly', 'oldNews', true)).toStrictEqual({ byCommand: { BatchGetItemCommand: 2, GetItemCommand: 2, QueryCommand: 1 }, total: 5, steps: 4 });
  });

  it('closed omnichannel room through the department: one more GetItem, one more step', async () => {
    expect(await cost('salesAgent', 'lcClosed', true)).toStrictEqual({ byCommand: { BatchGetItemCommand: 1, GetItemCommand: 2, QueryCommand: 1 }, total: 4, steps: 3 });
    // An open room or a missing permission never reads the department.
    expect((await cost('salesAgent', 'lcOpen', false)).total).toBe(3);
  });
});

describe('the demo export', () => {
  it('frank, subscribed to #design but with only a custom role that holds no view permission, is refused', async () => {
    const demo = await demoTable(client, 'access-demo');
    const as = (id: string, roles: string[]): Receiver => ({ id, roles });
    await expect(getPushNotification(demo.store, as('frankUserId000001', ['auditor']), 'msgAliceDesign001')).rejects.toBeInstanceOf(NotAllowed);
    expect(await demo.store.subscription('frankUserId000001', 'designRoomId00001')).toBeDefined();
    const allowedAnswer = await getPushNotification(demo.store, as('d26x6zSkaPSe5gCyy', ['user', 'admin']), 'msgAliceDesign001');
    expect(allowedAnswer.data.message._id).toBe('msgAliceDesign001');
  });
});
