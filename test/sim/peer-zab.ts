// The Zab half of a simulated server: creates the production ZabLeader / ZabLearner for a role,
// carries their outputs out (packets on quorum connections, disk writes with persist tokens,
// applying commits, serving) and feeds back what comes in (packets, FIN, persisted, ticks).
// Also the tiny request pipeline of the leader: a client write becomes a txn with the next zxid,
// refused when the session belongs to another server (SessionMovedException).

import type { QuorumPacket } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import type { Sid } from '../../src/quorum/types';
import type { ZabTxn } from '../../src/quorum/zab/common';
import { ZabLeader } from '../../src/quorum/zab/leader';
import type { LeaderInput, LeaderOutput } from '../../src/quorum/zab/leader-types';
import { ZabLearner } from '../../src/quorum/zab/learner';
import type { LearnerInput, LearnerOutput } from '../../src/quorum/zab/learner-types';
import { PacketType, describePacket } from '../../src/quorum/zab/packets';
import { QuorumConn, type ConnItem } from './conn';
import { restore } from './disk';
import { clientTxn, zxidHex } from './model';
import type { Following, Leading, SimPeer } from './peer';
import { diskOp, txnLogOf, type DiskOutput } from './peer-disk';
import { CommitQuorums } from './reconfig-check';
import { leaderActivates, leaderCommits, leaderServes, learnerActivates, proposedUnder, reconfigLeaderOptions } from './reconfig-zab';

export class ZabShell {
  constructor(private readonly p: SimPeer) {}

  private get env() {
    return this.p.env;
  }
  private get now(): number {
    return this.p.env.sched.now;
  }

  // ---------------------------------------------------------------- leading

  lead(): void {
    const p = this.p;
    const t = this.env.timing;
    const d = p.disk.durable;
    const cfg = p.cfg;
    const m = new ZabLeader({
      sid: p.sid,
      members: cfg === null ? this.env.members : cfg.members,
      ...(cfg === null ? {} : reconfigLeaderOptions(cfg)),
      acceptedEpoch: d.acceptedEpoch,
      currentEpoch: d.currentEpoch,
      lastProcessedZxid: p.db.lastProcessed,
      committedLog: p.db.txns.slice(-t.commitLogCount),
      commitLogCount: t.commitLogCount,
      ...(t.txnLogSync ? { txnLog: txnLogOf(d) } : {}),
      tickTimeMs: t.tickTimeMs,
      initLimit: t.initLimit,
      syncLimit: t.syncLimit,
      nowMs: this.now,
    });
    const r: Leading = { kind: 'leading', mid: this.env.nextMachineId(), m, conns: new Map(), owners: new Map(), serving: false };
    if (cfg !== null && this.env.configs !== null) r.quorums = new CommitQuorums(this.env.checker, p.sid);
    p.role = r;
    p.wakeAt = null;
    this.leaderOutputs(r, m.start());
  }

  private current<R extends Leading | Following>(r: R): boolean {
    return this.p.up && this.p.role === r;
  }

  stepLeader(r: Leading, input: LeaderInput): void {
    if (!this.current(r)) return;
    this.leaderOutputs(r, r.m.step(input));
  }

  private leaderOutputs(r: Leading, outs: readonly LeaderOutput[]): void {
    const p = this.p;
    for (const o of outs) {
      if (!this.current(r)) return;
      switch (o.type) {
        case 'send': {
          const c = r.conns.get(o.to);
          if (c !== undefined && c.leaderOpen) c.down.send({ kind: 'packet', packet: o.packet });
          break;
        }
        case 'sendSnapshot': {
          const c = r.conns.get(o.to);
          if (p.db.lastProcessed !== o.zxid) this.env.checker.fail('safety', `leader ${p.sid} sends a SNAP at ${zxidHex(o.zxid)} but its database is at ${zxidHex(p.db.lastProcessed)}`);
          if (c !== undefined && c.leaderOpen) c.down.send({ kind: 'snapshot', db: p.db.clone() });
          this.later(r, () => this.stepLeader(r, { type: 'snapshotSent', conn: o.to, nowMs: this.now }));
          break;
        }
        case 'close': {
          this.env.trace(p.sid, () => `closes connection ${o.conn}: ${o.reason}`);
          r.conns.get(o.conn)?.closeByLeader();
          break;
        }
        case 'learnerIdentified':
        case 'touchSessions':
          break;
        case 'configProposed':
          p.cfg?.pc.proposed(o.config);
          break;
        case 'activateConfig':
          leaderActivates(p, r, o.config, o.designatedLeader);
          break;
        case 'learnerSyncPlanned':
          this.env.count(`sync ${o.plan.kind} (${o.plan.reason})`);
          this.env.trace(p.sid, () => `syncs ${o.sid} with ${o.plan.kind} ${zxidHex(o.plan.zxid)} (${o.plan.reason}, ${o.plan.proposalCount} txns)`);
          break;
        case 'persistTxns':
        case 'persistEpoch':
          this.disk(r, o);
          break;
        case 'applyCommitted':
          if (p.cfg !== null) leaderCommits(p, r, o.txn.zxid);
          this.apply(o.txn, r.serving, r.m.epoch);
          break;
        case 'serve':
          r.serving = true;
          p.db.lastProcessed = o.zxid;
          if (p.cfg !== null) leaderServes(p, r, o.zxid);
          p.servingPeriod++;
          p.fle?.updateElectionVote(o.epoch);
          this.env.trace(p.sid, () => `ESTABLISHED as leader of epoch ${o.epoch} with ${p.db.txns.length} txns`);
          this.env.count('leader established');
          this.env.checker.established(p.sid, o.epoch, p.db.labels());
          break;
        case 'learnerRequest': {
          const req = o.request;
          if (req.opType === OpCode.create) this.accept(r, o.sid, req.sessionId, req.cxid);
          break;
        }
        case 'revalidateSession':
          r.owners.set(o.sessionId, o.sid);
          this.later(r, () => this.stepLeader(r, { type: 'sessionRevalidated', conn: o.conn, sessionId: o.sessionId, valid: true, nowMs: this.now }));
          break;
        case 'abdicate':
          this.env.count('leader abdicates');
          p.endRole(`abdicates: ${o.reason}`);
          return;
        case 'log':
          this.env.trace(p.sid, () => `leader ${o.level}: ${o.message}`);
          break;
      }
    }
    this.rearm(r);
  }

