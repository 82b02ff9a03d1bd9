/**
 * The relay: one database-level change stream → the apply path → the table, resumably.
 *
 * - Start: take the lease (one item with the checkpoint). With a checkpoint, resume after it.
 *   Without one, open the stream first (its start is fixed by the server's answer), then load a
 *   snapshot of the collections (and remove what MongoDB no longer has: reconcile.ts), then apply
 *   the stream from that start: a change made during the snapshot is applied again afterwards,
 *   which the versioned writes make harmless; none is lost.
 * - Run: changes go to a scheduler (same document in order, different documents in parallel,
 *   bounded, merged while they wait). The checkpoint is the resume token up to which every change
 *   has been applied, written at most once per `checkpointIntervalMs`, together with the lease
 *   renewal; an idle stream checkpoints its `postBatchResumeToken`, so a restart never replays
 *   (or loses) a long quiet stretch.
 * - Stop (`stop()`, e.g. on SIGTERM): read no further, finish the changes already taken, write the
 *   checkpoint, release the lease, close the stream.
 * - Failure: a change the mapping cannot use becomes a dead letter and the relay goes on; an
 *   unrecoverable stream error (history lost, not a replica set, refused) or a lost lease stops it
 *   with a `RelayStopped` saying what to do. Transient network errors are resumed by the driver.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { BSON, type ChangeStream, type Db, type Document, type Timestamp } from 'mongodb';
import { LeaseHeld, type RelayStore } from '../../dynamodb/relay-store';
import { mergeChanges } from './coalesce';
import { errorFields, RelayStopped, redact, streamFailure } from './errors';
import type { RelayLog } from './log';
import type { Outcome, RelayMetrics, RelaySummary } from './metrics';
import { Progress } from './progress';
import { KeyedScheduler } from './scheduler';
import { retryPause, type Backoff } from '../../retry';
import { COLLECTION_OPERATIONS } from '../relevance';

/** What the relay needs from the apply path (lib/sync), on the driver's change documents. */
export interface ChangeSink {
  /** Writes nothing for changes push.get cannot see; such changes skip the scheduler. */
  isRelevant(change: Document): boolean;
  /** Applies one change; throws for a change that cannot be mapped (see `unmappableReason`). */
  apply(change: Document): Promise<'applied' | 'irrelevant' | 'stale'>;
  /** The reason (no document values) when `error` means the change cannot be mapped, else undefined. */
  unmappableReason(error: unknown): string | undefined;
  /** The cluster's current operation time: where a new stream starts. */
  operationTime(db: Db): Promise<Timestamp>;
  /**
   * Loads the collections' current documents (the snapshot) through `apply`, versioned at
   * `startAt`, then removes what MongoDB no longer has; answers the removals per collection.
   */
  snapshot(db: Db, startAt: Timestamp, apply: (change: Document) => Promise<Outcome | undefined>): Promise<Record<string, number>>;
}

export interface RelayOptions {
  db: Db;
  pipeline: Document[];
  sink: ChangeSink;
  store: RelayStore;
  metrics: RelayMetrics;
  /** The MongoDB URI and its parts: never written anywhere, removed from every message. */
  secrets: readonly string[];
  log: RelayLog;
  /** Forget the checkpoint and take a fresh snapshot (after history was lost). */
  resnapshot?: boolean;
  /** Without a checkpoint: start the stream at this cluster time and take no snapshot (after an import). */
  startAt?: Timestamp;
  concurrency?: number;
  maxOutstanding?: number;
  coalesceMs?: number;
  checkpointIntervalMs?: number;
  leaseMs?: number;
  /** How long one `getMore` waits on an idle stream (and so how fast `stop()` is noticed). */
  maxAwaitTimeMS?: number;
  metricsIntervalMs?: number;
  /** Attempts of one change against DynamoDB before the relay stops (the SDK retries inside each). */
  applyAttempts?: number;
  now?: () => number;
}

type Token = unknown;

/** How long the read loop runs before it lets the writes' timers and sockets have their turn. */
const READ_SLICE_MS = 2;
/** Between attempts of a change or of the last checkpoint (full jitter, lib/retry.ts). */
const WRITE_BACKOFF: Backoff = { baseMs: 500, capMs: 8000 };

