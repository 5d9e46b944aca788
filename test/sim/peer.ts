// One simulated server: the imperative shell around the production machines, as the peer runtime
// runs them. It boots from its disk, runs FleMachine until a decision, then a ZabLeader or a
// ZabLearner, carrying their outputs out against the simulated disk and network and feeding
// completions back in, and returns to LOOKING when the Zab machine gives up. Leader and learner
// outputs are handled in peer-zab.ts.

import { FleMachine, type FleOutput } from '../../src/quorum/election/fle-machine';
import { decodeNotification, encodeNotification, type OutgoingNotification } from '../../src/quorum/election/notification';
import type { QuorumMembers, Sid, Vote } from '../../src/quorum/types';
import type { ZabLeader } from '../../src/quorum/zab/leader';
import type { ZabLearner } from '../../src/quorum/zab/learner';
import type { Checker } from './checker';
import type { RuntimePolicy } from './policy';
import type { QuorumConn } from './conn';
import { fastForward, restore, SimDisk } from './disk';
import { Db, zxidHex } from './model';
import { membershipKey } from './reconfig-peer';
import type { Net } from './network';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

export interface Timing {
  readonly tickTimeMs: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly finalizeWaitMs: number;
  readonly maxNotificationIntervalMs: number;
  readonly commitLogCount: number;
  readonly txnLogSync: boolean;
  /** How often a learner re-dials a leader that is not accepting yet (Learner.connectToLeader). */
  readonly connectRetryMs: number;
}

/** What a peer needs from the world around it. */
export interface PeerEnv {
  readonly sched: Scheduler;
  readonly rng: Rng;
  readonly net: Net;
  readonly checker: Checker;
  readonly timing: Timing;
  readonly policy: RuntimePolicy;
  readonly members: QuorumMembers;
  readonly configText: string;
  /** Reconfig worlds only (reconfig-check.ts). */
  readonly configs: import('./reconfig-check').ConfigChecker | null;
  readonly reconfigRuntime: import('./reconfig-peer').ReconfigRuntime | null;
  peer(sid: Sid): SimPeer;
  trace(sid: Sid | null, msg: () => string): void;
  /** Counts an event for the coverage numbers (which sync kinds, abdications, ... a sweep saw). */
  count(what: string): void;
  nextMachineId(): number;
  /** A txn was applied at `peer` (clients connected there may get their reply). */
  applied(peer: SimPeer, session: bigint, seq: number, zxid: bigint): void;
  sessionRevalidated(peer: SimPeer, session: bigint, valid: boolean): void;
  /** A learner hit the reference's process exit (or the machine threw): restart the process. */
  fatal(peer: SimPeer, reason: string): void;
}

export interface Leading {
  readonly kind: 'leading';
  readonly mid: number;
  readonly m: ZabLeader;
  readonly conns: Map<number, QuorumConn>;
  /** The leader's session owners (SessionTrackerImpl's owner field): who may submit for a session. */
  readonly owners: Map<bigint, Sid>;
  serving: boolean;
  /** Reconfig worlds: this leader no longer votes; it must not commit a proposal above this zxid. */
  nonVoterFrom?: bigint;
  /** Reconfig worlds: each commit is checked against the acks received (reconfig-check.ts). */
  quorums?: import('./reconfig-check').CommitQuorums;
}

export interface Connecting {
  readonly kind: 'connecting';
  readonly mid: number;
  readonly leader: Sid;
  readonly observer: boolean;
  readonly giveUpAt: number;
}

export interface Following {
  readonly kind: 'following';
  readonly mid: number;
  readonly m: ZabLearner;
  readonly conn: QuorumConn;
  readonly observer: boolean;
  serving: boolean;
  /** A loadSnapshot is waiting for the SNAP stream. */
  snapshot: { zxid: bigint; token: number } | null;
  /** A SNAP stream became the database and the NEWLEADER snapshot has not made it durable yet. */
  snapAdopted: boolean;
  /** Reconfig worlds: an activation changed this server's role or leader; leave after the next apply. */
  endAfterApply?: boolean;
}

export type Role = { readonly kind: 'down' } | { readonly kind: 'looking' } | { readonly kind: 'draining' } | Leading | Connecting | Following;

