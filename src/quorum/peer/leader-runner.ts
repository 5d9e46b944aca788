// The leader shell (Leader.lead's sockets and threads): listens on the quorum port, gives every
// learner connection a ConnId, feeds packets, disk completions and ticks into the pure ZabLeader,
// and carries out its outputs: packets, SNAP streams, disk writes (through the peer's disk
// queue), and the server-facing ones (serve, commits, learner requests, session touches), which go
// to the LeaderHost. It ends when the machine abdicates or the peer stops it.

import type { Server, Socket } from 'node:net';
import { listenOn } from '../transport/listen';
import { encodeTxn, type LoggedTxn } from '../../persistence/txn';
import type { SnapshotSource } from '../../persistence/snapshot-contract';
import { OpCode } from '../../protocol/opcodes';
import type { Logger } from '../../util/logger';
import type { Sid, Zxid } from '../types';
import type { ZabTxn } from '../zab/common';
import { ZabLeader } from '../zab/leader';
import type { LeaderInput, LeaderOptions, LeaderOutput } from '../zab/leader-types';
import type { LearnerRequest, SessionTouch } from '../zab/payloads';
import type { DiskQueue } from './disk-queue';
import { isConnOutput, LearnerConns } from './learner-conns';
import { FileTxnLogSync, type FileTxnLogSyncOptions } from './txn-log-sync';
import { LearnerQueueMetrics } from '../../metrics/learner-queue';
import type { ServerMetrics } from '../../metrics/server-metrics';
import { monotonicNowMs, Stepper } from './stepper';
import type { ReconfigHook } from '../../server/prep/reconfig';
import { registerQuorumAdmin } from '../../admin/quorum-admin';

/** What the leader shell needs from the rest of the peer (database, client pipeline). */
export interface LeaderHost {
  persistTxns(txns: readonly ZabTxn[]): Promise<void>;
  persistEpoch(which: 'accepted' | 'current', epoch: bigint): Promise<void>;
  /** The tree and sessions as they are now, for a SNAP stream (fuzzy: it keeps changing). */
  snapshotSource(): SnapshotSource;
  lastProcessedZxid(): Zxid;
  /** A quorum acked NEWLEADER: serve clients as leader; proposals go through `link`. */
  serve(epoch: bigint, zxid: Zxid, link: LeaderRunner): void;
  applyCommitted(txn: ZabTxn): void;
  learnerRequest(sid: Sid, request: LearnerRequest): void;
  touchSessions(sid: Sid, sessions: readonly SessionTouch[]): void;
  /** Is the global session valid (then `sid` owns it)? */
  revalidateSession(sid: Sid, sessionId: bigint, timeoutMs: number): boolean;
  /** reconfigEnabled: a reconfig was proposed (its config is the last seen one). */
  configProposed?(config: string): void;
  /** reconfigEnabled: a reconfig committed; activate its config before the txn is applied. */
  activateConfig?(config: string, designatedLeader: Sid): void;
}

export interface LeaderRunnerOptions {
  readonly log: Logger;
  /** This server's quorum address; port 0 is not allowed (learners dial the configured one). */
  readonly listen: { readonly host: string; readonly port: number };
  readonly listenOnAllIPs?: boolean;
  readonly disk: DiskQueue;
  readonly host: LeaderHost;
  /** The machine's options minus the clock. */
  readonly machine: Omit<LeaderOptions, 'nowMs'>;
  /** Largest packet field accepted from a learner (jute.maxbuffer + extrasize). */
  readonly lengthMax?: number;
  /**
   * Where this leader's txn logs and snapshots are, for syncing learners the committed log no
   * longer reaches (txn-log-sync.ts). Absent: such learners get a snapshot.
   */
  readonly txnLogSync?: Omit<FileTxnLogSyncOptions, 'lastProcessedZxid' | 'log'>;
  /** The server's per-learner send-queue summaries (absent: not measured). */
  readonly metrics?: Pick<ServerMetrics, 'learnerHandlerQpSize' | 'learnerHandlerQpTime'> & Partial<Pick<ServerMetrics, 'ackLatency'>>;
  /** reconfigEnabled: prep's view of the configs for a reconfig request (LeaderLink.reconfig). */
  readonly reconfig?: ReconfigHook;
}

export type LeaderEnd =
  | { readonly kind: 'abdicated' | 'stopped' | 'failed'; readonly reason: string }
  /** The disk failed: the reference exits the process. */
  | { readonly kind: 'fatal'; readonly exitCode: number; readonly reason: string };

/** The reference's BufferStats for proposals (`Proposal sizes last/min/max`): -1 before the first. */
export interface ProposalSizes {
  last: number;
  min: number;
  max: number;
}

