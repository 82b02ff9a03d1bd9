/**
 * The one apply path: a change event becomes the item writes the import makes, through the same
 * document→item mapping (lib/store/items.ts), each conditional on the event's version.
 */
import type { Key } from '../store/keys';
import type { Item } from '../store/items';
import type { ChangeEvent, Version } from './change-event';

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
  /** Days a login token lives (the Accounts_LoginExpiration setting in the table). */
  loginExpirationDays(): Promise<number>;
}

export interface ApplierOptions {
  /** How long a tombstone keeps a late event from resurrecting a deleted item (default 7 days). */
  tombstoneTtlSeconds?: number;
  now?: () => number;
}

export class ChangeApplier {
  constructor(
    private readonly store: SyncStore,
    private readonly options: ApplierOptions = {},
  ) {}

  /**
   * Applies one change event. Events of one document must be applied one at a time (the relay
   * serializes per document key); events of different documents may run concurrently.
   * Throws UnmappableChange (dead letter) or UnsupportedChange (stop).
   */
  async apply(event: ChangeEvent): Promise<ApplyOutcome> {
    void this.store;
    void this.options;
    void event;
    throw new Error('not implemented yet');
  }
}
