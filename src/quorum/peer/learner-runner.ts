// The follower/observer shell (Learner.connectToLeader, registerWithLeader, syncWithLeader and the
// processPacket loop): dials the leader's quorum port, runs the pure ZabLearner over it, loads a
// SNAP stream as it arrives, and carries out the machine's outputs: packets, disk work in order
// through the peer's disk queue, and the server-facing ones (serve, commits, sync completions,
// revalidations) through the LearnerHost. It ends on `disconnect`, `fatal` or a stop from the peer.

import { connect, type Socket } from 'node:net';
import { SnapStreamReader } from '../../persistence/snapshot';
import type { DataTree, DataTreeLoader } from '../../tree';
import type { Logger } from '../../util/logger';
import type { RawStreamConsumer } from '../transport/quorum-packet-stream';
import type { Zxid } from '../types';
import type { Token, ZabTxn } from '../zab/common';
import { ZabLearner } from '../zab/learner';
import type { ForwardedRequest, LearnerInput, LearnerKind, LearnerOptions, LearnerOutput } from '../zab/learner-types';
import type { DiskQueue } from './disk-queue';
import { QuorumSocket } from './quorum-socket';
import { OpCode } from '../../protocol/opcodes';
import { monotonicNowMs, Stepper } from './stepper';

/** What the learner shell needs from the rest of the peer (database, client pipeline). */
export interface LearnerHost {
  persistTxns(txns: readonly ZabTxn[]): Promise<void>;
  persistEpoch(which: 'accepted' | 'current', epoch: bigint): Promise<void>;
  /** TRUNC: cut the txn log after `zxid` and reload the database from disk; resolves to the zxid the reload reached. */
  truncateLog(zxid: Zxid): Promise<Zxid>;
  /** Write a snapshot of the tree (after a SNAP or TRUNC sync, at NEWLEADER). */
  takeSnapshot(sync: boolean): Promise<void>;
  /** A fresh tree loader for a SNAP stream (the database's tree options). */
  treeLoader(): DataTreeLoader;
  /** A SNAP stream was read: make `tree` the database (it is at `zxid`). */
  adoptSnapshot(tree: DataTree, sessions: Map<bigint, number>, zxid: Zxid): Promise<void>;
  applyCommitted(txn: ZabTxn): void;
  /** UPTODATE: serve clients; requests go through `link`. */
  serve(kind: LearnerKind, epoch: bigint, link: LearnerRunner): void;
  syncCompleted(): void;
  /** A SYNC answered a sync forwarded for observer connection `owner` (forwardFor). */
  observerSyncCompleted?(owner: number): void;
  sessionRevalidated(sessionId: bigint, valid: boolean): void;
  /** reconfigEnabled: a proposed config becomes the last seen one (`.dynamic.next`). */
  configProposed?(config: string): void;
  /** reconfigEnabled: activate a config; true when this server's role or leader changed (leave the role). */
  activateConfig?(config: string, designatedLeader: bigint | null, zxid: Zxid | null): boolean;
}

export interface LearnerRunnerOptions {
  readonly log: Logger;
  readonly leader: { readonly sid: bigint; readonly host: string; readonly port: number };
  readonly disk: DiskQueue;
  readonly host: LearnerHost;
  readonly machine: Omit<LearnerOptions, 'nowMs'>;
  readonly lengthMax?: number;
  /** Learner.connectToLeader: attempts within initLimit * tickTime, this far apart (zookeeper.leaderConnectDelayDuringRetryMs). */
  readonly connectAttempts?: number;
  readonly connectRetryDelayMs?: number;
}

export type LearnerEnd =
  | { readonly kind: 'disconnected' | 'stopped' | 'failed'; readonly reason: string }
  | { readonly kind: 'fatal'; readonly exitCode: number; readonly reason: string };

