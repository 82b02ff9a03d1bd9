/**
 * Invokes the real authorizer and handler modules the way API Gateway does, without HTTP: the
 * authorizer first, its context handed to the handler as strings. The events are built by
 * `functions/commons/rest-api-events.ts`, as the local API builds them.
 */
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { deliveredContext } from '../functions/commons/authorizer-context';
import { authorizerRequestEvent, proxyRequestEvent, PUSH_GET_RESOURCE, restRequest, type RestRequest } from '../functions/commons/rest-api-events';

export type AuthorizerFn = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
export type HandlerFn = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface Call {
  headers?: Record<string, string>;
  query?: Record<string, string[]>;
}

const METHOD_ARN = 'arn:aws:execute-api:us-east-1:123456789012:api/prod/GET/api/v1/push.get';
const REQUEST_CONTEXT = { requestId: 'test-request' };

export function authorizerEvent(call: Call): APIGatewayRequestAuthorizerEvent {
  return authorizerRequestEvent(requestFields(call), REQUEST_CONTEXT, METHOD_ARN);
}

export function proxyEvent(call: Call, authorizer: Record<string, string> | null): APIGatewayProxyEvent {
  return proxyRequestEvent(requestFields(call), REQUEST_CONTEXT, authorizer);
}

function requestFields({ headers = {}, query = {} }: Call): RestRequest {
  const queryPairs = Object.entries(query).flatMap(([key, values]) => values.map((value): [string, string] => [key, value]));
  return restRequest({ path: PUSH_GET_RESOURCE, headers: Object.entries(headers), query: queryPairs });
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
