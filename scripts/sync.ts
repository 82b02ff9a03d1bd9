/**
 * `npm run sync -- --mongo-url URL --table T [--endpoint URL]` (the live relay) or
 * `npm run sync -- --from-file FILE --table T [--endpoint URL]` (replay): keeps the table current
 * from Rocket.Chat's change events. A thin CLI: the modes live in lib/sync/.
 */
import { resolve } from 'node:path';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { resolveTarget, TARGET_OPTIONS, type TargetOptions } from '../lib/dynamodb/target';
import { replayFile } from '../lib/sync/replay';
import { connectRelay, powertoolsLog } from '../lib/sync/relay';
import { errorFields, secretsOf } from '../lib/sync/relay/errors';
import { parseCommandLine, runCommand, targetOptions, UsageError, type CommandSpec } from '../local/cli';

const COMMAND: CommandSpec = {
  name: 'npm run sync',
  usage: ['--mongo-url URL [options]', '--from-file FILE [options]'],
  summary:
    "Applies MongoDB change events of Rocket.Chat's database to the push.get table, through the same mapping\n" +
    "as the import; every write is conditional on the event's cluster time, so a replayed or out-of-order\n" +
    'event never overwrites newer state. The table must exist (npm run import or npm start creates it).',
  options: {
    'mongo-url': {
      type: 'string',
      value: 'URL',
      description:
        "follow Rocket.Chat's MongoDB (a replica set) live: snapshot when the table has no checkpoint, then the change stream, until SIGTERM/Ctrl-C. Better: set $MONGO_URL, so the URL is not visible in ps",
      default: '$MONGO_URL',
    },
    db: { type: 'string', value: 'NAME', description: 'the Rocket.Chat database', default: "$MONGO_DB, the URL's path, else rocketchat" },
    resnapshot: { type: 'boolean', description: 'forget the checkpoint and load a fresh snapshot (after history was lost)', default: 'off' },
    'start-at': {
      type: 'string',
      value: 'T',
      description: 'with no checkpoint yet: start at cluster time T (seconds[.increment], noted before an export was imported) instead of taking a snapshot',
      default: 'none: a snapshot',
    },
    'snapshot-message-days': { type: 'string', value: 'N', description: 'snapshot only messages of the last N days; 0: all', default: '30' },
    'from-file': {
      type: 'string',
      value: 'FILE',
      description: "replay change events from FILE: one event a line, canonical or relaxed Extended JSON, as the driver's watch() yields them",
      default: 'none',
    },
    ...TARGET_OPTIONS,
    concurrency: { type: 'string', value: 'N', description: "events applied at once; one document's events stay in order", default: '16' },
  },
  examples: [
    'MONGO_URL=mongodb://rc-mongo:27017/rocketchat?replicaSet=rs0 npm run sync -- --table PushGetStack-TableCD117FA1-ABC123 --profile prod',
    'npm run sync -- --from-file ./events.jsonl --endpoint http://127.0.0.1:8000 --table rocketchat-push',
  ],
  epilog:
    'Prints a summary: events applied, irrelevant (nothing push.get reads changed) and stale (the table already had\n' +
    'this change or a newer one). Exit code 0; 1 when the table is missing, an event could not be applied (listed by\n' +
    'file:line, never with document values), or the relay stopped on an error it cannot resume from (the message says\n' +
    'what to do); 2 on a usage error. The relay (--mongo-url) logs one JSON line per event, its failure included\n' +
    "(Powertools' Logger, as the functions: level, message, service push-get-sync, timestamp and the event's fields;\n" +
    'INFO on stdout, WARN and ERROR on stderr; POWERTOOLS_LOG_LEVEL sets the level), never the MongoDB URL.',
};

/** The relay writes in the background: a slow answer is better than a retried write. */
const RELAY_REQUEST_TIMEOUT_MS = 5000;

