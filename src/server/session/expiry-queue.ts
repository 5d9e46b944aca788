// Time-bucketed expiry, the reference's ExpiryQueue without threads or a clock: callers pass `now`.
//
// Deadlines are rounded to the *next* multiple of the interval strictly after (now + timeout), so
// an element lives at least its timeout and at most one interval longer, and everything due in the
// same interval expires together. Buckets are only dropped when polled (an emptied bucket stays
// and shows up, empty, in dumps, as in the reference).

export interface ExpiryBucket<E> {
  expiresAtMs: number;
  elements: E[];
}

export class ExpiryQueue<E> {
  private readonly deadlineOf = new Map<E, number>();
  private readonly buckets = new Map<number, Set<E>>();
  private nextExpirationMs: number;

  constructor(
    readonly intervalMs: number,
    nowMs: number,
  ) {
    if (!Number.isSafeInteger(intervalMs) || intervalMs <= 0) throw new RangeError(`expiry interval must be a positive integer, got ${intervalMs}`);
    this.nextExpirationMs = this.roundToNextInterval(nowMs);
  }

  /** (t / interval + 1) * interval with Java's truncating long division. */
  roundToNextInterval(timeMs: number): number {
    return (Math.trunc(timeMs / this.intervalMs) + 1) * this.intervalMs;
  }

  get size(): number {
    return this.deadlineOf.size;
  }

  has(elem: E): boolean {
    return this.deadlineOf.has(elem);
  }

  deadline(elem: E): number | undefined {
    return this.deadlineOf.get(elem);
  }

  /** Moves (or adds) `elem` to the bucket of now + timeout. Returns the new deadline, or null if unchanged. */
  update(elem: E, timeoutMs: number, nowMs: number): number | null {
    const previous = this.deadlineOf.get(elem);
    const deadline = this.roundToNextInterval(nowMs + timeoutMs);
    if (deadline === previous) return null;
    let bucket = this.buckets.get(deadline);
    if (bucket === undefined) {
      bucket = new Set();
      this.buckets.set(deadline, bucket);
    }
    bucket.add(elem);
    this.deadlineOf.set(elem, deadline);
    if (previous !== undefined) this.buckets.get(previous)?.delete(elem);
    return deadline;
  }

  /** Forgets `elem`; returns the deadline it had, or null if it was not queued. */
  remove(elem: E): number | null {
    const deadline = this.deadlineOf.get(elem);
    if (deadline === undefined) return null;
    this.deadlineOf.delete(elem);
    this.buckets.get(deadline)?.delete(elem);
    return deadline;
  }

  /** Milliseconds until the next bucket is due, 0 if one is due already. */
  waitTimeMs(nowMs: number): number {
    return nowMs < this.nextExpirationMs ? this.nextExpirationMs - nowMs : 0;
  }

  /**
   * The reference's poll(): if the next bucket is due, advance by one interval and hand out that
   * bucket's elements (they stay known to the queue until removed or updated).
   */
  poll(nowMs: number): E[] {
    if (nowMs < this.nextExpirationMs) return [];
    const due = this.nextExpirationMs;
    this.nextExpirationMs = due + this.intervalMs;
    const bucket = this.buckets.get(due);
    if (bucket === undefined) return [];
    this.buckets.delete(due);
    return [...bucket];
  }

  /**
   * Every bucket due at `now`, oldest first: what the reference's expiry thread gets by calling
   * poll() until nothing is due. Jumps straight to the buckets instead of stepping through every
   * interval, so a long gap between calls costs nothing.
   */
  pollAll(nowMs: number): E[] {
    if (nowMs < this.nextExpirationMs) return [];
    const from = this.nextExpirationMs;
    const due = [...this.buckets.keys()].filter((t) => t >= from && t <= nowMs).sort((a, b) => a - b);
    const out: E[] = [];
    for (const t of due) {
      for (const e of this.buckets.get(t)!) out.push(e);
      this.buckets.delete(t);
    }
    // The deadlines and the cursor are all multiples of the interval, so this is where
    // repeated poll() calls would have left it.
    this.nextExpirationMs = this.roundToNextInterval(nowMs);
    return out;
  }

  /** The buckets by deadline, ascending, empty ones included. */
  dump(): ExpiryBucket<E>[] {
    return [...this.buckets.entries()].sort((a, b) => a[0] - b[0]).map(([expiresAtMs, set]) => ({ expiresAtMs, elements: [...set] }));
  }
}
