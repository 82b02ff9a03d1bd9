/**
 * A MongoDB change event, in the shape the official driver's `watch()` yields (and the shape a
 * replay file holds, one event a line in Extended JSON), and the version every write derives
 * from its cluster time.
 */
import { EJSON, Timestamp, type ObjectId } from 'bson';
import { fromExtendedJson, type Json } from '../ejson';

/** `clusterTime` as the driver gives it (a bson Timestamp), or as Extended JSON left it. */
export type ClusterTime = Timestamp | { $timestamp: { t: number; i: number } } | { t: number; i: number };

export type OperationType = 'insert' | 'update' | 'replace' | 'delete' | 'drop' | 'rename' | 'dropDatabase' | 'invalidate';

export interface UpdateDescription {
  /** Dotted paths → new values (`services.resume.loginTokens.3` for a pushed array element). */
  updatedFields?: Record<string, unknown>;
  removedFields?: string[];
  truncatedArrays?: { field: string; newSize: number }[];
}

export interface ChangeEvent {
  /** The resume token (`{_data: '…'}`); opaque here, the relay checkpoints it. */
  _id: unknown;
  operationType: OperationType | (string & {});
  clusterTime: ClusterTime;
  wallTime?: Date;
  ns?: { db: string; coll?: string };
  documentKey?: { _id: unknown };
  /**
   * The document after the change. For updates (with `fullDocument: 'updateLookup'`) it is the
   * document as it was when the server looked it up, possibly newer than the event, and `null`
   * when the document was deleted since.
   */
  fullDocument?: Record<string, unknown> | null;
  updateDescription?: UpdateDescription;
}

/**
 * The version of an item: the cluster time of the change that wrote it, as a fixed-width decimal
 * string `<t:10 digits>.<i:10 digits>` (seconds, increment; both are unsigned 32-bit). A string,
 * not a number: t·2³²+i is about 7·10¹⁸, past the 2⁵³ a JavaScript number holds exactly, so the
 * increment would be lost; fixed width makes DynamoDB's string comparison (`#v < :v` in a
 * condition expression) the same order as the cluster time's, and the first ten digits stay
 * readable as epoch seconds.
 */
export type Version = string;

/** What the file import writes: lower than any cluster time, so every streamed change supersedes it. */
export const IMPORT_VERSION: Version = versionFromParts(0, 0);

const UINT32_MAX = 0xffff_ffff;

export class InvalidClusterTime extends Error {}

export function versionOf(clusterTime: ClusterTime | unknown): Version {
  const parts = timestampParts(clusterTime);
  if (!parts) {
    throw new InvalidClusterTime('clusterTime is not a BSON timestamp');
  }
  return versionFromParts(parts.t, parts.i);
}

function versionFromParts(t: number, i: number): Version {
  return `${String(t).padStart(10, '0')}.${String(i).padStart(10, '0')}`;
}

function timestampParts(value: unknown): { t: number; i: number } | undefined {
  if (value === null || typeof value !== 'object') {
    return undefined;
  }
  const raw = value instanceof Timestamp ? { t: value.t, i: value.i } : '$timestamp' in value ? (value as { $timestamp: unknown }).$timestamp : value;
  if (raw === null || typeof raw !== 'object') {
    return undefined;
  }
  const { t, i } = raw as { t?: unknown; i?: unknown };
  const valid = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= UINT32_MAX;
  return valid(t) && valid(i) ? { t, i } : undefined;
}

/**
 * A document as the driver or EJSON.parse gives it (Dates, ObjectIds, Longs…) as the plain JSON
 * the item mapping reads: what the import's Extended JSON reader makes of the document's relaxed
 * Extended JSON. The common values (plain objects and arrays, strings, numbers, booleans, Dates,
 * ObjectIds) are converted in one walk, without writing and reading the Extended JSON (about
 * 60 µs of CPU per change event, docs/performance.md); anything else, and any value that reader
 * refuses, takes that reader's path, so results and error messages are the same.
 */
export function toJsonDocument(value: unknown): Json {
  if (value !== undefined) {
    try {
      return plainJson(value);
    } catch (error) {
      if (error !== NOT_PLAIN) throw error;
    }
  }
  return fromExtendedJson(EJSON.serialize(value, { relaxed: true }));
}

/** Thrown by `plainJson` for a value whose conversion (or refusal) the Extended JSON reader decides. */
const NOT_PLAIN = Symbol('not plain JSON');

function plainJson(value: unknown): Json {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // Relaxed Extended JSON writes a finite double as a JSON number (−0 as 0) and a non-finite one as $numberDouble.
      return value === 0 ? 0 : value;
    case 'object':
      break;
    default:
      throw NOT_PLAIN;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out: Json[] = new Array(value.length);
    for (let index = 0; index < value.length; index++) {
      const inner: unknown = value[index];
      out[index] = inner === undefined ? null : plainJson(inner);
    }
    return out;
  }
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw NOT_PLAIN;
    return value.toISOString();
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) {
    if ((value as { _bsontype?: unknown })._bsontype === 'ObjectId') return (value as ObjectId).toHexString();
    throw NOT_PLAIN;
  }
  const out: { [key: string]: Json } = {};
  let first = true;
  for (const key in value) {
    // A first key starting with `$` may make the object an Extended JSON type; `_bsontype` makes it a BSON one.
    if ((first && key.startsWith('$')) || key === '_bsontype' || key === '__proto__') throw NOT_PLAIN;
    first = false;
    const inner: unknown = (value as Record<string, unknown>)[key];
    // Extended JSON writes `undefined` as null, in objects as in arrays.
    out[key] = inner === undefined ? null : plainJson(inner);
  }
  return out;
}

/** One line of a replay file: canonical or relaxed Extended JSON of one change event. */
export function parseChangeEventLine(line: string): ChangeEvent {
  return EJSON.parse(line, { relaxed: false }) as ChangeEvent;
}
