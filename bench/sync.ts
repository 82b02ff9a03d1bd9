/**
 * The sync benchmark (part of `npm run bench`; alone: `npm run bench:sync [-- --quick]`), in one
 * run, every round in a fresh seeded random order, after a warm-up round of each variant:
 * - throughput of a burst of Rocket.Chat change events (messages in a 100-member room, every
 *   unread count changing) through the apply path alone, through the real relay end to end (the
 *   `mongodb` driver reading the scripted change-stream peer of the relay tests, in a child
 *   process so that its CPU is not counted), and the floor: the same number of raw conditional
 *   PutItems, same concurrency, same client settings. Events/s, writes/s, CPU µs per event
 *   (process.cpuUsage, far less sensitive to other load than wall time) and the ratios;
 * - lag (write done − the event's wallTime) when one message's events in a 1,000-member room
 *   arrive at once, through the relay, against the floor's completion times for the same writes;
 *   the lag of the message item itself and of the last unread count;
 * - DynamoDB writes per message sent in rooms of 10, 1,000 and 10,000 members under Rocket.Chat's
 *   unread settings (`Unread_Count` default user_and_group_mentions_only; all_messages, the DM
 *   default): events Rocket.Chat's MongoDB emits, events the server-side filter lets through,
 *   writes made.
 * Every figure is measured on the engine given (DynamoDB Local by default, in memory, loopback).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { importExport } from '../lib/import/import-export';
import { createClient } from '../lib/dynamodb/client';
import { createDocumentClient } from '../lib/dynamodb/document-client';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { ensureTable } from '../lib/dynamodb/table';
import { ChangeApplier } from '../lib/sync/apply';
import type { ChangeEvent } from '../lib/sync/change-event';
import { connectRelay, textLog, type RunningRelay } from '../lib/sync/relay';
import { isRelevantChange } from '../lib/sync/relevance';
import { forEachInDocumentOrder } from '../lib/sync/replay';
import { checkNode, parseCommandLine, runCommand, type CommandSpec } from '../local/cli';
import { loaderClient, startEngine } from '../local/engine';
import type { UnreadSetting } from '../testkit/change-events';
import { rawKey } from './floor';
import { FULL, QUICK, type SyncPlan } from './plan';
import type { Target } from './report';
import { exited, nextMessage, REPO_ROOT, send, spawnTsChild } from './support/child';
import { prng, shuffle } from './support/prng';
import { median, round, summarize, type LatencySummary } from './support/stats';
import { itemKey, roomLog, sendMessages, subscriptionDocuments, type RoomShape } from './support/sync-room';
import type { BurstRequest, StreamedEvent } from './sync-peer';

/** One variant's figures in one round (or the median over the rounds). */
export interface VariantFigures {
  events: number;
  writes: number;
  seconds: number;
  eventsPerSec: number;
  writesPerSec: number;
  cpuUsPerEvent: number;
  cpuUsPerWrite: number;
  /** The engine's CPU (DynamoDB Local's Java process) per write, when it runs as a process of its own. */
  engineCpuUsPerWrite?: number;
}

export interface SyncBenchResults {
  seed: number;
  concurrency: number;
  /** 1-minute load average before, the highest between rounds, and after: other work on the machine slows every figure alike. */
  loadAverage1m: { start: number; max: number; end: number };
  throughput: {
    rounds: number;
    room: RoomShape & { messages: number };
    /** Medians over the rounds. */
    apply: VariantFigures;
    /** The same burst streamed to the relay: updates of one subscription that wait together are merged (fewer writes). */
    relay: VariantFigures;
    floor: VariantFigures;
    /** The lag rounds' bursts, where every event is another document (nothing to merge), and their floor. */
    relayBurst: VariantFigures;
    burstFloor: VariantFigures;
    /** Medians of the per-round ratios (each round ran every variant). */
    ratios: { applyTime: number; applyCpu: number; relayTime: number; relayCpu: number; relayBurstTime: number; relayBurstCpu: number };
  };
  lag: {
    rounds: number;
    members: number;
    /** Relevant events of one message (the message item and every other member's unread count). */
    events: number;
    writes: number;
    /** Medians over the rounds of each round's percentiles (ms). */
    relay: { p50: number; p99: number; max: number };
    floor: { p50: number; p99: number; max: number };
    ratios: { p50: number; p99: number };
    /** Over the rounds: the message item's lag and the last unread count's (ms). */
    messageMs: LatencySummary;
    lastUnreadMs: LatencySummary;
  };
  writesPerMessage: { members: number; unread: UnreadSetting; emitted: number; relevant: number; writes: number; reads: number; seconds: number }[];
  targets: Target[];
}

