/**
 * The token check compares hashes in constant time: `isLoginValid` goes through
 * `crypto.timingSafeEqual` (spied on here), refuses equal-length different hashes and hashes of
 * other lengths, and never throws on the length mismatch timingSafeEqual itself would throw on.
 */
import * as crypto from 'node:crypto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { hashLoginToken, isLoginValid, type AuthUser, type StoredLoginToken } from '../../lib/core/auth';

vi.mock('node:crypto', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:crypto')>();
  return { ...original, timingSafeEqual: vi.fn(original.timingSafeEqual) };
});

const NOW = Date.UTC(2026, 0, 15);
const USER: AuthUser = { id: 'u1', username: 'u', active: true, roles: ['user'] };
const HASH = hashLoginToken('the-real-token');
const pat = (hashedToken: string): StoredLoginToken => ({ hashedToken, personalAccessToken: true });
const spy = vi.mocked(crypto.timingSafeEqual);

beforeEach(() => {
  spy.mockClear();
});

describe('constant-time token comparison', () => {
  it('accepts the right hash, through timingSafeEqual', () => {
    expect(isLoginValid(USER, pat(HASH), HASH, NOW, 90)).toBe(true);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('refuses an equal-length different hash, through timingSafeEqual', () => {
    const other = hashLoginToken('another-token');
    expect(other).toHaveLength(HASH.length);
    expect(isLoginValid(USER, pat(HASH), other, NOW, 90)).toBe(false);
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('refuses a hash differing in its last character only', () => {
    const last = HASH.at(-2) === 'A' ? 'B' : 'A';
    const almost = `${HASH.slice(0, -2)}${last}=`;
    expect(isLoginValid(USER, pat(HASH), almost, NOW, 90)).toBe(false);
  });

  it.each([
    ['empty', ''],
    ['shorter', HASH.slice(0, -1)],
    ['longer', `${HASH}A`],
    ['the raw token', 'the-real-token'],
    ['multi-byte of equal string length', 'é'.repeat(HASH.length)],
  ])('refuses a %s presented hash without throwing', (_, presented) => {
    expect(() => isLoginValid(USER, pat(HASH), presented, NOW, 90)).not.toThrow();
    expect(isLoginValid(USER, pat(HASH), presented, NOW, 90)).toBe(false);
  });

  it('does not let a stored hash of another length throw either', () => {
    expect(isLoginValid(USER, pat('short'), HASH, NOW, 90)).toBe(false);
    expect(isLoginValid(USER, pat(''), HASH, NOW, 90)).toBe(false);
  });

  it('never compares with === on the hash: the module source uses timingSafeEqual', async () => {
    const { readFile } = await import('node:fs/promises');
    const source = await readFile(new URL('../../lib/core/auth.ts', import.meta.url), 'utf8');
    expect(source).toMatch(/timingSafeEqual\(/);
    expect(source).not.toMatch(/hashedToken\s*[!=]==?\s*presentedHash|presentedHash\s*[!=]==?\s*\w*\.?hashedToken/);
  });
});

describe('the rest of the check stays strict', () => {
  it('a deactivated user with the right token is refused', () => {
    expect(isLoginValid({ ...USER, active: false }, pat(HASH), HASH, NOW, 90)).toBe(false);
  });

  it('a login token expires after the configured days; a personal access token never', () => {
    const login = (when: number): StoredLoginToken => ({ hashedToken: HASH, when, personalAccessToken: false });
    const day = 24 * 60 * 60 * 1000;
    expect(isLoginValid(USER, login(NOW - 89 * day), HASH, NOW, 90)).toBe(true);
    expect(isLoginValid(USER, login(NOW - 90 * day), HASH, NOW, 90)).toBe(false);
    expect(isLoginValid(USER, { hashedToken: HASH, personalAccessToken: false }, HASH, NOW, 90)).toBe(false);
    expect(isLoginValid(USER, pat(HASH), HASH, NOW + 10_000 * day, 90)).toBe(true);
  });
});
