/**
 * Reads MongoDB Extended JSON as `mongoexport` writes it (relaxed or canonical) into plain JSON
 * values, the JSON Rocket.Chat's own API would answer with: dates become ISO-8601 strings,
 * numbers JSON numbers, ObjectIds their hex string. Types push.get never reads (`$binary`,
 * `$timestamp`, `$regularExpression`, `$minKey`, …) are checked and converted by the `bson`
 * package and kept in their JSON form, so that they never stop an import.
 *
 * Dates, numbers and ObjectIds are read here, strictly: `bson` takes `{"$numberInt": "abc"}` for 0
 * and any text `Date.parse` accepts for a date, and a field push.get reads must not silently
 * become another value. A non-finite double (`NaN`, `Infinity`) is a valid value and kept as such;
 * the item mapping refuses it where push.get reads a number.
 */
import { EJSON } from 'bson';
import type { Json } from './core/domain';
import { parseIsoDateTime } from './core/iso-date';

export type { Json } from './core/domain';

export class EjsonError extends Error {}

const NUMBER_WRAPPERS = new Set(['$numberInt', '$numberLong', '$numberDouble', '$numberDecimal']);
/** Types whose value is a valid number even when it is not finite. */
const NON_FINITE_ALLOWED = new Set(['$numberDouble', '$numberDecimal']);

export function fromExtendedJson(value: unknown): Json {
  try {
    return convert(value);
  } catch (error) {
    if (error instanceof PathError) {
      throw new EjsonError(`${error.reason} in ${error.path || 'document'}`);
    }
    throw error;
  }
}

/**
 * The failing value's path is built while the error unwinds, so that the common case (no error)
 * builds no path strings.
 */
class PathError extends Error {
  /** Outermost step first, filled in as the error passes each level on its way out. */
  readonly steps: (string | number)[] = [];
  constructor(readonly reason: string) {
    super(reason);
  }
  within(step: string | number): PathError {
    this.steps.unshift(step);
    return this;
  }
  get path(): string {
    return this.steps.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
  }
}

function convert(value: unknown): Json {
  if (value === null || typeof value !== 'object') {
    return value as Json;
  }
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      try {
        out[index] = convert(value[index]);
      } catch (error) {
        throw error instanceof PathError ? error.within(index) : error;
      }
    }
    return out;
  }
  let first: string | undefined;
  for (const key in value) {
    first = key;
    break;
  }
  if (first?.startsWith('$')) {
    const converted = fromWrapper(first, value as Record<string, unknown>);
    if (converted !== NOT_A_TYPE) {
      return converted;
    }
  }
  const out: { [key: string]: Json } = {};
  for (const [key, inner] of Object.entries(value)) {
    try {
      out[key] = convert(inner);
    } catch (error) {
      throw error instanceof PathError ? error.within(key) : error;
    }
  }
  return out;
}

/** An object whose first key starts with `$` but is no Extended JSON type (a field named so). */
const NOT_A_TYPE = Symbol('not an Extended JSON type');

function fromWrapper(type: string, wrapper: Record<string, unknown>): Json | typeof NOT_A_TYPE {
  const inner = wrapper[type];
  if (type === '$date' || NUMBER_WRAPPERS.has(type) || type === '$oid') {
    if (Object.keys(wrapper).length !== 1) {
      throw new PathError(`unexpected keys beside ${type}`);
    }
    if (type === '$date') {
      return dateToIso(inner);
    }
    if (type === '$oid') {
      if (typeof inner !== 'string' || !/^[0-9a-fA-F]{24}$/.test(inner)) {
        throw new PathError('invalid $oid');
      }
      return inner;
    }
    return toNumber(inner, type);
  }
  let typed: unknown;
  try {
    typed = EJSON.deserialize({ value: wrapper }, { relaxed: false }).value;
  } catch {
    // bson's messages quote the value; the import's errors never do.
    throw new PathError(`invalid ${type}`);
  }
  if (typed === undefined || typed === null) {
    return null; // $undefined, which bson reads as null
  }
  if (typed !== null && typeof typed === 'object' && '_bsontype' in typed) {
    // The JSON the bson type writes for itself, as Rocket.Chat's JSON answers would carry it.
    return JSON.parse(JSON.stringify(typed)) as Json;
  }
  return NOT_A_TYPE;
}

function dateToIso(inner: unknown): string {
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
    throw new PathError('invalid $date');
  }
  return new Date(millis).toISOString();
}

/** `Number('')` is 0: a blank string is no number. */
function numberFromString(inner: unknown): number {
  return typeof inner === 'string' && inner.trim() !== '' ? Number(inner) : Number.NaN;
}

/** `NaN`, `Infinity` and `-Infinity` are how Extended JSON writes the non-finite doubles. */
function toNumber(inner: unknown, type: string): number {
  if (NON_FINITE_ALLOWED.has(type) && (inner === 'NaN' || inner === '-NaN')) {
    return Number.NaN;
  }
  const number = numberFromString(inner);
  if (Number.isNaN(number) || (!Number.isFinite(number) && !NON_FINITE_ALLOWED.has(type))) {
    throw new PathError(`invalid ${type}`);
  }
  return number;
}
