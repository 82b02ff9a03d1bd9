/**
 * Where the relay's CPU goes in a burst (issue 19; docs/performance.md, "Live sync"): the lag
 * rounds of `npm run bench:sync` alone — one message's events in a 1,000-member room streamed
 * by the scripted change-stream peer (a child process) through the real relay, alternated with
 * the floor's raw conditional PutItems — with a CPU profile of each measured burst, its samples
 * given to the innermost frame of ours or of the library that owns them.
 *
 * `npx tsx bench/sync-profile.ts [--rounds 8] [--members 1000] [--no-profile]`; with
 * `OWNERS=<category prefix>` (e.g. `OWNERS=SDK`) it also lists that category's frames.
 */
import { Session } from 'node:inspector/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createClient } from '../lib/dynamodb/client';
import { startEngine } from '../local/engine';
import { median, round } from './support/stats';
import { importedTable, percentileOf, rawConditionalWrites, RELAY_REQUEST_TIMEOUT_MS, RelayUnderTest } from './sync';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Samples of the profiler's own work (stopping it, sending the profile): not counted. */
const PROFILER = 'the profiler itself';

/** The part of the relay (or of the floor) a frame belongs to, or undefined: look at its caller. */
function ownerOf(frame: ProfileNode['callFrame'], below: string | undefined): string | undefined {
  const { url, functionName } = frame;
  if (url === 'node:inspector') return PROFILER;
  if (functionName === '(garbage collector)') return 'garbage collection';
  if (functionName === '(program)') return 'V8/native, no JS frame ((program))';
  if (url.includes('/node_modules/bson/')) return undefined;
  if (url.includes('/lib/sync/change-event')) return 'EJSON → plain JSON (toJsonDocument)';
  if (url.includes('/node_modules/mongodb/')) return below === 'bson' ? 'driver: BSON decode' : 'driver: wire, cursor, change stream';
  if (url.includes('/signature-v4')) return 'SDK: SigV4 signing';
  if (url.includes('/node-http-handler')) return "SDK's HTTP handler (+ Node http under it)";
  if (url.includes('/util-dynamodb')) return 'marshall/unmarshall (util-dynamodb)';
  if (url.includes('/lib-dynamodb')) return 'document client (lib-dynamodb)';
  if (url.includes('/@smithy/') || url.includes('/@aws-sdk/')) return 'SDK: middleware, serde, retry, endpoint';
  if (url.includes('/lib/dynamodb/items')) return 'mapping (items.ts)';
  if (url.includes('/lib/dynamodb/')) return 'store adapter (dynamo-store.ts, keys)';
  if (url.includes('/lib/sync/relay/relay') || url.includes('/lib/sync/relay/errors')) return below === 'bson' ? 'relay: EJSON of document keys and tokens' : 'relay: read loop, applyOne';
  if (url.includes('/lib/sync/relay/')) return 'relay: scheduler, coalescing, progress, metrics';
  if (url.includes('/lib/sync/') || url.includes('/lib/core/') || url.includes('/lib/ejson')) return 'apply decisions, relevance';
  if (url.includes('/bench/')) return 'bench instrumentation (write log, lag bookkeeping)';
  if (url.includes('/node_modules/')) return `other library: ${/node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1]}`;
  return undefined;
}

