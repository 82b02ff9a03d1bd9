/**
 * The one retry delay: exponential backoff with full jitter, capped (a random delay between zero
 * and `min(capMs, baseMs × 2^attempt)`), so that many clients retrying at once spread out.
 */
export interface Backoff {
  /** The ceiling of the first retry's delay. */
  baseMs: number;
  /** No delay exceeds this. */
  capMs: number;
}

/** The delay before retry number `attempt` (1 for the first retry); `random` returns [0, 1). */
export function retryDelayMs(attempt: number, { baseMs, capMs }: Backoff, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

/** Waits `retryDelayMs(attempt, backoff)`. */
export function retryPause(attempt: number, backoff: Backoff): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt, backoff)));
}
