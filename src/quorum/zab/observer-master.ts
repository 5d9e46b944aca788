// Observer masters (observerMasterPort, QuorumPeer.updateObserverMasterList / findLearnerMaster at
// release-3.8.0-1). With the port set, an observer does not dial the leader: it takes the voting
// members in a shuffled order and dials each one's quorum host at ITS OWN observerMasterPort (the
// reference assumes every server uses the same port), moving to the next one each time it has to
// reconnect. A follower with the port set serves observers there; a leader does not listen on it,
// so picking the leader simply fails to connect and the observer goes on to the next candidate.

import type { QuorumPacket } from '../../protocol/generated';
import { makeZxid, type Sid, type Zxid } from '../types';
import { log, type LogOutput } from './common';
import { bare, describePacket, PacketType, packetTypeName, withData, ZAB_PROTOCOL_VERSION } from './packets';
import * as pl from './payloads';
import type { LearnerRequest, SessionTouch } from './payloads';
import type { SyncKind, SyncPlan, SyncProposal } from './sync-planner';

export interface LearnerMasterCandidate {
  readonly sid: Sid;
  readonly host: string;
  readonly port: number;
}

export interface VotingMember {
  readonly sid: Sid;
  readonly host: string;
}

/** The observer's round-robin over possible learner masters. */
export class LearnerMasterList {
  private list: LearnerMasterCandidate[] = [];
  private next = 0;

  /**
   * @param port  this observer's observerMasterPort (null: observe the leader only)
   * @param random  a [0,1) source for the shuffle (Math.random in production)
   */
  constructor(
    private readonly port: number | null,
    private readonly random: () => number = Math.random,
  ) {}

  get enabled(): boolean {
    return this.port !== null && this.port > 0;
  }

  get candidates(): readonly LearnerMasterCandidate[] {
    return this.list;
  }

  /** A new config (or the first one): rebuild, reshuffle and start over, as the reference does. */
  update(voters: readonly VotingMember[]): void {
    if (!this.enabled) return;
    const list = voters.map((v) => ({ sid: v.sid, host: v.host, port: this.port! }));
    for (let i = list.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [list[i], list[j]] = [list[j]!, list[i]!];
    }
    this.list = list;
    this.next = 0;
  }

  /**
   * Where to connect this time: the next master in the list, or `leader` when observer masters are
   * off (or no voter is known). `wrapped` says the list was exhausted and starts over: the
   * reference waits a random part of zookeeper.observer.reconnectDelayMs only then.
   */
  choose(leader: LearnerMasterCandidate): { readonly master: LearnerMasterCandidate; readonly wrapped: boolean } {
    if (!this.enabled || this.list.length === 0) return { master: leader, wrapped: true };
    let wrapped = false;
    if (this.next >= this.list.length) {
      this.next = 0;
      wrapped = true;
    }
    return { master: this.list[this.next++]!, wrapped };
  }
}

// ---------------------------------------------------------------- the master (a follower's side)
//
// ObserverMaster at release-3.8.0-1: a follower accepts observers on its observerMasterPort and
// runs the leader's per-learner handshake for each, with its own answers: LEADERINFO carries the
// follower's current epoch (no epoch is decided), the sync is planned from the follower's own
// committed log, NEWLEADER needs no quorum and UPTODATE follows its ACK at once. Afterwards every
// txn the follower commits goes to the synced observers as INFORM, pings go out every half tick,
// and what observers send up (REQUEST, REVALIDATE, the sessions in PING replies) is handed to the
// follower, which forwards it to the leader. Answers come back through revalidated() and
// syncAnswered(). Unlike the reference, a forwarded sync is answered (3.8.0 never does).

export type ObserverConnId = number;

