/**
 * Secrets never reach the logs: ALL output of a full run (stdout/stderr writes and console.* of
 * this process, and the import CLI's output) is captured while the service imports exports (good
 * and bad ones whose malformed lines carry tokens), authorizes (allowed, refused, failing),
 * answers (200, 4xx, 500), logs accesses, and the live relay follows a MongoDB whose URL holds a
 * password; no raw token, no token hash and no part of that URL may appear in it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ImportError } from '../../lib/core/errors';
import { importExport } from '../../lib/import/import-export';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { DEMO_FIXTURES, endpoint, freshTable, testClient } from '../support/dynamo';
import { authorizerEvent, proxyEvent } from '../../testkit/requests';
import { MongoPeer } from '../../testkit/mongo-peer';
import { connectRelay, powertoolsLog } from '../../lib/sync/relay';
import { authHeaders, call, closedPort, runImportCli, type CliRun, DEMO_USERS, ejsonDate, hashToken, hexHash, removeDir, tempDir, writeExport, type Answer } from './support';

/** Tokens of the bad exports: they appear only inside the malformed lines. */
const EXPORT_SECRETS = ['raw-token-in-a-wrong-typed-line', 'token-in-a-truncated-line', 'token-in-an-unknown-type', 'token-in-a-good-line'];
const WRONG_TOKEN = 'a-wrong-token-someone-tried';
const ALL_TOKENS = [...Object.values(DEMO_USERS).map((user) => user.token), ...EXPORT_SECRETS, WRONG_TOKEN];

/** The demo messages' texts: no log line may quote one. */
const MESSAGE_TEXTS = readFileSync(join(DEMO_FIXTURES, 'rocketchat_message.json'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => String((JSON.parse(line) as { msg?: unknown }).msg ?? ''));

const RELAY_USER = 'rc_relay_user';
const RELAY_PASSWORD = 's3cret';
/** The relay's MongoDB URL, with a user and password (the peer accepts a PLAIN login). */
const relayUrl = (peer: MongoPeer) => `mongodb://${RELAY_USER}:${RELAY_PASSWORD}@${peer.host}/rocketchat?replicaSet=rs0&authMechanism=PLAIN&authSource=%24external&serverSelectionTimeoutMS=3000`;

/** Every form a token could leak in. */
function leakForms(token: string): string[] {
  return [token, hashToken(token), hexHash(token), encodeURIComponent(token), encodeURIComponent(hashToken(token)), Buffer.from(token).toString('base64')];
}

// ---- capture ---------------------------------------------------------------------------------------

const captured: string[] = [];
const answers: Answer[] = [];

function startCapture(): void {
  // Captured, not passed on: the run stays quiet, the assertions below say what leaked.
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
      captured.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    }) as typeof stream.write);
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      captured.push(args.map((arg) => (typeof arg === 'string' ? arg : safeInspect(arg))).join(' '));
    });
  }
}

