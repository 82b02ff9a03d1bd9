/**
 * The relay with the real `mongodb` driver against the scripted wire-protocol peer
 * (testkit/mongo-peer.ts) and the real DynamoDB engine. This tests our use of the driver —
 * stream start before the snapshot, resume after a dropped connection, idle checkpoints, lost
 * history, the lease, dead letters — not MongoDB itself (see relay-replica-set.test.ts for that).
 */
import { BSON } from 'mongodb';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashLoginToken, isLoginValid } from '../../lib/core/auth';
import { PushGetError } from '../../lib/core/errors';
import { importExport } from '../../lib/import/import-export';
import { getPushNotification } from '../../lib/core/push-get';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { COLLECTIONS } from '../../lib/dynamodb/items';
import { RelayStore } from '../../lib/dynamodb/relay-store';
import { changeStreamPipeline } from '../../lib/sync/relevance';
import { ACCESS_NEEDS } from '../../lib/dynamodb/access-needs';
import { connectRelay, RelayStopped, type RelayConfig } from '../../lib/sync/relay';
import type { RelaySummary } from '../../lib/sync/relay/metrics';
import { countRequests, freshTable } from '../support/dynamo';
import { patientClient } from '../support/patient-client';
import { MongoPeer } from '../../testkit/mongo-peer';
import { tempDir, writeExport } from '../support/exports';
import { recordingLog, type RecordingLog } from '../support/relay-log';

const DB = 'rocketchat';
const client = patientClient();
/** The relay's own client: what it sends is recorded and compared with the Fargate role. */
const relayClient = patientClient();
const relayRequests = countRequests(relayClient);
const now = () => new Date();

const docs = {
  setting: { _id: 'Accounts_LoginExpiration', value: 90 },
  user: {
    _id: 'aliceId',
    username: 'alice',
    name: 'Alice',
    active: true,
    roles: ['user'],
    services: { password: { bcrypt: 'SECRET-BCRYPT' }, resume: { loginTokens: [{ when: now(), hashedToken: 'hash-alice-1' }] } },
  },
  room: { _id: 'GENERAL', t: 'c', name: 'general', uids: ['aliceId', 'bobId'] },
  subscription: (id: string, unread: number) => ({ _id: id, u: { _id: 'aliceId', username: 'alice' }, rid: 'GENERAL', name: 'general', unread }),
  message: (id: string, text = 'hello') => ({ _id: id, rid: 'GENERAL', msg: text, ts: now(), u: { _id: 'bobId', username: 'bob' } }),
};

const ns = (coll: string) => ({ db: DB, coll });
const insert = (coll: string, doc: { _id: string }) => ({ operationType: 'insert', ns: ns(coll), documentKey: { _id: doc._id }, fullDocument: doc });
const update = (coll: string, doc: { _id: string }, updatedFields: Record<string, unknown>) => ({
  operationType: 'update',
  ns: ns(coll),
  documentKey: { _id: doc._id },
  updateDescription: { updatedFields, removedFields: [], truncatedArrays: [] },
  fullDocument: doc,
});

interface Outcome {
  summary?: RelaySummary;
  error?: unknown;
}

interface Started {
  done: Promise<Outcome>;
  log: RecordingLog;
  stop(): Promise<RelaySummary>;
}

let peer: MongoPeer;
let tableName: string;
let store: DynamoStore;
let relayStore: RelayStore;
const running: Started[] = [];

async function startRelay(extra: Partial<RelayConfig> = {}, url = peer.url(DB)): Promise<Started> {
  const log = recordingLog();
  const connected = await connectRelay({
    mongoUrl: url,
    documentClient: relayClient,
    tableName,
    log,
    tuning: { checkpointIntervalMs: 50, maxAwaitTimeMS: 50, coalesceMs: 5, leaseMs: 5000 },
    ...extra,
  });
  const done = connected.relay
    .run()
    .then(
      (summary): Outcome => ({ summary }),
      (error: unknown): Outcome => ({ error }),
    )
    .finally(() => connected.close());
  const started: Started = {
    done,
    log,
    stop: async () => {
      connected.relay.stop();
      const outcome = await done;
      if (outcome.error) throw outcome.error;
      return outcome.summary!;
    },
  };
  running.push(started);
  return started;
}

