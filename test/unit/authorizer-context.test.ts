import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeAuthorizerContext, deliveredContext, encodeAuthorizerContext } from '../../functions/commons/authorizer-context';

const ALLOW = { Version: '2012-10-17', Statement: [] };

describe('authorizer context codec', () => {
  it('what the authorizer encodes, the handler decodes after API Gateway turned it into strings', () => {
    const user = fc.record({
      id: fc.string({ minLength: 1 }),
      username: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
      active: fc.constant(true),
      roles: fc.array(fc.string()),
      language: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(user, (u) => {
        const delivered = deliveredContext({ principalId: u.id, policyDocument: ALLOW, context: encodeAuthorizerContext(u) });
        expect(decodeAuthorizerContext(delivered)).toStrictEqual({ id: u.id, username: u.username, roles: u.roles, language: u.language });
      }),
    );
  });

  it('delivers every value as a string, with the principal id', () => {
    expect(deliveredContext({ principalId: 'p', policyDocument: ALLOW, context: { n: 1, b: false, s: 'x' } })).toStrictEqual({ n: '1', b: 'false', s: 'x', principalId: 'p' });
  });
});
