// The leader side of Zab as a deterministic state machine (Leader.lead at release-3.8.0-1):
// discovery (agree on a new epoch), synchronization (NEWLEADER acked by a quorum), broadcast
// (propose, count acks, commit in order) and liveness (pings, ticks, abdication). The per-learner
// protocol lives in leader-learners.ts. No I/O, no clock, no randomness: see common.ts for the
// contract with the runtime.
//
// Where it differs from the reference, on purpose:
//  * Learners are synced only after the leader's own currentEpoch write is confirmed (the
//    reference lets their handler threads race ahead of it). Safer, invisible on the wire.
//  * After a commit, later proposals that already have a quorum commit too (the reference waits
//    for their next ACK; with per-member FIFO acks that case cannot arise, so no change on the wire).
//  * A second connection from the same sid closes the first (the reference keeps both).
//  * Learners speaking the pre-Zab-1.0 protocol (no LEADERINFO) are refused.
//  * Reconfig (with reconfigEnabled): the designated leader is this server when it still votes,
//    else the new voter that acked the reconfig and most of what followed (getDesignatedLeader).
//    A leader that is not designated commits nothing more (allowedToCommit) but never shuts
//    itself down: its followers leave, and it abdicates when it loses its quorum, as the reference.

import { epochOf, makeZxid, type QuorumMembers, type Sid, type Zxid } from '../types';
import { checkTiming, hex, log, type Token, type ZabTxn } from './common';
import { CommittedLog } from './committed-log';
import type { LeaderContext } from './leader-learners';
import { LearnerHandlers } from './leader-learners';
import type { ConnId, LeaderInput, LeaderOptions, LeaderOutput } from './leader-types';
import { bare, PacketType, withData } from './packets';
import * as pl from './payloads';
import { ProposalTracker } from './proposal-tracker';
import type { QuorumPacket } from '../../protocol/generated';
import { designatedLeader, proposedConfigOf, type ProposedConfig } from '../reconfig/leader-reconfig';
import { ConfigTextError, parseConfigText } from '../reconfig/config-parse';
import { membersFromServers } from '../election/config-text';
import { planSync, type SyncPlan } from './sync-planner';

/** Leader's default zookeeper.leader.ackLoggingFrequency. */
export const ACK_LOGGING_FREQUENCY = 1000;

export type LeaderPhase = 'epoch' | 'acceptedPersist' | 'epochAck' | 'currentPersist' | 'newLeaderAck' | 'broadcast' | 'stopped';

type TokenAction = { kind: 'accepted' } | { kind: 'current' } | { kind: 'proposal'; zxid: Zxid };

export class ZabLeader {
  private phaseValue: LeaderPhase = 'epoch';
  private epochValue = -1n;
  private readonly connecting = new Set<Sid>();
  private readonly electing = new Set<Sid>();
  private readonly newLeaderAcks = new Set<Sid>();
  /** newLeaderNextConfig's answer once asked (undefined: not yet). */
  private newLeaderNext: QuorumMembers | null | undefined = undefined;
  private electionFinished = false;
  private phaseDeadlineMs: number | null;
  private tickCount = 0;
  private tickSkip = true;
  private nextHalfTickMs: number | null = null;
  private nextToken = 1;
  private readonly tokens = new Map<Token, TokenAction>();
  private tracker: ProposalTracker | null = null;
  private lastProcessed: Zxid;
  private readonly committed: CommittedLog;
  private readonly pendingSyncs = new Map<Zxid, ConnId[]>();
  private readonly summary: { epoch: bigint; zxid: Zxid };
  private readonly learnersState: LearnerHandlers;
  private out: LeaderOutput[] = [];
  /** The committed config (opts.members until a reconfig is activated). */
  private members: QuorumMembers;
  /** A proposed reconfig not yet committed (Leader's lastSeenQuorumVerifier ahead of the committed one). */
  private pendingReconfig: ProposedConfig | null = null;
  /** Leader.allowedToCommit: false once a committed reconfig designated another leader. */
  private allowedToCommit = true;

