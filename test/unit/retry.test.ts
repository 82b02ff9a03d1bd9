/** The one retry delay (lib/retry.ts): full jitter under an exponential, capped ceiling. */
import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../../lib/retry';

const BACKOFF = { baseMs: 100, capMs: 1000 };

describe('retryDelayMs', () => {
  it('doubles the ceiling per retry up to the cap (random just below 1 reaches it)', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 20].map((attempt) => retryDelayMs(attempt, BACKOFF, () => 0.999999));
    expect(ceilings).toStrictEqual([99, 199, 399, 799, 999, 999, 999]);
  });

  it('is fully jittered: anywhere from zero to the ceiling, as the random draw says', () => {
    expect(retryDelayMs(3, BACKOFF, () => 0)).toBe(0);
    expect(retryDelayMs(3, BACKOFF, () => 0.5)).toBe(200);
    expect(retryDelayMs(3, BACKOFF, () => 0.25)).toBe(100);
  });

  it('with the real random source stays within [0, ceiling) and varies', () => {
    const delays = Array.from({ length: 200 }, () => retryDelayMs(4, BACKOFF));
    expect(delays.every((delay) => delay >= 0 && delay < 800)).toBe(true);
    expect(new Set(delays).size).toBeGreaterThan(10);
  });
});
