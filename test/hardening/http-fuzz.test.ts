/**
 * Property tests on the HTTP surface of the local API (real fetch over loopback, the real
 * authorizer and handler modules, the embedded DynamoDB with the demo export): hostile `id`s,
 * hostile query strings, random header names/casing/values, other methods and paths. Every answer
 * must be one of the spec's status/body pairs, and exactly the one the spec's rules predict.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../local/stack';
import { DEMO_FIXTURES, endpoint } from '../support/dynamo';
import {
  authHeaders,
  bad,
  call,
  DEMO_USERS,
  enforceAwsKeyLimits,
  MESSAGE_NOT_FOUND,
  MISSING_ID,
  NOT_A_STRING,
  NOT_ALLOWED,
  SENDER_NOT_FOUND,
  specViolation,
  UNAUTHORIZED_BODY,
  type Answer,
} from './support';

/** Fixed seed: the same inputs every run (set HARDENING_SEED to explore others). */
const SEED = Number(process.env.HARDENING_SEED ?? 20211022);
const RUNS = { seed: SEED, numRuns: 150, interruptAfterTimeLimit: 8_000, markInterruptAsFailure: false } as const;

const DEMO_MESSAGE_IDS = new Set(
  readFileSync(join(DEMO_FIXTURES, 'rocketchat_message.json'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { _id: string })._id),
);

type UserName = keyof typeof DEMO_USERS;
type Outcome = 200 | string;

/** What the demo data and the spec's access rules give, per message and active user. */
const KNOWN: Record<string, Record<Exclude<UserName, 'erin'>, Outcome>> = {
  // public channel #vb: everyone with view-c-room (not the guest)
  WkbwSntxt8D3jLp8G: { rodriq: 200, alice: 200, bob: 200, carol: NOT_ALLOWED, dave: 200 },
  // private group: members only, the admin rodriq is one; no admin bypass for others
  msgAliceDesign001: { rodriq: 200, alice: 200, bob: NOT_ALLOWED, carol: NOT_ALLOWED, dave: NOT_ALLOWED },
  // channel of a private team: team members only (alice), not the admin rodriq
  msgTeamChannel001: { rodriq: NOT_ALLOWED, alice: 200, bob: NOT_ALLOWED, carol: NOT_ALLOWED, dave: NOT_ALLOWED },
  // livechat: the serving agent and view-livechat-rooms (admin); the visitor is no user record
  msgLivechat000001: { rodriq: SENDER_NOT_FOUND, alice: NOT_ALLOWED, bob: NOT_ALLOWED, carol: NOT_ALLOWED, dave: SENDER_NOT_FOUND },
  // sender deleted, room readable; the guest is refused before the sender is looked at
  msgDeletedUser001: { rodriq: SENDER_NOT_FOUND, alice: SENDER_NOT_FOUND, bob: SENDER_NOT_FOUND, carol: NOT_ALLOWED, dave: SENDER_NOT_FOUND },
  // edit history: hidden
  msgHiddenEdit0001: { rodriq: MESSAGE_NOT_FOUND, alice: MESSAGE_NOT_FOUND, bob: MESSAGE_NOT_FOUND, carol: MESSAGE_NOT_FOUND, dave: MESSAGE_NOT_FOUND },
};

const HOSTILE_IDS = [
  '',
  ' ',
  'x'.repeat(8 * 1024),
  'x'.repeat(10_000),
  '\u0000',
  'WkbwSntxt8D3jLp8G\u0000',
  ' WkbwSntxt8D3jLp8G',
  'WkbwSntxt8D3jLp8G ',
  'wkbwsntxt8d3jlp8g',
  'MSG#WkbwSntxt8D3jLp8G',
  'WkbwSntxt8D3jLp8G#MSG',
  '{"$ne":null}',
  '{"$gt":""}',
  "' OR 1=1 --",
  '" OR ""="',
  '../../etc/passwd',
  '..%2F..%2F',
  '<script>alert(1)</script>',
  '${jndi:ldap://127.0.0.1/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'ünïcødé 中文 💥 \u202e\u200b',
  '\ud83d\ude00'.repeat(300),
  '\t\n\r',
  'null',
  'undefined',
  '[object Object]',
  'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92',
];

