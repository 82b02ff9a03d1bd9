/**
 * The one apply path: a change event becomes the item writes the import makes, through the same
 * document→item mapping (lib/dynamodb/items.ts), each conditional on the event's version.
 */
import { UnmappableChange, UnsupportedChange } from '../core/errors';
import { EjsonError } from '../ejson';
import { ACCOUNT_FIELDS, documentPointerItem, InvalidDocument, itemsForDocument, subscriptionPointerItem, type Collection, type Document, type Item } from '../dynamodb/items';
import { documentPointerKey, isTombstone, keys, subscriptionPointerKey, VERSION_ATTRIBUTE, type Key } from '../dynamodb/keys';
import { InvalidClusterTime, toJsonDocument, versionOf, type ChangeEvent, type Version } from './change-event';
import { isRelevantChange, touchedReadFields } from './relevance';

export type ApplyKind =
  /** At least one item was written. */
  | 'applied'
  /** Nothing push.get reads changed (or a collection or document it does not use). */
  | 'irrelevant'
  /** Every item already carries this change or a newer one (a replay, an out-of-order event). */
  | 'stale';

export interface ApplyOutcome {
  kind: ApplyKind;
  /** DynamoDB write requests sent (conditional ones that failed included: they consume capacity). */
  writes: number;
  /** DynamoDB read requests sent (consistent reads that resolve a delete or guard a login). */
  reads: number;
}

/** The result of a conditional write: whether it happened, and the item it replaced. */
export interface ConditionalWrite {
  written: boolean;
  previous?: Record<string, unknown>;
}

/** What the apply path needs from the store (DynamoStore implements it). */
export interface SyncStore {
  /** PutItem if the stored item is absent or older than `version`; returns the replaced item. */
  putIfNewer(item: Item, version: Version): Promise<ConditionalWrite>;
  /** Replaces the item by a tombstone (version, TTL) if the stored one is absent or older. */
  tombstoneIfNewer(key: Key, version: Version, expiresAtSeconds: number): Promise<ConditionalWrite>;
  /** Strongly consistent read of one item, tombstones included. */
  rawItem(key: Key): Promise<Record<string, unknown> | undefined>;
  /** Strongly consistent: the user's token items (tombstones included), with their versions. */
  tokenItems(userId: string): Promise<Record<string, unknown>[]>;
  /** A new configuration stamp: the handlers re-read settings and permissions on their next request. */
  touchConfigStamp(version: Version): Promise<void>;
}

export interface ApplierOptions {
  /** How long a tombstone keeps a late event from resurrecting a deleted item (default 7 days). */
  tombstoneTtlSeconds?: number;
  now?: () => number;
}

const DEFAULT_TOMBSTONE_TTL_SECONDS = 7 * 24 * 60 * 60;
/** Collections whose items the handler caches: a change of one stamps the configuration. */
const CONFIG_COLLECTIONS = new Set<Collection>(['rocketchat_settings', 'rocketchat_permissions']);
const TOKENS_FIELD = 'services.resume.loginTokens';
/** A pushed array element, as a change event names it: `services.resume.loginTokens.<index>`. */
const PUSHED_TOKEN = /^services\.resume\.loginTokens\.\d+$/;

type Upsert = 'insert' | 'replace' | 'update';

/** Counts the requests of one apply, so every outcome says what it cost. */
class Counted {
  writes = 0;
  reads = 0;
  constructor(private readonly store: SyncStore) {}
  putIfNewer(item: Item, version: Version): Promise<ConditionalWrite> {
    this.writes++;
    return this.store.putIfNewer(item, version);
  }
  tombstoneIfNewer(key: Key, version: Version, expiresAtSeconds: number): Promise<ConditionalWrite> {
    this.writes++;
    return this.store.tombstoneIfNewer(key, version, expiresAtSeconds);
  }
  rawItem(key: Key): Promise<Record<string, unknown> | undefined> {
    this.reads++;
    return this.store.rawItem(key);
  }
  tokenItems(userId: string): Promise<Record<string, unknown>[]> {
    this.reads++;
    return this.store.tokenItems(userId);
  }
  touchConfigStamp(version: Version): Promise<void> {
    this.writes++;
    return this.store.touchConfigStamp(version);
  }
}

export class ChangeApplier {
  private readonly tombstoneTtlSeconds: number;
  private readonly now: () => number;

  constructor(
    private readonly store: SyncStore,
    options: ApplierOptions = {},
  ) {
    this.tombstoneTtlSeconds = options.tombstoneTtlSeconds ?? DEFAULT_TOMBSTONE_TTL_SECONDS;
    this.now = options.now ?? Date.now;
  }

