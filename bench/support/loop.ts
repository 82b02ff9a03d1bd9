import { prng, shuffle } from './prng';

/** Every measuring loop of the bench is bounded twice: by a number of iterations and by time. */

export interface Bound {
  /** Iterations to run (the loop stops earlier only when `maxMs` runs out). */
  count: number;
  /** Wall-clock budget of the whole loop. */
  maxMs: number;
}

/**
 * Runs the given steps in turn, `count` rounds, each round in a fresh random order (seeded), so
 * that engine warm-up, drift, other load on the machine and whatever the previous call left
 * behind (a busy engine thread, garbage to collect, the other client's socket) hit every variant
 * alike. A fixed rotation would not: each step would always follow the same other step. Returns each
 * step's latencies (ms) and its mean CPU time per call in this process (µs, user + system).
 */
export async function interleaved<Name extends string>(
  steps: Record<Name, (round: number) => Promise<void>>,
  { count, maxMs }: Bound,
): Promise<{ samples: Record<Name, number[]>; cpuUs: Record<Name, number>; rounds: number; timedOut: boolean }> {
  const names = Object.keys(steps) as Name[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<Name, number[]>;
  const cpu = Object.fromEntries(names.map((name) => [name, 0])) as Record<Name, number>;
  const deadline = performance.now() + maxMs;
  const random = prng(count);
  let round = 0;
  for (; round < count; round++) {
    if (performance.now() > deadline) break;
    for (const name of shuffle([...names], random)) {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      await steps[name](round);
      samples[name].push(performance.now() - started);
      const { user, system } = process.cpuUsage(cpuBefore);
      cpu[name] += user + system;
    }
  }
  const cpuUs = Object.fromEntries(names.map((name) => [name, Math.round(cpu[name] / Math.max(1, round))])) as Record<Name, number>;
  return { samples, cpuUs, rounds: round, timedOut: round < count };
}

/** Calls `step` up to `count` times within `maxMs`, discarding the timings (JIT and engine warm-up). */
export async function warmUp(step: (round: number) => Promise<void>, { count, maxMs }: Bound): Promise<number> {
  const deadline = performance.now() + maxMs;
  let round = 0;
  for (; round < count && performance.now() < deadline; round++) {
    await step(round);
  }
  return round;
}
