/**
 * The real clients' contract: the Android and iOS checkers themselves, then every demo message
 * fetched by every demo user through the local API (real HTTP), served under a Site_Url with a
 * path, each answer judged by both checkers (Android on the raw body) and by the OpenAPI document.
 */
import { randomUUID } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { androidProblems, androidShownText, iosProblems } from '../support/clients';
import { DEMO_FIXTURES, endpoint } from '../support/dynamo';
import { validateAnswer } from '../support/openapi';
import { SEED_ANSWER } from '../support/seed';

/** The demo users' tokens (the export only holds their hashes). */
const DEMO_TOKENS: Record<string, string> = {
  d26x6zSkaPSe5gCyy: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92',
  aliceUserId000001: 'demo-token-alice',
  bobUserId00000001: 'demo-token-bob',
  carolUserId000001: 'demo-token-carol',
  daveUserId0000001: 'demo-token-dave',
  erinUserId0000001: 'demo-token-erin',
  frankUserId000001: 'demo-token-frank',
};

function exportIds(file: string): string[] {
  return readFileSync(join(DEMO_FIXTURES, file), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => (JSON.parse(line) as { _id: string })._id);
}

/** A non-default Site_Url with a path, as many deployments behind a reverse proxy have. */
const SITE_URL = 'https://chat.example.com/rc';

const USER_IDS = exportIds('users.json');
const MESSAGE_IDS = exportIds('rocketchat_message.json');

function seedWith(change: (answer: any) => void): any {
  const copy = structuredClone(SEED_ANSWER) as any;
  change(copy);
  return copy;
}

/** The seed answer as it travels: JSON text, optionally with its notId literal written another way. */
function rawSeed(change: (answer: any) => void = () => {}, notIdLiteral?: string): string {
  const text = JSON.stringify(seedWith(change));
  return notIdLiteral === undefined ? text : text.replace('"notId":654494840', `"notId":${notIdLiteral}`);
}

