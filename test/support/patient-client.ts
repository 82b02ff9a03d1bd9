import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { endpoint } from './dynamo';

/**
 * A document client for the run's engine with generous timeouts: on a loaded test machine the
 * engine's first CreateTable can take seconds, and the production client's 1 s timeout would
 * retry it into "Cannot create preexisting table".
 */
export function patientClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'local',
      endpoint: endpoint(),
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      requestHandler: { requestTimeout: 10_000 },
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
}