export interface ObserverMasterOptions {
  readonly sid: Sid;
  /** The follower's current epoch: LEADERINFO and NEWLEADER carry it (ObserverMaster.getEpochToPropose). */
  readonly epoch: bigint;
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  /** NEWLEADER's data: the follower's last seen config text. */
  readonly newLeaderConfig: Buffer | null;
  /** zookeeper.observerMaster.sizeLimit: bytes of INFORM packets kept for syncing (default 32 MiB). */
  readonly sizeLimit?: number;
  /** LearnerHandler.syncFollower from the follower's database as it is now. */
  planSync(peerLastZxid: Zxid): SyncPlan;
  readonly nowMs: number;
}

export type ObserverMasterInput =
  | { readonly type: 'connected'; readonly conn: ObserverConnId; readonly nowMs: number }
  | { readonly type: 'packet'; readonly conn: ObserverConnId; readonly packet: QuorumPacket; readonly nowMs: number }
  | { readonly type: 'closed'; readonly conn: ObserverConnId; readonly nowMs: number }
  /** The SNAP stream asked for by `sendSnapshot` is out. */
  | { readonly type: 'snapshotSent'; readonly conn: ObserverConnId; readonly nowMs: number }
  /**
   * The follower applied a committed txn (Follower.processPacket COMMIT -> proposalCommitted). A
   * reconfig committed by COMMITANDACTIVATE carries its designated leader and goes out as
   * INFORMANDACTIVATE (informAndActivate).
   */
  | { readonly type: 'committed'; readonly txn: SyncProposal; readonly designatedLeader?: Sid; readonly nowMs: number }
  /** The leader answered a sync this master forwarded for `conn`. */
  | { readonly type: 'syncAnswered'; readonly conn: ObserverConnId; readonly nowMs: number }
  | { readonly type: 'tick'; readonly nowMs: number };

export type ObserverMasterOutput =
  | LogOutput
  | { readonly type: 'send'; readonly to: ObserverConnId; readonly packet: QuorumPacket }
  | { readonly type: 'sendSnapshot'; readonly to: ObserverConnId; readonly zxid: Zxid }
  | { readonly type: 'close'; readonly conn: ObserverConnId; readonly reason: string }
  | { readonly type: 'observerSynced'; readonly conn: ObserverConnId; readonly sid: Sid; readonly plan: SyncKind }
  /** A client request from an observer: forward it to the leader as the follower's own. */
  | { readonly type: 'forwardRequest'; readonly conn: ObserverConnId; readonly request: LearnerRequest }
  | { readonly type: 'revalidateSession'; readonly sessionId: bigint; readonly timeoutMs: number }
  | { readonly type: 'touchSessions'; readonly sessions: readonly SessionTouch[] };

type ObserverPhase = 'info' | 'ackEpoch' | 'newLeaderAck' | 'broadcast';

interface ObserverHandler {
  readonly conn: ObserverConnId;
  sid: Sid | null;
  phase: ObserverPhase;
  /** The socket read timeout; null while a SNAP stream is still being written. */
  readDeadlineMs: number | null;
  /** Gets INFORMs (set once its sync is queued, as startForwarding does). */
  forwarding: boolean;
}

/** ObserverMaster's PKTS_SIZE_LIMIT. */
export const OBSERVER_MASTER_SIZE_LIMIT = 32 * 1024 * 1024;

/** LearnerHandler.packetSize: the data length plus the type, zxid and authinfo fields' 12 bytes. */
function packetSize(p: QuorumPacket): number {
  return 12 + (p.data?.length ?? 0);
}

export class ObserverMasterMachine {
  private readonly handlers = new Map<ObserverConnId, ObserverHandler>();
  /** INFORMs of recent commits, oldest first, bounded by sizeLimit (committedPkts). */
  private readonly committed: QuorumPacket[] = [];
  private committedBytes = 0;
  private lastProposed: Zxid;
  private readonly pendingRevalidations: { sessionId: bigint; timeoutMs: number; conn: ObserverConnId }[] = [];
  private nextPingMs: number;
  private now: number;
  private out: ObserverMasterOutput[] = [];