function safeInspect(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}\n${value.stack ?? ''}`;
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The import CLI as a child process; its output joins the capture. */
async function runCli(args: string[]): Promise<CliRun> {
  const run = await runImportCli(args, 30_000);
  captured.push(run.stdout, run.stderr);
  return run;
}

// ---- the bad exports -----------------------------------------------------------------------------

const goodUser = {
  _id: 'goodUser',
  username: 'good',
  roles: ['user'],
  services: { resume: { loginTokens: [{ hashedToken: hashToken('token-in-a-good-line'), when: ejsonDate(Date.now()) }] } },
};

const BAD_EXPORTS: Record<string, { users: string[]; where: string }> = {
  'a wrong-typed line with a raw legacy token': {
    users: [JSON.stringify(goodUser), JSON.stringify({ _id: 'leaky', roles: 'admin', services: { resume: { loginTokens: [{ token: 'raw-token-in-a-wrong-typed-line', when: ejsonDate(0) }] } } })],
    where: 'users.json:2',
  },
  'a truncated line with a token hash': {
    users: [
      JSON.stringify(goodUser),
      JSON.stringify({ _id: 'cut', services: { resume: { loginTokens: [{ hashedToken: hashToken('token-in-a-truncated-line'), token: 'token-in-a-truncated-line' }] } } }).slice(0, -12),
    ],
    where: 'users.json:2',
  },
  'an unknown Extended JSON type holding a token': {
    users: [
      JSON.stringify(goodUser),
      JSON.stringify({ _id: 'binary', services: { resume: { loginTokens: [{ hashedToken: { $binary: { base64: Buffer.from('token-in-an-unknown-type').toString('base64'), subType: '00' } } }] } } }),
    ],
    where: 'users.json:2',
  },
};

const dirs: string[] = [];

beforeAll(() => {
  // Everything at its most talkative: debug logs of both functions included.
  Object.assign(process.env, { POWERTOOLS_LOG_LEVEL: 'DEBUG', POWERTOOLS_LOGGER_LOG_EVENT: 'true' });
  startCapture();
});

afterAll(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.map(removeDir));
});

describe('a full run, all output captured', () => {
  it('imports: bad exports are refused with file:line and no secret; a good one is summarised', { timeout: 60_000 }, async () => {
    const client = testClient();
    for (const [name, { users, where }] of Object.entries(BAD_EXPORTS)) {
      const dir = await writeExport(await tempDir('secrets'), { users });
      dirs.push(dir);
      const tableName = await freshTable(client, 'secrets-bad');
      const error = await importExport(new DynamoStore(client, { tableName }), dir).catch((e: unknown) => e);
      expect(error, name).toBeInstanceOf(ImportError);
      expect((error as ImportError).where).toBe(where);
      // What an operator would see: the message, and the error itself logged.
      console.error(`import failed: ${(error as Error).message}`);
      console.error(error);
    }
    const cli = await runCli([dirs[0]!, '--endpoint', endpoint(), '--table', `secrets-cli-${Date.now()}`]);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('users.json:2');

    const tableName = await freshTable(client, 'secrets-good');
    await importExport(new DynamoStore(client, { tableName }), DEMO_FIXTURES, {
      onProgress: (collection, written, total) => console.log(`${collection}: ${written}/${total}`),
    });
    client.destroy();
    process.env.SECRETS_TABLE = tableName;
  });

  it('authorizer and handler: allowed, refused, failing; all through their modules', { timeout: 30_000 }, async () => {
    const load = async (dynamoEndpoint: string) => {
      vi.resetModules();
      Object.assign(process.env, { TABLE_NAME: process.env.SECRETS_TABLE, DYNAMODB_ENDPOINT: dynamoEndpoint, AWS_REGION: 'local' });
      return {
        authorizer: (await import('../../functions/authorizer/index')).handler,
        handler: (await import('../../functions/push-get/index')).handler,
      };
    };
    const working = await load(endpoint());
    for (const user of Object.values(DEMO_USERS)) {
      await working.authorizer(authorizerEvent({ headers: authHeaders(user) })).catch((error: unknown) => console.error(error));
      await working.authorizer(authorizerEvent({ headers: { 'X-User-Id': user.id, 'X-Auth-Token': WRONG_TOKEN } })).catch((error: unknown) => console.error(error));
    }
    const context = { userId: DEMO_USERS.rodriq.id, username: 'rodriq', roles: '["user","admin"]', language: '' };
    for (const id of ['WkbwSntxt8D3jLp8G', 'msgLivechat000001', 'nope', DEMO_USERS.alice.token]) {
      const result = await working.handler(proxyEvent({ query: { id: [id] }, headers: authHeaders(DEMO_USERS.rodriq) }, context));
      answers.push({ status: result.statusCode, text: result.body, body: JSON.parse(result.body) });
    }

    const failing = await load(await closedPort());
    const failure = await failing.authorizer(authorizerEvent({ headers: authHeaders(DEMO_USERS.rodriq) })).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    console.error(failure);
    const result = await failing.handler(proxyEvent({ query: { id: ['WkbwSntxt8D3jLp8G'] }, headers: authHeaders(DEMO_USERS.rodriq) }, context));
    expect(result.statusCode).toBe(500);
    answers.push({ status: result.statusCode, text: result.body, body: JSON.parse(result.body) });
  });

  it('the local API with access logs on', { timeout: 60_000 }, async () => {
    vi.resetModules();
    const { startLocalStack } = await import('../../local/stack');
    const stack = await startLocalStack({
      fixturesDir: DEMO_FIXTURES,
      port: 0,
      endpoint: endpoint(),
      tableName: `secrets-api-${Date.now()}`,
      log: (line) => console.log(line),
    });
    try {
      const base = `${stack.url}/api/v1/push.get`;
      for (const user of Object.values(DEMO_USERS)) {
        answers.push(await call(`${base}?id=WkbwSntxt8D3jLp8G`, { headers: authHeaders(user) }));
        answers.push(await call(`${base}?id=WkbwSntxt8D3jLp8G`, { headers: { 'X-User-Id': user.id, 'X-Auth-Token': WRONG_TOKEN } }));
        // A client that puts its token where the id goes, or into an extra query key.
        answers.push(await call(`${base}?id=${encodeURIComponent(user.token)}&token=${encodeURIComponent(user.token)}`, { headers: authHeaders(DEMO_USERS.rodriq) }));
      }
      answers.push(await call(`${base}?id=x`, { method: 'POST', headers: authHeaders(DEMO_USERS.rodriq), body: JSON.stringify({ token: DEMO_USERS.rodriq.token }) }));
    } finally {
      await stack.close();
    }
  });

  it('the live relay, logging JSON through Powertools, with a password in its MongoDB URL and a dead letter', { timeout: 60_000 }, async () => {
    const peer = await MongoPeer.start();
    const client = testClient();
    try {
      peer.collections.set('rocketchat.users', [{ _id: 'relayUser', username: 'relay', roles: ['user'] }]);
      const { relay, close } = await connectRelay({
        mongoUrl: relayUrl(peer),
        documentClient: client,
        tableName: await freshTable(client, 'secrets-relay'),
        log: powertoolsLog(),
        tuning: { checkpointIntervalMs: 50, maxAwaitTimeMS: 50, coalesceMs: 5, metricsIntervalMs: 100 },
      });
      const running = relay.run();
      await peer.until(() => peer.commands('getMore').length > 0);
      // A change the mapping cannot use, carrying a token: a dead letter, never its content.
      peer.emit({ operationType: 'insert', ns: { db: 'rocketchat', coll: 'rocketchat_subscription' }, documentKey: { _id: 'broken' }, fullDocument: { _id: 'broken', name: DEMO_USERS.alice.token } });
      await peer.until(() => captured.join('').includes('"message":"dead letter"'));
      relay.stop();
      await running;
      await close();
    } finally {
      client.destroy();
      await peer.close();
    }
  });

  it('the capture is real (it holds the logs of every stage)', () => {
    const text = captured.join('');
    expect(text).toContain('import failed: users.json:2');
    expect(text).toContain('refused');
    expect(text).toContain('"message":"failed"');
    expect(text).toContain('"reason":"store-error"');
    expect(text).toContain('"reason":"token-unknown"');
    expect(text).toMatch(/GET \/api\/v1\/push\.get 200 ok user=/);
    expect(text).toMatch(/GET \/api\/v1\/push\.get 401 token-unknown user=/);
    expect(text).toContain('"service":"push-get-sync"');
    expect(answers.length).toBeGreaterThan(20);
  });

  it('no raw token and no token hash anywhere in the output', () => {
    const text = captured.join('');
    for (const token of ALL_TOKENS) {
      for (const form of leakForms(token)) {
        expect(text.includes(form), `a form of the token ${token.slice(0, 6)}… is in the logs`).toBe(false);
      }
    }
  });

  it('refusal and failure lines carry only their fields: no token, no hash, no message text, no id that is not an id', () => {
    const refusals = captured
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.message === 'refused' || line.message === 'failed');
    expect(refusals.length).toBeGreaterThan(10);
    const powertools = [
      'level',
      'message',
      'timestamp',
      'service',
      'sampling_rate',
      'xray_trace_id',
      'correlation_id',
      'cold_start',
      'function_arn',
      'function_memory_size',
      'function_name',
      'function_request_id',
    ];
    const allowed = new Set([...powertools, 'reason', 'userId', 'messageId', 'latencyMs', 'platform', 'version', 'errorName', 'errorMessage']);
    const texts = MESSAGE_TEXTS.filter((text) => text.length >= 5);
    expect(texts.length).toBeGreaterThan(3);
    for (const line of refusals) {
      expect(Object.keys(line).filter((key) => !allowed.has(key))).toStrictEqual([]);
      for (const id of [line.userId, line.messageId]) if (id !== undefined) expect(id).toMatch(/^[A-Za-z0-9]{1,32}$/);
      const text = JSON.stringify(line);
      for (const messageText of texts) expect(text).not.toContain(messageText);
    }
  });

  it("the relay's lines are JSON and hold neither the MongoDB URL, nor its user, nor its password", () => {
    const lines = captured
      .flatMap((chunk) => chunk.split('\n'))
      .filter((line) => line.includes('"service":"push-get-sync"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map((line) => line.message)).toEqual(expect.arrayContaining(['snapshot loaded; following the change stream', 'dead letter', 'progress']));
    for (const line of lines) expect(line).toMatchObject({ level: expect.any(String), message: expect.any(String), timestamp: expect.any(String) });
    const text = captured.join('');
    for (const secret of [RELAY_PASSWORD, RELAY_USER, 'mongodb://']) expect(text).not.toContain(secret);
  });

  it('no error body carries a token, its hash or the hostile input', () => {
    for (const answer of answers.filter((a) => a.status !== 200)) {
      for (const token of ALL_TOKENS) {
        for (const form of leakForms(token)) expect(answer.text.includes(form)).toBe(false);
      }
      expect(Object.keys(answer.body as object).sort()).toSatisfy((keys: string[]) => keys.join() === 'error,success' || keys.join() === 'error,message,status,success');
    }
  });
});