  /**
   * Applies one change event. Events of one document must be applied one at a time (the relay
   * serializes per document key); events of different documents may run concurrently. In any
   * order and any number of times, the events of a document leave the table as in-order
   * application does. Throws UnmappableChange (dead letter) or UnsupportedChange (stop).
   */
  async apply(event: ChangeEvent): Promise<ApplyOutcome> {
    if (!isRelevantChange(event)) {
      return { kind: 'irrelevant', writes: 0, reads: 0 };
    }
    const collection = event.ns?.coll as Collection;
    if (!['insert', 'update', 'replace', 'delete'].includes(event.operationType)) {
      throw new UnsupportedChange(
        `${event.operationType} of ${event.ns?.db ?? '?'}.${event.ns?.coll ?? '*'}: the table can no longer follow change by change; re-import (or let the relay snapshot again) and restart`,
      );
    }
    const id = documentId(event, collection);
    let version: Version;
    try {
      version = versionOf(event.clusterTime);
    } catch (error) {
      throw error instanceof InvalidClusterTime ? new UnmappableChange(collection, id, error.message) : error;
    }
    const store = new Counted(this.store);
    const kind = event.operationType === 'delete' ? await this.delete(store, collection, id, version) : await this.upsert(store, collection, id, event, version);
    // After the item, so a handler that sees the new stamp reads the new value. A stale outcome
    // stamps too: a retry after a failure between the two writes finds the item already written.
    if (CONFIG_COLLECTIONS.has(collection) && kind !== 'irrelevant') {
      await store.touchConfigStamp(version);
    }
    return { kind, writes: store.writes, reads: store.reads };
  }

  /**
   * Tombstones one item left behind by a document that is gone, whose own delete cannot reach it
   * (a snapshot's reconciliation), if the item is older than `version`: as a delete would.
   */
  async tombstone(key: Key, version: Version): Promise<ApplyOutcome> {
    const { written } = await this.store.tombstoneIfNewer(key, version, this.tombstoneExpiry());
    return { kind: kindOf(written), writes: 1, reads: 0 };
  }

  // ---- upserts ----

  private async upsert(store: Counted, collection: Collection, id: string, event: ChangeEvent, version: Version): Promise<ApplyKind> {
    const operation = event.operationType as Upsert;
    if (event.fullDocument === null && operation === 'update') {
      // Deleted since the update: its delete event (newer) decides.
      return 'stale';
    }
    if (event.fullDocument === undefined || event.fullDocument === null || typeof event.fullDocument !== 'object') {
      throw new UnmappableChange(collection, id, `${operation} without fullDocument (open the change stream with fullDocument: 'updateLookup')`);
    }
    const doc = await this.documentOf(collection, id, event.fullDocument);
    const { items } = this.map(collection, id, doc);
    if (items.length === 0) {
      return 'irrelevant';
    }
    switch (collection) {
      case 'users':
        return this.upsertUser(store, id, items, event, version);
      case 'rocketchat_room':
        return this.upsertRoom(store, items, operation, version);
      case 'rocketchat_subscription':
        return this.upsertPointed(store, subscriptionPointerItem(id, doc), items[0]!, operation, version);
      case 'rocketchat_team_member':
      case 'rocketchat_livechat_department_agents':
        return this.upsertPointed(store, documentPointerItem(collection, id, items[0]!), items[0]!, operation, version);
      default:
        return kindOf((await store.putIfNewer(items[0]!, version)).written);
    }
  }

  /**
   * A login (a token pushed onto the list) writes that token's item only, unless a newer change
   * of the user was applied already (the user item's version says so: that change wrote the whole
   * token list as it then was). Anything else rewrites the user item and reconciles the tokens
   * with the stored ones: new or changed ones written (an insert or replace writes them all, so
   * every item of the document carries its version: a snapshot's reconciliation relies on it),
   * vanished ones tombstoned. The user item is written first, so an older change stops there and
   * touches no token.
   */
  private async upsertUser(store: Counted, id: string, items: Item[], event: ChangeEvent, version: Version): Promise<ApplyKind> {
    const [user, ...tokens] = items as [Item, ...Item[]];
    const touched = event.operationType === 'update' ? touchedReadFields('users', event) : undefined;
    if (touched && isLoginOnly(event, touched)) {
      const pushed = new Set(pushedTokenHashes(event));
      const current = await store.rawItem(keys.user(id));
      if (current && !olderThan(current, version)) {
        return 'stale';
      }
      let written = false;
      for (const token of tokens.filter((item) => pushed.has(String(item.hashedToken)))) {
        written = (await store.putIfNewer(token, version)).written || written;
      }
      return kindOf(written);
    }
    if (!(await store.putIfNewer(user, version)).written) {
      return 'stale';
    }
    if (touched && !touched.some((field) => field === TOKENS_FIELD || (ACCOUNT_FIELDS as readonly string[]).includes(field))) {
      return 'applied';
    }
    const stored = new Map((await store.tokenItems(id)).map((item) => [item.sk, item]));
    for (const token of tokens) {
      const previous = stored.get(token.sk);
      stored.delete(token.sk);
      if (!touched || !previous || isTombstone(previous) || !sameContent(previous, token)) {
        await store.putIfNewer(token, version);
      }
    }
    for (const [sk, gone] of stored) {
      if (!isTombstone(gone)) {
        await store.tombstoneIfNewer({ pk: keys.user(id).pk, sk: String(sk) }, version, this.tombstoneExpiry());
      }
    }
    return 'applied';
  }

