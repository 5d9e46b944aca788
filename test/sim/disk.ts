// A simulated disk with fsync semantics. Writes queue up and become durable one at a time, in
// order, after a random latency; only then does the runtime learn of it (the persist token). A
// crash keeps a random prefix of the queued writes (the OS may have flushed some of them without
// the process ever hearing back) and loses the rest. Files: the txn log, snapshots, and the
// acceptedEpoch/currentEpoch files.

import type { ZabTxn } from '../../src/quorum/zab/common';
import type { Zxid } from '../../src/quorum/types';
import { Db, label, zxidHex } from './model';
import type { Scheduler } from './scheduler';

export interface Snapshot {
  readonly zxid: Zxid;
  readonly txns: readonly ZabTxn[];
}

/** What survives a crash. */
export class DurableState {
  acceptedEpoch = 0n;
  currentEpoch = 0n;
  log: ZabTxn[] = [];
  /** Oldest first; restore uses the newest. */
  snapshots: Snapshot[] = [];
}

export interface DiskOp {
  readonly label: string;
  /** Makes the write durable. */
  readonly apply: (d: DurableState) => void;
  /** The process hears that the write is durable (not called when a crash intervened). */
  readonly done: () => void;
}

/**
 * The database a server loads at start-up: the newest snapshot, then the log entries above it in
 * log order (an entry at or below what is already loaded is skipped, as the reference's restore
 * skips txns the snapshot already holds).
 */
export function restore(d: DurableState): Db {
  const snap = d.snapshots[d.snapshots.length - 1];
  const db = snap === undefined ? new Db() : new Db(snap.txns.slice(), snap.zxid);
  fastForward(db, d);
  return db;
}

/** ZKDatabase.fastForwardDataBase: apply the logged txns above lastProcessedZxid. */
export function fastForward(db: Db, d: DurableState): void {
  for (const t of d.log) if (t.zxid > db.lastProcessed) db.apply(t);
}

export class SimDisk {
  readonly durable = new DurableState();
  private queue: DiskOp[] = [];
  private busyUntil = 0;
  private generation = 0;
  private idleWaiters: (() => void)[] = [];
  /** Extra latency while a fault makes this disk slow. */
  slowMs = 0;
  /** A broken disk for the checkers' own tests: it reports writes durable as soon as they queue. */
  lying = false;

  constructor(
    private readonly sched: Scheduler,
    private readonly latency: () => number,
    private readonly onWarn: (msg: string) => void,
  ) {}

  get idle(): boolean {
    return this.queue.length === 0;
  }

  submit(op: DiskOp): void {
    this.queue.push(op);
    const at = Math.max(this.busyUntil, this.sched.now) + this.latency() + this.slowMs;
    this.busyUntil = at;
    const gen = this.generation;
    const lying = this.lying;
    if (lying) {
      this.sched.after(0, () => {
        if (gen === this.generation) op.done();
      });
    }
    this.sched.at(at, () => {
      if (gen !== this.generation) return;
      const head = this.queue.shift()!;
      head.apply(this.durable);
      if (!lying) head.done();
      if (this.queue.length === 0) this.wakeIdle();
    });
  }

  /** Calls `fn` once every queued write is durable (at once when none is queued). */
  whenIdle(fn: () => void): void {
    if (this.queue.length === 0) fn();
    else this.idleWaiters.push(fn);
  }

  /** Power loss: the first `keep` queued writes made it, the others did not; nobody is told. */
  crash(keep: number): string[] {
    const kept = this.queue.slice(0, keep);
    const lost = this.queue.slice(keep).map((o) => o.label);
    for (const op of kept) op.apply(this.durable);
    this.queue = [];
    this.generation++;
    this.busyUntil = this.sched.now;
    this.idleWaiters = [];
    return lost;
  }

  get queued(): number {
    return this.queue.length;
  }

  private wakeIdle(): void {
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const fn of w) fn();
  }

  // ---- the file operations, as DiskOp bodies ----------------------------------------------------

  appendTxns(txns: readonly ZabTxn[]): (d: DurableState) => void {
    return (d) => {
      for (const t of txns) {
        const last = d.log[d.log.length - 1];
        // The reference's FileTxnLog only warns about a zxid that does not increase; so do we,
        // and restore skips it. The trace shows the warning.
        if (last !== undefined && t.zxid <= last.zxid) this.onWarn(`txn log append ${label(t)} after ${zxidHex(last.zxid)}`);
        d.log.push(t);
      }
    };
  }

  /**
   * PeerStorage.truncateLog (and the first half of adoptSnapshot): drop log entries after `zxid`
   * and snapshots above it. (The reference's FileTxnSnapLog.truncateLog keeps the snapshots.)
   */
  truncate(zxid: Zxid): (d: DurableState) => void {
    return (d) => {
      let keep = 0;
      while (keep < d.log.length && d.log[keep]!.zxid <= zxid) keep++;
      d.log = d.log.slice(0, keep);
      d.snapshots = d.snapshots.filter((s) => s.zxid <= zxid);
    };
  }
}
