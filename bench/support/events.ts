/** Lambda events and context as API Gateway (REST, v1 payload) and the Lambda runtime hand them over. */
import type { APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent, Context } from 'aws-lambda';
import { authorizerEvent, proxyEvent } from '../../testkit/requests';
import type { Credentials } from '../dataset';

/** Headers a phone's request carries through API Gateway (besides the identity headers). */
function phoneHeaders({ userId, token }: Credentials): Record<string, string> {
  return {
    Host: 'abc123.execute-api.eu-west-1.amazonaws.com',
    'User-Agent': 'RC Mobile; ios 17.4; v4.48.0 (100)',
    Accept: 'application/json',
    'X-Forwarded-For': '203.0.113.7',
    'X-Forwarded-Proto': 'https',
    'X-User-Id': userId,
    'X-Auth-Token': token,
  };
}

export function benchAuthorizerEvent(credentials: Credentials, messageId: string): APIGatewayRequestAuthorizerEvent {
  return authorizerEvent({ headers: phoneHeaders(credentials), query: { id: [messageId] } });
}

export function benchProxyEvent(credentials: Credentials, messageId: string, authorizerContext: Record<string, string>): APIGatewayProxyEvent {
  return proxyEvent({ headers: phoneHeaders(credentials), query: { id: [messageId] } }, authorizerContext);
}

export function lambdaContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2024/01/01/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => 5000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
