/**
 * `npm start [-- --port N] [-- --fixtures DIR] [-- --endpoint URL] [-- --engine dynalite]`:
 * the local API on an embedded DynamoDB, loaded with the demo export (or DIR).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImportError } from '../lib/errors';
import { RelayStopped } from '../lib/sync/relay';
import { startLocalStack } from './stack';
import { startLocalRelay } from './sync';

// Node 20 is supported by the SDK release we pin; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const DEMO = {
  messageId: 'WkbwSntxt8D3jLp8G',
  userId: 'd26x6zSkaPSe5gCyy',
  token: 'Zu-Z6eKzIIz7MCCRGeHi29bYkXZCJ4SxFC0JAasqm92',
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '3000' },
      fixtures: { type: 'string' },
      endpoint: { type: 'string' },
      engine: { type: 'string', default: 'auto' },
      table: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      'mongo-url': { type: 'string' },
    },
  });
  // Digits only: Number() would also take "", " 80" or "0x50".
  const port = /^\d+$/.test(values.port!) ? Number(values.port) : NaN;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port must be a port number, got "${values.port}"`);
  }
  if (!['auto', 'dynamodb-local', 'dynalite'].includes(values.engine!)) {
    throw new UsageError('--engine must be dynamodb-local or dynalite');
  }
  // --mongo-url: an empty table kept current from that MongoDB instead of the demo export.
  const mongoUrl = values['mongo-url'];
  const demo = values.fixtures === undefined && mongoUrl === undefined;
  const fixturesDir = mongoUrl === undefined ? resolve(values.fixtures ?? new URL('../fixtures/demo', import.meta.url).pathname) : undefined;
  console.log(fixturesDir ? `Loading ${fixturesDir} …` : 'Starting with an empty table, kept current from MongoDB …');
  const stack = await startLocalStack({
    fixturesDir,
    port,
    endpoint: values.endpoint,
    engine: values.engine as 'auto',
    tableName: values.table,
    log: values.quiet ? undefined : (line) => console.log(line),
  });
  const counts = Object.entries(stack.summary.items).map(([entity, count]) => `${count} ${entity}`).join(', ');
  console.log(`DynamoDB (${stack.engine}) at ${stack.endpoint}: imported ${counts}`);
  console.log(`push.get is ready at ${stack.url}/api/v1/push.get`);
  if (demo) {
    console.log('Try:');
    console.log(`  curl -s '${stack.url}/api/v1/push.get?id=${DEMO.messageId}' -H 'X-User-Id: ${DEMO.userId}' -H 'X-Auth-Token: ${DEMO.token}'`);
  }
  const relay = mongoUrl === undefined ? undefined : await startLocalRelay(mongoUrl, stack, (line) => console.log(line));
  console.log('Ctrl-C stops the API and the embedded database.');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await relay?.stop();
    await stack.close();
    console.log('Stopped.');
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

class UsageError extends Error {}

main().catch((error: unknown) => {
  if (error instanceof UsageError || error instanceof ImportError || error instanceof RelayStopped) {
    console.error(`npm start: ${error.message}`);
  } else {
    console.error('npm start failed:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
