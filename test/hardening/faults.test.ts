/**
 * Faults below the service: DynamoDB unreachable, silent (beyond the SDK's timeouts), throttling
 * (the service's own error bodies); and malformed items in the table. The function modules read
 * their configuration at import, so each scenario loads fresh copies with its own environment.
 */
import type { AddressInfo } from 'node:net';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayAuthorizerResult, APIGatewayProxyResult } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { errorResponse } from '../../functions/commons/http';
import { getPushNotification } from '../../lib/push-get';
import { createDocumentClient } from '../../lib/store/document-client';
import { DynamoStore } from '../../lib/store/dynamo-store';
import { createLocalApi } from '../../local/api-server';
import { countRequests, demoTable, endpoint } from '../support/dynamo';
import { authorizerEvent, invoke, proxyEvent, type AuthorizerFn, type HandlerFn } from '../../testkit/requests';
import {
  authHeaders,
  bad,
  call,
  closedPort,
  DEMO_USERS,
  hashToken,
  INTERNAL_BODY,
  MESSAGE_NOT_FOUND,
  NOT_ALLOWED,
  ROOM_NOT_FOUND,
  silentServer,
  specViolation,
  throttlingServer,
  type ThrottleKind,
} from './support';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

interface Functions {
  authorizer: AuthorizerFn;
  handler: HandlerFn;
  runtime: typeof import('../../functions/commons/runtime');
}

/** Fresh function modules (and DynamoDB client) configured for this endpoint and table. */
async function loadFunctions(dynamoEndpoint: string, tableName = 'faults'): Promise<Functions> {
  vi.resetModules();
  Object.assign(process.env, { TABLE_NAME: tableName, DYNAMODB_ENDPOINT: dynamoEndpoint, AWS_REGION: 'local' });
  const [authorizer, handler, runtime] = await Promise.all([import('../../functions/authorizer/index'), import('../../functions/push-get/index'), import('../../functions/commons/runtime')]);
  return { authorizer: authorizer.handler, handler: handler.handler, runtime };
}

const RODRIQ_CONTEXT = { userId: DEMO_USERS.rodriq.id, username: 'rodriq', roles: '["user","admin"]', language: '' };
const askHandler = (fns: Functions, id = 'WkbwSntxt8D3jLp8G', context: Record<string, string> = RODRIQ_CONTEXT) => fns.handler(proxyEvent({ query: { id: [id] } }, context));
const askAuthorizer = (fns: Functions) => fns.authorizer(authorizerEvent({ headers: authHeaders(DEMO_USERS.rodriq) }));

function expectInternalError(result: APIGatewayProxyResult): void {
  expect(result.statusCode).toBe(500);
  expect(result.body).toBe(JSON.stringify(INTERNAL_BODY));
  expect(result.headers?.['Content-Type']).toBe('application/json');
}

/** The authorizer must fail (API Gateway: 500), never refuse as 401 and never Allow. */
async function expectAuthorizerFailure(answer: Promise<APIGatewayAuthorizerResult>): Promise<void> {
  const outcome = await answer.then(
    (result) => ({ allowed: result }),
    (error: unknown) => ({ error }),
  );
  expect('allowed' in outcome, 'the authorizer allowed a call it could not check').toBe(false);
  const error = (outcome as { error: unknown }).error;
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toBe('Unauthorized');
}