async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > deadline) throw new Error(`eventually: last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const checkpointPosition = async () => {
  const { resumeToken } = await relayStore.state();
  return resumeToken === undefined ? -1 : Number.parseInt(String((BSON.EJSON.parse(resumeToken) as { _data: string })._data), 16);
};

function seedCollections(): void {
  peer.collections.set(`${DB}.rocketchat_settings`, [docs.setting]);
  peer.collections.set(`${DB}.users`, [docs.user]);
  peer.collections.set(`${DB}.rocketchat_room`, [docs.room]);
  peer.collections.set(`${DB}.rocketchat_subscription`, [docs.subscription('sub1', 2)]);
  peer.collections.set(`${DB}.rocketchat_message`, [docs.message('msg1')]);
}

beforeEach(async () => {
  peer = await MongoPeer.start();
  tableName = await freshTable(client, 'relay');
  store = new DynamoStore(client, { tableName });
  relayStore = new RelayStore(client, tableName);
  seedCollections();
});

afterEach(async () => {
  for (const relay of running.splice(0)) {
    await relay.stop().catch(() => undefined);
  }
  await peer.close();
});

afterAll(() => {
  client.destroy();
  relayClient.destroy();
});

describe('relay: first start (no checkpoint)', () => {
  it('opens the change stream before reading the snapshot, then applies the stream on top of it', async () => {
    const relay = await startRelay();
    await eventually(() => store.message('msg1'), Boolean);

    const names = peer.received.map((command) => `${command.name}:${String(command.body[command.name])}`);
    const streamOpened = names.indexOf('aggregate:1');
    const snapshotStarted = names.indexOf('find:rocketchat_message');
    expect(streamOpened).toBeGreaterThan(-1);
    expect(snapshotStarted).toBeGreaterThan(streamOpened);

    // The stream starts at the cluster time read before it, with the server-side filter and updateLookup.
    const [open] = peer.changeStreamOpens();
    expect(open).toMatchObject({ fullDocument: 'updateLookup' });
    expect(open!.startAtOperationTime).toBeDefined();
    const aggregate = peer.commands('aggregate')[0]!;
    expect(BSON.EJSON.stringify((aggregate.body.pipeline as unknown[]).slice(1))).toBe(BSON.EJSON.stringify(changeStreamPipeline()));

    // Users are read with the mapping's fields only: the password hash never leaves MongoDB.
    const usersFind = peer.commands('find').find((command) => command.body.find === 'users')!;
    expect(Object.keys(usersFind.body.projection as object)).toContain('services.resume.loginTokens');
    expect(Object.keys(usersFind.body.projection as object)).not.toContain('services');

    expect(await store.subscription('aliceId', 'GENERAL')).toMatchObject({ unread: 2 });
    expect((await store.loginFacts('aliceId', 'hash-alice-1')).token).toBeDefined();

    // A change after the start reaches the table, and the checkpoint covers it.
    const position = peer.emit(insert('rocketchat_message', docs.message('msg2', 'second')));
    await eventually(() => store.message('msg2'), Boolean);
    await eventually(checkpointPosition, (at) => at >= position);
    expect(relay.log.withMessage('snapshot loaded; following the change stream')).toHaveLength(1);
  });

  it('applies a change made between the stream start and the snapshot read on top of the snapshot', async () => {
    // The update happens as the stream opens: the snapshot (read later) must not hide it.
    peer.onCommand = ({ name }) => {
      if (name === 'aggregate') peer.emit(update('rocketchat_subscription', docs.subscription('sub1', 7), { unread: 7 }));
    };
    await startRelay();
    await eventually(
      () => store.subscription('aliceId', 'GENERAL'),
      (sub) => sub?.unread === 7,
    );
  });
});

describe('relay: --start-at (after an import)', () => {
  it('starts at the given cluster time without a snapshot, applying what happened since', async () => {
    const noted = MongoPeer.clusterTime(peer.advance());
    peer.emit(insert('rocketchat_message', docs.message('sinceExport')));
    await startRelay({ startAt: `${noted.t}.${noted.i}` });
    await eventually(() => store.message('sinceExport'), Boolean);
    expect(peer.changeStreamOpens()[0]!.startAtOperationTime).toEqual(noted);
    expect(peer.commands('find')).toEqual([]);
    expect(await store.message('msg1')).toBeUndefined();
  });

  it('refuses a start point that is no cluster time', async () => {
    await expect(startRelay({ startAt: 'yesterday' })).rejects.toThrow(/--start-at must be a cluster time/);
  });
});

describe('relay: resuming', () => {
  it('resumes after a dropped connection from the last token, losing and repeating nothing', async () => {
    await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    const before = await eventually(checkpointPosition, (at) => at >= 0);
    const opensBefore = peer.changeStreamOpens().length;

    peer.failNext('getMore', { close: true });
    await peer.until(() => peer.pendingFaults === 0);
    const first = peer.emit(insert('rocketchat_message', docs.message('msgA')));
    peer.emit(insert('rocketchat_message', docs.message('msgB')));
    await eventually(() => store.message('msgB'), Boolean);
    expect(await store.message('msgA')).toBeDefined();

    const reopened = peer.changeStreamOpens().slice(opensBefore);
    expect(reopened).toHaveLength(1);
    const resumedAt = Number.parseInt(String((reopened[0]!.resumeAfter as { _data: string })._data), 16);
    expect(resumedAt).toBeGreaterThanOrEqual(before);
    expect(resumedAt).toBeLessThan(first);
  });

  it('checkpoints an idle stream at its postBatchResumeToken', async () => {
    await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    // Writes the stream filters out move the server's position, not the stream's events.
    peer.advance();
    const quietPosition = peer.advance();
    await eventually(checkpointPosition, (at) => at === quietPosition);
  });

  it('restarts from the checkpoint without a new snapshot', async () => {
    const first = await startRelay();
    peer.emit(insert('rocketchat_message', docs.message('msgC')));
    await eventually(() => store.message('msgC'), Boolean);
    await first.stop();
    const checkpoint = (await relayStore.state()).resumeToken!;
    const findsBefore = peer.commands('find').length;

    const missed = peer.emit(insert('rocketchat_message', docs.message('msgD')));
    await startRelay();
    await eventually(() => store.message('msgD'), Boolean);
    const reopened = peer.changeStreamOpens().at(-1)!;
    expect(BSON.EJSON.stringify(reopened.resumeAfter)).toBe(BSON.EJSON.stringify(BSON.EJSON.parse(checkpoint)));
    expect(peer.commands('find')).toHaveLength(findsBefore);
    await eventually(checkpointPosition, (at) => at >= missed);
  });
});

describe('relay: stopping', () => {
  it('stops with what to do when MongoDB no longer has the checkpoint (286), and --resnapshot recovers', async () => {
    const first = await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    await first.stop();
    peer.emit(insert('rocketchat_message', docs.message('lost')));
    peer.forgetHistory();

    const second = await startRelay();
    const { error } = await second.done;
    expect(error).toBeInstanceOf(RelayStopped);
    expect((error as Error).message).toMatch(/ChangeStreamHistoryLost.*--resnapshot/);

    peer.collections.set(`${DB}.rocketchat_message`, [docs.message('msg1'), docs.message('lost')]);
    await startRelay({ resnapshot: true });
    await eventually(() => store.message('lost'), Boolean);
  });

  it('stops when a getMore answers 286 mid-stream', async () => {
    const relay = await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    peer.failNext('getMore', { code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'Resume of change stream was not possible' });
    const { error } = await relay.done;
    expect((error as Error).message).toMatch(/--resnapshot/);
  });

  it('refuses to run while another relay holds the lease', async () => {
    await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    const second = await startRelay();
    const { error } = await second.done;
    expect((error as Error).message).toMatch(/another relay holds the lease/);
  });

  it('never puts the MongoDB credentials into an error', async () => {
    const url = `mongodb://rc_admin:Pa55-w0rd@${peer.host}/${DB}?replicaSet=rs0&serverSelectionTimeoutMS=2000`;
    const failure = await startRelay({}, url).then(
      (started) => started.done.then(({ error }) => error),
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(RelayStopped);
    expect(String((failure as Error).message)).not.toMatch(/Pa55-w0rd|rc_admin/);
  });
});

