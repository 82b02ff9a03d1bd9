/**
 * The service's client wrapped as a document client, for the tools that read and write plain
 * items (the import, the relay's own store, the tests). A module of its own so that the functions,
 * which use the low-level client (lib/dynamodb/client.ts), do not bundle lib-dynamodb.
 */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createClient, type ClientOptions } from './client';

export function createDocumentClient(options: ClientOptions): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createClient(options), {
    marshallOptions: { removeUndefinedValues: true },
  });
}