export class SimPeer {
  up = false;
  /** Bumped at every crash: whatever was scheduled for an earlier process is void. */
  incarnation = 0;
  role: Role = { kind: 'down' };
  db = new Db();
  readonly disk: SimDisk;
  /** Bumped whenever serving starts or stops: client connections belong to one period. */
  servingPeriod = 0;
  fle: FleMachine | null = null;
  private fleTimer = 0;
  private readonly lastSent = new Map<Sid, OutgoingNotification>();
  wakeAt: number | null = null;
  /** Filled in by peer-zab.ts (kept apart to keep files small). */
  zab!: import('./peer-zab').ZabShell;
  /** Reconfig worlds only (reconfig-peer.ts): this server's own config; null = the world's fixed one. */
  cfg: import('./reconfig-peer').SimConfig | null = null;

  constructor(
    readonly env: PeerEnv,
    readonly sid: Sid,
    readonly observer: boolean,
    diskLatency: () => number,
  ) {
    this.disk = new SimDisk(env.sched, diskLatency, (msg) => env.trace(sid, () => `disk warning: ${msg}`));
  }

  get serving(): boolean {
    return (this.role.kind === 'leading' || this.role.kind === 'following') && this.role.serving;
  }

  get durable(): { acceptedEpoch: bigint; currentEpoch: bigint } {
    return this.disk.durable;
  }

  /** Starts the process: load the database from disk and look for a leader. */
  boot(): void {
    if (this.up) return;
    this.up = true;
    this.db = restore(this.disk.durable);
    const d = this.disk.durable;
    const epochOfZxid = this.db.lastProcessed >> 32n;
    if (epochOfZxid > d.currentEpoch) {
      // QuorumPeer.loadDataBase refuses to start here ("The current epoch ... is older than the
      // last zxid"); we note it and carry on so the run keeps checking safety.
      this.env.trace(this.sid, () => `boot: currentEpoch ${d.currentEpoch} is older than the last zxid ${zxidHex(this.db.lastProcessed)}`);
      this.env.checker.note(`server ${this.sid} restarted with currentEpoch ${d.currentEpoch} below the epoch of its last zxid ${zxidHex(this.db.lastProcessed)}`);
    }
    this.env.trace(this.sid, () => `boot: lastZxid ${zxidHex(this.db.lastProcessed)} acceptedEpoch ${d.acceptedEpoch} currentEpoch ${d.currentEpoch} log ${d.log.length}`);
    this.cfg?.restart();
    const cfg = this.cfg?.pc;
    this.fle = new FleMachine({
      myId: this.sid,
      members: cfg === undefined ? this.env.members : cfg.members,
      configText: cfg === undefined ? this.env.configText : cfg.text,
      lastZxid: this.db.lastProcessed,
      currentEpoch: d.currentEpoch,
      isObserver: cfg === undefined ? this.observer : cfg.members.observers.has(this.sid),
      finalizeWaitMs: this.env.timing.finalizeWaitMs,
      maxNotificationIntervalMs: this.env.timing.maxNotificationIntervalMs,
    });
    this.role = { kind: 'looking' };
    this.applyFle(this.fle.start(this.env.sched.now));
  }

  /** The process dies. `keep` queued disk writes made it; `silent` means no FIN reaches peers. */
  crash(keep: number, silent: boolean): void {
    if (!this.up) return;
    const lost = this.disk.crash(keep);
    this.env.count(silent ? 'crash (power loss)' : 'crash (process)');
    this.env.trace(this.sid, () => `CRASH (${silent ? 'power loss' : 'process'}; ${keep} queued writes kept, lost: ${lost.join(', ') || 'none'})`);
    this.up = false;
    this.incarnation++;
    this.fleTimer++;
    this.wakeAt = null;
    const r = this.role;
    if (r.kind === 'leading') for (const c of r.conns.values()) c.hostDown(this.sid, silent);
    if (r.kind === 'following') r.conn.hostDown(this.sid, silent);
    if (this.serving) this.servingPeriod++;
    this.role = { kind: 'down' };
    this.fle = null;
    this.lastSent.clear();
  }

  // ---------------------------------------------------------------- election

  receiveNotification(from: Sid, payload: Buffer): void {
    if (!this.up || this.fle === null) return;
    const d = decodeNotification(payload);
    if (!d.ok) throw new Error(`undecodable notification from ${from}: ${d.error.message}`);
    this.applyFle(this.fle.onNotification(from, d.notification, this.env.sched.now));
  }

  private sendNotification(to: Sid, n: OutgoingNotification): void {
    this.lastSent.set(to, n);
    const payload = encodeNotification(n);
    const target = this.env.peer(to);
    const inc = target.incarnation;
    // A message in flight to a process that restarted died with its connection.
    this.env.net.datagram(this.sid, to, () => {
      if (target.incarnation === inc) target.receiveNotification(this.sid, payload);
    });
  }