const CONCURRENCY = 32;
const SEED = 19;
const BUSY_ROOM: RoomShape = { rid: 'busyRoom', members: 100 };
/** What scripts/sync.ts gives the relay's client: a slow answer is better than a retried write. */
export const RELAY_REQUEST_TIMEOUT_MS = 5000;
/** The goals (issue 19). */
export const SYNC_LIMITS = { applyTime: 1.25, applyCpu: 1.3, lagP99: 1.15, lagP50: 1.05 } as const;

interface Sample {
  seconds: number;
  events: number;
  writes: number;
  cpuUs: number;
  engineCpuUs?: number;
}

/** Every PutItem a client sends, when it was answered (refused ones included): what the relay wrote, and when. */
class WriteLog {
  private listener?: (key: string, version: string, at: number) => void;
  count = 0;

  constructor(client: DynamoDBClient) {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } finally {
          if (context.commandName === 'PutItemCommand') {
            const item = (args.input as { Item?: Record<string, AttributeValue> }).Item;
            this.count++;
            this.listener?.(itemKey({ pk: item?.pk?.S ?? '', sk: item?.sk?.S ?? '' }), item?.version?.S ?? '', Date.now());
          }
        }
      },
      { step: 'initialize', name: 'benchWriteLog' },
    );
  }

  listen(listener?: (key: string, version: string, at: number) => void): void {
    this.listener = listener;
  }
}

/** The relay fed by the peer: a burst is done when every relevant event's item carries its version or a newer one. */
export class RelayUnderTest {
  private constructor(
    private readonly peer: ReturnType<typeof spawnTsChild>,
    private readonly running: RunningRelay,
    private readonly done: Promise<unknown>,
    private readonly writes: WriteLog,
  ) {}

