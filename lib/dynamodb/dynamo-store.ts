/**
 * The one door to DynamoDB: every read and write of the service goes through this class, which
 * alone knows the key design (keys.ts) and the item mapping (items.ts).
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  type AttributeValue,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import type { AuthUser, StoredLoginToken } from '../core/auth';
import type { Message, Room, Subscription, TeamFacts } from '../core/domain';
import type { DeploymentConfig, MessageContext, PushGetStore } from '../core/push-get';
import type { MessageAbsence } from '../core/reasons';
import { StoreIncomplete } from '../core/errors';
import { resolvePermissions, resolveSettings, PERMISSION_IDS, SETTING_IDS, type PermissionId, type SettingId } from '../core/settings';
import { randomUUID } from 'node:crypto';
import { CONFIG_STAMP_KEY, LOGIN_EXPIRATION_KEY, PERMISSION_KEYS, SETTING_KEYS } from './config-keys';
import { toAuthUser, toLoginToken, toMessage, toRoom, toSender, toSubscription, toTeam, type Item } from './items';
import type { ConditionalWrite, SyncStore } from '../sync/apply';
import type { Version } from '../sync/change-event';
import { retryPause, type Backoff } from '../retry';
import { BADGE_INDEX, BADGE_INDEX_KEY, isStorableKey, isTombstone, keys, keyString, TOKEN_SK_PREFIX, TOMBSTONE_ATTRIBUTE, TTL_ATTRIBUTE, VERSION_ATTRIBUTE, type Key } from './keys';

export interface StoreOptions {
  tableName: string;
  /**
   * The longest settings and permissions are reused while the configuration stamp stays the same
   * (a backstop for tables whose writers do not stamp; a changed stamp re-reads them at once).
   */
  configCacheMs?: number;
  now?: () => number;
}

export interface LoginFacts {
  user?: AuthUser;
  token?: StoredLoginToken;
  /** No token item, but its tombstone: the token was removed (logged out). Read with the token item, at no extra cost. */
  tokenRevoked: boolean;
  loginExpirationDays: number;
}

/** An item's key, the version of the change that last wrote it (none: written before versions existed), and whether it is a tombstone. */
export interface StoredVersion extends Key {
  version?: Version;
  deleted: boolean;
}

/** The low-level client, or a document client (the import's and the tools'), which sends low-level commands unchanged. */
export type StoreClient = DynamoDBClient | DynamoDBDocumentClient;

/** A query of the table or an index, values as plain JavaScript (marshalled here). */
interface Query {
  IndexName?: string;
  KeyConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
  ProjectionExpression?: string;
  ConsistentRead?: boolean;
}

type Attributes = Record<string, AttributeValue>;

/**
 * Low-level commands, items converted by util-dynamodb, instead of the document client's
 * commands: those walk every input and output once more per request, about 0.1 ms of CPU per
 * push.get, and add lib-dynamodb to the functions' bundles (docs/performance.md). The options are
 * the document client's that lib/dynamodb/document-client.ts sets.
 */
const toAttributes = (value: Record<string, unknown>): Attributes => marshall(value, { removeUndefinedValues: true });
const fromAttributes = (value: Attributes): Record<string, unknown> => unmarshall(value);

/**
 * An item's attributes, as `toAttributes` makes them: strings, booleans and numbers that
 * util-dynamodb accepts are written directly (a subscription, a message, a tombstone hold nothing
 * else), any other item goes through util-dynamodb. Every write of the sync passes here: about
 * 2 µs less per write in a warm loop, more in the apply path (docs/performance.md).
 */
export function itemAttributes(item: Record<string, unknown>): Attributes {
  const attributes: Attributes = {};
  for (const name of Object.keys(item)) {
    const value = item[name];
    if (value === undefined) continue;
    if (name === '__proto__') return toAttributes(item);
    if (typeof value === 'string') attributes[name] = { S: value };
    else if (typeof value === 'boolean') attributes[name] = { BOOL: value };
    else if (typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER) attributes[name] = { N: String(value) };
    else return toAttributes(item);
  }
  return attributes;
}

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const MAX_BATCH_RETRIES = 8;

export class DynamoStore implements PushGetStore, SyncStore {
  private readonly table: string;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private readonly db: DynamoDBClient;
  private cachedConfig?: { config: DeploymentConfig; loadedAt: number; stamp: unknown };

