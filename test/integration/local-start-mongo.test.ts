/**
 * `npm start -- --mongo-url URL` as an operator runs it: the CLI as a child process, its table
 * filled from the (peer's) MongoDB by the relay — the demo export served as Rocket.Chat's
 * collections — and then kept current: a message inserted afterwards is answered by push.get.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/engine';
import { DEMO_FIXTURES } from '../support/dynamo';
import { MongoPeer } from '../../testkit/mongo-peer';
import { SEED_ANSWER } from '../support/seed';

const SEED_ID = 'WkbwSntxt8D3jLp8G';
const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const COLLECTIONS = ['users', 'rocketchat_room', 'rocketchat_subscription', 'rocketchat_message', 'rocketchat_settings', 'rocketchat_permissions'];

let peer: MongoPeer;
let child: ChildProcess;
let output = '';
let base = '';

function documents(collection: string): BSON.Document[] {
  return readFileSync(join(DEMO_FIXTURES, `${collection}.json`), 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => BSON.EJSON.parse(line, { relaxed: false }) as BSON.Document);
}

beforeAll(async () => {
  peer = await MongoPeer.start();
  for (const collection of COLLECTIONS) peer.collections.set(`rocketchat.${collection}`, documents(collection));
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts', '--port', String(port), '--engine', 'dynalite', '--mongo-url', peer.url('rocketchat')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true' },
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('following the change stream')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`npm start did not come up:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  base = `http://127.0.0.1:${port}`;
}, 120_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  await peer?.close();
});

describe('npm start -- --mongo-url', () => {
  it('serves the snapshot: the seed request answers the seed notification', async () => {
    const response = await fetch(`${base}/api/v1/push.get?id=${SEED_ID}`, { headers: RODRIQ });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(SEED_ANSWER);
  });

  it('follows the stream: a message sent after the start is answered', async () => {
    const [seed] = documents('rocketchat_message').filter((doc) => doc._id === SEED_ID);
    const fresh = { ...seed!, _id: 'freshMessage00001', msg: 'sent after the start', ts: new Date() };
    peer.emit({ operationType: 'insert', ns: { db: 'rocketchat', coll: 'rocketchat_message' }, documentKey: { _id: fresh._id }, fullDocument: fresh });
    let status = 0;
    const deadline = Date.now() + 20_000;
    while (status !== 200 && Date.now() < deadline) {
      status = (await fetch(`${base}/api/v1/push.get?id=${fresh._id}`, { headers: RODRIQ })).status;
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).toBe(200);
    expect(output).not.toContain('mongodb://');
  });
});
