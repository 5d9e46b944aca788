// Fast leader election (FastLeaderElection.lookForLeader + its WorkerReceiver) as a pure,
// deterministic state machine. No sockets, clocks or threads: the shell feeds received
// notifications and timer expiries in, with the current time, and carries the returned outputs out
// (notifications to send, the one timer to arm, a reconnect request, the decision).
//
// Where the reference blocks in `recvqueue.poll(timeout)`, this machine arms one timer: a poll
// that returns a notification restarts the wait, so every processed notification re-arms it.
// Notifications the reference sends to itself (through QuorumCnxManager's loopback) are handled
// right after the input that produced them, at the same instant.

import type { QuorumMembers, ServerStateName, Sid, Vote, Zxid } from '../types';
import { LONG_MIN } from '../types';
import { configTextVersion } from './config-text';
import { notificationState, type Notification, type OutgoingNotification } from './notification';
import { agreeingQuorum, beats, leaderConfirmed, type Candidate, type RecordedVote } from './votes';

export type DecidedState = 'LEADING' | 'FOLLOWING' | 'OBSERVING';

export type FleOutput =
  | { readonly type: 'send'; readonly to: Sid; readonly n: OutgoingNotification }
  | { readonly type: 'setTimer'; readonly atMs: number }
  | { readonly type: 'clearTimer' }
  /** The notification timer fired with undelivered messages: re-dial every peer (connectAll). */
  | { readonly type: 'reconnectAll' }
  | { readonly type: 'decided'; readonly state: DecidedState; readonly vote: Vote }
  /** A peer carries a config with a higher version; the reference reconfigures while LOOKING. */
  | { readonly type: 'newerConfig'; readonly from: Sid; readonly version: bigint; readonly config: string };

export interface FleOptions {
  readonly myId: Sid;
  /** The current config (QuorumVerifier). */
  readonly members: QuorumMembers;
  /** The last seen config, when newer than `members` (a reconfig in flight); its voters count too. */
  readonly nextMembers?: QuorumMembers | null;
  /** QuorumVerifier.toString() of `members`, carried in every notification this server sends. */
  readonly configText: string;
  /** The data tree's last processed zxid (lastLoggedZxid). */
  readonly lastZxid: Zxid;
  /** The currentEpoch file's value. */
  readonly currentEpoch: bigint;
  /** An observer never proposes itself (its own vote uses Long.MIN_VALUE fields). Default: listed as observer. */
  readonly isObserver?: boolean;
  readonly finalizeWaitMs?: number;
  readonly minNotificationIntervalMs?: number;
  readonly maxNotificationIntervalMs?: number;
}

type Phase = 'idle' | 'polling' | 'finalizing' | 'decided';

/** Notifications held while LOOKING before start() (the reference's recvqueue, CircularBlockingQueue(100)). */
const PENDING_MAX = 100;

export class FleMachine {
  readonly myId: Sid;
  private members: QuorumMembers;
  private nextMembers: QuorumMembers | null;
  private configText: string;
  private isObserver: boolean;
  readonly finalizeWaitMs: number;
  readonly minNotificationIntervalMs: number;
  readonly maxNotificationIntervalMs: number;

  private lastZxid: Zxid;
  private currentEpoch: bigint;
  private peerState: ServerStateName = 'LOOKING';
  private phase: Phase = 'idle';
  private clock = 0n;
  private proposal: Candidate;
  private current: Vote;
  private recvset = new Map<Sid, RecordedVote>();
  private outofelection = new Map<Sid, RecordedVote>();
  private notTimeoutMs: number;
  private deadlineMs: number | null = null;
  private pending: { from: Sid; n: Notification }[] = [];
  /**
   * The latest LOOKING notification of a newer round from each voter, received while we were
   * still settled (FOLLOWING/LEADING): see onNotification. Kept with its arrival time.
   */
  private heldWhileSettled = new Map<Sid, { n: Notification; atMs: number }>();
  private loopback: OutgoingNotification[] = [];