/** Raw query strings sent byte for byte (fetch only percent-encodes what the URL parser must). */
const HOSTILE_QUERIES = [
  'id=%00',
  'id=%ZZ',
  'id=%',
  'id=%E0%A4%A',
  'id=%ED%A0%80',
  'id[]=',
  'id[]=WkbwSntxt8D3jLp8G',
  'id[a]=WkbwSntxt8D3jLp8G',
  'id[$ne]=null',
  'id[0]=a&id[1]=b',
  'id[a][b]=c',
  'id[=WkbwSntxt8D3jLp8G',
  'id[abc=x&id=WkbwSntxt8D3jLp8G',
  'id]=x',
  'id=a&id=a',
  'id=WkbwSntxt8D3jLp8G&id=WkbwSntxt8D3jLp8G',
  'id=WkbwSntxt8D3jLp8G&id[]=x',
  'id%5B%5D=WkbwSntxt8D3jLp8G',
  'ID=WkbwSntxt8D3jLp8G',
  'Id=WkbwSntxt8D3jLp8G',
  'id',
  'id&id',
  '=id',
  '&&&',
  '=',
  '?',
  'id==WkbwSntxt8D3jLp8G',
  'id=WkbwSntxt8D3jLp8G;x',
  'id=WkbwSntxt8D3jLp8G#fragment',
  '__proto__=x&id=WkbwSntxt8D3jLp8G',
  '__proto__[id]=x',
  'constructor=x&id=WkbwSntxt8D3jLp8G',
  'constructor[prototype][id]=x',
  'toString=1&valueOf=2&hasOwnProperty=3&id=WkbwSntxt8D3jLp8G',
  'foo=bar&id=WkbwSntxt8D3jLp8G&baz=',
  `${'a'.repeat(3000)}=1&id=WkbwSntxt8D3jLp8G`,
  `id=${'%C3%A9'.repeat(1000)}`,
];

let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName: `fuzz-${randomUUID().slice(0, 8)}` });
  base = `${stack.url}/api/v1/push.get`;
  // The function modules the stack loaded (same module registry): make their client as strict as AWS.
  const runtime = await import('../../functions/commons/runtime');
  enforceAwsKeyLimits(runtime.dynamoClient);
});

afterAll(async () => {
  await stack?.close();
});

/** The spec's rules applied to what the server will see (the same WHATWG URL parsing). */
function expectedFor(user: Exclude<UserName, 'erin'> | undefined, url: string): { status: number; body: unknown } | { status: 200; id: string } {
  if (!user) return { status: 401, body: UNAUTHORIZED_BODY };
  const params = new URL(url).searchParams;
  const ids = params.getAll('id');
  // `id[]`, `id[a]`, `id[a][b]` are an array/object for Rocket.Chat's query parser; `id[` stays a plain key.
  const structured = ids.length > 1 || [...params.keys()].some((key) => /^id\[[^\]]*\]/.test(key));
  if (structured) return bad(NOT_A_STRING);
  if (ids.length === 0) return bad(MISSING_ID);
  const id = ids[0]!;
  const known = KNOWN[id]?.[user];
  if (known === 200) return { status: 200, id };
  if (known !== undefined) return bad(known);
  if (DEMO_MESSAGE_IDS.has(id)) throw new Error(`no expectation for ${id}`);
  return bad(MESSAGE_NOT_FOUND);
}

function check(answer: Answer, expected: ReturnType<typeof expectedFor>, what: string): void {
  const violation = specViolation(answer);
  if (violation) throw new Error(`${what}: ${violation}`);
  if ('id' in expected) {
    const body = answer.body as { data: { message: { _id: string } } };
    if (answer.status !== 200 || body.data.message._id !== expected.id) {
      throw new Error(`${what}: expected 200 for ${expected.id}, got ${answer.status} ${answer.text.slice(0, 200)}`);
    }
    return;
  }
  if (answer.status !== expected.status || JSON.stringify(answer.body) !== JSON.stringify(expected.body)) {
    throw new Error(`${what}: expected ${expected.status} ${JSON.stringify(expected.body)}, got ${answer.status} ${answer.text.slice(0, 300)}`);
  }
}