  /** The leader's prep stage for one client write: owner check, next zxid, propose. */
  accept(r: Leading, from: Sid, session: bigint, seq: number): void {
    if (!this.current(r) || r.m.phase !== 'broadcast') return;
    const owner = r.owners.get(session);
    if (owner !== undefined && owner !== from) {
      this.env.trace(this.p.sid, () => `session ${session} write ${seq} from ${from} refused: the session moved to ${owner}`);
      return;
    }
    r.owners.set(session, from);
    const txn = clientTxn(r.m.lastProposed + 1n, session, seq);
    this.env.trace(this.p.sid, () => `proposes ${zxidHex(txn.zxid)} = session ${session} write ${seq}`);
    this.stepLeader(r, { type: 'propose', txn, nowMs: this.now });
    if (this.p.cfg !== null) proposedUnder(this.p, r, txn.zxid);
  }

  // ---------------------------------------------------------------- following

  /** Learner.connectToLeader: dial until the leader accepts or initLimit runs out. */
  dial(mid: number): void {
    const p = this.p;
    const r = p.role;
    if (!p.up || r.kind !== 'connecting' || r.mid !== mid) return;
    const target = this.env.peer(r.leader);
    const tr = target.role;
    const inc = p.incarnation;
    if (target.up && tr.kind === 'leading' && tr.m.phase !== 'stopped' && this.env.net.reachable(p.sid, target.sid)) {
      // The SYN reaches the leader after one trip; both ends are connected from then on.
      this.env.sched.after(this.env.net.delay(), () => {
        if (p.incarnation !== inc || p.role !== r || target.role !== tr || !target.up || !this.env.net.reachable(p.sid, target.sid)) {
          if (p.incarnation === inc && p.role === r) this.retry(mid);
          return;
        }
        this.follow(mid, r.observer, target, tr);
      });
      return;
    }
    this.retry(mid);
  }

  private retry(mid: number): void {
    const r = this.p.role;
    if (r.kind !== 'connecting' || r.mid !== mid) return;
    if (this.now + this.env.timing.connectRetryMs > r.giveUpAt) return this.p.endRole(`leader ${r.leader} not reachable`);
    const inc = this.p.incarnation;
    this.env.sched.after(this.env.timing.connectRetryMs, () => {
      if (this.p.incarnation === inc) this.dial(mid);
    });
  }

  private follow(mid: number, observer: boolean, leader: SimPeer, leaderRole: Leading): void {
    const p = this.p;
    const t = this.env.timing;
    const d = p.disk.durable;
    const conn = new QuorumConn(this.env.nextMachineId(), p.sid, leader.sid, this.env.net, {
      toLeader: (c, item) => leader.zab.leaderReceives(leaderRole, c, item),
      toLearner: (c, item) => p.zab.learnerReceives(c, item),
    });
    const m = new ZabLearner({
      sid: p.sid,
      kind: observer ? 'observer' : 'follower',
      acceptedEpoch: d.acceptedEpoch,
      currentEpoch: d.currentEpoch,
      lastLoggedZxid: p.db.lastProcessed,
      configVersion: p.cfg === null ? 0n : p.cfg.pc.version,
      ...(p.cfg === null ? {} : { reconfigEnabled: true }),
      tickTimeMs: t.tickTimeMs,
      initLimit: t.initLimit,
      syncLimit: t.syncLimit,
      nowMs: this.now,
    });
    const r: Following = { kind: 'following', mid, m, conn, observer, serving: false, snapshot: null, snapAdopted: false };
    p.role = r;
    p.wakeAt = null;
    this.env.trace(p.sid, () => `connected to leader ${leader.sid} (connection ${conn.id})`);
    leaderRole.conns.set(conn.id, conn);
    leader.zab.stepLeader(leaderRole, { type: 'connected', conn: conn.id, nowMs: this.now });
    this.learnerOutputs(r, m.start());
  }

