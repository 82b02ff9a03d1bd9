/**
 * The initial snapshot: every watched collection's current documents, each applied through the
 * one apply path as a `replace` at the stream's start time (so the change stream, which starts
 * there, supersedes every snapshot write). Only the fields the mapping reads are fetched, so
 * password hashes and the like never leave MongoDB. The collections are the table's
 * (LOAD_ORDER, from COLLECTIONS): the import, the stream's `$match` and `--prune` use the same list.
 */
import type { Db, Document, Timestamp } from 'mongodb';
import { LOAD_ORDER, type Collection } from '../../dynamodb/items';
import { READ_FIELDS, WATCHED_IDS } from '../relevance';
import type { RelayLog } from './log';

export interface SnapshotOptions {
  startAt: Timestamp;
  /** Applies one synthetic change; the same call the stream's changes go through. */
  apply: (change: Document) => Promise<unknown>;
  concurrency: number;
  /** Only messages sent in the last N days (a push asks about a message seconds old); 0: all. */
  messageDays: number;
  now: () => number;
  log: Pick<RelayLog, 'info'>;
  /** Documents of one collection between progress lines. */
  progressEvery?: number;
}

/** The collections a snapshot with these options reads only in part (their reconciliation asks MongoDB). */
export function partiallyRead(options: Pick<SnapshotOptions, 'messageDays'>): Set<Collection> {
  return new Set(options.messageDays > 0 ? ['rocketchat_message'] : []);
}

export async function loadSnapshot(db: Db, options: SnapshotOptions): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const every = options.progressEvery ?? 100_000;
  for (const collection of LOAD_ORDER) {
    const fields = READ_FIELDS[collection];
    const ids = WATCHED_IDS[collection];
    const filter: Document = ids ? { _id: { $in: [...ids] } } : {};
    if (partiallyRead(options).has(collection)) {
      filter.ts = { $gte: new Date(options.now() - options.messageDays * 86_400_000) };
    }
    const projection = fields === 'all' ? undefined : Object.fromEntries(fields.map((field) => [field, 1]));
    const cursor = db.collection(collection).find(filter, { projection, batchSize: 1000 });
    const running = new Set<Promise<unknown>>();
    let count = 0;
    for await (const doc of cursor) {
      const task: Promise<unknown> = options
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
      if (++count % every === 0) options.log.info('snapshot: reading', { collection, documents: count });
      if (running.size >= options.concurrency) await Promise.race(running);
    }
    await Promise.all(running);
    counts[collection] = count;
    options.log.info('snapshot: collection loaded', { collection, documents: count });
  }
  return counts;
}
