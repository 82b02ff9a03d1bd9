/**
 * The relay's counters and lag, published as CloudWatch embedded-metric-format lines (Powertools)
 * on stdout every interval: on ECS the awslogs driver ships stdout to CloudWatch Logs, which
 * extracts the metrics. Lag percentiles are computed here per interval (one value each), so an
 * alarm reads them directly.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export const RELAY_METRICS_NAMESPACE = 'PushGet';
export const RELAY_SERVICE_NAME = 'push-get-sync';
export const RELAY_METRIC = {
  applied: 'SyncEventsApplied',
  irrelevant: 'SyncEventsIrrelevant',
  stale: 'SyncEventsStale',
  deadLetters: 'SyncDeadLetters',
  lagP50: 'SyncLagP50',
  lagP99: 'SyncLagP99',
  checkpointAge: 'SyncCheckpointAge',
  /** Documents (or left-over items) a snapshot removed because MongoDB no longer has them; published once per snapshot. */
  snapshotRemoved: 'SyncSnapshotRemoved',
} as const;

export type Outcome = 'applied' | 'irrelevant' | 'stale' | 'deadLetter';

export interface RelaySummary {
  applied: number;
  irrelevant: number;
  stale: number;
  deadLetters: number;
  /** Set when a snapshot was reconciled: what it removed. */
  snapshotRemoved?: number;
  lagP50Ms?: number;
  lagP99Ms?: number;
}

export class RelayMetrics {
  private counts = { applied: 0, irrelevant: 0, stale: 0, deadLetter: 0 };
  private lags: number[] = [];
  private snapshotRemoved?: number;
  readonly total: RelaySummary = { applied: 0, irrelevant: 0, stale: 0, deadLetters: 0 };
  private readonly emf = new Metrics({ namespace: RELAY_METRICS_NAMESPACE, serviceName: RELAY_SERVICE_NAME });

  /** `enabled: false` keeps the figures for the log line and publishes nothing (tests, local runs). */
  constructor(private readonly enabled: boolean) {}

  count(outcome: Outcome, events = 1): void {
    this.counts[outcome] += events;
    this.total[outcome === 'deadLetter' ? 'deadLetters' : outcome] += events;
  }

  /** A snapshot's reconciliation removed `count` documents (or left-over items). */
  removed(count: number): void {
    this.snapshotRemoved = (this.snapshotRemoved ?? 0) + count;
    this.total.snapshotRemoved = (this.total.snapshotRemoved ?? 0) + count;
  }

  lag(ms: number): void {
    this.lags.push(Math.max(0, ms));
  }

  /** Publishes the interval's figures and starts a new interval; answers them for the log line. */
  flush(checkpointAgeSeconds: number | undefined): RelaySummary {
    const sorted = this.lags.sort((a, b) => a - b);
    const summary: RelaySummary = {
      applied: this.counts.applied,
      irrelevant: this.counts.irrelevant,
      stale: this.counts.stale,
      deadLetters: this.counts.deadLetter,
      snapshotRemoved: this.snapshotRemoved,
      lagP50Ms: percentile(sorted, 0.5),
      lagP99Ms: percentile(sorted, 0.99),
    };
    if (this.enabled) {
      this.emf.addMetric(RELAY_METRIC.applied, MetricUnit.Count, summary.applied);
      this.emf.addMetric(RELAY_METRIC.irrelevant, MetricUnit.Count, summary.irrelevant);
      this.emf.addMetric(RELAY_METRIC.stale, MetricUnit.Count, summary.stale);
      this.emf.addMetric(RELAY_METRIC.deadLetters, MetricUnit.Count, summary.deadLetters);
      if (summary.snapshotRemoved !== undefined) this.emf.addMetric(RELAY_METRIC.snapshotRemoved, MetricUnit.Count, summary.snapshotRemoved);
      if (summary.lagP50Ms !== undefined) this.emf.addMetric(RELAY_METRIC.lagP50, MetricUnit.Milliseconds, summary.lagP50Ms);
      if (summary.lagP99Ms !== undefined) this.emf.addMetric(RELAY_METRIC.lagP99, MetricUnit.Milliseconds, summary.lagP99Ms);
      if (checkpointAgeSeconds !== undefined) this.emf.addMetric(RELAY_METRIC.checkpointAge, MetricUnit.Seconds, checkpointAgeSeconds);
      this.emf.publishStoredMetrics();
    }
    this.counts = { applied: 0, irrelevant: 0, stale: 0, deadLetter: 0 };
    this.lags = [];
    this.snapshotRemoved = undefined;
    return summary;
  }
}

/** Nearest-rank percentile of sorted values; undefined when there are none. */
export function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
