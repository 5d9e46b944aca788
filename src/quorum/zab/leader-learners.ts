// The leader's side of each learner connection (LearnerHandler.run at release-3.8.0-1): the
// handshake (FOLLOWERINFO -> LEADERINFO -> ACKEPOCH), the sync (DIFF/TRUNC/SNAP, NEWLEADER, its
// ACK, UPTODATE) and the packets of the main loop. Decisions that concern the whole ensemble
// (the epoch, quorums, proposals) are asked of the leader through LeaderContext.

import type { QuorumPacket } from '../../protocol/generated';
import { epochOf, type QuorumMembers, type Sid, type Zxid } from '../types';
import { hex, log, type ZabTxn } from './common';
import { INBOX_PACKETS_MAX, type HandlerPhase, LearnerHandlerState } from './leader-handler';
import type { ConnId, LeaderOptions, LeaderOutput } from './leader-types';
import { bare, describePacket, PacketType, packetTypeName, withData, ZAB_PROTOCOL_VERSION } from './packets';
import * as pl from './payloads';
import type { SyncPlan } from './sync-planner';

/** What a learner handler needs from the leader as a whole. */
export interface LeaderContext {
  readonly opts: LeaderOptions;
  /** The committed config now (opts.members until a reconfig is activated). */
  readonly members?: QuorumMembers;
  readonly newLeaderZxid: Zxid;
  /** The leader's tick count. */
  readonly tick: number;
  /** The epoch is decided and its acceptedEpoch write confirmed: LEADERINFO may go out. */
  readonly epochReady: boolean;
  /** The leader wrote currentEpoch: learners may be synced. */
  readonly syncReady: boolean;
  /** A quorum acked NEWLEADER and the leader serves: UPTODATE may go out. */
  readonly serving: boolean;
  readonly summary: { readonly epoch: bigint; readonly zxid: Zxid };
  emit(o: LeaderOutput): void;
  /** getEpochToPropose for a learner. */
  proposeEpoch(sid: Sid, lastAcceptedEpoch: bigint): void;
  /** waitForEpochAck; false drops the learner (it is ahead). */
  epochAcked(sid: Sid, epoch: bigint, lastZxid: Zxid): boolean;
  /** waitForNewLeaderAck for an ACK with the right zxid. */
  newLeaderAcked(sid: Sid, now: number): void;
  ackProposal(sid: Sid, zxid: Zxid): void;
  planSync(peerLastZxid: Zxid): SyncPlan;
  /** Proposed, not committed, above `zxid`. */
  outstandingAbove(zxid: Zxid): ZabTxn[];
}

export class LearnerHandlers {
  private readonly byConn = new Map<ConnId, LearnerHandlerState>();
  /** LearnerHandler gives learners without LearnerInfo made-up negative sids. */
  private followerCounter = -1n;
  /** Syncs in flight per kind (LearnerSyncThrottler). */
  private readonly syncsInFlight = { SNAP: 0, DIFF: 0 };

  constructor(private readonly ctx: LeaderContext) {}

  private get initMs(): number {
    return this.ctx.opts.initLimit * this.ctx.opts.tickTimeMs;
  }
  private get syncMs(): number {
    return this.ctx.opts.syncLimit * this.ctx.opts.tickTimeMs;
  }

  all(): LearnerHandlerState[] {
    return [...this.byConn.values()];
  }

  has(conn: ConnId): boolean {
    return this.byConn.has(conn);
  }

  /** synced(): the leader's tick has not passed the learner's ack deadline. */
  synced(h: LearnerHandlerState): boolean {
    return this.ctx.tick <= h.tickOfNextAckDeadline;
  }

  connected(conn: ConnId, now: number): void {
    if (this.byConn.has(conn)) throw new RangeError(`connection ${conn} is already open`);
    // LearnerHandler.run: the first ack deadline is initLimit + syncLimit ticks away.
    this.byConn.set(conn, new LearnerHandlerState(conn, now + this.initMs, this.ctx.tick + this.ctx.opts.initLimit + this.ctx.opts.syncLimit));
  }

