/**
 * The least a push.get Lambda could be: the raw SDK calls the handler needs (bench/floor.ts) and
 * nothing else. Bundled like the real functions; the baseline of the cold-start benchmark.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { COLD_CONFIG_KEYS, WARM_CONFIG_KEYS } from '../../lib/store/config-keys';
import { rawClient, rawHandlerFloor } from '../floor';

const table = process.env.TABLE_NAME ?? '';
const client = rawClient(process.env.AWS_REGION ?? 'us-east-1', process.env.DYNAMODB_ENDPOINT || undefined);
/** Any implementation reads the settings and permissions it depends on; the first call does, as the real handler's does, and every later one checks the configuration stamp. */
let configRead = false;

export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  const receiverId = String(event.requestContext?.authorizer?.userId ?? '');
  const configKeys = configRead ? WARM_CONFIG_KEYS : COLD_CONFIG_KEYS;
  configRead = true;
  const { found, badge } = await rawHandlerFloor(client, table, receiverId, event.queryStringParameters?.id ?? '', configKeys);
  return { statusCode: found > 0 ? 200 : 400, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ found, badge }) };
}
