/** The one place where outcomes become HTTP answers, in Rocket.Chat's shapes. */
import type { APIGatewayProxyResult } from 'aws-lambda';
import { PushGetError, Unauthorized } from '../../lib/core/errors';
import type { OutcomeKind } from './outcomes';

/** Rocket.Chat's REST API forbids caching every answer: a notification is per user and per moment. */
export const NO_CACHE_HEADERS = { 'Cache-Control': 'no-store', Pragma: 'no-cache' } as const;

/** The headers of every answer, success or error. */
export const JSON_HEADERS = { 'Content-Type': 'application/json', ...NO_CACHE_HEADERS } as const;

/**
 * The status of every outcome. A Record over OutcomeKind, so a new kind does not compile until it
 * has a status here; the dashboard's outcome graph is built from these keys (infra).
 */
export const STATUS_BY_OUTCOME: Record<OutcomeKind, number> = {
  Ok: 200,
  BadRequest: 400,
  MessageNotFound: 400,
  RoomNotFound: 400,
  NotAllowed: 400,
  SenderNotFound: 400,
  Unauthorized: 401,
  Error: 500,
};

export const INTERNAL_ERROR_BODY = { success: false, error: 'Internal server error' } as const;

/** Rocket.Chat's 401 body: the older `status`/`message` pair and the current `success`/`error` pair. */
export function unauthorizedBody(): Record<string, unknown> {
  const text = new Unauthorized().message;
  return { success: false, error: text, status: 'error', message: text };
}

export function ok(body: unknown): APIGatewayProxyResult {
  return { statusCode: STATUS_BY_OUTCOME.Ok, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

export function errorResponse(error: unknown): APIGatewayProxyResult {
  if (error instanceof Unauthorized) {
    return { statusCode: STATUS_BY_OUTCOME.Unauthorized, headers: JSON_HEADERS, body: JSON.stringify(unauthorizedBody()) };
  }
  if (error instanceof PushGetError) {
    return { statusCode: STATUS_BY_OUTCOME[error.kind], headers: JSON_HEADERS, body: JSON.stringify({ success: false, error: error.message }) };
  }
  return { statusCode: STATUS_BY_OUTCOME.Error, headers: JSON_HEADERS, body: JSON.stringify(INTERNAL_ERROR_BODY) };
}
