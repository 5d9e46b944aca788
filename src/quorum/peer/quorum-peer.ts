// The quorum member (QuorumPeer.run): fast leader election on the election port decides a role;
// the leader or learner shell then runs Zab on the quorum port until it ends (no quorum, lost
// leader, a failure), and the peer goes back to LOOKING with a new round. The client port stays
// open throughout; clients are served only while a role is established (ZkServer.beginServing),
// and every client connection is closed when a role ends, as the reference does.

import type { QuorumServerSpec } from '../../config/types';
import type { ServerOptions } from '../../server/options';
import { ZkServer } from '../../server/zk-server';
import { silentLogger, type Logger } from '../../util/logger';
import { membersFromServers, quorumConfigText } from '../election/config-text';
import { startElectionNode, type ElectionNode } from '../election/election-node';
import type { Decision } from '../election/runner';
import type { QuorumMembers, ServerStateName } from '../types';
import { DiskQueue } from './disk-queue';
import { LeaderRunner, type LeaderEnd, type LeaderHost } from './leader-runner';
import { LearnerRunner, type LearnerEnd, type LearnerHost } from './learner-runner';
import { PeerStorage } from './peer-storage';
import { peerStatus } from './peer-status';

export interface QuorumPeerOptions {
  readonly myId: number;
  readonly servers: readonly QuorumServerSpec[];
  /** The config version (hex in dynamic config files; 0 for a static zoo.cfg). */
  readonly configVersion?: bigint;
  readonly initLimit: number;
  readonly syncLimit: number;
  /** The client side: port, dataDir, tickTime, limits (serverId is set to myId). */
  readonly server: ServerOptions;
  readonly logger?: Logger;
  /** quorumListenOnAllIPs: bind the quorum and election ports on 0.0.0.0. */
  readonly listenOnAllIPs?: boolean;
  /** zookeeper.forceSnapshotSync: sync every learner with a snapshot. */
  readonly forceSnapSync?: boolean;
  /** zookeeper.commitLogCount (default 500). */
  readonly commitLogCount?: number;
  readonly election?: {
    readonly finalizeWaitMs?: number;
    readonly minNotificationIntervalMs?: number;
    readonly maxNotificationIntervalMs?: number;
    readonly connectTimeoutMs?: number;
    readonly bindRetries?: number;
  };
  /** zookeeper.leaderConnectDelayDuringRetryMs: Learner.connectToLeader's retry spacing (default 100). */
  readonly leaderConnectRetryDelayMs?: number;
  /**
   * Where the reference exits the process (a COMMIT out of order, an impossible TRUNC, a failed
   * disk), the peer stops and calls this; the CLI exits with the code.
   */
  readonly onFatal?: (exitCode: number, reason: string) => void;
}

type RoleEnd = LeaderEnd | LearnerEnd;

const HISTORY_MAX = 100;

export class QuorumPeer {
  private readonly log: Logger;
  private readonly disk = new DiskQueue();
  private readonly members: QuorumMembers;
  private stateValue: ServerStateName = 'LOOKING';
  private leaderRunner: LeaderRunner | null = null;
  private learnerRunner: LearnerRunner | null = null;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly stateWaiters = new Set<() => void>();
  /** The last decisions, syncs and role ends, oldest first (tests and diagnostics; bounded). */
  readonly history: string[] = [];

  private constructor(
    private readonly o: QuorumPeerOptions,
    readonly zk: ZkServer,
    private readonly storage: PeerStorage,
    private readonly election: ElectionNode,
  ) {
    this.log = (o.logger ?? silentLogger).child({ sid: String(o.myId) });
    this.members = membersFromServers(o.servers, o.configVersion ?? 0n);
  }

