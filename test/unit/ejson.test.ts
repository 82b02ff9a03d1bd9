import { describe, it, expect } from 'vitest';
import { EjsonError, fromExtendedJson } from '../../lib/ejson';

const TS = '2021-10-22T14:29:23.581Z';
const TS_MS = Date.parse(TS);

function refusal(value: unknown): string {
  try {
    fromExtendedJson(value);
  } catch (error) {
    expect(error).toBeInstanceOf(EjsonError);
    return (error as Error).message;
  }
  throw new Error('expected the value to be refused');
}

describe('dates', () => {
  it('reads relaxed dates (ISO strings) as ISO-8601 UTC with milliseconds', () => {
    expect(fromExtendedJson({ $date: TS })).toBe(TS);
    expect(fromExtendedJson({ $date: '2021-10-22T16:29:23.581+02:00' })).toBe(TS);
    expect(fromExtendedJson({ $date: '2021-10-22T14:29:23Z' })).toBe('2021-10-22T14:29:23.000Z');
    expect(fromExtendedJson({ $date: '2021-10-22T14:29:23.581+0000' })).toBe(TS); // older tools' offset form
  });

  it('keeps years past 9999 (as JavaScript writes them)', () => {
    expect(fromExtendedJson({ $date: '+010000-01-01T00:00:00.000Z' })).toBe('+010000-01-01T00:00:00.000Z');
  });

  it('reads canonical dates ($numberLong milliseconds)', () => {
    expect(fromExtendedJson({ $date: { $numberLong: String(TS_MS) } })).toBe(TS);
    expect(fromExtendedJson({ $date: { $numberLong: '-86400000' } })).toBe('1969-12-31T00:00:00.000Z');
    expect(fromExtendedJson({ $date: { $numberLong: '0' } })).toBe('1970-01-01T00:00:00.000Z');
  });

  it('reads legacy numeric dates', () => {
    expect(fromExtendedJson({ $date: TS_MS })).toBe(TS);
  });

  it('converts dates anywhere in a document', () => {
    expect(fromExtendedJson({ ts: { $date: TS }, edits: [{ at: { $date: { $numberLong: String(TS_MS) } } }] })).toStrictEqual({
      ts: TS,
      edits: [{ at: TS }],
    });
  });

  it.each([
    ['a string that is no date', { $date: 'yesterday' }],
    ['an empty string', { $date: '' }],
    ['text that V8 would read as a date', { $date: 'x-1' }],
    ['text with a number V8 would read as a year', { $date: 'token-31415' }],
    ['a date without time', { $date: '2021-10-22' }],
    ['a date-time without zone', { $date: '2021-10-22T14:29:23.581' }],
    ['an impossible month', { $date: '2021-13-22T14:29:23.581Z' }],
    ['a $numberLong that is no number', { $date: { $numberLong: 'abc' } }],
    ['an empty $numberLong', { $date: { $numberLong: '' } }],
    ['an object without $numberLong', { $date: { millis: 1 } }],
    ['null', { $date: null }],
    ['a boolean', { $date: true }],
    ['a date out of range', { $date: { $numberLong: '100000000000000000000' } }],
    ['a number out of range', { $date: 8.64e15 + 1 }],
    ['extra keys beside $date', { $date: TS, other: 1 }],
  ])('refuses %s', (_, value) => {
    expect(refusal({ ts: value })).toMatch(/ in ts$/);
  });
});

describe('numbers', () => {
  it('reads $numberInt, $numberLong, $numberDouble and $numberDecimal as JSON numbers', () => {
    expect(fromExtendedJson({ $numberInt: '90' })).toBe(90);
    expect(fromExtendedJson({ $numberInt: '-7' })).toBe(-7);
    expect(fromExtendedJson({ $numberLong: '1634912963581' })).toBe(1634912963581);
    expect(fromExtendedJson({ $numberDouble: '1.5' })).toBe(1.5);
    expect(fromExtendedJson({ $numberDouble: '-0.25' })).toBe(-0.25);
    expect(fromExtendedJson({ $numberDecimal: '2.75' })).toBe(2.75);
    expect(fromExtendedJson({ unread: { $numberInt: '3' } })).toStrictEqual({ unread: 3 });
  });

  it('leaves relaxed numbers, strings, booleans and null as they are', () => {
    const plain = { a: 1, b: 2.5, c: 'text', d: true, e: null, f: [1, 'two', false], g: { h: {} } };
    expect(fromExtendedJson(plain)).toStrictEqual(plain);
    expect(fromExtendedJson('$date')).toBe('$date');
    expect(fromExtendedJson({ price: '$5' })).toStrictEqual({ price: '$5' });
  });

  it.each([
    ['$numberInt', 'abc'],
    ['$numberInt', ''],
    ['$numberInt', '  '],
    ['$numberLong', 'twelve'],
    ['$numberLong', '1e400'],
    ['$numberInt', 'NaN'],
    ['$numberDouble', 'abc'],
    ['$numberDecimal', 'x'],
  ])('refuses %s %j', (type, text) => {
    expect(refusal({ n: { [type]: text } })).toBe(`invalid ${type} in n`);
  });

  it('keeps the non-finite doubles and decimals (counters in users.services, room statistics): the mapping refuses them where push.get reads a number', () => {
    expect(fromExtendedJson({ n: { $numberDouble: 'NaN' } })).toStrictEqual({ n: Number.NaN });
    expect(fromExtendedJson({ n: { $numberDouble: 'Infinity' } })).toStrictEqual({ n: Infinity });
    expect(fromExtendedJson({ n: { $numberDouble: '-Infinity' } })).toStrictEqual({ n: -Infinity });
    expect(fromExtendedJson({ n: { $numberDecimal: 'NaN' } })).toStrictEqual({ n: Number.NaN });
    expect(fromExtendedJson({ n: { $numberDecimal: '1e400' } })).toStrictEqual({ n: Infinity });
    // As a message answer (JSON), a non-finite number is null, as in Rocket.Chat's own answer.
    expect(JSON.stringify(fromExtendedJson({ n: { $numberDouble: 'NaN' } }))).toBe('{"n":null}');
  });

  it('refuses a number wrapper whose value is not a string', () => {
    expect(refusal({ n: { $numberInt: 5 } })).toBe('invalid $numberInt in n');
    expect(refusal({ n: { $numberLong: null } })).toBe('invalid $numberLong in n');
  });
});

