/**
 * `npm run explain`'s core: runs the real login check (lib/core/auth.ts, as the authorizer does) and the
 * real use case (lib/core/push-get.ts, with its access rules) against the table, and says at each step
 * what it found, then the reason (lib/core/reasons.ts) with the exact status and body push.get answers
 * (functions/commons/http.ts). It never returns a token or a hash.
 */
import { hashLoginToken, loginRefusal, loginTokenExpiresAt, refineUnknownToken, type AuthUser } from '../lib/core/auth';
import type { AccessDecision } from '../lib/core/access';
import type { Receiver } from '../lib/core/domain';
import { PushGetError } from '../lib/core/errors';
import { getPushNotification, type PushGetTrace } from '../lib/core/push-get';
import { failureReason, type Reason } from '../lib/core/reasons';
import { hasPermission, roomViewPermission, type PermissionId, type Permissions } from '../lib/core/settings';
import type { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { toAuthUser, toLoginToken } from '../lib/dynamodb/items';
import { isTombstone, keys, VERSION_ATTRIBUTE } from '../lib/dynamodb/keys';
import { decodeAuthorizerContext, encodeAuthorizerContext } from '../functions/commons/authorizer-context';
import { errorResponse, ok, unauthorizedBody, STATUS_BY_OUTCOME } from '../functions/commons/http';
import { messageIdFrom } from '../functions/push-get/query';

export interface ExplainRequest {
  userId: string;
  /** Undefined: the request carries no `id` (query-invalid). */
  messageId?: string;
  /** Undefined: the user's tokens are summarised and the rest decided as for a valid one. */
  token?: string;
  now?: number;
}

export interface Step {
  step: 'token' | 'tokens' | 'user' | 'query' | 'message' | 'room' | 'subscription' | 'access' | 'sender' | 'badge';
  ok: boolean;
  detail: string;
}

export interface Explanation {
  reason: Reason;
  status: number;
  /** The body push.get answers, parsed. */
  body: unknown;
  steps: Step[];
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A version (`<epoch seconds>.<increment>`, lib/sync/change-event.ts) as the time of the change. */
function versionTime(version: unknown): string | undefined {
  const seconds = typeof version === 'string' ? Number(version.slice(0, 10)) : NaN;
  return Number.isFinite(seconds) && seconds > 0 ? iso(seconds * 1000) : undefined;
}

export async function explain(store: DynamoStore, request: ExplainRequest): Promise<Explanation> {
  const now = request.now ?? Date.now();
  const steps: Step[] = [];
  const refused = (reason: Reason): Explanation => ({ reason, status: STATUS_BY_OUTCOME.Unauthorized, body: unauthorizedBody(), steps });

  const login = request.token === undefined ? await summariseTokens(store, request.userId, now, steps) : await checkToken(store, request.userId, request.token, now, steps);
  if ('refusal' in login) return refused(login.refusal);
  const user = login.user;
  steps.push({ step: 'user', ok: true, detail: `active; roles ${user.roles.join(', ') || '(none)'}` });
  // The receiver exactly as the handler gets it: through the authorizer's context.
  const receiver = decodeAuthorizerContext(encodeAuthorizerContext(user))!;

  const trace: PushGetTrace = {};
  let result: { statusCode: number; body?: string };
  let reason: Reason;
  try {
    const messageId = messageIdFrom({ single: request.messageId === undefined ? {} : { id: request.messageId }, multi: null });
    result = ok(await getPushNotification(store, receiver, messageId, trace));
    reason = 'ok';
  } catch (error) {
    result = errorResponse(error);
    reason = error instanceof PushGetError ? error.reason : failureReason(error);
    if (!(error instanceof PushGetError)) steps.push({ step: 'message', ok: false, detail: `failed: ${error instanceof Error ? error.name : 'error'}` });
  }
  await describeUseCase(store, request, receiver, trace, reason, steps);
  return { reason, status: result.statusCode, body: JSON.parse(result.body ?? 'null'), steps };
}

/** As the authorizer: the presented token's item (or its tombstone), the login check, then the user item only when the token item is missing. */
async function checkToken(store: DynamoStore, userId: string, token: string, now: number, steps: Step[]): Promise<{ user: AuthUser } | { refusal: Reason }> {
  if (userId === '' || token === '') {
    steps.push({ step: 'token', ok: false, detail: 'X-User-Id or X-Auth-Token empty' });
    return { refusal: 'credentials-missing' };
  }
  const hashed = hashLoginToken(token);
  const facts = await store.loginFacts(userId, hashed);
  const refusal = loginRefusal(facts.user, facts.token, hashed, now, facts.loginExpirationDays);
  const newest = newestLogin(await store.tokenItems(userId));
  const newestText = newest === undefined ? 'no dated login' : `newest login ${iso(newest)}`;
  if (refusal === 'token-unknown' && !facts.token) {
    const reason = refineUnknownToken(facts.tokenRevoked, facts.tokenRevoked || (await store.userExists(userId)));
    const stone = facts.tokenRevoked ? await store.rawItem(keys.token(userId, hashed)) : undefined;
    const when = versionTime(stone?.[VERSION_ATTRIBUTE]);
    const detail = reason === 'token-revoked' ? `revoked (logged out)${when ? ` at ${when}` : ''}; ${newestText}` : reason === 'user-unknown' ? 'no such user' : `not found; ${newestText}`;
    steps.push({ step: 'token', ok: false, detail });
    return { refusal: reason };
  }
  const stored = facts.token!;
  const lifetime = stored.personalAccessToken
    ? 'personal access token (never expires)'
    : stored.when === undefined
      ? 'no login time'
      : `issued ${iso(stored.when)}, ${loginTokenExpiresAt(stored.when, facts.loginExpirationDays) > now ? 'expires' : 'expired'} ${iso(loginTokenExpiresAt(stored.when, facts.loginExpirationDays))} (Accounts_LoginExpiration ${facts.loginExpirationDays} days)`;
  steps.push({ step: 'token', ok: refusal !== 'token-expired', detail: `found: ${lifetime}; ${newestText}` });
  if (refusal === 'user-inactive') steps.push({ step: 'user', ok: false, detail: 'deactivated' });
  return refusal === undefined ? { user: facts.user! } : { refusal };
}

/** Without a token: the user's tokens counted, and the user item decides. */
async function summariseTokens(store: DynamoStore, userId: string, now: number, steps: Step[]): Promise<{ user: AuthUser } | { refusal: Reason }> {
  const [items, userItem, days] = await Promise.all([store.tokenItems(userId), store.rawItem(keys.user(userId)), store.loginExpirationDays()]);
  let valid = 0;
  let expired = 0;
  let revoked = 0;
  for (const item of items) {
    if (isTombstone(item)) revoked++;
    else {
      const token = toLoginToken(item);
      if (token.personalAccessToken || (token.when !== undefined && loginTokenExpiresAt(token.when, days) > now)) valid++;
      else expired++;
    }
  }
  const newest = newestLogin(items);
  steps.push({
    step: 'tokens',
    ok: valid > 0,
    detail: `${valid} valid, ${expired} expired, ${revoked} revoked; ${newest === undefined ? 'no dated login' : `newest login ${iso(newest)}`} (no --token: deciding the rest as for a valid one)`,
  });
  if (!userItem || isTombstone(userItem)) {
    steps.push({ step: 'user', ok: false, detail: 'no such user' });
    return { refusal: 'user-unknown' };
  }
  const user = toAuthUser(userId, userItem);
  if (!user.active) {
    steps.push({ step: 'user', ok: false, detail: 'deactivated' });
    return { refusal: 'user-inactive' };
  }
  return { user };
}

function newestLogin(items: Record<string, unknown>[]): number | undefined {
  const times = items.filter((item) => !isTombstone(item) && typeof item.when === 'number').map((item) => item.when as number);
  return times.length > 0 ? Math.max(...times) : undefined;
}

/** What the use case saw, step by step, from its trace (and, for a deleted message, its tombstone). */
async function describeUseCase(store: DynamoStore, request: ExplainRequest, receiver: Receiver, trace: PushGetTrace, reason: Reason, steps: Step[]): Promise<void> {
  if (reason === 'query-invalid') {
    steps.push({ step: 'query', ok: false, detail: 'no message id (the request has no id parameter)' });
    return;
  }
  if (!trace.message) {
    if (reason === 'message-deleted') {
      const stone = await store.rawItem(keys.message(request.messageId!));
      const when = versionTime(stone?.[VERSION_ATTRIBUTE]);
      steps.push({ step: 'message', ok: false, detail: `deleted${when ? ` at ${when}` : ''} (tombstone)` });
    } else if (reason === 'message-hidden') {
      steps.push({ step: 'message', ok: false, detail: 'stored, but an edit-history copy (_hidden) or unreadable' });
    } else if (reason === 'message-unknown') {
      steps.push({ step: 'message', ok: false, detail: 'never stored' });
    }
    return;
  }
  steps.push({ step: 'message', ok: true, detail: `found in room ${trace.message.rid}` });
  const context = trace.context!;
  const room = context.room;
  if (!room) {
    steps.push({ step: 'room', ok: false, detail: `room ${trace.message.rid} not in the table` });
    return;
  }
  const traits = [room.prid && `discussion of ${room.prid}`, room.teamId && `team ${room.teamId}`, room.open !== undefined && (room.open ? 'open' : 'closed')].filter(Boolean);
  steps.push({ step: 'room', ok: true, detail: `type ${room.t}${room.name ? ` (${room.name})` : ''}${traits.length ? `, ${traits.join(', ')}` : ''}` });
  const subscription = context.subscription;
  steps.push({
    step: 'subscription',
    ok: subscription !== undefined && !subscription.invited,
    detail: subscription ? (subscription.invited ? 'a pending invitation' : `joined (unread ${subscription.unread})`) : 'none',
  });
  if (trace.access) steps.push({ step: 'access', ok: trace.access.allowed, detail: describeAccess(trace.access, room.t, receiver.roles, context.config.permissions) });
  if (trace.access?.allowed) {
    steps.push({ step: 'sender', ok: reason !== 'sender-unknown', detail: reason === 'sender-unknown' ? 'not in the table' : 'found' });
    if (reason === 'ok') steps.push({ step: 'badge', ok: true, detail: String(context.badge) });
  }
}

/** Which rule decided, and which of the receiver's roles hold the permissions it looks at. */
function describeAccess(decision: AccessDecision, t: string, roles: string[], permissions: Permissions): string {
  const viewType = roomViewPermission(t);
  const looked: PermissionId[] = ['view-joined-room', ...(viewType ? [viewType] : []), ...(t === 'c' && viewType !== 'view-c-room' ? ['view-c-room' as const] : [])];
  const held = looked.map((permission) => {
    const holders = roles.filter((role) => hasPermission([role], permission, permissions));
    return `${permission}: ${holders.length ? holders.join(', ') : 'none of the roles'}`;
  });
  return `${decision.allowed ? `allowed (${decision.by})` : `refused: ${decision.reason}`}; ${held.join('; ')}`;
}
