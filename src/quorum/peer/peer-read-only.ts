// readonlymode.enabled for a quorum member (QuorumPeer.run's roZkMgr thread): once the peer has
// been LOOKING for max(2 s, tickTime), its client port serves read-only sessions over the current
// database; the election's decision ends that (its clients are disconnected) before the role starts.

import { readOnlyGraceMs } from '../../server/read-only';
import type { ZkServer } from '../../server/zk-server';

export interface ReadOnlyHost {
  readonly enabled: boolean;
  readonly tickTimeMs: number;
  readonly zk: ZkServer;
  /** Still worth starting: not stopping, and still LOOKING. */
  stillLooking(): boolean;
  /** Read-only serving began or ended (history and state waiters). */
  changed(event: string | null): void;
}

export class PeerReadOnly {
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly h: ReadOnlyHost) {}

  /** LOOKING began: serve read-only clients if still LOOKING after the grace period. */
  schedule(): void {
    if (!this.h.enabled || !this.h.stillLooking()) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.h.stillLooking()) return;
      this.h.zk.beginReadOnly();
      this.h.changed('read-only');
    }, readOnlyGraceMs(this.h.tickTimeMs));
  }

  /** The election decided (or the peer stops): no pending start, and read-only serving ends. */
  cancel(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (!this.h.zk.readOnly) return;
    this.h.zk.endServing('read-only mode ended: the election decided');
    this.h.changed(null);
  }
}