/** Leaf-first walk: the first frame with an owner; Node internals with no owner above are named by their module. */
function categorize(profile: Profile, frames: Map<string, number>): Map<string, number> {
  const parent = new Map<number, ProfileNode>();
  const byId = new Map<number, ProfileNode>();
  for (const node of profile.nodes) {
    byId.set(node.id, node);
    for (const child of node.children ?? []) parent.set(child, node);
  }
  const cache = new Map<number, string | undefined>();
  const ownerFrame = new Map<number, string>();
  const categoryOf = (leaf: ProfileNode): string | undefined => {
    if (cache.has(leaf.id)) return cache.get(leaf.id);
    let below: string | undefined;
    let firstNode: string | undefined;
    let result: string | undefined;
    for (let node: ProfileNode | undefined = leaf; node; node = parent.get(node.id)) {
      const { url, functionName } = node.callFrame;
      if (functionName === '(idle)' || functionName === '(root)') break;
      const owner = ownerOf(node.callFrame, below);
      if (owner) {
        result = owner;
        ownerFrame.set(
          leaf.id,
          `${functionName || '(anonymous)'} ${url.replace(/.*node_modules\//, '').replace(/.*h-syncspeed\//, '')}:${(node.callFrame as { lineNumber?: number }).lineNumber ?? ''}`,
        );
        break;
      }
      if (url.includes('/node_modules/bson/')) below = 'bson';
      if (firstNode === undefined && url.startsWith('node:')) firstNode = url;
    }
    if (result === undefined && leaf.callFrame.functionName !== '(idle)') {
      result = firstNode === undefined ? 'other (native, no owner)' : `Node internals, no owner above (${/node:(?:internal\/)?([a-z_]+)/.exec(firstNode)?.[1]}…)`;
    }
    cache.set(leaf.id, result);
    return result;
  };
  const totals = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const category = categoryOf(byId.get(id)!);
    if (category !== undefined && category !== PROFILER) totals.set(category, (totals.get(category) ?? 0) + (profile.timeDeltas[index] ?? 0));
    const frame = ownerFrame.get(id);
    if (category !== undefined && process.env.OWNERS && category.startsWith(process.env.OWNERS) && frame) frames.set(frame, (frames.get(frame) ?? 0) + (profile.timeDeltas[index] ?? 0));
  });
  return totals;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '8' }, members: { type: 'string', default: '1000' }, 'no-profile': { type: 'boolean', default: false } } });
  const rounds = Number(values.rounds);
  const members = Number(values.members);
  const profiling = !values['no-profile'];
  const engine = await startEngine('dynamodb-local');
  const session = new Session();
  session.connect();
  const totals = { relay: new Map<string, number>(), floor: new Map<string, number>() };
  const frames = { relay: new Map<string, number>(), floor: new Map<string, number>() };
  const measured = {
    relayCpu: [] as number[],
    floorCpu: [] as number[],
    p50: [] as number[],
    p99: [] as number[],
    first: [] as number[],
    firstFloor: [] as number[],
    relayP50: [] as number[],
    relayP99: [] as number[],
    floorP50: [] as number[],
    floorP99: [] as number[],
    loads: [loadavg()[0]!],
  };
  const table = 'bench-sync-profile';
  const room = { rid: 'burstRoom', members };
  try {
    await importedTable(engine.endpoint, table, [room]);
    const floorClient = createClient({ region: 'local', endpoint: engine.endpoint, requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
    const relay = await RelayUnderTest.start(engine.endpoint, table, () => undefined);
    const profiled = async <T>(variant: 'relay' | 'floor', on: boolean, run: () => Promise<T>): Promise<T> => {
      if (on) {
        await session.post('Profiler.enable');
        await session.post('Profiler.setSamplingInterval', { interval: 100 });
        await session.post('Profiler.start');
      }
      const result = await run();
      if (on) {
        const { profile } = await session.post('Profiler.stop');
        const into = totals[variant];
        for (const [name, us] of categorize(profile as unknown as Profile, frames[variant])) into.set(name, (into.get(name) ?? 0) + us);
      }
      return result;
    };
    let floorRound = 0;
    // Three warm-up rounds (Node's JIT and the engine's), then the measured ones, relay and floor alternating which goes first.
    for (let index = -3; index < rounds; index++) {
      const counted = index >= 0;
      const order = index % 2 === 0 ? (['relay', 'floor'] as const) : (['floor', 'relay'] as const);
      let relayLags: number[] = [];
      let floorDone: number[] = [];
      for (const variant of order) {
        if (variant === 'relay') {
          const { sample, lags } = await profiled('relay', profiling && counted, () => relay.burst({ ...room, messages: 1, unread: 'all_messages' }));
          relayLags = lags.map(({ lagMs }) => lagMs).sort((a, b) => a - b);
          if (counted) measured.relayCpu.push(sample.cpuUs / sample.events);
        } else {
          const { sample, doneMs } = await profiled('floor', profiling && counted, () => rawConditionalWrites(floorClient, table, members, ++floorRound));
          floorDone = doneMs.sort((a, b) => a - b);
          if (counted) measured.floorCpu.push(sample.cpuUs / sample.writes);
        }
      }
      if (!counted) continue;
      measured.loads.push(loadavg()[0]!);
      measured.p50.push(percentileOf(relayLags, 0.5) / percentileOf(floorDone, 0.5));
      measured.p99.push(percentileOf(relayLags, 0.99) / percentileOf(floorDone, 0.99));
      measured.relayP50.push(percentileOf(relayLags, 0.5));
      measured.relayP99.push(percentileOf(relayLags, 0.99));
      measured.floorP50.push(percentileOf(floorDone, 0.5));
      measured.floorP99.push(percentileOf(floorDone, 0.99));
      measured.first.push(relayLags[0]!);
      measured.firstFloor.push(floorDone[0]!);
      process.stderr.write(
        `round ${index}: relay ${Math.round(measured.relayCpu.at(-1)!)} µs/event, floor ${Math.round(measured.floorCpu.at(-1)!)} µs/write; ` +
          `lag p50 ${Math.round(measured.relayP50.at(-1)!)}/${Math.round(measured.floorP50.at(-1)!)} p99 ${Math.round(measured.relayP99.at(-1)!)}/${Math.round(measured.floorP99.at(-1)!)} ms; first write ${Math.round(relayLags[0]!)} ms; load ${round(loadavg()[0]!, 1)}\n`,
      );
    }
    await relay.stop();
    floorClient.destroy();
  } finally {
    session.disconnect();
    await engine.stop();
  }
  const m = (list: number[], digits = 0) => round(median(list), digits);
  const cpuRatio = median(measured.relayCpu.map((cpu, i) => cpu / measured.floorCpu[i]!));
  process.stdout.write(
    `${members}-member bursts, ${rounds} rounds (medians), load ${round(Math.min(...measured.loads), 1)}–${round(Math.max(...measured.loads), 1)}${profiling ? ', profiled (100 µs sampling)' : ''}:\n` +
      `  CPU relay ${m(measured.relayCpu)} µs/event, floor ${m(measured.floorCpu)} µs/write: ×${round(cpuRatio, 2)}\n` +
      `  lag p50 ${m(measured.relayP50)} vs ${m(measured.floorP50)} ms ×${m(measured.p50, 2)}; p99 ${m(measured.relayP99)} vs ${m(measured.floorP99)} ms ×${m(measured.p99, 2)}; first write ${m(measured.first)} ms (floor ${m(measured.firstFloor)} ms)\n`,
  );
  if (!profiling) return;
  for (const variant of ['relay', 'floor'] as const) {
    const all = [...totals[variant].values()].reduce((sum, us) => sum + us, 0);
    const perEvent = (us: number) => us / (members * rounds);
    process.stdout.write(`\n${variant}: ${Math.round(perEvent(all))} µs sampled per event\n`);
    for (const [name, us] of [...totals[variant].entries()].sort(([, a], [, b]) => b - a)) {
      process.stdout.write(`  ${(Math.round((1000 * us) / all) / 10).toFixed(1).padStart(5)} %  ${String(Math.round(perEvent(us))).padStart(5)} µs  ${name}\n`);
    }
    if (!process.env.OWNERS) continue;
    process.stdout.write(`  by frame (${process.env.OWNERS}…):\n`);
    for (const [name, us] of [...frames[variant].entries()].sort(([, a], [, b]) => b - a).slice(0, 30)) process.stdout.write(`    ${String(Math.round(perEvent(us))).padStart(5)} µs  ${name}\n`);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
