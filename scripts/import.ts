/**
 * `npm run import -- <export-dir> [options]`: loads a Rocket.Chat `mongoexport` into the table
 * (`--help` lists the options). Order of work: check the target (credentials, region, table), read
 * and check the whole export, then create the table (local engines only) and write; nothing is
 * created or written when any check fails.
 */
import { resolve } from 'node:path';
import { importExport, type ImportSummary } from '../lib/import/import-export';
import { createDocumentClient } from '../lib/store/document-client';
import { DynamoStore } from '../lib/store/dynamo-store';
import { RelayStore } from '../lib/store/relay-store';
import { DEFAULT_TABLE_NAME } from '../lib/store/table-name';
import { planTarget, resolveTarget, TARGET_OPTIONS, TargetError, type Target } from '../lib/store/target';
import { parseCommand, runCommand, targetOptions, type CommandSpec } from '../local/cli';

const COMMAND: CommandSpec = {
  name: 'npm run import',
  usage: ['<export-dir> [options]'],
  positionals: 1,
  summary:
    'Loads a Rocket.Chat mongoexport (one <collection>.json per collection, JSON lines or --jsonArray)\n' +
    'into the push.get table. Every document is read and checked first; nothing is written (or created)\n' +
    'unless the whole export is valid. A re-import adds and replaces items and never removes any.',
  options: {
    ...TARGET_OPTIONS,
    endpoint: { ...TARGET_OPTIONS.endpoint, description: `${TARGET_OPTIONS.endpoint.description}; the table is created there after the checks if missing` },
    'dry-run': { type: 'boolean', description: 'read and check everything, print the summary, write nothing; contacts no database unless --prune is given too', default: 'off' },
    prune: {
      type: 'boolean',
      description: 'after a complete import, remove the items of documents the export no longer has, for the collections present in the export only',
      default: 'off',
    },
    force: {
      type: 'boolean',
      description: "import even while a live relay keeps the table current (its lease is held): the import's items replace the relay's newer ones",
      default: 'off',
    },
  },
  examples: [
    'npm run import -- ./dump --dry-run',
    'npm run import -- ./dump --table PushGetStack-TableCD117FA1-ABC123 --profile prod',
    `npm run import -- ./dump --endpoint http://localhost:8000 --table ${DEFAULT_TABLE_NAME}`,
    'npm run import -- ./dump --table my-table --prune --dry-run    # count what --prune would remove',
  ],
};

async function main(): Promise<void> {
  const { values, positionals } = parseCommand(COMMAND);
  const dir = resolve(positionals[0]!);
  const dryRun = values['dry-run'] === true;
  const touchesTable = !dryRun || values.prune === true;
  const options = targetOptions(values);
  const table = planTarget(options).tableName;
  // The region, credentials and table are checked before the long read; the table is created only after it.
  const target = touchesTable ? await resolveTarget(options, { create: true, patient: true }) : undefined;
  try {
    if (target) {
      process.stderr.write(`Target: ${target.where}${target.tableExists ? '' : ' (created after the checks)'}\n`);
      if (!dryRun) await checkNoLiveRelay(target, values.force === true);
    }
    // A dry run without --prune writes and reads nothing: its store is never called.
    const client = target?.client ?? createDocumentClient({ endpoint: 'http://127.0.0.1:9' });
    const store = new DynamoStore(client, { tableName: table });
    const started = Date.now();
    const progress = throttled();
    const summary = await importExport(store, dir, {
      dryRun,
      // A table a dry run would have created is empty: nothing to prune.
      prune: values.prune === true && (target?.tableExists === true || !dryRun),
      onWarning: (message) => process.stderr.write(`warning: ${message}\n`),
      onCheckProgress: (collection, read, done) => progress(`  checking ${collection}: ${read} documents`, done),
      onProgress: (collection, written, total) => progress(`  writing ${collection}: ${written}/${total} documents`, written === total),
      beforeWrite: target && !target.tableExists ? () => target.createTable() : undefined,
    });
    if (!target) client.destroy();
    printSummary(summary, { dir, table, dryRun, seconds: (Date.now() - started) / 1000 });
  } finally {
    target?.close();
  }
}

/**
 * A relay whose lease is current keeps the table at newer versions than the import's version-0
 * items: importing over it would roll those items back. Refused unless --force, which says so.
 */
async function checkNoLiveRelay(target: Target, force: boolean): Promise<void> {
  if (!target.tableExists) return;
  const { owner, leaseUntil, checkpointedAt } = await new RelayStore(target.client, target.tableName).state();
  const now = Date.now();
  if (!owner || !leaseUntil || leaseUntil < now) return;
  const checkpoint = checkpointedAt ? `its last checkpoint at ${new Date(checkpointedAt).toISOString()}` : 'no checkpoint yet (still taking its snapshot)';
  const relay = `the live relay ${owner} holds the lease on ${target.where} until ${new Date(leaseUntil).toISOString()}, ${checkpoint}`;
  if (!force) {
    throw new TargetError(`${relay}: an import would replace the items it keeps current with older ones. Stop the relay first, or pass --force to import anyway (see docs/operations.md)`);
  }
  process.stderr.write(
    `warning: --force: ${relay}; the import overwrites every item it writes with the export's state, including changes the relay applied after the export was taken; the relay goes on from its checkpoint and rewrites only documents that change again\n`,
  );
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

// Failures name file:line and a reason, never document values (tokens live in users.json).
runCommand(COMMAND, main);
