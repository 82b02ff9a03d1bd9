/**
 * doctor's reads on the table: its description (keys and indexes), the stored settings (one BatchGetItem), one paginated Scan of the
 * keys for the counts, and the relay's state and dead letters through RelayStore.
 */
import type { KeySchemaElement, Projection } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { entityOfKey, keys, TOMBSTONE_ATTRIBUTE } from '../dynamodb/keys';
import { RelayStore, type DeadLetter, type RelayState } from '../dynamodb/relay-store';
import { STORED_SETTING_IDS } from '../core/settings';
import { describeTable } from '../dynamodb/table';
import type { IndexProjection } from '../dynamodb/table-schema';
import { type DoctorStore, type ItemCounts, type StoredSettings, type TableShape } from './checks';

export class DynamoDoctorStore implements DoctorStore {
  private readonly relay: RelayStore;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {
    this.relay = new RelayStore(db, tableName);
  }

  async settings(): Promise<StoredSettings> {
    const found: StoredSettings = {};
    const idOf = new Map(STORED_SETTING_IDS.map((id) => [keys.setting(id).pk, id]));
    let wanted: Record<string, unknown>[] = STORED_SETTING_IDS.map((id) => ({ ...keys.setting(id) }));
    while (wanted.length > 0) {
      const { Responses, UnprocessedKeys } = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: wanted, ConsistentRead: true } } }));
      for (const item of Responses?.[this.tableName] ?? []) {
        const id = idOf.get(String(item.pk));
        if (id === undefined || item[TOMBSTONE_ATTRIBUTE] !== undefined) continue;
        found[id] = item.value;
      }
      wanted = UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    }
    return found;
  }

  async countItems(onProgress?: (scanned: number) => void): Promise<ItemCounts> {
    const counts: ItemCounts = {};
    let scanned = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new ScanCommand({
          TableName: this.tableName,
          ProjectionExpression: 'pk, sk, #deleted',
          ExpressionAttributeNames: { '#deleted': TOMBSTONE_ATTRIBUTE },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const entity = item[TOMBSTONE_ATTRIBUTE] !== undefined ? 'tombstones' : entityOfKey(String(item.pk), String(item.sk));
        counts[entity] = (counts[entity] ?? 0) + 1;
      }
      scanned += page.Items?.length ?? 0;
      startKey = page.LastEvaluatedKey;
      onProgress?.(scanned);
    } while (startKey);
    return counts;
  }

  async shape(): Promise<TableShape> {
    const table = await describeTable(this.db, this.tableName);
    const keyOf = (schema: KeySchemaElement[] | undefined, type: 'HASH' | 'RANGE') => schema?.find((key) => key.KeyType === type)?.AttributeName;
    return {
      partitionKey: keyOf(table?.KeySchema, 'HASH'),
      sortKey: keyOf(table?.KeySchema, 'RANGE'),
      indexes: (table?.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName ?? '',
        partitionKey: keyOf(index.KeySchema, 'HASH'),
        sortKey: keyOf(index.KeySchema, 'RANGE'),
        projection: projectionOf(index.Projection),
        status: index.IndexStatus,
      })),
    };
  }

  relayState(): Promise<RelayState> {
    return this.relay.state();
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.relay.deadLetters();
  }
}

function projectionOf(projection: Projection | undefined): IndexProjection {
  if (projection?.ProjectionType === 'INCLUDE') return { type: 'INCLUDE', nonKeyAttributes: projection.NonKeyAttributes ?? [] };
  return { type: projection?.ProjectionType === 'ALL' ? 'ALL' : 'KEYS_ONLY' };
}
