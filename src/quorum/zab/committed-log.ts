// The leader's in-memory tail of committed txns (ZKDatabase.committedLog), used to sync learners
// with DIFF instead of a snapshot. Bounded like the reference: before an append, if it holds more
// than `countMax` (zookeeper.commitLogCount, default 500) the oldest is dropped, so it settles at
// countMax + 1 entries.

import type { Zxid } from '../types';
import type { SyncProposal } from './sync-planner';

export const COMMIT_LOG_COUNT_DEFAULT = 500;

export class CommittedLog {
  private items: SyncProposal[] = [];
  private start = 0;

  constructor(
    readonly countMax = COMMIT_LOG_COUNT_DEFAULT,
    initial: Iterable<SyncProposal> = [],
  ) {
    if (!Number.isInteger(countMax) || countMax < 0) throw new RangeError(`commitLogCount ${countMax} must be a non-negative integer`);
    for (const p of initial) this.add(p);
  }

  get size(): number {
    return this.items.length - this.start;
  }

  /** Appends a committed txn; zxids must increase. */
  add(p: SyncProposal): void {
    const last = this.last();
    if (last !== undefined && p.zxid <= last.zxid) {
      throw new RangeError(`committed log zxid 0x${p.zxid.toString(16)} is not above 0x${last.zxid.toString(16)}`);
    }
    if (this.size > this.countMax) this.start++;
    this.items.push(p);
    // Drop the consumed prefix now and then instead of shifting on every append.
    if (this.start > 1024 && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }

  first(): SyncProposal | undefined {
    return this.items[this.start];
  }

  last(): SyncProposal | undefined {
    return this.size === 0 ? undefined : this.items[this.items.length - 1];
  }

  /** Oldest first. */
  toArray(): SyncProposal[] {
    return this.items.slice(this.start);
  }

  minZxid(orElse: Zxid): Zxid {
    return this.first()?.zxid ?? orElse;
  }

  maxZxid(orElse: Zxid): Zxid {
    return this.last()?.zxid ?? orElse;
  }
}