  constructor(private readonly opts: LeaderOptions) {
    checkTiming(opts);
    this.lastProcessed = opts.lastProcessedZxid;
    this.members = opts.members;
    this.committed = new CommittedLog(opts.commitLogCount, opts.committedLog ?? []);
    this.summary = { epoch: opts.currentEpoch, zxid: opts.lastProcessedZxid };
    this.phaseDeadlineMs = opts.nowMs + this.initMs;
    this.learnersState = new LearnerHandlers(this.context());
  }

  get phase(): LeaderPhase {
    return this.phaseValue;
  }
  /** The epoch being established (-1 until decided). */
  get epoch(): bigint {
    return this.epochValue;
  }
  get newLeaderZxid(): Zxid {
    return makeZxid(this.epochValue, 0n);
  }
  get lastProposed(): Zxid {
    return this.tracker?.lastProposed ?? this.newLeaderZxid;
  }
  get lastCommitted(): Zxid {
    return this.tracker?.lastCommitted ?? -1n;
  }
  get lastProcessedZxid(): Zxid {
    return this.lastProcessed;
  }
  get outstandingCount(): number {
    return this.tracker?.size ?? 0;
  }
  /** The leader's tick (advanced every tickTime once serving). */
  get tick(): number {
    return this.tickCount;
  }
  get committedLog(): CommittedLog {
    return this.committed;
  }

  /** One row per learner connection, for the four-letter words and tests. */
  learners(): { conn: ConnId; sid: Sid | null; observer: boolean; phase: string; synced: boolean }[] {
    return this.learnersState.all().map((h) => ({ conn: h.conn, sid: h.sid, observer: h.observer, phase: h.phase, synced: this.learnersState.synced(h) }));
  }

  /** Syncs between plan and NEWLEADER ACK (the reference's inflight snap/diff counts). */
  inFlightSyncs(): { snap: number; diff: number } {
    return this.learnersState.inFlightSyncs();
  }

  private get initMs(): number {
    return this.opts.initLimit * this.opts.tickTimeMs;
  }
  private get syncMs(): number {
    return this.opts.syncLimit * this.opts.tickTimeMs;
  }

  /** The leader's own getEpochToPropose: call once, right after construction. */
  start(): LeaderOutput[] {
    this.proposeEpoch(this.opts.sid, this.opts.acceptedEpoch);
    return this.flush();
  }

  step(input: LeaderInput): LeaderOutput[] {
    if (this.phaseValue === 'stopped') return [];
    const now = input.nowMs;
    const learners = this.learnersState;
    switch (input.type) {
      case 'connected':
        learners.connected(input.conn, now);
        break;
      case 'packet':
        learners.packet(input.conn, input.packet, now);
        break;
      case 'closed':
        learners.closed(input.conn);
        break;
      case 'snapshotSent':
        learners.snapshotSent(input.conn, now);
        break;
      case 'persisted':
        this.onPersisted(input.token, now);
        break;
      case 'tick':
        this.runDue(now);
        break;
      case 'propose':
        this.propose(input.txn, now);
        break;
      case 'learnerSync':
        this.processSync(input.conn);
        break;
      case 'sessionRevalidated':
        if (learners.has(input.conn)) learners.send(input.conn, withData(PacketType.REVALIDATE, -1n, pl.encodeRevalidateReply(input.sessionId, input.valid)));
        break;
    }
    return this.flush();
  }

  /** When the machine next needs a tick (null once stopped). */
  nextWakeMs(): number | null {
    if (this.phaseValue === 'stopped') return null;
    const own = this.phaseValue === 'broadcast' ? this.nextHalfTickMs : this.phaseDeadlineMs;
    const read = this.learnersState.nextReadDeadline();
    if (own === null) return read;
    return read === null ? own : Math.min(own, read);
  }