describe('relay: what it logs', () => {
  const PASSWORD = 's3cret-Pa55';
  const credentialed = () => `mongodb://rc_user:${PASSWORD}@${peer.host}/${DB}?replicaSet=rs0&authMechanism=PLAIN&authSource=%24external&serverSelectionTimeoutMS=3000&heartbeatFrequencyMS=500`;

  it('retries a failed write with the attempt and a redacted error; no line holds the URL, its user or its password', async () => {
    const url = credentialed();
    // DynamoDB's first two answers to one change's write quote the URL (as a careless proxy might).
    const failing = patientClient();
    let failures = 2;
    failing.middlewareStack.add(
      (next) => async (args) => {
        if (JSON.stringify(args.input).includes('msgRetry') && failures-- > 0) {
          throw Object.assign(new Error(`endpoint unreachable while ${url} was open (rc_user/${PASSWORD})`), { name: 'TimeoutError' });
        }
        return next(args);
      },
      { step: 'initialize', name: 'failTwice' },
    );
    try {
      const relay = await startRelay({ documentClient: failing, tuning: { checkpointIntervalMs: 50, maxAwaitTimeMS: 50, coalesceMs: 5, leaseMs: 5000, metricsIntervalMs: 100 } }, url);
      await eventually(() => store.message('msg1'), Boolean);
      // The relay logged in with the password (so it had it to leak).
      expect(peer.commands('saslStart').map((command) => command.body.mechanism)).toContain('PLAIN');
      peer.emit(insert('rocketchat_message', docs.message('msgRetry')));
      await eventually(() => store.message('msgRetry'), Boolean);
      const retries = relay.log.withMessage('writing a change failed, retrying');
      expect(retries.map((event) => [event.level, event.fields.attempt, event.fields.attempts, event.fields.errorName])).toStrictEqual([
        ['WARN', 1, 5, 'TimeoutError'],
        ['WARN', 2, 5, 'TimeoutError'],
      ]);
      expect(retries[0]!.fields.errorMessage).toMatch(/^endpoint unreachable while <redacted> was open \(<redacted>\/<redacted>\)$/);
      const total = await relay.stop();
      expect(total.applied).toBeGreaterThan(0);
      // The progress lines carry the interval's figures; together they add up to the totals.
      const progress = relay.log.withMessage('progress').map((event) => event.fields);
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((fields) => typeof fields.checkpointAgeSeconds === 'number')).toBe(true);
      expect(progress.reduce((sum, fields) => sum + Number(fields.applied), 0)).toBe(total.applied);
      const text = relay.log.text();
      for (const secret of [PASSWORD, 'rc_user', url, 'mongodb://']) expect(text).not.toContain(secret);
    } finally {
      failing.destroy();
    }
  });
});

