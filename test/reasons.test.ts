/**
 * Every reason of lib/core/reasons.ts that data can produce, twice on the same table: through the local
 * API over HTTP (the reason in its line per request) and through `npm run explain --json` as a
 * subprocess. The two agree on the reason, and explain's status and body are push.get's answer.
 * store-error comes from a table an operator created by hand without the badge index
 * (test/reasons-store-error.test.ts: one process serves one table); internal-error is a failure no stored data may cause (any that did would be a defect), so the unit
 * tests of the reasons and the handler's fault tests produce it.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashLoginToken } from '../lib/core/auth';
import { importExport } from '../lib/import/import-export';
import { REASON_NAMES, type Reason } from '../lib/core/reasons';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { keys } from '../lib/dynamodb/keys';
import { startLocalStack, type LocalStack } from '../local/stack';
import { startTs } from './support/cli';
import { DEMO_FIXTURES, endpoint, testClient } from './support/dynamo';

const RODRIQ = { id: 'd26x6zSkaPSe5gCyy', token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const BOB = { id: 'bobUserId00000001', token: 'demo-token-bob' };
const CAROL = { id: 'carolUserId000001', token: 'demo-token-carol' };
const ERIN = { id: 'erinUserId0000001', token: 'demo-token-erin' };
const FRANK = { id: 'frankUserId000001', token: 'demo-token-frank' };
const ZED = { id: 'zedUserId00000001', token: 'zed-old-login-token' };
/** An omnichannel agent (role livechat-agent), banned from the seed's channel, agent of no department. */
const GINA = { id: 'ginaUserId0000001', token: 'demo-token-gina' };
const REVOKED_TOKEN = 'bob-logged-out-token';
const SEED = 'WkbwSntxt8D3jLp8G';
const IOS_APP = 'RC Mobile; ios 17.2; v4.52.0 (1234)';

interface Case {
  reason: Reason;
  user: string;
  /** Undefined: no X-Auth-Token header (explain: an empty --token). */
  token?: string;
  /** Undefined: no id parameter (explain: no --message). */
  message?: string;
}

const CASES: Case[] = [
  { reason: 'ok', user: RODRIQ.id, token: RODRIQ.token, message: SEED },
  { reason: 'credentials-missing', user: BOB.id, message: SEED },
  { reason: 'user-unknown', user: 'nobodyUserId00001', token: 'x', message: SEED },
  { reason: 'token-unknown', user: BOB.id, token: 'not-a-token-of-bob', message: SEED },
  { reason: 'token-revoked', user: BOB.id, token: REVOKED_TOKEN, message: SEED },
  { reason: 'token-expired', user: ZED.id, token: ZED.token, message: SEED },
  { reason: 'user-inactive', user: ERIN.id, token: ERIN.token, message: SEED },
  { reason: 'query-invalid', user: RODRIQ.id, token: RODRIQ.token },
  { reason: 'message-unknown', user: RODRIQ.id, token: RODRIQ.token, message: 'neverStored000001' },
  { reason: 'message-deleted', user: RODRIQ.id, token: RODRIQ.token, message: 'msgDeletedLive001' },
  { reason: 'message-hidden', user: RODRIQ.id, token: RODRIQ.token, message: 'msgHiddenEdit0001' },
  { reason: 'room-unknown', user: RODRIQ.id, token: RODRIQ.token, message: 'msgOrphanRoom0001' },
  { reason: 'sender-unknown', user: RODRIQ.id, token: RODRIQ.token, message: 'msgDeletedUser001' },
  { reason: 'not-subscribed', user: BOB.id, token: BOB.token, message: 'msgAliceDesign001' },
  { reason: 'permission-missing', user: FRANK.id, token: FRANK.token, message: 'msgAliceDesign001' },
  { reason: 'channel-permission-missing', user: CAROL.id, token: CAROL.token, message: SEED },
  { reason: 'team-not-member', user: BOB.id, token: BOB.token, message: 'msgTeamChannel001' },
  { reason: 'omnichannel-closed-not-allowed', user: BOB.id, token: BOB.token, message: 'msgLivechat000001' },
  { reason: 'banned', user: GINA.id, token: GINA.token, message: SEED },
  { reason: 'team-unknown', user: BOB.id, token: BOB.token, message: 'msgTeamGone000001' },
  { reason: 'omnichannel-not-serving', user: GINA.id, token: GINA.token, message: 'msgLivechatOpen01' },
  { reason: 'omnichannel-closed-not-department-agent', user: GINA.id, token: GINA.token, message: 'msgLivechatDept01' },
  { reason: 'discussion-parent-unknown', user: BOB.id, token: BOB.token, message: 'msgDiscussOrphan1' },
];

let stack: LocalStack;
let tableName: string;
const lines: string[] = [];

