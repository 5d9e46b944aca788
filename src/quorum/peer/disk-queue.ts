// One disk queue per peer, so the Zab machines' disk outputs happen in the order they were emitted
// (common.ts: "one disk queue"). Txn appends are handed to the log writer as soon as nothing else
// is ahead of them, several at once, so its group commit still batches them under one fsync.
// Anything else (an epoch file, a snapshot, a truncation) is a barrier: it starts once everything
// before it has finished, and everything after it waits for it.

export type DiskOpKind = 'append' | 'barrier';

interface Op {
  readonly kind: DiskOpKind;
  readonly label: string;
  readonly run: () => Promise<void>;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class DiskQueue {
  private readonly queue: Op[] = [];
  private appendsRunning = 0;
  private barrierRunning = false;
  private idleWaiters: (() => void)[] = [];

  /** Operations queued or running. */
  get busy(): boolean {
    return this.queue.length > 0 || this.appendsRunning > 0 || this.barrierRunning;
  }

  /** A txn-log append: runs alongside other appends, never across a barrier. */
  append(label: string, run: () => Promise<void>): Promise<void> {
    return this.enqueue('append', label, run);
  }

  /** Runs alone, after everything queued before it. */
  barrier(label: string, run: () => Promise<void>): Promise<void> {
    return this.enqueue('barrier', label, run);
  }

  /** Resolves when nothing is queued or running (operations added meanwhile included). */
  idle(): Promise<void> {
    if (!this.busy) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(kind: DiskOpKind, label: string, run: () => Promise<void>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ kind, label, run, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.barrierRunning) {
      const op = this.queue[0]!;
      if (op.kind === 'barrier' && this.appendsRunning > 0) break;
      this.queue.shift();
      if (op.kind === 'barrier') this.barrierRunning = true;
      else this.appendsRunning++;
      this.start(op);
    }
    if (!this.busy) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  private start(op: Op): void {
    let p: Promise<void>;
    try {
      p = op.run();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      () => this.finished(op, null),
      (e: unknown) => this.finished(op, e === undefined || e === null ? new Error(`disk operation ${op.label} failed`) : e),
    );
  }

  private finished(op: Op, error: unknown): void {
    if (op.kind === 'barrier') this.barrierRunning = false;
    else this.appendsRunning--;
    if (error === null) op.resolve();
    else op.reject(error);
    this.pump();
  }
}