describe('relay: changes', () => {
  it('dead-letters a change the mapping cannot use (without its content) and goes on', async () => {
    const relay = await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    peer.emit(insert('rocketchat_subscription', { _id: 'broken', rid: 'GENERAL', name: 'SECRET-ROOM-NAME' } as never));
    peer.emit(insert('rocketchat_message', docs.message('after')));
    await eventually(() => store.message('after'), Boolean);
    const letters = await eventually(
      () => relayStore.deadLetters(),
      (found) => found.length === 1,
    );
    expect(letters[0]).toMatchObject({ collection: 'rocketchat_subscription', documentId: 'broken', operationType: 'insert' });
    expect(JSON.stringify(letters)).not.toContain('SECRET');
    expect(relay.log.withMessage('dead letter')).toStrictEqual([
      { level: 'WARN', message: 'dead letter', fields: { operationType: 'insert', collection: 'rocketchat_subscription', documentId: 'broken', reason: letters[0]!.reason } },
    ]);
    expect(relay.log.text()).not.toContain('SECRET');
  });

  it('coalesces a burst of changes to one subscription into fewer writes, ending at the latest state', async () => {
    const relay = await startRelay({ tuning: { checkpointIntervalMs: 50, maxAwaitTimeMS: 50, coalesceMs: 100, leaseMs: 5000 } });
    await eventually(() => store.message('msg1'), Boolean);
    for (let unread = 3; unread <= 8; unread++) {
      peer.emit(update('rocketchat_subscription', docs.subscription('sub1', unread), { unread }));
    }
    await eventually(
      () => store.subscription('aliceId', 'GENERAL'),
      (sub) => sub?.unread === 8,
    );
    const summary = await relay.stop();
    // Snapshot: 5 documents; the 6 updates arrive in one batch and merge into one write.
    expect(summary.applied).toBeLessThan(5 + 6);
  });
});

