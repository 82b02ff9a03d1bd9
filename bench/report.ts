/** The results of one bench run: their shape, the targets, and the printed table. */
import type { BundleInfo, ColdSummary } from './cold';
import type { BenchPlan } from './plan';
import type { LoadResult } from './load';
import type { PowertoolsResult, SubscriptionPoint, TableResult, WarmResult } from './support/protocol';
import { linearFit, median, ratio, round } from './support/stats';

export interface Machine {
  nproc: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  engine: string;
  java?: string;
  /** Other work on the machine during the run (1-minute load average, sampled between phases). */
  loadAverage1m: { start: number; max: number; end: number };
}

export interface BenchResults {
  generatedAt: string;
  mode: BenchPlan['mode'];
  durationS: number;
  machine: Machine;
  dataset: {
    seed: number;
    shape: Record<string, unknown>;
    items: Record<string, number>;
    messages: number[];
    loadItemsPerSec: number;
    engineWarmupRequests: number;
  };
  warm: WarmResult;
  powertools: PowertoolsResult;
  coldStart: { bundles: BundleInfo[]; runs: ColdSummary[] };
  scale: {
    subscriptions: SubscriptionPoint[];
    badge: BadgeGrowth;
    table: TableResult[];
  };
  load: LoadResult;
  targets: Target[];
  phasesS: Record<string, number>;
}

export interface BadgeGrowth {
  /** Least-squares slope of the handler's p50 over the subscription count (all unread). */
  handlerMsPer1000Subscriptions: number;
  /** The same for the raw badge Query alone. */
  queryMsPer1000Subscriptions: number;
  /** Read capacity per unread subscription, from the engine's ConsumedCapacity. */
  capacityUnitsPerUnreadSubscription?: number;
  /** Handler p50 at the largest count, all unread vs few unread. */
  largest: { subscriptions: number; allUnreadP50: number; fewUnreadP50: number };
}

export interface Target {
  name: string;
  target: string;
  measured: string;
  status: 'PASS' | 'FAIL' | 'INFO';
}

export function badgeGrowth(points: SubscriptionPoint[]): BadgeGrowth {
  const all = points.filter((p) => p.profile === 'all');
  const few = points.filter((p) => p.profile === 'few');
  const handler = linearFit(all.map((p) => ({ x: p.subscriptions, y: p.latency.p50 })));
  const query = linearFit(all.map((p) => ({ x: p.subscriptions, y: p.badgeQuery.p50 })));
  const biggest = all[all.length - 1]!;
  const fewBiggest = few.find((p) => p.subscriptions === biggest.subscriptions);
  return {
    handlerMsPer1000Subscriptions: round(handler.slope * 1000, 3),
    queryMsPer1000Subscriptions: round(query.slope * 1000, 3),
    capacityUnitsPerUnreadSubscription: biggest.badgeCapacityUnits === undefined ? undefined : round(biggest.badgeCapacityUnits / biggest.badgeItemsRead, 5),
    largest: { subscriptions: biggest.subscriptions, allUnreadP50: biggest.latency.p50, fewUnreadP50: fewBiggest?.latency.p50 ?? Number.NaN },
  };
}