  constructor(client: StoreClient, options: StoreOptions) {
    // A document client shares the low-level client's configuration and middleware stack.
    this.db = client as DynamoDBClient;
    this.table = options.tableName;
    this.cacheMs = options.configCacheMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  // ---- reads: authorizer ----

  /**
   * One request: a BatchGetItem of the presented token's item, which carries the account's login
   * fields (active, roles, username, language), and the login expiration setting, read every time
   * so that a changed setting applies to the next login check, as in Rocket.Chat.
   */
  async loginFacts(userId: string, hashedToken: string): Promise<LoginFacts> {
    const tokenKey = keys.token(userId, hashedToken);
    if (!isStorableKey(tokenKey)) {
      // No stored token has such a key (a hostile id): refused without a request.
      return { tokenRevoked: false, loginExpirationDays: resolveSettings({}).loginExpirationDays };
    }
    // The setting is read with the token on every call (one request either way), so a changed
    // expiration decides the very next login check, as in Rocket.Chat.
    const found = await this.batchGet([tokenKey, LOGIN_EXPIRATION_KEY], { withTombstones: true });
    const item = found.get(keyString(tokenKey));
    const revoked = isTombstone(item);
    const token = revoked ? undefined : item;
    return {
      user: token && toAuthUser(userId, token),
      token: token && toLoginToken(token),
      tokenRevoked: revoked,
      loginExpirationDays: loginExpirationOf(found),
    };
  }

  /** Whether the user's item exists: asked only after a refusal, to tell an unknown user from an unknown token. */
  async userExists(userId: string): Promise<boolean> {
    return (await this.getItem(keys.user(userId))) !== undefined;
  }

  /** Rocket.Chat's `Accounts_LoginExpiration` in days (one GetItem). */
  async loginExpirationDays(): Promise<number> {
    return loginExpirationOf(await this.batchGet([LOGIN_EXPIRATION_KEY]));
  }

  // ---- reads: handler ----

  /**
   * Strongly consistent: the push arrives right after the message was written. The same one
   * GetItem tells a message never stored from a deleted one (its tombstone) and a hidden one.
   */
  async findMessage(messageId: string): Promise<Message | { absent: MessageAbsence }> {
    const item = await this.getItem(keys.message(messageId), true, true);
    if (!item) return { absent: 'message-unknown' };
    if (isTombstone(item)) return { absent: 'message-deleted' };
    return toMessage(messageId, item) ?? { absent: 'message-hidden' };
  }

  /** The message, or undefined when missing, deleted or hidden. */
  async message(messageId: string): Promise<Message | undefined> {
    const found = await this.findMessage(messageId);
    return 'absent' in found ? undefined : found;
  }

  /**
   * The second and last sequential step of a request: one BatchGetItem (room, the receiver's
   * subscription, the sender, the configuration stamp, and settings and permissions when not
   * cached) in parallel with the badge query. Only a request that finds the stamp changed since
   * its cached copy takes a third step, to read them again.
   */
  async messageContext(message: Message, receiverId: string, senderId: string | undefined): Promise<MessageContext> {
    const roomKey = keys.room(message.rid);
    const subscriptionKey = keys.subscription(receiverId, message.rid);
    const senderKey = senderId === undefined ? undefined : keys.user(senderId);
    const [{ found, config }, badge] = await Promise.all([this.batchGetWithConfig(senderKey ? [roomKey, subscriptionKey, senderKey] : [roomKey, subscriptionKey]), this.badge(receiverId)]);
    const room = found.get(keyString(roomKey));
    const subscription = found.get(keyString(subscriptionKey));
    const sender = senderKey && found.get(keyString(senderKey));
    return {
      room: room && toRoom(message.rid, room),
      subscription: subscription && toSubscription(receiverId, subscription),
      sender: sender && senderId !== undefined ? toSender(senderId, sender) : undefined,
      badge,
      config,
    };
  }

  /** Sum of `unread` over the receiver's non-archived subscriptions, from the sparse badge index. */
  async badge(userId: string): Promise<number> {
    const unread = await this.queryAll({
      IndexName: BADGE_INDEX,
      KeyConditionExpression: '#user = :user',
      ExpressionAttributeNames: { '#user': BADGE_INDEX_KEY, '#unread': 'unread' },
      ExpressionAttributeValues: { ':user': userId },
      ProjectionExpression: '#unread',
    });
    return unread.reduce((total, item) => total + (typeof item.unread === 'number' ? item.unread : 0), 0);
  }

  /** A room and the user's subscription to it, in one BatchGetItem (discussion parents). */
  async roomWithSubscription(rid: string, userId: string): Promise<{ room?: Room; subscription?: Subscription }> {
    const roomKey = keys.room(rid);
    const subscriptionKey = keys.subscription(userId, rid);
    const found = await this.batchGet([roomKey, subscriptionKey]);
    const room = found.get(keyString(roomKey));
    const subscription = found.get(keyString(subscriptionKey));
    return { room: room && toRoom(rid, room), subscription: subscription && toSubscription(userId, subscription) };
  }

  async subscription(userId: string, rid: string): Promise<Subscription | undefined> {
    const item = await this.getItem(keys.subscription(userId, rid));
    return item && toSubscription(userId, item);
  }

  /**
   * One BatchGetItem for the team rule: the team's own document and the user's membership (when
   * the team collections were exported) and, for exports without them, the team's main room.
   */
  async teamFacts(teamId: string, userId: string): Promise<TeamFacts> {
    const documentKey = keys.teamDocument(teamId);
    const memberKey = keys.teamMember(teamId, userId);
    const mainRoomKey = keys.team(teamId);
    const found = await this.batchGet([documentKey, memberKey, mainRoomKey]);
    const document = found.get(keyString(documentKey));
    const mainRoom = found.get(keyString(mainRoomKey));
    const team = mainRoom && toTeam(teamId, mainRoom);
    return {
      team: document && { isPublic: document.type === 0, receiverIsMember: found.has(keyString(memberKey)) },
      mainRoom: team && { id: team.mainRoomId, t: team.mainRoomType },
    };
  }

  async isDepartmentAgent(departmentId: string, agentId: string): Promise<boolean> {
    return (await this.getItem(keys.departmentAgent(departmentId, agentId))) !== undefined;
  }

  // ---- writes: import and sync ----

  /** Idempotent: writes the items of one or more documents, retrying what DynamoDB left unprocessed. */
  async putItems(items: Item[]): Promise<void> {
    for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
      const chunk = items.slice(start, start + BATCH_WRITE_LIMIT);
      await this.batchWrite(chunk.map((item) => ({ PutRequest: { Item: itemAttributes(item) } })));
    }
  }