  static async start(o: QuorumPeerOptions): Promise<QuorumPeer> {
    const log = (o.logger ?? silentLogger).child({ sid: String(o.myId) });
    const me = o.servers.find((s) => s.id === o.myId);
    if (me === undefined || me.addresses.length === 0) throw new Error(`server ${o.myId} is not in the server list`);
    const version = o.configVersion ?? 0n;
    const configText = quorumConfigText(o.servers, version);
    let peer: QuorumPeer | null = null;
    const storage = new PeerStorage({ owner: () => zk, log, configText, configVersion: version, ...(o.commitLogCount === undefined ? {} : { commitLogCount: o.commitLogCount }) });
    const voters = o.servers.filter((s) => s.role === 'participant').length;
    const status = peerStatus({
      serverId: o.myId,
      initLimit: o.initLimit,
      syncLimit: o.syncLimit,
      electionPort: me.addresses[0]!.electionPort,
      quorumPort: me.addresses[0]!.quorumPort,
      observer: me.role === 'observer',
      quorumSize: voters,
      configText,
      state: () => peer?.stateValue ?? 'LOOKING',
      leader: () => peer?.leaderRunner ?? null,
      learner: () => peer?.learnerRunner ?? null,
    });
    // QuorumPeer.start: the database, then the client port, then the election.
    const zk: ZkServer = await ZkServer.startQuorumMember({ ...o.server, serverId: o.myId, logger: o.server.logger ?? log }, { status, onReplayedTxn: storage.onReplayedTxn });
    let election: ElectionNode;
    try {
      await storage.load();
      election = await startElectionNode({
        myId: o.myId,
        servers: o.servers,
        lastZxid: storage.tree.lastProcessedZxid,
        currentEpoch: storage.currentEpoch,
        logger: log,
        configVersion: version,
        ...(o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: o.listenOnAllIPs }),
        ...o.election,
      });
    } catch (e) {
      await zk.stop();
      throw e;
    }
    peer = new QuorumPeer(o, zk, storage, election);
    peer.loopDone = peer.loop();
    return peer;
  }

  get state(): ServerStateName {
    return this.stateValue;
  }

  get myId(): number {
    return this.o.myId;
  }

  /** The zxid the data tree has reached. */
  get lastProcessedZxid(): bigint {
    return this.storage.tree.lastProcessedZxid;
  }

  get currentEpoch(): bigint {
    return this.storage.currentEpoch;
  }

  /** True while a role is established and clients are served. */
  get serving(): boolean {
    return this.zk.serving;
  }

  /** Resolves once `pred` holds (checked at every state change), or rejects after `timeoutMs`. */
  waitFor(what: string, pred: (p: QuorumPeer) => boolean, timeoutMs: number): Promise<void> {
    if (pred(this)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (!pred(this)) return;
        clearTimeout(timer);
        this.stateWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.stateWaiters.delete(check);
        reject(new Error(`server ${this.o.myId}: no ${what} within ${timeoutMs} ms (state ${this.stateValue}, serving ${this.serving}; ${this.history.join('; ')})`));
      }, timeoutMs);
      this.stateWaiters.add(check);
    });
  }

  /** Stops the role, the election and the client port; resolves when all are closed. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.election.driver.stop();
    this.leaderRunner?.stop('server stopping');
    this.learnerRunner?.stop('server stopping');
    await this.loopDone;
  }

  // ---- the main loop ----

  private async loop(): Promise<void> {
    try {
      await this.rounds();
    } catch (e) {
      this.log.error('quorum peer failed; stopping it', { error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      this.o.onFatal?.(1, e instanceof Error ? e.message : String(e));
    } finally {
      this.stopping = true;
      this.election.driver.stop();
      this.setState('LOOKING');
      await this.election.close();
      await this.zk.stop();
    }
  }

  /** Election rounds and the roles they decide, until stopped or a fatal end. */
  private async rounds(): Promise<void> {
    while (!this.stopping) {
      this.setState('LOOKING');
      let decision: Decision;
      try {
        decision = await this.election.driver.lookForLeader({ lastZxid: this.storage.tree.lastProcessedZxid, currentEpoch: this.storage.currentEpoch });
      } catch (e) {
        if (!this.stopping) this.log.error('leader election failed', { error: e instanceof Error ? e.message : String(e) });
        break;
      }
      if (this.stopping) break;
      this.record(`${decision.state} ${decision.vote.id}`);
      this.setState(decision.state);
      const end = await this.runRole(decision);
      this.record(`${end.kind}: ${end.reason}`);
      const learner = this.learnerRunner;
      this.leaderRunner = null;
      this.learnerRunner = null;
      this.zk.endServing(`${decision.state.toLowerCase()} ended: ${end.reason}`);
      await this.disk.idle();
      if (end.kind === 'fatal') {
        this.log.error('stopping the peer (the reference exits here)', { exitCode: end.exitCode, reason: end.reason });
        this.o.onFatal?.(end.exitCode, end.reason);
        return;
      }
      if (learner?.snapUnsaved === true) {
        this.log.warn('the role ended before the SNAP it adopted was snapshotted: reloading the database from disk');
        this.record('reloaded after an unsaved SNAP');
        await this.storage.reload();
      } else {
        this.storage.fastForward();
      }
      if (!this.stopping) this.election.driver.setPeerState('LOOKING');
    }
  }

  private async runRole(d: Decision): Promise<RoleEnd> {
    const timing = { tickTimeMs: this.o.server.tickTimeMs, initLimit: this.o.initLimit, syncLimit: this.o.syncLimit };
    const lengthMax = (this.o.server.juteMaxBuffer ?? 0xfffff) + 1024;
    if (d.state === 'LEADING') {
      const me = this.o.servers.find((s) => s.id === this.o.myId)!.addresses[0]!;
      const config = Buffer.from(quorumConfigText(this.o.servers, this.o.configVersion ?? 0n), 'utf8');
      const runner = new LeaderRunner({
        log: this.log,
        listen: { host: me.host, port: me.quorumPort },
        ...(this.o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: this.o.listenOnAllIPs }),
        disk: this.disk,
        host: this.leaderHost(),
        lengthMax,
        machine: {
          ...timing,
          sid: BigInt(this.o.myId),
          members: this.members,
          acceptedEpoch: this.storage.acceptedEpoch,
          currentEpoch: this.storage.currentEpoch,
          lastProcessedZxid: this.storage.tree.lastProcessedZxid,
          committedLog: this.storage.committedProposals(),
          ...(this.o.commitLogCount === undefined ? {} : { commitLogCount: this.o.commitLogCount }),
          ...(this.o.forceSnapSync === undefined ? {} : { forceSnapSync: this.o.forceSnapSync }),
          newLeaderConfig: () => config,
        },
      });
      this.leaderRunner = runner;
      try {
        await runner.start();
      } catch (e) {
        runner.stop('cannot listen');
        return { kind: 'failed', reason: `cannot listen on the quorum port ${me.host}:${me.quorumPort}: ${e instanceof Error ? e.message : String(e)}` };
      }
      this.notify();
      return runner.ended;
    }
    const leader = this.o.servers.find((s) => BigInt(s.id) === d.vote.id);
    const addr = leader?.addresses[0];
    if (addr === undefined) return { kind: 'failed', reason: `the elected leader ${d.vote.id} is not in the server list` };
    const runner = new LearnerRunner({
      log: this.log,
      leader: { sid: d.vote.id, host: addr.host, port: addr.quorumPort },
      disk: this.disk,
      host: this.learnerHost(),
      lengthMax,
      ...(this.o.leaderConnectRetryDelayMs === undefined ? {} : { connectRetryDelayMs: this.o.leaderConnectRetryDelayMs }),
      machine: {
        ...timing,
        sid: BigInt(this.o.myId),
        kind: d.state === 'OBSERVING' ? 'observer' : 'follower',
        acceptedEpoch: this.storage.acceptedEpoch,
        currentEpoch: this.storage.currentEpoch,
        lastLoggedZxid: this.storage.tree.lastProcessedZxid,
        configVersion: this.o.configVersion ?? 0n,
      },
    });
    this.learnerRunner = runner;
    void runner.start();
    this.notify();
    return runner.ended;
  }

  private leaderHost(): LeaderHost {
    const s = this.storage;
    return {
      persistTxns: (txns) => s.persistTxns(txns),
      persistEpoch: (which, epoch) => s.persistEpoch(which, epoch),
      snapshotSource: () => s.tree.snapshotSource(s.db.sessions),
      lastProcessedZxid: () => s.tree.lastProcessedZxid,
      serve: (epoch, zxid, link) => {
        // Leader.startZkServer: the tree reports the new epoch's first zxid.
        s.tree.lastProcessedZxid = zxid;
        this.election.driver.updateElectionVote(epoch);
        this.zk.beginServing({ kind: 'leader', link });
        this.notify();
      },
      applyCommitted: (t) => {
        this.zk.committed(t.txn);
        s.applied(t);
      },
      learnerRequest: (sid, request) => this.zk.learnerRequest(sid, request),
      touchSessions: (_sid, sessions) => this.zk.touchSessions(sessions),
      revalidateSession: (sid, sessionId, timeoutMs) => this.zk.revalidateSession(sid, sessionId, timeoutMs),
    };
  }

  private learnerHost(): LearnerHost {
    const s = this.storage;
    return {
      persistTxns: (txns) => s.persistTxns(txns),
      persistEpoch: (which, epoch) => s.persistEpoch(which, epoch),
      truncateLog: (zxid) => s.truncateLog(zxid),
      takeSnapshot: () => s.takeSnapshot(),
      treeLoader: () => s.treeLoader(),
      adoptSnapshot: (tree, sessions, zxid) => s.adoptSnapshot(tree, sessions, zxid),
      applyCommitted: (t) => {
        this.zk.committed(t.txn);
        s.applied(t);
      },
      serve: (kind, epoch, link) => {
        this.record(`${kind} synced by ${link.machine?.syncMode ?? 'nothing'}`);
        this.election.driver.updateElectionVote(epoch);
        this.zk.beginServing({ kind, link });
        this.notify();
      },
      syncCompleted: () => this.zk.syncCompleted(),
      sessionRevalidated: (sessionId, valid) => this.zk.sessionRevalidated(sessionId, valid),
    };
  }

  private record(event: string): void {
    this.history.push(event);
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
  }

  private setState(state: ServerStateName): void {
    if (state !== this.stateValue) this.log.info('peer state changed', { state });
    this.stateValue = state;
    this.notify();
  }

  private notify(): void {
    for (const w of [...this.stateWaiters]) w();
  }
}
