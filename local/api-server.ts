/**
 * The local stand-in for API Gateway's REST API: it routes `GET …/api/v1/push.get`, runs the
 * request authorizer with both identity headers, answers with the gateway responses the stack
 * configures, and hands the authorizer's context to the handler in a v1 proxy event.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayAuthorizerResult, APIGatewayProxyEvent, APIGatewayProxyResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { deliveredContext } from '../functions/commons/authorizer-context';
import { authorizerRequestEvent, proxyRequestEvent, PUSH_GET_RESOURCE, restRequest, type RestRequestContext } from '../functions/commons/rest-api-events';
import { INTERNAL_ERROR_BODY, JSON_HEADERS, unauthorizedBody } from '../functions/commons/http';
import { loggableId, onRefusal, type RefusalFields } from '../functions/commons/refusal-listeners';
import { headerValue } from '../lib/headers';

export type Authorizer = (event: APIGatewayRequestAuthorizerEvent) => Promise<APIGatewayAuthorizerResult>;
export type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

export interface LocalApiOptions {
  authorizer: Authorizer;
  handler: Handler;
  /**
   * One line per request: method, path, status, the reason (lib/reasons.ts), the user id and ms;
   * never a token, never message text.
   */
  log?: (line: string) => void;
}

const ROUTE = /^(?:\/[^/]+)*\/api\/v1\/push\.get$/;
const STAGE = 'local';
const METHOD_ARN = `arn:aws:execute-api:local:000000000000:local/${STAGE}/GET/api/v1/push.get`;