  /**
   * The room item, then the team item when the room is a team's main room (an update skips it when
   * unchanged; an insert or replace writes it, so it carries the version); a team it left is tombstoned.
   */
  private async upsertRoom(store: Counted, items: Item[], operation: Upsert, version: Version): Promise<ApplyKind> {
    const [room, team] = items as [Item, Item | undefined];
    const { written, previous } = await store.putIfNewer(room, version);
    if (!written) {
      return 'stale';
    }
    const previousTeam = previous && !isTombstone(previous) && previous.teamMain === true && typeof previous.teamId === 'string' ? previous.teamId : undefined;
    const teamUnchanged = operation === 'update' && team !== undefined && previousTeam === room.teamId && previous?.t === room.t;
    if (team && !teamUnchanged) {
      await store.putIfNewer(team, version);
    }
    if (previousTeam !== undefined && previousTeam !== room.teamId) {
      await store.tombstoneIfNewer(keys.team(previousTeam), version, this.tombstoneExpiry());
    }
    return 'applied';
  }

  /**
   * An item keyed by other fields than `_id` (a subscription, a team member, a department agent).
   * One write in the common case (an unread count). The `_id` pointer is written with the first
   * item of the document; if the pointer turns out to be a newer tombstone (the delete was
   * applied first), the item just written is tombstoned at the delete's version.
   */
  private async upsertPointed(store: Counted, pointerItem: Item, item: Item, operation: Upsert, version: Version): Promise<ApplyKind> {
    const { written, previous } = await store.putIfNewer(item, version);
    if (!written) {
      return 'stale';
    }
    if (operation === 'update' && previous && !isTombstone(previous)) {
      return 'applied';
    }
    if ((await store.putIfNewer(pointerItem, version)).written) {
      return 'applied';
    }
    const pointer = await store.rawItem({ pk: pointerItem.pk, sk: pointerItem.sk });
    if (pointer && isTombstone(pointer) && !olderThan(pointer, version)) {
      await store.tombstoneIfNewer(item, String(pointer[VERSION_ATTRIBUTE]), this.tombstoneExpiry());
      return 'stale';
    }
    return 'applied';
  }

  // ---- deletes ----

  private async delete(store: Counted, collection: Collection, id: string, version: Version): Promise<ApplyKind> {
    const expiry = this.tombstoneExpiry();
    switch (collection) {
      case 'users': {
        if (!(await store.tombstoneIfNewer(keys.user(id), version, expiry)).written) {
          return 'stale';
        }
        for (const token of await store.tokenItems(id)) {
          if (!isTombstone(token)) {
            await store.tombstoneIfNewer({ pk: keys.user(id).pk, sk: String(token.sk) }, version, expiry);
          }
        }
        return 'applied';
      }
      case 'rocketchat_room': {
        const { written, previous } = await store.tombstoneIfNewer(keys.room(id), version, expiry);
        if (written && previous && !isTombstone(previous) && previous.teamMain === true && typeof previous.teamId === 'string') {
          await store.tombstoneIfNewer(keys.team(previous.teamId), version, expiry);
        }
        return kindOf(written);
      }
      case 'rocketchat_subscription':
        return this.deletePointed(
          store,
          subscriptionPointerKey(id),
          (pointer) => (typeof pointer.userId === 'string' && typeof pointer.rid === 'string' ? keys.subscription(pointer.userId, pointer.rid) : undefined),
          version,
        );
      case 'rocketchat_message':
        return kindOf((await store.tombstoneIfNewer(keys.message(id), version, expiry)).written);
      case 'rocketchat_settings':
        return kindOf((await store.tombstoneIfNewer(keys.setting(id), version, expiry)).written);
      case 'rocketchat_permissions':
        return kindOf((await store.tombstoneIfNewer(keys.permission(id), version, expiry)).written);
      case 'rocketchat_team':
        return kindOf((await store.tombstoneIfNewer(keys.teamDocument(id), version, expiry)).written);
      case 'rocketchat_team_member':
      case 'rocketchat_livechat_department_agents':
        return this.deletePointed(
          store,
          documentPointerKey(collection, id),
          (pointer) => (typeof pointer.targetPk === 'string' && typeof pointer.targetSk === 'string' ? { pk: pointer.targetPk, sk: pointer.targetSk } : undefined),
          version,
        );
    }
  }