/** The local API in front of these modules: what API Gateway would answer. */
async function throughLocalApi(fns: Functions, headers: Record<string, string>) {
  const server = createLocalApi({ authorizer: fns.authorizer, handler: fns.handler });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  try {
    const { port } = server.address() as AddressInfo;
    return await call(`http://127.0.0.1:${port}/api/v1/push.get?id=WkbwSntxt8D3jLp8G`, { headers });
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('DynamoDB unreachable (closed loopback port)', () => {
  let fns: Functions;
  beforeAll(async () => {
    fns = await loadFunctions(await closedPort());
  });

  it('the handler answers exactly 500 Internal server error, after the SDK retried', async () => {
    const requests = countRequests(fns.runtime.dynamoClient);
    expectInternalError(await askHandler(fns));
    expect(requests.snapshot().byCommand.GetItemCommand).toBe(3);
  });

  it('the authorizer fails instead of allowing or refusing', async () => {
    await expectAuthorizerFailure(askAuthorizer(fns));
  });

  it('through the API the answer is 500 with the spec body', async () => {
    const answer = await throughLocalApi(fns, authHeaders(DEMO_USERS.rodriq));
    expect([answer.status, answer.body]).toStrictEqual([500, INTERNAL_BODY]);
  });

  it('the use case itself, with a store built directly, maps to the same 500', async () => {
    const client = createDocumentClient({ region: 'local', endpoint: await closedPort() });
    const store = new DynamoStore(client, { tableName: 'faults' });
    const failure = await getPushNotification(store, { id: DEMO_USERS.rodriq.id, roles: ['user'] }, 'WkbwSntxt8D3jLp8G').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(Error);
    expectInternalError(errorResponse(failure));
    client.destroy();
  });
});

describe('DynamoDB silent (accepts, never answers)', () => {
  it('handler and authorizer give up after the SDK timeouts and answer 500 / fail, each after 3 attempts', { timeout: 30_000 }, async () => {
    const forHandler = await silentServer();
    const forAuthorizer = await silentServer();
    try {
      const handlerFns = await loadFunctions(forHandler.endpoint);
      const authorizerFns = await loadFunctions(forAuthorizer.endpoint);
      // Both at once: each waits out 3 × the 2 s request timeout.
      const [result] = await Promise.all([askHandler(handlerFns), expectAuthorizerFailure(askAuthorizer(authorizerFns))]);
      expectInternalError(result);
      expect(forHandler.count()).toBe(3);
      expect(forAuthorizer.count()).toBe(3);
    } finally {
      await forHandler.close();
      await forAuthorizer.close();
    }
  });
});

describe.each<ThrottleKind>(['ThrottlingException', 'ProvisionedThroughputExceededException'])('DynamoDB throttling (%s)', (kind) => {
  let server: Awaited<ReturnType<typeof throttlingServer>>;
  let fns: Functions;
  beforeAll(async () => {
    server = await throttlingServer(kind);
    fns = await loadFunctions(server.endpoint);
  });
  afterAll(async () => {
    await server.close();
  });

  it('the handler retries (3 requests at the server), then answers exactly 500', { timeout: 20_000 }, async () => {
    const before = server.count();
    expectInternalError(await askHandler(fns));
    expect(server.count() - before).toBe(3);
    expect(server.targets.slice(before)).toStrictEqual(Array(3).fill('DynamoDB_20120810.GetItem'));
  });

  it('the authorizer retries, then fails (API Gateway 500), never Allow', { timeout: 20_000 }, async () => {
    const before = server.count();
    await expectAuthorizerFailure(askAuthorizer(fns));
    expect(server.count() - before).toBe(3);
    expect(server.targets.slice(before)).toStrictEqual(Array(3).fill('DynamoDB_20120810.BatchGetItem'));
  });

  it('through the API: 500 with the spec body', { timeout: 20_000 }, async () => {
    const answer = await throughLocalApi(fns, authHeaders(DEMO_USERS.rodriq));
    expect([answer.status, answer.body]).toStrictEqual([500, INTERNAL_BODY]);
  });
});

describe('malformed items in the table', () => {
  let fns: Functions;
  let put: (item: Record<string, unknown>) => Promise<unknown>;
  let destroy: () => void;

  beforeAll(async () => {
    const { tableName, client } = await demoTable(undefined, 'malformed');
    put = (item) => client.send(new PutCommand({ TableName: tableName, Item: item }));
    destroy = () => client.destroy();
    const vb = 'iu7jtPAhvEeAS5tNq';
    const rodriqSub = { pk: `USER#${DEMO_USERS.rodriq.id}`, sk: 'SUB#' };
    await Promise.all([
      // messages: missing rid, not JSON, JSON but not an object, gzip garbage, document of another type
      put({ pk: 'MSG#badNoRid', sk: 'MSG', document: JSON.stringify({ _id: 'badNoRid', msg: 'x' }) }),
      put({ pk: 'MSG#badNotJson', sk: 'MSG', rid: vb, hidden: false, document: '{"_id":"badNotJson","msg":"private words' }),
      put({ pk: 'MSG#badJsonNull', sk: 'MSG', rid: vb, hidden: false, document: 'null' }),
      put({ pk: 'MSG#badJsonArray', sk: 'MSG', rid: vb, hidden: false, document: '[1,2]' }),
      put({ pk: 'MSG#badGzip', sk: 'MSG', rid: vb, hidden: false, documentGzip: new Uint8Array([1, 2, 3, 4]) }),
      put({ pk: 'MSG#badDocNumber', sk: 'MSG', rid: vb, hidden: false, document: 42 }),
      put({
        pk: 'MSG#badWeirdFields',
        sk: 'MSG',
        rid: vb,
        hidden: false,
        document: JSON.stringify({ _id: 'badWeirdFields', rid: vb, msg: { $ne: null }, u: { _id: DEMO_USERS.alice.id, username: 5, name: [] }, t: 7, tmid: [], attachments: 'x', mentions: 5 }),
      }),
      // rooms: no t, t not a string; a message in each
      put({ pk: 'ROOM#roomNoType', sk: 'ROOM', name: 'no-type' }),
      put({ pk: 'ROOM#roomNumType', sk: 'ROOM', t: 5, name: 'num-type' }),
      put({ ...rodriqSub, sk: 'SUB#roomNoType', rid: 'roomNoType', unread: 0, archived: false }),
      put({ ...rodriqSub, sk: 'SUB#roomNumType', rid: 'roomNumType', unread: 0, archived: false }),
      put({
        pk: 'MSG#msgInNoType',
        sk: 'MSG',
        rid: 'roomNoType',
        hidden: false,
        document: JSON.stringify({ _id: 'msgInNoType', rid: 'roomNoType', msg: 'hi', u: { _id: DEMO_USERS.alice.id, username: 'alice' } }),
      }),
      put({
        pk: 'MSG#msgInNumType',
        sk: 'MSG',
        rid: 'roomNumType',
        hidden: false,
        document: JSON.stringify({ _id: 'msgInNumType', rid: 'roomNumType', msg: 'hi', u: { _id: DEMO_USERS.alice.id, username: 'alice' } }),
      }),
      // a discussion cycle, nobody subscribed
      put({ pk: 'ROOM#cycleA', sk: 'ROOM', t: 'p', prid: 'cycleB' }),
      put({ pk: 'ROOM#cycleB', sk: 'ROOM', t: 'p', prid: 'cycleA' }),
      put({
        pk: 'MSG#msgInCycle',
        sk: 'MSG',
        rid: 'cycleA',
        hidden: false,
        document: JSON.stringify({ _id: 'msgInCycle', rid: 'cycleA', msg: 'loop', u: { _id: DEMO_USERS.alice.id, username: 'alice' } }),
      }),
      // a team item without its fields, and a channel of it
      put({ pk: 'TEAM#brokenTeam', sk: 'TEAM' }),
      put({ pk: 'ROOM#brokenTeamChannel', sk: 'ROOM', t: 'c', name: 'btc', teamId: 'brokenTeam' }),
      put({
        pk: 'MSG#msgInBrokenTeam',
        sk: 'MSG',
        rid: 'brokenTeamChannel',
        hidden: false,
        document: JSON.stringify({ _id: 'msgInBrokenTeam', rid: 'brokenTeamChannel', msg: 'team', u: { _id: DEMO_USERS.alice.id, username: 'alice' } }),
      }),
      // a sender record with mistyped fields
      put({ pk: 'USER#weirdSender', sk: 'USER', username: 42, name: { first: 'x' }, active: true, roles: 'user' }),
      put({ pk: 'MSG#msgFromWeirdSender', sk: 'MSG', rid: vb, hidden: false, document: JSON.stringify({ _id: 'msgFromWeirdSender', rid: vb, msg: 'hello', u: { _id: 'weirdSender' } }) }),
      // subscriptions: unread as a string, in the badge index too (rodriq's vb subscription is replaced)
      put({ ...rodriqSub, sk: `SUB#${vb}`, rid: vb, unread: '5', archived: 'no', badgeUser: DEMO_USERS.rodriq.id }),
      // token items (which carry the account's login fields): roles a string (bob: "admin"),
      // active a string (erin), mistyped when/personalAccessToken (dave)
      put({
        pk: `USER#${DEMO_USERS.bob.id}`,
        sk: `TOKEN#${hashToken(DEMO_USERS.bob.token)}`,
        hashedToken: hashToken(DEMO_USERS.bob.token),
        personalAccessToken: true,
        username: 'bob',
        active: true,
        roles: 'admin',
      }),
      put({
        pk: `USER#${DEMO_USERS.erin.id}`,
        sk: `TOKEN#${hashToken(DEMO_USERS.erin.token)}`,
        hashedToken: hashToken(DEMO_USERS.erin.token),
        personalAccessToken: true,
        username: 'erin',
        active: 'false',
        roles: ['user'],
      }),
      put({ pk: `USER#${DEMO_USERS.dave.id}`, sk: `TOKEN#${hashToken(DEMO_USERS.dave.token)}`, hashedToken: hashToken(DEMO_USERS.dave.token), when: 'yesterday', personalAccessToken: 'true' }),
      // settings and permissions of the wrong types
      put({ pk: 'SETTING#Site_Url', sk: 'SETTING', value: 12 }),
      put({ pk: 'SETTING#Accounts_LoginExpiration', sk: 'SETTING', value: 'ninety' }),
      put({ pk: 'PERMISSION#view-c-room', sk: 'PERMISSION', roles: 'user' }),
    ]);
    fns = await loadFunctions(endpoint(), tableName);
  });

  afterAll(() => destroy?.());

  const asRodriq = (id: string) => askHandler(fns, id);

  it.each([
    ['a message item without rid', 'badNoRid'],
    ['a message whose document is not JSON', 'badNotJson'],
    ['a message whose document is JSON null', 'badJsonNull'],
    ['a message whose document is a JSON array', 'badJsonArray'],
    ['a message whose gzip body is garbage', 'badGzip'],
    ['a message whose document is a number', 'badDocNumber'],
  ])('%s → message not found (unreadable counts as missing)', async (_, id) => {
    const result = await asRodriq(id);
    expect([result.statusCode, JSON.parse(result.body)]).toStrictEqual([400, bad(MESSAGE_NOT_FOUND).body]);
  });

  it('a message with mistyped fields → a notification with string title and text', async () => {
    const result = await asRodriq('badWeirdFields');
    expect(result.statusCode).toBe(200);
    const { notification } = JSON.parse(result.body).data;
    expect(typeof notification.title).toBe('string');
    expect(typeof notification.text).toBe('string');
    expect(Number.isInteger(notification.notId)).toBe(true);
  });

  it.each([
    ['without t', 'msgInNoType'],
    ['with a numeric t', 'msgInNumType'],
  ])('a room %s, even for a subscriber → room not found (no notification with a bogus type)', async (_, id) => {
    const result = await asRodriq(id);
    expect([result.statusCode, JSON.parse(result.body)]).toStrictEqual([400, bad(ROOM_NOT_FOUND).body]);
  });

  it('a discussion cycle terminates and refuses a non-member', async () => {
    const result = await asRodriq('msgInCycle');
    expect([result.statusCode, JSON.parse(result.body)]).toStrictEqual([400, bad(NOT_ALLOWED).body]);
  });

  it('a channel of a team whose item is empty is refused to non-members (fail closed)', async () => {
    const result = await asRodriq('msgInBrokenTeam');
    expect([result.statusCode, JSON.parse(result.body)]).toStrictEqual([400, bad(NOT_ALLOWED).body]);
  });

  it('a sender record with mistyped fields still gives string title, text and sender name', async () => {
    const result = await asRodriq('msgFromWeirdSender');
    expect(result.statusCode).toBe(200);
    const { notification } = JSON.parse(result.body).data;
    expect(typeof notification.title).toBe('string');
    expect(typeof notification.text).toBe('string');
    expect(typeof notification.payload.senderName).toBe('string');
  });

  it('a subscription with unread as a string counts 0 toward an integer badge', async () => {
    const result = await asRodriq('WkbwSntxt8D3jLp8G');
    expect(result.statusCode).toBe(200);
    const { badge } = JSON.parse(result.body).data.notification;
    expect(Number.isInteger(badge)).toBe(true);
  });

  it('settings and permissions of the wrong type fall back to the defaults', async () => {
    const result = await asRodriq('WkbwSntxt8D3jLp8G');
    expect(JSON.parse(result.body).data.notification.payload.host).toBe('http://localhost:3000/');
  });

  it('a user whose roles are a string gets no roles: no view-c-room, no admin', async () => {
    const { statusCode, body } = await invoke(fns.authorizer, fns.handler, { headers: authHeaders(DEMO_USERS.bob), query: { id: ['WkbwSntxt8D3jLp8G'] } });
    expect([statusCode, body]).toStrictEqual([400, bad(NOT_ALLOWED).body]);
  });

  it('a user whose active flag is not a boolean true is refused (fail closed)', async () => {
    const { statusCode } = await invoke(fns.authorizer, fns.handler, { headers: authHeaders(DEMO_USERS.erin), query: { id: ['WkbwSntxt8D3jLp8G'] } });
    expect(statusCode).toBe(401);
  });

  it('a token item with mistyped when/personalAccessToken is refused', async () => {
    const { statusCode } = await invoke(fns.authorizer, fns.handler, { headers: authHeaders(DEMO_USERS.dave), query: { id: ['WkbwSntxt8D3jLp8G'] } });
    expect(statusCode).toBe(401);
  });

  it('through HTTP every malformed case is a documented answer, never a 5xx', async () => {
    const server = createLocalApi({ authorizer: fns.authorizer, handler: fns.handler });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { port } = server.address() as AddressInfo;
      const ids = [
        'badNoRid',
        'badNotJson',
        'badJsonNull',
        'badJsonArray',
        'badGzip',
        'badDocNumber',
        'badWeirdFields',
        'msgInNoType',
        'msgInNumType',
        'msgInCycle',
        'msgInBrokenTeam',
        'msgFromWeirdSender',
      ];
      for (const user of Object.values(DEMO_USERS)) {
        for (const id of ids) {
          const answer = await call(`http://127.0.0.1:${port}/api/v1/push.get?id=${id}`, { headers: authHeaders(user) });
          expect(specViolation(answer), `${user.id} ${id}`).toBeUndefined();
        }
      }
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
