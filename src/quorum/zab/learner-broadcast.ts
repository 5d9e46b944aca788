// A learner's broadcast phase (Follower.processPacket, Observer.processPacket,
// FollowerZooKeeperServer.logRequest/commit at release-3.8.0-1): log each PROPOSAL and ACK it once
// durable, apply each COMMIT (which must be for the oldest pending txn), or, for an observer, log
// and apply each INFORM. Also pings (with the session touch table), SYNC and REVALIDATE answers.

import type { QuorumPacket } from '../../protocol/generated';
import type { Zxid } from '../types';
import { hex, log, type Token, txnFromBytes, type ZabTxn } from './common';
import type { LearnerKind, LearnerOutput } from './learner-types';
import { ExitCode } from './learner-types';
import { bare, describePacket, PacketType, packetTypeName } from './packets';
import * as pl from './payloads';
import { reconfigTextOf } from '../reconfig/txn-config';

/** What the broadcast phase needs from the learner machine. */
export interface BroadcastContext {
  readonly kind: LearnerKind;
  /**
   * Act on reconfig txns and the ...ANDACTIVATE packets. Off, those packets are a plain COMMIT /
   * INFORM (QuorumPeer.processReconfig returns at once when reconfig is disabled).
   */
  readonly reconfigEnabled?: boolean;
  emit(o: LearnerOutput): void;
  /** A token whose confirmation runs `then` (without blocking packet processing). */
  token(then: () => void): Token;
  disconnect(reason: string): void;
  fatal(exitCode: number, reason: string): void;
}

interface AckSlot {
  readonly zxid: Zxid;
  durable: boolean;
}

export class LearnerBroadcast {
  /** Logged (or being logged) txns waiting for their COMMIT, oldest first (pendingTxns). */
  private readonly pending: ZabTxn[] = [];
  /** ACKs owed to the leader, in zxid order; each goes out once its txn is durable. */
  private readonly acks: AckSlot[] = [];
  private readonly touches = new Map<bigint, number>();
  lastQueued: Zxid = 0n;

  constructor(private readonly ctx: BroadcastContext) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  /** The oldest txn waiting for a COMMIT. */
  oldestPending(): ZabTxn | undefined {
    return this.pending[0];
  }

  touch(sessionId: bigint, timeoutMs: number): void {
    this.touches.set(sessionId, timeoutMs);
  }

  /** Txns logged during sync and not yet committed: they wait for a COMMIT; a follower owes their ACKs. */
  adoptLogged(txns: readonly ZabTxn[]): void {
    for (const t of txns) {
      this.pending.push(t);
      if (this.ctx.kind === 'follower') this.acks.push({ zxid: t.zxid, durable: true });
    }
  }

  /** An observer keeps no pending txns: whatever the sync left uncommitted is dropped. */
  dropPending(): number {
    const n = this.pending.length;
    this.pending.length = 0;
    return n;
  }

  packet(p: QuorumPacket): void {
    if (p.type === PacketType.PING) return this.pingReply(p);
    if (this.ctx.kind === 'follower') {
      if (p.type === PacketType.PROPOSAL) {
        const t = txnFromBytes(p.data ?? Buffer.alloc(0));
        if (t.zxid !== this.lastQueued + 1n) this.ctx.emit(log('warn', `Got zxid ${hex(t.zxid)} expected ${hex(this.lastQueued + 1n)}`));
        this.lastQueued = t.zxid;
        const proposed = this.ctx.reconfigEnabled === true ? reconfigTextOf(t) : null;
        if (proposed !== null) this.ctx.emit({ type: 'configProposed', config: proposed });
        return this.logProposal(t);
      }
      if (p.type === PacketType.COMMIT) return this.commit(p.zxid);
      if (p.type === PacketType.COMMITANDACTIVATE) return this.commitAndActivate(p);
    } else {
      if (p.type === PacketType.INFORMANDACTIVATE) return this.informAndActivate(p);
      if (p.type === PacketType.INFORM) {
        const t = txnFromBytes(p.data ?? Buffer.alloc(0));
        this.lastQueued = t.zxid;
        return this.logAndApply(t);
      }
      if (p.type === PacketType.PROPOSAL || p.type === PacketType.COMMIT) {
        this.ctx.emit(log('warn', `Ignoring ${packetTypeName(p.type).toLowerCase()}`));
        return;
      }
    }
    switch (p.type) {
      case PacketType.SYNC:
        this.ctx.emit({ type: 'syncCompleted' });
        return;
      case PacketType.REVALIDATE: {
        const r = pl.decodeRevalidateReply(p.data);
        this.ctx.emit({ type: 'sessionRevalidated', sessionId: r.sessionId, valid: r.valid });
        return;
      }
      case PacketType.UPTODATE:
        this.ctx.emit(log('error', `Received an UPTODATE message after ${this.ctx.kind} started`));
        return;
      case PacketType.COMMITANDACTIVATE:
      case PacketType.INFORMANDACTIVATE:
        // The other kind's packet (an observer is never sent COMMITANDACTIVATE, nor a follower INFORMANDACTIVATE).
        this.ctx.emit(log('warn', `Unknown packet type: ${describePacket(p)}`));
        return;
      default:
        this.ctx.emit(log('warn', `Unknown packet type: ${describePacket(p)}`));
    }
  }