describe('relay: permissions', () => {
  it('sends DynamoDB only the requests the Fargate task role allows, and uses every write it allows', async () => {
    const relay = await startRelay();
    await eventually(() => store.message('msg1'), Boolean);
    peer.emit(insert('rocketchat_subscription', { _id: 'broken' } as never));
    peer.emit(update('users', { ...docs.user, active: false } as { _id: string }, { active: false }));
    await eventually(
      () => relayStore.deadLetters(),
      (found) => found.length === 1,
    );
    await relay.stop();
    // Over every relay of this file: SDK command names as IAM actions.
    const used = Object.keys(relayRequests.snapshot().byCommand).map((name) => `dynamodb:${name.replace(/Command$/, '')}`);
    const allowed = ACCESS_NEEDS.relay.table.map((action) => `dynamodb:${action}`);
    expect(used.filter((action) => !allowed.includes(action))).toEqual([]);
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem', 'dynamodb:TransactWriteItems'];
    expect(allowed.filter((action) => writes.includes(action)).sort()).toEqual(used.filter((action) => writes.includes(action)).sort());
  });
});

// ---- a snapshot that reconciles (issue 16) ----

const DAY_MS = 86_400_000;
/** Everyone who reads in these tests: a user, the sender, and an account deleted later. */
const people = {
  alice: { _id: 'aliceId', username: 'alice', active: true, roles: ['user', 'livechat-agent'], services: { resume: { loginTokens: [{ when: now(), hashedToken: hashLoginToken('tok-alice') }] } } },
  bob: { _id: 'bobId', username: 'bob', name: 'Bob', active: true, roles: ['user'], services: { resume: { loginTokens: [{ when: now(), hashedToken: hashLoginToken('tok-bob') }] } } },
  dave: { _id: 'daveId', username: 'dave', active: true, roles: ['user'], services: { resume: { loginTokens: [{ when: now(), hashedToken: hashLoginToken('tok-dave') }] } } },
};
const inRoom = (id: string, rid: string, ts = now()) => ({ _id: id, rid, msg: `in ${rid}`, ts, u: { _id: 'bobId', username: 'bob' } });
const subscribed = (id: string, rid: string, unread: number, userId = 'aliceId') => ({ _id: id, u: { _id: userId }, rid, name: rid, unread });

/** A workspace with every collection: a private group, a private team with a channel, a closed omnichannel room of a department. */
function workspace(): Record<string, { _id: string }[]> {
  return {
    rocketchat_settings: [docs.setting],
    rocketchat_permissions: [{ _id: 'view-livechat-room-closed-same-department', roles: ['livechat-agent'] } as { _id: string }],
    users: [people.alice, people.bob, people.dave],
    rocketchat_room: [
      docs.room,
      { _id: 'PRIV', t: 'p', name: 'priv' },
      { _id: 'TEAMMAIN', t: 'p', name: 'crew', teamId: 'T1', teamMain: true },
      { _id: 'TEAMCHAN', t: 'c', name: 'crew-chat', teamId: 'T1' },
      { _id: 'LC', t: 'l', departmentId: 'D1', servedBy: { _id: 'someAgent' } },
    ] as { _id: string }[],
    rocketchat_subscription: [subscribed('sub1', 'GENERAL', 2), subscribed('subP', 'PRIV', 5), subscribed('subDave', 'GENERAL', 1, 'daveId')],
    rocketchat_message: [inRoom('msg1', 'GENERAL'), inRoom('msgP', 'PRIV'), inRoom('msgT', 'TEAMCHAN'), inRoom('msgL', 'LC'), inRoom('msgGone', 'GENERAL')],
    rocketchat_team: [{ _id: 'T1', type: 1 } as { _id: string }],
    rocketchat_team_member: [{ _id: 'tm-alice', teamId: 'T1', userId: 'aliceId' } as { _id: string }],
    rocketchat_livechat_department_agents: [{ _id: 'da-alice', departmentId: 'D1', agentId: 'aliceId' } as { _id: string }],
  };
}

function serve(collections: Record<string, { _id: string }[]>): void {
  for (const [collection, documents] of Object.entries(collections)) peer.collections.set(`${DB}.${collection}`, documents);
}