  async deleteItems(itemKeys: Key[]): Promise<void> {
    for (let start = 0; start < itemKeys.length; start += BATCH_WRITE_LIMIT) {
      const chunk = itemKeys.slice(start, start + BATCH_WRITE_LIMIT);
      await this.batchWrite(chunk.map((key) => ({ DeleteRequest: { Key: toAttributes({ ...key }) } })));
    }
  }

  /**
   * Every item's key, a page (up to 1 MB of items) at a time: one Scan of the whole table, which
   * DynamoDB bills for the full size of every item read, whatever the projection (`--prune`).
   */
  async *scanKeys(): AsyncGenerator<Key[]> {
    let startKey: Attributes | undefined;
    do {
      const page = await this.db.send(new ScanCommand({ TableName: this.table, ProjectionExpression: 'pk, sk', ExclusiveStartKey: startKey }));
      yield (page.Items ?? []).map((item) => ({ pk: String(item.pk?.S), sk: String(item.sk?.S) }));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /**
   * Every item's key, version and tombstone mark, a page at a time (one Scan, billed like
   * `scanKeys`): what a snapshot's reconciliation compares with the snapshot's start. Eventually
   * consistent: every write it leads to is conditional on the version, so a stale page cannot undo
   * a newer write.
   */
  async *scanVersions(): AsyncGenerator<StoredVersion[]> {
    let startKey: Attributes | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.table,
          ProjectionExpression: 'pk, sk, #v, #deleted',
          ExpressionAttributeNames: { '#v': VERSION_ATTRIBUTE, '#deleted': TOMBSTONE_ATTRIBUTE },
          ExclusiveStartKey: startKey,
        }),
      );
      yield (page.Items ?? []).map((attributes) => {
        const item = fromAttributes(attributes);
        return { pk: String(item.pk), sk: String(item.sk), version: typeof item[VERSION_ATTRIBUTE] === 'string' ? item[VERSION_ATTRIBUTE] : undefined, deleted: isTombstone(item) };
      });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  /** Strongly consistent, tombstones included. */
  async rawItem(key: Key): Promise<Record<string, unknown> | undefined> {
    return this.getItem(key, true, true);
  }

