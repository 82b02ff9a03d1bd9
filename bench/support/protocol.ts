/** What the orchestrator (run.ts) and its children (worker.ts, api-child.ts) say to each other. */
import type { DatasetShape, UnreadProfile } from '../dataset';
import type { RequestCounts } from '../../lib/dynamodb/request-count';
import type { LatencySummary } from './stats';

export interface WorkerInput {
  endpoint: string;
  tableName: string;
  seed: number;
  shape: DatasetShape;
  /** Messages in the table (message indexes 0 … messages-1). */
  messages: number;
}

export type WorkerTask =
  | { kind: 'warm'; calls: number; warmup: number; maxMs: number }
  | { kind: 'subscriptions'; counts: number[]; calls: number; maxMs: number }
  /** One block of the table-size comparison; the orchestrator alternates blocks between tables. */
  | { kind: 'table'; calls: number; warmup: number; maxMs: number }
  | { kind: 'powertools'; calls: number; maxMs: number };

export interface WarmResult {
  kind: 'warm';
  handler: {
    /** First call of a fresh process: settings and permissions join the BatchGetItem. */
    firstCall: RequestCounts;
    warmCall: RequestCounts;
    floorCall: RequestCounts;
    latency: LatencySummary;
    /** The use case alone (getPushNotification + JSON.stringify), without the Lambda wrapper. */
    bare: LatencySummary;
    floor: LatencySummary;
    /** Mean CPU time (user + system) of this process per call, in µs. */
    cpuUs: { handler: number; bare: number; floor: number };
    timedOut: boolean;
  };
  authorizer: {
    firstCall: RequestCounts;
    warmCall: RequestCounts;
    latency: LatencySummary;
    /** The check alone (store.loginFacts + isLoginValid), without the Lambda wrapper. */
    bare: LatencySummary;
    floorGetItem: LatencySummary;
    floorBatchGet: LatencySummary;
    cpuUs: { authorizer: number; bare: number; getItem: number; batchGet: number };
    timedOut: boolean;
  };
  /** Bytes of the measured answers (body of one 200). */
  answerBytes: number;
}

export interface SubscriptionPoint {
  subscriptions: number;
  profile: UnreadProfile;
  badge: number;
  expectedBadge: number;
  requests: RequestCounts;
  latency: LatencySummary;
  floor: LatencySummary;
  /** The badge Query alone (raw), every page. */
  badgeQuery: LatencySummary;
  badgeQueryPages: number;
  badgeItemsRead: number;
  /** Read capacity the engine reports for the badge Query (DynamoDB Local computes it like AWS). */
  badgeCapacityUnits?: number;
}

export interface SubscriptionsResult {
  kind: 'subscriptions';
  points: SubscriptionPoint[];
}

export interface TableBlock {
  kind: 'table';
  messages: number;
  requests: RequestCounts;
  /** Raw latencies of this block, merged by the orchestrator. */
  handlerMs: number[];
  floorMs: number[];
}

export interface TableResult {
  messages: number;
  requests: RequestCounts;
  latency: LatencySummary;
  floor: LatencySummary;
}

export interface PowertoolsResult {
  kind: 'powertools';
  /** Per invocation: logger.addContext + setCorrelationId + captureColdStartMetric + addMetric + publishStoredMetrics. */
  wrapperCallsUs: LatencySummary;
  /** Per invocation: addMetric + publishStoredMetrics alone (EMF serialisation and the stdout write). */
  metricsPublishUs: LatencySummary;
  metricsEnabled: boolean;
}

export type WorkerResult = WarmResult | SubscriptionsResult | TableBlock | PowertoolsResult;

/** Orchestrator → worker: run one task, or exit. */
export type WorkerCommand = { type: 'run'; task: WorkerTask } | { type: 'exit' };

/** Worker → orchestrator: ready once the function modules are loaded, then one result per task. */
export type WorkerMessage = { type: 'ready' } | { type: 'result'; result: WorkerResult } | { type: 'error'; error: string };

export type ApiChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'memory'; baselineRss: number; peakRss: number; maxRss: number; samples: number; cpuMsSinceMark: number; heapAtMark: number; heapNow: number }
  | { type: 'error'; error: string };

export interface ApiChildInput {
  endpoint: string;
  tableName: string;
  /** How often the RSS is sampled while serving. */
  sampleMs: number;
}