async function main(): Promise<void> {
  const values = parseCommandLine(COMMAND);
  const mongoUrl = (values['mongo-url'] as string | undefined) ?? process.env.MONGO_URL;
  const fromFile = values['from-file'] as string | undefined;
  if (fromFile && mongoUrl) {
    throw new UsageError('give either --from-file or --mongo-url ($MONGO_URL), not both');
  }
  if (!fromFile && !mongoUrl) {
    throw new UsageError('--mongo-url URL ($MONGO_URL) or --from-file FILE is required');
  }
  const concurrencyText = (values.concurrency as string | undefined) ?? '16';
  const concurrency = /^\d+$/.test(concurrencyText) ? Number(concurrencyText) : NaN;
  if (!(concurrency >= 1 && concurrency <= 256)) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, got "${concurrencyText}"`);
  }
  const target = targetOptions(values);
  if (mongoUrl) {
    const daysText = (values['snapshot-message-days'] as string | undefined) ?? '30';
    const messageDays = /^\d+$/.test(daysText) ? Number(daysText) : NaN;
    if (!Number.isInteger(messageDays)) {
      throw new UsageError(`--snapshot-message-days must be a whole number of days, got "${daysText}"`);
    }
    process.exit(
      await follow({
        mongoUrl,
        dbName: (values.db as string | undefined) ?? process.env.MONGO_DB,
        target,
        resnapshot: values.resnapshot === true,
        startAt: values['start-at'] as string | undefined,
        messageDays,
        concurrency,
      }),
    );
  }
  process.exit(await replay(resolve(fromFile!), target, concurrency));
}

/** Replays a file of change events; the table must exist (nothing is created, nothing written otherwise). */
async function replay(file: string, options: TargetOptions, concurrency: number): Promise<number> {
  const target = await resolveTarget(options);
  try {
    const store = new DynamoStore(target.client, { tableName: target.tableName });
    const started = Date.now();
    const summary = await replayFile(store, file, { concurrency });
    const seconds = (Date.now() - started) / 1000;
    const { applied, irrelevant, stale } = summary.counts;
    console.log(`Replayed ${summary.events} events from ${file} into ${target.where} in ${seconds.toFixed(1)} s`);
    console.log(`  applied: ${applied}, irrelevant: ${irrelevant}, stale: ${stale}, unmappable: ${summary.unmappable.length}`);
    console.log(`  DynamoDB: ${summary.writes} writes, ${summary.reads} reads`);
    for (const line of summary.unmappable) {
      console.error(`  not applied: ${line}`);
    }
    return summary.unmappable.length > 0 ? 1 : 0;
  } finally {
    target.close();
  }
}

/**
 * The live relay until SIGTERM or SIGINT. Everything it says is one JSON line per event
 * (Powertools' Logger, as the functions log), its failure included: the Fargate task's lines are
 * queried with Logs Insights. Never the URL: every error text is redacted.
 */
async function follow(options: { mongoUrl: string; dbName?: string; target: TargetOptions; resnapshot: boolean; startAt?: string; messageDays: number; concurrency: number }): Promise<number> {
  const log = powertoolsLog();
  const secrets = secretsOf(options.mongoUrl);
  try {
    const target = await resolveTarget(options.target, { requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
    try {
      log.info('target', { target: target.where });
      const { relay, close } = await connectRelay({
        mongoUrl: options.mongoUrl,
        dbName: options.dbName,
        documentClient: target.client,
        tableName: target.tableName,
        log,
        // EMF lines on stdout become CloudWatch metrics in AWS; a local engine has no CloudWatch.
        metrics: !target.endpoint && process.env.POWERTOOLS_METRICS_DISABLED !== 'true',
        resnapshot: options.resnapshot,
        startAt: options.startAt,
        snapshotMessageDays: options.messageDays,
        tuning: { concurrency: options.concurrency },
      });
      const stop = () => {
        log.info('stopping: finishing the changes in flight, then checkpointing');
        relay.stop();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
      try {
        const total = await relay.run();
        log.info('stopped', { applied: total.applied, irrelevant: total.irrelevant, stale: total.stale, deadLetters: total.deadLetters });
        return 0;
      } finally {
        await close();
      }
    } finally {
      target.close();
    }
  } catch (error) {
    // RelayStopped and TargetError messages say what to do; redacted once more all the same.
    log.error('failed', errorFields(error, secrets));
    return 1;
  }
}

// The replay's failures (ReplayFileError, UnsupportedChange, TargetError) carry no document value; the relay logs its own (follow).
runCommand(COMMAND, main);
