/**
 * Typed domain errors. Each carries the exact text Rocket.Chat answers with; the mapping to HTTP
 * status codes lives in one place (functions/commons/http.ts).
 */
import type { AccessRefusal, LoginRefusal, MessageAbsence, Reason } from './reasons';

/** Every way the use case refuses a request; functions/commons/http.ts maps each to a status. */
export type ErrorKind = 'BadRequest' | 'MessageNotFound' | 'RoomNotFound' | 'NotAllowed' | 'SenderNotFound' | 'Unauthorized';

/** The message is Rocket.Chat's answer; the reason (lib/core/reasons.ts) is for logs, metrics and tools only. */
export abstract class PushGetError extends Error {
  abstract readonly kind: ErrorKind;
  abstract readonly reason: Reason;
}

export class BadRequest extends PushGetError {
  readonly kind = 'BadRequest';
  readonly reason = 'query-invalid';
}

export class MessageNotFound extends PushGetError {
  readonly kind = 'MessageNotFound';
  constructor(readonly reason: MessageAbsence = 'message-unknown') {
    super('error-message-not-found');
  }
}

export class RoomNotFound extends PushGetError {
  readonly kind = 'RoomNotFound';
  readonly reason = 'room-unknown';
  constructor() {
    super('error-room-not-found');
  }
}

export class NotAllowed extends PushGetError {
  readonly kind = 'NotAllowed';
  constructor(readonly reason: AccessRefusal = 'not-subscribed') {
    super('error-not-allowed');
  }
}

export class SenderNotFound extends PushGetError {
  readonly kind = 'SenderNotFound';
  readonly reason = 'sender-unknown';
  constructor() {
    super('Message sender not found');
  }
}

export class Unauthorized extends PushGetError {
  readonly kind = 'Unauthorized';
  constructor(readonly reason: LoginRefusal = 'credentials-missing') {
    super('You must be logged in to do this.');
  }
}

/**
 * The store answered, but not fully: a batch left keys or items unprocessed after every retry
 * (throttling). Its reason is store-error, like a failure the AWS SDK raises.
 */
export class StoreIncomplete extends Error {
  override readonly name = 'StoreIncomplete';
}

/** An export that cannot be imported; `where` is `file:line`. Never carries document values. */
export class ImportError extends Error {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`${where}: ${reason}`);
  }
}

/** Required configuration is missing or malformed: fail at start-up, not on the first request. */
export class ConfigError extends Error {}

/**
 * A change event the sync cannot turn into items (a malformed document, a missing cluster time).
 * The relay stores it as a dead-letter item and goes on. The message names the collection, the
 * document's id and a reason, never document values (users' documents hold login tokens).
 */
export class UnmappableChange extends Error {
  constructor(
    readonly collection: string,
    readonly documentId: string | undefined,
    readonly reason: string,
  ) {
    super(`${collection}${documentId === undefined ? '' : ` ${documentId}`}: ${reason}`);
  }
}

/**
 * A collection-level change (drop, rename, dropDatabase, invalidate) of watched data: the table can
 * no longer follow by applying documents; the relay stops and the operator re-imports.
 */
export class UnsupportedChange extends Error {}