beforeAll(async () => {
  tableName = `reasons-${randomUUID().slice(0, 8)}`;
  stack = await startLocalStack({ fixturesDir: DEMO_FIXTURES, port: 0, endpoint: endpoint(), tableName, log: (line) => lines.push(line) });
  const client = testClient();
  const store = new DynamoStore(client, { tableName });
  const dir = mkdtempSync(join(tmpdir(), 'push-get-reasons-'));
  try {
    // A user whose only login is older than Accounts_LoginExpiration (90 days by default); an agent
    // banned from the seed's channel; rooms whose team, parent or department is missing; an open
    // omnichannel room served by someone else; and a message whose room is gone.
    const login = (token: string, when: string) => ({ resume: { loginTokens: [{ hashedToken: hashLoginToken(token), when: { $date: when } }] } });
    const users = [
      { _id: ZED.id, username: 'zed', active: true, roles: ['user'], services: login(ZED.token, '2020-01-01T00:00:00.000Z') },
      { _id: GINA.id, username: 'gina', active: true, roles: ['user', 'livechat-agent'], services: login(GINA.token, new Date().toISOString()) },
    ];
    const at = { $date: '2021-10-22T15:00:00.000Z' };
    const rodriq = { _id: RODRIQ.id, username: 'rodriq' };
    const rooms = [
      { _id: 'teamChannelGone01', t: 'c', name: 'orphaned-team-channel', teamId: 'teamThatIsGone001' },
      { _id: 'discussionOrphan1', t: 'p', name: 'orphaned-discussion', prid: 'parentThatIsGone1' },
      { _id: 'livechatOpenRoom1', t: 'l', fname: 'Visitor 43', open: true, servedBy: { _id: 'daveUserId0000001', username: 'dave' } },
      { _id: 'livechatDeptRoom1', t: 'l', fname: 'Visitor 44', departmentId: 'supportDepartment', servedBy: { _id: 'daveUserId0000001', username: 'dave' } },
    ];
    const messages = [
      { _id: 'msgOrphanRoom0001', rid: 'roomThatIsGone001', msg: 'lost', ts: at, u: rodriq },
      { _id: 'msgTeamGone000001', rid: 'teamChannelGone01', msg: 'team gone', ts: at, u: rodriq },
      { _id: 'msgDiscussOrphan1', rid: 'discussionOrphan1', msg: 'parent gone', ts: at, u: rodriq },
      { _id: 'msgLivechatOpen01', rid: 'livechatOpenRoom1', msg: 'still open', ts: at, u: rodriq },
      { _id: 'msgLivechatDept01', rid: 'livechatDeptRoom1', msg: 'closed', ts: at, u: rodriq },
    ];
    // Rocket.Chat keeps a banned member's subscription, with status BANNED.
    const subscriptions = [{ _id: 'ginaBannedSub0001', rid: 'iu7jtPAhvEeAS5tNq', u: { _id: GINA.id, username: 'gina' }, t: 'c', name: 'vb', status: 'BANNED', unread: 0 }];
    // The operator lets agents see closed rooms of their own department; gina serves none.
    const permissions = [{ _id: 'view-livechat-room-closed-same-department', roles: ['livechat-manager', 'livechat-monitor', 'admin', 'livechat-agent'] }];
    const agents = [{ _id: 'daveSupportAgent1', agentId: 'daveUserId0000001', departmentId: 'supportDepartment', username: 'dave' }];
    const files: Record<string, object[]> = {
      users,
      rocketchat_room: rooms,
      rocketchat_message: messages,
      rocketchat_subscription: subscriptions,
      rocketchat_permissions: permissions,
      rocketchat_livechat_department_agents: agents,
    };
    for (const [collection, documents] of Object.entries(files)) {
      writeFileSync(join(dir, `${collection}.json`), documents.map((document) => JSON.stringify(document)).join('\n') + '\n');
    }
    await importExport(store, dir);
    // What the live sync leaves behind: a logged-out token's tombstone, a deleted message's tombstone.
    const version = '1767225600.0000000001'; // 2026-01-01T00:00:00Z
    const expiry = Math.floor(Date.now() / 1000) + 86_400;
    await store.tombstoneIfNewer(keys.token(BOB.id, hashLoginToken(REVOKED_TOKEN)), version, expiry);
    await store.tombstoneIfNewer(keys.message('msgDeletedLive001'), version, expiry);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    client.destroy();
  }
}, 120_000);

afterAll(async () => {
  await stack?.close();
});

