/**
 * Imports a `mongoexport` directory in two passes: the first reads and checks every document and
 * writes nothing, so bad input stops the import with `file:line` before the table is touched (or
 * created); the second writes. Writes only add or replace items, so a re-run (or a run after an
 * interruption) converges to the same table and a re-import never removes anything; `prune`
 * removes, after a complete import, the items of the present collections the export no longer has.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportError } from '../core/errors';
import type { DynamoStore } from '../dynamodb/dynamo-store';
import { COLLECTIONS, importItemsForDocument, InvalidDocument, LOAD_ORDER, type Collection, type Item } from '../dynamodb/items';
import { collectionOfKey, isPointerKey, keyString, TOKEN_SK_PREFIX } from '../dynamodb/keys';
import { IMPORT_VERSION } from '../sync/change-event';
import { missingIdentitySettings, type SettingId } from '../core/settings';
import { readExport } from './export-reader';
import { ExportKeys } from './export-keys';

const DOCS_PER_WRITE = 200;
/** Write batches in flight at once: DynamoDB answers each in milliseconds, so a few overlap well. */
const WRITES_IN_FLIGHT = 4;
const CHECK_PROGRESS_EVERY = 1000;

export interface ImportSummary {
  /** Items written (or, in a dry run, to write) per entity (user, token, room, …). */
  items: Record<string, number>;
  /** Documents read per collection, and how many were skipped as not used by push.get. */
  documents: Record<string, { read: number; skipped: number }>;
  /** With `prune`: items removed (or, in a dry run, to remove) per collection. */
  pruned?: Record<string, number>;
  /** Things the operator should know that did not stop the import (misnamed files, …). */
  warnings: string[];
}

export interface ImportOptions {
  /** Write pass: documents of a collection written so far. */
  onProgress?: (collection: Collection, written: number, total: number) => void;
  /** Check pass: documents of a collection read and checked so far (`done` once it is all read). */
  onCheckProgress?: (collection: Collection, read: number, done: boolean) => void;
  onWarning?: (message: string) => void;
  /** Read and check everything, write nothing (with `prune`: count what it would remove). */
  dryRun?: boolean;
  /** After a complete import, remove the items of the present collections the export no longer has. */
  prune?: boolean;
  /** Runs after the check pass and before the first write (a local engine's table is created here). */
  beforeWrite?: () => Promise<void>;
}

export async function importExport(store: DynamoStore, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    options.onWarning?.(message);
  };
  const files = await presentFiles(dir, warn);
  const { summary, exportedKeys, identity } = await checkExport(dir, files, options);
  missingIdentitySettings(identity).forEach(warn);
  summary.warnings = warnings;
  if (!options.dryRun) {
    await options.beforeWrite?.();
    for (const collection of LOAD_ORDER) {
      if (files.has(collection)) {
        await writeCollection(store, dir, collection, summary.documents[collection]!.read, options);
      }
    }
  }
  if (options.prune) {
    summary.pruned = await prune(store, files, exportedKeys, options.dryRun === true);
  }
  if (!options.dryRun) {
    // Settings and permissions may have changed: running handlers re-read them on their next request.
    await store.touchConfigStamp(IMPORT_VERSION);
  }
  return summary;
}

