/**
 * Opt-in: the relay against a real MongoDB replica set, when MONGO_URL names one
 * (`MONGO_URL='mongodb://127.0.0.1:27017/?replicaSet=rs0' npx vitest run test/integration/relay-replica-set.test.ts`).
 * It works in a scratch database it creates and drops; skipped where no MongoDB runs.
 */
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { RelayStore } from '../../lib/dynamodb/relay-store';
import { connectRelay, textLog, type Relay } from '../../lib/sync/relay';
import { freshTable } from '../support/dynamo';
import { patientClient } from '../support/patient-client';

const MONGO_URL = process.env.MONGO_URL;
const DB = `push_get_relay_${randomUUID().slice(0, 8)}`;

describe.skipIf(!MONGO_URL)('relay against a real replica set (MONGO_URL)', () => {
  const client = patientClient();
  let mongo: MongoClient;
  let tableName: string;
  let relay: Relay;
  let running: Promise<unknown>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    mongo = await new MongoClient(MONGO_URL!).connect();
    const db = mongo.db(DB);
    await db.collection('rocketchat_room').insertOne({ _id: 'GENERAL', t: 'c', name: 'general' } as never);
    await db.collection('rocketchat_message').insertOne({ _id: 'before', rid: 'GENERAL', msg: 'before the relay', ts: new Date(), u: { _id: 'u1', username: 'bob' } } as never);
    tableName = await freshTable(client, 'relayrs');
    ({ relay, close } = await connectRelay({ mongoUrl: MONGO_URL!, dbName: DB, documentClient: client, tableName, log: textLog(() => undefined) }));
    running = relay.run();
  }, 60_000);

  afterAll(async () => {
    relay?.stop();
    await running?.catch(() => undefined);
    await close?.();
    await mongo?.db(DB).dropDatabase();
    await mongo?.close();
    client.destroy();
  });

  it('snapshots, follows inserts, updates and deletes, and checkpoints', async () => {
    const store = new DynamoStore(client, { tableName });
    const until = async (check: () => Promise<boolean>) => {
      const deadline = Date.now() + 30_000;
      while (!(await check())) {
        if (Date.now() > deadline) throw new Error('timed out');
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };
    await until(async () => (await store.message('before')) !== undefined);
    const messages = mongo.db(DB).collection('rocketchat_message');
    await messages.insertOne({ _id: 'after', rid: 'GENERAL', msg: 'after', ts: new Date(), u: { _id: 'u1', username: 'bob' } } as never);
    await until(async () => (await store.message('after')) !== undefined);
    await messages.updateOne({ _id: 'after' } as never, { $set: { msg: 'edited' } });
    await until(async () => (await store.message('after'))?.document.msg === 'edited');
    await messages.deleteOne({ _id: 'after' } as never);
    await until(async () => (await store.message('after')) === undefined);
    await until(async () => (await new RelayStore(client, tableName).state()).resumeToken !== undefined);
    expect((await new RelayStore(client, tableName).state()).resumeToken).toContain('_data');
  });
});
