/**
 * An in-memory SyncStore for pure unit and property tests of the apply path: the same
 * conditional-write rule as DynamoStore (`attribute_not_exists(version) OR version < :v`,
 * the replaced item returned), without DynamoDB. Integration tests use the real engine.
 */
import type { ConditionalWrite, SyncStore } from '../../lib/sync/apply';
import type { Version } from '../../lib/sync/change-event';
import type { Item } from '../../lib/dynamodb/items';
import { isTombstone, keyString, TOKEN_SK_PREFIX, TOMBSTONE_ATTRIBUTE, TTL_ATTRIBUTE, VERSION_ATTRIBUTE, type Key } from '../../lib/dynamodb/keys';

export class MemorySyncStore implements SyncStore {
  readonly items = new Map<string, Record<string, unknown>>();

  async putIfNewer(item: Item, version: Version): Promise<ConditionalWrite> {
    return this.put({ ...withoutUndefined(item), [VERSION_ATTRIBUTE]: version });
  }

  async tombstoneIfNewer(key: Key, version: Version, expiresAtSeconds: number): Promise<ConditionalWrite> {
    return this.put({ pk: key.pk, sk: key.sk, [VERSION_ATTRIBUTE]: version, [TOMBSTONE_ATTRIBUTE]: true, [TTL_ATTRIBUTE]: expiresAtSeconds });
  }

  async rawItem(key: Key): Promise<Record<string, unknown> | undefined> {
    const item = this.items.get(keyString(key));
    return item && structuredClone(item);
  }

  async tokenItems(userId: string): Promise<Record<string, unknown>[]> {
    return [...this.items.values()].filter((item) => item.pk === `USER#${userId}` && String(item.sk).startsWith(TOKEN_SK_PREFIX)).map((item) => structuredClone(item));
  }

  /** Configuration stamps written; kept apart from the items, whose dump the convergence tests compare. */
  configStamps = 0;

  async touchConfigStamp(): Promise<void> {
    this.configStamps++;
  }

  /** Puts an item unconditionally, as the import does. */
  seed(item: Record<string, unknown>): void {
    this.items.set(keyString(item as unknown as Key), withoutUndefined(item));
  }

  /** The table without the TTL values of tombstones (they depend on the clock), sorted by key. */
  snapshot(): Record<string, unknown>[] {
    return [...this.items.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, item]) => (isTombstone(item) ? { ...item, [TTL_ATTRIBUTE]: undefined } : item));
  }

  private put(item: Record<string, unknown>): ConditionalWrite {
    const key = keyString(item as unknown as Key);
    const previous = this.items.get(key);
    const stored = previous?.[VERSION_ATTRIBUTE];
    if (typeof stored === 'string' && !(stored < String(item[VERSION_ATTRIBUTE]))) {
      return { written: false };
    }
    this.items.set(key, item);
    return { written: true, previous };
  }
}

function withoutUndefined(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined));
}
