// Per-learner state kept by the leader machine (the reference's LearnerHandler thread, flattened
// into data): which step of the handshake it is in, its deadlines, and the proposal-ack timer.

import type { QuorumPacket } from '../../protocol/generated';
import type { Sid, Zxid } from '../types';
import type { ConnId } from './leader-types';

/**
 * Where the handler is. `info`, `ackEpoch`, `newLeaderAck` and `broadcast` read from the learner
 * (with a read deadline); `epoch`, `epochQuorum` and `startup` wait for the leader as a whole, and
 * packets arriving meanwhile are held in the inbox, as they would sit unread in the socket.
 */
export type HandlerPhase = 'info' | 'epoch' | 'ackEpoch' | 'epochQuorum' | 'newLeaderAck' | 'startup' | 'broadcast';

export const BLOCKED_PHASES: ReadonlySet<HandlerPhase> = new Set(['epoch', 'epochQuorum', 'startup']);

/** Packets held for a blocked handler; more means the learner is misbehaving. */
export const INBOX_PACKETS_MAX = 10_000;

/**
 * LearnerHandler.SyncLimitCheck: remembers when the oldest unacked proposal (and the newest one)
 * went out; the learner is dropped at a ping once the oldest has waited syncLimit ticks. Like the
 * reference it tracks two slots only: an ack of the oldest moves the newest into its place.
 */
export class SyncLimitCheck {
  private started = false;
  private current: { zxid: Zxid; atMs: number } | null = null;
  private next: { zxid: Zxid; atMs: number } | null = null;

  start(): void {
    this.started = true;
  }

  proposalSent(zxid: Zxid, nowMs: number): void {
    if (!this.started) return;
    if (this.current === null) this.current = { zxid, atMs: nowMs };
    else this.next = { zxid, atMs: nowMs };
  }

  /** Returns a warning when acks arrive out of order. */
  acked(zxid: Zxid): string | null {
    if (this.current !== null && this.current.zxid === zxid) {
      this.current = this.next;
      this.next = null;
    } else if (this.next !== null && this.next.zxid === zxid) {
      const warning = `ACK for 0x${zxid.toString(16)} received before ACK for 0x${this.current?.zxid.toString(16)}`;
      this.next = null;
      return warning;
    }
    return null;
  }

  /** True while the oldest unacked proposal is younger than the limit. */
  ok(nowMs: number, limitMs: number): boolean {
    return this.current === null || nowMs - this.current.atMs < limitMs;
  }
}

export class LearnerHandlerState {
  sid: Sid | null = null;
  observer = false;
  phase: HandlerPhase = 'info';
  /** When the current read gives up (the reference's socket timeout); null while not reading. */
  readDeadlineMs: number | null;
  readonly inbox: QuorumPacket[] = [];
  peerLastZxid: Zxid = -1n;
  /** In leader ticks; synced() while the leader's tick has not passed it. */
  tickOfNextAckDeadline: number;
  /** The handler started sending (sync queued): it now gets pings. */
  sending = false;
  /** Participants get PROPOSAL/COMMIT; observers get INFORM. Set when the sync is queued. */
  forwarding = false;
  /** The sync this handler counts against (LearnerSyncThrottler), until its NEWLEADER ACK. */
  syncCounted: 'SNAP' | 'DIFF' | null = null;
  /** A SNAP stream is being written; the NEWLEADER ack wait starts when it is out. */
  awaitingSnapshotSent = false;
  readonly syncLimit = new SyncLimitCheck();

  constructor(
    readonly conn: ConnId,
    readDeadlineMs: number,
    tickOfNextAckDeadline: number,
  ) {
    this.readDeadlineMs = readDeadlineMs;
    this.tickOfNextAckDeadline = tickOfNextAckDeadline;
  }

  get blocked(): boolean {
    return BLOCKED_PHASES.has(this.phase);
  }

  label(): string {
    return this.sid === null ? `connection ${this.conn}` : `sid ${this.sid}`;
  }
}
