/**
 * The two events API Gateway's REST API (v1 payload) hands to this service's functions: the
 * request authorizer's REQUEST event and the handler's proxy event. Built here once, for the local
 * API and the tests, so neither keeps a copy of the shapes.
 */
import type { APIGatewayEventRequestContext, APIGatewayProxyEvent, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';

/** The resource the REST API routes to the functions. */
export const PUSH_GET_RESOURCE = '/api/v1/push.get';

export interface RestRequestInput {
  /** The request path as called (a deployed stage or a local prefix may precede the resource). */
  path: string;
  /** Header name/value pairs in arrival order. */
  headers: Iterable<readonly [string, string]>;
  /** Query key/value pairs in order. */
  query: Iterable<readonly [string, string]>;
}

/** What the authorizer's REQUEST event and the handler's proxy event share. */
export interface RestRequest {
  resource: string;
  path: string;
  httpMethod: 'GET';
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  queryStringParameters: Record<string, string> | null;
  multiValueQueryStringParameters: Record<string, string[]> | null;
  pathParameters: null;
  stageVariables: null;
}

/** The request context as far as the caller knows it (the tests give a request id only). */
export type RestRequestContext = Partial<Omit<APIGatewayEventRequestContext, 'authorizer'>>;

/**
 * The request as REST API events carry it: in the single-value maps a repeated name keeps its last
 * value, the multi-value maps keep them all, and the query maps are null without a query.
 */
export function restRequest({ path, headers, query }: RestRequestInput): RestRequest {
  const headerMaps = collect(headers);
  const queryMaps = collect(query);
  const hasQuery = queryMaps.single.size > 0;
  return {
    resource: PUSH_GET_RESOURCE,
    path,
    httpMethod: 'GET',
    headers: Object.fromEntries(headerMaps.single),
    multiValueHeaders: Object.fromEntries(headerMaps.multi),
    queryStringParameters: hasQuery ? Object.fromEntries(queryMaps.single) : null,
    multiValueQueryStringParameters: hasQuery ? Object.fromEntries(queryMaps.multi) : null,
    pathParameters: null,
    stageVariables: null,
  };
}

export function authorizerRequestEvent(request: RestRequest, requestContext: RestRequestContext, methodArn: string): APIGatewayRequestAuthorizerEvent {
  return { ...request, type: 'REQUEST', methodArn, requestContext: { ...requestContext } as APIGatewayRequestAuthorizerEvent['requestContext'] };
}

/** The proxy event with the authorizer's context as API Gateway delivers it (see `deliveredContext`). */
export function proxyRequestEvent(request: RestRequest, requestContext: RestRequestContext, authorizer: Record<string, string> | null): APIGatewayProxyEvent {
  return { ...request, body: null, isBase64Encoded: false, requestContext: { ...requestContext, authorizer } as unknown as APIGatewayProxyEvent['requestContext'] };
}

/**
 * Client-chosen names (`__proto__`, `constructor`, `toString`, …) are collected in Maps and become
 * own properties through Object.fromEntries, never lookups through Object.prototype.
 */
function collect(pairs: Iterable<readonly [string, string]>): { single: Map<string, string>; multi: Map<string, string[]> } {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  for (const [name, value] of pairs) {
    single.set(name, value);
    const values = multi.get(name);
    if (values) values.push(value);
    else multi.set(name, [value]);
  }
  return { single, multi };
}
