/**
 * The relay with the real `mongodb` driver against the scripted wire-protocol peer
 * (test/support/mongo-peer.ts) and the real DynamoDB engine. This tests our use of the driver —
 * stream start before the snapshot, resume after a dropped connection, idle checkpoints, lost
 * history, the lease, dead letters — not MongoDB itself (see relay-replica-set.test.ts for that).
 */
import { BSON } from 'mongodb';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { RelayStore } from '../../lib/store/relay-store';
import { changeStreamPipeline } from '../../lib/sync/relevance';
import { ACCESS_NEEDS } from '../../lib/store/access-needs';
import { connectRelay, RelayStopped, type RelayConfig } from '../../lib/sync/relay';
import type { RelaySummary } from '../../lib/sync/relay/metrics';
import { countRequests, freshTable } from '../support/dynamo';
import { patientClient } from '../support/patient-client';
import { MongoPeer } from '../support/mongo-peer';

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
  logs: string[];
  stop(): Promise<RelaySummary>;
}

let peer: MongoPeer;
let tableName: string;
let store: DynamoStore;
let relayStore: RelayStore;
const running: Started[] = [];

async function startRelay(extra: Partial<RelayConfig> = {}, url = peer.url(DB)): Promise<Started> {
  const logs: string[] = [];
  const connected = await connectRelay({
    mongoUrl: url,
    documentClient: relayClient,
    tableName,
    log: (line) => logs.push(line),
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
    logs,
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
    expect(relay.logs.join('\n')).toMatch(/snapshot loaded/);
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

describe('relay: changes', () => {
  it('dead-letters a change the mapping cannot use (without its content) and goes on', async () => {
    await startRelay();
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
