// The final step's one global order (the reference's standalone chain ends in one
// FinalRequestProcessor thread): steps run strictly in the order they were pushed, each once its
// txn is durable. A read pushed while nothing waits runs at once, in the caller's turn; a write
// waits for its log append's promise. This replaces a promise chain link per request (four
// promises and as many microtask hops, for reads too) with one array entry and, for a write, one
// `then` on the promise it already has.

interface Entry {
  /** The log append has settled (always true for a step without one). */
  ready: boolean;
  /** What the append failed with, if it did. */
  error: unknown;
  run: () => void;
  fail: (e: unknown) => void;
}

export class OrderedPipeline {
  private queue: Array<Entry | undefined> = [];
  private head = 0;
  private running = false;
  private idleWaiters: Array<() => void> = [];

  /** Steps pushed and not yet run. */
  get pending(): number {
    return this.queue.length - this.head;
  }

  /**
   * Runs `run` after every step pushed before it, and after `durable` resolves when given. If
   * `durable` rejects, `fail` gets the reason instead (in the same turn `run` would have had); so
   * does an exception `run` throws. The steps behind still run (as the promise chain did).
   */
  push(durable: Promise<void> | null, run: () => void, fail: (e: unknown) => void): void {
    const e: Entry = { ready: durable === null, error: undefined, run, fail };
    this.queue.push(e);
    if (durable === null) {
      this.pump();
      return;
    }
    durable.then(
      () => {
        e.ready = true;
        this.pump();
      },
      (err: unknown) => {
        e.ready = true;
        e.error = err === undefined ? new Error('log append failed') : err;
        this.pump();
      },
    );
  }

  /**
   * Like push, for a step whose readiness the caller decides (a quorum commit): the returned
   * function marks it ready and runs, right away and in order, every step that can run then.
   */
  pushGated(run: () => void, fail: (e: unknown) => void): () => void {
    const e: Entry = { ready: false, error: undefined, run, fail };
    this.queue.push(e);
    return () => {
      if (e.ready) return;
      e.ready = true;
      this.pump();
    };
  }

  /** Resolves once every step pushed so far (and any they push) has run. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    // A step may push more steps (a session's held requests once it exists): they queue behind
    // and this loop reaches them; it is never re-entered.
    if (this.running) return;
    this.running = true;
    try {
      while (this.head < this.queue.length) {
        const e = this.queue[this.head]!;
        if (!e.ready) break;
        this.queue[this.head++] = undefined;
        if (e.error === undefined) {
          try {
            e.run();
          } catch (err) {
            e.fail(err);
          }
        } else {
          e.fail(e.error);
        }
      }
    } finally {
      this.running = false;
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    } else if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