  private flush(): LeaderOutput[] {
    const o = this.out;
    this.out = [];
    return o;
  }

  private token(action: TokenAction): Token {
    const t = this.nextToken++;
    this.tokens.set(t, action);
    return t;
  }

  private context(): LeaderContext {
    const self = this;
    return {
      opts: this.opts,
      get members() {
        return self.members;
      },
      get newLeaderZxid() {
        return self.newLeaderZxid;
      },
      get tick() {
        return self.tickCount;
      },
      get epochReady() {
        return self.phaseValue !== 'epoch' && self.phaseValue !== 'acceptedPersist';
      },
      get syncReady() {
        return self.phaseValue === 'newLeaderAck' || self.phaseValue === 'broadcast';
      },
      get serving() {
        return self.phaseValue === 'broadcast';
      },
      summary: this.summary,
      emit: (o) => this.out.push(o),
      proposeEpoch: (sid, epoch) => this.proposeEpoch(sid, epoch),
      epochAcked: (sid, epoch, zxid) => this.epochAcked(sid, epoch, zxid),
      newLeaderAcked: (sid, now) => this.newLeaderAcked(sid, now),
      ackProposal: (sid, zxid) => this.ackProposal(sid, zxid),
      planSync: (peer) => this.planSync(peer),
      outstandingAbove: (zxid) => this.tracker?.above(zxid) ?? [],
    };
  }

  private planSync(peerLastZxid: Zxid): SyncPlan {
    return planSync({
      peerLastZxid,
      lastProcessedZxid: this.lastProcessed,
      committedLog: this.committed.toArray(),
      ...(this.opts.forceSnapSync === undefined ? {} : { forceSnapSync: this.opts.forceSnapSync }),
      ...(this.opts.txnLog === undefined ? {} : { txnLog: this.opts.txnLog }),
    });
  }

  // ---------------------------------------------------------------- discovery and sync

  /** Leader.getEpochToPropose: the new epoch is above every accepted epoch seen before a quorum connected. */
  private proposeEpoch(sid: Sid, lastAcceptedEpoch: bigint): void {
    if (this.phaseValue !== 'epoch') return;
    if (lastAcceptedEpoch >= this.epochValue) this.epochValue = lastAcceptedEpoch + 1n;
    if (this.opts.members.voters.has(sid)) this.connecting.add(sid);
    if (this.connecting.has(this.opts.sid) && this.opts.members.containsQuorum(this.connecting)) {
      this.phaseValue = 'acceptedPersist';
      this.phaseDeadlineMs = null;
      this.out.push({ type: 'persistEpoch', which: 'accepted', epoch: this.epochValue, token: this.token({ kind: 'accepted' }) });
    }
  }

  private onPersisted(token: Token, now: number): void {
    const action = this.tokens.get(token);
    if (action === undefined) return;
    this.tokens.delete(token);
    switch (action.kind) {
      case 'accepted':
        this.phaseValue = 'epochAck';
        this.phaseDeadlineMs = now + this.initMs;
        this.out.push(log('info', `new epoch ${this.epochValue} accepted; waiting for a quorum of ACKEPOCH`));
        this.learnersState.release('epoch', now);
        // The leader's own waitForEpochAck.
        this.epochAcked(this.opts.sid, this.summary.epoch, this.summary.zxid);
        break;
      case 'current':
        this.phaseValue = 'newLeaderAck';
        this.phaseDeadlineMs = now + this.initMs;
        this.newLeaderAcked(this.opts.sid, now);
        this.learnersState.release('epochQuorum', now);
        break;
      case 'proposal':
        this.ackProposal(this.opts.sid, action.zxid);
        break;
    }
  }

