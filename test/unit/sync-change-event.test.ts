/**
 * toJsonDocument converts the driver's values in one walk; the contract is the import's Extended
 * JSON reader applied to the value's relaxed Extended JSON: same JSON, same refusals.
 */
import { Binary, Decimal128, Double, EJSON, Int32, Long, ObjectId, Timestamp } from 'bson';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromExtendedJson } from '../../lib/ejson';
import { toJsonDocument } from '../../lib/sync/change-event';

function throughExtendedJson(value: unknown): unknown {
  return fromExtendedJson(EJSON.serialize(value, { relaxed: true }));
}

function outcome(convert: (value: unknown) => unknown, value: unknown): { value?: unknown; error?: string } {
  try {
    return { value: convert(value) };
  } catch (error) {
    return { error: `${(error as Error).constructor.name}: ${(error as Error).message}` };
  }
}

const key = fc.oneof(fc.constantFrom('_id', 'u', 'rid', 'ts', 'msg', 'a.b', '$date', '$oid', '$numberInt', '$foo', '_bsontype', ''), fc.string({ maxLength: 6 }));
const date = fc.oneof(
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }),
  fc.constant(new Date(Number.NaN)),
  fc.constantFrom(new Date(0), new Date(-1), new Date(253402300799999), new Date(253402300800000)),
);
const scalar = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.constantFrom(0, -0, Number.NaN, Infinity, -Infinity, 2 ** 53, -(2 ** 31) - 1),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  date,
  fc.uint8Array({ maxLength: 12 }).map((bytes) => new Binary(bytes)),
  fc.constant(new ObjectId()),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((n) => Long.fromBigInt(n)),
  fc.double().map((n) => new Double(n)),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }).map((n) => new Int32(n)),
  fc.constantFrom('1.5', '-0', 'NaN', 'Infinity', '1E+6144').map((text) => Decimal128.fromString(text)),
  fc.constant(new Timestamp({ t: 1_700_000_000, i: 3 })),
);
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(key, tie('value'), { maxKeys: 5 })),
}));

describe('toJsonDocument', () => {
  it('gives what the Extended JSON reader gives for any driver value, errors included', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(outcome(toJsonDocument, v)).toEqual(outcome(throughExtendedJson, v));
      }),
      { numRuns: 3000 },
    );
  });

  it('converts a change event document the way the import reads its export', () => {
    const ts = new Date('2026-12-02T08:00:00.123Z');
    const doc = { _id: new ObjectId('65f0c0ffee0000000000beef'), rid: 'GENERAL', ts, u: { _id: 'bob', username: 'bob' }, unread: 3, mentions: [], tmid: undefined, neg: -0, nan: Number.NaN };
    expect(toJsonDocument(doc)).toEqual({
      _id: '65f0c0ffee0000000000beef',
      rid: 'GENERAL',
      ts: '2026-12-02T08:00:00.123Z',
      u: { _id: 'bob', username: 'bob' },
      unread: 3,
      mentions: [],
      tmid: null,
      neg: 0,
      nan: Number.NaN,
    });
  });

  it('refuses an invalid date with its path, as the import does', () => {
    expect(() => toJsonDocument({ u: { ts: new Date(Number.NaN) } })).toThrow('invalid $date in u.ts');
  });
});
