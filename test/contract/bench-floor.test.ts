/**
 * The bench's raw floor ↔ the store: the cold-start baseline (bench/minimal/*) must send the same
 * requests, with the same keys, as the real functions' first call of a process, or the cold ratio
 * compares different work. SDK middleware records the keys both sides ask for.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { rawAuthorizerRequest, rawClient, rawHandlerFloor } from '../../bench/floor';
import { hashLoginToken } from '../../lib/core/auth';
import { COLD_CONFIG_KEYS } from '../../lib/dynamodb/config-keys';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { getPushNotification } from '../../lib/core/push-get';
import { demoTable, endpoint } from '../support/dynamo';

const RODRIQ = { id: 'd26x6zSkaPSe5gCyy', token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92', username: 'rodriq', roles: ['user', 'admin'] };
const SEED_MESSAGE = 'WkbwSntxt8D3jLp8G';

interface Sent {
  command: string;
  keys: string[];
}

let serial = 0;

/** Records each request's command and the keys it names (GetItem's Key, BatchGetItem's Keys); `done` stops and returns them, sorted (parallel requests go out in any order). */
function recordRequests(client: DynamoDBClient | DynamoDBDocumentClient): { done: () => Sent[] } {
  const sent: Sent[] = [];
  const name = `recordKeys${++serial}`;
  const keyName = (key: Record<string, unknown>) => {
    const plain = unmarshall(key as never) as { pk: string; sk: string };
    return `${plain.pk} ${plain.sk}`;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Key?: Record<string, unknown>; RequestItems?: Record<string, { Keys: Record<string, unknown>[] }> };
      const named = input.Key ? [input.Key] : Object.values(input.RequestItems ?? {}).flatMap((request) => request.Keys);
      sent.push({ command: String(context.commandName), keys: named.map(keyName).sort() });
      return next(args);
    },
    // After the document client's marshalling, so both sides record the same shapes.
    { step: 'serialize', priority: 'low', name },
  );
  return {
    done: () => {
      client.middlewareStack.remove(name);
      return sent.sort((a, b) => a.command.localeCompare(b.command));
    },
  };
}

let tableName: string;
let documentClient: DynamoDBDocumentClient;

beforeAll(async () => {
  ({ tableName, client: documentClient } = await demoTable(undefined, 'bench-floor'));
  return () => documentClient.destroy();
});

describe('the cold-start floor reads what the first call of each function reads', () => {
  it('handler: message, then room + subscription + sender + every setting and permission + the configuration stamp, beside the badge query', async () => {
    const store = new DynamoStore(documentClient, { tableName });
    const recordReal = recordRequests(documentClient);
    await getPushNotification(store, { id: RODRIQ.id, username: RODRIQ.username, roles: RODRIQ.roles, language: '' }, SEED_MESSAGE);
    const real = recordReal.done();
    const raw = rawClient('local', endpoint());
    const recordFloor = recordRequests(raw);
    await rawHandlerFloor(raw, tableName, RODRIQ.id, SEED_MESSAGE, COLD_CONFIG_KEYS);
    const floor = recordFloor.done();
    raw.destroy();
    expect(real.map((r) => r.command)).toStrictEqual(['BatchGetItemCommand', 'GetItemCommand', 'QueryCommand']);
    expect(floor).toStrictEqual(real);
  });

  it('authorizer: the token item and the login expiration, in one BatchGetItem', async () => {
    const hashed = hashLoginToken(RODRIQ.token);
    const store = new DynamoStore(documentClient, { tableName });
    const recordReal = recordRequests(documentClient);
    await store.loginFacts(RODRIQ.id, hashed);
    const real = recordReal.done();
    const raw = rawClient('local', endpoint());
    const recordFloor = recordRequests(raw);
    expect(await rawAuthorizerRequest(raw, tableName, RODRIQ.id, hashed)).toBe(true);
    const floor = recordFloor.done();
    raw.destroy();
    expect(real).toStrictEqual([{ command: 'BatchGetItemCommand', keys: expect.any(Array) }]);
    expect(floor).toStrictEqual(real);
  });
});
