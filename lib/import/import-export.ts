/**
 * Imports a `mongoexport` directory in two passes: the first reads and checks every document and
 * writes nothing, so bad input stops the import with `file:line` before the table is touched; the
 * second writes. Every write is an idempotent upsert, so a re-run (or a run after an interruption)
 * converges to the same table.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { ImportError } from '../errors';
import type { DynamoStore } from '../store/dynamo-store';
import { COLLECTIONS, InvalidDocument, itemsForDocument, type Collection, type Document, type MappingContext } from '../store/items';
import { upsertDocuments } from '../store/sync';
import { TOKEN_SK_PREFIX } from '../store/keys';
import { DEFAULT_SETTINGS, missingIdentitySettings, resolveSettings, type SettingId } from '../settings';
import { readExport } from './export-reader';

/** Settings first: the login expiration decides the tokens' TTL. */
const IMPORT_ORDER: Collection[] = [
  'rocketchat_settings',
  'rocketchat_permissions',
  'users',
  'rocketchat_room',
  'rocketchat_subscription',
  'rocketchat_message',
  'rocketchat_team',
  'rocketchat_team_member',
  'rocketchat_livechat_department_agents',
];
const DOCS_PER_WRITE = 200;

export interface ImportSummary {
  /** Items written per entity (user, token, room, …). */
  items: Record<string, number>;
  /** Documents read per collection, and how many were skipped as not used by push.get. */
  documents: Record<string, { read: number; skipped: number }>;
  /** Problems that do not stop the import but make answers differ from Rocket.Chat's. */
  warnings: string[];
}

export interface ImportOptions {
  onProgress?: (collection: Collection, written: number, total: number) => void;
}

export async function importExport(store: DynamoStore, dir: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const files = await presentFiles(dir);
  const { summary, context } = await checkExport(dir, files);
  for (const collection of IMPORT_ORDER) {
    if (!files.has(collection)) continue;
    const total = summary.documents[collection]!.read;
    let written = 0;
    let batch: Document[] = [];
    const flush = async () => {
      await upsertDocuments(store, collection, batch, context);
      written += batch.length;
      batch = [];
      options.onProgress?.(collection, written, total);
    };
    for await (const { doc } of readExport(join(dir, `${collection}.json`))) {
      batch.push(doc);
      if (batch.length >= DOCS_PER_WRITE) await flush();
    }
    if (batch.length > 0) await flush();
  }
  return summary;
}

async function presentFiles(dir: string): Promise<Set<Collection>> {
  try {
    await access(dir);
  } catch {
    throw new ImportError(dir, 'export directory not found');
  }
  const present = new Set<Collection>();
  for (const collection of COLLECTIONS) {
    try {
      await access(join(dir, `${collection}.json`));
      present.add(collection);
    } catch {
      // Any collection may be absent from an export.
    }
  }
  if (present.size === 0) {
    throw new ImportError(dir, `no export files found (expected any of ${COLLECTIONS.map((c) => `${c}.json`).join(', ')})`);
  }
  return present;
}

/** The read-only first pass: parses, maps and counts everything, and finds duplicates. */
async function checkExport(dir: string, files: Set<Collection>): Promise<{ summary: ImportSummary; context: MappingContext }> {
  const summary: ImportSummary = { items: {}, documents: {}, warnings: [] };
  const identity: Partial<Record<SettingId, unknown>> = {};
  const context: MappingContext = { loginExpirationDays: DEFAULT_SETTINGS.loginExpirationDays };
  const seenKeys = new Map<string, string>();
  for (const collection of IMPORT_ORDER) {
    if (!files.has(collection)) continue;
    const counts = { read: 0, skipped: 0 };
    summary.documents[collection] = counts;
    const file = `${collection}.json`;
    for await (const { line, doc } of readExport(join(dir, file), file)) {
      const where = `${file}:${line}`;
      counts.read++;
      let mapped;
      try {
        mapped = itemsForDocument(collection, doc, context);
      } catch (error) {
        throw error instanceof InvalidDocument ? new ImportError(where, error.message) : error;
      }
      if (!mapped.entity) {
        counts.skipped++;
        continue;
      }
      for (const item of mapped.items) {
        const key = `${item.pk}\u0000${item.sk}`;
        const first = seenKeys.get(key);
        if (first) {
          throw new ImportError(where, `duplicate document: same key as ${first}`);
        }
        seenKeys.set(key, where);
        const entity = item.sk.startsWith(TOKEN_SK_PREFIX) ? 'token' : item.sk === 'TEAM' ? 'team' : mapped.entity;
        summary.items[entity] = (summary.items[entity] ?? 0) + 1;
      }
      if (collection === 'rocketchat_settings' && doc._id === 'Accounts_LoginExpiration') {
        context.loginExpirationDays = resolveSettings({ Accounts_LoginExpiration: doc.value }).loginExpirationDays;
      }
      if (collection === 'rocketchat_settings' && (doc._id === 'uniqueID' || doc._id === 'Site_Url')) {
        identity[doc._id] = doc.value;
      }
    }
  }
  summary.warnings.push(...missingIdentitySettings(identity));
  return { summary, context };
}
