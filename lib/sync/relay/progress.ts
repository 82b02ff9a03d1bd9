/**
 * Which resume token is safe to checkpoint. Every position the stream hands out (a change, or an
 * idle batch's `postBatchResumeToken`) gets a sequence number in stream order; changes finish in
 * any order (different documents run in parallel), and the safe token is that of the highest
 * position up to which everything has finished. Resuming from it loses nothing.
 */
export class Progress<Token> {
  private readonly open: { seq: number; token: Token; done: boolean }[] = [];
  private readonly bySeq = new Map<number, { done: boolean }>();
  private nextSeq = 0;
  private safe: Token | undefined;
  private safeSeq = -1;

  /** A change handed to the applier; finish it with `done(seq)`. */
  begin(token: Token): number {
    const entry = { seq: this.nextSeq++, token, done: false };
    this.open.push(entry);
    this.bySeq.set(entry.seq, entry);
    return entry.seq;
  }

  /** A position with nothing to apply (an idle batch, an irrelevant change). */
  mark(token: Token): void {
    this.done(this.begin(token));
  }

  done(seq: number): void {
    const entry = this.bySeq.get(seq);
    if (!entry) return;
    entry.done = true;
    this.bySeq.delete(seq);
    while (this.open[0]?.done) {
      const finished = this.open.shift()!;
      this.safe = finished.token;
      this.safeSeq = finished.seq;
    }
  }

  /** The token to checkpoint, and its sequence number (to see whether it moved). */
  get safeToken(): { token: Token; seq: number } | undefined {
    return this.safe === undefined ? undefined : { token: this.safe, seq: this.safeSeq };
  }

  /** Changes handed out and not finished. */
  get pending(): number {
    return this.bySeq.size;
  }
}
