/**
 * Why a push.get request ended as it did: one name per cause, defined here and nowhere else. The
 * HTTP answer stays Rocket.Chat's (one 401 text for every login problem, one 400 text per error);
 * the reason goes only to the log line, the metrics' `reason` dimension and the tools
 * (`npm run explain`). docs/operations.md explains each one and what to do about it.
 */
import { StoreIncomplete, type ErrorKind } from './errors';

/** How a request ends as the functions count it: an answer, a typed refusal, or a failure (functions/commons/outcomes.ts). */
export type Outcome = 'Ok' | ErrorKind | 'Error';

/** Each reason, the outcome (and so the status and body) it ends in, and a line for operators. */
export const REASONS = {
  ok: { outcome: 'Ok', summary: 'answered with the notification' },
  'credentials-missing': { outcome: 'Unauthorized', summary: 'X-User-Id or X-Auth-Token missing or empty' },
  'user-unknown': { outcome: 'Unauthorized', summary: 'no user with this X-User-Id in the table' },
  'token-unknown': { outcome: 'Unauthorized', summary: 'the user exists, but no login token with this hash' },
  'token-revoked': { outcome: 'Unauthorized', summary: "the token was removed from the user's login tokens (logged out); its tombstone remains" },
  'token-expired': { outcome: 'Unauthorized', summary: 'the login token is older than Accounts_LoginExpiration days' },
  'user-inactive': { outcome: 'Unauthorized', summary: 'the account is deactivated' },
  'query-invalid': { outcome: 'BadRequest', summary: 'the id query parameter is missing or repeated' },
  'message-unknown': { outcome: 'MessageNotFound', summary: 'no message with this id was ever stored' },
  'message-deleted': { outcome: 'MessageNotFound', summary: 'the message was deleted (a tombstone of the live sync)' },
  'message-hidden': { outcome: 'MessageNotFound', summary: 'the message item is an edit-history copy (_hidden) or its body cannot be read' },
  'room-unknown': { outcome: 'RoomNotFound', summary: "the message's room is not in the table" },
  'not-subscribed': { outcome: 'NotAllowed', summary: 'the receiver has not joined the room (no subscription, or a pending invitation) and no other rule lets them in' },
  'permission-missing': { outcome: 'NotAllowed', summary: "subscribed, but none of the receiver's roles holds view-joined-room or view-<t>-room" },
  'channel-permission-missing': { outcome: 'NotAllowed', summary: 'a public channel the receiver has not joined, and none of their roles holds view-c-room' },
  banned: { outcome: 'NotAllowed', summary: 'a public channel (or a channel of a team) the receiver was banned from: the subscription is kept with status BANNED' },
  'team-not-member': { outcome: 'NotAllowed', summary: 'a channel of a private team, and the receiver is not a member of the team' },
  'team-unknown': { outcome: 'NotAllowed', summary: 'a channel of a team whose team document and main room are both missing' },
  'omnichannel-not-serving': { outcome: 'NotAllowed', summary: 'an open omnichannel room served by another agent, and no view-livechat-rooms' },
  'omnichannel-closed-not-allowed': {
    outcome: 'NotAllowed',
    summary: 'a closed omnichannel room, and neither view-livechat-room-closed-by-another-agent nor view-livechat-room-closed-same-department',
  },
  'omnichannel-closed-not-department-agent': {
    outcome: 'NotAllowed',
    summary: "a closed omnichannel room: view-livechat-room-closed-same-department, but the receiver is no agent of the room's department",
  },
  'discussion-parent-unknown': { outcome: 'NotAllowed', summary: 'a discussion the receiver has not joined, whose parent room is not in the table' },
  'sender-unknown': { outcome: 'SenderNotFound', summary: "the message's sender is not in the table" },
  'store-error': { outcome: 'Error', summary: 'DynamoDB failed (throttling, permissions, a missing table)' },
  'internal-error': { outcome: 'Error', summary: 'an unexpected failure; the log line names the error' },
} as const satisfies Record<string, { outcome: Outcome; summary: string }>;

export type Reason = keyof typeof REASONS;
export const REASON_NAMES = Object.keys(REASONS) as Reason[];

/** The reasons that end in `outcome`. */
export type ReasonOf<O extends Outcome> = { [R in Reason]: (typeof REASONS)[R]['outcome'] extends O ? R : never }[Reason];

/** Why the access rules refused (lib/core/access.ts). */
export type AccessRefusal = ReasonOf<'NotAllowed'>;
/** Why a login was refused (the authorizer; lib/core/auth.ts). */
export type LoginRefusal = ReasonOf<'Unauthorized'>;
export type MessageAbsence = ReasonOf<'MessageNotFound'>;

export function outcomeOf(reason: Reason): Outcome {
  return REASONS[reason].outcome;
}

export function isReason(value: unknown): value is Reason {
  return typeof value === 'string' && Object.hasOwn(REASONS, value);
}

/** A failure's reason: a DynamoDB (AWS SDK) error carries the service's response metadata, a batch left unfinished is the store's too; anything else is ours. */
export function failureReason(error: unknown): Reason {
  const fromStore = error instanceof StoreIncomplete || (typeof error === 'object' && error !== null && '$metadata' in error);
  return fromStore ? 'store-error' : 'internal-error';
}
