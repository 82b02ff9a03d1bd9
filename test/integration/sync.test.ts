/**
 * Live sync over the real engine: an export imported, then a realistic Rocket.Chat sequence
 * replayed from a file by the sync CLI (a child process), then push.get answers the new state.
 * And the convergence property once more, on DynamoDB itself.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { EJSON } from 'bson';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLoginToken, isLoginValid } from '../../lib/core/auth';
import { importExport } from '../../lib/import/import-export';
import { getPushNotification } from '../../lib/core/push-get';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { ChangeApplier } from '../../lib/sync/apply';
import type { ChangeEvent } from '../../lib/sync/change-event';
import { ChangeLog, SCENARIO, scenarioChanges, scenarioDocuments } from '../../testkit/change-events';
import { cleanEnv, runToEnd } from '../support/cli';
import { countOne, countRequests, endpoint, freshTable, testClient } from '../support/dynamo';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NOW = Date.now();
let client: DynamoDBDocumentClient;

beforeAll(() => {
  client = testClient();
});
afterAll(() => client.destroy());

function runSyncCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'push-get-sync-'));
  await writeFile(join(dir, name), text);
  return join(dir, name);
}

/** Alternate canonical and relaxed Extended JSON, as either may come from a tool. */
function eventLines(events: ChangeEvent[]): string {
  return events.map((event, n) => EJSON.stringify(event, { relaxed: n % 2 === 0 })).join('\n') + '\n';
}

async function liveItems(tableName: string): Promise<Record<string, unknown>[]> {
  const { Items = [] } = await client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return (
    Items.filter((item) => item.deleted !== true)
      // The configuration stamp is new on every write by design; its presence is compared, not its value.
      .map(({ version: _version, stamp: _stamp, ...item }) => item)
      .sort((a, b) => `${a.pk}\u0000${a.sk}`.localeCompare(`${b.pk}\u0000${b.sk}`))
  );
}

/** The authorizer's and the handler's path, on a store without the settings cache. */
async function pushGet(store: DynamoStore, userId: string, token: string, messageId: string) {
  const hashed = hashLoginToken(token);
  const { user, token: stored, loginExpirationDays } = await store.loginFacts(userId, hashed);
  if (!isLoginValid(user, stored, hashed, Date.now(), loginExpirationDays)) {
    return { status: 401 };
  }
  try {
    return { status: 200, body: await getPushNotification(store, { id: user.id, username: user.username, roles: user.roles, language: user.language }, messageId) };
  } catch (error) {
    return { status: 400, error: (error as Error).message };
  }
}

