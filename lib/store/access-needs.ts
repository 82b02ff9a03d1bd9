/**
 * The DynamoDB actions each component's store calls need, on the table itself and on its indexes.
 * The CDK stack grants exactly these (grantStoreAccess in infra/constructs/push-table.ts) to the
 * functions' roles and to the relay's task role. test/contract/iam.test.ts sends the integration
 * scenarios through the real functions, and test/integration/relay.test.ts runs the real relay,
 * checking every request against these, so a store call without its action here fails there.
 */
import { BADGE_INDEX } from './keys';

export type DynamoAction = 'GetItem' | 'BatchGetItem' | 'Query' | 'PutItem' | 'DeleteItem' | 'BatchWriteItem' | 'UpdateItem' | 'Scan';

export interface AccessNeeds {
  /** Actions on the table's own items. */
  readonly table: readonly DynamoAction[];
  /** Actions on a global secondary index, by index name. */
  readonly indexes: Readonly<Record<string, readonly DynamoAction[]>>;
}

export type PushFunctionName = 'authorizer' | 'handler';

export const ACCESS_NEEDS: Record<PushFunctionName | 'relay', AccessNeeds> = {
  // DynamoStore.loginFacts: one BatchGetItem of the token item and the login expiration setting.
  authorizer: { table: ['BatchGetItem'], indexes: {} },
  // message (GetItem), messageContext (BatchGetItem), access facts (GetItem/BatchGetItem), and the
  // badge: a Query on the sparse badge index. No Query on the table: that would let the handler
  // list any partition, a user's token items included.
  handler: { table: ['BatchGetItem', 'GetItem'], indexes: { [BADGE_INDEX]: ['Query'] } },
  // The live-sync relay (infra/constructs/sync-relay.ts): PutItem (versioned item writes and
  // tombstones of the apply path, dead letters), UpdateItem (lease and checkpoint), GetItem and
  // BatchGetItem (consistent reads that resolve deletes and logins, its own state, settings), Query
  // (a user's tokens), Scan (after a snapshot: every item's key and version, to remove what MongoDB
  // no longer has). No index, no BatchWriteItem, no DeleteItem: deletes are tombstones.
  relay: { table: ['BatchGetItem', 'GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem'], indexes: {} },
};

/** `dynamodb:GetItem` for the SDK's `GetItemCommand` (the document client's `GetCommand` sends that too). */
export function iamActionOf(commandName: string): string {
  return `dynamodb:${commandName.replace(/Command$/, '')}`;
}
