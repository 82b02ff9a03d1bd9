/**
 * store-error through the local API over HTTP and through `npm run explain --json`, on the same
 * table: one an operator created by hand with the stack's keys but without the badge index, so the
 * handler's badge Query fails (DynamoDB's ValidationException). doctor's table-schema check names
 * this fault (test/integration/doctor-cli.test.ts). A file of its own: one process serves one table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../local/stack';
import { startTs } from './support/cli';
import { DEMO_FIXTURES, endpoint, tableWithoutIndexes, testClient } from './support/dynamo';

const RODRIQ = { id: 'd26x6zSkaPSe5gCyy', token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const SEED = 'WkbwSntxt8D3jLp8G';
const IOS_APP = 'RC Mobile; ios 17.2; v4.52.0 (1234)';

describe('store-error: a table created by hand without the badge index', () => {
  let broken: LocalStack;
  const brokenLines: string[] = [];

  beforeAll(async () => {
    const client = testClient();
    try {
      const table = await tableWithoutIndexes(client, 'reasons-no-index');
      broken = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName: table, log: (line) => brokenLines.push(line) });
    } finally {
      client.destroy();
    }
  }, 120_000);

  afterAll(async () => {
    await broken?.close();
  });

  it('the local API answers 500 and logs store-error; explain says the same and names the failing call', { timeout: 60_000 }, async () => {
    const response = await fetch(`${broken.url}/api/v1/push.get?id=${SEED}`, { headers: { 'X-User-Id': RODRIQ.id, 'X-Auth-Token': RODRIQ.token, 'User-Agent': IOS_APP } });
    const body: unknown = await response.json();
    for (let wait = 0; brokenLines.length === 0 && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(brokenLines).toContainEqual(expect.stringMatching(new RegExp(`^GET /api/v1/push\\.get 500 store-error user=${RODRIQ.id} [\\d.]+ms$`)));
    const cli = startTs('scripts/explain.ts', ['--user', RODRIQ.id, '--message', SEED, `--token=${RODRIQ.token}`, '--endpoint', endpoint(), '--table', broken.tableName, '--json']);
    expect((await cli.exited).code, cli.errors()).toBe(0);
    const explained = JSON.parse(cli.output());
    expect([explained.reason, explained.status, explained.body]).toStrictEqual(['store-error', response.status, body]);
    expect(explained.steps).toContainEqual({ step: 'message', ok: false, detail: 'failed: ValidationException' });
  });
});
