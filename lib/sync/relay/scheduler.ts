/**
 * Runs changes with bounded concurrency and backpressure: changes to the same document run one
 * after another in stream order, changes to different documents in parallel. A change that waits
 * behind another for its document (or for the short coalescing window) may be merged with a later
 * one (`merge`), so a burst of updates to one subscription costs one write, not one per update.
 */
export interface SchedulerOptions<T> {
  /** Documents applied at the same time. */
  concurrency: number;
  /** Changes accepted and not finished; `submit` waits while this many are outstanding. */
  maxOutstanding: number;
  /** How long a change for an idle document waits for later changes to merge with. */
  coalesceMs: number;
  /** The later change alone when it makes the earlier one redundant, else undefined (run both). */
  merge: (earlier: T, later: T) => T | undefined;
  run: (change: T) => Promise<void>;
  /** Called with the sequence numbers a finished run covered (merged changes included). */
  settled: (seqs: number[]) => void;
}

interface Job<T> {
  change: T;
  seqs: number[];
}

interface DocumentQueue<T> {
  jobs: Job<T>[];
  running: boolean;
  /** Queued for a worker (ready) or waiting out the coalescing window. */
  scheduled: boolean;
}

export class KeyedScheduler<T> {
  private readonly queues = new Map<string, DocumentQueue<T>>();
  private readonly ready: string[] = [];
  private running = 0;
  private outstanding = 0;
  private failure: unknown;
  private spaceWaiters: (() => void)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly options: SchedulerOptions<T>) {}

  /** The first error a run threw; the scheduler starts nothing after it. */
  get failed(): unknown {
    return this.failure;
  }

  get size(): number {
    return this.outstanding;
  }

  /** Accepts a change for document `key`; waits while the scheduler is full (backpressure). */
  async submit(key: string, change: T, seq: number): Promise<void> {
    while (this.outstanding >= this.options.maxOutstanding && this.failure === undefined) {
      await new Promise<void>((resolve) => this.spaceWaiters.push(resolve));
    }
    this.outstanding++;
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { jobs: [], running: false, scheduled: false };
      this.queues.set(key, queue);
    }
    const last = queue.jobs.at(-1);
    const merged = last && this.options.merge(last.change, change);
    if (last && merged !== undefined) {
      queue.jobs[queue.jobs.length - 1] = { change: merged, seqs: [...last.seqs, seq] };
    } else {
      queue.jobs.push({ change, seqs: [seq] });
    }
    if (!queue.running && !queue.scheduled) {
      queue.scheduled = true;
      if (this.options.coalesceMs > 0) {
        setTimeout(() => this.makeReady(key), this.options.coalesceMs);
      } else {
        this.makeReady(key);
      }
    }
  }

  /** Resolves when every accepted change has finished (or the scheduler failed and went quiet). */
  async drain(): Promise<void> {
    while (this.outstanding > 0 && !(this.failure !== undefined && this.running === 0)) {
      await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    }
  }

  private makeReady(key: string): void {
    this.ready.push(key);
    this.pump();
  }

  private pump(): void {
    while (this.failure === undefined && this.running < this.options.concurrency && this.ready.length > 0) {
      const key = this.ready.shift()!;
      const queue = this.queues.get(key)!;
      queue.scheduled = false;
      const job = queue.jobs.shift()!;
      queue.running = true;
      this.running++;
      void this.execute(key, queue, job);
    }
  }

  private async execute(key: string, queue: DocumentQueue<T>, job: Job<T>): Promise<void> {
    try {
      await this.options.run(job.change);
      this.options.settled(job.seqs);
    } catch (error) {
      this.failure ??= error;
    }
    this.running--;
    queue.running = false;
    this.outstanding -= job.seqs.length;
    if (queue.jobs.length > 0) {
      queue.scheduled = true;
      this.ready.push(key);
    } else {
      this.queues.delete(key);
    }
    this.notify(this.spaceWaiters.splice(0));
    this.notify(this.idleWaiters.splice(0));
    this.pump();
  }

  private notify(waiters: (() => void)[]): void {
    for (const wake of waiters) wake();
  }
}