async function writeCollection(store: DynamoStore, dir: string, collection: Collection, total: number, options: ImportOptions): Promise<void> {
  let written = 0;
  let items: Item[] = [];
  let docs = 0;
  const inFlight = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const flush = async () => {
    const [batch, count] = [items, docs];
    [items, docs] = [[], 0];
    const write: Promise<void> = store
      .putItems(batch)
      .then(
        () => {
          written += count;
          options.onProgress?.(collection, written, total);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      )
      .finally(() => inFlight.delete(write));
    inFlight.add(write);
    if (inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(inFlight);
    if (failure) throw failure.error;
  };
  for await (const { doc } of readExport(join(dir, `${collection}.json`))) {
    items.push(...importItemsForDocument(collection, doc, IMPORT_VERSION).items);
    if (++docs >= DOCS_PER_WRITE) await flush();
  }
  if (docs > 0) await flush();
  await Promise.all(inFlight);
  if (failure) throw failure.error;
}

/** The known collection files present; any other `.json` file is reported, with the expected names. */
async function presentFiles(dir: string, warn: (message: string) => void): Promise<Set<Collection>> {
  let names: string[];
  try {
    if (!(await stat(dir)).isDirectory()) throw new Error('not a directory');
    names = await readdir(dir);
  } catch {
    throw new ImportError(dir, 'export directory not found');
  }
  const expected = COLLECTIONS.map((collection) => `${collection}.json`);
  const present = new Set<Collection>(COLLECTIONS.filter((collection) => names.includes(`${collection}.json`)));
  const misnamed = names.filter((name) => name.toLowerCase().endsWith('.json') && !expected.includes(name)).sort();
  for (const name of misnamed) {
    const guess = likelyMeant(name, expected);
    warn(`ignored ${name}: not a collection the import reads${guess ? ` (did you mean ${guess}?)` : ''}; expected file names: ${expected.join(', ')}`);
  }
  if (present.size === 0) {
    throw new ImportError(dir, `no export files found (expected any of ${expected.join(', ')})`);
  }
  return present;
}

/** A known name differing only in case or a plural `s` (`Users.json`, `rocketchat_subscriptions.json`). */
function likelyMeant(name: string, expected: string[]): string | undefined {
  const stem = name.toLowerCase().replace(/\.json$/, '');
  return expected.find((known) => {
    const knownStem = known.replace(/\.json$/, '');
    return stem === knownStem || stem === `${knownStem}s` || `${stem}s` === knownStem;
  });
}

/** Where a key was first seen, as one number: the line and the collection. */
const encodeWhere = (collection: Collection, line: number) => line * COLLECTIONS.length + COLLECTIONS.indexOf(collection);
const decodeWhere = (where: number) => `${COLLECTIONS[where % COLLECTIONS.length]}.json:${Math.floor(where / COLLECTIONS.length)}`;

/** The read-only first pass: parses, maps and counts everything, and finds duplicates. */
async function checkExport(dir: string, files: Set<Collection>, options: ImportOptions): Promise<{ summary: ImportSummary; exportedKeys: ExportKeys; identity: Partial<Record<SettingId, unknown>> }> {
  const summary: ImportSummary = { items: {}, documents: {}, warnings: [] };
  const identity: Partial<Record<SettingId, unknown>> = {};
  const exportedKeys = new ExportKeys();
  for (const collection of LOAD_ORDER) {
    if (!files.has(collection)) continue;
    const counts = { read: 0, skipped: 0 };
    summary.documents[collection] = counts;
    const file = `${collection}.json`;
    for await (const { line, doc } of readExport(join(dir, file), file)) {
      const where = `${file}:${line}`;
      if (++counts.read % CHECK_PROGRESS_EVERY === 0) options.onCheckProgress?.(collection, counts.read, false);
      let mapped;
      try {
        mapped = importItemsForDocument(collection, doc, IMPORT_VERSION);
      } catch (error) {
        throw error instanceof InvalidDocument ? new ImportError(where, error.message) : error;
      }
      if (!mapped.entity) {
        counts.skipped++;
        continue;
      }
      for (const item of mapped.items) {
        const first = exportedKeys.add(keyString(item), encodeWhere(collection, line));
        if (first !== undefined) {
          throw new ImportError(where, `duplicate document: same key as ${decodeWhere(first)}`);
        }
        // The `_id` pointers (for the sync's deletes) are written and pruned but not counted as entities.
        if (isPointerKey(item)) continue;
        const entity = item.sk.startsWith(TOKEN_SK_PREFIX) ? 'token' : item.sk === 'TEAM' ? 'team' : mapped.entity;
        summary.items[entity] = (summary.items[entity] ?? 0) + 1;
      }
      if (collection === 'rocketchat_settings' && (doc._id === 'uniqueID' || doc._id === 'Site_Url')) {
        identity[doc._id] = doc.value;
      }
    }
    options.onCheckProgress?.(collection, counts.read, true);
  }
  return { summary, exportedKeys, identity };
}

/**
 * One Scan of the table's keys; an item of a collection the export has, whose key the export did
 * not produce, belongs to a document (or a login token, a team) that is gone, and is deleted.
 * Items of collections absent from the export, and items no collection owns, are never touched.
 */
async function prune(store: DynamoStore, present: Set<Collection>, exportedKeys: ExportKeys, dryRun: boolean): Promise<Record<string, number>> {
  const pruned: Record<string, number> = Object.fromEntries(LOAD_ORDER.filter((collection) => present.has(collection)).map((collection) => [collection, 0]));
  for await (const page of store.scanKeys()) {
    const gone = page.filter((key) => {
      const collection = collectionOfKey(key);
      if (!collection || !present.has(collection) || exportedKeys.has(keyString(key))) return false;
      pruned[collection]!++;
      return true;
    });
    if (!dryRun) await store.deleteItems(gone);
  }
  return pruned;
}