export class Relay {
  private readonly owner = `${hostname()}#${process.pid}#${randomUUID().slice(0, 8)}`;
  private readonly progress = new Progress<Token>();
  private readonly scheduler: KeyedScheduler<Document>;
  private readonly now: () => number;
  private readonly leaseMs: number;
  private stopping = false;
  private stream?: ChangeStream;
  private leaseValidUntil = 0;
  private lastRenewAt = 0;
  private checkpointSeq = -1;
  private checkpointMovedAt: number;
  private fatal?: RelayStopped;
  private timers: NodeJS.Timeout[] = [];
  private tick = Promise.resolve();
  private lastIdleToken?: string;

  constructor(private readonly options: RelayOptions) {
    this.now = options.now ?? Date.now;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.checkpointMovedAt = this.now();
    this.scheduler = new KeyedScheduler<Document>({
      concurrency: options.concurrency ?? 32,
      maxOutstanding: options.maxOutstanding ?? 1000,
      coalesceMs: options.coalesceMs ?? 20,
      merge: mergeChanges,
      run: async (change) => void (await this.applyOne(change)),
      settled: (seqs) => seqs.forEach((seq) => this.progress.done(seq)),
    });
  }

  /** Runs until `stop()` (resolves with the totals) or an unrecoverable failure (rejects with RelayStopped). */
  async run(): Promise<RelaySummary> {
    const { store, log } = this.options;
    const state = await this.takeLease();
    if (this.options.resnapshot && state.resumeToken) {
      await store.clearCheckpoint(this.owner);
      log.info('checkpoint forgotten (--resnapshot): taking a fresh snapshot');
    }
    const resumeAfter = this.options.resnapshot || !state.resumeToken ? undefined : (BSON.EJSON.parse(state.resumeToken, { relaxed: false }) as Token);
    this.startTimers();
    try {
      // Without a checkpoint the stream starts at a cluster time read first; the snapshot's
      // writes carry that time as their version, so every change the stream brings supersedes them.
      const given = resumeAfter === undefined ? this.options.startAt : undefined;
      const startAt = resumeAfter === undefined ? (given ?? (await this.options.sink.operationTime(this.options.db))) : undefined;
      const stream = this.options.db.watch(this.options.pipeline, {
        fullDocument: 'updateLookup',
        maxAwaitTimeMS: this.options.maxAwaitTimeMS ?? 1000,
        ...(resumeAfter === undefined ? { startAtOperationTime: startAt } : { resumeAfter }),
      });
      this.stream = stream;
      // The first read opens the stream (and proves it works) before the snapshot starts.
      let first = await this.next(stream);
      if (given !== undefined) {
        log.info('no checkpoint: following the change stream from the given cluster time (no snapshot)', { startAt: `${given.t}.${given.i}` });
        this.markIdle(first ? undefined : stream.resumeToken);
      } else if (startAt !== undefined) {
        const start = first ? undefined : stream.resumeToken;
        log.info('no checkpoint: change stream opened, loading the snapshot');
        const removed = await this.options.sink.snapshot(this.options.db, startAt, (change) => this.applyOne(change, false));
        this.options.metrics.removed(Object.values(removed).reduce((sum, n) => sum + n, 0));
        log.info('snapshot loaded; following the change stream');
        this.markIdle(start);
      } else {
        log.info('resuming the change stream after the checkpoint');
      }
      let yieldedAt = performance.now();
      while (!this.stopping && !this.fatal) {
        const change = first ?? (await this.next(stream));
        first = null;
        if (this.fatal) break;
        if (change) {
          await this.take(change, stream.resumeToken);
        } else {
          this.markIdle(stream.resumeToken);
        }
        // A batch's buffered changes are read without ever leaving the microtask queue: let the
        // timers and sockets run now and then, so the first writes of a burst start while the
        // rest of the batch is still being read instead of after all of it.
        if (performance.now() - yieldedAt >= READ_SLICE_MS) {
          await new Promise((resolve) => setImmediate(resolve));
          yieldedAt = performance.now();
        }
      }
      await this.scheduler.drain();
      this.fatal ??= this.schedulerFailure();
    } catch (error) {
      this.fatal ??= error instanceof RelayStopped ? error : streamFailure(error, this.options.secrets);
      await this.scheduler.drain();
    } finally {
      await this.stopTimers();
      await this.stream?.close().catch(() => undefined);
    }
    if (this.fatal) {
      // Only what is finished is checkpointed: a restart resumes at the first unfinished change.
      await this.checkpoint(true).catch(() => undefined);
      await store.release(this.owner).catch(() => undefined);
      throw this.fatal;
    }
    await this.finalCheckpoint();
    await store.release(this.owner).catch(() => undefined);
    return this.summary();
  }