  closed(conn: ConnId): void {
    const h = this.byConn.get(conn);
    if (h !== undefined) this.remove(h);
  }

  private remove(h: LearnerHandlerState): void {
    this.byConn.delete(h.conn);
    this.endSync(h);
  }

  private endSync(h: LearnerHandlerState): void {
    if (h.syncCounted !== null) this.syncsInFlight[h.syncCounted]--;
    h.syncCounted = null;
  }

  /** Syncs in flight, as the reference's INFLIGHT_SNAP_COUNT / INFLIGHT_DIFF_COUNT. */
  inFlightSyncs(): { snap: number; diff: number } {
    return { snap: this.syncsInFlight.SNAP, diff: this.syncsInFlight.DIFF };
  }

  packet(conn: ConnId, p: QuorumPacket, now: number): void {
    const h = this.byConn.get(conn);
    if (h !== undefined) this.deliver(h, p, now);
  }

  snapshotSent(conn: ConnId, now: number): void {
    const h = this.byConn.get(conn);
    if (h === undefined || !h.awaitingSnapshotSent) return;
    h.awaitingSnapshotSent = false;
    if (h.phase === 'newLeaderAck') h.readDeadlineMs = now + this.initMs;
  }

  /** Moves every handler waiting in `phase` on (the leader passed the matching step). */
  release(phase: 'epoch' | 'epochQuorum' | 'startup', now: number): void {
    for (const h of this.all()) {
      if (h.phase !== phase || this.byConn.get(h.conn) !== h) continue;
      if (phase === 'epoch') this.sendLeaderInfo(h, now);
      else if (phase === 'epochQuorum') this.sync(h, now);
      else this.startLearner(h, now);
    }
  }

  send(conn: ConnId, packet: QuorumPacket): void {
    this.ctx.emit({ type: 'send', to: conn, packet });
  }

  drop(h: LearnerHandlerState, reason: string): void {
    if (this.byConn.get(h.conn) !== h) return;
    this.remove(h);
    this.ctx.emit({ type: 'close', conn: h.conn, reason });
  }

  /** The earliest read deadline of a handler that is reading, or null. */
  nextReadDeadline(): number | null {
    let next: number | null = null;
    for (const h of this.byConn.values()) {
      if (h.readDeadlineMs !== null && !h.blocked && (next === null || h.readDeadlineMs < next)) next = h.readDeadlineMs;
    }
    return next;
  }

  /** Drops every reading handler whose deadline is `at` (its socket read timed out). */
  expireReads(at: number): void {
    for (const h of this.all()) {
      if (h.readDeadlineMs === at && !h.blocked) {
        this.drop(h, `no packet from ${h.label()} for ${h.phase === 'broadcast' ? this.syncMs : this.initMs} ms (read timed out)`);
      }
    }
  }

  // ---------------------------------------------------------------- packets

  private deliver(h: LearnerHandlerState, p: QuorumPacket, now: number): void {
    if (h.blocked) {
      if (h.inbox.length >= INBOX_PACKETS_MAX) return this.drop(h, `more than ${INBOX_PACKETS_MAX} packets arrived while its handler waited`);
      h.inbox.push(p);
      return;
    }
    try {
      switch (h.phase) {
        case 'info':
          return this.onLearnerInfo(h, p, now);
        case 'ackEpoch':
          return this.onAckEpoch(h, p, now);
        case 'newLeaderAck':
          return this.onNewLeaderAck(h, p, now);
        case 'broadcast':
          return this.onBroadcastPacket(h, p, now);
        default:
          throw new Error(`handler for ${h.label()} is blocked in ${h.phase}`);
      }
    } catch (e) {
      if (!(e instanceof pl.QuorumPayloadError)) throw e;
      this.drop(h, `bad ${packetTypeName(p.type)} payload: ${e.message}`);
    }
  }

