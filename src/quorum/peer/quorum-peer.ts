// The quorum member (QuorumPeer.run): fast leader election on the election port decides a role;
// the leader or learner shell then runs Zab on the quorum port until it ends (no quorum, lost
// leader, a failure), and the peer goes back to LOOKING with a new round. The client port stays
// open throughout; clients are served only while a role is established (ZkServer.beginServing),
// and every client connection is closed when a role ends, as the reference does.

import type { QuorumPeerOptions } from './peer-options';
import { ZkServer } from '../../server/zk-server';
import { PeerReadOnly } from './peer-read-only';
import { silentLogger, type Logger } from '../../util/logger';
import { quorumConfigText } from '../election/config-text';
import { startElectionNode, type ElectionNode } from '../election/election-node';
import type { Decision } from '../election/runner';
import type { ServerStateName } from '../types';
import { DiskQueue } from './disk-queue';
import type { LeaderEnd, LeaderHost, LeaderRunner } from './leader-runner';
import type { LearnerEnd, LearnerHost, LearnerRunner } from './learner-runner';
import { newLeaderRunner, newLearnerRunner, reconfigContext, type RoleDeps } from './peer-roles';
import { PeerStorage } from './peer-storage';
import { PeerConfig } from '../reconfig/peer-config';
import { peerStatus } from './peer-status';
import { PeerObserving } from './peer-observing';
import { PeerReconfigState } from './peer-reconfig';

export type { QuorumPeerOptions } from './peer-options';

type RoleEnd = LeaderEnd | LearnerEnd;

const HISTORY_MAX = 100;

export class QuorumPeer {
  private readonly log: Logger;
  private readonly disk = new DiskQueue();
  /** The ensemble config (servers, version), replaced when a reconfig is activated. */
  readonly reconfig: PeerConfig;
  /** The leader of the current (or last) role, and the zxid of its vote. */
  private leaderSid: bigint = -1n;
  private leaderZxid: bigint = 0n;
  /** Learner type, and the role a committed reconfig decided (reconfigFlag). */
  private readonly reconfigState: PeerReconfigState;
  private stateValue: ServerStateName = 'LOOKING';
  private leaderRunner: LeaderRunner | null = null;
  private learnerRunner: LearnerRunner | null = null;
  /** The server an observer syncs from now (the leader or an observer master); -1 when none. */
  private learnerMasterValue: bigint = -1n;
  /** Observer masters: the one an observer syncs from, the one a follower serves (observerMasterPort). */
  private readonly observing: PeerObserving;
  /** A COMMITANDACTIVATE's zxid and designated leader until its txn is applied (for the observer master). */
  private pendingActivation: { zxid: bigint; designatedLeader: bigint } | null = null;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly stateWaiters = new Set<() => void>();
  /** Read-only serving while LOOKING (readOnlyMode). */
  private readonly readOnlyMode: PeerReadOnly;
  /** The last decisions, syncs and role ends, oldest first (tests and diagnostics; bounded). */
  readonly history: string[] = [];