/** The request, over HTTP, with the iOS app's User-Agent; its status, body and the access-log line it produced. */
async function request({ user, token, message }: Case): Promise<{ status: number; body: unknown; line: string }> {
  const query = message === undefined ? '' : `?id=${encodeURIComponent(message)}`;
  const headers: Record<string, string> = { 'X-User-Id': user, 'User-Agent': IOS_APP, ...(token === undefined ? {} : { 'X-Auth-Token': token }) };
  const before = lines.length;
  const response = await fetch(`${stack.url}/api/v1/push.get${query}`, { headers });
  const body: unknown = await response.json();
  for (let wait = 0; lines.length === before && wait < 100; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(lines.length - before).toBe(1);
  return { status: response.status, body, line: lines[before]! };
}

/** `npm run explain -- … --json` as an operator runs it. */
async function explainJson({ user, token, message }: Case): Promise<{ reason: string; status: number; body: unknown; steps: { step: string; detail: string }[]; output: string }> {
  const args = ['--user', user, '--endpoint', endpoint(), '--table', tableName, '--json'];
  if (message !== undefined) args.push('--message', message);
  args.push(`--token=${token ?? ''}`);
  const cli = startTs('scripts/explain.ts', args);
  const { code } = await cli.exited;
  expect(code, cli.errors()).toBe(0);
  return { ...JSON.parse(cli.output()), output: cli.output() + cli.errors() };
}

describe('each reason, through the local API and through explain, on the same data', () => {
  it('covers every reason the data can produce', () => {
    // store-error: test/reasons-store-error.test.ts. internal-error: no stored data may cause one; the unit tests of the reasons produce it.
    expect([...CASES.map((c) => c.reason), 'store-error', 'internal-error'].sort()).toStrictEqual([...REASON_NAMES].sort());
  });

  it.each(CASES)('$reason', { timeout: 60_000 }, async (testCase) => {
    const [http, explained] = await Promise.all([request(testCase), explainJson(testCase)]);
    const userShown = testCase.user;
    expect(http.line).toMatch(new RegExp(`^GET /api/v1/push\\.get ${http.status} ${testCase.reason} user=${userShown} [\\d.]+ms$`));
    expect(explained.reason).toBe(testCase.reason);
    expect(explained.status).toBe(http.status);
    expect(explained.body).toStrictEqual(http.body);
    // Neither the token nor its hash is ever printed.
    if (testCase.token) {
      for (const form of [testCase.token, hashLoginToken(testCase.token)]) expect(explained.output).not.toContain(form);
    }
  });
});

describe('explain', () => {
  it('prints the steps in words: the token, the message, the room, the access rule and the badge', async () => {
    const cli = startTs('scripts/explain.ts', ['--user', RODRIQ.id, '--message', SEED, '--token', RODRIQ.token, '--endpoint', endpoint(), '--table', tableName]);
    expect((await cli.exited).code).toBe(0);
    const text = cli.output();
    expect(text).toMatch(/ok +token +found: personal access token/);
    expect(text).toMatch(/ok +access +allowed \(joined\); view-joined-room: [^;]+; view-c-room: user, admin/);
    expect(text).toMatch(/ok +badge +\d+/);
    expect(text).toMatch(/^reason: ok /m);
    expect(text).toContain('push.get answers 200 {"data":');
    expect(text).not.toContain(RODRIQ.token);
  });

  it('says when a message was deleted and a token revoked', async () => {
    const deleted = await explainJson({ reason: 'message-deleted', user: RODRIQ.id, token: RODRIQ.token, message: 'msgDeletedLive001' });
    expect(deleted.steps).toContainEqual(expect.objectContaining({ step: 'message', detail: 'deleted at 2026-01-01T00:00:00.000Z (tombstone)' }));
    const revoked = await explainJson({ reason: 'token-revoked', user: BOB.id, token: REVOKED_TOKEN, message: SEED });
    expect(revoked.steps[0]!.detail).toMatch(/^revoked \(logged out\) at 2026-01-01T00:00:00\.000Z/);
  });

  it("without --token: the user's tokens counted, the rest decided as for a valid one", async () => {
    const cli = startTs('scripts/explain.ts', ['--user', ZED.id, '--message', SEED, '--endpoint', endpoint(), '--table', tableName, '--json']);
    expect((await cli.exited).code).toBe(0);
    const result = JSON.parse(cli.output());
    expect(result.steps[0]).toStrictEqual({
      step: 'tokens',
      ok: false,
      detail: '0 valid, 1 expired, 0 revoked; newest login 2020-01-01T00:00:00.000Z (no --token: deciding the rest as for a valid one)',
    });
    // zed's role `user` holds view-c-room: the seed's channel is open to him once logged in.
    expect([result.reason, result.status]).toStrictEqual(['ok', 200]);
  });

  it('refuses a missing table without creating it, and --help runs nothing', async () => {
    const missing = `missing-${randomUUID().slice(0, 8)}`;
    const cli = startTs('scripts/explain.ts', ['--user', BOB.id, '--message', SEED, '--endpoint', endpoint(), '--table', missing]);
    expect((await cli.exited).code).toBe(1);
    expect(cli.errors()).toContain(`table ${missing} not found`);
    const again = startTs('scripts/explain.ts', ['--user', BOB.id, '--endpoint', endpoint(), '--table', missing]);
    expect((await again.exited).code).toBe(1);
    const help = startTs('scripts/explain.ts', ['--help', '--user', BOB.id]);
    expect((await help.exited).code).toBe(0);
    expect(help.output()).toMatch(/^usage: npm run explain -- \[options\]/);
    const usage = startTs('scripts/explain.ts', ['--message', SEED]);
    expect((await usage.exited).code).toBe(2);
    expect(usage.errors()).toContain('--user ID is required');
  });
});