  private setPhase(h: LearnerHandlerState, phase: HandlerPhase, now: number): void {
    h.phase = phase;
    if (h.blocked) {
      h.readDeadlineMs = null;
      return;
    }
    // A read starts now, with the socket timeout of this stage; packets that queued up meanwhile go first.
    h.readDeadlineMs = now + (phase === 'broadcast' ? this.syncMs : this.initMs);
    while (h.inbox.length > 0 && !h.blocked && this.byConn.get(h.conn) === h) this.deliver(h, h.inbox.shift()!, now);
  }

  private onLearnerInfo(h: LearnerHandlerState, p: QuorumPacket, now: number): void {
    if (p.type !== PacketType.FOLLOWERINFO && p.type !== PacketType.OBSERVERINFO) {
      return this.drop(h, `first packet ${describePacket(p)} is not FOLLOWERINFO or OBSERVERINFO`);
    }
    let sid: Sid;
    let version = 0x1;
    if (p.data === null) {
      sid = this.followerCounter--;
    } else if (p.data.length < 8) {
      sid = 0n;
    } else {
      const info = pl.decodeLearnerInfo(p.data);
      sid = info.sid;
      version = info.protocolVersion;
      if (info.configVersion !== null && info.configVersion > (this.ctx.opts.configVersion?.() ?? (this.ctx.members ?? this.ctx.opts.members).version)) {
        return this.drop(h, 'Follower is ahead of the leader (has a later activated configuration)');
      }
    }
    if (version < ZAB_PROTOCOL_VERSION) return this.drop(h, `protocol version 0x${version.toString(16)} (before Zab 1.0) is not supported`);
    for (const other of this.all()) if (other !== h && other.sid === sid) this.drop(other, `sid ${sid} connected again`);
    h.sid = sid;
    h.observer = p.type === PacketType.OBSERVERINFO;
    this.ctx.emit({ type: 'learnerIdentified', conn: h.conn, sid, observer: h.observer });
    this.ctx.proposeEpoch(sid, epochOf(p.zxid));
    if (this.ctx.epochReady) this.sendLeaderInfo(h, now);
    else this.setPhase(h, 'epoch', now);
  }

  private sendLeaderInfo(h: LearnerHandlerState, now: number): void {
    this.send(h.conn, withData(PacketType.LEADERINFO, this.ctx.newLeaderZxid, pl.encodeInt(ZAB_PROTOCOL_VERSION)));
    this.setPhase(h, 'ackEpoch', now);
  }

  private onAckEpoch(h: LearnerHandlerState, p: QuorumPacket, now: number): void {
    if (p.type !== PacketType.ACKEPOCH) return this.drop(h, `${describePacket(p)} is not ACKEPOCH`);
    const epoch = BigInt(pl.decodeInt(PacketType.ACKEPOCH, p.data, 'ACKEPOCH epoch'));
    h.peerLastZxid = p.zxid;
    if (!this.ctx.epochAcked(h.sid!, epoch, p.zxid)) {
      const s = this.ctx.summary;
      return this.drop(h, `Follower is ahead of the leader, leader summary: ${s.epoch} (current epoch), ${s.zxid} (last zxid)`);
    }
    if (this.ctx.syncReady) this.sync(h, now);
    else this.setPhase(h, 'epochQuorum', now);
  }

