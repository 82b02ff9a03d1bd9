/**
 * Wires the relay: the MongoDB client, the table's store and the one apply path (lib/sync/apply).
 * Used by `npm run sync -- --mongo-url`, `npm start -- --mongo-url` and the container image.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { MongoClient, ObjectId, Timestamp, type Db, type Document } from 'mongodb';
import { UnmappableChange, UnsupportedChange } from '../../core/errors';
import { DynamoStore } from '../../dynamodb/dynamo-store';
import { RelayStore } from '../../dynamodb/relay-store';
import type { Collection } from '../../dynamodb/items';
import { ChangeApplier } from '../apply';
import type { ChangeEvent } from '../change-event';
import { changeStreamPipeline, isRelevantChange } from '../relevance';
import { RelayStopped, redact, secretsOf, streamFailure } from './errors';
import { RelayMetrics } from './metrics';
import type { RelayLog } from './log';
import { Relay, type ChangeSink, type RelayOptions } from './relay';
import { holdsDocuments, reconcile } from './reconcile';
import { loadSnapshot, partiallyRead } from './snapshot';

export { Relay } from './relay';
export { RelayStopped } from './errors';
export { powertoolsLog, textLog, type LogFields, type RelayLog } from './log';

export interface RelayConfig {
  mongoUrl: string;
  /** The Rocket.Chat database; default: the URL's path, else `rocketchat`. */
  dbName?: string;
  documentClient: DynamoDBDocumentClient;
  tableName: string;
  /** Where the relay's events go: `powertoolsLog()` (JSON lines), `textLog(write)`, or a test's recorder. */
  log: RelayLog;
  /** Publish EMF metrics on stdout (deployed); off for local runs and tests. */
  metrics?: boolean;
  resnapshot?: boolean;
  /** `<seconds>.<increment>` (or seconds): start there without a snapshot when there is no checkpoint. */
  startAt?: string;
  snapshotMessageDays?: number;
  tuning?: Pick<RelayOptions, 'concurrency' | 'maxOutstanding' | 'coalesceMs' | 'checkpointIntervalMs' | 'leaseMs' | 'maxAwaitTimeMS' | 'metricsIntervalMs'>;
}

export interface RunningRelay {
  relay: Relay;
  /** Closes the MongoDB connections (after `relay.run()` settled). */
  close(): Promise<void>;
}

const SNAPSHOT_CONCURRENCY = 32;

/** Connects to MongoDB; any failure is a RelayStopped whose message carries no credential. */
export async function connectRelay(config: RelayConfig): Promise<RunningRelay> {
  const secrets = secretsOf(config.mongoUrl);
  const startAt = config.startAt === undefined ? undefined : parseClusterTime(config.startAt);
  let client: MongoClient;
  try {
    client = new MongoClient(config.mongoUrl, { appName: 'push-get-sync', readConcernLevel: 'majority' });
    await client.connect();
  } catch (error) {
    throw new RelayStopped(`cannot connect to MongoDB: ${redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error), secrets)}`);
  }
  const db = client.db(config.dbName ?? databaseOf(config.mongoUrl) ?? 'rocketchat');
  const store = new DynamoStore(config.documentClient, { tableName: config.tableName });
  const applier = new ChangeApplier(store);
  const relay = new Relay({
    db,
    pipeline: changeStreamPipeline() as Document[],
    sink: applySink(applier, store, config, secrets),
    store: new RelayStore(config.documentClient, config.tableName),
    metrics: new RelayMetrics(config.metrics ?? false),
    secrets,
    log: config.log,
    resnapshot: config.resnapshot,
    startAt,
    ...config.tuning,
  });
  return { relay, close: () => client.close() };
}

function applySink(applier: ChangeApplier, store: DynamoStore, config: RelayConfig, secrets: string[]): ChangeSink {
  return {
    isRelevant: (change) => isRelevantChange(change as ChangeEvent),
    apply: async (change) => {
      try {
        return (await applier.apply(change as ChangeEvent)).kind;
      } catch (error) {
        if (error instanceof UnsupportedChange) {
          throw new RelayStopped(`${redact(error.message, secrets)}: run the relay with --resnapshot to load the collections again.`);
        }
        throw error;
      }
    },
    unmappableReason: (error) => (error instanceof UnmappableChange ? error.reason : undefined),
    operationTime: (db) => operationTime(db, secrets),
    snapshot: async (db, startAt, apply) => {
      // A table without documents (a first start) has nothing the snapshot could leave behind.
      const holdsItems = await holdsDocuments(store.scanVersions());
      const messageDays = config.snapshotMessageDays ?? 30;
      await loadSnapshot(db, { startAt, apply, concurrency: SNAPSHOT_CONCURRENCY, messageDays, now: Date.now, log: config.log });
      if (!holdsItems) return {};
      config.log.info('reconciling: removing what MongoDB no longer has');
      return reconcile({
        dbName: db.databaseName,
        startAt,
        scan: () => store.scanVersions(),
        apply,
        tombstone: async (key, version) => (await applier.tombstone(key, version)).kind === 'applied',
        partial: partiallyRead({ messageDays }),
        existing: (collection, ids) => existingIds(db, collection, ids),
        concurrency: SNAPSHOT_CONCURRENCY,
        log: config.log,
      });
    },
  };
}

/** Which of `ids` the collection still has: one `find` by `_id` (an ObjectId-shaped id is asked both ways). */
async function existingIds(db: Db, collection: Collection, ids: string[]): Promise<Set<string>> {
  const candidates = ids.flatMap((id) => (/^[0-9a-f]{24}$/i.test(id) ? [id, new ObjectId(id)] : [id]));
  const found = await db
    .collection(collection)
    .find({ _id: { $in: candidates } } as Document, { projection: { _id: 1 } })
    .toArray();
  return new Set(found.map((doc) => String(doc._id)));
}

/** The cluster time MongoDB answers a read with: the point a new change stream starts from. */
async function operationTime(db: Db, secrets: string[]) {
  const session = db.client.startSession();
  try {
    await db.collection('rocketchat_settings').findOne({ _id: 'Site_Url' as never }, { session, projection: { _id: 1 } });
  } catch (error) {
    throw streamFailure(error, secrets);
  } finally {
    await session.endSession();
  }
  if (!session.operationTime) {
    throw new RelayStopped('MongoDB answered without an operation time: the relay needs a replica set (a one-member replica set is enough).');
  }
  return session.operationTime;
}

/** `1700000000.3` or `1700000000` (as `db.hello().operationTime` shows it: Timestamp({ t, i })). */
export function parseClusterTime(text: string): Timestamp {
  const match = /^(\d{1,10})(?:\.(\d{1,10}))?$/.exec(text.trim());
  const t = Number(match?.[1]);
  const i = Number(match?.[2] ?? 0);
  if (!match || t > 0xffff_ffff || i > 0xffff_ffff) {
    throw new RelayStopped(`--start-at must be a cluster time <seconds>[.<increment>], got "${text}"`);
  }
  return new Timestamp({ t, i });
}

/** The database named in the URL's path, if any. */
function databaseOf(mongoUrl: string): string | undefined {
  const name = /^mongodb(?:\+srv)?:\/\/[^/]+\/([^?]+)/i.exec(mongoUrl)?.[1];
  return name ? decodeURIComponent(name) : undefined;
}
