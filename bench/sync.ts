/**
 * The sync benchmark (part of `npm run bench`; alone: `npm run bench:sync [-- --quick]`):
 * - throughput: a burst of Rocket.Chat change events applied through the apply path (events/s),
 *   against the floor: the same number of raw conditional PutItems, same concurrency;
 * - lag (apply done − the event's wallTime) p50/p99 when a whole burst arrives at once;
 * - DynamoDB writes per message sent in rooms of 10, 1,000 and 10,000 members under Rocket.Chat's
 *   unread settings (`Unread_Count` default user_and_group_mentions_only; all_messages, the DM
 *   default): events Rocket.Chat's MongoDB emits, events the server-side filter lets through,
 *   writes made.
 * Every figure is measured on the engine given (DynamoDB Local by default, in memory, loopback).
 */
import { PutItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { importExport } from '../lib/import/import-export';
import { DynamoStore } from '../lib/dynamodb/dynamo-store';
import { ensureTable } from '../lib/dynamodb/table';
import { ChangeApplier } from '../lib/sync/apply';
import type { ChangeEvent } from '../lib/sync/change-event';
import { isRelevantChange } from '../lib/sync/relevance';
import { forEachInDocumentOrder } from '../lib/sync/replay';
import { checkNode, parseCommandLine, runCommand, type CommandSpec } from '../local/cli';
import { startEngine } from '../local/engine';
import { ChangeLog, messageSent, type UnreadSetting } from '../testkit/change-events';
import { loaderClient } from '../local/engine';
import { rawClient, rawKey } from './floor';
import { FULL, QUICK, type SyncPlan } from './plan';
import { REPO_ROOT } from './support/child';
import { round, summarize, type LatencySummary } from './support/stats';

export interface SyncBenchResults {
  concurrency: number;
  /** 1-minute load average before and after: other work on the machine slows every figure alike. */
  loadAverage1m: { start: number; end: number };
  throughput: { events: number; relevant: number; writes: number; seconds: number; eventsPerSec: number; writesPerSec: number; floorWritesPerSec: number; overhead: number };
  /** `messageMs`: the lag of the message item itself, the one push.get needs first. */
  lag: { members: number; events: number; lagMs: LatencySummary; messageMs: number };
  writesPerMessage: { members: number; unread: UnreadSetting; emitted: number; relevant: number; writes: number; reads: number; seconds: number }[];
}

const CONCURRENCY = 32;
let tables = 0;

interface Room {
  store: DynamoStore;
  tableName: string;
  log: ChangeLog;
  members: string[];
}

/** A table holding one room's subscriptions, written by the import (`npm run import`'s path: version 0, with _id pointers). */
async function roomTable(endpoint: string, members: number): Promise<Room> {
  const client = loaderClient(endpoint);
  const tableName = `bench-sync-${++tables}-${members}`;
  await ensureTable(client, tableName);
  const store = new DynamoStore(client, { tableName });
  const log = new ChangeLog();
  const memberIds = Array.from({ length: members }, (_, n) => `member${String(n).padStart(6, '0')}`);
  const docs = memberIds.map((userId) => ({ _id: `sub-${userId}`, rid: 'benchRoom', u: { _id: userId, username: userId }, t: 'c', name: 'bench', unread: 0, alert: false, open: true }));
  const exportDir = await mkdtemp(join(tmpdir(), 'push-get-bench-sync-'));
  try {
    await writeFile(join(exportDir, 'rocketchat_subscription.json'), docs.map((doc) => `${JSON.stringify(doc)}\n`).join(''));
    await importExport(store, exportDir);
  } finally {
    await rm(exportDir, { recursive: true, force: true });
  }
  for (const doc of docs) log.existing('rocketchat_subscription', doc);
  log.existing('rocketchat_room', { _id: 'benchRoom', t: 'c', name: 'bench', msgs: 0 });
  return { store, tableName, log, members: memberIds };
}

function send(room: Room, count: number, unread: UnreadSetting): ChangeEvent[] {
  const from = room.log.events.length;
  for (let n = 0; n < count; n++) {
    messageSent(room.log, { messageId: `benchMsg${from}-${n}`, rid: 'benchRoom', senderId: room.members[0]!, memberIds: room.members, unread, subId: (userId) => `sub-${userId}` });
  }
  return room.log.events.slice(from);
}

/** What reaches the relay: the server-side filter is the same declaration as isRelevantChange. */
async function applyAll(room: Room, events: ChangeEvent[], onDone?: (event: ChangeEvent) => void) {
  const applier = new ChangeApplier(room.store);
  const totals = { writes: 0, reads: 0 };
  const relevant = events.filter(isRelevantChange).map((event) => ({ event }));
  const started = performance.now();
  await forEachInDocumentOrder(relevant, CONCURRENCY, async ({ event }) => {
    const outcome = await applier.apply(event);
    totals.writes += outcome.writes;
    totals.reads += outcome.reads;
    onDone?.(event);
  });
  return { ...totals, relevant: relevant.length, seconds: (performance.now() - started) / 1000 };
}

/**
 * The floor: `writes` raw conditional PutItems (the apply path's own condition) of items shaped
 * like the subscriptions it writes (same attributes, in the badge index), same concurrency.
 */
async function rawConditionalWrites(client: DynamoDBClient, tableName: string, writes: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < writes) {
        const n = next++;
        await client.send(
          new PutItemCommand({
            TableName: tableName,
            Item: {
              ...rawKey({ pk: `USER#floor${n}`, sk: 'SUB#floorRoom' }),
              rid: { S: 'floorRoom' },
              name: { S: 'bench' },
              unread: { N: '1' },
              archived: { BOOL: false },
              badgeUser: { S: `floor${n}` },
              version: { S: '1764662400.0000000001' },
            },
            ConditionExpression: 'attribute_not_exists(#v) OR #v < :v',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':v': { S: '1764662400.0000000001' } },
          }),
        );
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

export async function runSyncBench(endpoint: string, plan: SyncPlan, log: (line: string) => void = () => {}): Promise<SyncBenchResults> {
  const loadAtStart = loadavg()[0]!;
  // Throughput: messages in a 100-member room with every unread count changing.
  const busy = await roomTable(endpoint, 100);
  const burst = send(busy, plan.burst, 'all_messages');
  const applied = await applyAll(busy, burst);
  const raw = rawClient('local', endpoint);
  const floorSeconds = await rawConditionalWrites(raw, busy.tableName, applied.writes);
  raw.destroy();
  const throughput = {
    events: burst.length,
    relevant: applied.relevant,
    writes: applied.writes,
    seconds: round(applied.seconds, 2),
    eventsPerSec: round(applied.relevant / applied.seconds, 0),
    writesPerSec: round(applied.writes / applied.seconds, 0),
    floorWritesPerSec: round(applied.writes / floorSeconds, 0),
    overhead: round(applied.seconds / floorSeconds, 2),
  };
  log(`sync throughput: ${throughput.eventsPerSec} events/s (${throughput.writesPerSec} writes/s; floor ${throughput.floorWritesPerSec} writes/s)`);

  // Lag: one message in a room of plan.lagMembers, every event's wallTime = the moment the burst arrives.
  const lagRoom = await roomTable(endpoint, plan.lagMembers);
  const lagEvents = send(lagRoom, 1, 'all_messages');
  const arrived = Date.now();
  const lags: number[] = [];
  let messageMs = Number.NaN;
  for (const event of lagEvents) event.wallTime = new Date(arrived);
  await applyAll(lagRoom, lagEvents, (event) => {
    const lagMs = Date.now() - event.wallTime!.getTime();
    lags.push(lagMs);
    if (event.ns?.coll === 'rocketchat_message') messageMs = lagMs;
  });
  const lag = { members: lagRoom.members.length, events: lags.length, lagMs: summarize(lags), messageMs };
  log(`sync lag for a ${lag.members}-member burst: p50 ${lag.lagMs.p50} ms, p99 ${lag.lagMs.p99} ms, message ${messageMs} ms`);

  // Writes per message.
  const writesPerMessage: SyncBenchResults['writesPerMessage'] = [];
  for (const members of plan.roomSizes) {
    const room = await roomTable(endpoint, members);
    for (const unread of ['user_and_group_mentions_only', 'all_messages'] as const) {
      const events = send(room, 1, unread);
      const result = await applyAll(room, events);
      writesPerMessage.push({ members, unread, emitted: events.length, relevant: result.relevant, writes: result.writes, reads: result.reads, seconds: round(result.seconds, 2) });
      log(`${members} members, ${unread}: ${events.length} events, ${result.relevant} relevant, ${result.writes} writes`);
    }
  }
  return { concurrency: CONCURRENCY, loadAverage1m: { start: round(loadAtStart, 2), end: round(loadavg()[0]!, 2) }, throughput, lag, writesPerMessage };
}

export function renderSync(r: SyncBenchResults): string {
  const t = r.throughput;
  return [
    '## Live sync (apply path)',
    '',
    `Concurrency ${r.concurrency}; events of one document in order. Floor: the same number of raw conditional PutItems of subscription-shaped items with the low-level client. Machine load average (1 min) ${r.loadAverage1m.start} → ${r.loadAverage1m.end}.`,
    '',
    '| events (relevant) | writes | time | events/s | writes/s | floor writes/s | time vs floor |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    `| ${t.events} (${t.relevant}) | ${t.writes} | ${t.seconds} s | ${t.eventsPerSec} | ${t.writesPerSec} | ${t.floorWritesPerSec} | ×${t.overhead} |`,
    '',
    `Lag (apply done − wallTime) when one message's ${r.lag.events} relevant events in a ${r.lag.members}-member room arrive at once: p50 ${r.lag.lagMs.p50} ms, p99 ${r.lag.lagMs.p99} ms, max ${r.lag.lagMs.max} ms; the message item itself (first in stream order) after ${r.lag.messageMs} ms.`,
    '',
    'DynamoDB writes per message (no mention, not in a thread):',
    '',
    '| members | Unread_Count | change events from MongoDB | through the filter | DynamoDB writes | reads | apply time |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...r.writesPerMessage.map((w) => `| ${w.members} | ${w.unread} | ${w.emitted} | ${w.relevant} | ${w.writes} | ${w.reads} | ${w.seconds} s |`),
  ].join('\n');
}

const COMMAND: CommandSpec = {
  name: 'npm run bench:sync',
  summary:
    'The live-sync part of npm run bench alone, on its own DynamoDB Local (in memory): apply throughput against raw\n' +
    'conditional writes, lag of a burst, DynamoDB writes per message by room size. Writes bench/results-sync.json and .md.',
  options: {
    quick: { type: 'boolean', description: 'smaller rooms and bursts (figures less stable)', default: 'off: the full sizes' },
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
