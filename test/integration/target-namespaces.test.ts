/**
 * The operator's commands against a DynamoDB Local started WITHOUT -sharedDb (its Docker image's
 * default), where every access key and region pair is a database of its own: import, replay and
 * `npm start -- --endpoint` meet in one database whatever AWS_REGION, AWS_ACCESS_KEY_ID or
 * AWS_PROFILE say, and a replay into a missing table creates nothing anywhere. Every command runs
 * as a child process; the answer is read over real HTTP.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { EJSON } from 'bson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_ENGINE_ACCESS } from '../../lib/store/client';
import { javaRuntime, startEngine, DYNAMODB_LOCAL_JAVA, type Engine } from '../../local/engine';
import { ChangeLog, SCENARIO, scenarioChanges, scenarioDocuments } from '../../testkit/change-events';
import { cleanEnv, runToEnd, startTs } from '../support/cli';

const NOW = Date.now();
const hasJava = (javaRuntime()?.major ?? 0) >= DYNAMODB_LOCAL_JAVA;

/** The namespaces an unlucky command could have written to: the SDK's usual default, the environment's, ours. */
const NAMESPACES = [
  { region: LOCAL_ENGINE_ACCESS.region, ...LOCAL_ENGINE_ACCESS.credentials },
  { region: 'us-east-1', accessKeyId: LOCAL_ENGINE_ACCESS.credentials.accessKeyId, secretAccessKey: 'x' },
  { region: 'us-east-1', accessKeyId: 'AKIAOPERATOR', secretAccessKey: 'x' },
  { region: 'eu-west-1', accessKeyId: 'AKIAOPERATOR', secretAccessKey: 'x' },
  { region: 'eu-west-1', accessKeyId: LOCAL_ENGINE_ACCESS.credentials.accessKeyId, secretAccessKey: 'x' },
];

/** A shell of an operator whose AWS settings point elsewhere. */
const operatorEnv = (region: string) => cleanEnv({ AWS_REGION: region, AWS_DEFAULT_REGION: region, AWS_ACCESS_KEY_ID: 'AKIAOPERATOR', AWS_SECRET_ACCESS_KEY: 'x', AWS_PROFILE: 'no-such-profile' });

let engine: Engine;
let dir: string;
let exportDir: string;
let replayFile: string;

function rawClient(namespace: (typeof NAMESPACES)[number]): DynamoDBClient {
  return new DynamoDBClient({ endpoint: engine.endpoint, region: namespace.region, credentials: { accessKeyId: namespace.accessKeyId, secretAccessKey: namespace.secretAccessKey } });
}

async function tablesIn(namespace: (typeof NAMESPACES)[number]): Promise<string[]> {
  const client = rawClient(namespace);
  try {
    return (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  } finally {
    client.destroy();
  }
}

const tsx = (script: string, args: string[], env: NodeJS.ProcessEnv) => runToEnd(process.execPath, ['--import', 'tsx', script, ...args], { env });

describe.skipIf(!hasJava)('the commands on a DynamoDB Local without -sharedDb', () => {
  beforeAll(async () => {
    engine = await startEngine('dynamodb-local', undefined, undefined, { sharedDb: false });
    dir = await mkdtemp(join(tmpdir(), 'push-get-namespaces-'));
    exportDir = join(dir, 'export');
    const documents = scenarioDocuments(NOW);
    await mkdir(exportDir);
    for (const [collection, docs] of Object.entries(documents)) {
      await writeFile(join(exportDir, `${collection}.json`), docs.map((doc) => EJSON.stringify(doc, { relaxed: true })).join('\n') + '\n');
    }
    const log = new ChangeLog();
    for (const [collection, docs] of Object.entries(documents)) for (const doc of docs) log.existing(collection, doc);
    scenarioChanges(log, NOW);
    replayFile = join(dir, 'changes.jsonl');
    await writeFile(replayFile, log.events.map((event) => EJSON.stringify(event, { relaxed: false })).join('\n') + '\n');
  }, 120_000);

  afterAll(async () => {
    await engine?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is really not shared: a table made under one key and region is invisible under another', async () => {
    const name = `probe-${randomUUID().slice(0, 8)}`;
    const client = rawClient(NAMESPACES[3]!);
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      }),
    );
    client.destroy();
    expect(await tablesIn(NAMESPACES[3]!)).toContain(name);
    expect(await tablesIn(NAMESPACES[0]!)).not.toContain(name);
    expect(await tablesIn(NAMESPACES[1]!)).not.toContain(name);
  });

  it('import → sync --from-file → npm start --endpoint: the API answers the replayed change, whatever the environment says', { timeout: 180_000 }, async () => {
    const table = `ops-${randomUUID().slice(0, 8)}`;
    const imported = await tsx('scripts/import.ts', [exportDir, '--endpoint', engine.endpoint, '--table', table], operatorEnv('eu-west-1'));
    expect(imported.code, imported.stderr).toBe(0);
    const replayed = await tsx('scripts/sync.ts', ['--from-file', replayFile, '--endpoint', engine.endpoint, '--table', table], operatorEnv('us-east-1'));
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(replayed.stdout).toMatch(/applied: [1-9]\d*/);

    const api = startTs('local/start.ts', ['--endpoint', engine.endpoint, '--table', table, '--port', '0', '--quiet'], { env: operatorEnv('ap-south-1') });
    try {
      const [, url] = await api.waitFor(/push\.get is ready at (\S+)/, 90_000);
      const response = await fetch(`${url}?id=msgOne00000000001`, { headers: { 'X-User-Id': SCENARIO.bob, 'X-Auth-Token': SCENARIO.tokens.bob2 } });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { message: { msg: string } } };
      expect(body.data.message.msg).toBe('hello (edited)');
    } finally {
      api.child.kill('SIGTERM');
      await api.exited;
    }

    // Everything went to the one fixed namespace; none of the environment's got a table.
    expect(await tablesIn(NAMESPACES[0]!)).toContain(table);
    for (const namespace of NAMESPACES.slice(1)) expect(await tablesIn(namespace), JSON.stringify(namespace)).not.toContain(table);
  });

  it('a replay into a missing table: exit 1, one line naming it, the endpoint and the command that creates it; no table in any namespace', { timeout: 60_000 }, async () => {
    const typo = `typo-${randomUUID().slice(0, 8)}`;
    const { code, stdout, stderr } = await tsx('scripts/sync.ts', ['--from-file', replayFile, '--endpoint', engine.endpoint, '--table', typo], operatorEnv('us-east-1'));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`table ${typo} not found at ${engine.endpoint}`);
    expect(lines[0]).toContain(`npm run import -- <export-dir> --endpoint ${engine.endpoint} --table ${typo}`);
    for (const namespace of NAMESPACES) expect(await tablesIn(namespace), JSON.stringify(namespace)).not.toContain(typo);
  });
});
