/**
 * After a snapshot, the table is made equal to MongoDB: a document of a watched collection that
 * the snapshot did not see is gone (deleted while the stream's history was lost), so its items
 * are removed, through the apply path's versioned delete at the snapshot's start.
 *
 * Every item of a document the snapshot read carries the snapshot's start as its version (an
 * insert or replace writes all of a document's items), or a newer one. So the live items older
 * than the start are exactly those of documents the snapshot did not see. Every write here is
 * conditional on that version: an item a newer change wrote is left alone, and a change made
 * after the start (a document restored or re-created during the snapshot) is applied afterwards
 * by the stream and wins over the tombstone.
 *
 * - An item that names its document (a user, room, message, setting, permission, team document,
 *   or the `_id` pointer of a subscription, team member or department agent) gets that document's
 *   delete through `apply`, as if the change stream had reported it; the delete also removes the
 *   items derived from it (login tokens, the subscription, the team item, the member).
 * - A derived item still left afterwards (its document's own item was gone already) is tombstoned.
 * - A collection the snapshot read only in part (messages of the last N days) is asked first: only
 *   the documents MongoDB no longer has are deleted; older messages stay.
 */
import type { Document, Timestamp } from 'mongodb';
import type { StoredVersion } from '../../dynamodb/dynamo-store';
import type { Collection } from '../../dynamodb/items';
import { collectionOfKey, documentOfKey, type Key } from '../../dynamodb/keys';
import { versionOf, type Version } from '../change-event';
import type { RelayLog } from './log';

export interface ReconcileOptions {
  /** The database the synthetic deletes name (`ns.db`). */
  dbName: string;
  /** The snapshot's start: the version of every item it wrote. */
  startAt: Timestamp;
  /** The table's items (key, version, tombstone mark), page by page. */
  scan: () => AsyncIterable<StoredVersion[]>;
  /** One change through the relay's apply path; `'applied'` when it wrote something. */
  apply: (change: Document) => Promise<string | undefined>;
  /** Tombstones one item if it is older than `version`; true when it did. */
  tombstone: (key: Key, version: Version) => Promise<boolean>;
  /** Collections the snapshot read only in part: their documents are looked up before a delete. */
  partial: ReadonlySet<Collection>;
  /** Which of `ids` the collection still has (MongoDB). */
  existing: (collection: Collection, ids: string[]) => Promise<Set<string>>;
  concurrency: number;
  log: Pick<RelayLog, 'info'>;
  /** Items scanned between progress lines. */
  progressEvery?: number;
}

/** Documents asked about in one MongoDB query. */
const LOOKUP_BATCH = 1000;

/** Whether the table holds any live item of a watched collection (when not, a snapshot has nothing to reconcile). */
export async function holdsDocuments(pages: AsyncIterable<StoredVersion[]>): Promise<boolean> {
  for await (const page of pages) {
    if (page.some((item) => !item.deleted && collectionOfKey(item) !== undefined)) return true;
  }
  return false;
}

/** Removes what the snapshot did not see; answers the number of documents (or left-over items) removed per collection. */
export async function reconcile(options: ReconcileOptions): Promise<Partial<Record<Collection, number>>> {
  const start = versionOf(options.startAt);
  const removed: Partial<Record<Collection, number>> = {};
  const count = (collection: Collection) => (removed[collection] = (removed[collection] ?? 0) + 1);
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  const settled = async () => {
    await Promise.all(running);
    if (failure) throw failure.error;
  };
  // At most `concurrency` writes at once; the first failure stops the reconciliation.
  const run = async (task: () => Promise<void>) => {
    const done: Promise<void> = task()
      .catch((error: unknown) => void (failure ??= { error }))
      .finally(() => running.delete(done));
    running.add(done);
    if (running.size >= options.concurrency) await Promise.race(running);
    if (failure) throw failure.error;
  };
  const remove = (collection: Collection, id: string) =>
    run(async () => {
      const change = { _id: null, operationType: 'delete', clusterTime: options.startAt, ns: { db: options.dbName, coll: collection }, documentKey: { _id: id } };
      if ((await options.apply(change)) === 'applied') count(collection);
    });
  const toLookUp = new Map<Collection, string[]>();
  const lookUp = async (collection: Collection) => {
    const ids = toLookUp.get(collection) ?? [];
    toLookUp.delete(collection);
    if (ids.length === 0) return;
    const existing = await options.existing(collection, ids);
    for (const id of ids) if (!existing.has(id)) await remove(collection, id);
  };
  const derived: { key: Key; collection: Collection }[] = [];
  const every = options.progressEvery ?? 100_000;
  let scanned = 0;
  let older = 0;
  for await (const page of options.scan()) {
    for (const item of page) {
      if (++scanned % every === 0) options.log.info('reconcile: checking', { checked: scanned, older });
      const collection = collectionOfKey(item);
      if (item.deleted || collection === undefined || (item.version !== undefined && item.version >= start)) continue;
      older++;
      const document = documentOfKey(item);
      if (!document) {
        derived.push({ key: { pk: item.pk, sk: item.sk }, collection });
      } else if (options.partial.has(collection)) {
        const ids = toLookUp.get(collection) ?? [];
        ids.push(document.id);
        toLookUp.set(collection, ids);
        if (ids.length >= LOOKUP_BATCH) await lookUp(collection);
      } else {
        await remove(collection, document.id);
      }
    }
  }
  for (const collection of [...toLookUp.keys()]) await lookUp(collection);
  await settled();
  for (const { key, collection } of derived) {
    await run(async () => {
      if (await options.tombstone(key, start)) count(collection);
    });
  }
  await settled();
  const total = Object.values(removed).reduce((sum, n) => sum + n, 0);
  options.log.info('reconcile: removed what MongoDB no longer has', { checked: scanned, removed: total, removedByCollection: removed });
  return removed;
}