describe('import, then a replayed Rocket.Chat sequence', () => {
  let tableName: string;
  let store: DynamoStore;
  let replay: string;
  let events: ChangeEvent[];

  beforeAll(async () => {
    tableName = await freshTable(client, 'sync');
    store = new DynamoStore(client, { tableName, configCacheMs: 0 });
    const documents = scenarioDocuments(NOW);
    const dir = await mkdtemp(join(tmpdir(), 'push-get-export-'));
    for (const [collection, docs] of Object.entries(documents)) {
      await writeFile(join(dir, `${collection}.json`), docs.map((doc) => EJSON.stringify(doc, { relaxed: true })).join('\n') + '\n');
    }
    await importExport(store, dir);
    const log = new ChangeLog();
    for (const [collection, docs] of Object.entries(documents)) for (const doc of docs) log.existing(collection, doc);
    scenarioChanges(log, NOW);
    events = log.events;
    replay = await tempFile('changes.jsonl', eventLines(events));
  });

  it('before the replay, push.get answers what the export had', async () => {
    expect(await pushGet(store, SCENARIO.carol, SCENARIO.tokens.carol, 'msgOne00000000001')).toStrictEqual({ status: 400, error: 'error-message-not-found' });
  });

  it('the CLI applies the file and prints the summary', async () => {
    const { code, stdout, stderr } = await runSyncCli(['--from-file', replay, '--table', tableName, '--endpoint', endpoint()]);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    // Presence, lastMessage, alert/open, read markers and a setting push.get doesn't read are the irrelevant ones.
    const noise = ['status', 'lastLogin', 'statusConnection', 'msgs', 'lm', 'lastMessage', '_updatedAt', 'alert', 'open', 'ls', 'lr'];
    const irrelevant = events.filter(
      (event) => event.documentKey?._id === 'Unread_Count' || (event.operationType === 'update' && Object.keys(event.updateDescription?.updatedFields ?? {}).every((field) => noise.includes(field))),
    );
    expect(irrelevant.length).toBeGreaterThan(8);
    expect(stdout).toContain(`Replayed ${events.length} events`);
    expect(stdout).toContain(`applied: ${events.length - irrelevant.length}, irrelevant: ${irrelevant.length}, stale: 0, unmappable: 0`);
  });

  it('push.get answers the new state: the edit, the rename, the badge, the settings change', async () => {
    const answer = await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob2, 'msgOne00000000001');
    expect(answer.status).toBe(200);
    const { message, notification } = answer.body!.data;
    expect(message.msg).toBe('hello (edited)');
    expect(notification).toMatchObject({ title: '#town-square', text: 'alice: You have a new message', badge: 1 });
  });

  it('the new message is there; the deleted one and the edit-history copy are not', async () => {
    expect((await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob2, 'msgThree000000001')).status).toBe(200);
    expect(await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob2, 'msgTwo00000000001')).toStrictEqual({ status: 400, error: 'error-message-not-found' });
    expect(await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob2, 'msgOne0000000hist')).toStrictEqual({ status: 400, error: 'error-message-not-found' });
  });

  it('the login opens, the logout and the deactivation refuse', async () => {
    expect((await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob2, 'msgThree000000001')).status).toBe(200);
    expect((await pushGet(store, SCENARIO.bob, SCENARIO.tokens.bob1, 'msgThree000000001')).status).toBe(401);
    expect((await pushGet(store, SCENARIO.carol, SCENARIO.tokens.carol, 'msgThree000000001')).status).toBe(401);
    expect((await pushGet(store, SCENARIO.alice, SCENARIO.tokens.alice, 'msgThree000000001')).status).toBe(200);
  });

  it('a second replay of the same file changes nothing: every event is stale or irrelevant', async () => {
    const before = await liveItems(tableName);
    const { code, stdout } = await runSyncCli(['--from-file', replay, '--table', tableName, '--endpoint', endpoint()]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/applied: 0, irrelevant: \d+, stale: \d+, unmappable: 0/);
    expect(await liveItems(tableName)).toStrictEqual(before);
  });
});

describe("the apply outcome's request counts", () => {
  it('count every DynamoDB request the apply sends: reads and writes as the SDK sees them (the per-change figures in docs/ rest on them)', async () => {
    const counted = testClient();
    const requests = countRequests(counted);
    try {
      const tableName = await freshTable(counted, 'sync-counts');
      const applier = new ChangeApplier(new DynamoStore(counted, { tableName, configCacheMs: 0 }));
      const log = new ChangeLog();
      for (const [collection, docs] of Object.entries(scenarioDocuments(NOW))) for (const doc of docs) log.insert(collection, doc);
      scenarioChanges(log, NOW);
      let readsSeen = 0;
      for (const event of log.events) {
        const { result, counts } = await countOne(requests, () => applier.apply(event));
        readsSeen += result.reads;
        const reads = (counts.byCommand.GetItemCommand ?? 0) + (counts.byCommand.QueryCommand ?? 0) + (counts.byCommand.BatchGetItemCommand ?? 0);
        expect({ reads: result.reads, writes: result.writes, total: result.reads + result.writes }, `${event.operationType} ${event.ns?.coll}`).toStrictEqual({
          reads,
          writes: counts.total - reads,
          total: counts.total,
        });
      }
      // The scenario's logins, logouts and deletes read: the comparison covers reads, not only writes.
      expect(readsSeen).toBeGreaterThan(0);
    } finally {
      counted.destroy();
    }
  });
});