  /** Stop reading; `run()` then finishes the changes it took, checkpoints and resolves. */
  stop(): void {
    this.stopping = true;
  }

  private summary(): RelaySummary {
    return { ...this.options.metrics.total };
  }

  private async takeLease() {
    const now = this.now();
    try {
      const state = await this.options.store.acquire(this.owner, now + this.leaseMs, now);
      this.leaseValidUntil = now + this.leaseMs;
      this.lastRenewAt = now;
      return state;
    } catch (error) {
      if (error instanceof LeaseHeld) {
        const { leaseUntil } = await this.options.store.state();
        const until = leaseUntil ? new Date(leaseUntil).toISOString() : 'unknown';
        throw new RelayStopped(
          `another relay holds the lease on this table until ${until} (it renews it while it runs): only one relay may write. ` + 'Stop the other one, or wait for its lease to expire.',
        );
      }
      throw error;
    }
  }

  private async next(stream: ChangeStream): Promise<Document | null> {
    return (await stream.tryNext()) as Document | null;
  }

  /** An idle batch's position: worth a checkpoint once everything before it is applied. */
  private markIdle(token: Token): void {
    if (token === undefined || token === null) return;
    const text = BSON.EJSON.stringify(token, { relaxed: false });
    if (text === this.lastIdleToken) return;
    this.lastIdleToken = text;
    this.progress.mark(token);
  }

  /** Hands one change to the scheduler, or records its position when nothing is to be written. */
  private async take(change: Document, token: Token): Promise<void> {
    if (!this.options.sink.isRelevant(change)) {
      this.options.metrics.count('irrelevant');
      this.progress.mark(token);
      return;
    }
    const operation = String(change.operationType);
    if (COLLECTION_OPERATIONS.includes(operation)) {
      const collection = redact(String(change.ns?.coll ?? change.ns?.db ?? ''), this.options.secrets);
      throw new RelayStopped(
        `the change stream reported "${operation}" on ${collection}: whole collections changed, which the table cannot follow change by change. ` +
          'Run the relay with --resnapshot to load them again.',
      );
    }
    const seq = this.progress.begin(token);
    await this.scheduler.submit(documentKey(change), change, seq);
    if (this.scheduler.failed) this.fatal ??= this.schedulerFailure();
  }