/** MongoDB loses a document while no stream follows it: gone from `find`, its delete in history that will be forgotten. */
function deleteDuringGap(collection: string, id: string): void {
  const key = `${DB}.${collection}`;
  peer.collections.set(
    key,
    (peer.collections.get(key) ?? []).filter((doc) => doc._id !== id),
  );
  peer.emit({ operationType: 'delete', ns: ns(collection), documentKey: { _id: id } });
}

/** The authorizer's and the handler's path (lib/core/auth, lib/core/push-get) on the table, without the settings cache. */
async function pushGet(userId: string, token: string, messageId: string): Promise<{ status: number; badge?: number; error?: string }> {
  const reader = new DynamoStore(client, { tableName, configCacheMs: 0 });
  const hashed = hashLoginToken(token);
  const { user, token: stored, loginExpirationDays } = await reader.loginFacts(userId, hashed);
  if (!user || !isLoginValid(user, stored, hashed, Date.now(), loginExpirationDays)) return { status: 401 };
  try {
    const answer = await getPushNotification(reader, { id: user.id, username: user.username, roles: user.roles, language: user.language }, messageId);
    return { status: 200, badge: answer.data.notification.badge };
  } catch (error) {
    if (!(error instanceof PushGetError)) throw error;
    return { status: 400, error: error.kind };
  }
}

const snapshotLoaded = (relay: Started) =>
  eventually(
    async () => relay.log.withMessage('snapshot loaded; following the change stream').length,
    (loaded) => loaded > 0,
  );

describe('relay: the first snapshot loads every collection the table holds', () => {
  it('reads each collection from MongoDB, so private teams and department agents decide access as after an import', async () => {
    serve(workspace());
    const relay = await startRelay();
    await snapshotLoaded(relay);

    const read = new Set(peer.commands('find').map((command) => String(command.body.find)));
    expect(COLLECTIONS.filter((collection) => !read.has(collection))).toStrictEqual([]);
    // A private team's channel: alice reads it as a team member (no subscription to it or to the main room).
    expect(await pushGet('aliceId', 'tok-alice', 'msgT')).toMatchObject({ status: 200 });
    // A closed omnichannel room of her department: alice is one of its agents.
    expect(await pushGet('aliceId', 'tok-alice', 'msgL')).toMatchObject({ status: 200 });
    expect(await pushGet('daveId', 'tok-dave', 'msgT')).toMatchObject({ status: 400, error: 'NotAllowed' });
    expect(relay.log.text()).not.toMatch(/reconcil/);
  });
});

