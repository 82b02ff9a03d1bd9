/**
 * The least an authorizer could be: hash the token, read its item together with the login
 * expiration it has to know (live, as the real one reads it), allow or refuse.
 */
import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { hashLoginToken } from '../../lib/core/auth';
import { rawAuthorizerRequest, rawClient } from '../floor';

const table = process.env.TABLE_NAME ?? '';
const client = rawClient(process.env.AWS_REGION ?? 'us-east-1', process.env.DYNAMODB_ENDPOINT || undefined);

export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const headers = Object.fromEntries(Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  const userId = headers['x-user-id'] ?? '';
  const found = await rawAuthorizerRequest(client, table, userId, hashLoginToken(headers['x-auth-token'] ?? ''));
  if (!found) throw new Error('Unauthorized');
  return {
    principalId: userId,
    policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: event.methodArn }] },
  };
}