export class LearnerRunner {
  machine: ZabLearner | null = null;
  private readonly log: Logger;
  private stepper: Stepper<LearnerInput, LearnerOutput> | null = null;
  private qs: QuorumSocket | null = null;
  private dialing: Socket | null = null;
  private endResolve!: (e: LearnerEnd) => void;
  readonly ended: Promise<LearnerEnd>;
  private over = false;
  /** Set by a loadSnapshot output while its SNAP packet is being handled. */
  private snapshotWanted: { zxid: Zxid; token: Token } | null = null;
  /**
   * A SNAP stream became the database and no snapshot has made it durable yet (the NEWLEADER
   * one). If the role ends so, the peer reloads from disk instead of keeping the tree, as the
   * reference's Learner.shutdown -> zk.shutdown(true) does: a tree that exists only in memory
   * must not vote or be synced by DIFF (which takes no snapshot), or a crash loses its history.
   */
  snapUnsaved = false;
  private syncLimitTimeout = false;
  /** An activated reconfig changed our role or leader: end once its txn is applied. */
  private endAfterApply = false;

  constructor(private readonly o: LearnerRunnerOptions) {
    this.log = o.log.child({ component: o.machine.kind, leader: String(o.leader.sid) });
    this.ended = new Promise((r) => (this.endResolve = r));
  }

  get kind(): LearnerKind {
    return this.o.machine.kind;
  }

  /** Connects (with the reference's retries) and registers with the leader. */
  async start(): Promise<void> {
    const socket = await this.connect();
    if (socket === null) return;
    const machine = new ZabLearner({ ...this.o.machine, nowMs: monotonicNowMs() });
    this.machine = machine;
    const stepper = new Stepper<LearnerInput, LearnerOutput>(
      machine,
      (out) => this.execute(out),
      (nowMs) => ({ type: 'tick', nowMs }),
      (e) => this.end({ kind: 'failed', reason: `learner runtime error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}` }),
    );
    this.stepper = stepper;
    const qs = new QuorumSocket(socket, this.log, this.o.lengthMax);
    this.qs = qs;
    // Learner.connectToLeader: SO_TIMEOUT of initLimit ticks while syncing (syncLimit after NEWLEADER).
    qs.setReadTimeout(this.o.machine.initLimit * this.o.machine.tickTimeMs);
    qs.start({
      packet: (p) => {
        stepper.input({ type: 'packet', packet: p, nowMs: monotonicNowMs() });
        return this.takeSnapshotStream();
      },
      closed: (reason) => {
        this.log.info('connection to the leader closed', { reason });
        stepper.input({ type: 'closed', nowMs: monotonicNowMs() });
      },
    });
    stepper.run(machine.start());
  }

  // ---- what the client pipeline calls while serving ----

  forward(request: ForwardedRequest): void {
    this.noteSync(request, null);
    this.stepper?.input({ type: 'forwardRequest', request, nowMs: monotonicNowMs() });
  }

  /**
   * An observer master forwards an observer's request as ours. The leader answers syncs in the
   * order it got them, so who owns each answer is kept in that order too.
   */
  forwardFor(owner: number, request: ForwardedRequest): void {
    this.noteSync(request, owner);
    this.stepper?.input({ type: 'forwardRequest', request, nowMs: monotonicNowMs() });
  }

  /** Whose is each SYNC answer still to come: null for our own clients, else an observer connection. */
  private readonly syncOwners: (number | null)[] = [];

  private noteSync(request: ForwardedRequest, owner: number | null): void {
    // Only forwarded ones get an answer (the machine drops requests before it serves).
    if (request.opType === OpCode.sync && this.machine?.phase === 'broadcast') this.syncOwners.push(owner);
  }

  revalidate(sessionId: bigint, timeoutMs: number): void {
    this.stepper?.input({ type: 'revalidateSession', sessionId, timeoutMs, nowMs: monotonicNowMs() });
  }

  touch(sessionId: bigint, timeoutMs: number): void {
    this.stepper?.input({ type: 'touchSession', sessionId, timeoutMs, nowMs: monotonicNowMs() });
  }

  stop(reason: string): void {
    this.end({ kind: 'stopped', reason });
  }

  // ---- connecting ----

