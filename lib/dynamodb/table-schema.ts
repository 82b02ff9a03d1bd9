/**
 * The table's shape, declared once: key attributes, global secondary indexes with their
 * projections, and the TTL attribute. The CDK table (infra/constructs/push-table.ts) and the local
 * table creation (./table.ts) are both built from it; test/contract/table-schema.test.ts compares
 * the synthesized table with the one DynamoDB Local creates.
 */
import { BADGE_INDEX, BADGE_INDEX_KEY, PK, SK, TTL_ATTRIBUTE } from './keys';

export type IndexProjection = { type: 'KEYS_ONLY' } | { type: 'INCLUDE'; nonKeyAttributes: readonly string[] } | { type: 'ALL' };

export interface IndexSchema {
  readonly name: string;
  /** A string partition key; no index has a sort key. */
  readonly partitionKey: string;
  readonly projection: IndexProjection;
}

export interface TableSchema {
  /** String partition and sort keys. */
  readonly partitionKey: string;
  readonly sortKey: string;
  readonly indexes: readonly IndexSchema[];
  readonly ttlAttribute: string;
}

export const TABLE_SCHEMA: TableSchema = {
  partitionKey: PK,
  sortKey: SK,
  indexes: [
    // Sparse: only unread, non-archived subscriptions carry the key. The badge is a sum of
    // `unread`; projecting only that keeps the index items tiny.
    { name: BADGE_INDEX, partitionKey: BADGE_INDEX_KEY, projection: { type: 'INCLUDE', nonKeyAttributes: ['unread'] } },
  ],
  // Tombstones (deleted documents the sync remembers) and dead letters expire by TTL; login tokens carry none.
  ttlAttribute: TTL_ATTRIBUTE,
};
