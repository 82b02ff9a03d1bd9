/**
 * The DynamoDB actions each function's store calls need, on the table itself and on its indexes.
 * The CDK stack grants exactly these (grantStoreAccess in infra/constructs/push-table.ts); test/contract/iam.test.ts sends
 * the integration scenarios through the real functions and checks every request against the
 * synthesized policies, so a store call without its action here fails there.
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

export const ACCESS_NEEDS: Record<PushFunctionName, AccessNeeds> = {
  // DynamoStore.loginFacts: one BatchGetItem of the token item and the login expiration setting.
  authorizer: { table: ['BatchGetItem'], indexes: {} },
  // message (GetItem), messageContext (BatchGetItem), access facts (GetItem/BatchGetItem), and the
  // badge: a Query on the sparse badge index, nothing else reads an index.
  handler: { table: ['BatchGetItem', 'GetItem', 'Query'], indexes: { [BADGE_INDEX]: ['Query'] } },
};

/** `dynamodb:GetItem` for the SDK's `GetItemCommand` (the document client's `GetCommand` sends that too). */
export function iamActionOf(commandName: string): string {
  return `dynamodb:${commandName.replace(/Command$/, '')}`;
}
