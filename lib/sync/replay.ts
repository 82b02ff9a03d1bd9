/**
 * Replay: change events from a file (one a line, canonical or relaxed Extended JSON) applied
 * through the apply path. The whole file is read and checked first, so a malformed line stops
 * the replay with `file:line` before anything is written. Events of one document are applied in
 * file order, one at a time; different documents concurrently.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { UnmappableChange } from '../core/errors';
import { ChangeApplier, type ApplyKind, type SyncStore } from './apply';
import { parseChangeEventLine, versionOf, type ChangeEvent } from './change-event';

export interface ReplaySummary {
  events: number;
  counts: Record<ApplyKind, number>;
  writes: number;
  reads: number;
  /** Events that could not be mapped: `file:line: collection id: reason` (never document values). */
  unmappable: string[];
}

export interface ReplayOptions {
  concurrency?: number;
  tombstoneTtlSeconds?: number;
}

/** A replay file that cannot be read as change events; the message names `file:line`. */
export class ReplayFileError extends Error {}

export async function replayFile(store: SyncStore, file: string, options: ReplayOptions = {}): Promise<ReplaySummary> {
  const events = await readEvents(file);
  const applier = new ChangeApplier(store, { tombstoneTtlSeconds: options.tombstoneTtlSeconds });
  const summary: ReplaySummary = { events: events.length, counts: { applied: 0, irrelevant: 0, stale: 0 }, writes: 0, reads: 0, unmappable: [] };
  await forEachInDocumentOrder(events, options.concurrency ?? 16, async ({ event, where }) => {
    try {
      const outcome = await applier.apply(event);
      summary.counts[outcome.kind]++;
      summary.writes += outcome.writes;
      summary.reads += outcome.reads;
    } catch (error) {
      if (!(error instanceof UnmappableChange)) throw error;
      summary.unmappable.push(`${where}: ${error.message}`);
    }
  });
  return summary;
}

interface LocatedEvent {
  event: ChangeEvent;
  where: string;
}

async function readEvents(file: string): Promise<LocatedEvent[]> {
  const events: LocatedEvent[] = [];
  const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      const where = `${file}:${line}`;
      let event: ChangeEvent;
      try {
        event = parseChangeEventLine(text);
      } catch {
        // The parser's message may quote the line, and a users event holds login tokens.
        throw new ReplayFileError(`${where}: not a change event in Extended JSON`);
      }
      if (event === null || typeof event !== 'object' || typeof event.operationType !== 'string') {
        throw new ReplayFileError(`${where}: not a change event (no operationType)`);
      }
      try {
        versionOf(event.clusterTime);
      } catch {
        throw new ReplayFileError(`${where}: clusterTime is not a BSON timestamp`);
      }
      events.push({ event, where });
    }
  } catch (error) {
    if (error instanceof ReplayFileError) throw error;
    throw new ReplayFileError(`${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'read error'})`);
  }
  return events;
}

/**
 * Applies with up to `concurrency` in flight; events of one document wait for the previous one.
 * The first error stops the scheduling; what is in flight finishes; then the error is thrown.
 */
export async function forEachInDocumentOrder<T extends { event: ChangeEvent }>(events: T[], concurrency: number, apply: (event: T) => Promise<void>): Promise<void> {
  const tails = new Map<string, Promise<void>>();
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  // Resolved by the next task to finish while the loop waits for a free slot (Promise.race over the
  // running set would attach a handler to every running task, for every event).
  let slotFreed: (() => void) | undefined;
  for (const located of events) {
    if (failure) break;
    const key = documentKeyOf(located.event);
    const task: Promise<void> = (tails.get(key) ?? Promise.resolve())
      .then(() => (failure ? undefined : apply(located)))
      .catch((error: unknown) => {
        failure ??= { error };
      })
      .finally(() => {
        running.delete(task);
        if (tails.get(key) === task) tails.delete(key);
        slotFreed?.();
        slotFreed = undefined;
      });
    tails.set(key, task);
    running.add(task);
    if (running.size >= concurrency) await new Promise<void>((resolve) => (slotFreed = resolve));
  }
  await Promise.all(running);
  if (failure) throw failure.error;
}

function documentKeyOf(event: ChangeEvent): string {
  // Collection-level events (drop, rename) wait for nothing and nothing waits for them: they stop the replay.
  return `${event.ns?.coll ?? ''}\u0000${JSON.stringify(event.documentKey?._id ?? null)}`;
}