describe('the Android checker', () => {
  it('accepts the seed answer', () => {
    expect(androidProblems(200, rawSeed())).toStrictEqual([]);
    expect(androidProblems(200, rawSeed(), { siteUrl: 'http://localhost:3000' })).toStrictEqual([]);
  });

  it("accepts the seed's string-typed example: Gson reads numbers and strings alike", () => {
    const stringly = rawSeed((a) => {
      a.data.notification.notId = '654494840';
      a.data.notification.badge = '2';
      a.success = 'true';
    });
    expect(androidProblems(200, stringly)).toStrictEqual([]);
  });

  it.each([
    ['a fractional literal', '654494840.0'],
    ['an exponent literal', '6.5e8'],
    ['an exponent literal of an integer value', '6e8'],
    ['a negative zero fraction', '-1.0'],
  ])('reads the raw notId literal: flags %s (%s), which Integer.parseInt refuses', (_, literal) => {
    expect(androidProblems(200, rawSeed(undefined, literal)).join('\n')).toMatch(`notId literal "${literal}" is not a plain 32-bit integer`);
  });

  it.each([
    ['a non-2xx status, whatever the body', 500, rawSeed(), /HTTP 500/],
    ['a 400 error body', 400, JSON.stringify({ success: false, error: 'error-not-allowed' }), /HTTP 400/],
    ['an empty body', 200, undefined, /empty body/],
    ['a body that is not JSON', 200, '<html>', /not JSON/],
    ['no data.notification', 200, JSON.stringify({ success: true, data: {} }), /data\.notification is missing/],
    ['a data that is a string', 200, JSON.stringify({ success: true, data: 'x' }), /data: Gson expects an object/],
    ['a notId beyond 32 bits', 200, rawSeed((a) => (a.data.notification.notId = 2 ** 31)), /"2147483648" is not a plain 32-bit integer/],
    ['a fractional notId', 200, rawSeed((a) => (a.data.notification.notId = 1.5)), /"1.5" is not a plain 32-bit integer/],
    ['a notId that is not a number', 200, rawSeed((a) => (a.data.notification.notId = 'abc')), /"abc" is not a plain 32-bit integer/],
    ['a missing notId: no Reply button', 200, rawSeed((a) => delete a.data.notification.notId), /notId is missing: .*no Reply button/],
    ['a payload sent as a JSON string', 200, rawSeed((a) => (a.data.notification.payload = JSON.stringify(a.data.notification.payload))), /payload: Gson expects an object/],
    ['a title that is an object', 200, rawSeed((a) => (a.data.notification.title = { en: 'x' })), /title: Gson cannot read an object/],
    ['a missing text', 200, rawSeed((a) => delete a.data.notification.text), /text is missing/],
    ['a missing payload.rid', 200, rawSeed((a) => delete a.data.notification.payload.rid), /payload\.rid is missing/],
    ['a videoconf notificationType', 200, rawSeed((a) => (a.data.notification.payload.notificationType = 'videoconf')), /notificationType is "videoconf"/],
    ['a message-id-only notificationType', 200, rawSeed((a) => (a.data.notification.payload.notificationType = 'message-id-only')), /notificationType is "message-id-only"/],
    ['a missing notificationType', 200, rawSeed((a) => delete a.data.notification.payload.notificationType), /notificationType is missing/],
    ['a host without its trailing slash', 200, rawSeed((a) => (a.data.notification.payload.host = 'http://localhost:3000')), /does not end in exactly one "\/"/],
    ['a host with two trailing slashes', 200, rawSeed((a) => (a.data.notification.payload.host = 'http://localhost:3000//')), /does not end in exactly one "\/"/],
    ['a channel text without the sender prefix', 200, rawSeed((a) => (a.data.notification.text = 'meeting at 10:30')), /Android would show "0"/],
    ['a group text with another sender', 200, rawSeed((a) => (a.data.notification.text = 'alice: fsfs')), /does not start with "rodriq: "/],
    [
      'a sender name with a colon',
      200,
      rawSeed((a) => Object.assign(a.data.notification, { text: 'Dr: Who: hi', payload: { ...a.data.notification.payload, senderName: 'Dr: Who' } })),
      /contains ":"/,
    ],
    ['a channel text ending in its first colon', 200, rawSeed((a) => (a.data.notification.text = 'rodriq:')), /Android would show ""/],
  ])('flags %s', (_, status, body, expected) => {
    expect(androidProblems(status, body).join('\n')).toMatch(expected);
  });

  it('checks payload.host against the server URL the user logged in with', () => {
    expect(androidProblems(200, rawSeed(), { siteUrl: 'https://chat.example.com/rc' }).join('\n')).toMatch(/host "http:\/\/localhost:3000\/" is not the server URL https:\/\/chat\.example\.com\/rc/);
    const withPath = rawSeed((a) => (a.data.notification.payload.host = 'https://chat.example.com/rc/'));
    expect(androidProblems(200, withPath, { siteUrl: 'https://chat.example.com/rc' })).toStrictEqual([]);
    expect(androidProblems(200, withPath, { siteUrl: 'https://chat.example.com/rc/' })).toStrictEqual([]);
    expect(androidProblems(200, withPath, { siteUrl: 'https://chat.example.com' })).not.toStrictEqual([]);
  });

  it("shows what follows the first ':' and one character, empty when that is past the end; direct rooms untouched", () => {
    expect(androidShownText('rodriq: see you at 10:30', 'c')).toBe('see you at 10:30');
    expect(androidShownText('rodriq:x', 'p')).toBe('');
    expect(androidShownText('rodriq:', 'c')).toBe('');
    expect(androidShownText('rodriq: ', 'c')).toBe('');
    expect(androidShownText('no colon', 'c')).toBe('no colon');
    expect(androidShownText('see you at 10:30', 'd')).toBe('see you at 10:30');
    expect(androidShownText('see you at 10:30', null)).toBe('see you at 10:30');
    const direct = rawSeed((a) => Object.assign(a.data.notification, { title: 'rodriq', text: 'see you at 10:30', payload: { ...a.data.notification.payload, type: 'd' } }));
    expect(androidProblems(200, direct)).toStrictEqual([]);
  });

  it('takes negative notIds (they are 32-bit ints)', () => {
    expect(
      androidProblems(
        200,
        rawSeed((a) => (a.data.notification.notId = -(2 ** 31))),
      ),
    ).toStrictEqual([]);
  });
});

describe('the iOS checker', () => {
  it('accepts the seed answer', () => {
    expect(iosProblems(200, SEED_ANSWER)).toStrictEqual([]);
  });

  it.each([
    ['success as a string', seedWith((a) => (a.success = 'true')), /success: typeMismatch/],
    ['success false', seedWith((a) => (a.success = false)), /success is false/],
    ['a notId as a string', seedWith((a) => (a.data.notification.notId = '654494840')), /notId: typeMismatch/],
    ['a fractional notId', seedWith((a) => (a.data.notification.notId = 1.5)), /notId: typeMismatch/],
    ['a null title', seedWith((a) => (a.data.notification.title = null)), /title: keyNotFound\/valueNotFound/],
    ['a text that is a number', seedWith((a) => (a.data.notification.text = 5)), /text: typeMismatch/],
    ['no payload.host', seedWith((a) => delete a.data.notification.payload.host), /host: keyNotFound/],
    ['an unknown room type', seedWith((a) => (a.data.notification.payload.type = 'x')), /type: dataCorrupted/],
    ['an unknown notificationType', seedWith((a) => (a.data.notification.payload.notificationType = 'push')), /notificationType: dataCorrupted/],
    ['a sender without username', seedWith((a) => delete a.data.notification.payload.sender.username), /sender\.username: keyNotFound/],
    ['a sender id that is a number', seedWith((a) => (a.data.notification.payload.sender._id = 1)), /sender\._id: typeMismatch/],
    ['e2e content without ciphertext', seedWith((a) => (a.data.notification.payload.content = { algorithm: 'rc.v1.aes-sha2' })), /content\.ciphertext/],
    ['a payload sent as a JSON string', seedWith((a) => (a.data.notification.payload = JSON.stringify(a.data.notification.payload))), /payload: typeMismatch/],
    ['an error body', { success: false, error: 'error-not-allowed' }, /data: keyNotFound/],
    ['the 401 body', { success: false, error: 'x', status: 'error', message: 'x' }, /data: keyNotFound/],
    ['an empty body', undefined, /empty body/],
  ])('flags %s', (_, body, expected) => {
    expect(iosProblems(200, body).join('\n')).toMatch(expected);
  });

  it('accepts the other notification types, any messageType, and null optionals', () => {
    for (const notificationType of ['message', 'message-id-only', 'videoconf']) {
      expect(
        iosProblems(
          200,
          seedWith((a) => (a.data.notification.payload.notificationType = notificationType)),
        ),
      ).toStrictEqual([]);
    }
    expect(
      iosProblems(
        200,
        seedWith((a) => (a.data.notification.payload.messageType = { odd: true })),
      ),
    ).toStrictEqual([]);
    expect(
      iosProblems(
        200,
        seedWith((a) => (a.data.notification.payload.tmid = null)),
      ),
    ).toStrictEqual([]);
  });

  it('judges the body, not the status: a success body on a 500 would still be shown', () => {
    expect(iosProblems(500, SEED_ANSWER)).toStrictEqual([]);
  });
});