describe('ObjectId', () => {
  it('reads $oid as its hex string', () => {
    expect(fromExtendedJson({ _id: { $oid: '5f1d7a1b2c3d4e5f6a7b8c9d' } })).toStrictEqual({ _id: '5f1d7a1b2c3d4e5f6a7b8c9d' });
  });

  it('refuses an $oid that is not a string', () => {
    expect(refusal({ _id: { $oid: 12 } })).toMatch(/\$oid in _id$/);
  });
});

describe('other Extended JSON types (fields push.get never reads)', () => {
  it.each([
    ['$binary', { base64: 'AAEC', subType: '00' }, 'AAEC'],
    ['$uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567-e89b-12d3-a456-426614174000'],
    ['$regularExpression', { pattern: '^a', options: 'i' }, { pattern: '^a', options: 'i' }],
    ['$timestamp', { t: 1, i: 1 }, { $timestamp: '4294967297' }],
    ['$undefined', true, null],
    ['$minKey', 1, {}],
    ['$maxKey', 1, {}],
    ['$symbol', 'x', 'x'],
    ['$code', 'function () {}', { code: 'function () {}' }],
  ])('reads %s into its JSON form', (type, inner, json) => {
    expect(fromExtendedJson({ field: { [type]: inner } })).toStrictEqual({ field: json });
  });

  it('reads them anywhere in a document, beside the values push.get reads', () => {
    const user = {
      _id: 'u1',
      services: { password: { bcrypt: 'x' }, totp: { secret: { $binary: { base64: 'AAEC', subType: '00' } } }, email2fa: { attempts: { $numberDouble: 'NaN' } } },
      createdAt: { $date: '2021-10-22T14:29:23.581Z' },
      lastSync: { $timestamp: { t: 5, i: 2 } },
    };
    expect(fromExtendedJson(user)).toStrictEqual({
      _id: 'u1',
      services: { password: { bcrypt: 'x' }, totp: { secret: 'AAEC' }, email2fa: { attempts: Number.NaN } },
      createdAt: TS,
      lastSync: { $timestamp: '21474836482' },
    });
  });

  it('keeps a field whose name starts with $ but is no type as a plain object', () => {
    expect(fromExtendedJson({ x: { $custom: 1, other: { $date: TS } } })).toStrictEqual({ x: { $custom: 1, other: TS } });
  });

  it.each([
    ['$binary', 'not an object'],
    ['$timestamp', { t: -1, i: 1 }],
    ['$regularExpression', { pattern: 'a', options: 'zz' }],
    ['$dbPointer', {}],
  ])('refuses a malformed %s', (type, inner) => {
    expect(refusal({ field: { [type]: inner } })).toBe(`invalid ${type} in field`);
  });
});

describe('error messages', () => {
  it('name the nested path of the bad value', () => {
    expect(refusal({ a: { b: [{ c: 1 }, { c: { $date: 'nope' } }] } })).toBe('invalid $date in a.b[1].c');
    expect(refusal({ list: [1, 2, { $numberInt: 'x' }] })).toBe('invalid $numberInt in list[2]');
    expect(refusal({ services: { resume: { loginTokens: [{ when: { $binary: {} } }] } } })).toBe('invalid $binary in services.resume.loginTokens[0].when');
  });

  it("say 'document' for a wrapper at the top", () => {
    expect(refusal({ $date: 'nope' })).toBe('invalid $date in document');
  });

  it('never quote the value', () => {
    const secret = 'hunter2-secret-value';
    for (const value of [{ $date: secret }, { $numberInt: secret }, { $date: { $numberLong: secret } }, { $binary: secret }, { $date: secret, x: secret }]) {
      expect(refusal({ token: value })).not.toContain(secret);
    }
  });
});