  /**
   * Follower: activate the config of the oldest pending txn (the reconfig), then commit it. With
   * reconfig off only the commit happens; without any pending txn the reference's
   * pendingTxns.element() throws and the follower leaves, so this disconnects.
   */
  private commitAndActivate(p: QuorumPacket): void {
    const { designatedLeader } = pl.decodeActivate(p.type, p.data);
    const head = this.pending[0];
    if (head === undefined) return this.ctx.disconnect(`COMMITANDACTIVATE ${hex(p.zxid)} without a pending txn`);
    const config = head.zxid === p.zxid ? reconfigTextOf(head) : null;
    if (this.ctx.reconfigEnabled !== true) return this.commit(p.zxid);
    if (config !== null) this.ctx.emit({ type: 'activateConfig', config, designatedLeader, zxid: p.zxid, thenApplies: true });
    else this.ctx.emit(log('warn', `COMMITANDACTIVATE ${hex(p.zxid)} does not match a pending reconfig txn`));
    this.commit(p.zxid);
  }

  /** Observer: the packet carries the reconfig txn after the designated leader (reconfig off: an INFORM). */
  private informAndActivate(p: QuorumPacket): void {
    const { designatedLeader, proposal } = pl.decodeActivate(p.type, p.data);
    const t = txnFromBytes(proposal);
    const config = reconfigTextOf(t);
    if (this.ctx.reconfigEnabled !== true) return this.logAndApply(t);
    if (config !== null) this.ctx.emit({ type: 'activateConfig', config, designatedLeader, zxid: p.zxid, thenApplies: true });
    else this.ctx.emit(log('warn', `INFORMANDACTIVATE ${hex(p.zxid)} does not carry a reconfig txn`));
    this.logAndApply(t);
  }

  /** Learner.ping: echo the zxid and auth, with the sessions touched since the last ping. */
  private pingReply(p: QuorumPacket): void {
    const touches = [...this.touches].map(([sessionId, timeoutMs]) => ({ sessionId, timeoutMs }));
    this.touches.clear();
    this.ctx.emit({ type: 'send', packet: { type: PacketType.PING, zxid: p.zxid, data: pl.encodeSessionTouches(touches), authinfo: p.authinfo } });
  }

  /** FollowerZooKeeperServer.logRequest: log it, ACK once durable, wait for the COMMIT. */
  logProposal(t: ZabTxn): void {
    this.pending.push(t);
    const slot: AckSlot = { zxid: t.zxid, durable: false };
    this.acks.push(slot);
    const token = this.ctx.token(() => {
      slot.durable = true;
      this.flushAcks();
    });
    this.ctx.emit({ type: 'persistTxns', token, txns: [t] });
  }

  flushAcks(): void {
    while (this.acks.length > 0 && this.acks[0]!.durable) this.ctx.emit({ type: 'send', packet: bare(PacketType.ACK, this.acks.shift()!.zxid) });
  }

  /** FollowerZooKeeperServer.commit: the COMMIT must be for the oldest pending txn. */
  commit(zxid: Zxid): void {
    const head = this.pending[0];
    if (head === undefined) {
      this.ctx.emit(log('warn', `Committing ${hex(zxid)} without seeing txn`));
      return;
    }
    if (head.zxid !== zxid) {
      return this.ctx.fatal(ExitCode.UNMATCHED_TXN_COMMIT, `Committing zxid ${hex(zxid)} but next pending txn ${hex(head.zxid)}`);
    }
    this.pending.shift();
    this.ctx.emit({ type: 'applyCommitted', txn: head });
  }

  /** ObserverZooKeeperServer.commitRequest: log (no ACK) and apply. */
  logAndApply(t: ZabTxn): void {
    this.ctx.emit({ type: 'persistTxns', token: this.ctx.token(() => undefined), txns: [t] });
    this.ctx.emit({ type: 'applyCommitted', txn: t });
  }
}
