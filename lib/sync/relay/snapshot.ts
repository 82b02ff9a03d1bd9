/**
 * The initial snapshot: every watched collection's current documents, each applied through the
 * one apply path as a `replace` at the stream's start time (so the change stream, which starts
 * there, supersedes every snapshot write). Only the fields the mapping reads are fetched, so
 * password hashes and the like never leave MongoDB.
 */
import type { Db, Document, Timestamp } from 'mongodb';
import type { Collection } from '../../store/items';
import { READ_FIELDS, WATCHED_IDS } from '../relevance';

/** Settings first: the login expiration decides the tokens' TTL. */
const SNAPSHOT_ORDER: Collection[] = ['rocketchat_settings', 'rocketchat_permissions', 'users', 'rocketchat_room', 'rocketchat_subscription', 'rocketchat_message'];

export interface SnapshotOptions {
  startAt: Timestamp;
  /** Applies one synthetic change; the same call the stream's changes go through. */
  apply: (change: Document) => Promise<void>;
  concurrency: number;
  /** Only messages sent in the last N days (a push asks about a message seconds old); 0: all. */
  messageDays: number;
  now: () => number;
  log: (line: string) => void;
}

export async function loadSnapshot(db: Db, options: SnapshotOptions): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const collection of SNAPSHOT_ORDER) {
    const fields = READ_FIELDS[collection];
    const ids = WATCHED_IDS[collection];
    const filter: Document = ids ? { _id: { $in: [...ids] } } : {};
    if (collection === 'rocketchat_message' && options.messageDays > 0) {
      filter.ts = { $gte: new Date(options.now() - options.messageDays * 86_400_000) };
    }
    const projection = fields === 'all' ? undefined : Object.fromEntries(fields.map((field) => [field, 1]));
    const cursor = db.collection(collection).find(filter, { projection, batchSize: 1000 });
    const running = new Set<Promise<void>>();
    let count = 0;
    for await (const doc of cursor) {
      const task = options
        .apply({
          _id: null,
          operationType: 'replace',
          clusterTime: options.startAt,
          ns: { db: db.databaseName, coll: collection },
          documentKey: { _id: doc._id },
          fullDocument: doc,
        })
        .finally(() => running.delete(task));
      running.add(task);
      count++;
      if (running.size >= options.concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    counts[collection] = count;
    options.log(`  snapshot ${collection}: ${count} documents`);
  }
  return counts;
}
