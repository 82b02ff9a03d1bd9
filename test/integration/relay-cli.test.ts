/**
 * `npm run sync -- --mongo-url` as operators run it: a subprocess (MONGO_URL in its environment)
 * against the wire-protocol peer and the real DynamoDB engine. SIGTERM finishes the changes in
 * flight, checkpoints exactly what was applied, releases the lease and exits 0; a restart resumes
 * from the checkpoint and nothing is lost.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BSON } from 'mongodb';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { RelayStore } from '../../lib/dynamodb/relay-store';
import { endpoint, freshTable } from '../support/dynamo';
import { patientClient } from '../support/patient-client';
import { MongoPeer } from '../../testkit/mongo-peer';

const DB = 'rocketchat';
const client = patientClient();
let peer: MongoPeer;
let tableName: string;
const children: ChildProcess[] = [];

interface Run {
  child: ChildProcess;
  output: () => string;
  exit: Promise<number | null>;
}

function runSync(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', ...args], {
    // The suite silences Powertools' loggers (vitest.config.ts); the relay's lines are what these tests read.
    env: { ...process.env, POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'INFO', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exit };
}

/** Every line the relay printed, parsed: each is one JSON object with Powertools' keys (the service is the relay's). */
function logLines(output: string): Record<string, unknown>[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(line) as Record<string, unknown>;
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      expect(parsed, line).toMatchObject({ level: expect.stringMatching(/^(INFO|WARN|ERROR)$/), message: expect.any(String), service: 'push-get-sync', timestamp: expect.any(String) });
      return parsed;
    });
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const message = (id: string) => ({
  operationType: 'insert',
  ns: { db: DB, coll: 'rocketchat_message' },
  documentKey: { _id: id },
  fullDocument: { _id: id, rid: 'GENERAL', msg: `text of ${id}`, ts: new Date(), u: { _id: 'bobId', username: 'bob' } },
});

beforeEach(async () => {
  peer = await MongoPeer.start();
  tableName = await freshTable(client, 'relaycli');
});

afterEach(async () => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  await peer.close();
});

afterAll(() => client.destroy());