  constructor(private readonly o: ObserverMasterOptions) {
    this.now = o.nowMs;
    this.nextPingMs = o.nowMs + this.pingMs;
    this.lastProposed = makeZxid(o.epoch, 0n);
  }

  private get pingMs(): number {
    return Math.max(1, Math.floor(this.o.tickTimeMs / 2));
  }
  private get initMs(): number {
    return this.o.initLimit * this.o.tickTimeMs;
  }
  private get syncMs(): number {
    return this.o.syncLimit * this.o.tickTimeMs;
  }
  private get sizeLimit(): number {
    return this.o.sizeLimit ?? OBSERVER_MASTER_SIZE_LIMIT;
  }

  /** Observers synced and receiving INFORMs (getNumActiveObservers). */
  get activeObservers(): { conn: ObserverConnId; sid: Sid }[] {
    return [...this.handlers.values()].filter((h) => h.phase === 'broadcast' && h.sid !== null).map((h) => ({ conn: h.conn, sid: h.sid! }));
  }

  get retainedCommits(): number {
    return this.committed.length;
  }

  step(input: ObserverMasterInput): ObserverMasterOutput[] {
    this.now = input.nowMs;
    switch (input.type) {
      case 'connected':
        if (this.handlers.has(input.conn)) throw new RangeError(`connection ${input.conn} is already open`);
        this.handlers.set(input.conn, { conn: input.conn, sid: null, phase: 'info', readDeadlineMs: input.nowMs + this.initMs, forwarding: false });
        break;
      case 'packet': {
        const h = this.handlers.get(input.conn);
        if (h !== undefined) this.deliver(h, input.packet);
        break;
      }
      case 'closed':
        this.forget(input.conn);
        break;
      case 'snapshotSent': {
        const h = this.handlers.get(input.conn);
        if (h !== undefined && h.phase === 'newLeaderAck') h.readDeadlineMs = this.now + this.initMs;
        break;
      }
      case 'committed': {
        const { txn, designatedLeader } = input;
        // Leader.buildInformAndActivePacket: the designated leader's sid, then the proposal.
        if (designatedLeader === undefined) this.relay(withData(PacketType.INFORM, txn.zxid, txn.bytes));
        else this.relay(withData(PacketType.INFORMANDACTIVATE, txn.zxid, Buffer.concat([pl.encodeLong(designatedLeader), txn.bytes])));
        break;
      }
      case 'syncAnswered':
        if (this.handlers.get(input.conn)?.phase === 'broadcast') this.send(input.conn, bare(PacketType.SYNC, 0n));
        break;
      case 'tick':
        this.onTick();
        break;
    }
    return this.flush();
  }

  /**
   * ObserverMaster.revalidateLearnerSession: the leader answered a REVALIDATE. When the oldest
   * pending one forwarded for an observer is this session, the answer is that observer's (true);
   * otherwise it belongs to the follower's own clients (false).
   */
  revalidated(sessionId: bigint, valid: boolean): { handled: boolean; outputs: ObserverMasterOutput[] } {
    const head = this.pendingRevalidations[0];
    if (head === undefined || head.sessionId !== sessionId) return { handled: false, outputs: [] };
    this.pendingRevalidations.shift();
    if (this.handlers.has(head.conn)) this.send(head.conn, withData(PacketType.REVALIDATE, -1n, pl.encodeRevalidateReply(sessionId, valid)));
    // As the reference's master (revalidateLearnerSession): a valid session is touched here too,
    // as a leader touches the sessions it revalidates, so the follower reports it in its next ping.
    if (valid) this.out.push({ type: 'touchSessions', sessions: [{ sessionId, timeoutMs: head.timeoutMs }] });
    return { handled: true, outputs: this.flush() };
  }

  nextWakeMs(): number | null {
    let next = this.nextPingMs;
    for (const h of this.handlers.values()) if (h.readDeadlineMs !== null && h.readDeadlineMs < next) next = h.readDeadlineMs;
    return next;
  }