  private async connect(): Promise<Socket | null> {
    const { host, port } = this.o.leader;
    const budgetMs = this.o.machine.initLimit * this.o.machine.tickTimeMs;
    const deadline = monotonicNowMs() + budgetMs;
    const attempts = this.o.connectAttempts ?? 5;
    const delayMs = this.o.connectRetryDelayMs ?? 100;
    let lastError = '';
    for (let i = 1; i <= attempts && !this.over; i++) {
      const left = deadline - monotonicNowMs();
      if (left <= 0) break;
      try {
        const s = await this.dial(host, port, Math.min(left, budgetMs));
        if (this.over) {
          s.destroy();
          return null;
        }
        this.log.info('connected to the leader', { address: `${host}:${port}`, attempt: i });
        return s;
      } catch (e) {
        lastError = e instanceof Error ? e.message : String(e);
        this.log.warn('cannot connect to the leader', { address: `${host}:${port}`, attempt: i, error: lastError });
      }
      if (i < attempts && deadline - monotonicNowMs() > delayMs) await new Promise((r) => setTimeout(r, delayMs));
    }
    this.end({ kind: 'disconnected', reason: `failed to connect to the leader at ${host}:${port}${lastError === '' ? '' : `: ${lastError}`}` });
    return null;
  }

  private dial(host: string, port: number, timeoutMs: number): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const s = connect({ host, port });
      this.dialing = s;
      const timer = setTimeout(() => s.destroy(new Error(`connect timed out after ${Math.round(timeoutMs)} ms`)), timeoutMs);
      s.once('error', (e) => {
        clearTimeout(timer);
        this.dialing = null;
        reject(e);
      });
      s.once('connect', () => {
        clearTimeout(timer);
        this.dialing = null;
        s.removeAllListeners('error');
        resolve(s);
      });
    });
  }

  // ---- outputs ----

  private execute(out: LearnerOutput): void {
    if (this.over) return;
    const host = this.o.host;
    switch (out.type) {
      case 'send':
        this.qs?.send(out.packet);
        this.afterNewLeader();
        return;
      case 'persistTxns': {
        const { token, txns } = out;
        this.disk('append', `log ${txns.map((t) => t.zxid.toString(16)).join(',')}`, token, () => host.persistTxns(txns));
        return;
      }
      case 'persistEpoch':
        this.disk('barrier', `${out.which}Epoch=${out.epoch}`, out.token, () => host.persistEpoch(out.which, out.epoch));
        return;
      case 'truncateLog':
        this.log.warn('truncating the txn log to get in sync with the leader', { zxid: out.zxid });
        this.truncate(out.zxid, out.token);
        return;
      case 'takeSnapshot':
        this.disk('barrier', 'snapshot', out.token, async () => {
          await host.takeSnapshot(out.sync);
          this.snapUnsaved = false;
        });
        return;
      case 'loadSnapshot':
        this.log.info('getting a snapshot from the leader', { zxid: out.zxid });
        this.snapshotWanted = { zxid: out.zxid, token: out.token };
        return;
      case 'applyCommitted':
        host.applyCommitted(out.txn);
        if (this.endAfterApply) this.end({ kind: 'disconnected', reason: 'changes proposed in reconfig' });
        return;
      case 'configProposed':
        host.configProposed?.(out.config);
        return;
      case 'activateConfig': {
        // Follower/Observer.processPacket: a change of role or leader throws out of the role, after
        // the reconfig txn is committed when the packet commits it.
        const major = host.activateConfig?.(out.config, out.designatedLeader, out.zxid) ?? false;
        if (!major) return;
        if (out.thenApplies) this.endAfterApply = true;
        else this.end({ kind: 'disconnected', reason: 'changes proposed in reconfig' });
        return;
      }
      case 'leaderConfig':
        // Dynamic reconfig is off: the local config stays authoritative (ZOOKEEPER-2819).
        return;
      case 'serve':
        this.log.info(`${this.kind} serving`, { epoch: String(out.epoch), sync: this.machine?.syncMode ?? 'none' });
        host.serve(this.kind, out.epoch, this);
        return;
      case 'syncCompleted': {
        const owner = this.syncOwners.shift() ?? null;
        if (owner === null) host.syncCompleted();
        else host.observerSyncCompleted?.(owner);
        return;
      }
      case 'sessionRevalidated':
        host.sessionRevalidated(out.sessionId, out.valid);
        return;
      case 'log':
        this.log[out.level](out.message);
        return;
      case 'disconnect':
        this.end({ kind: 'disconnected', reason: out.reason });
        return;
      case 'fatal':
        this.end({ kind: 'fatal', exitCode: out.exitCode, reason: out.reason });
        return;
    }
  }

  private disk(kind: 'append' | 'barrier', label: string, token: Token, run: () => Promise<void>): void {
    const op = kind === 'append' ? this.o.disk.append(label, run) : this.o.disk.barrier(label, run);
    op.then(
      () => this.stepper?.input({ type: 'persisted', token, nowMs: monotonicNowMs() }),
      // The reference exits when its disk fails (13 when a TRUNC is impossible): no safe way on.
      (e: unknown) => this.end({ kind: 'fatal', exitCode: label.startsWith('truncate') ? 13 : 1, reason: `${label} failed: ${e instanceof Error ? e.message : String(e)}` }),
    );
  }

  /** Once NEWLEADER is acked the socket timeout drops to syncLimit ticks (Learner.syncWithLeader). */
  private afterNewLeader(): void {
    if (this.syncLimitTimeout) return;
    const phase = this.machine?.phase;
    if (phase !== 'awaitUptodate' && phase !== 'broadcast') return;
    this.syncLimitTimeout = true;
    this.qs?.setReadTimeout(this.o.machine.syncLimit * this.o.machine.tickTimeMs);
  }

  /**
   * TRUNC: cut the log and reload. A reload that ends below the TRUNC zxid lost history the
   * leader counts on (PeerStorage drops snapshots above the zxid, and the NEWLEADER snapshot of an
   * earlier SNAP sync is labelled e:0 while holding only older txns that the log may not have):
   * going on would serve a hole, so the learner disconnects and gets synced afresh.
   */
  private truncate(zxid: Zxid, token: Token): void {
    let reached: Zxid | null = null;
    this.o.disk
      .barrier(`truncate ${zxid.toString(16)}`, async () => {
        reached = await this.o.host.truncateLog(zxid);
      })
      .then(
        () => {
          if (this.over) return;
          if (reached !== null && reached < zxid) {
            this.end({ kind: 'disconnected', reason: `TRUNC to 0x${zxid.toString(16)} left the database at 0x${reached.toString(16)}: syncing again` });
            return;
          }
          this.stepper?.input({ type: 'persisted', token, nowMs: monotonicNowMs() });
        },
        // The reference exits with 13 when a TRUNC is impossible.
        (e: unknown) => this.end({ kind: 'fatal', exitCode: 13, reason: `truncate ${zxid.toString(16)} failed: ${e instanceof Error ? e.message : String(e)}` }),
      );
  }

  /**
   * After the SNAP packet, the tree follows inline: parse it as it arrives, then hand it to the
   * host (through the disk queue, since it replaces the database) and confirm the machine's token.
   */
  private takeSnapshotStream(): RawStreamConsumer | undefined {
    const wanted = this.snapshotWanted;
    if (wanted === null) return undefined;
    this.snapshotWanted = null;
    const loader = this.o.host.treeLoader();
    const reader = new SnapStreamReader(loader);
    return {
      push: (chunk: Buffer): Buffer | null => {
        const rest = reader.push(chunk);
        if (rest === null) return null;
        reader.end();
        const tree = loader.finish(wanted.zxid);
        this.log.info('snapshot received', { zxid: wanted.zxid, nodes: tree.nodeCount });
        this.disk('barrier', `load snapshot ${wanted.zxid.toString(16)}`, wanted.token, async () => {
          await this.o.host.adoptSnapshot(tree, loader.sessions, wanted.zxid);
          this.snapUnsaved = true;
        });
        return rest;
      },
    };
  }

  private end(e: LearnerEnd): void {
    if (this.over) return;
    this.over = true;
    this.stepper?.stop();
    this.dialing?.destroy();
    (e.kind === 'failed' || e.kind === 'fatal' ? this.log.error : this.log.info).call(this.log, `${this.kind} ended`, { ...e });
    this.qs?.close(e.reason);
    this.endResolve(e);
  }
}