  /**
   * A delete that carries only `_id`: one strongly consistent read of the pointer finds the item.
   * The item is tombstoned first; the pointer follows only if that happened, because a refusal
   * means the document was created again after this delete (same `_id`) and the pointer must keep
   * serving it. With no live pointer (the delete arrived before its insert), the pointer's
   * tombstone records the delete, and a late insert tombstones itself (upsertPointed).
   */
  private async deletePointed(store: Counted, pointerKey: Key, targetOf: (pointer: Record<string, unknown>) => Key | undefined, version: Version): Promise<ApplyKind> {
    const expiry = this.tombstoneExpiry();
    const pointer = await store.rawItem(pointerKey);
    const target = pointer && !isTombstone(pointer) ? targetOf(pointer) : undefined;
    if (target && !(await store.tombstoneIfNewer(target, version, expiry)).written) {
      return 'stale';
    }
    return kindOf((await store.tombstoneIfNewer(pointerKey, version, expiry)).written || target !== undefined);
  }

  // ---- mapping ----

  private async documentOf(collection: Collection, id: string, fullDocument: Record<string, unknown>): Promise<Document> {
    try {
      return toJsonDocument(fullDocument) as Document;
    } catch (error) {
      throw error instanceof EjsonError ? new UnmappableChange(collection, id, error.message) : error;
    }
  }

  private map(collection: Collection, id: string, doc: Document): { items: Item[] } {
    try {
      return itemsForDocument(collection, doc);
    } catch (error) {
      throw error instanceof InvalidDocument ? new UnmappableChange(collection, id, error.message) : error;
    }
  }

  private tombstoneExpiry(): number {
    return Math.ceil(this.now() / 1000) + this.tombstoneTtlSeconds;
  }
}

function documentId(event: ChangeEvent, collection: Collection): string {
  let id: unknown;
  try {
    id = event.documentKey ? toJsonDocument(event.documentKey._id) : undefined;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || id === '') {
    throw new UnmappableChange(collection, undefined, 'documentKey._id is not a string or ObjectId');
  }
  return id;
}

/** Only tokens were pushed onto the list: updatedFields names array elements, nothing else changed. */
function isLoginOnly(event: ChangeEvent, touched: string[]): boolean {
  if (touched.length !== 1 || touched[0] !== TOKENS_FIELD) {
    return false;
  }
  const { updatedFields = {}, removedFields = [], truncatedArrays = [] } = event.updateDescription ?? {};
  const tokenPaths = Object.keys(updatedFields).filter((path) => path === TOKENS_FIELD || path.startsWith(`${TOKENS_FIELD}.`) || TOKENS_FIELD.startsWith(`${path}.`));
  const removedOrTruncated = [...removedFields, ...truncatedArrays.map((array) => array.field)].some(
    (path) => path === TOKENS_FIELD || path.startsWith(`${TOKENS_FIELD}.`) || TOKENS_FIELD.startsWith(`${path}.`),
  );
  return !removedOrTruncated && tokenPaths.length > 0 && tokenPaths.every((path) => PUSHED_TOKEN.test(path));
}

function pushedTokenHashes(event: ChangeEvent): string[] {
  return Object.entries(event.updateDescription?.updatedFields ?? {})
    .filter(([path]) => PUSHED_TOKEN.test(path))
    .map(([, token]) => (token as { hashedToken?: unknown } | null)?.hashedToken)
    .filter((hash): hash is string => typeof hash === 'string');
}

/** Stored before this version (an item written before versions existed counts as oldest). */
function olderThan(item: Record<string, unknown>, version: Version): boolean {
  const stored = item[VERSION_ATTRIBUTE];
  return typeof stored !== 'string' || stored < version;
}

/** Same attributes apart from the version: rewriting it would change nothing push.get reads. */
function sameContent(stored: Record<string, unknown>, item: Item): boolean {
  const { [VERSION_ATTRIBUTE]: _version, ...rest } = stored;
  const wanted = Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
  return JSON.stringify(sortKeys(rest)) === JSON.stringify(sortKeys(wanted));
}

function sortKeys(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function kindOf(written: boolean): ApplyKind {
  return written ? 'applied' : 'stale';
}
