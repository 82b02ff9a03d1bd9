/**
 * Invokes the real authorizer and handler modules the way API Gateway does, without HTTP: the
 * authorizer first, its context handed to the handler as strings.
 */
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { deliveredContext } from '../../functions/commons/authorizer-context';

export type AuthorizerFn = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
export type HandlerFn = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface Call {
  headers?: Record<string, string>;
  query?: Record<string, string[]>;
}

export function authorizerEvent(call: Call): APIGatewayRequestAuthorizerEvent {
  return {
    ...requestFields(call),
    type: 'REQUEST',
    methodArn: 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/api/v1/push.get',
    requestContext: { requestId: 'test-request' } as APIGatewayRequestAuthorizerEvent['requestContext'],
  };
}

export function proxyEvent(call: Call, authorizer: Record<string, string> | null): APIGatewayProxyEvent {
  return {
    ...requestFields(call),
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'test-request', authorizer } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

/** The request as both events carry it. */
function requestFields({ headers = {}, query = {} }: Call) {
  return {
    resource: '/api/v1/push.get',
    path: '/api/v1/push.get',
    httpMethod: 'GET',
    headers,
    multiValueHeaders: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])),
    ...queryMaps(query),
    pathParameters: null,
    stageVariables: null,
  };
}

function queryMaps(query: Record<string, string[]>) {
  const keys = Object.keys(query);
  if (keys.length === 0) {
    return { queryStringParameters: null, multiValueQueryStringParameters: null };
  }
  return {
    queryStringParameters: Object.fromEntries(keys.map((k) => [k, query[k]![query[k]!.length - 1]!])),
    multiValueQueryStringParameters: query,
  };
}

/** Authorizer then handler, as the REST API runs them; a refusal is the gateway's 401. */
export async function invoke(authorize: AuthorizerFn, handle: HandlerFn, call: Call): Promise<{ statusCode: number; body: any }> {
  let result: APIGatewayAuthorizerResult;
  try {
    result = await authorize(authorizerEvent(call));
  } catch (error) {
    if ((error as Error).message === 'Unauthorized') {
      return { statusCode: 401, body: null };
    }
    throw error;
  }
  const response = await handle(proxyEvent(call, deliveredContext(result)));
  return { statusCode: response.statusCode, body: JSON.parse(response.body) };
}