describe('npm run sync -- --mongo-url', () => {
  it('on SIGTERM finishes what it took, checkpoints exactly that, and a restart loses nothing', { timeout: 120_000 }, async () => {
    const store = new DynamoStore(client, { tableName });
    const relayStore = new RelayStore(client, tableName);
    const args = ['--table', tableName, '--endpoint', endpoint()];
    const env = { MONGO_URL: peer.url(DB) };

    const first = runSync(args, env);
    await until(() => first.output().includes('following the change stream'), 'the snapshot');
    const positions = new Map<string, number>();
    for (let i = 0; i < 60; i++) positions.set(`m${i}`, peer.emit(message(`m${i}`)));
    // Stop while the batch is being applied (the peer hands it out as soon as it exists).
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.child.kill('SIGTERM');
    const code = await first.exit;
    if (code !== 0) console.log(first.output());
    expect(code).toBe(0);
    const lines = logLines(first.output());
    expect(lines.map((line) => line.message)).toContain('stopping: finishing the changes in flight, then checkpointing');
    const stopped = lines.filter((line) => line.message === 'stopped');
    expect(stopped).toMatchObject([{ level: 'INFO', applied: expect.any(Number), irrelevant: expect.any(Number), stale: expect.any(Number), deadLetters: 0 }]);
    expect(first.output()).not.toContain('mongodb://');

    // The checkpoint covers exactly the changes in the table: everything up to it, nothing after.
    const state = await relayStore.state();
    const checkpoint = Number.parseInt((BSON.EJSON.parse(state.resumeToken!) as { _data: string })._data, 16);
    const stored = await Promise.all([...positions].map(async ([id, position]) => ({ id, stored: (await store.message(id)) !== undefined, position })));
    expect(stored.filter(({ stored: isStored, position }) => isStored !== position <= checkpoint)).toEqual([]);
    console.log(`SIGTERM after ${stored.filter((entry) => entry.stored).length} of ${stored.length} changes applied`);
    // The lease was released: a successor need not wait for it to expire.
    expect(state.leaseUntil).toBe(0);

    const opensBefore = peer.changeStreamOpens().length;
    const second = runSync(args, env);
    await until(() => peer.changeStreamOpens().length > opensBefore, 'the restarted stream');
    await until(async () => (await store.message('m59')) !== undefined, 'the rest applied after the restart');
    expect(BSON.EJSON.stringify(peer.changeStreamOpens().at(-1)!.resumeAfter)).toBe(BSON.EJSON.stringify(BSON.EJSON.parse(state.resumeToken!)));
    const missing = await Promise.all([...positions.keys()].map(async (id) => ((await store.message(id)) ? undefined : id)));
    expect(missing.filter(Boolean)).toEqual([]);
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });

  it('exits 1 with what to do when the history is lost, without printing the URL', async () => {
    const args = ['--table', tableName, '--endpoint', endpoint()];
    const env = { MONGO_URL: peer.url(DB) };
    const first = runSync(args, env);
    await until(() => first.output().includes('following the change stream'), 'the snapshot');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);

    peer.emit(message('lost'));
    peer.forgetHistory();
    const second = runSync(args, env);
    expect(await second.exit).toBe(1);
    const failed = logLines(second.output()).filter((line) => line.level === 'ERROR');
    expect(failed).toMatchObject([{ message: 'failed', errorName: 'RelayStopped', errorMessage: expect.stringMatching(/ChangeStreamHistoryLost.*--resnapshot/) }]);
    expect(second.output()).not.toContain(peer.host);
  });

  it("the container's entry point (the esbuild bundle of the Dockerfile) runs the relay and stops cleanly", { timeout: 120_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sync-bundle-'));
    const built = spawnSync('npm', ['run', 'build:sync', '--', `--outfile=${join(dir, 'sync.cjs')}`], { encoding: 'utf8' });
    expect(built.status).toBe(0);
    const child = spawn(process.execPath, ['--enable-source-maps', join(dir, 'sync.cjs'), '--table', tableName, '--endpoint', endpoint()], {
      env: { ...process.env, MONGO_URL: peer.url(DB), POWERTOOLS_METRICS_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'INFO' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    let output = '';
    for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await until(() => output.includes('following the change stream'), 'the bundled relay');
    child.kill('SIGTERM');
    expect(await exit).toBe(0);
    // The bundle logs as the functions do: Powertools' Logger made it into the image.
    expect(logLines(output).map((line) => line.message)).toContain('stopped');
    await rm(dir, { recursive: true, force: true });
  });

  it('with a password in the URL: every line JSON, none with the URL, the user or the password, whether it runs or fails', { timeout: 120_000 }, async () => {
    const password = 's3cret';
    const credentialed = (mechanism: string) =>
      `mongodb://rc_user:${password}@${peer.host}/${DB}?replicaSet=rs0&authMechanism=${mechanism}&authSource=%24external&serverSelectionTimeoutMS=3000&heartbeatFrequencyMS=500`;
    const args = ['--table', tableName, '--endpoint', endpoint()];
    const running = runSync(args, { MONGO_URL: credentialed('PLAIN') });
    await until(() => running.output().includes('following the change stream'), 'the snapshot');
    expect(peer.commands('saslStart').length).toBeGreaterThan(0);
    running.child.kill('SIGTERM');
    expect(await running.exit).toBe(0);
    // The peer refuses SCRAM: the login fails, and the failure line names the cause without the secret.
    const refused = runSync(args, { MONGO_URL: credentialed('SCRAM-SHA-256') });
    expect(await refused.exit).toBe(1);
    const failed = logLines(refused.output()).filter((line) => line.level === 'ERROR');
    expect(failed).toMatchObject([{ message: 'failed', errorName: 'RelayStopped', errorMessage: expect.stringMatching(/^cannot connect to MongoDB: /) }]);
    for (const run of [running, refused]) {
      expect(logLines(run.output()).length).toBeGreaterThan(0);
      for (const secret of [password, 'rc_user', credentialed('PLAIN'), credentialed('SCRAM-SHA-256')]) expect(run.output()).not.toContain(secret);
    }
  });

  it('refuses --mongo-url together with --from-file (usage error, exit 2)', async () => {
    const run = runSync(['--from-file', 'x.jsonl', '--table', tableName], { MONGO_URL: peer.url(DB) });
    expect(await run.exit).toBe(2);
    expect(run.output()).toMatch(/not both/);
  });
});