  /** Stops: every observer connection is closed. */
  stop(reason: string): ObserverMasterOutput[] {
    for (const h of [...this.handlers.values()]) this.drop(h, reason);
    return this.flush();
  }

  private flush(): ObserverMasterOutput[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private send(to: ObserverConnId, packet: QuorumPacket): void {
    this.out.push({ type: 'send', to, packet });
  }

  private forget(conn: ObserverConnId): void {
    this.handlers.delete(conn);
  }

  private drop(h: ObserverHandler, reason: string): void {
    if (this.handlers.get(h.conn) !== h) return;
    this.forget(h.conn);
    this.out.push({ type: 'close', conn: h.conn, reason });
  }

  private label(h: ObserverHandler): string {
    return h.sid === null ? `connection ${h.conn}` : `observer ${h.sid}`;
  }

  private onTick(): void {
    for (const h of [...this.handlers.values()]) {
      if (h.readDeadlineMs !== null && this.now >= h.readDeadlineMs) {
        this.drop(h, `no packet from ${this.label(h)} for ${h.phase === 'broadcast' ? this.syncMs : this.initMs} ms (read timed out)`);
      }
    }
    if (this.now < this.nextPingMs) return;
    this.nextPingMs = this.now + this.pingMs;
    // ObserverMaster's pinger; observers never ack, so the syncLimit check always passes.
    for (const h of this.handlers.values()) if (h.phase === 'broadcast') this.send(h.conn, bare(PacketType.PING, this.lastProposed));
  }

  /** cacheCommittedPacket + sendPacket: keep it for syncs (bounded) and send it to the synced. */
  private relay(p: QuorumPacket): void {
    this.committed.push(p);
    this.committedBytes += packetSize(p);
    // As the reference: near the limit drop up to five old ones per new one, never exceed it.
    for (let i = 0; this.committedBytes > this.sizeLimit * 0.8 && i < 5 && this.committed.length > 0; i++) this.committedBytes -= packetSize(this.committed.shift()!);
    while (this.committedBytes > this.sizeLimit && this.committed.length > 0) this.committedBytes -= packetSize(this.committed.shift()!);
    for (const h of this.handlers.values()) if (h.forwarding) this.send(h.conn, p);
    this.lastProposed = p.zxid;
  }

  private deliver(h: ObserverHandler, p: QuorumPacket): void {
    try {
      switch (h.phase) {
        case 'info':
          return this.onInfo(h, p);
        case 'ackEpoch':
          return this.onAckEpoch(h, p);
        case 'newLeaderAck':
          return this.onNewLeaderAck(h, p);
        case 'broadcast':
          return this.onBroadcast(h, p);
      }
    } catch (e) {
      if (!(e instanceof pl.QuorumPayloadError)) throw e;
      this.drop(h, `bad ${packetTypeName(p.type)} payload from ${this.label(h)}: ${e.message}`);
    }
  }

  private onInfo(h: ObserverHandler, p: QuorumPacket): void {
    // LearnerHandler: only observers may connect to an observer master.
    if (p.type !== PacketType.OBSERVERINFO) return this.drop(h, `Non observer attempting to connect to ObserverMaster. type = ${describePacket(p)}`);
    const info = p.data === null || p.data.length < 8 ? null : pl.decodeLearnerInfo(p.data);
    if (info !== null && info.protocolVersion < ZAB_PROTOCOL_VERSION) return this.drop(h, `protocol version 0x${info.protocolVersion.toString(16)} (before Zab 1.0) is not supported`);
    h.sid = info?.sid ?? 0n;
    for (const other of [...this.handlers.values()]) if (other !== h && other.sid === h.sid) this.drop(other, `sid ${h.sid} connected again`);
    this.send(h.conn, withData(PacketType.LEADERINFO, makeZxid(this.o.epoch, 0n), pl.encodeInt(ZAB_PROTOCOL_VERSION)));
    h.phase = 'ackEpoch';
    h.readDeadlineMs = this.now + this.initMs;
  }

  private onAckEpoch(h: ObserverHandler, p: QuorumPacket): void {
    if (p.type !== PacketType.ACKEPOCH) return this.drop(h, `${describePacket(p)} is not ACKEPOCH`);
    pl.decodeInt(PacketType.ACKEPOCH, p.data, 'ACKEPOCH epoch');
    const plan = this.o.planSync(p.zxid);
    if (plan.kind === 'SNAP') {
      this.send(h.conn, bare(PacketType.SNAP, plan.zxid));
      this.out.push({ type: 'sendSnapshot', to: h.conn, zxid: plan.zxid });
    } else {
      this.send(h.conn, bare(plan.kind === 'DIFF' ? PacketType.DIFF : PacketType.TRUNC, plan.zxid));
      for (const q of plan.proposals) {
        this.send(h.conn, withData(PacketType.PROPOSAL, q.zxid, q.bytes));
        this.send(h.conn, bare(PacketType.COMMIT, q.zxid));
      }
    }
    if (!this.startForwarding(h, plan.lastQueuedZxid)) return;
    this.send(h.conn, withData(PacketType.NEWLEADER, makeZxid(this.o.epoch, 0n), this.o.newLeaderConfig));
    h.phase = 'newLeaderAck';
    // The ACK wait starts once a SNAP stream is out (snapshotSent).
    h.readDeadlineMs = plan.kind === 'SNAP' ? null : this.now + this.initMs;
    this.out.push({ type: 'observerSynced', conn: h.conn, sid: h.sid!, plan: plan.kind });
  }

  /** ObserverMaster.startForwarding: retained INFORMs above what the sync brought, then live ones. */
  private startForwarding(h: ObserverHandler, lastSeen: Zxid): boolean {
    const head = this.committed[0];
    if (head !== undefined && head.zxid > lastSeen + 1n) {
      this.drop(h, `LearnerHandler is too far behind (0x${(lastSeen + 1n).toString(16)} < 0x${head.zxid.toString(16)})`);
      return false;
    }
    for (const p of this.committed) if (p.zxid > lastSeen) this.send(h.conn, p);
    h.forwarding = true;
    return true;
  }

  private onNewLeaderAck(h: ObserverHandler, p: QuorumPacket): void {
    if (p.type !== PacketType.ACK) return this.drop(h, `Next packet was supposed to be an ACK, but received packet: ${describePacket(p)}`);
    // No quorum to wait for: UPTODATE right away, then the main loop with the syncLimit timeout.
    this.send(h.conn, bare(PacketType.UPTODATE, -1n));
    h.phase = 'broadcast';
    h.readDeadlineMs = this.now + this.syncMs;
  }

  private onBroadcast(h: ObserverHandler, p: QuorumPacket): void {
    h.readDeadlineMs = this.now + this.syncMs;
    switch (p.type) {
      case PacketType.ACK:
        // processAck: the UPTODATE ack (counter 0) is expected; observers ack nothing else.
        if ((p.zxid & 0xffffffffn) !== 0n) this.drop(h, `Observers shouldn't send ACKS ack = 0x${p.zxid.toString(16)}`);
        return;
      case PacketType.PING:
        this.out.push({ type: 'touchSessions', sessions: pl.decodeSessionTouches(p.data) });
        return;
      case PacketType.REVALIDATE: {
        const r = pl.decodeRevalidateRequest(p.data);
        this.pendingRevalidations.push({ sessionId: r.sessionId, timeoutMs: r.timeoutMs, conn: h.conn });
        this.out.push({ type: 'revalidateSession', sessionId: r.sessionId, timeoutMs: r.timeoutMs });
        return;
      }
      case PacketType.REQUEST:
        this.out.push({ type: 'forwardRequest', conn: h.conn, request: pl.decodeRequest(p.data, p.authinfo) });
        return;
      default:
        this.out.push(log('warn', `unexpected quorum packet from ${this.label(h)}: ${describePacket(p)}`));
    }
  }
}
