/**
 * Who else hears of a refusal besides the log: the local API's access log, which prints the
 * reason beside the status (the deployed functions register no listener). Apart from
 * refusals.ts so that the local API can listen before the function modules (which read their
 * configuration at import) are loaded.
 */
import type { Reason } from '../../lib/reasons';
import type { Platform } from '../../lib/user-agent';

/** What a refusal's line says; the same fields the local API prints and the saved queries read. */
export interface RefusalFields {
  reason: Reason;
  userId?: string;
  messageId?: string;
  /** Milliseconds since API Gateway received the request (its requestTimeEpoch). */
  latencyMs?: number;
  platform: Platform;
  version?: string;
}

export type RefusalListener = (requestId: string | undefined, fields: RefusalFields) => void;

const listeners = new Set<RefusalListener>();

export function onRefusal(listener: RefusalListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function notifyRefusal(requestId: string | undefined, fields: RefusalFields): void {
  for (const listener of listeners) listener(requestId, fields);
}

/**
 * An id from the request (X-User-Id, the id parameter) as a log line may carry it: Rocket.Chat's
 * ids are short and alphanumeric (17 characters), a login token is 43 characters with `-` and `_`.
 * Anything else (a client that sends its token where the id goes) is left out.
 */
export function loggableId(id: string | undefined): string | undefined {
  return id !== undefined && /^[A-Za-z0-9]{1,32}$/.test(id) ? id : undefined;
}
