/** The store's item conversion writes directly what it can; the contract is util-dynamodb's marshall with the store's options. */
import { marshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { itemAttributes } from '../../lib/dynamodb/dynamo-store';

function outcome(convert: (item: Record<string, unknown>) => unknown, item: Record<string, unknown>): { value?: unknown; error?: string } {
  try {
    return { value: convert(item) };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

const attribute = fc.oneof(
  fc.string(),
  fc.boolean(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, -(2 ** 60), 1e-7, 1e21),
  fc.constant(undefined),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.uint8Array({ maxLength: 8 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);
const name = fc.oneof(fc.constantFrom('pk', 'sk', 'version', 'unread', 'badgeUser', '__proto__', ''), fc.string({ maxLength: 6 }));

describe('itemAttributes', () => {
  it('makes the attribute values marshall makes (undefined removed), errors included', () => {
    fc.assert(
      fc.property(fc.dictionary(name, attribute, { maxKeys: 8 }), (item) => {
        expect(outcome(itemAttributes, item)).toEqual(outcome((value) => marshall(value, { removeUndefinedValues: true }), item));
      }),
      { numRuns: 3000 },
    );
  });

  it('writes a subscription item attribute by attribute', () => {
    const item = { pk: 'USER#u1', sk: 'SUB#r1', subId: 's1', rid: 'r1', name: 'general', fname: undefined, unread: 2, archived: false, badgeUser: 'u1', version: '1764662400.0000000001' };
    expect(itemAttributes(item)).toEqual({
      pk: { S: 'USER#u1' },
      sk: { S: 'SUB#r1' },
      subId: { S: 's1' },
      rid: { S: 'r1' },
      name: { S: 'general' },
      unread: { N: '2' },
      archived: { BOOL: false },
      badgeUser: { S: 'u1' },
      version: { S: '1764662400.0000000001' },
    });
  });
});