  constructor(o: FleOptions) {
    this.myId = o.myId;
    this.members = o.members;
    this.nextMembers = o.nextMembers && o.nextMembers.version > o.members.version ? o.nextMembers : null;
    this.configText = o.configText;
    this.isObserver = o.isObserver ?? o.members.observers.has(o.myId);
    this.finalizeWaitMs = positive(o.finalizeWaitMs ?? 200, 'finalizeWaitMs');
    this.minNotificationIntervalMs = positive(o.minNotificationIntervalMs ?? this.finalizeWaitMs, 'minNotificationIntervalMs');
    this.maxNotificationIntervalMs = positive(o.maxNotificationIntervalMs ?? 60_000, 'maxNotificationIntervalMs');
    this.notTimeoutMs = this.minNotificationIntervalMs;
    this.lastZxid = o.lastZxid;
    this.currentEpoch = o.currentEpoch;
    this.proposal = { leader: -1n, zxid: -1n, peerEpoch: -1n };
    // QuorumPeer.startLeaderElection: the vote answered to non-voters until a decision exists.
    this.current = { id: o.myId, zxid: o.lastZxid, electionEpoch: -1n, peerEpoch: o.currentEpoch, state: 'LOOKING' };
  }

  get state(): ServerStateName {
    return this.peerState;
  }
  get logicalClock(): bigint {
    return this.clock;
  }
  /** The vote this server is currently proposing (getVote()). */
  get proposed(): Candidate {
    return this.proposal;
  }
  /** QuorumPeer's currentVote: the last decision (or the initial self vote). */
  get currentVote(): Vote {
    return this.current;
  }
  get notificationTimeoutMs(): number {
    return this.notTimeoutMs;
  }
  get isFinalizing(): boolean {
    return this.phase === 'finalizing';
  }

  /**
   * A reconfig was activated (QuorumPeer.setQuorumVerifier, then restartLeaderElection): later
   * votes are counted against `members`, and notifications carry `configText`. A pending next
   * config no newer than it is dropped.
   */
  setMembers(members: QuorumMembers, configText: string): void {
    this.members = members;
    this.configText = configText;
    if (this.nextMembers !== null && this.nextMembers.version <= members.version) this.nextMembers = null;
  }

  /** The last seen config, when newer than the committed one: its voters count too (termPredicate). */
  setNextMembers(next: QuorumMembers | null): void {
    this.nextMembers = next !== null && next.version > this.members.version ? next : null;
  }

  /**
   * QuorumPeer.setLearnerType after a reconfig (updateLearnerType): the reference's election reads
   * the learner type afresh each time, so an observer turned participant proposes itself next round.
   */
  setObserver(observer: boolean): void {
    this.isObserver = observer;
  }

  /**
   * The peer leaves LOOKING without an election (QuorumPeer.updateServerState after a reconfig
   * named the leader): `vote` becomes the current vote answered to LOOKING peers.
   */
  assume(state: DecidedState, vote: Vote): FleOutput[] {
    this.current = vote;
    return this.setPeerState(state);
  }

  /**
   * restartLeaderElection / shuttingDownLE: the reference shuts the election down and starts a new
   * FastLeaderElection, whose logical clock starts again from zero; the round begins anew.
   */
  restart(nowMs: number): FleOutput[] {
    this.clock = 0n;
    this.deadlineMs = null;
    this.loopback = [];
    return this.start(nowMs);
  }

  /**
   * Begins a round (lookForLeader): the logical clock advances, the vote goes to ourselves and to
   * every voter. `history` refreshes lastZxid/currentEpoch when the peer comes back to LOOKING.
   */
  start(nowMs: number, history?: { lastZxid: Zxid; currentEpoch: bigint }): FleOutput[] {
    if (history) {
      this.lastZxid = history.lastZxid;
      this.currentEpoch = history.currentEpoch;
    }
    const out: FleOutput[] = [];
    this.peerState = 'LOOKING';
    this.phase = 'polling';
    this.recvset = new Map();
    this.outofelection = new Map();
    this.notTimeoutMs = this.minNotificationIntervalMs;
    this.clock += 1n;
    this.proposal = this.initialCandidate();
    this.sendNotifications(out);
    this.arm(out, nowMs + this.notTimeoutMs);
    const held = [...this.takeHeldWhileSettled(nowMs), ...this.pending];
    this.pending = [];
    for (const p of held) {
      if (this.phase !== 'polling' && this.phase !== 'finalizing') break;
      this.received(p.from, p.n, nowMs, out);
    }
    this.drainLoopback(nowMs, out);
    return lastTimerOnly(out);
  }