  /**
   * Leader.waitForEpochAck. A learner whose (currentEpoch, lastZxid) is newer than the leader's is
   * refused; -1 means it had already accepted this epoch and does not count. Returns false when
   * the learner must be dropped.
   */
  private epochAcked(sid: Sid, epoch: bigint, lastZxid: Zxid): boolean {
    if (this.electionFinished) return true;
    if (epoch !== -1n) {
      if (epoch > this.summary.epoch || (epoch === this.summary.epoch && lastZxid > this.summary.zxid)) return false;
      if (lastZxid !== -1n && this.opts.members.voters.has(sid)) this.electing.add(sid);
    }
    if (this.electing.has(this.opts.sid) && this.opts.members.containsQuorum(this.electing)) {
      this.electionFinished = true;
      this.phaseValue = 'currentPersist';
      this.phaseDeadlineMs = null;
      this.out.push({ type: 'persistEpoch', which: 'current', epoch: this.epochValue, token: this.token({ kind: 'current' }) });
    }
    return true;
  }

  /**
   * Leader.waitForNewLeaderAck: once a quorum acked NEWLEADER, start serving. With a newer config
   * sent in NEWLEADER (a reconfig this leader saw proposed but not committed), it needs a quorum of
   * that config too, and serving starts under it (startZkServer's processReconfig).
   */
  private newLeaderAcked(sid: Sid, now: number): void {
    if (this.phaseValue !== 'newLeaderAck') return;
    const next = this.newLeaderNextConfig();
    if (this.opts.members.voters.has(sid) || next?.voters.has(sid) === true) this.newLeaderAcks.add(sid);
    if (!this.opts.members.containsQuorum(this.newLeaderAcks)) return;
    if (next !== null && !next.containsQuorum(this.newLeaderAcks)) return;
    // Leader.startZkServer: the tree now reports the new epoch's zxid.
    this.phaseValue = 'broadcast';
    this.phaseDeadlineMs = null;
    if (next !== null) this.members = next;
    this.tracker = new ProposalTracker(this.members, this.newLeaderZxid);
    this.lastProcessed = this.newLeaderZxid;
    this.nextHalfTickMs = now + Math.floor(this.opts.tickTimeMs / 2);
    this.tickSkip = true;
    this.out.push({ type: 'serve', epoch: this.epochValue, zxid: this.newLeaderZxid });
    this.learnersState.release('startup', now);
  }

  /**
   * The config NEWLEADER carries (reconfigEnabled: the runtime's last seen config) when it is
   * newer than the committed one, as the reference's newLeaderProposal.addQuorumVerifier(lastSeen).
   * Read once: the runtime returns the same text to every learner.
   */
  private newLeaderNextConfig(): QuorumMembers | null {
    if (this.newLeaderNext !== undefined) return this.newLeaderNext;
    this.newLeaderNext = null;
    const data = this.opts.reconfigEnabled === true ? this.opts.newLeaderConfig?.(this.newLeaderZxid) ?? null : null;
    if (data === null) return null;
    try {
      const parsed = parseConfigText(data.toString('utf8'));
      const version = parsed.version ?? 0n;
      if (version > this.opts.members.version) this.newLeaderNext = membersFromServers(parsed.servers, version);
    } catch (e) {
      if (!(e instanceof ConfigTextError)) throw e;
      this.out.push(log('error', `the NEWLEADER config does not parse: ${e.message}`));
    }
    return this.newLeaderNext;
  }

  // ---------------------------------------------------------------- broadcast

