/**
 * `npm run doctor` as a subprocess against real tables: one set up as docs/deploy.md says, one with
 * each problem (written through the import and the relay's store), and the --url outcomes.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { RelayStore } from '../../lib/dynamodb/relay-store';
import { freePort } from '../../local/engine';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { runToEnd } from '../support/cli';
import { DEMO_FIXTURES, endpoint, freshTable, tableWithoutIndexes } from '../support/dynamo';
import { patientClient } from '../support/patient-client';
import { startStandInRocketChat, type StandIn } from '../support/stand-in-rocketchat';

interface Report {
  checks: { name: string; status: string; detail: string }[];
}

const doctor = (args: string[]) => runToEnd(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts', '--endpoint', endpoint(), ...args]);

async function doctorJson(args: string[]): Promise<{ code: number | null; checks: Record<string, { status: string; detail: string }> }> {
  const { code, stdout, stderr } = await doctor([...args, '--json']);
  expect(stderr).toBe('');
  const report = JSON.parse(stdout) as Report;
  for (const check of report.checks) expect(Object.keys(check)).toStrictEqual(['name', 'status', 'detail']);
  return { code, checks: Object.fromEntries(report.checks.map(({ name, status, detail }) => [name, { status, detail }])) };
}

async function importSettings(store: DynamoStore, settings: Record<string, unknown>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'doctor-settings-'));
  try {
    const lines = Object.entries(settings).map(([id, value]) => JSON.stringify({ _id: id, value }));
    await writeFile(join(dir, 'rocketchat_settings.json'), `${lines.join('\n')}\n`);
    await importExport(store, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

let client: DynamoDBDocumentClient;
let standIn: StandIn;

beforeAll(async () => {
  client = patientClient();
  standIn = await startStandInRocketChat();
});

afterAll(async () => {
  await standIn?.close();
  client?.destroy();
});

describe('a table set up as docs/deploy.md says, served by the local API', () => {
  let stack: LocalStack;

  beforeAll(async () => {
    const tableName = await freshTable(client, 'doctor-ok');
    stack = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName });
    const store = new DynamoStore(client, { tableName });
    await importSettings(store, { Push_request_content_from_server: true, Site_Url: stack.url.replace('http:', 'https:') });
    const relay = new RelayStore(client, tableName);
    await relay.acquire('relay-test', Date.now() + 120_000, Date.now());
    await relay.renew('relay-test', Date.now() + 120_000, { resumeToken: '{"_data":"00"}', at: Date.now() });
  });

  afterAll(async () => {
    await stack?.close();
  });

  it('every check passes; --url finds this API (exit 0)', async () => {
    const { code, checks } = await doctorJson(['--table', stack.tableName, '--url', stack.url]);
    expect(code).toBe(0);
    expect(Object.keys(checks)).toStrictEqual([
      'Push_request_content_from_server',
      'Push_show_message',
      'Site_Url',
      'Accounts_LoginExpiration',
      'table-schema',
      'items',
      'relay-lease',
      'relay-checkpoint',
      'relay-dead-letters',
      'route',
    ]);
    const notOk = Object.entries(checks).filter(([, { status }]) => status !== 'ok');
    // The local API is http on a port; Site_Url says https there, which is a different origin.
    expect(notOk.map(([name, { status }]) => [name, status])).toStrictEqual([['route', 'warn']]);
    expect(checks.route!.detail).toMatch(/^this API answered .*HTTP 401 .*x-amzn-RequestId [0-9a-f-]{36}/);
    expect(checks.items!.detail).toMatch(/users \d+, tokens \d+, subscriptions \d+, rooms \d+, messages \d+, settings \d+/);
    expect(checks['relay-lease']!.detail).toContain('relay-test');
  });
});

describe('a table with each problem', () => {
  let tableName: string;

  beforeAll(async () => {
    // Created by hand, without the badge index.
    tableName = await tableWithoutIndexes(client, 'doctor-bad');
    const store = new DynamoStore(client, { tableName });
    await importSettings(store, { Push_request_content_from_server: false, Push_show_message: false, Site_Url: 'http://chat.example.com', Accounts_LoginExpiration: -1 });
    const relay = new RelayStore(client, tableName);
    const longAgo = Date.now() - 2 * 86_400_000;
    await relay.acquire('relay-gone', longAgo + 30_000, longAgo);
    await relay.renew('relay-gone', longAgo + 30_000, { resumeToken: '{"_data":"00"}', at: longAgo });
    await relay.putDeadLetter({
      at: new Date().toISOString(),
      resumeToken: '{}',
      collection: 'users',
      documentId: 'u1',
      operationType: 'update',
      reason: 'services.resume.loginTokens is not an array',
    });
  });

  it('--json: each problem fails or warns with its fix, and the exit code is 1', async () => {
    const { code, checks } = await doctorJson(['--table', tableName, '--url', standIn.url]);
    expect(code).toBe(1);
    expect(Object.fromEntries(Object.entries(checks).map(([name, { status }]) => [name, status]))).toStrictEqual({
      Push_request_content_from_server: 'fail',
      Push_show_message: 'fail',
      Site_Url: 'warn',
      Accounts_LoginExpiration: 'warn',
      'table-schema': 'fail',
      items: 'fail',
      'relay-lease': 'fail',
      'relay-checkpoint': 'ok',
      'relay-dead-letters': 'warn',
      route: 'fail',
    });
    expect(checks.Push_request_content_from_server!.detail).toContain('never call push.get');
    expect(checks['table-schema']!.detail).toMatch(/^no index badge: every push.get that finds its message fails with 500 \(store-error\); let the CDK stack create the table/);
    expect(checks.items!.detail).toMatch(/^users 0, tokens 0, messages 0, settings 4, configuration stamp 1, relay items 2\. No users and no messages/);
    expect(checks['relay-lease']!.detail).toContain('last holder relay-gone');
    expect(checks['relay-dead-letters']!.detail).toContain('1 × users update: services.resume.loginTokens is not an array');
    expect(checks.route!.detail).toMatch(/something other than this API answered .*HTTP 401.*routing is missing.*docs\/deploy.md/);
    expect(standIn.paths).toContain('/api/v1/push.get');
  });

  it('prints the human format: one line per check and the tally', async () => {
    const { code, stdout } = await doctor(['--table', tableName]);
    expect(code).toBe(1);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Doctor: table ${tableName} at ${endpoint()}`);
    expect(lines).toContainEqual(expect.stringMatching(/^FAIL {2}Push_show_message +off: /));
    expect(lines).toContainEqual(expect.stringMatching(/^WARN {2}relay-dead-letters +1 change/));
    expect(lines).toContainEqual(expect.stringMatching(/^ok {4}relay-checkpoint +written 2 d ago/));
    expect(stdout).not.toContain('route');
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('1 ok, 3 warning(s), 5 failure(s)');
  });

  it('--url where nothing listens: nothing answered', async () => {
    const port = await freePort();
    const { checks } = await doctorJson(['--table', tableName, '--url', `http://127.0.0.1:${port}`]);
    expect(checks.route).toMatchObject({ status: 'fail', detail: expect.stringMatching(/^nothing answered http:\/\/127\.0\.0\.1:\d+\/api\/v1\/push\.get: ECONNREFUSED/) });
  });

  it('a missing table is refused with the command that creates it (exit 1)', async () => {
    const { code, stdout, stderr } = await doctor(['--table', 'doctor-no-such-table']);
    expect([code, stdout]).toStrictEqual([1, '']);
    expect(stderr).toMatch(/table doctor-no-such-table not found .*npm run import/);
  });
});