  /** A notification from `from` (already decoded); handled in every state, as the WorkerReceiver does. */
  onNotification(from: Sid, n: Notification, nowMs: number): FleOutput[] {
    const out: FleOutput[] = [];
    // The WorkerReceiver stops handling a notification whose newer config it adopts (it then
    // restarts the election, and the notification is not looked at again).
    if (this.noticeConfig(from, n, out)) return out;
    if (!this.validVoter(from)) {
      // Non-voters (observers) get our current vote right away and never enter the election.
      out.push(this.reply(from, this.current.id, this.current.zxid, this.clock, this.current.peerEpoch));
      return out;
    }
    const state = notificationState(n);
    if (state === undefined) return out;
    if (this.peerState !== 'LOOKING') {
      const answer = answerWhileNotLooking(this.peerState, this.current, this.configText, from, state);
      if (answer !== null) out.push(answer);
      // A peer in a newer round than ours has lost the leader we both followed, and we usually
      // notice the same loss a moment later. The reference drops this vote here (its WorkerReceiver
      // only queues while LOOKING). If it came from the eventual winner, the round then waits out
      // one or two notification timeouts (the loser's own vote does not beat the winner's, so
      // nobody re-sends before then). Java rarely pays that: its vote crosses several thread
      // hand-offs and usually lands after the receiver is LOOKING. Ours lands in the same
      // event-loop turn as the leader's EOF, so about half of our leader-kill elections took
      // 550-750 ms instead of ~200. We still answer exactly as the reference does, and also keep
      // the vote so the next round reads it as a message delayed by a few milliseconds.
      if (state === 'LOOKING' && n.electionEpoch > this.clock) this.heldWhileSettled.set(from, { n, atMs: nowMs });
      return out;
    }
    if (state === 'LOOKING' && n.electionEpoch < this.clock) {
      // A peer still in an older round learns ours at once.
      out.push(this.reply(from, this.proposal.leader, this.proposal.zxid, this.clock, this.proposal.peerEpoch, 'LOOKING'));
    }
    if (this.phase === 'idle') {
      this.pending.push({ from, n });
      if (this.pending.length > PENDING_MAX) this.pending.shift();
      return out;
    }
    this.received(from, n, nowMs, out);
    this.drainLoopback(nowMs, out);
    return lastTimerOnly(out);
  }

  /**
   * The armed timer fired. `delivered` is QuorumCnxManager.haveDelivered() (true when some send
   * queue is empty); when false the reference re-dials every peer instead of re-sending.
   */
  onTimer(nowMs: number, delivered = true): FleOutput[] {
    const out: FleOutput[] = [];
    if (this.deadlineMs === null) return out;
    // Real timers may fire a little early: keep the deadline armed rather than lose it.
    if (nowMs < this.deadlineMs) return [{ type: 'setTimer', atMs: this.deadlineMs }];
    this.deadlineMs = null;
    if (this.phase === 'finalizing') {
      this.decide(this.proposal.leader, this.proposal.zxid, this.clock, this.proposal.peerEpoch, out);
      return lastTimerOnly(out);
    }
    if (this.phase !== 'polling') return out;
    if (delivered) this.sendNotifications(out);
    else out.push({ type: 'reconnectAll' });
    this.notTimeoutMs = Math.min(this.notTimeoutMs * 2, this.maxNotificationIntervalMs);
    this.arm(out, nowMs + this.notTimeoutMs);
    this.drainLoopback(nowMs, out);
    return lastTimerOnly(out);
  }

  /** The peer left LOOKING or changed role outside the election (e.g. a learner that lost its leader). */
  setPeerState(state: ServerStateName): FleOutput[] {
    this.peerState = state;
    if (state === 'LOOKING') {
      if (this.phase === 'decided') this.phase = 'idle';
      return [];
    }
    this.phase = 'decided';
    this.pending = [];
    this.loopback = [];
    this.deadlineMs = null;
    return [{ type: 'clearTimer' }];
  }

  /** QuorumPeer.updateElectionVote: after a sync the vote carries the new epoch. */
  updateElectionVote(newEpoch: bigint): void {
    this.current = { ...this.current, peerEpoch: newEpoch };
  }

