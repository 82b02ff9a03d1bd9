/**
 * Reads MongoDB Extended JSON as `mongoexport` writes it (relaxed or canonical) into plain JSON
 * values: dates become ISO-8601 strings, numbers JSON numbers, ObjectIds their hex string.
 * Any other `$` type is refused, so that nothing is stored in a shape the service cannot read.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export class EjsonError extends Error {}

const NUMBER_WRAPPERS = new Set(['$numberInt', '$numberLong', '$numberDouble', '$numberDecimal']);

export function fromExtendedJson(value: unknown, path = ''): Json {
  if (value === null || typeof value !== 'object') {
    return value as Json;
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => fromExtendedJson(item, `${path}[${index}]`));
  }
  const entries = Object.entries(value);
  const first = entries[0]?.[0];
  if (first?.startsWith('$')) {
    return fromWrapper(first, entries, path);
  }
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of entries) {
    out[key] = fromExtendedJson(inner, path ? `${path}.${key}` : key);
  }
  return out;
}

function fromWrapper(type: string, entries: [string, unknown][], path: string): Json {
  const where = path || 'document';
  if (entries.length !== 1) {
    throw new EjsonError(`unexpected keys beside ${type} in ${where}`);
  }
  const inner = entries[0]![1];
  if (type === '$date') {
    return dateToIso(inner, where);
  }
  if (NUMBER_WRAPPERS.has(type)) {
    return toNumber(inner, type, where);
  }
  if (type === '$oid' && typeof inner === 'string') {
    return inner;
  }
  throw new EjsonError(`unsupported Extended JSON type ${type} in ${where}`);
}

/**
 * An ISO-8601 date-time with its zone, as relaxed Extended JSON writes dates (`+0000` offsets
 * included, as older tools wrote them). Checked before `Date.parse`, which alone would also take
 * text such as `"x 5"` or `"token-31415"` for a date.
 */
const ISO_DATE_TIME = /^(?:\d{4}|[+-]\d{6})-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds of an ISO-8601 date-time string; NaN for anything else. */
export function parseIsoDateTime(text: string): number {
  return ISO_DATE_TIME.test(text) ? Date.parse(text) : Number.NaN;
}

function dateToIso(inner: unknown, where: string): string {
  let millis: number;
  if (typeof inner === 'string') {
    millis = parseIsoDateTime(inner);
  } else if (typeof inner === 'number') {
    millis = inner;
  } else if (inner !== null && typeof inner === 'object' && '$numberLong' in inner) {
    millis = numberFromString((inner as { $numberLong: unknown }).$numberLong);
  } else {
    millis = Number.NaN;
  }
  // Past ±8.64e15 ms a Date is invalid and toISOString would throw a RangeError.
  if (!Number.isFinite(millis) || Number.isNaN(new Date(millis).getTime())) {
    throw new EjsonError(`invalid $date in ${where}`);
  }
  return new Date(millis).toISOString();
}

/** `Number('')` is 0: a blank string is no number. */
function numberFromString(inner: unknown): number {
  return typeof inner === 'string' && inner.trim() !== '' ? Number(inner) : Number.NaN;
}

function toNumber(inner: unknown, type: string, where: string): number {
  const number = numberFromString(inner);
  if (!Number.isFinite(number)) {
    throw new EjsonError(`invalid ${type} in ${where}`);
  }
  return number;
}