  private propose(txn: ZabTxn, now: number): void {
    if (this.phaseValue !== 'broadcast' || this.tracker === null) throw new Error(`propose while ${this.phaseValue}: wait for 'serve'`);
    if (epochOf(txn.zxid) !== this.epochValue) throw new RangeError(`proposal ${hex(txn.zxid)} is not in epoch ${this.epochValue}`);
    if ((txn.zxid & 0xffffffffn) === 0xffffffffn) {
      return this.abdicate('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start');
    }
    const next = this.reconfigOf(txn);
    this.tracker.add(txn, next?.members);
    if (next !== null) {
      this.pendingReconfig = next;
      this.out.push({ type: 'configProposed', config: next.text });
    }
    const packet = withData(PacketType.PROPOSAL, txn.zxid, txn.bytes);
    for (const h of this.learnersState.all()) {
      if (!h.forwarding || h.observer) continue;
      this.learnersState.send(h.conn, packet);
      h.syncLimit.proposalSent(txn.zxid, now);
    }
    this.out.push({ type: 'persistTxns', token: this.token({ kind: 'proposal', zxid: txn.zxid }), txns: [txn] });
  }

  private ackProposal(sid: Sid, zxid: Zxid): void {
    if (this.tracker === null || this.phaseValue !== 'broadcast') return;
    // Leader.processAck: the last commit handed the leadership on; the designated leader commits the rest.
    if (!this.allowedToCommit) return;
    // The reference samples only the zxids that are multiples of ackLoggingFrequency, and only
    // acks that count (outstanding, not yet committed): read the txn before the ack may commit it.
    const freq = this.opts.ackLoggingFrequency ?? ACK_LOGGING_FREQUENCY;
    const sampled = freq > 0 && zxid % BigInt(freq) === 0n ? this.tracker.above(zxid - 1n)[0] : undefined;
    const r = this.tracker.ack(sid, zxid);
    if (r.kind === 'counted' && sampled?.zxid === zxid) this.opts.ackSampled?.(sid, zxid, sampled.txn.header.time);
    if (r.kind === 'unknown') {
      this.out.push(log('warn', `Trying to commit future proposal: zxid ${hex(zxid)} from sid ${sid}`));
      return;
    }
    if (r.kind === 'counted') for (const t of r.committed) this.commit(t);
  }

  /** A reconfig txn's config, when reconfig is on and the text parses (prep made it, so it should). */
  private reconfigOf(txn: ZabTxn): ProposedConfig | null {
    if (this.opts.reconfigEnabled !== true) return null;
    const r = proposedConfigOf(txn);
    if (r === null || !('error' in r)) return r;
    this.out.push(log('error', `reconfig txn ${hex(txn.zxid)} carries a config that does not parse: ${r.error}`));
    return null;
  }

  /** Leader.commit + inform: COMMIT to followers, INFORM to observers, apply, answer syncs. */
  private commit(t: ZabTxn): void {
    const reconfig = this.pendingReconfig !== null && this.pendingReconfig.zxid === t.zxid ? this.pendingReconfig : null;
    if (reconfig !== null) return this.commitAndActivate(t, reconfig);
    this.sendCommit(t, bare(PacketType.COMMIT, t.zxid), withData(PacketType.INFORM, t.zxid, t.bytes));
  }

  /** tryToCommit for a reconfig: activate, then COMMITANDACTIVATE / INFORMANDACTIVATE with the designated leader. */
  private commitAndActivate(t: ZabTxn, r: { text: string; members: QuorumMembers }): void {
    // getDesignatedLeader: among the new voters that acked the reconfig, the one that acked the most of what followed.
    const acks = this.tracker?.acksOfCommitted(t.zxid) ?? new Set<Sid>();
    const designated = designatedLeader(this.opts.sid, r.members, acks, this.tracker?.acksAbove(t.zxid) ?? []);
    this.pendingReconfig = null;
    if (designated !== this.opts.sid) this.allowedToCommit = false;
    this.members = r.members;
    this.tracker?.activate(r.members);
    this.out.push({ type: 'activateConfig', config: r.text, designatedLeader: designated, zxid: null, thenApplies: false });
    const leader = pl.encodeLong(designated);
    this.sendCommit(t, withData(PacketType.COMMITANDACTIVATE, t.zxid, leader), withData(PacketType.INFORMANDACTIVATE, t.zxid, Buffer.concat([leader, t.bytes])));
  }