  // ---- writes: live sync (each one conditional on the change's version) ----

  /** One PutItem that happens only if the stored item is absent or older; a refusal is no error. */
  async putIfNewer(item: Item, version: Version): Promise<ConditionalWrite> {
    return this.conditionalPut({ ...item, [VERSION_ATTRIBUTE]: version }, version);
  }

  /** The item replaced by a tombstone that DynamoDB's TTL removes after `expiresAtSeconds`. */
  async tombstoneIfNewer(key: Key, version: Version, expiresAtSeconds: number): Promise<ConditionalWrite> {
    return this.conditionalPut({ pk: key.pk, sk: key.sk, [VERSION_ATTRIBUTE]: version, [TOMBSTONE_ATTRIBUTE]: true, [TTL_ATTRIBUTE]: expiresAtSeconds }, version);
  }

  /**
   * One PutItem: a new configuration stamp, after a setting or permission item was written, so that
   * every handler re-reads them on its next request. Unconditional: changes of different settings
   * may be applied in any order, and each must be seen.
   */
  async touchConfigStamp(version: Version): Promise<void> {
    await this.db.send(new PutItemCommand({ TableName: this.table, Item: toAttributes({ ...CONFIG_STAMP_KEY, stamp: `${version}/${randomUUID()}` }) }));
  }

  /** A user's token items, tombstones included, in one strongly consistent Query. */
  async tokenItems(userId: string): Promise<Record<string, unknown>[]> {
    return this.queryAll({
      ConsistentRead: true,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': keys.user(userId).pk, ':prefix': TOKEN_SK_PREFIX },
    });
  }

  // ---- internals ----

