import { describe, it, expect } from 'vitest';
import { decodeAuthorizerContext as receiverFromAuthorizer } from '../../functions/commons/authorizer-context';
import { headerValue } from '../../lib/core/headers';

describe('headerValue', () => {
  const headers = { 'X-User-Id': 'user1', 'x-auth-token': 'token1', 'Content-Type': 'application/json', Empty: '' };

  it('finds a header whatever the case on either side', () => {
    expect(headerValue(headers, 'x-user-id')).toBe('user1');
    expect(headerValue(headers, 'X-USER-ID')).toBe('user1');
    expect(headerValue(headers, 'X-Auth-Token')).toBe('token1');
    expect(headerValue({ 'X-AUTH-TOKEN': 'T' }, 'x-auth-token')).toBe('T');
  });

  it('returns undefined for a missing header or missing headers', () => {
    expect(headerValue(headers, 'x-other')).toBeUndefined();
    expect(headerValue(headers, 'x-user')).toBeUndefined(); // no prefix match
    expect(headerValue(null, 'x-user-id')).toBeUndefined();
    expect(headerValue(undefined, 'x-user-id')).toBeUndefined();
    expect(headerValue({}, 'x-user-id')).toBeUndefined();
  });

  it('returns an empty value as it is', () => {
    expect(headerValue(headers, 'empty')).toBe('');
  });
});

describe('receiverFromAuthorizer', () => {
  it('reads the context the authorizer set (all strings)', () => {
    expect(receiverFromAuthorizer({ userId: 'u1', username: 'rodriq', roles: '["user","admin"]', language: 'de', principalId: 'u1' })).toStrictEqual({
      id: 'u1',
      username: 'rodriq',
      roles: ['user', 'admin'],
      language: 'de',
    });
  });

  it('turns empty username and language into undefined', () => {
    expect(receiverFromAuthorizer({ userId: 'u1', username: '', roles: '[]', language: '' })).toStrictEqual({
      id: 'u1',
      username: undefined,
      roles: [],
      language: undefined,
    });
  });

  it('has no receiver without a string user id', () => {
    expect(receiverFromAuthorizer(null)).toBeUndefined();
    expect(receiverFromAuthorizer(undefined)).toBeUndefined();
    expect(receiverFromAuthorizer({})).toBeUndefined();
    expect(receiverFromAuthorizer({ userId: '' })).toBeUndefined();
    expect(receiverFromAuthorizer({ userId: 42 })).toBeUndefined();
    expect(receiverFromAuthorizer({ principalId: 'u1' })).toBeUndefined();
  });

  it('reads roles defensively: bad JSON or a non-array gives no roles, non-strings are dropped', () => {
    expect(receiverFromAuthorizer({ userId: 'u1', roles: 'not json' })?.roles).toEqual([]);
    expect(receiverFromAuthorizer({ userId: 'u1', roles: '{"admin":true}' })?.roles).toEqual([]);
    expect(receiverFromAuthorizer({ userId: 'u1', roles: '"admin"' })?.roles).toEqual([]);
    expect(receiverFromAuthorizer({ userId: 'u1', roles: '["user",1,null,"bot"]' })?.roles).toEqual(['user', 'bot']);
    expect(receiverFromAuthorizer({ userId: 'u1', roles: ['admin'] })?.roles).toEqual([]);
    expect(receiverFromAuthorizer({ userId: 'u1' })?.roles).toEqual([]);
  });

  it('ignores non-string username and language', () => {
    const receiver = receiverFromAuthorizer({ userId: 'u1', username: 7, language: true });
    expect(receiver?.username).toBeUndefined();
    expect(receiver?.language).toBeUndefined();
  });
});