export function createLocalApi({ authorizer, handler, log }: LocalApiOptions): Server {
  // The functions name the reason of each refusal they write a line for, by request id.
  const refusals = new Map<string, RefusalFields>();
  const stopListening = onRefusal((requestId, fields) => {
    if (log && requestId !== undefined) refusals.set(requestId, fields);
  });
  const server = createServer((request, response) => {
    const started = performance.now();
    // API Gateway names every answer with the request's id (doctor --url looks for it); so does this stand-in.
    const requestId = randomUUID();
    // The body is never read (a GET may carry a Content-Type and no body); drain it.
    request.resume();
    route(request, requestId, authorizer, handler)
      .catch(() => answer(500, INTERNAL_ERROR_BODY))
      .then((result) => {
        send(response, result, requestId);
        const refusal = refusals.get(requestId);
        refusals.delete(requestId);
        log?.(
          `${request.method} ${pathOf(request)} ${result.statusCode} ${reasonOf(result.statusCode, refusal, request)} user=${userOf(refusal, request)} ${(performance.now() - started).toFixed(1)}ms`,
        );
      })
      // Answering itself failed (the client went away mid-write): end that connection, not the server.
      .catch(() => response.destroy());
  });
  server.on('close', stopListening);
  // Requests Node's parser refuses before any route runs (a method it does not know, such as
  // `FOO`; oversized headers) get JSON bodies like every other answer, as Node's statuses.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const [status, reason, body] =
      error.code === 'HPE_INVALID_METHOD'
        ? [405, 'Method Not Allowed', { success: false, error: 'Method not allowed' }]
        : error.code === 'HPE_HEADER_OVERFLOW'
          ? [431, 'Request Header Fields Too Large', { success: false, error: 'Request header fields too large' }]
          : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
            ? [408, 'Request Timeout', { success: false, error: 'Request timeout' }]
            : [400, 'Bad Request', { success: false, error: 'Bad request' }];
    const text = JSON.stringify(body);
    const headers = Object.entries({ ...JSON_HEADERS, 'Content-Length': Buffer.byteLength(text), 'x-amzn-RequestId': randomUUID(), Connection: 'close' }).map(
      ([name, value]) => `${name}: ${value}\r\n`,
    );
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${headers.join('')}\r\n${text}`);
  });
  return server;
}

/**
 * The reason a function named, else what the gateway itself decided: `ok` for an answer,
 * `credentials-missing` for its own 401 (an identity header missing: no authorizer runs), `-` for
 * a request that is not push.get.
 */
function reasonOf(status: number, refusal: RefusalFields | undefined, request: IncomingMessage): string {
  if (refusal) return refusal.reason;
  if (status === 200) return 'ok';
  return status === 401 && ROUTE.test(pathOf(request)) ? 'credentials-missing' : '-';
}

/** The user id as the function logged it, else the X-User-Id header when it looks like an id (loggableId). */
function userOf(refusal: RefusalFields | undefined, request: IncomingMessage): string {
  const header = request.headers['x-user-id'];
  return (refusal ? refusal.userId : loggableId(typeof header === 'string' ? header : undefined)) ?? '-';
}

async function route(request: IncomingMessage, requestId: string, authorizer: Authorizer, handler: Handler): Promise<APIGatewayProxyResult> {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (!ROUTE.test(url.pathname)) {
    return answer(404, { success: false, error: 'Not found' });
  }
  if (request.method !== 'GET') {
    return { ...answer(405, { success: false, error: 'Method not allowed' }), headers: { ...JSON_HEADERS, Allow: 'GET' } };
  }
  const requestFields = restRequest({ path: url.pathname, headers: headerPairs(request.rawHeaders), query: url.searchParams });
  const { headers } = requestFields;
  const requestContext: RestRequestContext = {
    accountId: '000000000000',
    apiId: 'local',
    httpMethod: 'GET',
    path: url.pathname,
    protocol: `HTTP/${request.httpVersion}`,
    requestId,
    requestTimeEpoch: Date.now(),
    resourceId: 'local',
    resourcePath: PUSH_GET_RESOURCE,
    stage: STAGE,
    identity: { sourceIp: request.socket.remoteAddress ?? '127.0.0.1', userAgent: headerValue(headers, 'user-agent') ?? null } as RestRequestContext['identity'],
  };

  // Identity sources: API Gateway refuses without calling the authorizer when one is missing.
  if (!headerValue(headers, 'x-user-id') || !headerValue(headers, 'x-auth-token')) {
    return answer(401, unauthorizedBody());
  }
  let authorization: APIGatewayAuthorizerResult;
  try {
    authorization = await authorizer(authorizerRequestEvent(requestFields, requestContext, METHOD_ARN));
  } catch (error) {
    // "Unauthorized" is API Gateway's 401; any other authorizer failure is its 500.
    return error instanceof Error && error.message === 'Unauthorized' ? answer(401, unauthorizedBody()) : answer(500, INTERNAL_ERROR_BODY);
  }
  if (!allows(authorization)) {
    return answer(401, unauthorizedBody());
  }
  return handler(proxyRequestEvent(requestFields, requestContext, deliveredContext(authorization)));
}

function allows(result: APIGatewayAuthorizerResult): boolean {
  const statements = result.policyDocument?.Statement ?? [];
  return statements.length > 0 && statements.every((statement) => statement.Effect === 'Allow');
}

/** Node's raw headers list names and values alternately, in arrival order. */
function* headerPairs(raw: string[]): Generator<[string, string]> {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    yield [raw[i]!, raw[i + 1]!];
  }
}

function answer(statusCode: number, body: unknown): APIGatewayProxyResult {
  return { statusCode, headers: { ...JSON_HEADERS }, body: JSON.stringify(body) };
}

function send(response: ServerResponse, result: APIGatewayProxyResult, requestId: string): void {
  const body = result.body ?? '';
  response.writeHead(result.statusCode, { ...stringHeaders(result.headers), 'Content-Length': Buffer.byteLength(body), 'x-amzn-RequestId': requestId });
  response.end(body);
}

function stringHeaders(headers: APIGatewayProxyResult['headers']): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([key, value]) => [key, String(value)]));
}

function pathOf(request: IncomingMessage): string {
  return (request.url ?? '/').split('?')[0] ?? '/';
}