const toQuery = (pairs: [string, string][]) => pairs.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`).join('&');

const knownId = fc.constantFrom(...Object.keys(KNOWN));
const anyId = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_IDS) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme', maxLength: 60 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2049, max: 9000 }).map((n) => 'z'.repeat(n)) },
  { weight: 2, arbitrary: knownId },
);

describe('hostile ids (authenticated as rodriq)', () => {
  it('every hostile id in the list gets the spec answer', async () => {
    for (const id of HOSTILE_IDS) {
      const url = `${base}?id=${encodeURIComponent(id)}`;
      check(await call(url, { headers: authHeaders(DEMO_USERS.rodriq) }), expectedFor('rodriq', url), `id ${JSON.stringify(id.slice(0, 40))}`);
    }
  });

  it('every hostile raw query string gets the spec answer', async () => {
    for (const query of HOSTILE_QUERIES) {
      const url = `${base}?${query}`;
      check(await call(url, { headers: authHeaders(DEMO_USERS.rodriq) }), expectedFor('rodriq', url), `query ${query.slice(0, 60)}`);
    }
  });

  it('property: random ids, repeated and structured keys, extra keys → the predicted spec answer', async () => {
    const pair = fc.oneof(
      fc.tuple(fc.constant('id'), anyId),
      fc.tuple(fc.constantFrom('id[]', 'id[a]', 'id[0]', 'id[$ne]', 'id[a][b]', 'id[', 'id[x', 'id]'), anyId),
      fc.tuple(fc.constantFrom('foo', 'ID', 'ids', '_id', 'rid', '__proto__', 'constructor', 'toString', 'id ', ' id'), anyId),
      fc.tuple(fc.string({ unit: 'grapheme-ascii', maxLength: 12 }), fc.string({ maxLength: 12 })),
    );
    await fc.assert(
      // Node refuses request heads over 16 KB (431, tested below): stay under that.
      fc.asyncProperty(
        fc
          .array(pair, { maxLength: 5 })
          .map(toQuery)
          .filter((query) => query.length <= 12_000),
        fc.boolean(),
        async (query, jsonContentType) => {
          const url = query ? `${base}?${query}` : base;
          const headers = { ...authHeaders(DEMO_USERS.rodriq), ...(jsonContentType ? { 'Content-Type': 'application/json' } : {}) };
          check(await call(url, { headers }), expectedFor('rodriq', url), `query ${query.slice(0, 120)}`);
        },
      ),
      RUNS,
    );
  });

  it('a request head beyond what Node accepts (16 KB) is a JSON 431, never a 5xx', async () => {
    const answer = await call(`${base}?id=${'y'.repeat(20_000)}`, { headers: authHeaders(DEMO_USERS.rodriq) });
    expect([answer.status, answer.body]).toStrictEqual([431, { success: false, error: 'Request header fields too large' }]);
  });

  it('an unknown method token (FOO) is a JSON 405, even before routing', async () => {
    const answer = await call(`${base}?id=WkbwSntxt8D3jLp8G`, { method: 'FOO', headers: authHeaders(DEMO_USERS.rodriq) });
    expect([answer.status, answer.body]).toStrictEqual([405, { success: false, error: 'Method not allowed' }]);
  });
});

describe('random headers', () => {
  /** Tab, printable ASCII and Latin-1: every value fetch allows in a header. */
  const headerChar = fc.oneof(
    fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
    fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)),
    fc.constant('\t'),
  );
  const headerValue = fc.string({ unit: headerChar, maxLength: 80 });
  const casing = (name: string) =>
    fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }).map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
  const users = Object.keys(DEMO_USERS) as UserName[];
  const userIdValue = fc.oneof(fc.constantFrom(...users.map((u) => DEMO_USERS[u].id)), headerValue, fc.constant(''), fc.constant('x'.repeat(5000)));
  const tokenValue = fc.oneof(fc.constantFrom(...users.map((u) => DEMO_USERS[u].token)), headerValue, fc.constant(''), fc.constant('t'.repeat(5000)));
  const extraHeader = fc.tuple(
    fc
      .stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}$/)
      .filter((name) => !['x-user-id', 'x-auth-token', 'host', 'content-length', 'transfer-encoding', 'connection', 'expect', 'upgrade', 'keep-alive', 'te', 'trailer'].includes(name.toLowerCase())),
    headerValue,
  );

  /** The active demo user these (server-visible) header values authenticate, if any. */
  function authenticated(headers: Headers): Exclude<UserName, 'erin'> | undefined {
    const id = headers.get('x-user-id');
    const token = headers.get('x-auth-token');
    const user = users.find((name) => DEMO_USERS[name].id === id && DEMO_USERS[name].token === token);
    return user === 'erin' ? undefined : user;
  }

  it('property: any casing and value of the identity headers, plus random extra headers → 401 or the predicted answer', async () => {
    await fc.assert(
      fc.asyncProperty(
        casing('x-user-id'),
        fc.option(userIdValue, { nil: undefined }),
        casing('x-auth-token'),
        fc.option(tokenValue, { nil: undefined }),
        fc.array(extraHeader, { maxLength: 4 }),
        fc.oneof(knownId, anyId),
        async (idName, idValue, tokenName, token, extras, id) => {
          const headers = new Headers();
          for (const [name, value] of extras) headers.append(name, value);
          if (idValue !== undefined) headers.set(idName, idValue);
          if (token !== undefined) headers.set(tokenName, token);
          const url = `${base}?id=${encodeURIComponent(id)}`;
          const expected = expectedFor(authenticated(headers), url);
          check(await call(url, { headers }), expected, `headers ${JSON.stringify([...headers]).slice(0, 200)} id ${id.slice(0, 40)}`);
        },
      ),
      RUNS,
    );
  });

  it('a matching user id and token pair in any case of the header names is accepted', async () => {
    await fc.assert(
      fc.asyncProperty(
        casing('x-user-id'),
        casing('x-auth-token'),
        fc.constantFrom('rodriq', 'alice', 'bob', 'dave') as fc.Arbitrary<'rodriq' | 'alice' | 'bob' | 'dave'>,
        async (idName, tokenName, user) => {
          const url = `${base}?id=WkbwSntxt8D3jLp8G`;
          const answer = await call(url, { headers: { [idName]: DEMO_USERS[user].id, [tokenName]: DEMO_USERS[user].token } });
          check(answer, expectedFor(user, url), `${user} ${idName} ${tokenName}`);
        },
      ),
      { ...RUNS, numRuns: 40 },
    );
  });
});

describe('other methods and paths', () => {
  const methods = ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'PROPFIND', 'FOO'];

  it('property: any other method on the path (prefix, auth, query, body or not) → 405 JSON', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...methods),
        fc.constantFrom('', '/prod', '/a/b/c'),
        fc.boolean(),
        fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
        async (method, prefix, withAuth, body) => {
          const withBody = body !== undefined && method !== 'HEAD';
          const answer = await call(`${stack.url}${prefix}/api/v1/push.get?id=WkbwSntxt8D3jLp8G`, {
            method,
            headers: { ...(withAuth ? authHeaders(DEMO_USERS.rodriq) : {}), ...(withBody ? { 'Content-Type': 'application/json' } : {}) },
            body: withBody ? body : undefined,
          });
          expect(specViolation(answer, method)).toBeUndefined();
          expect(answer.status).toBe(405);
        },
      ),
      { ...RUNS, numRuns: 60 },
    );
  });

  it('property: random paths → 404 JSON, or the route itself under a prefix', async () => {
    const segment = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.constantFrom('api', 'v1', 'push.get', 'push.GET', '..', '.', '%2e%2e', 'push.get%00', 'push.get.json'));
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 0, maxLength: 5 }), fc.constantFrom('GET', 'POST'), async (segments, method) => {
        const path = `/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
        const url = `${stack.url}${path}?id=WkbwSntxt8D3jLp8G`;
        const answer = await call(url, { method, headers: authHeaders(DEMO_USERS.rodriq) });
        expect(specViolation(answer, method)).toBeUndefined();
        const routed = /^(?:\/[^/]+)*\/api\/v1\/push\.get$/.test(new URL(url).pathname);
        if (!routed) expect(answer.status).toBe(404);
      }),
      { ...RUNS, numRuns: 80 },
    );
  });

  it('a GET with Content-Type: application/json and no body is answered normally', async () => {
    const answer = await call(`${base}?id=WkbwSntxt8D3jLp8G`, { headers: { ...authHeaders(DEMO_USERS.rodriq), 'Content-Type': 'application/json' } });
    expect(answer.status).toBe(200);
  });
});

describe('never success for an error, never an echo', () => {
  it('no error body repeats a hostile id', async () => {
    for (const id of HOSTILE_IDS.filter((value) => value.length >= 6)) {
      for (const user of [DEMO_USERS.rodriq, { id: 'nobody', token: 'nothing' }]) {
        const answer = await call(`${base}?id=${encodeURIComponent(id)}`, { headers: authHeaders(user) });
        if (answer.status !== 200) {
          expect(answer.text.includes(id), `echoed ${id.slice(0, 40)}`).toBe(false);
          expect((answer.body as { success?: unknown }).success).toBe(false);
        }
      }
    }
  });
});

describe('prototype-named keys', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('a header named %s is ignored', async (name) => {
    const url = `${base}?id=WkbwSntxt8D3jLp8G`;
    const answer = await call(url, { headers: { ...authHeaders(DEMO_USERS.rodriq), [name]: 'x' } });
    check(answer, expectedFor('rodriq', url), `header ${name}`);
  });
});
