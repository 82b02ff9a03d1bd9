/**
 * The deployed request path without HTTP: import → authorizer module → handler module, against
 * the run's embedded DynamoDB, with every DynamoDB request counted by SDK middleware.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { countRequests, demoTable, endpoint, type RequestCounter } from '../support/dynamo';
import { invoke, type AuthorizerFn, type HandlerFn } from '../../testkit/requests';
import { SEED_ANSWER } from '../support/seed';

const RODRIQ = { 'X-User-Id': 'd26x6zSkaPSe5gCyy', 'X-Auth-Token': 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92' };
const ALICE = { 'X-User-Id': 'aliceUserId000001', 'X-Auth-Token': 'demo-token-alice' };
const BOB = { 'X-User-Id': 'bobUserId00000001', 'X-Auth-Token': 'demo-token-bob' };
const CAROL_GUEST = { 'X-User-Id': 'carolUserId000001', 'X-Auth-Token': 'demo-token-carol' };
const ERIN_DEACTIVATED = { 'X-User-Id': 'erinUserId0000001', 'X-Auth-Token': 'demo-token-erin' };

let authorize: AuthorizerFn;
let handle: HandlerFn;
let requests: RequestCounter;

beforeAll(async () => {
  const { tableName, client } = await demoTable(undefined, 'functions');
  client.destroy();
  Object.assign(process.env, { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: endpoint(), AWS_REGION: 'local' });
  const runtime = await import('../../functions/commons/runtime');
  requests = countRequests(runtime.dynamoClient);
  authorize = (await import('../../functions/authorizer/index')).handler;
  handle = (await import('../../functions/push-get/index')).handler;
});

const get = (headers: Record<string, string>, query: Record<string, string[]>) => invoke(authorize, handle, { headers, query });

describe('the seed example', () => {
  it('answers the seed curl line with the seed result, numbers and booleans as JSON types', async () => {
    const { statusCode, body } = await get(RODRIQ, { id: ['WkbwSntxt8D3jLp8G'] });
    expect(statusCode).toBe(200);
    expect(body).toStrictEqual(SEED_ANSWER);
    expect(JSON.stringify(body)).toBe(JSON.stringify(SEED_ANSWER));
  });
});

describe('authentication (401 before anything else)', () => {
  it.each([
    ['no headers', {}],
    ['only the user id', { 'X-User-Id': RODRIQ['X-User-Id'] }],
    ['only the token', { 'X-Auth-Token': RODRIQ['X-Auth-Token'] }],
    ['an unknown user', { 'X-User-Id': 'nobody', 'X-Auth-Token': RODRIQ['X-Auth-Token'] }],
    ['a wrong token', { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': 'wrong' }],
    ["another user's token", { 'X-User-Id': RODRIQ['X-User-Id'], 'X-Auth-Token': ALICE['X-Auth-Token'] }],
    ['a deactivated user', ERIN_DEACTIVATED],
  ])('refuses %s, even without an id', async (_, headers) => {
    expect((await get(headers as Record<string, string>, {})).statusCode).toBe(401);
  });

  it('reads the headers case-insensitively', async () => {
    const headers = { 'x-user-id': RODRIQ['X-User-Id'], 'X-AUTH-TOKEN': RODRIQ['X-Auth-Token'] };
    expect((await get(headers, { id: ['WkbwSntxt8D3jLp8G'] })).statusCode).toBe(200);
  });
});

describe('errors after authentication, in the spec order', () => {
  it.each([
    ['id missing', {}, "Match error: Missing key 'id'"],
    ['only other keys', { foo: ['bar'] }, "Match error: Missing key 'id'"],
    ['id given twice', { id: ['a', 'b'] }, 'Match error: Expected string, got object in field id'],
    ['id as an array', { 'id[]': ['a'] }, 'Match error: Expected string, got object in field id'],
    ['id as an object', { 'id[x]': ['a'] }, 'Match error: Expected string, got object in field id'],
    ['an empty id', { id: [''] }, 'error-message-not-found'],
    ['an unknown message', { id: ['doesNotExist'] }, 'error-message-not-found'],
    ['a hidden message (edit history)', { id: ['msgHiddenEdit0001'] }, 'error-message-not-found'],
  ])('%s → 400', async (_, query, error) => {
    const { statusCode, body } = await get(RODRIQ, query);
    expect(statusCode).toBe(400);
    expect(body).toStrictEqual({ success: false, error });
  });

  it('a private group the user is not in → error-not-allowed', async () => {
    const { statusCode, body } = await get(BOB, { id: ['msgAliceDesign001'] });
    expect([statusCode, body]).toStrictEqual([400, { success: false, error: 'error-not-allowed' }]);
  });

  it('a public channel for a guest without view-c-room → error-not-allowed', async () => {
    const { statusCode, body } = await get(CAROL_GUEST, { id: ['WkbwSntxt8D3jLp8G'] });
    expect([statusCode, body]).toStrictEqual([400, { success: false, error: 'error-not-allowed' }]);
  });

  it('a sender whose user record is gone → Message sender not found', async () => {
    const { statusCode, body } = await get(RODRIQ, { id: ['msgDeletedUser001'] });
    expect([statusCode, body]).toStrictEqual([400, { success: false, error: 'Message sender not found' }]);
  });

  it('a livechat visitor as sender → Message sender not found (for the serving agent)', async () => {
    const dave = { 'X-User-Id': 'daveUserId0000001', 'X-Auth-Token': 'demo-token-dave' };
    const { body } = await get(dave, { id: ['msgLivechat000001'] });
    expect(body).toStrictEqual({ success: false, error: 'Message sender not found' });
  });
});

describe('DynamoDB round trips', () => {
  it('the authorizer makes exactly one request, token and login expiration together', async () => {
    await get(RODRIQ, { id: ['WkbwSntxt8D3jLp8G'] });
    requests.reset();
    await authorize((await import('../../testkit/requests')).authorizerEvent({ headers: RODRIQ }));
    expect(requests.snapshot().byCommand).toStrictEqual({ BatchGetItemCommand: 1 });
  });

  it('the authorizer still makes one request with a cold settings cache', async () => {
    const { DynamoStore } = await import('../../lib/store/dynamo-store');
    const runtime = await import('../../functions/commons/runtime');
    const cold = new DynamoStore(runtime.dynamoClient, { tableName: runtime.config.tableName });
    requests.reset();
    await cold.loginFacts(RODRIQ['X-User-Id'], 'any-hash');
    expect(requests.snapshot().total).toBe(1);
  });

  it('the authorizer reads the token and the login expiration, nothing else, and takes the stored value at once', async () => {
    const { DynamoStore } = await import('../../lib/store/dynamo-store');
    const { itemsForDocument } = await import('../../lib/store/items');
    const { hashLoginToken } = await import('../../lib/auth');
    const { tableName, client } = await demoTable(undefined, 'login-expiration');
    const counter = countRequests(client);
    const batchKeys: unknown[] = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'BatchGetItemCommand')
          batchKeys.push(
            ...Object.values((args.input as { RequestItems: Record<string, { Keys: Record<string, AttributeValue>[] }> }).RequestItems).flatMap((r) => r.Keys.map((key) => unmarshall(key))),
          );
        return next(args);
      },
      { step: 'initialize', name: 'recordBatchKeys' },
    );
    try {
      const store = new DynamoStore(client, { tableName });
      await store.putItems(itemsForDocument('rocketchat_settings', { _id: 'Accounts_LoginExpiration', value: 7 }).items);
      const hashed = hashLoginToken(RODRIQ['X-Auth-Token']);
      const cold = new DynamoStore(client, { tableName });
      counter.reset();
      const first = await cold.loginFacts(RODRIQ['X-User-Id'], hashed);
      expect(first.loginExpirationDays).toBe(7);
      expect(first.token).toBeDefined();
      expect(counter.snapshot().byCommand).toStrictEqual({ BatchGetItemCommand: 1 });
      expect(batchKeys).toStrictEqual([
        { pk: `USER#${RODRIQ['X-User-Id']}`, sk: `TOKEN#${hashed}` },
        { pk: 'SETTING#Accounts_LoginExpiration', sk: 'SETTING' },
      ]);
      // No cache: a changed setting applies to the very next check.
      await store.putItems(itemsForDocument('rocketchat_settings', { _id: 'Accounts_LoginExpiration', value: 365 }).items);
      counter.reset();
      expect((await cold.loginFacts(RODRIQ['X-User-Id'], hashed)).loginExpirationDays).toBe(365);
      expect(counter.snapshot().byCommand).toStrictEqual({ BatchGetItemCommand: 1 });
    } finally {
      client.destroy();
    }
  });

  it('the handler makes two sequential steps: the message, then one batch with the badge query beside it', async () => {
    const { proxyEvent } = await import('../../testkit/requests');
    const context = { userId: 'd26x6zSkaPSe5gCyy', username: 'rodriq', roles: '["user","admin"]', language: '' };
    await handle(proxyEvent({ query: { id: ['WkbwSntxt8D3jLp8G'] } }, context));
    requests.reset();
    const response = await handle(proxyEvent({ query: { id: ['WkbwSntxt8D3jLp8G'] } }, context));
    expect(response.statusCode).toBe(200);
    expect(requests.snapshot().byCommand).toStrictEqual({ GetItemCommand: 1, BatchGetItemCommand: 1, QueryCommand: 1 });
    expect(requests.snapshot().steps).toBe(2);
  });

  it('a message that does not exist costs one request', async () => {
    const { proxyEvent } = await import('../../testkit/requests');
    requests.reset();
    await handle(proxyEvent({ query: { id: ['nope'] } }, { userId: 'd26x6zSkaPSe5gCyy', roles: '["user"]' }));
    expect(requests.snapshot().total).toBe(1);
  });
});

describe('access through extra reads', () => {
  it('a discussion is readable through its public parent channel (one extra step)', async () => {
    requests.reset();
    const { statusCode, body } = await get(BOB, { id: ['msgDiscussion0001'] });
    expect(statusCode).toBe(200);
    expect(body.data.notification.title).toBe('#Release planning');
  });

  it('a channel of a private team needs team membership', async () => {
    expect((await get(ALICE, { id: ['msgTeamChannel001'] })).statusCode).toBe(200);
    const { body } = await get(BOB, { id: ['msgTeamChannel001'] });
    expect(body).toStrictEqual({ success: false, error: 'error-not-allowed' });
  });

  it('a livechat room is open to its serving agent only (without view-livechat-rooms)', async () => {
    expect((await get(BOB, { id: ['msgLivechat000001'] })).body).toStrictEqual({ success: false, error: 'error-not-allowed' });
  });
});
