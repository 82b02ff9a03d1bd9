/**
 * The local API over real HTTP: `startLocalStack` on the run's embedded DynamoDB (its own table),
 * then the `npm start` CLI itself as a child process.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importExport } from '../lib/import/import-export';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { freePort } from '../local/engine';
import { startLocalStack, type LocalStack } from '../local/stack';
import { startTs, type Cli } from './support/cli';
import { DEMO_FIXTURES, endpoint, testClient } from './support/dynamo';
import { validateAnswer } from './support/openapi';
import { SEED_ANSWER } from './support/seed';

const PATH = '/api/v1/push.get';
const SEED_ID = 'WkbwSntxt8D3jLp8G';
const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const ALICE = { 'X-User-Id': 'aliceUserId000001', 'X-Auth-Token': 'demo-token-alice' };
const BOB = { 'X-User-Id': 'bobUserId00000001', 'X-Auth-Token': 'demo-token-bob' };
const CAROL_GUEST = { 'X-User-Id': 'carolUserId000001', 'X-Auth-Token': 'demo-token-carol' };
const DAVE_AGENT = { 'X-User-Id': 'daveUserId0000001', 'X-Auth-Token': 'demo-token-dave' };
const ERIN_DEACTIVATED = { 'X-User-Id': 'erinUserId0000001', 'X-Auth-Token': 'demo-token-erin' };
const SEED_TEXT = JSON.stringify(SEED_ANSWER);
const LOGIN_REQUIRED = 'You must be logged in to do this.';
const UNAUTHORIZED_TEXT = `{"success":false,"error":"${LOGIN_REQUIRED}","status":"error","message":"${LOGIN_REQUIRED}"}`;
/** A message whose room is not in the export (added to the table beside the demo). */
const ORPHAN_ID = 'msgOrphanRoom0001';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw HTTP/1.1 request: any method, any headers, and a body even on a GET. */
function raw(base: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    // Node's client sends a GET body without a length unless told; say it, as curl does.
    const length = body === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(body)) };
    const request = httpRequest(new URL(path, base), { method, headers: { ...headers, ...length, Connection: 'close' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe('the local API over HTTP', () => {
  let stack: LocalStack;
  let tableName: string;
  const url = (path: string) => `${stack.url}${path}`;
  const get = (query: string, headers: Record<string, string> = RODRIQ, path = PATH) => fetch(url(`${path}${query}`), { headers });

  beforeAll(async () => {
    tableName = `local-api-${randomUUID().slice(0, 8)}`;
    stack = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName });
    // One more message, in a room that does not exist, for `error-room-not-found`.
    const dir = mkdtempSync(join(tmpdir(), 'push-get-orphan-'));
    try {
      const orphan = {
        _id: ORPHAN_ID,
        rid: 'roomThatIsGone001',
        msg: 'lost',
        ts: { $date: '2021-10-22T15:00:00.000Z' },
        u: { _id: 'd26x6zSkaPSe5gCyy', username: 'rodriq' },
        _updatedAt: { $date: '2021-10-22T15:00:00.000Z' },
      };
      writeFileSync(join(dir, 'rocketchat_message.json'), `${JSON.stringify(orphan)}\n`);
      const client = testClient();
      await importExport(new DynamoStore(client, { tableName }), dir);
      client.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  afterAll(async () => {
    await stack?.close();
  });

  describe('the seed curl line', () => {
    it('answers the seed example byte for byte, as application/json', async () => {
      const response = await get(`?id=${SEED_ID}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/json');
      const text = await response.text();
      expect(text).toBe(SEED_TEXT);
      expect(response.headers.get('content-length')).toBe(String(Buffer.byteLength(text)));
      expect(validateAnswer(200, JSON.parse(text))).toStrictEqual([]);
    });

    it('works for a GET with Content-Type: application/json and no body', async () => {
      const response = await get(`?id=${SEED_ID}`, { ...RODRIQ, 'Content-Type': 'application/json' });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SEED_TEXT);
    });

    it('never reads a body, even a broken JSON one sent with a GET', async () => {
      const answer = await raw(stack.url, 'GET', `${PATH}?id=${SEED_ID}`, { ...RODRIQ, 'Content-Type': 'application/json' }, '{"id": "somethingElse", broken');
      expect([answer.status, answer.text]).toStrictEqual([200, SEED_TEXT]);
    });

    it('works behind a stage prefix', async () => {
      const response = await get(`?id=${SEED_ID}`, RODRIQ, `/prod${PATH}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SEED_TEXT);
    });

    it('ignores extra query keys', async () => {
      const response = await get(`?foo=bar&id=${SEED_ID}&_=1700000000&list[]=1&empty=`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(SEED_TEXT);
    });

    it('reads the identity headers case-insensitively', async () => {
      const answer = await raw(stack.url, 'GET', `${PATH}?id=${SEED_ID}`, { 'x-user-id': RODRIQ['X-User-Id'], 'X-AUTH-TOKEN': RODRIQ['X-Auth-Token'] });
      expect([answer.status, answer.text]).toStrictEqual([200, SEED_TEXT]);
    });

    it('is not rate limited: a burst of 40 parallel calls all succeed', async () => {
      const answers = await Promise.all(Array.from({ length: 40 }, () => get(`?id=${SEED_ID}`).then(async (r) => [r.status, await r.text()])));
      expect(answers.every(([status, text]) => status === 200 && text === SEED_TEXT)).toBe(true);
    });
  });

  describe('401: the same body for every authentication failure', () => {
    it.each([
      ['no headers', {}],
      ['only X-User-Id', { 'X-User-Id': RODRIQ['X-User-Id'] }],
      ['only X-Auth-Token', { 'X-Auth-Token': RODRIQ['X-Auth-Token'] }],
      ['empty headers', { 'X-User-Id': '', 'X-Auth-Token': '' }],
      ['a wrong token', { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': 'wrong' }],
      ['an unknown user', { 'X-User-Id': 'nobody00000000001', 'X-Auth-Token': RODRIQ['X-Auth-Token'] }],
      ["another user's token", { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': ALICE['X-Auth-Token'] }],
      ['a deactivated user', ERIN_DEACTIVATED],
      ['the token hash instead of the token', { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': '9Wrt+4w4fWREsSRwkIOnfHGa55RYZnqQQVLIWC22OCQ=' }],
    ])('%s', async (_, headers) => {
      for (const query of [`?id=${SEED_ID}`, '']) {
        const response = await get(query, headers as Record<string, string>);
        expect(response.status).toBe(401);
        expect(response.headers.get('content-type')).toBe('application/json');
        const text = await response.text();
        expect(text).toBe(UNAUTHORIZED_TEXT);
        expect(validateAnswer(401, JSON.parse(text))).toStrictEqual([]);
      }
    });
  });

  describe('400: the error table, in order', () => {
    it.each([
      ['id missing', '', RODRIQ, "Match error: Missing key 'id'"],
      ['only other keys', '?foo=bar', RODRIQ, "Match error: Missing key 'id'"],
      ['id given twice', '?id=a&id=b', RODRIQ, 'Match error: Expected string, got object in field id'],
      ['id given twice, one of them real', `?id=${SEED_ID}&id=${SEED_ID}`, RODRIQ, 'Match error: Expected string, got object in field id'],
      ['id as an array', '?id[]=a', RODRIQ, 'Match error: Expected string, got object in field id'],
      ['id as an object', `?id[x]=${SEED_ID}`, RODRIQ, 'Match error: Expected string, got object in field id'],
      ['an empty id', '?id=', RODRIQ, 'error-message-not-found'],
      ['an unknown message', '?id=doesNotExist', RODRIQ, 'error-message-not-found'],
      ['a hidden message (an older edit)', '?id=msgHiddenEdit0001', RODRIQ, 'error-message-not-found'],
      ['a message whose room is gone', `?id=${ORPHAN_ID}`, RODRIQ, 'error-room-not-found'],
      ['a private group the user is not in', '?id=msgAliceDesign001', BOB, 'error-not-allowed'],
      ["someone else's direct messages", '?id=msgAliceDm0000001', BOB, 'error-not-allowed'],
      ['a public channel for a guest', `?id=${SEED_ID}`, CAROL_GUEST, 'error-not-allowed'],
      ['a private team channel for a non-member', '?id=msgTeamChannel001', BOB, 'error-not-allowed'],
      ['a livechat room for a user who does not serve it', '?id=msgLivechat000001', BOB, 'error-not-allowed'],
      ['access is checked before the sender', '?id=msgDeletedUser001', CAROL_GUEST, 'error-not-allowed'],
      ['a sender whose user record is gone', '?id=msgDeletedUser001', RODRIQ, 'Message sender not found'],
      ['a livechat visitor as sender, for the serving agent', '?id=msgLivechat000001', DAVE_AGENT, 'Message sender not found'],
    ])('%s → %s', async (_, query, headers, error) => {
      const response = await get(query, headers);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toBe('application/json');
      const text = await response.text();
      expect(text).toBe(JSON.stringify({ success: false, error }));
      expect(validateAnswer(400, JSON.parse(text))).toStrictEqual([]);
    });
  });

  describe("caching: every answer forbids it, like Rocket.Chat's REST API", () => {
    it.each([
      ['200', 'GET', `${PATH}?id=${SEED_ID}`, RODRIQ, 200],
      ['400', 'GET', `${PATH}?id=doesNotExist`, RODRIQ, 400],
      ['401 (no credentials)', 'GET', `${PATH}?id=${SEED_ID}`, {}, 401],
      ['401 (wrong token)', 'GET', `${PATH}?id=${SEED_ID}`, { ...RODRIQ, 'X-Auth-Token': 'wrong' }, 401],
      ['404', 'GET', '/api/v1/me', RODRIQ, 404],
      ['405', 'POST', `${PATH}?id=${SEED_ID}`, RODRIQ, 405],
      ['405 for a method the HTTP parser refuses', 'FOO', `${PATH}?id=${SEED_ID}`, RODRIQ, 405],
    ])('%s: Cache-Control: no-store, Pragma: no-cache', async (_, method, path, headers, status) => {
      const answer = await raw(stack.url, method, path, headers as Record<string, string>);
      expect(answer.status).toBe(status);
      expect(answer.headers['content-type']).toBe('application/json');
      expect(answer.headers['cache-control']).toBe('no-store');
      expect(answer.headers.pragma).toBe('no-cache');
    });
  });

  describe('x-amzn-RequestId, as API Gateway sends it on every answer (doctor --url looks for it)', () => {
    const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

    it('is on successes, refusals, unknown paths and parser refusals, a new id each time', async () => {
      const answers = [
        await raw(stack.url, 'GET', `${PATH}?id=${SEED_ID}`, RODRIQ),
        await raw(stack.url, 'GET', `${PATH}?id=${SEED_ID}`, RODRIQ),
        await raw(stack.url, 'GET', `${PATH}?id=${SEED_ID}`),
        await raw(stack.url, 'GET', '/api/v1/me', RODRIQ),
        await raw(stack.url, 'FOO', `${PATH}?id=${SEED_ID}`, RODRIQ),
      ];
      expect(answers.map(({ status }) => status)).toStrictEqual([200, 200, 401, 404, 405]);
      const ids = answers.map(({ headers }) => headers['x-amzn-requestid']);
      for (const id of ids) expect(id).toMatch(UUID);
      expect(new Set(ids).size).toBe(ids.length);
    });
  });

  describe('other paths and methods', () => {
    it.each(['/', '/api/v1/push.got', '/api/v1/push.get/extra', '/api/v1/pushXget', '/api/v1/me', '/prod/api/v2/push.get', '/api/v1/push.get.json'])('GET %s → 404', async (path) => {
      const response = await fetch(url(`${path}?id=${SEED_ID}`), { headers: RODRIQ });
      expect(response.status).toBe(404);
      expect(response.headers.get('content-type')).toBe('application/json');
      expect(JSON.parse(await response.text())).toMatchObject({ success: false });
    });

    it('an unknown path is 404 whatever the method', async () => {
      expect((await raw(stack.url, 'POST', '/api/v1/chat.postMessage', RODRIQ, '{}')).status).toBe(404);
    });

    it.each(['POST', 'PUT', 'DELETE', 'PATCH'])('%s on the path → 405 with Allow: GET', async (method) => {
      for (const path of [PATH, `/prod${PATH}`]) {
        const response = await fetch(url(`${path}?id=${SEED_ID}`), { method, headers: { ...RODRIQ, 'Content-Type': 'application/json' }, body: JSON.stringify({ id: SEED_ID }) });
        expect(response.status).toBe(405);
        expect(response.headers.get('allow')).toBe('GET');
        const body = JSON.parse(await response.text());
        expect(body.success).toBe(false);
        expect(validateAnswer(405, body)).toStrictEqual([]);
      }
    });

    it.each(['OPTIONS', 'HEAD'])('%s on the path is not served either (405)', async (method) => {
      expect((await raw(stack.url, method, `${PATH}?id=${SEED_ID}`, RODRIQ)).status).toBe(405);
    });
  });

  describe('never a 5xx', () => {
    const long = (n: number, unit = 'a') => unit.repeat(n);
    it.each([
      ['an id longer than a DynamoDB key', `?id=${long(3000)}`, RODRIQ],
      ['a long multi-byte id', `?id=${long(1100, '%C3%A9')}`, RODRIQ],
      ['an id with a NUL byte', '?id=%00', RODRIQ],
      ['an id that is invalid UTF-8', '?id=%ED%A0%80%FF', RODRIQ],
      ['an id with separators used in keys', `?id=${encodeURIComponent('MSG#a|b/../c')}`, RODRIQ],
      ['a stray percent sign', '?id=%', RODRIQ],
      ['a thousand query keys', `?${Array.from({ length: 1000 }, (_, i) => `k${i}=${i}`).join('&')}&id=${SEED_ID}`, RODRIQ],
      ['a user id longer than a DynamoDB key', `?id=${SEED_ID}`, { 'X-User-Id': long(3000), 'X-Auth-Token': 'x' }],
      ['a very long token', `?id=${SEED_ID}`, { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': long(8000) }],
      ['a user id with key separators', `?id=${SEED_ID}`, { 'X-User-Id': 'USER#d26x6zSkaPSe5gCyy', 'X-Auth-Token': RODRIQ['X-Auth-Token'] }],
      ['query keys named like Object.prototype members', `?__proto__=x&constructor=y&toString=z&hasOwnProperty=w&id=${SEED_ID}`, RODRIQ],
      ['an id key named __proto__-style', '?__proto__[id]=x&id[__proto__]=y', RODRIQ],
      ['headers named like Object.prototype members', `?id=${SEED_ID}`, { ...RODRIQ, constructor: 'x', toString: 'y', __proto__x: 'z' }],
    ])('%s', async (_, query, headers) => {
      const response = await get(query, headers);
      expect(response.status).toBeGreaterThanOrEqual(200);
      expect(response.status).toBeLessThan(500);
      const body = JSON.parse(await response.text());
      expect(validateAnswer(response.status, body)).toStrictEqual([]);
    });

    it('never echoes a refused token or its hash', async () => {
      const response = await get(`?id=${SEED_ID}`, { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': 'secret-wrong-token' });
      const text = await response.text();
      expect(text).not.toContain('secret-wrong-token');
      expect(text).not.toContain(createHash('sha256').update('secret-wrong-token').digest('base64'));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// The `npm start` CLI, as a child process (dynalite keeps it fast).

const startCli = (args: string[]) => startTs('local/start.ts', args);

const READY = /push\.get is ready at (http:\/\/[^\s]+)\/api\/v1\/push\.get/;

/** The spec's notId: a 31-multiplier hash of `uniqueID|rid`, read from the last character. */
function expectedNotId(uniqueId: string, rid: string): number {
  const s = `${uniqueId}|${rid}`;
  let h = 0;
  for (let i = s.length - 1; i >= 0; i--) h = (h * 31 + s.charCodeAt(i)) | 0;
  return h;
}

describe('one process, one table', () => {
  it('a second local stack for another table is refused, not served from the first one', async () => {
    // The functions read TABLE_NAME once, at import; the stack above has loaded them for its table.
    await expect(startLocalStack({ port: 0, endpoint: endpoint(), tableName: 'another-table' })).rejects.toThrow(/^this process already serves table local-api-\w+ at http:/);
  });
});

describe('npm start (local/start.ts)', () => {
  const running: Cli[] = [];
  afterAll(() => {
    for (const cli of running) if (cli.child.exitCode === null && cli.child.signalCode === null) cli.child.kill('SIGKILL');
  });

  it('serves the demo export on the given port and stops cleanly on Ctrl-C', async () => {
    const port = await freePort();
    const cli = startCli(['--port', String(port), '--fixtures', 'fixtures/demo', '--engine', 'dynalite']);
    running.push(cli);
    const [, base] = await cli.waitFor(READY);
    expect(base).toBe(`http://127.0.0.1:${port}`);
    expect(cli.output()).toMatch(/DynamoDB \(dynalite, the embedded database\) at http:\/\/127\.0\.0\.1:\d+: imported .*14 message/);

    const response = await fetch(`${base}${PATH}?id=${SEED_ID}`, { headers: RODRIQ });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.text()).toBe(SEED_TEXT);
    await cli.waitFor(/GET \/api\/v1\/push\.get 200 ok user=d26x6zSkaPSe5gCyy [\d.]+ms/);

    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.output()).toMatch(/Stopped\.\s*$/);
    // The request log names method, path, status, reason, user id and time only: never a token.
    expect(cli.output()).not.toContain(RODRIQ['X-Auth-Token']);
    await expect(fetch(`${base}${PATH}?id=${SEED_ID}`)).rejects.toThrow();
  });

  it('serves another export with --fixtures (and finds its port with --port 0)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'push-get-export-'));
    const token = 'tiny-export-token-1';
    const hashedToken = createHash('sha256').update(token).digest('base64');
    const line = (docs: object[]) => `${docs.map((doc) => JSON.stringify(doc)).join('\n')}\n`;
    writeFileSync(
      join(dir, 'users.json'),
      line([
        {
          _id: 'zedUserId00000001',
          username: 'zed',
          name: 'Zed',
          active: true,
          roles: ['user'],
          services: { resume: { loginTokens: [{ hashedToken, type: 'personalAccessToken', name: 'cli', createdAt: { $date: '2024-01-01T00:00:00.000Z' } }] } },
        },
        { _id: 'ynaUserId00000001', username: 'yna', name: 'Yna', active: true, roles: ['user'] },
      ]),
    );
    // --jsonArray style for one collection, one document a line for the others.
    writeFileSync(join(dir, 'rocketchat_room.json'), JSON.stringify([{ _id: 'generalRoomId0001', t: 'c', name: 'general', fname: 'General', ts: { $date: '2024-01-01T00:00:00.000Z' } }], null, 2));
    writeFileSync(
      join(dir, 'rocketchat_subscription.json'),
      line([
        {
          _id: 'subZedGeneral0001',
          rid: 'generalRoomId0001',
          u: { _id: 'zedUserId00000001', username: 'zed' },
          t: 'c',
          name: 'general',
          unread: 4,
          open: true,
          ts: { $date: '2024-01-01T00:00:00.000Z' },
        },
      ]),
    );
    writeFileSync(
      join(dir, 'rocketchat_message.json'),
      line([
        {
          _id: 'tinyMessage000001',
          rid: 'generalRoomId0001',
          msg: 'hello from a tiny export',
          ts: { $date: '2024-01-02T03:04:05.678Z' },
          u: { _id: 'ynaUserId00000001', username: 'yna', name: 'Yna' },
          _updatedAt: { $date: '2024-01-02T03:04:05.678Z' },
        },
      ]),
    );
    writeFileSync(
      join(dir, 'rocketchat_settings.json'),
      line([
        { _id: 'Site_Url', value: 'https://chat.example.test/', type: 'string' },
        { _id: 'uniqueID', value: 'tinyExportUnique1', type: 'string' },
      ]),
    );
    try {
      const cli = startCli(['--port', '0', '--fixtures', dir, '--engine', 'dynalite', '--quiet']);
      running.push(cli);
      const [, base] = await cli.waitFor(READY);
      expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(base).not.toMatch(/:0$/);
      expect(cli.output()).toContain(`Loading ${dir}`);

      const zed = { 'X-User-Id': 'zedUserId00000001', 'X-Auth-Token': token };
      const response = await fetch(`${base}${PATH}?id=tinyMessage000001`, { headers: zed });
      expect(response.status).toBe(200);
      const body = (await response.json()) as any;
      expect(validateAnswer(200, body)).toStrictEqual([]);
      expect(body.data.message).toStrictEqual({
        _id: 'tinyMessage000001',
        rid: 'generalRoomId0001',
        msg: 'hello from a tiny export',
        ts: '2024-01-02T03:04:05.678Z',
        u: { _id: 'ynaUserId00000001', username: 'yna', name: 'Yna' },
        _updatedAt: '2024-01-02T03:04:05.678Z',
      });
      expect(body.data.notification).toMatchObject({
        badge: 4,
        title: '#general',
        text: 'yna: hello from a tiny export',
        userId: 'ynaUserId00000001',
        notId: expectedNotId('tinyExportUnique1', 'generalRoomId0001'),
        gcm: { style: 'inbox', image: 'https://chat.example.test/images/logo/android-chrome-192x192.png' },
        payload: { host: 'https://chat.example.test/', type: 'c', name: 'general', senderName: 'yna', rid: 'generalRoomId0001' },
      });

      // Only this export is loaded: the demo's message and users are not there.
      expect((await (await fetch(`${base}${PATH}?id=${SEED_ID}`, { headers: zed })).json()) as unknown).toStrictEqual({ success: false, error: 'error-message-not-found' });
      expect((await fetch(`${base}${PATH}?id=${SEED_ID}`, { headers: RODRIQ })).status).toBe(401);
      // --quiet: no request log.
      expect(cli.output()).not.toMatch(/GET \/api\/v1\/push\.get \d{3}/);

      cli.child.kill('SIGINT');
      expect((await cli.exited).code).toBe(0);
      expect(cli.output()).toMatch(/Stopped\.\s*$/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['abc', '', '0x50', '70000', '-1', '3000.5'])('refuses --port "%s" with a clear message and a non-zero exit', async (port) => {
    const cli = startCli([`--port=${port}`, '--engine', 'dynalite']);
    running.push(cli);
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.errors()).toContain(`--port must be a port number, got "${port}"`);
    expect(cli.output()).not.toMatch(READY);
  });

  it('refuses a --fixtures directory that does not exist, naming it', async () => {
    const missing = join(tmpdir(), `no-such-export-${randomUUID()}`);
    const cli = startCli(['--port', '0', '--fixtures', missing, '--engine', 'dynalite']);
    running.push(cli);
    const { code } = await cli.exited;
    expect(code).not.toBe(0);
    expect(cli.errors()).toContain(`${missing}: export directory not found`);
    expect(cli.output()).not.toMatch(READY);
  });
});
