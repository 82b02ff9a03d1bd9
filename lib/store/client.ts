import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface ClientOptions {
  region: string;
  endpoint?: string;
}

/**
 * One document client per process. Timeouts stay far below the API Gateway limit so that a slow
 * store turns into a clean 500 the phone can retry, not a hung notification extension.
 */
export function createDocumentClient({ region, endpoint }: ClientOptions): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    region,
    endpoint,
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
    // A local engine accepts any credentials; real AWS uses the default provider chain.
    ...(endpoint ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