  /** One change through the sink, retried on store failures; `live` changes count towards the lag. Undefined: a dead letter. */
  private async applyOne(change: Document, live = true): Promise<Outcome | undefined> {
    const attempts = this.options.applyAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      if (this.now() >= this.leaseValidUntil) {
        throw new RelayStopped('the lease could not be renewed in time: this relay stopped writing so that two relays never both write.');
      }
      let outcome: Outcome;
      try {
        outcome = await this.options.sink.apply(change);
      } catch (error) {
        const reason = this.options.sink.unmappableReason(error);
        if (reason !== undefined) {
          await this.deadLetter(change, reason);
          return undefined;
        }
        if (attempt >= attempts || error instanceof RelayStopped) throw error;
        this.options.log.warn('writing a change failed, retrying', { attempt, attempts, ...errorFields(error, this.options.secrets) });
        await retryPause(attempt, WRITE_BACKOFF);
        continue;
      }
      this.options.metrics.count(outcome);
      if (!live) return outcome;
      const wallTime = change.wallTime instanceof Date ? change.wallTime.getTime() : clusterTimeMs(change.clusterTime);
      if (wallTime !== undefined) this.options.metrics.lag(this.now() - wallTime);
      return outcome;
    }
  }

  private async deadLetter(change: Document, reason: string): Promise<void> {
    const letter = {
      at: new Date(this.now()).toISOString(),
      // Snapshot documents have no resume token: their key says so.
      resumeToken: change._id == null ? 'snapshot' : BSON.EJSON.stringify(change._id, { relaxed: false }),
      collection: String(change.ns?.coll ?? ''),
      documentId: String(change.documentKey?._id ?? ''),
      operationType: String(change.operationType),
      reason: redact(reason, this.options.secrets),
    };
    await this.options.store.putDeadLetter(letter);
    this.options.metrics.count('deadLetter');
    this.options.log.warn('dead letter', { operationType: letter.operationType, collection: letter.collection, documentId: letter.documentId, reason: letter.reason });
  }

  private schedulerFailure(): RelayStopped | undefined {
    const error = this.scheduler.failed;
    if (error === undefined) return undefined;
    if (error instanceof RelayStopped) return error;
    return new RelayStopped(`writing to DynamoDB kept failing, so the relay stopped (the checkpoint stays before the change; a restart retries it): ${redact(errorText(error), this.options.secrets)}`);
  }

  // ---- checkpoint, lease and metrics timers ----

  private startTimers(): void {
    const every = (ms: number, task: () => Promise<void>) => {
      this.timers.push(
        setInterval(() => {
          this.tick = this.tick.then(task).catch((error: unknown) => this.timerFailed(error));
        }, ms),
      );
    };
    every(this.options.checkpointIntervalMs ?? 1000, () => this.checkpoint(false));
    every(this.options.metricsIntervalMs ?? 60_000, async () => this.reportMetrics());
  }

  private async stopTimers(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await this.tick;
    this.reportMetrics();
  }

  private timerFailed(error: unknown): void {
    if (error instanceof LeaseHeld) {
      this.fatal ??= new RelayStopped('another relay took over the lease: this relay stops writing (only one relay may write).');
      this.stopping = true;
      return;
    }
    // DynamoDB unreachable for a moment: the next tick retries; the lease check stops writes in time.
    this.options.log.warn('checkpoint or lease renewal failed, retrying', errorFields(error, this.options.secrets));
  }

  /** Writes the safe resume token when it moved, and renews the lease in the same write. */
  private async checkpoint(final: boolean): Promise<void> {
    const now = this.now();
    const safe = this.progress.safeToken;
    const moved = safe !== undefined && safe.seq !== this.checkpointSeq;
    if (!moved && !final && now - this.lastRenewAt < this.leaseMs / 3) return;
    if (!moved && final) return;
    await this.options.store.renew(this.owner, now + this.leaseMs, moved ? { resumeToken: BSON.EJSON.stringify(safe.token, { relaxed: false }), at: now } : undefined);
    this.leaseValidUntil = now + this.leaseMs;
    this.lastRenewAt = now;
    if (moved) {
      this.checkpointSeq = safe.seq;
      this.checkpointMovedAt = now;
    }
  }

  /** The last checkpoint before exit, retried: a busy table must not turn a clean stop into a replay. */
  private async finalCheckpoint(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.checkpoint(true);
      } catch (error) {
        if (attempt >= 4 || error instanceof LeaseHeld) throw error;
        await retryPause(attempt, WRITE_BACKOFF);
      }
    }
  }

  private reportMetrics(): void {
    const age = Math.round((this.now() - this.checkpointMovedAt) / 1000);
    this.options.log.info('progress', { ...this.options.metrics.flush(age), checkpointAgeSeconds: age });
  }
}

/** Changes to one document share a key: they are applied in stream order. */
function documentKey(change: Document): string {
  return `${String(change.ns?.coll)}\u0000${BSON.EJSON.stringify(change.documentKey?._id ?? null, { relaxed: false })}`;
}

function clusterTimeMs(clusterTime: unknown): number | undefined {
  return clusterTime instanceof BSON.Timestamp ? clusterTime.t * 1000 : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