export class LeaderRunner {
  readonly machine: ZabLeader;
  /** LeaderLink.reconfig: set when the peer runs with reconfigEnabled. */
  readonly reconfig: ReconfigHook | undefined;
  private readonly log: Logger;
  private readonly stepper: Stepper<LeaderInput, LeaderOutput>;
  private server: Server | null = null;
  private readonly conns: LearnerConns;
  private unregisterAdmin: (() => void) | null = null;
  private endResolve!: (e: LeaderEnd) => void;
  readonly ended: Promise<LeaderEnd>;
  private over = false;
  /** The zxid the client pipeline took last (it numbers txns before they reach the machine). */
  private lastAssigned: Zxid = -1n;
  readonly proposalSizes: ProposalSizes = { last: -1, min: -1, max: -1 };
  servingSinceMs: number | null = null;

  constructor(private readonly o: LeaderRunnerOptions) {
    this.log = o.log.child({ component: 'leader' });
    this.reconfig = o.reconfig;
    // Only txns the tree has applied (committed ones) go out from the disk log.
    const txnLog = o.txnLogSync === undefined ? undefined : new FileTxnLogSync({ ...o.txnLogSync, lastProcessedZxid: () => o.host.lastProcessedZxid(), log: this.log });
    const ackLatency = o.metrics?.ackLatency;
    // Request.logLatency: the wall clock against the txn header's time; a clock step back drops it.
    const ackSampled = ackLatency === undefined ? {} : { ackSampled: (sid: bigint, _zxid: bigint, txnTimeMs: bigint) => {
      const latency = Date.now() - Number(txnTimeMs);
      if (latency >= 0) ackLatency.add(String(sid), latency);
    } };
    this.machine = new ZabLeader({ ...o.machine, ...ackSampled, ...(txnLog === undefined ? {} : { txnLog }), nowMs: monotonicNowMs() });
    this.ended = new Promise((r) => (this.endResolve = r));
    this.stepper = new Stepper<LeaderInput, LeaderOutput>(
      this.machine,
      (out) => this.execute(out),
      (nowMs) => ({ type: 'tick', nowMs }),
      (e) => this.end({ kind: 'failed', reason: `leader runtime error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }),
    );
    this.conns = new LearnerConns({
      log: this.log,
      lengthMax: o.lengthMax,
      peerName: 'learner',
      closeLevel: 'warn',
      closeText: 'dropping learner',
      // LearnerHandler counts what its main loop reads: from the NEWLEADER ACK on.
      counts: (conn) => this.machine.learners().some((l) => l.conn === conn && l.phase === 'broadcast'),
      input: (e) => this.stepper.input({ ...e, nowMs: monotonicNowMs() }),
      snapshotSource: () => o.host.snapshotSource(),
      lastProcessedZxid: () => o.host.lastProcessedZxid(),
    });
  }

  /** Binds the quorum port, then starts discovery (the leader proposes its own epoch first). */
  async start(): Promise<void> {
    // quorumListenOnAllIPs: Java binds the wildcard ([::] where the host has IPv6, taking IPv4 too);
    // Node does the same when no host is given.
    const host = this.o.listenOnAllIPs === true ? undefined : this.o.listen.host;
    const server = await listenOn({ host, port: this.o.listen.port }, (s) => this.accepted(s));
    if (this.over) {
      // Stopped while binding.
      server.close();
      return;
    }
    this.server = server;
    this.log.info('leading: accepting learner connections', { address: `${host ?? '*'}:${this.o.listen.port}` });
    this.stepper.run(this.machine.start());
  }

  /** The zxid the next client txn takes (the prep stage asks once per txn). */
  nextZxid(): Zxid {
    return this.lastAssigned + 1n;
  }

  /** A txn prepared by the client pipeline, numbered with nextZxid(). */
  propose(txn: LoggedTxn): void {
    if (txn.header.zxid <= this.lastAssigned) throw new RangeError(`proposal 0x${txn.header.zxid.toString(16)} is not above 0x${this.lastAssigned.toString(16)}`);
    this.lastAssigned = txn.header.zxid;
    const bytes = encodeTxn(txn);
    const s = this.proposalSizes;
    s.last = bytes.length;
    if (s.min === -1 || bytes.length < s.min) s.min = bytes.length;
    if (bytes.length > s.max) s.max = bytes.length;
    this.stepper.input({ type: 'propose', txn: { zxid: txn.header.zxid, bytes, txn }, nowMs: monotonicNowMs() });
  }

  stop(reason: string): void {
    this.end({ kind: 'stopped', reason });
  }

  private accepted(socket: Socket): void {
    if (this.over) {
      socket.destroy();
      return;
    }
    this.conns.accept(socket);
  }

  private execute(out: LeaderOutput): void {
    if (this.over) return;
    if (isConnOutput(out)) return this.conns.execute(out);
    switch (out.type) {
      case 'persistTxns': {
        const { token, txns } = out;
        this.o.disk
          .append(`log ${txns.map((t) => t.zxid.toString(16)).join(',')}`, () => this.o.host.persistTxns(txns))
          .then(() => this.stepper.input({ type: 'persisted', token, nowMs: monotonicNowMs() }), (e: unknown) => this.diskFailed(e));
        return;
      }
      case 'persistEpoch': {
        const { token, which, epoch } = out;
        this.o.disk
          .barrier(`${which}Epoch=${epoch}`, () => this.o.host.persistEpoch(which, epoch))
          .then(() => this.stepper.input({ type: 'persisted', token, nowMs: monotonicNowMs() }), (e: unknown) => this.diskFailed(e));
        return;
      }
      case 'applyCommitted':
        this.o.host.applyCommitted(out.txn);
        return;
      case 'log':
        this.log[out.level](out.message);
        return;
      case 'learnerIdentified':
        this.log.info('learner identified', { conn: out.conn, learner: String(out.sid), observer: out.observer });
        return;
      case 'learnerSyncPlanned': {
        // The reference's LearnerHandler starts its queue (and its metrics) with the sync packets.
        const qs = this.conns.socket(out.conn);
        const m = this.o.metrics;
        if (qs !== undefined && m !== undefined) qs.queueObserver = new LearnerQueueMetrics(m.learnerHandlerQpSize, m.learnerHandlerQpTime, out.sid);
        this.log.info('syncing learner', { learner: String(out.sid), kind: out.plan.kind, zxid: out.plan.zxid, reason: out.plan.reason, proposals: out.plan.proposalCount });
        return;
      }
      case 'serve':
        this.lastAssigned = out.zxid;
        this.servingSinceMs = Date.now();
        this.log.info('leader serving', { epoch: String(out.epoch), zxid: out.zxid });
        this.registerAdmin();
        this.o.host.serve(out.epoch, out.zxid, this);
        return;
      case 'learnerRequest':
        // A learner's sync needs no txn: the leader answers it once what is proposed commits.
        if (out.request.opType === OpCode.sync) this.stepper.input({ type: 'learnerSync', conn: out.conn, nowMs: monotonicNowMs() });
        else this.o.host.learnerRequest(out.sid, out.request);
        return;
      case 'touchSessions':
        this.o.host.touchSessions(out.sid, out.sessions);
        return;
      case 'revalidateSession': {
        const valid = this.o.host.revalidateSession(out.sid, out.sessionId, out.timeoutMs);
        this.stepper.input({ type: 'sessionRevalidated', conn: out.conn, sessionId: out.sessionId, valid, nowMs: monotonicNowMs() });
        return;
      }
      case 'configProposed':
        this.o.host.configProposed?.(out.config);
        return;
      case 'activateConfig':
        this.o.host.activateConfig?.(out.config, out.designatedLeader);
        return;
      case 'abdicate':
        this.end({ kind: 'abdicated', reason: out.reason });
        return;
    }
  }

  /**
   * Leader.isQuorumSynced for a reconfig's new voters: we (if we vote in it) and the synced
   * followers that vote in it must make a quorum of it.
   */
  quorumSyncedFor(voters: readonly Sid[], containsQuorum: (sids: readonly Sid[]) => boolean): boolean {
    const inNew = new Set(voters);
    const ids: Sid[] = inNew.has(this.o.machine.sid) ? [this.o.machine.sid] : [];
    for (const l of this.machine.learners()) if (l.sid !== null && !l.observer && l.synced && inNew.has(l.sid)) ids.push(l.sid);
    return containsQuorum(ids);
  }

  private diskFailed(e: unknown): void {
    this.end({ kind: 'fatal', exitCode: 1, reason: `disk write failed: ${e instanceof Error ? e.message : String(e)}` });
  }

  private end(e: LeaderEnd): void {
    if (this.over) return;
    this.over = true;
    this.unregisterAdmin?.();
    this.unregisterAdmin = null;
    this.stepper.stop();
    (e.kind === 'failed' || e.kind === 'fatal' ? this.log.error : this.log.info).call(this.log, 'leading ended', { kind: e.kind, reason: e.reason });
    this.conns.closeAll('leader shutting down');
    // The listening socket closes now; learner sockets finish on their own (QuorumSocket.close).
    this.server?.close();
    this.server = null;
    this.endResolve(e);
  }

  /**
   * What the AdminServer's `observers`, `observer_connection_stat_reset` and `leader` read
   * (Leader.getObservingLearnersInfo, resetObserverConnectionStats, QuorumPeer's leader id and
   * address), registered under the server's metrics object while leading.
   */
  private registerAdmin(): void {
    const key = this.o.metrics;
    if (key === undefined || this.unregisterAdmin !== null) return;
    const observing = () => this.machine.learners().filter((l) => l.observer && l.sid !== null && l.phase === 'broadcast');
    this.unregisterAdmin = registerQuorumAdmin(key, {
      kind: 'leader',
      leaderId: this.o.machine.sid,
      leaderAddress: this.o.listen.host,
      observers: () => observing().flatMap((l) => this.conns.statsOf(l.conn)?.info(l.sid!) ?? []),
      resetObserverConnectionStats: () => {
        for (const l of observing()) this.conns.statsOf(l.conn)?.reset();
      },
    });
  }

  /** For logs: one line per learner. */
  describe(): string {
    return this.machine.learners().map((l) => `${String(l.sid)}:${l.phase}`).join(' ');
  }
}
