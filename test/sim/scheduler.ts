// The simulation's clock and event queue: a binary heap of callbacks ordered by (time, insertion
// order), so two runs with the same seed execute exactly the same steps. Simulated time is a
// number of milliseconds; nothing here reads a real clock.

interface Entry {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
}

export class Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private nowMs = 0;
  /** Events executed so far (a cheap measure of how much a run did). */
  steps = 0;

  get now(): number {
    return this.nowMs;
  }

  get pending(): number {
    return this.heap.length;
  }

  /** Runs `fn` at `atMs` (never earlier than now: the past is clamped to the present). */
  at(atMs: number, fn: () => void): void {
    const e: Entry = { at: Math.max(atMs, this.nowMs), seq: this.seq++, fn };
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  after(delayMs: number, fn: () => void): void {
    this.at(this.nowMs + delayMs, fn);
  }

  /** Executes events in order until the queue is empty, `untilMs` is passed or `stop()` says so. */
  run(untilMs: number, stop: () => boolean = () => false): void {
    while (this.heap.length > 0) {
      const top = this.heap[0]!;
      if (top.at > untilMs) break;
      this.pop();
      this.nowMs = top.at;
      this.steps++;
      top.fn();
      if (stop()) return;
    }
    // Time passes to the horizon even when nothing happens before it.
    if (Number.isFinite(untilMs) && this.nowMs < untilMs) this.nowMs = untilMs;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}

function before(a: Entry, b: Entry): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
