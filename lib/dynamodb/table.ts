import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput, type TableDescription } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { TABLE_SCHEMA, type IndexProjection, type TableSchema } from './table-schema';

/**
 * Creates the table as the CDK stack defines it (both from TABLE_SCHEMA), for local engines and
 * tests. In AWS the stack owns the table; this is never called there.
 */
export async function ensureTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  if (await describeTable(client, tableName)) {
    return;
  }
  try {
    await client.send(new CreateTableCommand(createTableInput(tableName, TABLE_SCHEMA)));
  } catch (error) {
    // A create the SDK retried after a timeout (a busy local engine) finds its own table.
    if (!isNamed(error, 'ResourceInUseException')) {
      throw error;
    }
  }
  // Not every local engine implements TTL; every read treats a tombstone as missing anyway.
  await client.send(new UpdateTimeToLiveCommand({ TableName: tableName, TimeToLiveSpecification: { AttributeName: TABLE_SCHEMA.ttlAttribute, Enabled: true } })).catch(() => undefined);
}

/** The table's description, or undefined when it does not exist; any other failure is thrown. */
export async function describeTable(client: DynamoDBDocumentClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table ?? {};
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) {
      return undefined;
    }
    throw error;
  }
}

export function createTableInput(tableName: string, schema: TableSchema): CreateTableCommandInput {
  const attributes = [schema.partitionKey, schema.sortKey, ...schema.indexes.map((index) => index.partitionKey)];
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...new Set(attributes)].map((name) => ({ AttributeName: name, AttributeType: 'S' })),
    KeySchema: [
      { AttributeName: schema.partitionKey, KeyType: 'HASH' },
      { AttributeName: schema.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: schema.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [{ AttributeName: index.partitionKey, KeyType: 'HASH' }],
      Projection: projectionOf(index.projection),
    })),
  };
}

function projectionOf(projection: IndexProjection): { ProjectionType: IndexProjection['type']; NonKeyAttributes?: string[] } {
  return projection.type === 'INCLUDE' ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.nonKeyAttributes] } : { ProjectionType: projection.type };
}

function isNamed(error: unknown, name: string): boolean {
  return (error as { name?: string } | null)?.name === name;
}
