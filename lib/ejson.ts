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

function dateToIso(inner: unknown, where: string): string {
  let millis: number;
  if (typeof inner === 'string') {
    millis = Date.parse(inner);
  } else if (typeof inner === 'number') {
    millis = inner;
  } else if (inner !== null && typeof inner === 'object' && '$numberLong' in inner) {
    millis = Number((inner as { $numberLong: unknown }).$numberLong);
  } else {
    millis = Number.NaN;
  }
  if (!Number.isFinite(millis)) {
    throw new EjsonError(`invalid $date in ${where}`);
  }
  return new Date(millis).toISOString();
}

function toNumber(inner: unknown, type: string, where: string): number {
  const number = typeof inner === 'string' ? Number(inner) : Number.NaN;
  if (!Number.isFinite(number)) {
    throw new EjsonError(`invalid ${type} in ${where}`);
  }
  return number;
}