  stepLearner(r: Following, input: LearnerInput): void {
    if (!this.current(r)) return;
    this.learnerOutputs(r, r.m.step(input));
  }

  private learnerOutputs(r: Following, outs: readonly LearnerOutput[]): void {
    const p = this.p;
    for (const o of outs) {
      if (!this.current(r)) return;
      switch (o.type) {
        case 'send':
          if (r.conn.learnerOpen) r.conn.up.send({ kind: 'packet', packet: o.packet });
          break;
        case 'persistTxns':
        case 'persistEpoch':
        case 'takeSnapshot':
        case 'truncateLog':
          this.disk(r, o);
          break;
        case 'loadSnapshot': {
          const want = { zxid: o.zxid, token: o.token };
          r.snapshot = want;
          // Reading the stream is a socket read with the sync-phase timeout (initLimit ticks).
          // The machine is blocked meanwhile and asks for no tick, so the shell keeps the time.
          if (!this.env.policy.snapStreamReadTimeout) break;
          this.env.sched.after(this.env.timing.initLimit * this.env.timing.tickTimeMs, () => {
            if (!this.current(r) || r.snapshot !== want) return;
            this.env.trace(p.sid, () => 'no SNAP stream from the leader within initLimit: closing');
            r.conn.closeByLearner();
            this.stepLearner(r, { type: 'closed', nowMs: this.now });
          });
          break;
        }
        case 'applyCommitted':
          this.apply(o.txn, r.serving, r.m.newEpoch);
          if (r.endAfterApply === true) {
            p.endRole('changes proposed in reconfig');
            return;
          }
          break;
        case 'configProposed':
          p.cfg?.pc.proposed(o.config);
          break;
        case 'activateConfig':
          if (learnerActivates(p, r, o)) {
            p.endRole('changes proposed in reconfig');
            return;
          }
          break;
        case 'serve':
          r.serving = true;
          p.servingPeriod++;
          p.fle?.updateElectionVote(o.epoch);
          this.env.trace(p.sid, () => `serving in epoch ${o.epoch} with ${p.db.txns.length} txns`);
          this.env.checker.claim(p.sid, o.epoch, p.db.labels(), 'uptodate');
          break;
        case 'sessionRevalidated':
          this.env.sessionRevalidated(p, o.sessionId, o.valid);
          break;
        case 'leaderConfig':
        case 'syncCompleted':
          break;
        case 'disconnect':
          this.env.count('learner disconnects');
          p.endRole(`learner disconnects: ${o.reason}`);
          return;
        case 'fatal':
          this.env.fatal(p, `learner exit ${o.exitCode}: ${o.reason}`);
          return;
        case 'log':
          this.env.trace(p.sid, () => `learner ${o.level}: ${o.message}`);
          break;
      }
    }
    // The NEWLEADER snapshot is durable once the learner moves on (it acks NEWLEADER after it).
    if (r.m.phase === 'awaitUptodate' || r.m.phase === 'broadcast') r.snapAdopted = false;
    this.rearm(r);
  }

  // ---------------------------------------------------------------- connection ends

  leaderReceives(r: Leading, c: QuorumConn, item: ConnItem): void {
    if (!c.leaderOpen || !this.current(r)) return;
    if (item.kind === 'fin') {
      c.closeByLeader();
      return this.stepLeader(r, { type: 'closed', conn: c.id, nowMs: this.now });
    }
    if (item.kind === 'packet') {
      this.env.trace(this.p.sid, () => `<- ${c.learnerSid} ${describe(item.packet)}`);
      if (item.packet.type === PacketType.ACK) r.quorums?.acked(c.learnerSid, item.packet.zxid);
      this.stepLeader(r, { type: 'packet', conn: c.id, packet: item.packet, nowMs: this.now });
    }
  }