  /** A peer came (back) up: our connection to it re-sends the last message (QuorumCnxManager). */
  resendTo(to: Sid): void {
    const n = this.lastSent.get(to);
    if (this.up && n !== undefined) this.sendNotification(to, n);
  }

  applyFle(outs: readonly FleOutput[]): void {
    for (const o of outs) {
      switch (o.type) {
        case 'send':
          this.sendNotification(o.to, o.n);
          break;
        case 'setTimer': {
          const gen = ++this.fleTimer;
          const inc = this.incarnation;
          this.env.sched.at(o.atMs, () => {
            if (this.incarnation !== inc || this.fleTimer !== gen || this.fle === null) return;
            this.applyFle(this.fle.onTimer(this.env.sched.now, this.delivered()));
          });
          break;
        }
        case 'clearTimer':
          this.fleTimer++;
          break;
        case 'reconnectAll':
          for (const to of [...this.lastSent.keys()]) this.resendTo(to);
          break;
        case 'decided':
          this.decided(o.vote);
          break;
        case 'newerConfig':
          // QuorumPeer's onNewerConfig: a LOOKING peer adopts a newer config seen in a notification.
          if (this.cfg !== null && this.role.kind === 'looking') {
            this.env.trace(this.sid, () => `adopts config ${o.version.toString(16)} from ${o.from}'s notification`);
            const before = membershipKey(this.cfg.members);
            this.cfg.activate(o.config, null, -1n, this.cfg.members.observers.has(this.sid), `gossip from ${o.from}`);
            if (this.env.reconfigRuntime?.restartOnNewerConfig === true && membershipKey(this.cfg.members) !== before) {
              this.env.trace(this.sid, () => 'restarts the election with the new members');
              this.applyFle(this.fle!.restart(this.env.sched.now));
              return;
            }
          } else this.env.trace(this.sid, () => `newer config from ${o.from} (ignored)`);
          break;
      }
    }
  }

  /** QuorumCnxManager.haveDelivered: some peer's queue is empty; here, some peer is reachable. */
  private delivered(): boolean {
    for (const sid of [...this.env.members.voters, ...this.env.members.observers]) {
      if (sid !== this.sid && this.env.net.reachable(this.sid, sid)) return true;
    }
    return false;
  }

  private decided(vote: Vote): void {
    this.env.trace(this.sid, () => `decided ${vote.state} leader ${vote.id} (zxid ${zxidHex(vote.zxid)}, round ${vote.electionEpoch}, peerEpoch ${vote.peerEpoch})`);
    if (vote.state === 'LEADING') return this.zab.lead();
    const mid = this.env.nextMachineId();
    this.role = { kind: 'connecting', mid, leader: vote.id, observer: vote.state === 'OBSERVING', giveUpAt: this.env.sched.now + this.env.timing.initLimit * this.env.timing.tickTimeMs };
    this.zab.dial(mid);
  }

  /**
   * The Zab role ended (abdication, lost leader, timeouts): wait for the disk queue to drain, apply
   * the txns logged but never committed here (fastForwardDataBase), then start a new election
   * round, as QuorumPeer.rounds does. A SNAP-adopted tree not yet snapshotted is kept or reloaded
   * from disk depending on the runtime policy (policy.ts).
   */
  endRole(reason: string): void {
    const r = this.role;
    this.env.trace(this.sid, () => `leaves ${r.kind}: ${reason}`);
    let reload = false;
    if (r.kind === 'leading') for (const c of r.conns.values()) c.closeByLeader();
    if (r.kind === 'following') {
      r.conn.closeByLearner();
      reload = r.snapAdopted && this.env.policy.reloadAfterUnfinishedSnap;
    }
    if (this.serving) this.servingPeriod++;
    this.wakeAt = null;
    this.role = { kind: 'draining' };
    this.fle!.setPeerState('LOOKING');
    const inc = this.incarnation;
    this.disk.whenIdle(() => {
      if (this.incarnation !== inc || this.role.kind !== 'draining') return;
      if (reload) this.db = restore(this.disk.durable);
      else fastForward(this.db, this.disk.durable);
      this.role = { kind: 'looking' };
      this.env.trace(this.sid, () => `LOOKING with lastZxid ${zxidHex(this.db.lastProcessed)} currentEpoch ${this.disk.durable.currentEpoch}`);
      this.applyFle(this.fle!.start(this.env.sched.now, { lastZxid: this.db.lastProcessed, currentEpoch: this.disk.durable.currentEpoch }));
    });
  }
}
