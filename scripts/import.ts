/**
 * `npm run import -- <export-dir> [options]`: loads a Rocket.Chat `mongoexport` into the table
 * (`--help` lists the options). Order of work: check the target (credentials, region, table), read
 * and check the whole export, then create the table (local engines only) and write; nothing is
 * created or written when any check fails.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { importExport, type ImportSummary } from '../lib/import/import-export';
import { createDocumentClient } from '../lib/store/document-client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { ensureTable } from '../lib/store/table';
import { DEFAULT_TABLE_NAME } from '../lib/store/table-name';

// Node 20 is supported by the SDK release we pin; its notice about future releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const HELP = `usage: npm run import -- <export-dir> [options]

Loads a Rocket.Chat mongoexport (one <collection>.json per collection, JSON lines or --jsonArray)
into the push.get table. Every document is read and checked first; nothing is written (or created)
unless the whole export is valid. A re-import adds and replaces items and never removes any.

options:
  --table NAME      the table (default: $TABLE_NAME, else ${DEFAULT_TABLE_NAME}; in AWS, the stack's TableName output)
  --region REGION   AWS region (default: like the AWS CLI: $AWS_REGION, $AWS_DEFAULT_REGION, the profile's region)
  --profile NAME    AWS profile for credentials and region (default: $AWS_PROFILE, else the default profile)
  --endpoint URL    a local DynamoDB engine (DynamoDB Local, dynalite) instead of AWS; the table is
                    created there after the checks if missing (default: none, i.e. AWS)
  --dry-run         read and check everything, print the summary, write nothing (default: off);
                    contacts no database unless --prune is given too
  --prune           after a complete import, remove the items of documents the export no longer has,
                    for the collections present in the export only (default: off; see README)
  -h, --help        this help

examples:
  npm run import -- ./dump --dry-run
  npm run import -- ./dump --table PushGetStack-TableCD117FA1-ABC123 --profile prod
  npm run import -- ./dump --endpoint http://localhost:8000 --table ${DEFAULT_TABLE_NAME}
  npm run import -- ./dump --table my-table --prune --dry-run    # count what --prune would remove
`;

class UsageError extends Error {}

interface Target {
  client: DynamoDBDocumentClient;
  region: string;
  tableExists: boolean;
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        endpoint: { type: 'string' },
        table: { type: 'string', default: process.env.TABLE_NAME || DEFAULT_TABLE_NAME },
        region: { type: 'string' },
        profile: { type: 'string' },
        'dry-run': { type: 'boolean', default: false },
        prune: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    // parseArgs names the option ("Unknown option '--tabel'"), never a value.
    throw new UsageError(error instanceof Error ? error.message.replace(/\. To specify a positional.*$/s, '') : String(error));
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parse();
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  if (positionals.length !== 1) {
    throw new UsageError(positionals.length === 0 ? 'the export directory is missing' : `one export directory expected, got ${positionals.length} arguments`);
  }
  const dir = resolve(positionals[0]!);
  const table = values.table!;
  const dryRun = values['dry-run']!;
  const touchesTable = !dryRun || values.prune!;
  if (values.profile) {
    process.env.AWS_PROFILE = values.profile;
  }
  const target = touchesTable ? await checkTarget(table, values.endpoint, values.region) : undefined;
  if (target) {
    const where = values.endpoint ? `${values.endpoint}` : `AWS region ${target.region}`;
    process.stderr.write(`Target: table ${table} at ${where}${target.tableExists ? '' : ' (created after the checks)'}\n`);
  }
  // A dry run without --prune writes and reads nothing: its store is never called.
  const client = target?.client ?? createDocumentClient({ region: 'unused', endpoint: 'http://127.0.0.1:9' });
  const store = new DynamoStore(client, { tableName: table });
  const started = Date.now();
  const progress = throttled();
  const summary = await importExport(store, dir, {
    dryRun,
    // A table a dry run would have created is empty: nothing to prune.
    prune: values.prune && (target?.tableExists === true || !dryRun),
    onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
    onCheckProgress: (collection, read, done) => progress(`  checking ${collection}: ${read} documents`, done),
    onProgress: (collection, written, total) => progress(`  writing ${collection}: ${written}/${total} documents`, written === total),
    beforeWrite: target && !target.tableExists ? () => ensureTable(target.client, table) : undefined,
  });
  client.destroy();
  printSummary(summary, { dir, table, dryRun, seconds: (Date.now() - started) / 1000 });
}

/** At most one progress line a second (and every final one), on stderr. */
function throttled(): (line: string, force?: boolean) => void {
  let last = 0;
  return (line, force = false) => {
    if (force || Date.now() - last >= 1000) {
      last = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * Before the long read: the region resolves, the credentials work and the table exists (in AWS it
 * must; a local engine gets it created after the checks). One DescribeTable answers all three.
 */
async function checkTarget(table: string, endpoint: string | undefined, regionOption: string | undefined): Promise<Target> {
  // Like the AWS CLI: --region, AWS_REGION, AWS_DEFAULT_REGION (which the JS SDK alone ignores), the profile.
  const explicit = regionOption || process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || undefined;
  const client = createDocumentClient({ region: explicit ?? (endpoint ? await profileRegion().catch(() => 'local') : undefined), endpoint, patient: true });
  let region: string;
  try {
    region = await client.config.region();
  } catch {
    throw new TargetError('no AWS region: pass --region, set AWS_REGION, or set a region in your AWS profile (aws configure)');
  }
  try {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
    if (Table?.TableStatus && Table.TableStatus !== 'ACTIVE' && Table.TableStatus !== 'UPDATING') {
      throw new TargetError(`table ${table} is ${Table.TableStatus}, not ACTIVE`);
    }
    return { client, region, tableExists: true };
  } catch (error) {
    if (error instanceof TargetError) throw error;
    const name = (error as { name?: string }).name ?? '';
    if (name === 'ResourceNotFoundException') {
      if (endpoint) return { client, region, tableExists: false };
      throw new TargetError(`table ${table} not found in AWS region ${region}: pass --table with the stack's TableName output, and --region or --profile if it lives elsewhere`);
    }
    throw new TargetError(describeTargetError(name, error, endpoint));
  }
}

async function profileRegion(): Promise<string> {
  const probe = createDocumentClient({});
  try {
    return await probe.config.region();
  } finally {
    probe.destroy();
  }
}

/** Names the cause without echoing credentials or SDK internals. */
function describeTargetError(name: string, error: unknown, endpoint: string | undefined): string {
  const message = error instanceof Error ? error.message : String(error);
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'no AWS credentials found: set AWS_PROFILE or pass --profile, run aws sso login, or set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY';
  }
  if (['UnrecognizedClientException', 'InvalidSignatureException', 'ExpiredTokenException', 'InvalidClientTokenId', 'AccessDeniedException'].includes(name)) {
    return `AWS refused the credentials (${name}): check the profile, and that it may call dynamodb:DescribeTable and BatchWriteItem (and Scan with --prune) on the table`;
  }
  if (/ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|TimeoutError/.test(`${name} ${message} ${(error as { code?: string }).code ?? ''}`)) {
    return endpoint ? `cannot reach DynamoDB at ${endpoint} (is the local engine running?)` : 'cannot reach DynamoDB in AWS (network?)';
  }
  return `cannot use the table (${name || 'error'}: ${message})`;
}

class TargetError extends Error {}

function printSummary(summary: ImportSummary, run: { dir: string; table: string; dryRun: boolean; seconds: number }): void {
  const itemTotal = Object.values(summary.items).reduce((sum, count) => sum + count, 0);
  const rate = run.seconds > 0 ? `, ${Math.round(itemTotal / run.seconds)} items/s` : '';
  console.log(
    run.dryRun
      ? `Dry run: checked ${run.dir} in ${run.seconds.toFixed(1)} s${rate}; nothing was written to ${run.table}`
      : `Imported ${run.dir} into ${run.table} in ${run.seconds.toFixed(1)} s${rate}`,
  );
  for (const [collection, { read, skipped }] of Object.entries(summary.documents)) {
    console.log(`  ${collection}: ${read} documents${skipped ? ` (${skipped} skipped: not used by push.get)` : ''}`);
  }
  for (const [entity, count] of Object.entries(summary.items)) {
    console.log(`  ${entity}: ${count} items${run.dryRun ? ' to write' : ''}`);
  }
  if (summary.pruned) {
    const pruned = Object.entries(summary.pruned).filter(([, count]) => count > 0);
    const total = pruned.reduce((sum, [, count]) => sum + count, 0);
    console.log(`  pruned: ${total} items${run.dryRun ? ' would be removed' : ' removed'}${pruned.length ? ` (${pruned.map(([c, n]) => `${c}: ${n}`).join(', ')})` : ''}`);
  }
  if (summary.warnings.length > 0) {
    console.log(`  ${summary.warnings.length} warning(s), repeated on stderr below`);
  }
  for (const warning of summary.warnings) {
    console.error(`WARNING: ${warning}`);
  }
}

main().catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`import: ${error.message}\nusage: npm run import -- <export-dir> [options]; see npm run import -- --help`);
    process.exit(2);
  }
  // Import errors name file:line and a reason, never document values (tokens live in users.json).
  console.error(`import failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
