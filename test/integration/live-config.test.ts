/**
 * Setting and permission changes replayed through the sync (lib/sync/replay.ts) reach the real
 * functions on their very next call: the handler's configuration cache is keyed by the stamp the
 * sync rewrites, and the authorizer reads Accounts_LoginExpiration with every token, so a token's
 * lifetime follows the setting as Rocket.Chat's does (no DynamoDB TTL from an older value).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EJSON } from 'bson';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashLoginToken } from '../../lib/auth';
import type { DynamoStore } from '../../lib/store/dynamo-store';
import { keys, TTL_ATTRIBUTE } from '../../lib/store/keys';
import { replayFile } from '../../lib/sync/replay';
import { ChangeLog } from '../../testkit/change-events';
import { countRequests, demoTable, endpoint, type RequestCounter } from '../support/dynamo';
import { invoke, type AuthorizerFn, type HandlerFn } from '../../testkit/requests';

const ALICE = { 'X-User-Id': 'aliceUserId000001', 'X-Auth-Token': 'demo-token-alice' };
const DAY = 24 * 60 * 60 * 1000;

let authorize: AuthorizerFn;
let handle: HandlerFn;
let store: DynamoStore;
let requests: RequestCounter;
const log = new ChangeLog(Math.floor(Date.now() / 1000));

beforeAll(async () => {
  const demo = await demoTable(undefined, 'live-config');
  store = demo.store;
  Object.assign(process.env, { TABLE_NAME: demo.tableName, DYNAMODB_ENDPOINT: endpoint(), AWS_REGION: 'local' });
  const runtime = await import('../../functions/commons/runtime');
  requests = countRequests(runtime.dynamoClient);
  authorize = (await import('../../functions/authorizer/index')).handler;
  handle = (await import('../../functions/push-get/index')).handler;
  return () => demo.client.destroy();
});

/** Replays the events recorded since the last call, as `npm run sync -- --from-file` does. */
let replayed = 0;
async function replay(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'push-get-live-'));
  const file = join(dir, 'changes.jsonl');
  await writeFile(
    file,
    log.events
      .slice(replayed)
      .map((event) => EJSON.stringify(event))
      .join('\n') + '\n',
  );
  replayed = log.events.length;
  const summary = await replayFile(store, file);
  expect(summary.unmappable).toStrictEqual([]);
}

const get = (headers: Record<string, string>, id: string) => invoke(authorize, handle, { headers, query: { id: [id] } });

describe('settings and permissions reach the handler on its next request', () => {
  it('revoking view-p-room shuts a member out of her private group at once, and giving it back lets her in', async () => {
    expect((await get(ALICE, 'msgAliceDesign001')).statusCode).toBe(200);
    log.insert('rocketchat_permissions', { _id: 'view-p-room', roles: ['admin'] });
    await replay();
    requests.reset();
    expect(await get(ALICE, 'msgAliceDesign001')).toStrictEqual({ statusCode: 400, body: { success: false, error: 'error-not-allowed' } });
    // The changed stamp costs one more step, once: authorizer 1 request, handler 3 + the re-read.
    expect(requests.snapshot().byCommand).toStrictEqual({ BatchGetItemCommand: 3, GetItemCommand: 1, QueryCommand: 1 });
    log.update('rocketchat_permissions', 'view-p-room', { roles: ['admin', 'user'] });
    await replay();
    expect((await get(ALICE, 'msgAliceDesign001')).statusCode).toBe(200);
  });

  it('Push_show_message off hides the text on the next request; unchanged, the warm handler stays at 3 requests in 2 steps', async () => {
    const shown = (await get(ALICE, 'msgAliceDesign001')).body.data.notification.text as string;
    log.insert('rocketchat_settings', { _id: 'Push_show_message', value: false });
    await replay();
    // The placeholder in the receiver's language (Alice reads German).
    const hidden = (await get(ALICE, 'msgAliceDesign001')).body.data.notification.text as string;
    expect(hidden).toBe('alice: Sie haben eine neue Nachricht');
    expect(shown).not.toBe(hidden);
    const { proxyEvent } = await import('../../testkit/requests');
    const context = { userId: ALICE['X-User-Id'], username: 'alice', roles: '["user"]', language: '' };
    requests.reset();
    expect((await handle(proxyEvent({ query: { id: ['msgAliceDesign001'] } }, context))).statusCode).toBe(200);
    expect(requests.snapshot()).toMatchObject({ byCommand: { BatchGetItemCommand: 1, GetItemCommand: 1, QueryCommand: 1 }, steps: 2 });
  });
});

describe('a login token lives as long as Accounts_LoginExpiration says now', () => {
  const old = { token: 'token-100-days-old', when: new Date(Date.now() - 100 * DAY) };
  const recent = { token: 'token-40-days-old', when: new Date(Date.now() - 40 * DAY) };
  const headers = (token: string) => ({ 'X-User-Id': 'liveUser000000001', 'X-Auth-Token': token });

  beforeAll(async () => {
    log.insert('rocketchat_settings', { _id: 'Accounts_LoginExpiration', value: 90 });
    log.insert('users', {
      _id: 'liveUser000000001',
      username: 'live',
      active: true,
      roles: ['user'],
      services: { resume: { loginTokens: [old, recent].map(({ token, when }) => ({ when, hashedToken: hashLoginToken(token) })) } },
    });
    await replay();
  });

  it('90 days: the 100-day-old token is refused, the 40-day-old one opens', async () => {
    expect((await get(headers(old.token), 'msgAliceDesign001')).statusCode).toBe(401);
    expect((await get(headers(recent.token), 'msgAliceDesign001')).statusCode).not.toBe(401);
  });

  it('raised to 365: the 100-day-old token opens again, and no token item carries a TTL that would delete it', async () => {
    log.update('rocketchat_settings', 'Accounts_LoginExpiration', { value: 365 });
    await replay();
    expect((await get(headers(old.token), 'msgAliceDesign001')).statusCode).not.toBe(401);
    for (const { token } of [old, recent]) {
      const item = await store.rawItem(keys.token('liveUser000000001', hashLoginToken(token)));
      expect(item?.hashedToken).toBe(hashLoginToken(token));
      expect(item).not.toHaveProperty(TTL_ATTRIBUTE);
    }
  });

  it('lowered to 30: both are refused at once', async () => {
    log.update('rocketchat_settings', 'Accounts_LoginExpiration', { value: 30 });
    await replay();
    expect((await get(headers(old.token), 'msgAliceDesign001')).statusCode).toBe(401);
    expect((await get(headers(recent.token), 'msgAliceDesign001')).statusCode).toBe(401);
  });
});