  private sendCommit(t: ZabTxn, commitPacket: QuorumPacket, informPacket: QuorumPacket): void {
    for (const h of this.learnersState.all()) {
      if (h.forwarding) this.learnersState.send(h.conn, h.observer ? informPacket : commitPacket);
    }
    this.out.push({ type: 'applyCommitted', txn: t });
    this.committed.add(t);
    this.lastProcessed = t.zxid;
    const syncs = this.pendingSyncs.get(t.zxid);
    if (syncs !== undefined) {
      this.pendingSyncs.delete(t.zxid);
      for (const conn of syncs) if (this.learnersState.has(conn)) this.learnersState.send(conn, bare(PacketType.SYNC, 0n));
    }
  }

  /** Leader.processSync: answer once everything proposed so far is committed. */
  private processSync(conn: ConnId): void {
    if (!this.learnersState.has(conn) || this.tracker === null) return;
    if (this.tracker.size === 0) {
      this.learnersState.send(conn, bare(PacketType.SYNC, 0n));
      return;
    }
    const z = this.tracker.lastProposed;
    const list = this.pendingSyncs.get(z);
    if (list === undefined) this.pendingSyncs.set(z, [conn]);
    else list.push(conn);
  }

  // ---------------------------------------------------------------- time

  /** Runs every deadline that has passed, earliest first. */
  private runDue(now: number): void {
    for (;;) {
      if (this.phaseValue === 'stopped') return;
      const due = this.nextWakeMs();
      if (due === null || due > now) return;
      if (this.phaseValue !== 'broadcast' && this.phaseDeadlineMs === due) return this.abdicate(this.timeoutReason());
      if (this.phaseValue === 'broadcast' && this.nextHalfTickMs === due) {
        this.halfTick(due);
        continue;
      }
      this.learnersState.expireReads(due);
    }
  }

  private timeoutReason(): string {
    switch (this.phaseValue) {
      case 'epoch':
        return 'Timeout while waiting for epoch from quorum';
      case 'epochAck':
        return 'Timeout while waiting for epoch to be acked by quorum';
      default:
        return `Waiting for a quorum of followers, only synced with sids: [ ${[...this.newLeaderAcks].join(',')} ]`;
    }
  }

  /** One iteration of Leader.lead's loop: every other one is a tick that checks the quorum; all ping. */
  private halfTick(at: number): void {
    const learners = this.learnersState;
    this.nextHalfTickMs = at + Math.floor(this.opts.tickTimeMs / 2);
    if (!this.tickSkip) {
      this.tickCount++;
      const synced = new Set<Sid>([this.opts.sid]);
      for (const h of learners.all()) if (h.sid !== null && learners.synced(h)) synced.add(h.sid);
      // Leader.lead's syncedAckSet: a quorum of the committed config and, while a reconfig is
      // pending, of the proposed one too (else that reconfig could never commit).
      const pending = this.pendingReconfig?.members;
      if (!this.members.containsQuorum(synced) || (pending !== undefined && !pending.containsQuorum(synced))) {
        return this.abdicate(`Not sufficient followers synced, only synced with sids: [ ${[...synced].join(',')} ]`);
      }
    }
    this.tickSkip = !this.tickSkip;
    for (const h of learners.all()) {
      if (!h.sending) continue;
      if (!h.syncLimit.ok(at, this.syncMs)) {
        learners.drop(h, `Closing connection to ${h.label()} due to transaction timeout`);
        continue;
      }
      learners.send(h.conn, bare(PacketType.PING, this.lastProposed));
    }
  }

  /** Leader.shutdown: close every learner and go back to looking. */
  private abdicate(reason: string): void {
    for (const h of this.learnersState.all()) this.learnersState.drop(h, 'leader shutting down');
    this.phaseValue = 'stopped';
    this.tokens.clear();
    this.out.push({ type: 'abdicate', reason });
  }
}
