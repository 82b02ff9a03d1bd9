/**
 * The physical floor: the raw DynamoDB calls push.get cannot do without, with the low-level
 * client (no document marshalling, no domain mapping, no Powertools). Shared by the in-process
 * floor of the warm benchmark and by the minimal bundles of the cold-start benchmark, so both
 * compare against exactly the same requests the real code makes.
 */
import { BatchGetItemCommand, DynamoDBClient, GetItemCommand, QueryCommand, type AttributeValue, type ReturnConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { LOGIN_EXPIRATION_KEY } from '../lib/dynamodb/config-keys';
import { BADGE_INDEX, BADGE_INDEX_KEY, keys, type Key } from '../lib/dynamodb/keys';

type RawKey = Record<string, AttributeValue>;

/** The same client options as lib/dynamodb/client.ts, on the low-level client. */
export function rawClient(region: string, endpoint?: string): DynamoDBClient {
  return new DynamoDBClient({
    region,
    endpoint,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
    ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
}

export function rawKey(key: Key): RawKey {
  return { pk: { S: key.pk }, sk: { S: key.sk } };
}

/** The message, strongly consistent, as `DynamoStore.message` reads it. */
async function rawMessage(client: DynamoDBClient, table: string, messageId: string): Promise<{ rid?: string; senderId?: string }> {
  const { Item: item } = await client.send(new GetItemCommand({ TableName: table, Key: rawKey(keys.message(messageId)), ConsistentRead: true }));
  const rid = item?.rid?.S;
  const document = item?.document?.S;
  // The sender's id is inside the stored document; reading it is the least the handler must do.
  const sender = document ? (JSON.parse(document) as { u?: { _id?: unknown } }).u?._id : undefined;
  return { rid, senderId: typeof sender === 'string' ? sender : undefined };
}

/** One BatchGetItem of the given keys (no unprocessed keys are expected at this size). */
async function rawBatchGet(client: DynamoDBClient, table: string, wanted: Key[]): Promise<number> {
  const result = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: wanted.map(rawKey) } } }));
  return result.Responses?.[table]?.length ?? 0;
}

/** The badge: the same Query on the sparse `badge` index as `DynamoStore.badge`, every page. */
export async function rawBadge(
  client: DynamoDBClient,
  table: string,
  userId: string,
  returnConsumedCapacity?: ReturnConsumedCapacity,
): Promise<{ badge: number; pages: number; items: number; capacityUnits?: number }> {
  let badge = 0;
  let pages = 0;
  let items = 0;
  let capacityUnits: number | undefined;
  let startKey: RawKey | undefined;
  // Bounded: 1 MB pages; 1,000 pages is far beyond any receiver's subscription count.
  for (let page = 0; page < 1000; page++) {
    const result = await client.send(
      new QueryCommand({
        TableName: table,
        IndexName: BADGE_INDEX,
        KeyConditionExpression: '#user = :user',
        ExpressionAttributeNames: { '#user': BADGE_INDEX_KEY, '#unread': 'unread' },
        ExpressionAttributeValues: { ':user': { S: userId } },
        ProjectionExpression: '#unread',
        ExclusiveStartKey: startKey,
        ReturnConsumedCapacity: returnConsumedCapacity,
      }),
    );
    pages++;
    for (const item of result.Items ?? []) {
      items++;
      badge += Number(item.unread?.N ?? 0);
    }
    if (result.ConsumedCapacity?.CapacityUnits !== undefined) {
      capacityUnits = (capacityUnits ?? 0) + result.ConsumedCapacity.CapacityUnits;
    }
    startKey = result.LastEvaluatedKey;
    if (!startKey) break;
  }
  return { badge, pages, items, capacityUnits };
}

/**
 * What the handler needs, raw: GetItem of the message, then one BatchGetItem (room, the receiver's
 * subscription, the sender) in parallel with the badge Query. Two sequential steps. The first
 * call of a process also reads the configuration (`configKeys`) in that batch, as the store does.
 */
export async function rawHandlerFloor(client: DynamoDBClient, table: string, receiverId: string, messageId: string, configKeys: readonly Key[] = []): Promise<{ found: number; badge: number }> {
  const { rid, senderId } = await rawMessage(client, table, messageId);
  if (!rid) return { found: 0, badge: 0 };
  const wanted = [keys.room(rid), keys.subscription(receiverId, rid), ...(senderId ? [keys.user(senderId)] : []), ...configKeys];
  const [found, { badge }] = await Promise.all([rawBatchGet(client, table, wanted), rawBadge(client, table, receiverId)]);
  return { found, badge };
}

/** What the authorizer needs at the least: one GetItem of the presented token's item. */
export async function rawAuthorizerFloor(client: DynamoDBClient, table: string, userId: string, hashedToken: string): Promise<boolean> {
  const { Item: item } = await client.send(new GetItemCommand({ TableName: table, Key: rawKey(keys.token(userId, hashedToken)) }));
  return item !== undefined;
}

/** The authorizer's request, raw: the token item and the login expiration setting in one BatchGetItem, as the store reads them on every call. */
export async function rawAuthorizerRequest(client: DynamoDBClient, table: string, userId: string, hashedToken: string): Promise<boolean> {
  const tokenKey = keys.token(userId, hashedToken);
  const result = await client.send(new BatchGetItemCommand({ RequestItems: { [table]: { Keys: [rawKey(tokenKey), rawKey(LOGIN_EXPIRATION_KEY)] } } }));
  return (result.Responses?.[table] ?? []).some((item) => item.sk?.S === tokenKey.sk);
}
