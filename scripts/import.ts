/**
 * `npm run import -- <dir> [--endpoint URL] [--table NAME] [--region R]`: loads a Rocket.Chat
 * `mongoexport` into the table. With --endpoint (a local engine) the table is created if missing;
 * in AWS it must exist (the stack creates it) and the usual AWS credentials are used.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ImportError } from '../lib/errors';
import { importExport } from '../lib/import/import-export';
import { createDocumentClient } from '../lib/store/client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { ensureTable } from '../lib/store/table';

// Node 20 is supported by the SDK release we pin; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm run import -- <export-dir> [--endpoint URL] [--table NAME] [--region REGION]';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      endpoint: { type: 'string' },
      table: { type: 'string', default: process.env.TABLE_NAME ?? 'rocketchat-push' },
      region: { type: 'string', default: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1' },
    },
  });
  if (positionals.length !== 1) {
    console.error(USAGE);
    process.exit(2);
  }
  const dir = resolve(positionals[0]!);
  const documentClient = createDocumentClient({ region: values.region!, endpoint: values.endpoint });
  if (values.endpoint) {
    await ensureTable(documentClient, values.table!);
  }
  const store = new DynamoStore(documentClient, { tableName: values.table! });
  const started = Date.now();
  let lastReport = 0;
  const summary = await importExport(store, dir, {
    onProgress: (collection, written, total) => {
      if (written === total || Date.now() - lastReport > 1000) {
        lastReport = Date.now();
        process.stderr.write(`  ${collection}: ${written}/${total} documents\n`);
      }
    },
  });
  documentClient.destroy();
  console.log(`Imported ${dir} into ${values.table} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  for (const [collection, { read, skipped }] of Object.entries(summary.documents)) {
    console.log(`  ${collection}: ${read} documents${skipped ? ` (${skipped} skipped: not used by push.get)` : ''}`);
  }
  for (const [entity, count] of Object.entries(summary.items)) {
    console.log(`  ${entity}: ${count} items`);
  }
  for (const warning of summary.warnings) {
    console.error(`WARNING: ${warning}`);
  }
}

main().catch((error: unknown) => {
  // Import errors name file:line and a reason, never document values (tokens live in users.json).
  console.error(error instanceof ImportError ? `import failed: ${error.message}` : `import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