  /** LearnerHandler.syncFollower + startForwarding, then NEWLEADER. */
  private sync(h: LearnerHandlerState, now: number): void {
    const plan = this.ctx.planSync(h.peerLastZxid);
    // LearnerSyncThrottler: only observers can be refused; TRUNC counts as a diff sync.
    const kind = plan.kind === 'SNAP' ? 'SNAP' : 'DIFF';
    const max = kind === 'SNAP' ? (this.ctx.opts.maxConcurrentSnapSyncs ?? 10) : (this.ctx.opts.maxConcurrentDiffSyncs ?? 100);
    if (h.observer && this.syncsInFlight[kind] >= max) {
      return this.drop(h, `too many concurrent sync: ${this.syncsInFlight[kind] + 1} ${kind} syncs, the limit is ${max}`);
    }
    this.syncsInFlight[kind]++;
    h.syncCounted = kind;
    const { proposals, ...rest } = plan;
    this.ctx.emit({ type: 'learnerSyncPlanned', conn: h.conn, sid: h.sid!, plan: { ...rest, proposalCount: proposals.length } });
    if (plan.kind === 'SNAP') {
      this.send(h.conn, bare(PacketType.SNAP, plan.zxid));
      this.ctx.emit({ type: 'sendSnapshot', to: h.conn, zxid: plan.zxid });
      h.awaitingSnapshotSent = true;
    } else {
      this.send(h.conn, bare(plan.kind === 'DIFF' ? PacketType.DIFF : PacketType.TRUNC, plan.zxid));
      for (const q of proposals) {
        this.send(h.conn, withData(PacketType.PROPOSAL, q.zxid, q.bytes));
        this.send(h.conn, bare(PacketType.COMMIT, q.zxid));
      }
    }
    // startForwarding: txns proposed but not committed go to participants only (observers get
    // them as INFORM once committed); from now on the learner sees every broadcast.
    if (!h.observer) for (const t of this.ctx.outstandingAbove(plan.lastQueuedZxid)) this.send(h.conn, withData(PacketType.PROPOSAL, t.zxid, t.bytes));
    h.forwarding = true;
    this.send(h.conn, withData(PacketType.NEWLEADER, this.ctx.newLeaderZxid, this.ctx.opts.newLeaderConfig?.(this.ctx.newLeaderZxid) ?? null));
    h.sending = true;
    this.setPhase(h, 'newLeaderAck', now);
    if (h.awaitingSnapshotSent) h.readDeadlineMs = null;
  }

  private onNewLeaderAck(h: LearnerHandlerState, p: QuorumPacket, now: number): void {
    if (p.type !== PacketType.ACK) return this.drop(h, `Next packet was supposed to be an ACK, but received packet: ${describePacket(p)}`);
    if (!this.ctx.serving) {
      if (p.zxid !== this.ctx.newLeaderZxid) {
        const msg = `NEWLEADER ACK from sid: ${h.sid} is from a different epoch - current ${hex(this.ctx.newLeaderZxid)} received ${hex(p.zxid)}`;
        this.ctx.emit(log('error', msg));
      } else {
        this.ctx.newLeaderAcked(h.sid!, now);
      }
    }
    h.syncLimit.start();
    // The sync ends with the NEWLEADER ACK.
    this.endSync(h);
    if (this.ctx.serving) this.startLearner(h, now);
    else this.setPhase(h, 'startup', now);
  }

  /** The leader serves: UPTODATE, then the handler's main loop. */
  private startLearner(h: LearnerHandlerState, now: number): void {
    this.send(h.conn, bare(PacketType.UPTODATE, -1n));
    this.setPhase(h, 'broadcast', now);
  }

  private onBroadcastPacket(h: LearnerHandlerState, p: QuorumPacket, now: number): void {
    h.tickOfNextAckDeadline = this.ctx.tick + this.ctx.opts.syncLimit;
    h.readDeadlineMs = now + this.syncMs;
    const sid = h.sid!;
    switch (p.type) {
      case PacketType.ACK: {
        const warning = h.syncLimit.acked(p.zxid);
        if (warning !== null) this.ctx.emit(log('warn', warning));
        this.ctx.ackProposal(sid, p.zxid);
        return;
      }
      case PacketType.PING:
        this.ctx.emit({ type: 'touchSessions', sid, sessions: pl.decodeSessionTouches(p.data) });
        return;
      case PacketType.REVALIDATE: {
        const r = pl.decodeRevalidateRequest(p.data);
        this.ctx.emit({ type: 'revalidateSession', conn: h.conn, sid, sessionId: r.sessionId, timeoutMs: r.timeoutMs });
        return;
      }
      case PacketType.REQUEST:
        this.ctx.emit({ type: 'learnerRequest', conn: h.conn, sid, request: pl.decodeRequest(p.data, p.authinfo) });
        return;
      default:
        this.ctx.emit(log('warn', `unexpected quorum packet from sid ${sid}, type: ${describePacket(p)}`));
    }
  }
}
