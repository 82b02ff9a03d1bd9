/** The relay's metrics as CloudWatch reads them: EMF lines on stdout, with what a snapshot removed. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RELAY_METRIC, RelayMetrics } from '../../lib/sync/relay/metrics';

function emittedMetrics(write: ReturnType<typeof vi.spyOn>): Record<string, unknown>[] {
  return write.mock.calls.flatMap(([chunk]: unknown[]) =>
    String(chunk)
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>),
  );
}

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('RelayMetrics', () => {
  it("publishes a snapshot's removals once, in the interval it happened, and keeps the total", () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const metrics = new RelayMetrics(true);
    metrics.removed(3);
    metrics.removed(2);
    expect(metrics.flush(1).snapshotRemoved).toBe(5);
    expect(metrics.flush(2).snapshotRemoved).toBeUndefined();
    const [first, second] = emittedMetrics(write);
    expect(first).toMatchObject({ [RELAY_METRIC.snapshotRemoved]: 5 });
    expect(second).not.toHaveProperty(RELAY_METRIC.snapshotRemoved);
    expect(metrics.total.snapshotRemoved).toBe(5);
  });
});
