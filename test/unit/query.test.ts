import { describe, it, expect } from 'vitest';
import { BadRequest } from '../../lib/core/errors';
import { messageIdFrom, type QueryParameters } from '../../functions/push-get/query';

const MISSING = "Match error: Missing key 'id'";
const NOT_A_STRING = 'Match error: Expected string, got object in field id';

/** The two maps API Gateway (REST, v1) builds from a query string: last value wins in `single`. */
function query(pairs: [string, string][]): QueryParameters {
  if (pairs.length === 0) return { single: null, multi: null };
  const single: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [key, value] of pairs) {
    single[key] = value;
    (multi[key] ??= []).push(value);
  }
  return { single, multi };
}

function refusal(parameters: QueryParameters): string {
  try {
    messageIdFrom(parameters);
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequest);
    return (error as BadRequest).message;
  }
  throw new Error('expected a BadRequest');
}

describe('messageIdFrom', () => {
  it('returns the id', () => {
    expect(messageIdFrom(query([['id', 'WkbwSntxt8D3jLp8G']]))).toBe('WkbwSntxt8D3jLp8G');
  });

  it('ignores extra keys', () => {
    expect(
      messageIdFrom(
        query([
          ['foo', 'bar'],
          ['id', 'abc'],
          ['token', 'x'],
        ]),
      ),
    ).toBe('abc');
  });

  it('accepts an empty id (it ends in message-not-found later)', () => {
    expect(messageIdFrom(query([['id', '']]))).toBe('');
  });

  it('keeps the id verbatim (spaces, unicode, punctuation)', () => {
    expect(messageIdFrom(query([['id', ' a b/ä?& ']]))).toBe(' a b/ä?& ');
  });

  it('works with only one of the two maps', () => {
    expect(messageIdFrom({ single: { id: 'x' }, multi: null })).toBe('x');
    expect(messageIdFrom({ single: null, multi: { id: ['y'] } })).toBe('y');
  });

  it("refuses a missing id with Rocket.Chat's Match error", () => {
    expect(refusal({ single: null, multi: null })).toBe(MISSING);
    expect(refusal({ single: {}, multi: {} })).toBe(MISSING);
    expect(refusal(query([['foo', 'bar']]))).toBe(MISSING);
    expect(refusal(query([['ID', 'x']]))).toBe(MISSING); // keys are case-sensitive
    expect(refusal(query([['ids', 'x']]))).toBe(MISSING);
  });

  it('refuses an id given more than once as an object', () => {
    expect(
      refusal(
        query([
          ['id', 'a'],
          ['id', 'b'],
        ]),
      ),
    ).toBe(NOT_A_STRING);
    expect(
      refusal(
        query([
          ['id', 'a'],
          ['id', 'a'],
        ]),
      ),
    ).toBe(NOT_A_STRING);
  });

  it('refuses bracketed id keys (arrays and objects in qs syntax)', () => {
    expect(refusal(query([['id[]', 'a']]))).toBe(NOT_A_STRING);
    expect(refusal(query([['id[0]', 'a']]))).toBe(NOT_A_STRING);
    expect(refusal(query([['id[x]', 'a']]))).toBe(NOT_A_STRING);
    expect(
      refusal(
        query([
          ['id', 'a'],
          ['id[]', 'b'],
        ]),
      ),
    ).toBe(NOT_A_STRING);
    expect(refusal(query([['id[a][b]', 'c']]))).toBe(NOT_A_STRING);
  });

  it('takes an unclosed bracket as a plain key, as the query-string parser does', () => {
    expect(refusal(query([['id[', 'a']]))).toBe("Match error: Missing key 'id'");
  });

  it('does not take keys that merely start with "id" for the id', () => {
    expect(refusal(query([['idx', 'a']]))).toBe(MISSING);
    expect(refusal(query([['_id', 'a']]))).toBe(MISSING);
  });
});