  private async conditionalPut(item: Item, version: Version): Promise<ConditionalWrite> {
    try {
      const { Attributes: previous } = await this.db.send(
        new PutItemCommand({
          TableName: this.table,
          Item: itemAttributes(item),
          ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
          ExpressionAttributeNames: { '#v': VERSION_ATTRIBUTE },
          ExpressionAttributeValues: { ':v': { S: version } },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return { written: true, previous: previous && fromAttributes(previous) };
    } catch (error) {
      if ((error as { name?: string }).name === 'ConditionalCheckFailedException') {
        return { written: false };
      }
      throw error;
    }
  }

  /** Every item a Query finds, page after page (badge and token lists are small: one page as a rule). */
  private async queryAll(query: Query): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    const values = toAttributes(query.ExpressionAttributeValues);
    let startKey: Attributes | undefined;
    do {
      const page = await this.db.send(new QueryCommand({ ...query, ExpressionAttributeValues: values, TableName: this.table, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) found.push(fromAttributes(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return found;
  }

  /**
   * Adds the configuration stamp to the batch, and settings and permissions when the cached copy is
   * missing or older than the cache bound. A stamp that differs from the cached copy's means a
   * change since: they are read again, strongly consistent, after the stamp (so the copy is at
   * least as new as the stamp it is kept under).
   */
  private async batchGetWithConfig(wanted: Key[]): Promise<{ found: Map<string, Record<string, unknown>>; config: DeploymentConfig }> {
    const cached = this.cachedConfig;
    if (cached && this.now() - cached.loadedAt < this.cacheMs) {
      const found = await this.batchGet([...wanted, CONFIG_STAMP_KEY]);
      const stamp = found.get(keyString(CONFIG_STAMP_KEY))?.stamp;
      if (stamp === cached.stamp) {
        return { found, config: cached.config };
      }
      return { found, config: this.cacheConfig(await this.batchGet([...SETTING_KEYS, ...PERMISSION_KEYS], { consistentRead: true }), stamp) };
    }
    const found = await this.batchGet([...wanted, ...SETTING_KEYS, ...PERMISSION_KEYS, CONFIG_STAMP_KEY]);
    return { found, config: this.cacheConfig(found, found.get(keyString(CONFIG_STAMP_KEY))?.stamp) };
  }

  private cacheConfig(found: Map<string, Record<string, unknown>>, stamp: unknown): DeploymentConfig {
    const settingValues: Partial<Record<SettingId, unknown>> = {};
    SETTING_IDS.forEach((id, index) => {
      settingValues[id] = found.get(keyString(SETTING_KEYS[index]!))?.value;
    });
    const permissionRoles: Partial<Record<PermissionId, string[]>> = {};
    PERMISSION_IDS.forEach((id, index) => {
      const roles = found.get(keyString(PERMISSION_KEYS[index]!))?.roles;
      if (Array.isArray(roles)) {
        permissionRoles[id] = roles as string[];
      }
    });
    const config = { settings: resolveSettings(settingValues), permissions: resolvePermissions(permissionRoles) };
    this.cachedConfig = { config, loadedAt: this.now(), stamp };
    return config;
  }

  /**
   * One item. A key DynamoDB would refuse as too long (a hostile id) names no stored item: it is
   * not found, without a request, instead of a ValidationException and a 500. A tombstone (a
   * deleted item the sync remembers) is not found either, unless asked for.
   */
  private async getItem(key: Key, consistentRead = false, withTombstones = false): Promise<Record<string, unknown> | undefined> {
    if (!isStorableKey(key)) {
      return undefined;
    }
    const { Item: attributes } = await this.db.send(new GetItemCommand({ TableName: this.table, Key: toAttributes({ ...key }), ConsistentRead: consistentRead }));
    const item = attributes && fromAttributes(attributes);
    return withTombstones || !isTombstone(item) ? item : undefined;
  }

  /** Items by key (unstorable keys are not found); a single key is a GetItem, which answers faster than a batch of one. */
  private async batchGet(keysWanted: Key[], { consistentRead = false, withTombstones = false } = {}): Promise<Map<string, Record<string, unknown>>> {
    const found = new Map<string, Record<string, unknown>>();
    const wanted = keysWanted.filter(isStorableKey);
    if (wanted.length === 1) {
      const item = await this.getItem(wanted[0]!, consistentRead, withTombstones);
      if (item) found.set(keyString(wanted[0]!), item);
      return found;
    }
    for (let start = 0; start < wanted.length; start += BATCH_GET_LIMIT) {
      let pending: Attributes[] = wanted.slice(start, start + BATCH_GET_LIMIT).map((key) => toAttributes({ ...key }));
      for (let attempt = 0; pending.length > 0; attempt++) {
        if (attempt > MAX_BATCH_RETRIES) {
          throw new StoreIncomplete('BatchGetItem left keys unprocessed after retries');
        }
        await backoff(attempt);
        const result = await this.db.send(new BatchGetItemCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: consistentRead } } }));
        for (const attributes of result.Responses?.[this.table] ?? []) {
          const item = fromAttributes(attributes);
          if (withTombstones || !isTombstone(item)) found.set(keyString(item as unknown as Key), item);
        }
        pending = result.UnprocessedKeys?.[this.table]?.Keys ?? [];
      }
    }
    return found;
  }

  private async batchWrite(requests: WriteRequest[]): Promise<void> {
    let pending = requests;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > MAX_BATCH_RETRIES) {
        throw new StoreIncomplete('BatchWriteItem left items unprocessed after retries');
      }
      await backoff(attempt);
      const result = await this.db.send(new BatchWriteItemCommand({ RequestItems: { [this.table]: pending } }));
      pending = result.UnprocessedItems?.[this.table] ?? [];
    }
  }
}

/** Before a retry of unprocessed batch entries (lib/retry.ts); none on the first try. */
const BATCH_BACKOFF: Backoff = { baseMs: 50, capMs: 1000 };

function backoff(attempt: number): Promise<void> {
  return attempt === 0 ? Promise.resolve() : retryPause(attempt, BATCH_BACKOFF);
}

/** `Accounts_LoginExpiration` in days from a read that asked for it (a tombstoned setting: the default). */
function loginExpirationOf(found: Map<string, Record<string, unknown>>): number {
  const setting = found.get(keyString(LOGIN_EXPIRATION_KEY));
  return resolveSettings({ Accounts_LoginExpiration: isTombstone(setting) ? undefined : setting?.value }).loginExpirationDays;
}
