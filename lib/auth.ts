import { createHash, timingSafeEqual } from 'node:crypto';
import type { LoginRefusal } from './reasons';

/** Meteor stores only `base64(sha256(token))` of a login token; so do we. */
export function hashLoginToken(token: string): string {
  return createHash('sha256').update(token).digest('base64');
}

export interface StoredLoginToken {
  hashedToken: string;
  /** Issue time in epoch ms; absent for personal access tokens. */
  when?: number;
  personalAccessToken: boolean;
}

export interface AuthUser {
  id: string;
  username?: string;
  active: boolean;
  roles: string[];
  language?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function loginTokenExpiresAt(when: number, loginExpirationDays: number): number {
  return when + loginExpirationDays * DAY_MS;
}

/**
 * True when `presentedHash` opens `user`'s account with `token` at `now`. The token was looked up
 * by its hash; the constant-time comparison keeps the check itself free of timing leaks.
 */
export function isLoginValid(user: AuthUser | undefined, token: StoredLoginToken | undefined, presentedHash: string, now: number, loginExpirationDays: number): user is AuthUser {
  return loginRefusal(user, token, presentedHash, now, loginExpirationDays) === undefined;
}

/**
 * Why `presentedHash` does not open `user`'s account at `now`, or undefined when it does. Without
 * a token item the answer is `token-unknown`; the caller, which knows whether a tombstone or the
 * user's item was found, narrows it (refineUnknownToken).
 */
export function loginRefusal(user: AuthUser | undefined, token: StoredLoginToken | undefined, presentedHash: string, now: number, loginExpirationDays: number): LoginRefusal | undefined {
  if (!user || !token || !hashesEqual(token.hashedToken, presentedHash)) {
    return 'token-unknown';
  }
  if (!user.active) {
    return 'user-inactive';
  }
  if (token.personalAccessToken) {
    return undefined;
  }
  return token.when !== undefined && loginTokenExpiresAt(token.when, loginExpirationDays) > now ? undefined : 'token-expired';
}

/** A missing token item: a tombstone says it was revoked; else the user item tells an unknown token from an unknown user. */
export function refineUnknownToken(tokenRevoked: boolean, userExists: boolean): LoginRefusal {
  return tokenRevoked ? 'token-revoked' : userExists ? 'token-unknown' : 'user-unknown';
}

function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
