/**
 * `npm start`: the local API, on an embedded DynamoDB loaded with the demo export (or
 * `--fixtures DIR`), or on the operator's DynamoDB (`--endpoint`), where nothing is imported
 * unless `--fixtures DIR` says so. `npm start -- --help` lists the options.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LOCAL_ENGINE_ACCESS } from '../lib/store/client';
import { DEFAULT_TABLE_NAME } from '../lib/store/table-name';
import { planTarget, TARGET_OPTIONS } from '../lib/store/target';
import { checkNode, parseCommandLine, runCommand, targetOptions, UsageError, type CommandSpec } from './cli';
import { redact } from '../lib/sync/relay/errors';
import { whenLaunchersEnd } from './launchers';
import { PortInUseError, startLocalStack, type LocalStack } from './stack';
import { startLocalRelay, type LocalRelay } from './sync';

const DEMO_FIXTURES = fileURLToPath(new URL('../fixtures/demo', import.meta.url));
const DEMO = {
  messageId: 'WkbwSntxt8D3jLp8G',
  userId: 'd26x6zSkaPSe5gCyy',
  token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92',
};

const COMMAND: CommandSpec = {
  name: 'npm start',
  summary:
    'Serves GET /api/v1/push.get locally: the real authorizer and handler behind an API Gateway stand-in, on an\n' +
    'embedded DynamoDB (DynamoDB Local with Java 17+, else dynalite) loaded with the demo export, or on your DynamoDB.',
  options: {
    port: { type: 'string', value: 'N', description: 'port of the API; 0 picks a free one', default: '3000' },
    fixtures: {
      type: 'string',
      value: 'DIR',
      description: 'import this mongoexport directory first',
      default: 'the demo export (fixtures/demo) into the embedded database; nothing with --endpoint',
    },
    endpoint: {
      ...TARGET_OPTIONS.endpoint,
      description: `use this running DynamoDB instead of an embedded one (reached as region "${LOCAL_ENGINE_ACCESS.region}" with fixed credentials, like every command); its table is served as it is`,
      default: 'none (embedded)',
    },
    table: { ...TARGET_OPTIONS.table, description: 'the table to create or serve', default: `$TABLE_NAME, else ${DEFAULT_TABLE_NAME}` },
    engine: { type: 'string', value: 'NAME', description: 'the embedded database', choices: ['auto', 'dynamodb-local', 'dynalite'], default: 'auto (DynamoDB Local if Java 17+ is found)' },
    'db-port': { type: 'string', value: 'N', description: "the embedded database's port, to reach it from other tools", default: 'a free port' },
    quiet: { type: 'boolean', description: 'no access log line per request', default: 'off' },
    'mongo-url': {
      type: 'string',
      value: 'URL',
      description: 'keep the table current from this Rocket.Chat MongoDB (a replica set): snapshot, then its change stream; the URL is never printed',
      default: 'none (no live sync)',
    },
  },
  examples: [
    'npm start',
    'npm start -- --port 3001 --db-port 8000',
    'npm start -- --fixtures ./my-export',
    "npm start -- --mongo-url 'mongodb://user:pass@rc-mongo:27017/rocketchat?replicaSet=rs0'   # your Rocket.Chat, live",
    'npm start -- --endpoint http://127.0.0.1:8000 --table rocketchat-push     # serve an existing table, import nothing',
  ],
};

async function main(): Promise<void> {
  checkNode(COMMAND.name);
  // A closed terminal (SIGHUP) must not turn the goodbye line into a crash.
  process.stdout.on('error', () => undefined);
  const values = parseCommandLine(COMMAND);
  const port = portNumber('--port', (values.port as string | undefined) ?? '3000');
  const dbPort = values['db-port'] === undefined ? undefined : portNumber('--db-port', values['db-port'] as string);
  const endpoint = values.endpoint as string | undefined;
  const tableName = planTarget(targetOptions(values)).tableName;
  if (endpoint !== undefined) {
    if (dbPort !== undefined || values.engine !== undefined) throw new UsageError('--db-port and --engine choose the embedded database; --endpoint uses yours instead');
  }
  // The demo export (public tokens) only ever goes into the embedded database.
  // --mongo-url: the table is filled and kept current from that MongoDB instead of the demo export.
  const mongoUrl = values['mongo-url'] as string | undefined;
  const demo = values.fixtures === undefined && endpoint === undefined && mongoUrl === undefined;
  const fixturesDir = values.fixtures !== undefined ? resolve(values.fixtures as string) : demo ? DEMO_FIXTURES : undefined;

  // From here on, any of these ends it all: while starting (the engine dies with this process), or serving.
  let running: LocalStack | undefined;
  let relay: LocalRelay | undefined;
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await relay?.stop();
    await running?.close();
    console.log('Stopped.');
    process.exit(0);
  };
  // A failure while stopping still ends the process (exit 1), with the redacted reason.
  const stopOrFail = () =>
    void stop().catch((error: unknown) => {
      console.error(`npm start: stopping failed: ${redact(error instanceof Error ? error.message : String(error), mongoUrl ? [mongoUrl] : [])}`);
      process.exit(1);
    });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, stopOrFail);
  // npm or tsx ended by a signal they do not pass on: stop rather than hold the ports, orphaned.
  whenLaunchersEnd(stopOrFail);

  if (fixturesDir) console.log(`Loading ${fixturesDir} …`);
  const stack = await startLocalStack({
    fixturesDir,
    port,
    endpoint,
    engine: (values.engine as 'auto' | undefined) ?? 'auto',
    dbPort,
    tableName,
    log: values.quiet ? undefined : (line) => console.log(line),
    notice: (line) => console.error(line),
  }).catch((error: unknown) => {
    if (error instanceof PortInUseError) {
      const flag = error.what === 'the API' ? '--port' : '--db-port';
      throw new Error(`${error.message} (another npm start?): choose another with ${flag} N, or ${flag} 0 for any free port`);
    }
    throw error;
  });
  running = stack;

  const embedded = stack.engine !== 'external';
  const where = embedded ? `DynamoDB (${stack.engine}, the embedded database) at ${stack.endpoint}` : `DynamoDB at ${stack.endpoint}`;
  const counts =
    stack.summary &&
    Object.entries(stack.summary.items)
      .map(([entity, count]) => `${count} ${entity}`)
      .join(', ');
  console.log(counts ? `${where}: imported ${counts} into table ${stack.tableName}` : `${where}: serving table ${stack.tableName} as it is (nothing imported)`);
  for (const warning of stack.summary?.warnings ?? []) console.error(`WARNING: ${warning}`);
  console.log(`push.get is ready at ${stack.url}/api/v1/push.get`);
  console.log(`To import an export into ${embedded ? 'the embedded database' : 'this table'}:`);
  console.log(`  npm run import -- <export-dir> --endpoint ${stack.endpoint} --table ${stack.tableName}`);
  if (demo) {
    console.log('Try:');
    console.log(`  curl -s '${stack.url}/api/v1/push.get?id=${DEMO.messageId}' -H 'X-User-Id: ${DEMO.userId}' -H 'X-Auth-Token: ${DEMO.token}'`);
  }
  if (mongoUrl !== undefined) relay = await startLocalRelay(mongoUrl, stack, (line) => console.log(line));
  console.log(embedded ? 'Ctrl-C stops the API and the embedded database.' : 'Ctrl-C stops the API.');
}

/** Digits only: Number() would also take "", " 80" or "0x50". */
function portNumber(flag: string, text: string): number {
  const port = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`${flag} must be a port number, got "${text}"`);
  }
  return port;
}

runCommand(COMMAND, main);