  /**
   * The votes held while settled, oldest first, for the round that starts now. A copy older than
   * one notification interval is dropped: a sender still looking re-sends by then, and an older
   * vote would only be stale.
   */
  private takeHeldWhileSettled(nowMs: number): { from: Sid; n: Notification }[] {
    const fresh = [...this.heldWhileSettled]
      .filter(([, h]) => nowMs - h.atMs <= this.minNotificationIntervalMs)
      .sort((a, b) => a[1].atMs - b[1].atMs)
      .map(([from, h]) => ({ from, n: h.n }));
    this.heldWhileSettled.clear();
    return fresh;
  }

  // --- lookForLeader's loop body ---------------------------------------------------------------

  private received(from: Sid, n: Notification, nowMs: number, out: FleOutput[]): void {
    if (this.phase === 'finalizing') {
      // Waiting out finalizeWait: only a better vote matters; anything else is consumed unseen.
      if (!beats(this.members, candidateOf(n), this.proposal)) {
        this.arm(out, nowMs + this.finalizeWaitMs);
        return;
      }
      this.phase = 'polling';
    }
    if (this.phase !== 'polling') return;
    this.arm(out, nowMs + this.notTimeoutMs);
    if (!this.validVoter(n.leader)) return;
    switch (notificationState(n)) {
      case 'LOOKING':
        this.lookingNotification(from, n, nowMs, out);
        return;
      case 'FOLLOWING':
      case 'LEADING':
        this.settledNotification(from, n, out);
        return;
      case 'OBSERVING':
      case undefined:
        return;
    }
  }

  private lookingNotification(from: Sid, n: Notification, nowMs: number, out: FleOutput[]): void {
    if (this.initialZxid() === -1n || n.zxid === -1n) return;
    const theirs = candidateOf(n);
    if (n.electionEpoch > this.clock) {
      this.clock = n.electionEpoch;
      this.recvset.clear();
      const mine = this.initialCandidate();
      this.proposal = beats(this.members, theirs, mine) ? theirs : mine;
      this.sendNotifications(out);
    } else if (n.electionEpoch < this.clock) {
      return;
    } else if (beats(this.members, theirs, this.proposal)) {
      this.proposal = theirs;
      this.sendNotifications(out);
    }
    this.recvset.set(from, { id: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: 'LOOKING', version: 0 });
    const mine: RecordedVote = { id: this.proposal.leader, zxid: this.proposal.zxid, electionEpoch: this.clock, peerEpoch: this.proposal.peerEpoch, state: 'LOOKING', version: 0 };
    if (agreeingQuorum(this.recvset, mine, this.configs())) {
      this.phase = 'finalizing';
      this.arm(out, nowMs + this.finalizeWaitMs);
    }
  }

