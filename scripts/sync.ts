/**
 * `npm run sync -- --from-file FILE --table T [--endpoint URL]`: keeps the table current from
 * Rocket.Chat's change events. A thin CLI: the modes live in lib/sync/.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UnsupportedChange } from '../lib/errors';
import { createDocumentClient } from '../lib/store/client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { ensureTable } from '../lib/store/table';
import { ReplayFileError, replayFile } from '../lib/sync/replay';

// Node 20 is supported by the SDK release we pin; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEFAULTS = {
  table: process.env.TABLE_NAME ?? 'rocketchat-push',
  region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
  concurrency: '16',
};

const HELP = `usage: npm run sync -- --from-file FILE [options]

Applies MongoDB change events of Rocket.Chat's database to the push.get table, through the
same mapping as the import; every write is conditional on the event's cluster time, so a
replayed or out-of-order event never overwrites newer state.

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
be applied (listed by file:line, never with document values); 2 on a usage error.`;

class UsageError extends Error {}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      strict: true,
      allowPositionals: false,
      options: {
        'from-file': { type: 'string' },
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
  if (!values['from-file']) {
    throw new UsageError('--from-file FILE is required');
  }
  const concurrency = /^\d+$/.test(values.concurrency) ? Number(values.concurrency) : NaN;
  if (!(concurrency >= 1 && concurrency <= 256)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got "${values.concurrency}"`);
  }
  const file = resolve(values['from-file']);
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`sync: ${error.message}\n\n${HELP}`);
      process.exit(2);
    }
    const known = error instanceof ReplayFileError || error instanceof UnsupportedChange;
    // Only our own messages are printed whole; an SDK error's text could echo request data.
    console.error(`sync failed: ${known ? error.message : error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
    process.exit(1);
  },
);
