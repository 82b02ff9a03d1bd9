/** How much the bench does: `--quick` (about two minutes), the full run (a few minutes on 2 cores), or `--smoke` (the test of the bench itself). */
import type { DatasetShape } from './dataset';

export interface BenchPlan {
  mode: 'quick' | 'full' | 'smoke';
  shape: DatasetShape;
  /** Table sizes in messages, measured in this order as the table grows. */
  tableSizes: number[];
  /** Warm in-process invocations of each function (and of each floor). */
  warmCalls: number;
  warmupCalls: number;
  /** Invocations per subscription-scale point and per table size. */
  subscriptionCalls: number;
  tableCalls: number;
  /** The table-size comparison alternates this many blocks between the tables. */
  tableBlocks: number;
  /** Read traffic sent to the engine before anything is measured (see warmup.ts). */
  engineWarmup: { count: number; maxMs: number };
  /** Wall-clock budget of any one measuring loop. */
  loopMaxMs: number;
  coldRuns: number;
  /** Also time the functions with NODE_OPTIONS=--enable-source-maps (what `-c sourceMaps=true` costs). */
  coldDiagnostics: boolean;
  coldMaxMs: number;
  load: { connections: number; durationS: number; warmupS: number };
  /** Invocations of the Powertools comparison (logger and metrics on and off). */
  powertoolsCalls: number;
  /** The live-sync part (bench/sync.ts). */
  sync: SyncPlan;
}

export interface SyncPlan {
  /** Messages sent in the 100-member room whose apply rate is measured. */
  burst: number;
  /** Members of the room whose one message's events all arrive at once (the lag). */
  lagMembers: number;
  /** Room sizes of the writes-per-message table. */
  roomSizes: number[];
  /** Measured rounds of the apply path, the relay and the floor (after one warm-up round), each in a fresh random order. */
  rounds: number;
  /** Measured rounds of the lag burst (relay and floor). */
  lagRounds: number;
}

export const QUICK: BenchPlan = {
  mode: 'quick',
  shape: { senders: 50, rooms: 500, receiverRooms: 50, subscriptionCounts: [1, 100, 500], fewUnread: 10 },
  tableSizes: [1_000, 5_000],
  warmCalls: 800,
  warmupCalls: 300,
  subscriptionCalls: 40,
  tableCalls: 160,
  tableBlocks: 4,
  engineWarmup: { count: 2_000, maxMs: 4_000 },
  loopMaxMs: 16_000,
  coldRuns: 61,
  coldDiagnostics: false,
  coldMaxMs: 60_000,
  load: { connections: 10, durationS: 3, warmupS: 1 },
  powertoolsCalls: 2_000,
  sync: { burst: 5, lagMembers: 200, roomSizes: [10, 1_000], rounds: 3, lagRounds: 3 },
};

export const FULL: BenchPlan = {
  mode: 'full',
  shape: { senders: 200, rooms: 5000, receiverRooms: 50, subscriptionCounts: [1, 100, 1000, 5000], fewUnread: 10 },
  tableSizes: [10_000, 100_000],
  warmCalls: 2_000,
  warmupCalls: 300,
  subscriptionCalls: 200,
  tableCalls: 1_000,
  tableBlocks: 10,
  engineWarmup: { count: 10_000, maxMs: 20_000 },
  loopMaxMs: 60_000,
  coldRuns: 101,
  coldDiagnostics: true,
  coldMaxMs: 120_000,
  load: { connections: 10, durationS: 10, warmupS: 2 },
  powertoolsCalls: 2_000,
  sync: { burst: 20, lagMembers: 1_000, roomSizes: [10, 1_000, 10_000], rounds: 7, lagRounds: 7 },
};

/** Every phase once, with tiny counts: proves the bench runs end to end (its figures mean nothing). */
export const SMOKE: BenchPlan = {
  mode: 'smoke',
  shape: { senders: 5, rooms: 30, receiverRooms: 6, subscriptionCounts: [1, 10], fewUnread: 2 },
  tableSizes: [100, 200],
  warmCalls: 10,
  warmupCalls: 2,
  subscriptionCalls: 4,
  tableCalls: 8,
  tableBlocks: 2,
  engineWarmup: { count: 20, maxMs: 2_000 },
  loopMaxMs: 4_000,
  coldRuns: 1,
  coldDiagnostics: false,
  coldMaxMs: 30_000,
  load: { connections: 2, durationS: 1, warmupS: 1 },
  powertoolsCalls: 10,
  sync: { burst: 1, lagMembers: 10, roomSizes: [10], rounds: 1, lagRounds: 1 },
};
