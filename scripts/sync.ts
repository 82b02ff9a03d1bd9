/**
 * `npm run sync -- --mongo-url URL --table T [--endpoint URL]` (the live relay) or
 * `npm run sync -- --from-file FILE --table T [--endpoint URL]` (replay): keeps the table current
 * from Rocket.Chat's change events. A thin CLI: the modes live in lib/sync/.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UnsupportedChange } from '../lib/errors';
import { createDocumentClient } from '../lib/store/document-client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { ensureTable } from '../lib/store/table';
import { ReplayFileError, replayFile } from '../lib/sync/replay';
import { connectRelay, RelayStopped } from '../lib/sync/relay';

// Node 20 is supported by the SDK release we pin; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEFAULTS = {
  table: process.env.TABLE_NAME ?? 'rocketchat-push',
  region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  concurrency: '16',
};

const HELP = `usage: npm run sync -- --mongo-url URL [options]
       npm run sync -- --from-file FILE [options]

Applies MongoDB change events of Rocket.Chat's database to the push.get table, through the
same mapping as the import; every write is conditional on the event's cluster time, so a
replayed or out-of-order event never overwrites newer state.

  --mongo-url URL      follow Rocket.Chat's MongoDB (a replica set) live: snapshot when the
                       table has no checkpoint, then the change stream, until SIGTERM/Ctrl-C.
                       Better: set $MONGO_URL instead, so the URL is not visible in ps.
  --db NAME            the Rocket.Chat database (default: $MONGO_DB, the URL's path, else rocketchat)
  --resnapshot         forget the checkpoint and load a fresh snapshot (after history was lost)
  --start-at T         with no checkpoint yet: start at cluster time T (seconds[.increment],
                       noted before an export was imported) instead of taking a snapshot
  --snapshot-message-days N
                       snapshot only messages of the last N days; 0: all (default: 30)
  --from-file FILE     replay change events from FILE: one event a line, canonical or
                       relaxed Extended JSON, as the driver's watch() yields them
  --table NAME         DynamoDB table (default: $TABLE_NAME or ${DEFAULTS.table})
  --endpoint URL       a local DynamoDB engine; the table is created if missing
                       (default: none, i.e. AWS with the usual credentials)
  --region REGION      AWS region (default: $AWS_REGION or ${DEFAULTS.region})
  --concurrency N      events applied at once; one document's events stay in order
                       (default: ${DEFAULTS.concurrency})
  --help               this text

Prints a summary: events applied, irrelevant (nothing push.get reads changed) and stale
(the table already had this change or a newer one). Exit code 0; 1 when an event could not
be applied (listed by file:line, never with document values), or the relay stopped on an
error it cannot resume from (the message says what to do); 2 on a usage error.`;

class UsageError extends Error {}

/** The relay writes in the background: a slow answer is better than a retried write. */
const RELAY_REQUEST_TIMEOUT_MS = 5000;

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        'from-file': { type: 'string' },
        'mongo-url': { type: 'string' },
        db: { type: 'string', default: process.env.MONGO_DB },
        resnapshot: { type: 'boolean', default: false },
        'start-at': { type: 'string' },
        'snapshot-message-days': { type: 'string', default: '30' },
        table: { type: 'string', default: DEFAULTS.table },
        endpoint: { type: 'string' },
        region: { type: 'string', default: DEFAULTS.region },
        concurrency: { type: 'string', default: DEFAULTS.concurrency },
        help: { type: 'boolean', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const mongoUrl = values['mongo-url'] ?? process.env.MONGO_URL;
  if (values['from-file'] && mongoUrl) {
    throw new UsageError('give either --from-file or --mongo-url ($MONGO_URL), not both');
  }
  if (!values['from-file'] && !mongoUrl) {
    throw new UsageError('--mongo-url URL ($MONGO_URL) or --from-file FILE is required');
  }
  const concurrency = /^\d+$/.test(values.concurrency) ? Number(values.concurrency) : NaN;
  if (!(concurrency >= 1 && concurrency <= 256)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got "${values.concurrency}"`);
  }
  if (mongoUrl) {
    const messageDays = /^\d+$/.test(values['snapshot-message-days']) ? Number(values['snapshot-message-days']) : NaN;
    if (!Number.isInteger(messageDays)) {
      throw new UsageError(`--snapshot-message-days must be a whole number of days, got "${values['snapshot-message-days']}"`);
    }
    return follow({
      mongoUrl,
      dbName: values.db,
      table: values.table,
      endpoint: values.endpoint,
      region: values.region,
      resnapshot: values.resnapshot,
      startAt: values['start-at'],
      messageDays,
      concurrency,
    });
  }
  const file = resolve(values['from-file']!);
  const documentClient = createDocumentClient({ region: values.region, endpoint: values.endpoint });
  try {
    if (values.endpoint) {
      await ensureTable(documentClient, values.table);
    }
    const store = new DynamoStore(documentClient, { tableName: values.table });
    const started = Date.now();
    const summary = await replayFile(store, file, { concurrency });
    const seconds = (Date.now() - started) / 1000;
    const { applied, irrelevant, stale } = summary.counts;
    console.log(`Replayed ${summary.events} events from ${file} into ${values.table} in ${seconds.toFixed(1)} s`);
    console.log(`  applied: ${applied}, irrelevant: ${irrelevant}, stale: ${stale}, unmappable: ${summary.unmappable.length}`);
    console.log(`  DynamoDB: ${summary.writes} writes, ${summary.reads} reads`);
    for (const line of summary.unmappable) {
      console.error(`  not applied: ${line}`);
    }
    return summary.unmappable.length > 0 ? 1 : 0;
  } finally {
    documentClient.destroy();
  }
}

/** The live relay until SIGTERM or SIGINT; never prints the URL (RelayStopped messages are redacted). */
async function follow(options: {
  mongoUrl: string;
  dbName?: string;
  table: string;
  endpoint?: string;
  region: string;
  resnapshot: boolean;
  startAt?: string;
  messageDays: number;
  concurrency: number;
}): Promise<number> {
  const documentClient = createDocumentClient({ region: options.region, endpoint: options.endpoint, requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
  try {
    if (options.endpoint) {
      await ensureTable(documentClient, options.table);
    }
    const log = (line: string) => console.error(`${new Date().toISOString()} sync: ${line}`);
    const { relay, close } = await connectRelay({
      mongoUrl: options.mongoUrl,
      dbName: options.dbName,
      documentClient,
      tableName: options.table,
      log,
      // EMF lines on stdout become CloudWatch metrics in AWS; a local engine has no CloudWatch.
      metrics: !options.endpoint && process.env.POWERTOOLS_METRICS_DISABLED !== 'true',
      resnapshot: options.resnapshot,
      startAt: options.startAt,
      snapshotMessageDays: options.messageDays,
      tuning: { concurrency: options.concurrency },
    });
    const stop = () => {
      log('stopping: finishing the changes in flight, then checkpointing');
      relay.stop();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    try {
      const total = await relay.run();
      log(`stopped. applied ${total.applied}, irrelevant ${total.irrelevant}, stale ${total.stale}, dead letters ${total.deadLetters}`);
      return 0;
    } finally {
      await close();
    }
  } finally {
    documentClient.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`sync: ${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    const known = error instanceof ReplayFileError || error instanceof UnsupportedChange || error instanceof RelayStopped;
    // Only our own messages are printed whole; an SDK error's text could echo request data.
    console.error(`sync failed: ${known ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exit(1);
  },
);