export function evaluateTargets(r: Omit<BenchResults, 'targets'>): Target[] {
  const h = r.warm.handler;
  const a = r.warm.authorizer;
  const handlerRatio = ratio(h.latency.p50, h.floor.p50);
  const authRatio = ratio(a.latency.p50, a.floorBatchGet.p50);
  const cold = (name: string) => r.coldStart.runs.find((run) => run.variant === name);
  /**
   * Median of the per-round ratios: each round ran the function and its minimal bundle back to
   * back, so a slow stretch of the machine slows both sides of a pair and cancels out, which a
   * ratio of two medians does not.
   */
  const pairedRatio = (fn: string, minimal: string, measure: keyof ColdSummary['perRun']) => {
    const real = cold(fn)?.perRun[measure] ?? [];
    const base = cold(minimal)?.perRun[measure] ?? [];
    const pairs = Math.min(real.length, base.length);
    return pairs === 0 ? Number.NaN : round(median(Array.from({ length: pairs }, (_, i) => real[i]! / base[i]!)), 3);
  };
  const coldRatio = (fn: string, minimal: string) => pairedRatio(fn, minimal, 'importAndAnswerMs');
  const coldCpu = (fn: string, minimal: string) => {
    const real = cold(fn)?.medianImportAndAnswerCpuMs;
    const base = cold(minimal)?.medianImportAndAnswerCpuMs;
    return real !== undefined && base !== undefined ? `${real} vs ${base} ms, paired ${pairedRatio(fn, minimal, 'importAndAnswerCpuMs')}×` : 'n/a';
  };
  const handlerCold = coldRatio('handler', 'minimal-handler');
  const authCold = coldRatio('authorizer', 'minimal-authorizer');
  const sizes = r.scale.table;
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  const sameRequests = sizes.every((s) => s.requests.total === first.requests.total && s.requests.steps === first.requests.steps);
  const growth = ratio(last.latency.p50, first.latency.p50);
  const badge = r.scale.badge;
  const load = r.load;
  const loadErrors = load.errors + load.timeouts + load.non2xx;
  return [
    {
      name: 'handler: sequential DynamoDB steps',
      target: '2',
      measured: `${h.warmCall.steps} steps, ${h.warmCall.total} requests (${describe(h.warmCall.byCommand)})`,
      status: h.warmCall.steps <= 2 ? 'PASS' : 'FAIL',
    },
    {
      name: 'handler: warm p50 vs raw floor',
      target: `≤ ${WARM_RATIO_LIMIT}×`,
      measured: `${h.latency.p50} ms vs ${h.floor.p50} ms = ${handlerRatio}× (+${round(h.latency.p50 - h.floor.p50, 2)} ms)`,
      status: handlerRatio <= WARM_RATIO_LIMIT ? 'PASS' : 'FAIL',
    },
    {
      name: 'handler: CPU per call over raw floor',
      target: 'stated',
      measured: `+${h.cpuUs.handler - h.cpuUs.floor} µs (${h.cpuUs.handler} vs ${h.cpuUs.floor} µs/call)`,
      status: 'INFO',
    },
    {
      name: 'authorizer: DynamoDB requests',
      target: '1',
      measured: `${a.warmCall.total} (${describe(a.warmCall.byCommand)})`,
      status: a.warmCall.total === 1 ? 'PASS' : 'FAIL',
    },
    {
      name: 'authorizer: warm p50 vs its raw request',
      target: `≤ ${WARM_RATIO_LIMIT}×`,
      measured: `${a.latency.p50} ms vs ${a.floorBatchGet.p50} ms (raw BatchGetItem of the token item and Accounts_LoginExpiration) = ${authRatio}× (+${round(a.latency.p50 - a.floorBatchGet.p50, 2)} ms); vs one raw GetItem of the token ${a.floorGetItem.p50} ms: ${ratio(a.latency.p50, a.floorGetItem.p50)}×`,
      status: authRatio <= WARM_RATIO_LIMIT ? 'PASS' : 'FAIL',
    },
    {
      name: 'authorizer: CPU per call over its raw request',
      target: 'stated',
      measured: `+${a.cpuUs.authorizer - a.cpuUs.batchGet} µs (${a.cpuUs.authorizer} vs ${a.cpuUs.batchGet} µs/call)`,
      status: 'INFO',
    },
    {
      name: 'handler: cold import + first answer vs minimal',
      target: `≤ ${COLD_RATIO_LIMIT}×`,
      measured: `medians ${cold('handler')?.medianImportAndAnswerMs} vs ${cold('minimal-handler')?.medianImportAndAnswerMs} ms, paired ${handlerCold}× over ${cold('handler')?.runs} rounds (CPU ${coldCpu('handler', 'minimal-handler')})`,
      status: handlerCold <= COLD_RATIO_LIMIT ? 'PASS' : 'FAIL',
    },
    {
      name: 'authorizer: cold import + first answer vs minimal',
      target: `≤ ${COLD_RATIO_LIMIT}×`,
      measured: `medians ${cold('authorizer')?.medianImportAndAnswerMs} vs ${cold('minimal-authorizer')?.medianImportAndAnswerMs} ms, paired ${authCold}× over ${cold('authorizer')?.runs} rounds (CPU ${coldCpu('authorizer', 'minimal-authorizer')})`,
      status: authCold <= COLD_RATIO_LIMIT ? 'PASS' : 'FAIL',
    },
    {
      name: 'bundle sizes',
      target: 'stated',
      measured: r.coldStart.bundles.map((b) => `${b.name} ${kb(b.bytes)}` + (b.runtimeFileBytes ? ` (+ ${kb(b.runtimeFileBytes)} read on first use)` : '')).join(', '),
      status: 'INFO',
    },
    {
      name: 'no growth with table size',
      target: 'same requests, p50 ≤ 1.25×',
      measured: `${first.messages} → ${last.messages} messages: ${first.requests.total} → ${last.requests.total} requests, p50 ${first.latency.p50} → ${last.latency.p50} ms (${growth}×)`,
      status: sameRequests && growth <= 1.25 ? 'PASS' : 'FAIL',
    },
    {
      name: 'badge cost per subscription',
      target: 'stated',
      measured:
        `+${badge.handlerMsPer1000Subscriptions} ms p50 per 1,000 unread subscriptions` +
        (badge.capacityUnitsPerUnreadSubscription === undefined ? '' : `, ${badge.capacityUnitsPerUnreadSubscription} RCU each`) +
        `; at ${badge.largest.subscriptions}: ${badge.largest.allUnreadP50} ms all unread, ${badge.largest.fewUnreadP50} ms few unread`,
      status: 'INFO',
    },
    {
      name: 'local API under load: errors',
      target: '0',
      measured: `${loadErrors} (errors ${load.errors}, timeouts ${load.timeouts}, non-2xx ${load.non2xx}) of ${load.requests}`,
      status: loadErrors === 0 ? 'PASS' : 'FAIL',
    },
    {
      // After warm-up the server keeps nothing per request: its heap after a full GC must not grow.
      name: 'local API under load: memory growth',
      target: `heap after GC ≤ +${HEAP_GROWTH_LIMIT_MIB} MiB`,
      measured: `${load.memory.heapBeforeMiB} → ${load.memory.heapAfterMiB} MiB (${load.memory.heapGrowthMiB} MiB) over ${load.requests} requests; RSS peak ${load.memory.peakRssMiB} MiB`,
      status: load.memory.heapGrowthMiB <= HEAP_GROWTH_LIMIT_MIB ? 'PASS' : 'FAIL',
    },
  ];
}

