import { describe, expect, it } from 'vitest';
import { redact, secretsOf, streamFailure } from '../../lib/sync/relay/errors';
import { percentile } from '../../lib/sync/relay/metrics';
import { Progress } from '../../lib/sync/relay/progress';
import { KeyedScheduler } from '../../lib/sync/relay/scheduler';

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Progress: the checkpointable token', () => {
  it('is the last token up to which every position has finished, whatever the finishing order', () => {
    const progress = new Progress<string>();
    const a = progress.begin('a');
    const b = progress.begin('b');
    const c = progress.begin('c');
    expect(progress.safeToken).toBeUndefined();
    progress.done(c);
    progress.done(b);
    expect(progress.safeToken).toBeUndefined();
    progress.done(a);
    expect(progress.safeToken?.token).toBe('c');
    expect(progress.pending).toBe(0);
  });

  it('moves past an idle mark only once the changes before it are done', () => {
    const progress = new Progress<string>();
    const a = progress.begin('a');
    progress.mark('idle');
    expect(progress.safeToken).toBeUndefined();
    progress.done(a);
    expect(progress.safeToken?.token).toBe('idle');
  });
});

describe('KeyedScheduler', () => {
  function recorder(options: { concurrency?: number; maxOutstanding?: number; coalesceMs?: number; merge?: (a: string, b: string) => string | undefined } = {}) {
    const started: string[] = [];
    const settled: number[] = [];
    const release = new Map<string, () => void>();
    let active = 0;
    let maxActive = 0;
    const scheduler = new KeyedScheduler<string>({
      concurrency: options.concurrency ?? 4,
      maxOutstanding: options.maxOutstanding ?? 100,
      coalesceMs: options.coalesceMs ?? 0,
      merge: options.merge ?? (() => undefined),
      run: async (change) => {
        started.push(change);
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise<void>((resolve) => release.set(change, resolve));
        active--;
      },
      settled: (seqs) => settled.push(...seqs),
    });
    return { scheduler, started, settled, release: (change: string) => release.get(change)!(), maxActive: () => maxActive };
  }

  it('runs changes of one document in order, one at a time, and other documents in parallel', async () => {
    const r = recorder();
    await r.scheduler.submit('doc1', 'doc1-v1', 0);
    await r.scheduler.submit('doc1', 'doc1-v2', 1);
    await r.scheduler.submit('doc2', 'doc2-v1', 2);
    await tick();
    expect(r.started).toEqual(['doc1-v1', 'doc2-v1']);
    r.release('doc1-v1');
    await tick();
    expect(r.started).toEqual(['doc1-v1', 'doc2-v1', 'doc1-v2']);
    r.release('doc2-v1');
    r.release('doc1-v2');
    await r.scheduler.drain();
    expect(r.settled.sort()).toEqual([0, 1, 2]);
  });

  it('never runs more documents at once than its concurrency', async () => {
    const r = recorder({ concurrency: 2 });
    for (let i = 0; i < 5; i++) await r.scheduler.submit(`doc${i}`, `c${i}`, i);
    await tick();
    expect(r.started).toHaveLength(2);
    for (let i = 0; i < 5; i++) {
      await tick();
      if (r.started.includes(`c${i}`)) r.release(`c${i}`);
      await tick();
    }
    for (const change of r.started) r.release(change);
    await r.scheduler.drain();
    expect(r.maxActive()).toBe(2);
    expect(r.settled).toHaveLength(5);
  });

  it('makes submit wait while maxOutstanding changes are unfinished (backpressure)', async () => {
    const r = recorder({ maxOutstanding: 2 });
    await r.scheduler.submit('a', 'a', 0);
    await r.scheduler.submit('b', 'b', 1);
    let accepted = false;
    const third = r.scheduler.submit('c', 'c', 2).then(() => (accepted = true));
    await tick(10);
    expect(accepted).toBe(false);
    r.release('a');
    await third;
    expect(accepted).toBe(true);
    r.release('b');
    await tick();
    r.release('c');
    await r.scheduler.drain();
  });

  it('merges changes waiting for the same document into the latest, and settles all of them', async () => {
    const r = recorder({ merge: (_earlier, later) => later });
    await r.scheduler.submit('doc', 'v1', 0);
    await tick();
    await r.scheduler.submit('doc', 'v2', 1);
    await r.scheduler.submit('doc', 'v3', 2);
    r.release('v1');
    await tick();
    expect(r.started).toEqual(['v1', 'v3']);
    r.release('v3');
    await r.scheduler.drain();
    expect(r.settled.sort()).toEqual([0, 1, 2]);
  });

  it('waits the coalescing window before running, so a burst to one document is one run', async () => {
    const r = recorder({ coalesceMs: 30, merge: (_earlier, later) => later });
    await r.scheduler.submit('doc', 'v1', 0);
    await r.scheduler.submit('doc', 'v2', 1);
    await tick(60);
    expect(r.started).toEqual(['v2']);
    r.release('v2');
    await r.scheduler.drain();
  });

  it('reports the first failure and starts nothing after it', async () => {
    const scheduler = new KeyedScheduler<string>({
      concurrency: 1,
      maxOutstanding: 10,
      coalesceMs: 0,
      merge: () => undefined,
      run: async (change) => {
        if (change === 'bad') throw new Error('boom');
      },
      settled: () => undefined,
    });
    await scheduler.submit('a', 'bad', 0);
    await scheduler.submit('b', 'later', 1);
    await scheduler.drain();
    expect((scheduler.failed as Error).message).toBe('boom');
  });
});

describe('redaction', () => {
  const url = 'mongodb://rc_user:s3cr%40t@db1.example:27017,db2.example/rocketchat?replicaSet=rs0';

  it('removes the URI, the user and the decoded password from a message', () => {
    const text = `connect ${url} failed for rc_user with s3cr@t`;
    const out = redact(text, secretsOf(url));
    expect(out).not.toContain('s3cr');
    expect(out).not.toContain('rc_user');
    expect(out).not.toContain('db1.example:27017,db2');
  });

  it('removes credentials from any MongoDB URI, even one it was not told about', () => {
    expect(redact('see mongodb+srv://alice:pw@cluster0.example/x')).toBe('see mongodb+srv://<redacted>@cluster0.example/x');
  });

  it('says what to do when the history is lost', () => {
    const error = Object.assign(new Error('Resume of change stream was not possible'), { code: 286, codeName: 'ChangeStreamHistoryLost' });
    expect(streamFailure(error, []).message).toMatch(/ChangeStreamHistoryLost.*--resnapshot/);
  });
});

describe('percentile', () => {
  it('is the nearest-rank value', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
