import { CreateTableCommand, DescribeTableCommand, ResourceNotFoundException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BADGE_INDEX, BADGE_INDEX_KEY, PK, SK, SUB_ID_INDEX, SUB_ID_INDEX_KEY, TTL_ATTRIBUTE } from './keys';

/**
 * Creates the table as the CDK stack defines it, for local engines and tests. In AWS the stack
 * owns the table; this is never called there.
 */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException) && (error as { name?: string }).name !== 'ResourceNotFoundException') {
      throw error;
    }
  }
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: PK, AttributeType: 'S' },
          { AttributeName: SK, AttributeType: 'S' },
          { AttributeName: BADGE_INDEX_KEY, AttributeType: 'S' },
          { AttributeName: SUB_ID_INDEX_KEY, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: PK, KeyType: 'HASH' },
          { AttributeName: SK, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: BADGE_INDEX,
            KeySchema: [{ AttributeName: BADGE_INDEX_KEY, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['unread'] },
          },
          {
            IndexName: SUB_ID_INDEX,
            KeySchema: [{ AttributeName: SUB_ID_INDEX_KEY, KeyType: 'HASH' }],
            Projection: { ProjectionType: 'KEYS_ONLY' },
          },
        ],
      }),
    );
  } catch (error) {
    // A CreateTable the SDK retried after a slow first attempt finds the table that attempt made.
    if ((error as { name?: string }).name !== 'ResourceInUseException') {
      throw error;
    }
  }
  // Not every local engine implements TTL; the authorizer checks expiry itself anyway.
  await client
    .send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }))
    .catch(() => undefined);
}