/** Warm p50 of each function against its raw floor (issue 12). */
const WARM_RATIO_LIMIT = 1.1;
/** Cold import + first answer against a minimal raw-SDK bundle. */
const COLD_RATIO_LIMIT = 1.15;

/** A leak of even 1 KB per request would show as several MiB over a run. */
const HEAP_GROWTH_LIMIT_MIB = 2;

function describe(byCommand: Record<string, number>): string {
  return Object.entries(byCommand)
    .map(([name, n]) => `${n} ${name.replace(/Command$/, '')}`)
    .join(' + ');
}

function grid(rows: (string | number)[][]): string {
  const text = rows.map((row) => row.map(String));
  const widths = text[0]!.map((_, col) => Math.max(...text.map((row) => (row[col] ?? '').length)));
  const line = (row: string[]) => `| ${row.map((cell, col) => cell.padEnd(widths[col]!)).join(' | ')} |`;
  return [line(text[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...text.slice(1).map(line)].join('\n');
}

const kb = (bytes: number) => `${round(bytes / 1024, 1)} KiB`;

/** Markdown tables, so that the output can be pasted into docs/performance.md as is. */
export function render(r: BenchResults): string {
  const h = r.warm.handler;
  const a = r.warm.authorizer;
  const m = r.machine;
  const out: string[] = [];
  out.push(
    `push.get bench (${r.mode}), ${r.generatedAt}, ${r.durationS} s`,
    `machine: ${m.nproc} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; engine ${m.engine}${m.java ? ` (Java ${m.java})` : ''}`,
    `load average (1 min) during the run: ${m.loadAverage1m.start} at start, ${m.loadAverage1m.max} max, ${m.loadAverage1m.end} at end` +
      (m.loadAverage1m.max > m.nproc ? ` — the machine was busy with other work: trust the interleaved ratios more than absolute times` : ''),
    `data (largest table): ${Object.entries(r.dataset.items)
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}; loaded at ${r.dataset.loadItemsPerSec} items/s`,
    '',
    `### Targets (load average, 1 min: ${m.loadAverage1m.start} at start, ${m.loadAverage1m.max} max, ${m.loadAverage1m.end} at end; ${m.nproc} CPUs)`,
    grid([['target', 'goal', 'measured', 'status'], ...r.targets.map((t) => [t.name, t.target, t.measured, t.status])]),
    '',
    '### Requests per call (SDK middleware)',
    grid([
      ['call', 'requests', 'steps', 'by command'],
      ['authorizer, first call of a process', a.firstCall.total, a.firstCall.steps, describe(a.firstCall.byCommand)],
      ['authorizer, warm', a.warmCall.total, a.warmCall.steps, describe(a.warmCall.byCommand)],
      ['handler, first call of a process', h.firstCall.total, h.firstCall.steps, describe(h.firstCall.byCommand)],
      ['handler, warm', h.warmCall.total, h.warmCall.steps, describe(h.warmCall.byCommand)],
      ['raw floor of the handler', h.floorCall.total, h.floorCall.steps, describe(h.floorCall.byCommand)],
    ]),
    '',
    `### Warm latency, in process (ms; ${h.latency.samples} calls each, interleaved)`,
    grid([
      ['what', 'p50', 'p90', 'p99', 'mean', 'vs floor p50', 'CPU µs/call'],
      ['handler (functions/push-get)', h.latency.p50, h.latency.p90, h.latency.p99, h.latency.mean, `${ratio(h.latency.p50, h.floor.p50)}×`, h.cpuUs.handler],
      ['  use case only (getPushNotification + stringify)', h.bare.p50, h.bare.p90, h.bare.p99, h.bare.mean, `${ratio(h.bare.p50, h.floor.p50)}×`, h.cpuUs.bare],
      ['  raw floor: GetItem → BatchGetItem ∥ Query', h.floor.p50, h.floor.p90, h.floor.p99, h.floor.mean, '1×', h.cpuUs.floor],
      ['authorizer (functions/authorizer)', a.latency.p50, a.latency.p90, a.latency.p99, a.latency.mean, `${ratio(a.latency.p50, a.floorBatchGet.p50)}×`, a.cpuUs.authorizer],
      ['  check only (store.loginFacts + isLoginValid)', a.bare.p50, a.bare.p90, a.bare.p99, a.bare.mean, `${ratio(a.bare.p50, a.floorBatchGet.p50)}×`, a.cpuUs.bare],
      ['  raw floor: BatchGetItem (token + Accounts_LoginExpiration)', a.floorBatchGet.p50, a.floorBatchGet.p90, a.floorBatchGet.p99, a.floorBatchGet.mean, '1×', a.cpuUs.batchGet],
      [
        '  one raw GetItem of the token (before the setting was read per call)',
        a.floorGetItem.p50,
        a.floorGetItem.p90,
        a.floorGetItem.p99,
        a.floorGetItem.mean,
        `${ratio(a.floorGetItem.p50, a.floorBatchGet.p50)}×`,
        a.cpuUs.getItem,
      ],
    ]),
    `Powertools per invocation (metrics ${r.powertools.metricsEnabled ? 'on' : 'off'}): ${r.powertools.wrapperCallsUs.p50} µs p50 (${r.powertools.metricsPublishUs.p50} µs of it addMetric + publishStoredMetrics); answer ${r.warm.answerBytes} bytes.`,
    '',
    '### Cold start (fresh node process: import the bundle + answer one request; medians)',
    grid([['bundle', 'size', 'gzip', 'map'], ...r.coldStart.bundles.map((b) => [b.name, kb(b.bytes), kb(b.gzipBytes), kb(b.mapBytes)])]),
    '',
    grid([
      ['variant (ms, medians)', 'runs', 'import', 'first answer', 'import + answer', 'CPU of import + answer', 'since process start', 'wall (spawn → report)', 'maxRSS MiB', 'outcome'],
      ...r.coldStart.runs.map((c) => [
        c.variant,
        c.runs,
        c.medianImportMs,
        c.medianFirstAnswerMs,
        c.medianImportAndAnswerMs,
        c.medianImportAndAnswerCpuMs,
        c.medianProcessMs,
        c.medianWallMs,
        c.medianMaxRssMiB,
        c.outcomes.join(','),
      ]),
    ]),
    '',
    "### Scale: the receiver's subscriptions (badge = sum over unread, non-archived)",
    grid([
      ['subscriptions', 'unread', 'badge', 'requests', 'handler p50', 'handler p99', 'floor p50', 'badge Query p50', 'Query items', 'RCU'],
      ...r.scale.subscriptions.map((p) => [
        p.subscriptions,
        p.profile === 'all' ? 'all' : `${p.expectedBadge}`,
        p.badge === p.expectedBadge ? p.badge : `${p.badge} (expected ${p.expectedBadge})`,
        `${p.requests.total} / ${p.requests.steps} steps`,
        p.latency.p50,
        p.latency.p99,
        p.floor.p50,
        p.badgeQuery.p50,
        p.badgeItemsRead,
        p.badgeCapacityUnits ?? '-',
      ]),
    ]),
    '',
    '### Scale: table size',
    grid([
      ['messages', 'requests', 'steps', 'handler p50', 'handler p99', 'floor p50', 'ratio'],
      ...r.scale.table.map((t) => [t.messages, t.requests.total, t.requests.steps, t.latency.p50, t.latency.p99, t.floor.p50, `${ratio(t.latency.p50, t.floor.p50)}×`]),
    ]),
    '',
    `### Local API over HTTP (autocannon, ${r.load.connections} connections, ${r.load.durationS} s, authorizer + handler per request)`,
    grid([
      [
        'req/s',
        'p50 ms',
        'p90 ms',
        'p99 ms',
        'max ms',
        'requests',
        'errors',
        'timeouts',
        'non-2xx',
        'RSS idle',
        'RSS peak',
        'maxRSS (process)',
        'heap after GC: before → after load',
        'CPU ms/request: API, engine, autocannon',
      ],
      [
        r.load.requestsPerSec,
        r.load.latencyMs.p50,
        r.load.latencyMs.p90,
        r.load.latencyMs.p99,
        r.load.latencyMs.max,
        r.load.requests,
        r.load.errors,
        r.load.timeouts,
        r.load.non2xx,
        `${r.load.memory.baselineRssMiB} MiB`,
        `${r.load.memory.peakRssMiB} MiB`,
        `${r.load.memory.maxRssMiB} MiB`,
        `${r.load.memory.heapBeforeMiB} → ${r.load.memory.heapAfterMiB} MiB (${r.load.memory.heapGrowthMiB >= 0 ? '+' : ''}${r.load.memory.heapGrowthMiB})`,
        `${r.load.cpuMsPerRequest.api}, ${r.load.cpuMsPerRequest.engine ?? '-'}, ${r.load.cpuMsPerRequest.loadGenerator}`,
      ],
    ]),
  );
  return out.join('\n');
}
