/** Test access to the run's embedded DynamoDB: a fresh table per file, and a request counter. */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { importExport } from '../../lib/import/import-export';
import { createDocumentClient } from '../../lib/dynamodb/document-client';
import { DynamoStore } from '../../lib/dynamodb/dynamo-store';
import { createTableInput, ensureTable } from '../../lib/dynamodb/table';
import { TABLE_SCHEMA } from '../../lib/dynamodb/table-schema';

export const DEMO_FIXTURES = fileURLToPath(new URL('../../fixtures/demo', import.meta.url));

export function endpoint(): string {
  return inject('dynamoEndpoint');
}

export function testClient(): DynamoDBDocumentClient {
  return createDocumentClient({ region: 'local', endpoint: endpoint() });
}

/** A table created by hand with the stack's keys but without its global secondary index (the badge index). */
export async function tableWithoutIndexes(client: DynamoDBDocumentClient, prefix = 'test'): Promise<string> {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  const input = createTableInput(tableName, TABLE_SCHEMA);
  const keyNames = new Set([TABLE_SCHEMA.partitionKey, TABLE_SCHEMA.sortKey]);
  const attributes = input.AttributeDefinitions?.filter((attribute) => keyNames.has(attribute.AttributeName!));
  await client.send(new CreateTableCommand({ ...input, AttributeDefinitions: attributes, GlobalSecondaryIndexes: undefined }));
  return tableName;
}

export async function freshTable(client: DynamoDBDocumentClient, prefix = 'test'): Promise<string> {
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return tableName;
}

/** A table with the demo export imported, and a store over it. */
export async function demoTable(client = testClient(), prefix = 'demo'): Promise<{ tableName: string; store: DynamoStore; client: DynamoDBDocumentClient }> {
  const tableName = await freshTable(client, prefix);
  const store = new DynamoStore(client, { tableName });
  await importExport(store, DEMO_FIXTURES);
  return { tableName, store, client };
}

/** The request counter the bench uses too (SDK middleware: every attempt, by command, and sequential steps). */
export { countOne, countRequests, type RequestCounter } from '../../lib/dynamodb/request-count';