  learnerReceives(c: QuorumConn, item: ConnItem): void {
    const r = this.p.role;
    if (!c.learnerOpen || r.kind !== 'following' || r.conn !== c || !this.p.up) return;
    switch (item.kind) {
      case 'fin':
        c.closeByLearner();
        return this.stepLearner(r, { type: 'closed', nowMs: this.now });
      case 'packet':
        this.env.trace(this.p.sid, () => `<- ${c.leaderSid} ${describe(item.packet)}`);
        return this.stepLearner(r, { type: 'packet', packet: item.packet, nowMs: this.now });
      case 'snapshot': {
        const s = r.snapshot;
        if (s === null) {
          this.env.checker.fail('safety', `learner ${this.p.sid} got a SNAP stream it did not ask for`);
          return;
        }
        r.snapshot = null;
        // PeerStorage.adoptSnapshot, through the disk queue: logged txns and snapshots above the
        // leader's zxid are removed, then the received tree becomes the database.
        const p = this.p;
        const inc = p.incarnation;
        p.disk.submit({
          label: `adopt snapshot ${zxidHex(s.zxid)}`,
          apply: p.disk.truncate(s.zxid),
          done: () => {
            if (p.incarnation !== inc || !this.current(r)) return;
            p.db = item.db.clone();
            p.db.lastProcessed = s.zxid;
            r.snapAdopted = true;
            this.env.trace(p.sid, () => `adopted the leader's snapshot at ${zxidHex(s.zxid)} (${item.db.txns.length} txns)`);
            this.stepLearner(r, { type: 'persisted', token: s.token, nowMs: this.now });
          },
        });
        return;
      }
    }
  }

  /** The connection was reset under us. */
  learnerReceivesReset(c: QuorumConn): void {
    const r = this.p.role;
    if (!c.learnerOpen || r.kind !== 'following' || r.conn !== c || !this.p.up) return;
    c.learnerOpen = false;
    this.stepLearner(r, { type: 'closed', nowMs: this.now });
  }

  leaderReceivesReset(c: QuorumConn): void {
    const r = this.p.role;
    if (!c.leaderOpen || r.kind !== 'leading' || r.conns.get(c.id) !== c || !this.p.up) return;
    c.leaderOpen = false;
    this.stepLeader(r, { type: 'closed', conn: c.id, nowMs: this.now });
  }

  // ---------------------------------------------------------------- shared

  private apply(txn: ZabTxn, serving: boolean, epoch: bigint): void {
    const p = this.p;
    p.db.apply(txn);
    if (serving) this.env.checker.claim(p.sid, epoch, p.db.labels(), `commit ${zxidHex(txn.zxid)}`);
    this.env.applied(p, txn.txn.header.clientId, txn.txn.header.cxid, txn.zxid);
  }

  private disk(r: Leading | Following, o: DiskOutput): void {
    const p = this.p;
    const feed = (): void => {
      if (r.kind === 'leading') this.stepLeader(r, { type: 'persisted', token: o.token, nowMs: this.now });
      else this.stepLearner(r, { type: 'persisted', token: o.token, nowMs: this.now });
    };
    const done = o.type === 'truncateLog' && r.kind === 'following' ? () => this.truncated(r, o.zxid, feed) : feed;
    const op = diskOp(p, o, done);
    const inc = p.incarnation;
    p.disk.submit({ ...op, done: () => p.incarnation === inc && op.done() });
  }

  /**
   * PeerStorage.truncateLog has cut the log and dropped snapshots above `zxid`: reload. The reload
   * happens even if the role ended meanwhile (it is one step on the disk queue).
   */
  private truncated(r: Following, zxid: bigint, feed: () => void): void {
    const p = this.p;
    p.db = restore(p.disk.durable);
    if (this.env.policy.truncRequiresHistory && p.db.lastProcessed < zxid && this.current(r)) {
      this.env.trace(p.sid, () => `TRUNC to ${zxidHex(zxid)} left the database at ${zxidHex(p.db.lastProcessed)}: ending the sync`);
      r.conn.closeByLearner();
      this.stepLearner(r, { type: 'closed', nowMs: this.now });
      return;
    }
    feed();
  }

  /** Schedules the next tick at the machine's wake time. */
  private rearm(r: Leading | Following): void {
    const p = this.p;
    if (!this.current(r)) return;
    const w = r.m.nextWakeMs();
    if (w === null || (p.wakeAt !== null && p.wakeAt <= w && p.wakeAt >= this.now)) return;
    p.wakeAt = w;
    this.env.sched.at(w, () => {
      if (!this.current(r) || p.wakeAt !== w) return;
      p.wakeAt = null;
      if (r.kind === 'leading') this.stepLeader(r, { type: 'tick', nowMs: this.now });
      else this.stepLearner(r, { type: 'tick', nowMs: this.now });
    });
  }

  /** Runs `fn` as a separate step at the same instant (what the runtime does asynchronously). */
  private later(r: Leading | Following, fn: () => void): void {
    this.env.sched.after(0, () => {
      if (this.current(r)) fn();
    });
  }
}

function describe(p: QuorumPacket): string {
  if (p.type === PacketType.PING) return 'PING';
  return describePacket(p);
}
