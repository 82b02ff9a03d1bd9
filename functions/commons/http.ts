/** The one place where outcomes become HTTP answers, in Rocket.Chat's shapes. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { PushGetError, Unauthorized } from '../../lib/errors';

/** Rocket.Chat's REST API forbids caching every answer: a notification is per user and per moment. */
export const NO_CACHE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** The headers of every answer, success or error. */
export const JSON_HEADERS = { 'Content-Type': 'application/json', ...NO_CACHE_HEADERS } as const;

const STATUS_BY_KIND: Record<string, number> = {
  BadRequest: 400,
  MessageNotFound: 400,
  RoomNotFound: 400,
  NotAllowed: 400,
  SenderNotFound: 400,
  Unauthorized: 401,
};

export const INTERNAL_ERROR_BODY = { success: false, error: 'Internal server error' } as const;

/** Rocket.Chat's 401 body: the older `status`/`message` pair and the current `success`/`error` pair. */
export function unauthorizedBody(): Record<string, unknown> {
  const text = new Unauthorized().message;
  return { success: false, error: text, status: 'error', message: text };
}

export function ok(body: unknown): APIGatewayProxyResult {
  return { statusCode: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof Unauthorized) {
    return { statusCode: 401, headers: JSON_HEADERS, body: JSON.stringify(unauthorizedBody()) };
  }
  if (error instanceof PushGetError) {
    const statusCode = STATUS_BY_KIND[error.kind] ?? 500;
    return { statusCode, headers: JSON_HEADERS, body: JSON.stringify({ success: false, error: error.message }) };
  }
  return { statusCode: 500, headers: JSON_HEADERS, body: JSON.stringify(INTERNAL_ERROR_BODY) };
}