describe('relay: a snapshot that reconciles', () => {
  async function followThenLoseHistory(): Promise<void> {
    serve(workspace());
    const first = await startRelay();
    await snapshotLoaded(first);
    await first.stop();
  }

  it('after lost history (286), --resnapshot removes what was deleted during the gap, and keeps older messages outside its window', async () => {
    peer.evaluateFindFilters = true;
    const old = inRoom('msgOld', 'GENERAL', new Date(Date.now() - 60 * DAY_MS));
    const oldGone = inRoom('msgOldGone', 'GENERAL', new Date(Date.now() - 60 * DAY_MS));
    await followThenLoseHistory();
    // Older than the snapshot's 30 days: in the table from an import.
    const exported = await writeExport(await tempDir('relay-old-messages'), { rocketchat_message: [old, oldGone] });
    await importExport(store, exported);
    peer.collections.get(`${DB}.rocketchat_message`)!.push(old, oldGone);
    expect(await pushGet('aliceId', 'tok-alice', 'msg1')).toStrictEqual({ status: 200, badge: 7 });
    expect(await pushGet('aliceId', 'tok-alice', 'msgP')).toMatchObject({ status: 200 });
    expect(await pushGet('aliceId', 'tok-alice', 'msgT')).toMatchObject({ status: 200 });
    expect(await pushGet('daveId', 'tok-dave', 'msg1')).toMatchObject({ status: 200 });

    // The relay is down; meanwhile a message, a subscription, a team membership and an account
    // are deleted, and the oplog rolls over.
    deleteDuringGap('rocketchat_message', 'msgGone');
    deleteDuringGap('rocketchat_message', 'msgOldGone');
    deleteDuringGap('rocketchat_subscription', 'subP');
    deleteDuringGap('rocketchat_team_member', 'tm-alice');
    deleteDuringGap('users', 'daveId');
    peer.forgetHistory();
    const stopped = await startRelay();
    expect(String((await stopped.done).error)).toMatch(/ChangeStreamHistoryLost.*--resnapshot/);

    const relay = await startRelay({ resnapshot: true });
    await snapshotLoaded(relay);
    expect(await pushGet('aliceId', 'tok-alice', 'msgGone')).toMatchObject({ status: 400, error: 'MessageNotFound' });
    expect(await pushGet('aliceId', 'tok-alice', 'msgOldGone')).toMatchObject({ status: 400, error: 'MessageNotFound' });
    expect(await pushGet('aliceId', 'tok-alice', 'msgOld')).toStrictEqual({ status: 200, badge: 2 });
    expect(await pushGet('aliceId', 'tok-alice', 'msg1')).toStrictEqual({ status: 200, badge: 2 });
    expect(await pushGet('aliceId', 'tok-alice', 'msgP')).toMatchObject({ status: 400, error: 'NotAllowed' });
    expect(await pushGet('aliceId', 'tok-alice', 'msgT')).toMatchObject({ status: 400, error: 'NotAllowed' });
    expect(await pushGet('daveId', 'tok-dave', 'msg1')).toStrictEqual({ status: 401 });
    expect(await pushGet('aliceId', 'tok-alice', 'msgL')).toMatchObject({ status: 200 });

    // Messages the windowed snapshot did not see were looked up by _id (the ones it saw were not): only the gone ones are removed.
    const lookups = peer.commands('find').filter((command) => command.body.find === 'rocketchat_message' && !(command.body.filter as { ts?: unknown }).ts);
    expect(lookups.map((command) => (command.body.filter as { _id: { $in: string[] } })._id.$in.sort())).toStrictEqual([['msgGone', 'msgOld', 'msgOldGone']]);
    expect(relay.log.withMessage('reconcile: removed what MongoDB no longer has').map((event) => event.fields)).toStrictEqual([
      { checked: expect.any(Number), removed: 5, removedByCollection: { rocketchat_message: 2, rocketchat_subscription: 1, rocketchat_team_member: 1, users: 1 } },
    ]);
    expect((await relay.stop()).snapshotRemoved).toBe(5);
  });

  it('lets a change that raced the snapshot win over its removal', async () => {
    await followThenLoseHistory();
    deleteDuringGap('rocketchat_subscription', 'subP');
    peer.forgetHistory();
    // Alice is added to the group again while the snapshot reads: after the subscriptions were read.
    let raced = false;
    peer.onCommand = ({ name, body }) => {
      if (name === 'find' && body.find === 'rocketchat_subscription' && !raced) {
        raced = true;
        peer.emit(insert('rocketchat_subscription', subscribed('subP2', 'PRIV', 1)));
      }
    };
    const relay = await startRelay({ resnapshot: true });
    await snapshotLoaded(relay);
    expect(relay.log.withMessage('reconcile: removed what MongoDB no longer has').map((event) => event.fields)).toMatchObject([{ removed: 1, removedByCollection: { rocketchat_subscription: 1 } }]);
    await eventually(
      () => pushGet('aliceId', 'tok-alice', 'msgP'),
      (answer) => answer.status === 200,
    );
    expect(await pushGet('aliceId', 'tok-alice', 'msg1')).toStrictEqual({ status: 200, badge: 3 });
  });

  it('reconciles the first snapshot into a table an import filled', async () => {
    const collections = workspace();
    const exported = await writeExport(await tempDir('relay-import'), collections);
    await importExport(store, exported);
    serve(collections);
    deleteDuringGap('users', 'daveId');
    deleteDuringGap('rocketchat_livechat_department_agents', 'da-alice');
    const relay = await startRelay();
    await snapshotLoaded(relay);
    expect(await pushGet('daveId', 'tok-dave', 'msg1')).toStrictEqual({ status: 401 });
    expect(await pushGet('aliceId', 'tok-alice', 'msgL')).toMatchObject({ status: 400, error: 'NotAllowed' });
    expect(await pushGet('aliceId', 'tok-alice', 'msgT')).toMatchObject({ status: 200 });
    expect((await relay.stop()).snapshotRemoved).toBe(2);
  });
});