  static async start(endpoint: string, tableName: string, log: (line: string) => void): Promise<RelayUnderTest> {
    const peer = spawnTsChild(join(REPO_ROOT, 'bench', 'sync-peer.ts'), {});
    const { url, position } = await nextMessage<{ type: 'ready'; url: string; position: number }>(peer, 'ready', 60_000);
    const documentClient = createDocumentClient({ region: 'local', endpoint, requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
    const writes = new WriteLog(documentClient as unknown as DynamoDBClient);
    // The peer's clock starts at 1,700,000,000 s; start there without a snapshot (the table was imported).
    const running = await connectRelay({ mongoUrl: url, documentClient, tableName, log: textLog(log), startAt: `${1_700_000_000 + position}.1`, tuning: { concurrency: CONCURRENCY } });
    const done = running.relay.run().catch((error: unknown) => log(`relay stopped: ${error instanceof Error ? error.message : String(error)}`));
    return new RelayUnderTest(peer, running, done, writes);
  }

  /** Streams one burst; resolves with each relevant event's lag (ms) once all are written. */
  async burst(request: Omit<BurstRequest, 'type'>): Promise<{ sample: Sample; lags: { event: StreamedEvent; lagMs: number }[] }> {
    const written: { key: string; version: string; at: number }[] = [];
    let settle: () => void = () => undefined;
    const finished = new Promise<void>((resolve) => (settle = resolve));
    let pending: Map<string, StreamedEvent[]> | undefined;
    const lags: { event: StreamedEvent; lagMs: number }[] = [];
    const apply = (key: string, version: string, at: number) => {
      const waiting = pending?.get(key);
      if (!waiting) return;
      const left = waiting.filter((event) => {
        if (event.version > version) return true;
        lags.push({ event, lagMs: at - event.wallTime });
        return false;
      });
      if (left.length > 0) pending!.set(key, left);
      else pending!.delete(key);
      if (pending!.size === 0) settle();
    };
    const writesBefore = this.writes.count;
    this.writes.listen((key, version, at) => (pending ? apply(key, version, at) : written.push({ key, version, at })));
    const engineBefore = engineCpuUs();
    const cpuBefore = process.cpuUsage();
    const sent = nextMessage<{ type: 'sent'; events: StreamedEvent[] }>(this.peer, 'sent', 120_000);
    await send(this.peer, { type: 'burst', ...request } satisfies BurstRequest);
    const { events } = await sent;
    pending = new Map();
    for (const event of events) pending.set(event.key, [...(pending.get(event.key) ?? []), event]);
    for (const write of written) apply(write.key, write.version, write.at);
    if (pending.size > 0) await finished;
    const cpu = process.cpuUsage(cpuBefore);
    const engineAfter = engineCpuUs();
    this.writes.listen(undefined);
    const startedAt = Math.min(...events.map((event) => event.wallTime));
    const endedAt = Math.max(...lags.map(({ event, lagMs }) => event.wallTime + lagMs));
    return {
      sample: {
        seconds: (endedAt - startedAt) / 1000,
        events: events.length,
        writes: this.writes.count - writesBefore,
        cpuUs: cpu.user + cpu.system,
        engineCpuUs: engineBefore === undefined || engineAfter === undefined ? undefined : engineAfter - engineBefore,
      },
      lags,
    };
  }

  async stop(): Promise<void> {
    this.running.relay.stop();
    await this.done;
    await this.running.close();
    await send(this.peer, { type: 'stop' }).catch(() => undefined);
    await exited(this.peer, 5000);
  }
}

/** A table holding rooms' subscriptions, written by the import (`npm run import`'s path: version 0, with _id pointers). */
export async function importedTable(endpoint: string, tableName: string, rooms: RoomShape[]): Promise<void> {
  const client = loaderClient(endpoint);
  await ensureTable(client, tableName);
  const exportDir = await mkdtemp(join(tmpdir(), 'push-get-bench-sync-'));
  try {
    const docs = rooms.flatMap(subscriptionDocuments);
    await writeFile(join(exportDir, 'rocketchat_subscription.json'), docs.map((doc) => `${JSON.stringify(doc)}\n`).join(''));
    await importExport(new DynamoStore(client, { tableName }), exportDir);
  } finally {
    await rm(exportDir, { recursive: true, force: true });
    client.destroy();
  }
}

/** The apply path alone, as the relay and the replay drive it: events of one document in order, `CONCURRENCY` at once. */
async function applyAll(applier: ChangeApplier, events: ChangeEvent[]): Promise<Sample & { reads: number }> {
  const relevant = events.filter(isRelevantChange).map((event) => ({ event }));
  const totals = { writes: 0, reads: 0 };
  const engineBefore = engineCpuUs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await forEachInDocumentOrder(relevant, CONCURRENCY, async ({ event }) => {
    const outcome = await applier.apply(event);
    totals.writes += outcome.writes;
    totals.reads += outcome.reads;
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const engineAfter = engineCpuUs();
  return { ...totals, seconds, events: relevant.length, cpuUs: cpu.user + cpu.system, engineCpuUs: engineBefore === undefined || engineAfter === undefined ? undefined : engineAfter - engineBefore };
}

/**
 * The floor: `writes` raw conditional PutItems (the apply path's own condition) of items shaped
 * like the subscriptions it writes (same attributes, in the badge index), each replacing the item
 * the round before wrote, as the apply path replaces a subscription; same concurrency, a client
 * with the relay's settings. A refusal counts as a write (a timed-out attempt may have landed
 * before the SDK's retry), as the apply path counts it. Answers each write's completion (ms
 * after the start).
 */
export async function rawConditionalWrites(client: DynamoDBClient, tableName: string, writes: number, round: number): Promise<{ sample: Sample; doneMs: number[] }> {
  const version = `${String(1_800_000_000 + round).padStart(10, '0')}.0000000001`;
  const doneMs: number[] = [];
  let next = 0;
  const engineBefore = engineCpuUs();
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < writes) {
        const n = next++;
        try {
          await client.send(
            new PutItemCommand({
              TableName: tableName,
              Item: {
                ...rawKey({ pk: `USER#floor${n}`, sk: 'SUB#floorRoom' }),
                rid: { S: 'floorRoom' },
                name: { S: 'bench' },
                unread: { N: String(round + 1) },
                archived: { BOOL: false },
                badgeUser: { S: `floor${n}` },
                version: { S: version },
              },
              ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
              ExpressionAttributeNames: { '#v': 'version' },
              ExpressionAttributeValues: { ':v': { S: version } },
            }),
          );
        } catch (error) {
          if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
        }
        doneMs.push(performance.now() - started);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const engineAfter = engineCpuUs();
  return {
    sample: { seconds, events: writes, writes, cpuUs: cpu.user + cpu.system, engineCpuUs: engineBefore === undefined || engineAfter === undefined ? undefined : engineAfter - engineBefore },
    doneMs,
  };
}

let enginePid: number | undefined;

/** CPU time (µs) of the DynamoDB Local process, when it is one (dynalite runs inside this process). */
function engineCpuUs(): number | undefined {
  if (enginePid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${enginePid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** The Java process listening on the endpoint's port (Linux only; otherwise the engine's CPU is not reported). */
function findEnginePid(endpoint: string): number | undefined {
  const port = new URL(endpoint).port;
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const args = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (args[0]?.endsWith('java') && args.includes('-port') && args[args.indexOf('-port') + 1] === port) return Number(entry);
    }
  } catch {
    // Not Linux, or the process went away: no engine figure.
  }
  return undefined;
}

function figures(samples: Sample[]): VariantFigures {
  const pick = (f: (s: Sample) => number) => median(samples.map(f));
  const engine = samples.every((s) => s.engineCpuUs !== undefined)
    ? round(
        pick((s) => s.engineCpuUs! / s.writes),
        0,
      )
    : undefined;
  return {
    events: round(
      pick((s) => s.events),
      0,
    ),
    writes: round(
      pick((s) => s.writes),
      0,
    ),
    seconds: round(
      pick((s) => s.seconds),
      2,
    ),
    eventsPerSec: round(
      pick((s) => s.events / s.seconds),
      0,
    ),
    writesPerSec: round(
      pick((s) => s.writes / s.seconds),
      0,
    ),
    cpuUsPerEvent: round(
      pick((s) => s.cpuUs / s.events),
      0,
    ),
    cpuUsPerWrite: round(
      pick((s) => s.cpuUs / s.writes),
      0,
    ),
    ...(engine === undefined ? {} : { engineCpuUsPerWrite: engine }),
  };
}

/** Nearest-rank percentile of an ascending list. */
export function percentileOf(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

export async function runSyncBench(endpoint: string, plan: SyncPlan, log: (line: string) => void = () => {}): Promise<SyncBenchResults> {
  const burstRoom: RoomShape = { rid: 'burstRoom', members: plan.lagMembers };
  const loads = [loadavg()[0]!];
  enginePid = findEnginePid(endpoint);
  const random = prng(SEED);
  const applyTable = 'bench-sync-apply';
  const relayTable = 'bench-sync-relay';
  await importedTable(endpoint, applyTable, [BUSY_ROOM]);
  await importedTable(endpoint, relayTable, [BUSY_ROOM, burstRoom]);
  const storeClient = createDocumentClient({ region: 'local', endpoint, requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
  const applier = new ChangeApplier(new DynamoStore(storeClient, { tableName: applyTable }));
  const applyLog = roomLog(BUSY_ROOM);
  const floorClient = createClient({ region: 'local', endpoint, requestTimeoutMs: RELAY_REQUEST_TIMEOUT_MS });
  const relay = await RelayUnderTest.start(endpoint, relayTable, (line) => log(`relay: ${line}`));
  let floorRound = 0;
  try {
    // Throughput: round 0 warms every variant up (both JITs: Node's and the engine's) and is not counted.
    const samples = { apply: [] as Sample[], relay: [] as Sample[], floor: [] as Sample[] };
    const ratios = { applyTime: [] as number[], applyCpu: [] as number[], relayTime: [] as number[], relayCpu: [] as number[] };
    for (let round = 0; round <= plan.rounds; round++) {
      const got: Partial<Record<'apply' | 'relay' | 'floor', Sample>> = {};
      const writes = BUSY_ROOM.members * plan.burst;
      for (const variant of shuffle(['apply', 'relay', 'floor'] as const, random)) {
        if (variant === 'apply') got.apply = await applyAll(applier, sendMessages(applyLog, BUSY_ROOM, plan.burst, 'all_messages'));
        if (variant === 'relay') got.relay = (await relay.burst({ ...BUSY_ROOM, messages: plan.burst, unread: 'all_messages' })).sample;
        if (variant === 'floor') got.floor = (await rawConditionalWrites(floorClient, applyTable, writes, ++floorRound)).sample;
      }
      loads.push(loadavg()[0]!);
      const { apply, relay: streamed, floor } = got as Record<'apply' | 'relay' | 'floor', Sample>;
      log(
        `sync round ${round}${round === 0 ? ' (warm-up)' : ''}: apply ${apply.events} events ${round1(apply.seconds)} s ${Math.round(apply.cpuUs / apply.events)} µs CPU/event; ` +
          `relay ${streamed.events} events ${streamed.writes} writes ${round1(streamed.seconds)} s ${Math.round(streamed.cpuUs / streamed.events)} µs/event; ` +
          `floor ${floor.writes} writes ${round1(floor.seconds)} s ${Math.round(floor.cpuUs / floor.writes)} µs/write; load ${round1(loadavg()[0]!)}`,
      );
      if (round === 0) continue;
      samples.apply.push(apply);
      samples.relay.push(streamed);
      samples.floor.push(floor);
      const floorCpuPerWrite = floor.cpuUs / floor.writes;
      // The floor wrote as many items as there were relevant events: the time the same input needs at the least.
      ratios.applyTime.push(apply.seconds / floor.seconds);
      ratios.applyCpu.push(apply.cpuUs / apply.events / floorCpuPerWrite);
      ratios.relayTime.push(streamed.seconds / floor.seconds);
      ratios.relayCpu.push(streamed.cpuUs / streamed.events / floorCpuPerWrite);
    }
    log(
      `sync throughput: apply ×${round(median(ratios.applyTime), 2)} (CPU ×${round(median(ratios.applyCpu), 2)}), relay ×${round(median(ratios.relayTime), 2)} (CPU ×${round(median(ratios.relayCpu), 2)}) of the floor`,
    );

    // Lag: one message in a 1,000-member room through the relay, every event at once, against the floor's completions.
    const lagRounds = { relay: [] as number[][], floor: [] as number[][], message: [] as number[], lastUnread: [] as number[], events: 0, writes: 0 };
    const burstSamples = { relay: [] as Sample[], floor: [] as Sample[] };
    const burstRatios = { time: [] as number[], cpu: [] as number[] };
    for (let round = 0; round <= plan.lagRounds; round++) {
      let relayLags: number[] = [];
      let floorDone: number[] = [];
      const burst: Partial<Record<'relay' | 'floor', Sample>> = {};
      for (const variant of shuffle(['relay', 'floor'] as const, random)) {
        if (variant === 'relay') {
          const { sample, lags } = await relay.burst({ ...burstRoom, messages: 1, unread: 'all_messages' });
          relayLags = lags.map(({ lagMs }) => lagMs);
          burst.relay = sample;
          lagRounds.events = sample.events;
          lagRounds.writes = sample.writes;
          if (round > 0) {
            lagRounds.message.push(Math.max(...lags.filter(({ event }) => event.collection === 'rocketchat_message').map(({ lagMs }) => lagMs)));
            lagRounds.lastUnread.push(Math.max(...lags.filter(({ event }) => event.collection === 'rocketchat_subscription').map(({ lagMs }) => lagMs)));
          }
        } else {
          const floor = await rawConditionalWrites(floorClient, applyTable, burstRoom.members, ++floorRound);
          floorDone = floor.doneMs;
          burst.floor = floor.sample;
        }
      }
      loads.push(loadavg()[0]!);
      relayLags.sort((a, b) => a - b);
      floorDone.sort((a, b) => a - b);
      log(
        `sync lag round ${round}${round === 0 ? ' (warm-up)' : ''}: relay p50 ${Math.round(percentileOf(relayLags, 0.5))} p99 ${Math.round(percentileOf(relayLags, 0.99))} ms; ` +
          `floor p50 ${Math.round(percentileOf(floorDone, 0.5))} p99 ${Math.round(percentileOf(floorDone, 0.99))} ms; load ${round1(loadavg()[0]!)}`,
      );
      if (round === 0) continue;
      lagRounds.relay.push(relayLags);
      lagRounds.floor.push(floorDone);
      burstSamples.relay.push(burst.relay!);
      burstSamples.floor.push(burst.floor!);
      burstRatios.time.push(burst.relay!.seconds / burst.floor!.seconds);
      burstRatios.cpu.push(burst.relay!.cpuUs / burst.relay!.events / (burst.floor!.cpuUs / burst.floor!.writes));
    }
    const throughput: SyncBenchResults['throughput'] = {
      rounds: plan.rounds,
      room: { ...BUSY_ROOM, messages: plan.burst },
      apply: figures(samples.apply),
      relay: figures(samples.relay),
      floor: figures(samples.floor),
      relayBurst: figures(burstSamples.relay),
      burstFloor: figures(burstSamples.floor),
      ratios: {
        applyTime: round(median(ratios.applyTime), 2),
        applyCpu: round(median(ratios.applyCpu), 2),
        relayTime: round(median(ratios.relayTime), 2),
        relayCpu: round(median(ratios.relayCpu), 2),
        relayBurstTime: round(median(burstRatios.time), 2),
        relayBurstCpu: round(median(burstRatios.cpu), 2),
      },
    };
    const at = (runs: number[][], p: number) => round(median(runs.map((sorted) => percentileOf(sorted, p))), 0);
    const lagRatio = (p: number) => round(median(lagRounds.relay.map((sorted, i) => percentileOf(sorted, p) / percentileOf(lagRounds.floor[i]!, p))), 2);
    const lag: SyncBenchResults['lag'] = {
      rounds: plan.lagRounds,
      members: burstRoom.members,
      events: lagRounds.events,
      writes: lagRounds.writes,
      relay: { p50: at(lagRounds.relay, 0.5), p99: at(lagRounds.relay, 0.99), max: at(lagRounds.relay, 1) },
      floor: { p50: at(lagRounds.floor, 0.5), p99: at(lagRounds.floor, 0.99), max: at(lagRounds.floor, 1) },
      ratios: { p50: lagRatio(0.5), p99: lagRatio(0.99) },
      messageMs: summarize(lagRounds.message),
      lastUnreadMs: summarize(lagRounds.lastUnread),
    };
    log(`sync lag for a ${lag.members}-member burst: p50 ${lag.relay.p50} ms (×${lag.ratios.p50}), p99 ${lag.relay.p99} ms (×${lag.ratios.p99}); message ${lag.messageMs.p50} ms`);

    // Writes per message, through the apply path.
    const writesPerMessage: SyncBenchResults['writesPerMessage'] = [];
    for (const members of plan.roomSizes) {
      const room: RoomShape = { rid: `room${members}`, members };
      const tableName = `bench-sync-writes-${members}`;
      await importedTable(endpoint, tableName, [room]);
      const roomApplier = new ChangeApplier(new DynamoStore(storeClient, { tableName }));
      const roomEvents = roomLog(room);
      for (const unread of ['user_and_group_mentions_only', 'all_messages'] as const) {
        const events = sendMessages(roomEvents, room, 1, unread);
        const result = await applyAll(roomApplier, events);
        writesPerMessage.push({ members, unread, emitted: events.length, relevant: result.events, writes: result.writes, reads: result.reads, seconds: round(result.seconds, 2) });
        log(`${members} members, ${unread}: ${events.length} events, ${result.events} relevant, ${result.writes} writes`);
      }
    }
    loads.push(loadavg()[0]!);
    const partial = {
      seed: SEED,
      concurrency: CONCURRENCY,
      loadAverage1m: { start: round(loads[0]!, 2), max: round(Math.max(...loads), 2), end: round(loads[loads.length - 1]!, 2) },
      throughput,
      lag,
      writesPerMessage,
    };
    return { ...partial, targets: syncTargets(partial) };
  } finally {
    await relay.stop();
    storeClient.destroy();
    floorClient.destroy();
  }
}

function round1(value: number): number {
  return round(value, 1);
}

export function syncTargets(r: Omit<SyncBenchResults, 'targets'>): Target[] {
  const t = r.throughput;
  const l = r.lag;
  const engine = (f: VariantFigures) => (f.engineCpuUsPerWrite === undefined ? '' : `; engine ${f.engineCpuUsPerWrite} µs/write`);
  return [
    {
      name: 'sync apply path: time vs raw conditional writes',
      target: `≤ ${SYNC_LIMITS.applyTime}×`,
      measured: `${t.apply.eventsPerSec} events/s (${t.apply.writesPerSec} writes/s) vs ${t.floor.writesPerSec} writes/s: ×${t.ratios.applyTime} (median of ${t.rounds} paired rounds)`,
      status: t.ratios.applyTime <= SYNC_LIMITS.applyTime ? 'PASS' : 'FAIL',
    },
    {
      name: 'sync apply path: CPU per event vs the floor per write',
      target: `stated, ≤ ${SYNC_LIMITS.applyCpu}×`,
      measured: `${t.apply.cpuUsPerEvent} vs ${t.floor.cpuUsPerWrite} µs: ×${t.ratios.applyCpu}${engine(t.apply)}`,
      status: t.ratios.applyCpu <= SYNC_LIMITS.applyCpu ? 'PASS' : 'FAIL',
    },
    {
      name: 'sync relay end to end: time vs the floor for as many writes as events',
      target: 'stated',
      measured:
        `${t.room.members}-member room: ${t.relay.eventsPerSec} events/s (${t.relay.writes} writes for ${t.relay.events} events, merged) ×${t.ratios.relayTime}; ` +
        `${r.lag.members}-member burst: ${t.relayBurst.eventsPerSec} events/s, ${t.relayBurst.writesPerSec} writes/s vs ${t.burstFloor.writesPerSec}: ×${t.ratios.relayBurstTime}`,
      status: 'INFO',
    },
    {
      name: 'sync relay end to end: CPU per event vs the floor per write',
      target: 'stated',
      measured: `${r.lag.members}-member burst: ${t.relayBurst.cpuUsPerEvent} vs ${t.burstFloor.cpuUsPerWrite} µs: ×${t.ratios.relayBurstCpu}${engine(t.relayBurst)}; ${t.room.members}-member room (merged): ${t.relay.cpuUsPerEvent} µs/event`,
      status: 'INFO',
    },
    {
      name: `sync burst lag p99 (${l.members} members, relay) vs the floor's time`,
      target: `≤ ${SYNC_LIMITS.lagP99}×`,
      measured: `${l.relay.p99} vs ${l.floor.p99} ms: ×${l.ratios.p99} (median of ${l.rounds} paired rounds)`,
      status: l.ratios.p99 <= SYNC_LIMITS.lagP99 ? 'PASS' : 'FAIL',
    },
    {
      name: 'sync burst lag p50 vs the floor',
      target: `≤ ${SYNC_LIMITS.lagP50}×`,
      measured: `${l.relay.p50} vs ${l.floor.p50} ms: ×${l.ratios.p50}`,
      status: l.ratios.p50 <= SYNC_LIMITS.lagP50 ? 'PASS' : 'FAIL',
    },
    {
      name: 'sync burst: lag of the message item, of the last unread count',
      target: 'stated',
      measured: `message p50 ${l.messageMs.p50} ms, p99 ${l.messageMs.p99} ms; last unread count p50 ${l.lastUnreadMs.p50} ms, p99 ${l.lastUnreadMs.p99} ms`,
      status: 'INFO',
    },
  ];
}

export function renderSync(r: SyncBenchResults): string {
  const t = r.throughput;
  const l = r.lag;
  const row = (name: string, f: VariantFigures, ratio: string, cpuRatio: string) =>
    `| ${name} | ${f.events} | ${f.writes} | ${f.seconds} s | ${f.eventsPerSec} | ${f.writesPerSec} | ${f.cpuUsPerEvent} | ${f.cpuUsPerWrite} | ${f.engineCpuUsPerWrite ?? '-'} | ${ratio} | ${cpuRatio} |`;
  return [
    '## Live sync',
    '',
    `Concurrency ${r.concurrency}; seed ${r.seed}; every round runs the variants in a fresh random order after a warm-up round. Machine load average (1 min) ${r.loadAverage1m.start} at start, ${r.loadAverage1m.max} max, ${r.loadAverage1m.end} at end.`,
    '',
    '### Targets',
    '',
    '| target | goal | measured | status |',
    '| --- | --- | --- | --- |',
    ...r.targets.map((target) => `| ${target.name} | ${target.target} | ${target.measured} | ${target.status} |`),
    '',
    `### Throughput: ${t.room.messages} messages in a ${t.room.members}-member room, every unread count changing (medians of ${t.rounds} rounds)`,
    '',
    '| variant | relevant events | writes | time | events/s | writes/s | CPU µs/event | CPU µs/write | engine CPU µs/write | time vs floor | CPU/event vs floor/write |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    row('apply path alone', t.apply, `×${t.ratios.applyTime}`, `×${t.ratios.applyCpu}`),
    row('relay end to end (driver, scheduler, checkpoints)', t.relay, `×${t.ratios.relayTime}`, `×${t.ratios.relayCpu}`),
    row('floor: raw conditional PutItems', t.floor, '×1', '×1'),
    row(`relay, the lag rounds' ${r.lag.members}-member bursts (nothing to merge)`, t.relayBurst, `×${t.ratios.relayBurstTime}`, `×${t.ratios.relayBurstCpu}`),
    row('  their floor', t.burstFloor, '×1', '×1'),
    '',
    `### Lag: one message's ${l.events} relevant events in a ${l.members}-member room arriving at once, through the relay (${l.writes} writes; medians of ${l.rounds} rounds, ms)`,
    '',
    '| | p50 | p99 | max |',
    '| --- | --- | --- | --- |',
    `| relay: write done − the event's wallTime | ${l.relay.p50} | ${l.relay.p99} | ${l.relay.max} |`,
    `| floor: the same number of writes started at once, each one's completion | ${l.floor.p50} | ${l.floor.p99} | ${l.floor.max} |`,
    `| ratio (median of the per-round ratios) | ×${l.ratios.p50} | ×${l.ratios.p99} | |`,
    '',
    `Over the rounds: the message item after p50 ${l.messageMs.p50} ms (p99 ${l.messageMs.p99} ms); the last unread count after p50 ${l.lastUnreadMs.p50} ms (p99 ${l.lastUnreadMs.p99} ms).`,
    '',
    'DynamoDB writes per message (no mention, not in a thread; apply path):',
    '',
    '| members | Unread_Count | change events from MongoDB | through the filter | DynamoDB writes | reads | apply time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.writesPerMessage.map((w) => `| ${w.members} | ${w.unread} | ${w.emitted} | ${w.relevant} | ${w.writes} | ${w.reads} | ${w.seconds} s |`),
  ].join('\n');
}

const COMMAND: CommandSpec = {
  name: 'npm run bench:sync',
  summary:
    'The live-sync part of npm run bench alone, on its own DynamoDB Local (in memory): the apply path and the relay end to end\n' +
    'against raw conditional writes (time, CPU per event), lag of a burst, DynamoDB writes per message by room size.\n' +
    'Writes bench/results-sync.json and .md.',
  options: {
    quick: { type: 'boolean', description: 'smaller rooms and bursts, fewer rounds (figures less stable)', default: 'off: the full sizes' },
  },
  examples: ['npm run bench:sync -- --quick', 'npm run bench:sync'],
};

/** `npm run bench:sync [-- --quick]`: this part alone, on its own engine. */
async function standalone(): Promise<void> {
  checkNode(COMMAND.name);
  const options = parseCommandLine(COMMAND);
  const engine = await startEngine('dynamodb-local');
  try {
    const results = await runSyncBench(engine.endpoint, options.quick === true ? QUICK.sync : FULL.sync, (line) => process.stderr.write(`[bench sync] ${line}\n`));
    const report = renderSync(results);
    await writeFile(join(REPO_ROOT, 'bench', 'results-sync.json'), `${JSON.stringify({ generatedAt: new Date().toISOString(), ...results }, null, 2)}\n`);
    await writeFile(join(REPO_ROOT, 'bench', 'results-sync.md'), `# Latest sync benchmark\n\n${report}\n`);
    process.stdout.write(`${report}\n\nwritten: bench/results-sync.json, bench/results-sync.md\n`);
  } finally {
    await engine.stop();
  }
}

if (process.argv[1]?.endsWith('bench/sync.ts')) {
  runCommand(COMMAND, standalone);
}