  private constructor(
    private readonly o: QuorumPeerOptions,
    readonly zk: ZkServer,
    private readonly storage: PeerStorage,
    private readonly election: ElectionNode,
  ) {
    this.log = (o.logger ?? silentLogger).child({ sid: String(o.myId) });
    this.readOnlyMode = new PeerReadOnly({
      enabled: o.readOnlyMode === true,
      tickTimeMs: o.server.tickTimeMs,
      zk,
      stillLooking: () => !this.stopping && this.stateValue === 'LOOKING',
      changed: (event) => {
        if (event !== null) this.record(event);
        this.notify();
      },
    });
    this.reconfig = new PeerConfig({
      myId: o.myId,
      servers: o.servers,
      version: o.configVersion ?? 0n,
      reconfigEnabled: o.reconfigEnabled === true,
      configFile: o.configFile ?? null,
      log: this.log,
      hooks: {
        electionMembers: (members, text, peers) => {
          this.election.machine.setMembers(members, text);
          this.election.transport.setPeers(peers);
        },
        configNode: (text, version) => this.storage.setConfig(text, version),
      },
    });
    this.reconfigState = new PeerReconfigState(BigInt(o.myId), this.reconfig, () => this.election, this.log);
    if (o.nextConfig !== undefined && this.reconfigState.seenAtStart(o.nextConfig.servers, o.nextConfig.version)) {
      this.record(`config ${o.nextConfig.version.toString(16)} from .dynamic.next is the last seen one`);
    }
    this.observing = new PeerObserving(o, this.log, this.reconfig, storage, (e) => this.record(e), zk.metrics);
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
      get observer() {
        return peer?.reconfigState.observer ?? me.role === 'observer';
      },
      get quorumSize() {
        return peer?.reconfig.members.voters.size ?? voters;
      },
      get configText() {
        return peer?.reconfig.text ?? configText;
      },
      state: () => peer?.stateValue ?? 'LOOKING',
      leader: () => peer?.leaderRunner ?? null,
      learner: () => peer?.learnerRunner ?? null,
      observerMaster: () => peer?.observing.master ?? null,
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
        // FastLeaderElection's WorkerReceiver: a newer config gossiped while LOOKING is adopted.
        ...(o.reconfigEnabled === true ? { onNewerConfig: (_from: bigint, _version: bigint, config: string) => peer?.adoptGossiped(config) } : {}),
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

  /** Observer.getLearnerMasterId: the sid this observer syncs from, -1 when not observing. */
  get learnerMasterId(): bigint {
    return this.learnerMasterValue;
  }

  /** True while the peer, LOOKING, serves read-only clients. */
  get readOnly(): boolean {
    return this.zk.readOnly;
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
    this.readOnlyMode.cancel();
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
    let next: Decision | null = null;
    while (!this.stopping) {
      const decision = next ?? (await this.elect());
      if (decision === null || this.stopping) break;
      this.record(`${decision.state} ${decision.vote.id}${next === null ? '' : ' (named by a reconfig)'}`);
      next = null;
      this.setState(decision.state);
      const end = await this.runRole(decision);
      this.learnerMasterValue = -1n;
      this.observing.stopMaster(`${decision.state.toLowerCase()} ended`);
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
      // updateServerState: a reconfig that named the next leader (or changed our role) skips the election.
      next = this.reconfigState.takeNextRole({ leader: this.leaderSid, zxid: this.leaderZxid });
      if (next === null && !this.stopping) this.election.driver.setPeerState('LOOKING');
    }
  }

  /** LOOKING: one election round (null when stopped or failed). */
  private async elect(): Promise<Decision | null> {
    this.setState('LOOKING');
    this.reconfigState.clear();
    this.readOnlyMode.schedule();
    try {
      return await this.election.driver.lookForLeader({ lastZxid: this.storage.tree.lastProcessedZxid, currentEpoch: this.storage.currentEpoch });
    } catch (e) {
      if (!this.stopping) this.log.error('leader election failed', { error: e instanceof Error ? e.message : String(e) });
      return null;
    } finally {
      // As QuorumPeer.run: the read-only server (or its pending start) ends with the election,
      // before the decided role begins; its clients are disconnected.
      this.readOnlyMode.cancel();
    }
  }

  private roleDeps(): RoleDeps {
    return { o: this.o, log: this.log, disk: this.disk, storage: this.storage, config: this.reconfig, zk: this.zk };
  }

  private async runRole(d: Decision): Promise<RoleEnd> {
    this.leaderSid = d.vote.id;
    this.leaderZxid = d.vote.zxid;
    if (d.state === 'LEADING') {
      const me = this.reconfig.servers.find((s) => s.id === this.o.myId)!.addresses[0]!;
      const runner: LeaderRunner = newLeaderRunner(this.roleDeps(), me, this.leaderHost(), () => reconfigContext(this.reconfig, this.o.standaloneEnabled ?? true, runner));
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
    const leader = this.reconfig.servers.find((s) => BigInt(s.id) === d.vote.id);
    const addr = leader?.addresses[0];
    if (addr === undefined) return { kind: 'failed', reason: `the elected leader ${d.vote.id} is not in the server list` };
    const target = d.state === 'OBSERVING' ? await this.observing.findLearnerMaster({ sid: d.vote.id, host: addr.host, port: addr.quorumPort }) : { sid: d.vote.id, host: addr.host, port: addr.quorumPort };
    if (this.stopping) return { kind: 'stopped', reason: 'server stopping' };
    if (d.state === 'OBSERVING') this.learnerMasterValue = target.sid;
    const runner = newLearnerRunner(this.roleDeps(), target, d.state === 'OBSERVING' ? 'observer' : 'follower', this.learnerHost());
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
        // Leader.startZkServer: the config sent with NEWLEADER is activated (ZOOKEEPER-1324).
        if (this.reconfig.lastSeenVersion > this.reconfig.version) this.reconfigState.process(this.reconfig.lastSeenText, BigInt(this.o.myId), zxid, BigInt(this.o.myId));
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
      configProposed: (config) => this.reconfig.proposed(config),
      activateConfig: (config, designatedLeader) => {
        this.reconfigState.process(config, designatedLeader, s.tree.lastProcessedZxid, BigInt(this.o.myId));
        this.record(`config ${this.reconfig.version.toString(16)} activated by this leader (designated leader ${designatedLeader})`);
      },
    };
  }

  /** A newer config gossiped while LOOKING (see PeerReconfigState.adoptGossiped); true restarts the round. */
  private adoptGossiped(config: string): boolean {
    const r = this.reconfigState.adoptGossiped(config, this.stateValue === 'LOOKING', this.leaderSid);
    if (r !== null) this.record(`config ${this.reconfig.version.toString(16)} adopted from election${r ? ', election restarted' : ''}`);
    return r === true;
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
        const act = this.pendingActivation;
        if (act?.zxid === t.zxid) this.pendingActivation = null;
        this.observing.master?.committed(t, act?.zxid === t.zxid ? act.designatedLeader : undefined);
      },
      serve: (kind, epoch, link) => {
        this.record(`${kind} synced by ${link.machine?.syncMode ?? 'nothing'}`);
        this.election.driver.updateElectionVote(epoch);
        this.zk.beginServing({ kind, link });
        if (kind === 'follower') this.observing.startMaster(link);
        this.notify();
      },
      syncCompleted: () => this.zk.syncCompleted(),
      observerSyncCompleted: (owner) => this.observing.master?.syncAnswered(owner),
      sessionRevalidated: (sessionId, valid) => {
        if (this.observing.master?.revalidated(sessionId, valid) === true) return;
        this.zk.sessionRevalidated(sessionId, valid);
      },
      configProposed: (config) => this.reconfig.proposed(config),
      activateConfig: (config, designatedLeader, zxid) => {
        // The observer master relays this commit as INFORMANDACTIVATE.
        this.pendingActivation = zxid === null || designatedLeader === null ? null : { zxid, designatedLeader };
        const major = this.reconfigState.process(config, designatedLeader, zxid, this.leaderSid).majorChange;
        this.record(`config ${this.reconfig.version.toString(16)} activated${major ? ' (role or leader changed)' : ''}`);
        return major;
      },
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