  /** receivedFollowingNotification: join a round that already ended, or an established ensemble. */
  private settledNotification(from: Sid, n: Notification, out: FleOutput[]): void {
    const state = notificationState(n)!;
    const theirs: RecordedVote = { id: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state, version: n.version };
    if (n.electionEpoch === this.clock) {
      this.recvset.set(from, { ...theirs, version: 0 });
      if (agreeingQuorum(this.recvset, theirs, this.configs()) && leaderConfirmed(this.recvset, n.leader, n.electionEpoch, this.myId, this.clock)) {
        this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, out);
        return;
      }
    }
    // outofelection also keeps votes of the current round (ZOOKEEPER-1732).
    this.outofelection.set(from, theirs);
    if (agreeingQuorum(this.outofelection, theirs, this.configs()) && leaderConfirmed(this.outofelection, n.leader, n.electionEpoch, this.myId, this.clock)) {
      this.clock = n.electionEpoch;
      this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, out);
    }
  }

  private decide(leader: Sid, zxid: Zxid, electionEpoch: bigint, peerEpoch: bigint, out: FleOutput[]): void {
    const state: DecidedState = leader === this.myId ? 'LEADING' : this.isObserver ? 'OBSERVING' : 'FOLLOWING';
    this.peerState = state;
    this.phase = 'decided';
    this.current = { id: leader, zxid, electionEpoch, peerEpoch, state: 'LOOKING' };
    // leaveInstance: whatever was still queued for this round is dropped.
    this.loopback = [];
    this.deadlineMs = null;
    out.push({ type: 'clearTimer' }, { type: 'decided', state, vote: { id: leader, zxid, electionEpoch, peerEpoch, state } });
  }

  // --- helpers ---------------------------------------------------------------------------------

  private sendNotifications(out: FleOutput[]): void {
    for (const sid of this.voterIds()) {
      const n: OutgoingNotification = {
        state: 'LOOKING',
        leader: this.proposal.leader,
        zxid: this.proposal.zxid,
        electionEpoch: this.clock,
        peerEpoch: this.proposal.peerEpoch,
        config: this.configText,
      };
      if (sid === this.myId) this.loopback.push(n);
      else out.push({ type: 'send', to: sid, n });
    }
  }

  private drainLoopback(nowMs: number, out: FleOutput[]): void {
    while (this.loopback.length > 0 && (this.phase === 'polling' || this.phase === 'finalizing')) {
      const o = this.loopback.shift()!;
      const n: Notification = { state: 0, leader: o.leader, zxid: o.zxid, electionEpoch: o.electionEpoch, peerEpoch: o.peerEpoch, version: 2, config: o.config };
      this.received(this.myId, n, nowMs, out);
    }
    this.loopback = [];
  }

  private reply(to: Sid, leader: Sid, zxid: Zxid, electionEpoch: bigint, peerEpoch: bigint, state: ServerStateName = this.peerState): FleOutput {
    return { type: 'send', to, n: { state, leader, zxid, electionEpoch, peerEpoch, config: this.configText } };
  }

  /** True when the notification carries a newer config (the shell adopts it and maybe restarts). */
  private noticeConfig(from: Sid, n: Notification, out: FleOutput[]): boolean {
    if (n.config === null || this.peerState !== 'LOOKING') return false;
    const version = configTextVersion(n.config);
    if (version === undefined || version <= this.members.version) return false;
    out.push({ type: 'newerConfig', from, version, config: n.config });
    return true;
  }

  private arm(out: FleOutput[], atMs: number): void {
    this.deadlineMs = atMs;
    out.push({ type: 'setTimer', atMs });
  }

  private initialCandidate(): Candidate {
    return { leader: this.members.voters.has(this.myId) ? this.myId : LONG_MIN, zxid: this.initialZxid(), peerEpoch: this.isObserver ? LONG_MIN : this.currentEpoch };
  }

  private initialZxid(): Zxid {
    return this.isObserver ? LONG_MIN : this.lastZxid;
  }

  private configs(): QuorumMembers[] {
    return this.nextMembers === null ? [this.members] : [this.members, this.nextMembers];
  }

  private voterIds(): Sid[] {
    const ids = new Set<Sid>(this.members.voters);
    if (this.nextMembers !== null) for (const s of this.nextMembers.voters) ids.add(s);
    return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }

  private validVoter(sid: Sid): boolean {
    return this.members.voters.has(sid) || (this.nextMembers?.voters.has(sid) ?? false);
  }
}

/**
 * The WorkerReceiver's answer while this server is not LOOKING: a LOOKING peer is told the
 * current vote (its stored electionEpoch and peerEpoch) with our state; anything else gets nothing.
 */
export function answerWhileNotLooking(myState: ServerStateName, current: Vote, configText: string, from: Sid, theirState: ServerStateName): FleOutput | null {
  if (myState === 'LOOKING' || theirState !== 'LOOKING') return null;
  return { type: 'send', to: from, n: { state: myState, leader: current.id, zxid: current.zxid, electionEpoch: current.electionEpoch, peerEpoch: current.peerEpoch, config: configText } };
}

/** A step may re-arm the timer several times; the shell only needs the final word. */
function lastTimerOnly(out: FleOutput[]): FleOutput[] {
  let last = -1;
  for (let i = 0; i < out.length; i++) if (out[i]!.type === 'setTimer' || out[i]!.type === 'clearTimer') last = i;
  return out.filter((o, i) => (o.type !== 'setTimer' && o.type !== 'clearTimer') || i === last);
}

function candidateOf(n: Notification): Candidate {
  return { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
}

function positive(v: number, name: string): number {
  if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${name} must be a positive integer of milliseconds (got ${v})`);
  return v;
}
