import { createHash, timingSafeEqual } from 'node:crypto';

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
  if (!user || !token || !user.active) {
    return false;
  }
  if (!hashesEqual(token.hashedToken, presentedHash)) {
    return false;
  }
  if (token.personalAccessToken) {
    return true;
  }
  return token.when !== undefined && loginTokenExpiresAt(token.when, loginExpirationDays) > now;
}

function hashesEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
