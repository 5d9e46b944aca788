// The quorum member (QuorumPeer.run): fast leader election on the election port decides a role;
// the leader or learner shell then runs Zab on the quorum port until it ends (no quorum, lost
// leader, a failure), and the peer goes back to LOOKING with a new round. The client port stays
// open throughout; clients are served only while a role is established (ZkServer.beginServing),
// and every client connection is closed when a role ends, as the reference does.

import type { QuorumServerSpec } from '../../config/types';
import type { ServerOptions } from '../../server/options';
import { ZkServer } from '../../server/zk-server';
import { readOnlyGraceMs } from '../../server/read-only';
import { silentLogger, type Logger } from '../../util/logger';
import { quorumConfigText } from '../election/config-text';
import { startElectionNode, type ElectionNode } from '../election/election-node';
import type { Decision } from '../election/runner';
import { majorityMembers, type ServerStateName } from '../types';
import type { ReconfigHook } from '../../server/prep/reconfig';
import { DiskQueue } from './disk-queue';
import { LeaderRunner, type LeaderEnd, type LeaderHost } from './leader-runner';
import { LearnerRunner, type LearnerEnd, type LearnerHost } from './learner-runner';
import { PeerStorage } from './peer-storage';
import { PeerConfig } from '../reconfig/peer-config';
import { parseSnapshotSizeFactor } from './txn-log-sync';
import { dataDirLayout } from '../../persistence/files';
import { peerStatus } from './peer-status';
import { LearnerMasterList } from '../zab/observer-master';
import { startFollowerObserverMaster, type ObserverMasterRunner } from './observer-master-runner';

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
  /**
   * readonlymode.enabled: after max(2000 ms, tickTime) of LOOKING, serve read-only clients over the
   * current database until the election decides (src/server/read-only.ts).
   */
  readonly readOnlyMode?: boolean;
  /** zookeeper.leaderConnectDelayDuringRetryMs: Learner.connectToLeader's retry spacing (default 100). */
  readonly leaderConnectRetryDelayMs?: number;
  /**
   * observerMasterPort: an observer syncs from the voters' observer masters at this port (round
   * robin, src/quorum/zab/observer-master.ts) instead of the leader.
   */
  readonly observerMasterPort?: number;
  /** zookeeper.observer.reconnectDelayMs: an observer waits up to this long once every master was tried. */
  readonly observerReconnectDelayMs?: number;
  /** zookeeper.observerMaster.sizeLimit: bytes of recent commits a master keeps for syncing observers. */
  readonly observerMasterSizeLimit?: number;
  /** reconfigEnabled: learners act on reconfigs their leader commits (src/quorum/reconfig). */
  readonly reconfigEnabled?: boolean;
  /** zoo.cfg's path: where a reconfig writes the dynamic files (none are written without it). */
  readonly configFile?: string;
  /** standaloneEnabled (default true): a reconfig must then leave at least two voters. */
  readonly standaloneEnabled?: boolean;
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
  /** The ensemble config (servers, version), replaced when a reconfig is activated. */
  readonly reconfig: PeerConfig;
  /** The leader of the current (or last) role. */
  private leaderSid: bigint = -1n;
  private stateValue: ServerStateName = 'LOOKING';
  private leaderRunner: LeaderRunner | null = null;
  private learnerRunner: LearnerRunner | null = null;
  /** An observer's possible learner masters (observerMasterPort), rebuilt when the config changes. */
  private readonly learnerMasters: LearnerMasterList;
  private learnerMastersVersion: bigint | null = null;
  /** The server an observer syncs from now (the leader or an observer master); -1 when none. */
  private learnerMasterValue: bigint = -1n;
  /** A follower's observer master (observerMasterPort), while it follows and serves. */
  private observerMaster: ObserverMasterRunner | null = null;
  /** A COMMITANDACTIVATE's zxid and designated leader until its txn is applied (for the observer master). */
  private pendingActivation: { zxid: bigint; designatedLeader: bigint } | null = null;
  private stopping = false;
  private loopDone: Promise<void> = Promise.resolve();
  private readonly stateWaiters = new Set<() => void>();
  /** The pending start of read-only serving while LOOKING (readOnlyMode). */
  private readOnlyTimer: NodeJS.Timeout | null = null;
  /** The last decisions, syncs and role ends, oldest first (tests and diagnostics; bounded). */
  readonly history: string[] = [];

  private constructor(
    private readonly o: QuorumPeerOptions,
    readonly zk: ZkServer,
    private readonly storage: PeerStorage,
    private readonly election: ElectionNode,
  ) {
    this.log = (o.logger ?? silentLogger).child({ sid: String(o.myId) });
    this.learnerMasters = new LearnerMasterList(o.observerMasterPort ?? null);
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
      get configText() {
        return peer?.reconfig.text ?? configText;
      },
      state: () => peer?.stateValue ?? 'LOOKING',
      leader: () => peer?.leaderRunner ?? null,
      learner: () => peer?.learnerRunner ?? null,
      observerMaster: () => peer?.observerMaster ?? null,
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
        ...(o.reconfigEnabled === true ? { onNewerConfig: (_from: bigint, _version: bigint, config: string) => peer?.adoptGossipedConfig(config) } : {}),
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
    this.cancelReadOnly();
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
      this.scheduleReadOnly();
      try {
        decision = await this.election.driver.lookForLeader({ lastZxid: this.storage.tree.lastProcessedZxid, currentEpoch: this.storage.currentEpoch });
      } catch (e) {
        if (!this.stopping) this.log.error('leader election failed', { error: e instanceof Error ? e.message : String(e) });
        break;
      } finally {
        // As QuorumPeer.run: the read-only server (or its pending start) ends with the election,
        // before the decided role begins; its clients are disconnected.
        this.cancelReadOnly();
      }
      if (this.stopping) break;
      this.record(`${decision.state} ${decision.vote.id}`);
      this.setState(decision.state);
      const end = await this.runRole(decision);
      this.learnerMasterValue = -1n;
      this.observerMaster?.stop(`${decision.state.toLowerCase()} ended`);
      this.observerMaster = null;
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
      const me = this.reconfig.servers.find((s) => s.id === this.o.myId)!.addresses[0]!;
      const reconfigOn = this.o.reconfigEnabled === true;
      const runner: LeaderRunner = new LeaderRunner({
        ...(reconfigOn ? { reconfig: () => this.reconfigContext(runner) } : {}),
        log: this.log,
        listen: { host: me.host, port: me.quorumPort },
        ...(this.o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: this.o.listenOnAllIPs }),
        disk: this.disk,
        host: this.leaderHost(),
        lengthMax,
        // Learners behind the committed log are synced from the txn log (zookeeper.snapshotSizeFactor).
        txnLogSync: {
          ...dataDirLayout(this.o.server.dataDir, this.o.server.dataLogDir),
          snapshotSizeFactor: parseSnapshotSizeFactor(this.o.server.systemProperties?.['zookeeper.snapshotSizeFactor'], this.log),
        },
        ...(this.o.server.metricsTracking === false ? {} : { metrics: this.zk.metrics }),
        machine: {
          ...timing,
          sid: BigInt(this.o.myId),
          members: this.reconfig.members,
          acceptedEpoch: this.storage.acceptedEpoch,
          currentEpoch: this.storage.currentEpoch,
          lastProcessedZxid: this.storage.tree.lastProcessedZxid,
          committedLog: this.storage.committedProposals(),
          ...(this.o.commitLogCount === undefined ? {} : { commitLogCount: this.o.commitLogCount }),
          ...(this.o.forceSnapSync === undefined ? {} : { forceSnapSync: this.o.forceSnapSync }),
          newLeaderConfig: (newLeaderZxid) => {
            // ZOOKEEPER-1783: with reconfig on, a never-reconfigured (version 0) config gets the
            // new epoch's zxid as its version, proposed here and activated once we serve.
            if (reconfigOn && this.reconfig.version === 0n && this.reconfig.lastSeenVersion === 0n) {
              this.reconfig.proposed(quorumConfigText(this.reconfig.servers, newLeaderZxid));
            }
            return Buffer.from(reconfigOn ? this.reconfig.lastSeenText : this.reconfig.text, 'utf8');
          },
          ...(reconfigOn ? { reconfigEnabled: true, configVersion: () => this.reconfig.version } : {}),
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
    this.leaderSid = d.vote.id;
    const leader = this.reconfig.servers.find((s) => BigInt(s.id) === d.vote.id);
    const addr = leader?.addresses[0];
    if (addr === undefined) return { kind: 'failed', reason: `the elected leader ${d.vote.id} is not in the server list` };
    const target = d.state === 'OBSERVING' ? await this.findLearnerMaster({ sid: d.vote.id, host: addr.host, port: addr.quorumPort }) : { sid: d.vote.id, host: addr.host, port: addr.quorumPort };
    if (this.stopping) return { kind: 'stopped', reason: 'server stopping' };
    if (d.state === 'OBSERVING') this.learnerMasterValue = target.sid;
    const runner = new LearnerRunner({
      log: this.log,
      leader: target,
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
        configVersion: this.reconfig.version,
        ...(this.o.reconfigEnabled === true ? { reconfigEnabled: true } : {}),
      },
    });
    this.learnerRunner = runner;
    void runner.start();
    this.notify();
    return runner.ended;
  }

  /**
   * Observer.findLearnerMaster: the next observer master (observerMasterPort), else the leader.
   * The reference sleeps a random part of zookeeper.observer.reconnectDelayMs before it reconnects
   * to the leader, and with observer masters only once the whole list has been tried.
   */
  private async findLearnerMaster(leader: { sid: bigint; host: string; port: number }): Promise<{ sid: bigint; host: string; port: number }> {
    const list = this.learnerMasters;
    if (list.enabled && this.learnerMastersVersion !== this.reconfig.version) {
      this.learnerMastersVersion = this.reconfig.version;
      list.update(this.reconfig.servers.filter((s) => s.role === 'participant' && s.addresses[0] !== undefined).map((s) => ({ sid: BigInt(s.id), host: s.addresses[0]!.host })));
      this.log.info('learner master list updated', { masters: list.candidates.map((c) => `${c.sid}@${c.host}:${c.port}`).join(',') });
    }
    const { master, wrapped } = list.choose(leader);
    const delayMs = this.o.observerReconnectDelayMs ?? 0;
    if (wrapped && delayMs > 0) {
      const wait = Math.floor(Math.random() * delayMs);
      this.log.info('waiting before reconnecting to a learner master', { ms: wait });
      await new Promise((r) => setTimeout(r, wait));
    }
    this.log.info('observing', { learnerMaster: String(master.sid), address: `${master.host}:${master.port}` });
    this.record(`learner master ${master.sid} at ${master.host}:${master.port}`);
    return master;
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
        if (this.reconfig.lastSeenVersion > this.reconfig.version) this.reconfig.activate(this.reconfig.lastSeenText, BigInt(this.o.myId), BigInt(this.o.myId), false);
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
        this.reconfig.activate(config, designatedLeader, BigInt(this.o.myId), false);
        this.record(`config ${this.reconfig.version.toString(16)} activated by this leader (designated leader ${designatedLeader})`);
      },
    };
  }

  /**
   * processReconfig(qv, null, null, false) for a config a LOOKING peer saw in a notification: it
   * becomes ours (files, election members). The reference then restarts the round when the
   * members differ; here the running round just counts with the new members.
   */
  private adoptGossipedConfig(config: string): void {
    if (this.stateValue !== 'LOOKING') return;
    this.reconfig.activate(config, null, -1n, this.reconfig.members.observers.has(BigInt(this.o.myId)));
    this.record(`config ${this.reconfig.version.toString(16)} adopted from election`);
  }

  /** What prep needs for a reconfig request on this leader (PrepRequestProcessor's inputs). */
  private reconfigContext(runner: LeaderRunner): ReturnType<ReconfigHook> {
    const c = this.reconfig;
    return {
      committedVersion: c.version,
      lastSeenVersion: c.lastSeenVersion,
      lastSeenServers: c.lastSeenServers,
      standaloneEnabled: this.o.standaloneEnabled ?? true,
      quorumSynced: (voters) => runner.quorumSyncedFor(voters, (ids) => majorityMembers(voters).containsQuorum(ids)),
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
        const act = this.pendingActivation;
        if (act?.zxid === t.zxid) this.pendingActivation = null;
        this.observerMaster?.committed(t, act?.zxid === t.zxid ? act.designatedLeader : undefined);
      },
      serve: (kind, epoch, link) => {
        this.record(`${kind} synced by ${link.machine?.syncMode ?? 'nothing'}`);
        this.election.driver.updateElectionVote(epoch);
        this.zk.beginServing({ kind, link });
        if (kind === 'follower') this.startObserverMaster(link);
        this.notify();
      },
      syncCompleted: () => this.zk.syncCompleted(),
      observerSyncCompleted: (owner) => this.observerMaster?.syncAnswered(owner),
      sessionRevalidated: (sessionId, valid) => {
        if (this.observerMaster?.revalidated(sessionId, valid) === true) return;
        this.zk.sessionRevalidated(sessionId, valid);
      },
      configProposed: (config) => this.reconfig.proposed(config),
      activateConfig: (config, designatedLeader, zxid) => {
        // The observer master relays this commit as INFORMANDACTIVATE.
        this.pendingActivation = zxid === null || designatedLeader === null ? null : { zxid, designatedLeader };
        const major = this.reconfig.activate(config, designatedLeader, this.leaderSid, this.stateValue === 'OBSERVING');
        this.record(`config ${this.reconfig.version.toString(16)} activated${major ? ' (role or leader changed)' : ''}`);
        return major;
      },
    };
  }

  /**
   * Follower.followLeader: once synced, a follower with observerMasterPort serves observers there.
   * Unlike the reference (whose follower fails when the port cannot be bound) it keeps following.
   */
  private startObserverMaster(link: LearnerRunner): void {
    const port = this.o.observerMasterPort;
    const me = this.reconfig.servers.find((x) => x.id === this.o.myId)?.addresses[0];
    if (port === undefined || port <= 0 || me === undefined || this.observerMaster !== null) return;
    const om = startFollowerObserverMaster(
      {
        log: this.log,
        sid: BigInt(this.o.myId),
        listen: { host: me.host, port },
        ...(this.o.listenOnAllIPs === undefined ? {} : { listenOnAllIPs: this.o.listenOnAllIPs }),
        lengthMax: (this.o.server.juteMaxBuffer ?? 0xfffff) + 1024,
        tickTimeMs: this.o.server.tickTimeMs,
        initLimit: this.o.initLimit,
        syncLimit: this.o.syncLimit,
        configText: this.o.reconfigEnabled === true ? this.reconfig.lastSeenText : this.reconfig.text,
        ...(this.o.observerMasterSizeLimit === undefined ? {} : { sizeLimit: this.o.observerMasterSizeLimit }),
        storage: this.storage,
        link,
      },
      () => {
        if (this.observerMaster === om) this.observerMaster = null;
      },
    );
    this.observerMaster = om;
    this.record(`observer master on ${me.host}:${port}`);
  }

  /** LOOKING with readOnlyMode: serve read-only clients if still LOOKING after the grace period. */
  private scheduleReadOnly(): void {
    if (this.o.readOnlyMode !== true || this.stopping) return;
    this.readOnlyTimer = setTimeout(() => {
      this.readOnlyTimer = null;
      if (this.stopping || this.stateValue !== 'LOOKING') return;
      this.zk.beginReadOnly();
      this.record('read-only');
      this.notify();
    }, readOnlyGraceMs(this.o.server.tickTimeMs));
  }

  private cancelReadOnly(): void {
    if (this.readOnlyTimer !== null) clearTimeout(this.readOnlyTimer);
    this.readOnlyTimer = null;
    if (!this.zk.readOnly) return;
    this.zk.endServing('read-only mode ended: the election decided');
    this.notify();
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