describe('every demo message for every demo user, through the local API', () => {
  let stack: LocalStack;
  const seen: Array<{ user: string; message: string; status: number }> = [];

  let fixturesDir: string;

  beforeAll(async () => {
    // The demo export, served under a Site_Url with a path: the apps key credentials by that URL.
    fixturesDir = mkdtempSync(join(tmpdir(), 'clients-export-'));
    cpSync(DEMO_FIXTURES, fixturesDir, { recursive: true });
    const settingsFile = join(fixturesDir, 'rocketchat_settings.json');
    const settings = readFileSync(settingsFile, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line));
    const siteUrl = settings.find((doc) => doc._id === 'Site_Url');
    expect(siteUrl.value).toBe('http://localhost:3000');
    siteUrl.value = SITE_URL;
    writeFileSync(settingsFile, settings.map((doc) => JSON.stringify(doc)).join('\n') + '\n');
    stack = await startLocalStack({ fixturesDir, port: 0, endpoint: endpoint(), tableName: `clients-${randomUUID().slice(0, 8)}` });
  });

  afterAll(async () => {
    await stack?.close();
    if (fixturesDir) rmSync(fixturesDir, { recursive: true, force: true });
  });

  it('knows a token for every demo user', () => {
    expect([...USER_IDS].sort()).toStrictEqual(Object.keys(DEMO_TOKENS).sort());
    expect(MESSAGE_IDS.length).toBeGreaterThanOrEqual(10);
  });

  describe.each(USER_IDS)('user %s', (userId) => {
    it.each(MESSAGE_IDS)('message %s', async (messageId) => {
      const response = await fetch(`${stack.url}/api/v1/push.get?id=${encodeURIComponent(messageId)}`, {
        headers: { 'X-User-Id': userId, 'X-Auth-Token': DEMO_TOKENS[userId]! },
      });
      const text = await response.text();
      const body: any = text === '' ? undefined : JSON.parse(text);
      const { status } = response;
      seen.push({ user: userId, message: messageId, status });

      expect(response.headers.get('content-type')).toBe('application/json');
      expect(status).toBeLessThan(500);
      expect(validateAnswer(status, body)).toStrictEqual([]);
      if (status === 200) {
        expect(androidProblems(status, text, { siteUrl: SITE_URL })).toStrictEqual([]);
        expect(iosProblems(status, body)).toStrictEqual([]);
        expect(body.data.notification.payload.host).toBe(`${SITE_URL}/`);
        expect(body.data.notification.payload.notificationType).toBe('message');
        expect(text).toMatch(/"notId":-?\d+,/);
        expect(body.data.message._id).toBe(messageId);
        expect(body.data.notification.payload.messageId).toBe(messageId);
        expect(body.data.notification.userId).toBe(body.data.message.u._id);
      } else {
        expect(body.success).not.toBe(true);
        // Both clients must take an error answer as a failure, never as a notification to show.
        expect(androidProblems(status, text)).not.toStrictEqual([]);
        expect(iosProblems(status, body)).not.toStrictEqual([]);
      }
    });
  });

  it('covered every pair, with answers of each kind', () => {
    expect(seen).toHaveLength(USER_IDS.length * MESSAGE_IDS.length);
    const statuses = new Set(seen.map(({ status }) => status));
    expect([...statuses].sort()).toStrictEqual([200, 400, 401]);
    expect(seen.filter(({ status }) => status === 200).length).toBeGreaterThanOrEqual(30);
    // Every message a user can read shows up for someone, except the three that no one may see.
    const readable = new Set(seen.filter(({ status }) => status === 200).map(({ message }) => message));
    expect(MESSAGE_IDS.filter((id) => !readable.has(id)).sort()).toStrictEqual(['msgDeletedUser001', 'msgHiddenEdit0001', 'msgLivechat000001']);
  });
});