describe('the replay CLI refuses bad input before writing', () => {
  it('a malformed line stops with file:line and writes nothing', async () => {
    const tableName = await freshTable(client, 'sync-bad');
    const log = new ChangeLog();
    log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'x' });
    const file = await tempFile('bad.jsonl', `${eventLines(log.events)}{"operationType": "insert", "token": "secret-raw-token"\n`);
    const { code, stderr } = await runSyncCli(['--from-file', file, '--table', tableName, '--endpoint', endpoint()]);
    expect(code).toBe(1);
    expect(stderr).toContain(`${file}:2: not a change event`);
    expect(stderr).not.toContain('secret');
    expect(await liveItems(tableName)).toStrictEqual([]);
  });

  it('an unmappable event is listed (no values) and the rest is applied', async () => {
    const tableName = await freshTable(client, 'sync-unmappable');
    const log = new ChangeLog();
    log.insert('users', { _id: 'u1', username: 'una', services: { resume: { loginTokens: [{ hashedToken: 'secret-hash' }] } } });
    log.insert('rocketchat_message', { _id: 'm1', rid: 'r1', msg: 'x' });
    const file = await tempFile('unmappable.jsonl', eventLines(log.events));
    const { code, stdout, stderr } = await runSyncCli(['--from-file', file, '--table', tableName, '--endpoint', endpoint()]);
    expect(code).toBe(1);
    expect(stdout).toContain('applied: 1, irrelevant: 0, stale: 0, unmappable: 1');
    expect(stderr).toContain(`${file}:1: users u1:`);
    expect(stderr).not.toContain('secret');
  });

  it('--region with --endpoint is a usage error (exit 2): a local engine is always region "local"', async () => {
    const { code, stdout, stderr } = await runSyncCli(['--from-file', 'x.jsonl', '--endpoint', endpoint(), '--region', 'us-east-1']);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('npm run sync: --region chooses an AWS account; with --endpoint every command uses region "local"');
    expect(stderr).toContain('npm run sync -- --help');
  });

  it('--from-file is required', async () => {
    const { code, stderr } = await runSyncCli(['--table', 'x']);
    expect(code).toBe(2);
    expect(stderr).toContain('--from-file FILE is required');
  });
});

describe('the target in AWS mode: resolved like the import and the AWS CLI', () => {
  /** No AWS settings from this machine; the SDK's own endpoint variable points AWS mode at the test engine. */
  function awsEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([name]) => !name.startsWith('AWS_')));
    return {
      ...env,
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ENDPOINT_URL_DYNAMODB: endpoint(),
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      ...extra,
    };
  }
  const replayIn = async (env: NodeJS.ProcessEnv) => {
    const file = await tempFile('none.jsonl', '');
    return runToEnd(process.execPath, ['--import', 'tsx', 'scripts/sync.ts', '--from-file', file, '--table', 'no-such-table'], { env });
  };

  it('no region anywhere: refused, no hidden us-east-1', async () => {
    const { code, stderr } = await replayIn(awsEnv({}));
    expect(code).toBe(1);
    expect(stderr).toContain('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile');
  });

  it('AWS_DEFAULT_REGION counts; a missing table is refused, never created', async () => {
    const { code, stderr } = await replayIn(awsEnv({ AWS_DEFAULT_REGION: 'ap-south-1' }));
    expect(code).toBe(1);
    expect(stderr).toContain('table no-such-table not found in AWS region ap-south-1');
  });
});

describe('order does not matter, on DynamoDB itself (property)', () => {
  it('shuffled and duplicated, the scenario converges to the in-order table', async () => {
    const log = new ChangeLog();
    for (const [collection, docs] of Object.entries(scenarioDocuments(NOW))) for (const doc of docs) log.insert(collection, doc);
    scenarioChanges(log, NOW);
    const applyAll = async (events: ChangeEvent[]) => {
      const tableName = await freshTable(client, 'sync-prop');
      const applier = new ChangeApplier(new DynamoStore(client, { tableName }));
      for (const event of events) await applier.apply(event);
      return liveItems(tableName);
    };
    const inOrder = await applyAll(log.events);
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(log.events, { minLength: log.events.length, maxLength: log.events.length }), fc.subarray(log.events, { maxLength: 10 }), async (shuffled, duplicates) => {
        expect(await applyAll([...shuffled, ...duplicates])).toStrictEqual(inOrder);
      }),
      { numRuns: 4 },
    );
  }, 120_000);
});
