import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { hashLoginToken, isLoginValid, loginTokenExpiresAt, type AuthUser, type StoredLoginToken } from '../../lib/core/auth';

const DAY = 24 * 60 * 60 * 1000;
const WHEN = Date.parse('2024-03-01T12:00:00.000Z');
const TOKEN = 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92';
const HASH = '9Wrt+4w4fWREsSRwkIOnfHGa55RYZnqQQVLIWC22OCQ=';

const user: AuthUser = { id: 'd26x6zSkaPSe5gCyy', username: 'rodriq', active: true, roles: ['user'] };
const loginToken: StoredLoginToken = { hashedToken: HASH, when: WHEN, personalAccessToken: false };
const pat: StoredLoginToken = { hashedToken: HASH, personalAccessToken: true };

describe('hashLoginToken', () => {
  it("is Meteor's base64(sha256(token))", () => {
    expect(hashLoginToken(TOKEN)).toBe(HASH); // the seed's token and the hash the demo export stores
    expect(hashLoginToken('')).toBe('47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=');
    expect(hashLoginToken('demo-token-alice')).toBe(createHash('sha256').update('demo-token-alice', 'utf8').digest('base64'));
  });

  it('never returns the token itself and hashes non-ASCII as UTF-8', () => {
    expect(hashLoginToken('secret')).not.toContain('secret');
    expect(hashLoginToken('jeton-é')).toBe(createHash('sha256').update(Buffer.from('jeton-é', 'utf8')).digest('base64'));
    expect(hashLoginToken('a')).not.toBe(hashLoginToken('b'));
  });
});

describe('loginTokenExpiresAt', () => {
  it('is `when` plus the expiration in days', () => {
    expect(loginTokenExpiresAt(WHEN, 90)).toBe(Date.parse('2024-05-30T12:00:00.000Z'));
    expect(loginTokenExpiresAt(WHEN, 1)).toBe(WHEN + DAY);
  });
});

describe('isLoginValid', () => {
  it('accepts a matching, unexpired login token of an active user', () => {
    expect(isLoginValid(user, loginToken, HASH, WHEN + DAY, 90)).toBe(true);
    expect(isLoginValid(user, loginToken, hashLoginToken(TOKEN), WHEN, 90)).toBe(true);
  });

  it('expires a login token exactly `when + days` later', () => {
    const expiresAt = WHEN + 90 * DAY;
    expect(isLoginValid(user, loginToken, HASH, expiresAt - 1, 90)).toBe(true);
    expect(isLoginValid(user, loginToken, HASH, expiresAt, 90)).toBe(false);
    expect(isLoginValid(user, loginToken, HASH, expiresAt + 1, 90)).toBe(false);
  });

  it('uses the configured expiration, not a fixed 90 days', () => {
    expect(isLoginValid(user, loginToken, HASH, WHEN + 2 * DAY - 1, 2)).toBe(true);
    expect(isLoginValid(user, loginToken, HASH, WHEN + 2 * DAY, 2)).toBe(false);
    expect(isLoginValid(user, loginToken, HASH, WHEN + 100 * DAY, 365)).toBe(true);
  });

  it('never expires a personal access token', () => {
    expect(isLoginValid(user, pat, HASH, WHEN, 90)).toBe(true);
    expect(isLoginValid(user, pat, HASH, Date.parse('2999-01-01T00:00:00Z'), 1)).toBe(true);
    // even one that carries an old `when`
    expect(isLoginValid(user, { ...pat, when: WHEN - 1000 * DAY }, HASH, Date.now(), 90)).toBe(true);
  });

  it('refuses a login token without `when`', () => {
    expect(isLoginValid(user, { hashedToken: HASH, personalAccessToken: false }, HASH, WHEN, 90)).toBe(false);
  });

  it('refuses a deactivated user, even with a valid token', () => {
    expect(isLoginValid({ ...user, active: false }, loginToken, HASH, WHEN, 90)).toBe(false);
    expect(isLoginValid({ ...user, active: false }, pat, HASH, WHEN, 90)).toBe(false);
  });

  it('refuses a hash that does not match the stored one', () => {
    expect(isLoginValid(user, loginToken, hashLoginToken('wrong'), WHEN, 90)).toBe(false);
    expect(isLoginValid(user, pat, hashLoginToken('wrong'), WHEN, 90)).toBe(false);
    // a hash of another length must be refused, not throw from the constant-time comparison
    expect(isLoginValid(user, pat, 'short', WHEN, 90)).toBe(false);
    expect(isLoginValid(user, pat, '', WHEN, 90)).toBe(false);
    // the raw token is not its hash
    expect(isLoginValid(user, pat, TOKEN, WHEN, 90)).toBe(false);
  });

  it('refuses a missing user or token', () => {
    expect(isLoginValid(undefined, pat, HASH, WHEN, 90)).toBe(false);
    expect(isLoginValid(user, undefined, HASH, WHEN, 90)).toBe(false);
    expect(isLoginValid(undefined, undefined, HASH, WHEN, 90)).toBe(false);
  });
});
