// The server's composition: it opens the database, owns the client port, the timers and the
// lifecycle, and is the one object src/quorum, src/embedded.ts, src/main.ts, src/admin, bench and
// the tests hold. The work is done by plain functions over the shared state (server-core.ts):
//   handshake.ts      ConnectRequest -> session create/reopen/refuse, and `auth`
//   role-pipeline.ts  how a request becomes ready per role (standalone, leader, learner, read-only)
//   final-step.ts     apply, watch events, the reply, and the per-request statistics
//   session-steps.ts  session expiry (global and local) and the container sweep
//   server-view.ts    the ServerView of the four-letter words and admin, and the metric gauges
// One global order in every role, like the reference's standalone chain (Prep -> Sync -> Final).

import { createServer, type Server, type Socket } from 'node:net';
import { SetSASLResponse, type ConnectRequest, type RequestHeader } from '../protocol/generated';
import { OpCode } from '../protocol/opcodes';
import { ZkDatabase } from '../persistence/database';
import type { LoggedTxn } from '../persistence/txn';
import { silentLogger, type Logger } from '../util/logger';
import { initialIds, javaAuthInfoOrder } from './auth';
import { ClientConnection, type ConnectionHost } from './connection';
import { fourLetterAnswer, isFourLetterWord, type LatencyStats, type ServerView } from '../fourletter';
import { PrometheusEndpoint, ROLE_GAUGES, ServerMetrics } from '../metrics';
import { REPLY_HEADER_BYTES, recordStartup } from '../metrics/server-hooks';
import type { ServerOptions } from './options';
import { OrderedPipeline } from './pipeline';
import { databaseOptions } from './database-options';
import type { QuorumStatus, RoleKind, ServingRole } from './roles';
import { roleGaugeReads } from './quorum-view';
import type { ZkDatabaseOptions } from '../persistence/database';
import type { LearnerRequest, SessionTouch } from '../quorum/zab/payloads';
import { LOCAL_OWNER, learnerOwner } from './session';
import { AdminServer, zkServerSource } from '../admin';
import { ServerCore } from './server-core';
import { connectRequest, handleAuth, sessionRevalidated } from './handshake';
import { committed, learnerRequest, submit } from './role-pipeline';
import { checkContainers, expireSessions } from './session-steps';
import { buildServerView, registerServerGauges } from './server-view';

export class ZkServer implements ConnectionHost {
  private readonly log: Logger;
  /** The state the handshake, role pipelines, final step, session steps and views share. */
  private readonly core: ServerCore;
  private readonly perIp = new Map<string, number>();
  private tickTimer: NodeJS.Timeout | null = null;
  private containerTimer: NodeJS.Timeout | null = null;
  /** ServerOptions.metricsTracking: false skips every metric update (overhead measurements only). */
  private readonly track: boolean;
  /** The `GET /metrics` endpoint when the Prometheus provider is configured. */
  private prometheus: PrometheusEndpoint | null = null;
  /** ZooTrace's text trace level (gtmk/stmk); kept, not consulted. */
  private traceMask = 306n;
  readonly startedAt: number;
  /** The AdminServer (HTTP commands), when options.admin enables it. */
  admin: AdminServer | null = null;

  private constructor(
    readonly options: ServerOptions,
    db: ZkDatabase,
    private readonly server: Server,
    /** The reference's ServerMetrics (src/metrics): the one source of mntr, `monitor` and /metrics. */
    readonly metrics: ServerMetrics,
    /** Set for a quorum member (ZkServer.startQuorumMember). */
    private readonly quorum: QuorumStatus | null = null,
  ) {
    this.log = options.logger ?? silentLogger;
    this.track = options.metricsTracking ?? true;
    this.core = new ServerCore(options, db, metrics, quorum, this.log, this.track);
    this.core.onFatal = () => void this.stop();
    this.startedAt = this.core.startedAt;
    this.core.setUpPipeline();
    registerServerGauges(this.core);
    if (this.track) recordStartup(metrics, db.openTimings.dbInitMs, db.restored);
  }

  /** The open database; a quorum member replaces it after a TRUNC or SNAP sync (replaceDatabase). */
  get db(): ZkDatabase {
    return this.core.db;
  }

  set db(db: ZkDatabase) {
    this.core.db = db;
  }

  /** Packet counts and latencies (ServerStats) for the four-letter words and the gauges. */
  get stats(): LatencyStats {
    return this.core.stats;
  }

  static start(options: ServerOptions): Promise<ZkServer> {
    return ZkServer.launch(options, null);
  }

  /**
   * A quorum member's client side: the database is loaded and the client port open, but nothing is
   * served until the peer runtime calls beginServing with the role the election decided.
   * `onReplayedTxn` sees every txn restore replays (the leader's committed log).
   */
  static startQuorumMember(
    options: ServerOptions,
    quorum: { status: QuorumStatus; onReplayedTxn?: (txn: LoggedTxn, entry: Buffer) => void },
  ): Promise<ZkServer> {
    return ZkServer.launch(options, quorum);
  }

  private static async launch(
    options: ServerOptions,
    quorum: { status: QuorumStatus; onReplayedTxn?: (txn: LoggedTxn, entry: Buffer) => void } | null,
  ): Promise<ZkServer> {
    const log = options.logger ?? silentLogger;
    const prometheus = options.metrics?.provider === 'prometheus';
    // The reference's Prometheus provider cannot reset (srst leaves it alone) and reports a median
    // for basic summaries too, so those keep a sample window.
    const metrics = new ServerMetrics({ resettable: !prometheus, basicSummaryQuantiles: prometheus });
    const onTxn = quorum?.onReplayedTxn;
    const db = await ZkDatabase.open({ ...databaseOptions(options, metrics), ...(onTxn ? { onTxn } : {}) });
    const server = createServer();
    const zk = new ZkServer(options, db, server, metrics, quorum?.status ?? null);
    server.on('connection', (s) => zk.accept(s));
    // As ZooKeeperServerMain, the metrics provider starts first; if it cannot (its port taken),
    // the server does not start.
    if (prometheus) {
      try {
        const m = options.metrics!;
        zk.prometheus = await PrometheusEndpoint.start(
          metrics.registry,
          { httpHost: m.httpHost ?? '0.0.0.0', httpPort: m.httpPort ?? 7000, exportJvmInfo: m.exportJvmInfo ?? true },
          log,
        );
      } catch (e) {
        await zk.stop();
        throw new Error(`cannot start the Prometheus metrics provider: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    }
    // As ZooKeeperServerMain, the AdminServer starts before the client port, and a server whose
    // AdminServer cannot start (its port taken) does not start at all.
    if (options.admin?.enabled === true) {
      try {
        zk.admin = await AdminServer.start(options.admin, zkServerSource(zk), log);
      } catch (e) {
        // A quorum peer in the reference (QuorumPeer.start) only warns and goes on without it.
        if (quorum !== null) {
          log.warn('problem starting the AdminServer; going on without it', { error: e instanceof Error ? e.message : String(e) });
        } else {
          await zk.stop();
          throw e;
        }
      }
    }
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    zk.tickTimer = setInterval(() => expireSessions(zk.core), Math.max(10, Math.floor(options.tickTimeMs / 2)));
    zk.containerTimer = setInterval(() => checkContainers(zk.core), options.containerCheckIntervalMs ?? 60_000);
    zk.containerTimer.unref();
    log.info(quorum === null ? 'zkts serving' : 'zkts client port open (serving once the ensemble has a leader)', { address: zk.address, dataDir: options.dataDir, zxid: db.lastProcessedZxid });
    return zk;
  }

  /** Where `GET /metrics` is served; null without the Prometheus provider. */
  get metricsAddress(): { host: string; port: number } | null {
    return this.prometheus?.address ?? null;
  }

  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('server is not listening');
    return { host: a.address, port: a.port };
  }

  // ---- connections ----

  private accept(socket: Socket): void {
    if (this.core.stopping) {
      if (this.track) this.metrics.cnxnClosedWithoutZkServerRunning.value++;
      socket.destroy();
      return;
    }
    const conn = new ClientConnection(socket, this, this.log, this.options.juteMaxBuffer ?? 0xfffff);
    const max = this.options.maxClientCnxns ?? 60;
    const count = (this.perIp.get(conn.remoteAddress) ?? 0) + 1;
    if (max > 0 && count > max) {
      if (this.track) this.metrics.connectionRejected.value++;
      this.log.warn('too many connections from one address', { address: conn.remoteAddress, max });
      socket.destroy();
      return;
    }
    this.perIp.set(conn.remoteAddress, count);
    if (this.track) this.watchForDrop(socket, conn);
    conn.authInfo = initialIds(conn.remoteAddress);
    conn.orderedAuthInfo = javaAuthInfoOrder(conn.authInfo);
    this.core.connections.add(conn);
  }

  /**
   * connection_drop_count: the client went away (end of stream or a reset) while the connection
   * was open, rather than the server closing it (the reference counts its failed reads).
   */
  private watchForDrop(socket: Socket, conn: ClientConnection): void {
    let counted = false;
    const dropped = (): void => {
      if (counted || !conn.isOpen) return;
      counted = true;
      this.metrics.connectionDropCount.value++;
    };
    socket.once('end', dropped);
    socket.once('error', dropped);
  }

  onClosed(conn: ClientConnection): void {
    if (!this.core.connections.delete(conn)) return;
    const n = (this.perIp.get(conn.remoteAddress) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(conn.remoteAddress);
    else this.perIp.set(conn.remoteAddress, n);
    this.core.watches.removeWatcher(conn);
    this.core.paused.delete(conn);
    if (this.core.bySession.get(conn.sessionId) === conn) this.core.bySession.delete(conn.sessionId);
  }

  fourLetterWord(word: string, conn: ClientConnection, rest: Buffer = Buffer.alloc(0)): string | null {
    const whitelist = this.options.fourLetterWords ?? ['srvr'];
    // As the reference, a known word counts as one received packet before it runs.
    if (!isFourLetterWord(word)) return null;
    this.stats.packetsReceived++;
    if (this.track) this.metrics.bytesReceivedCount.value += 4;
    conn.packetsReceived++;
    return fourLetterAnswer(word, this.view(), whitelist, rest);
  }

  onConnectRequest(conn: ClientConnection, req: ConnectRequest, readOnlyPresent: boolean): void {
    connectRequest(this.core, conn, req, readOnlyPresent);
  }

  onRequest(conn: ClientConnection, header: RequestHeader, body: Buffer): void {
    this.stats.packetsReceived++;
    // The frame: length prefix, RequestHeader (xid, type), body.
    if (this.track) this.metrics.bytesReceivedCount.value += 12 + body.length;
    // A local session's activity stays here; the leader never hears of it.
    if (this.core.local?.touch(conn.sessionId, Date.now(), conn.timeoutMs) !== true) {
      this.core.sessions.touch(conn.sessionId, Date.now(), conn.timeoutMs);
      // A learner reports its clients' activity to the leader, which decides expiry.
      const role = this.core.role;
      if (role.kind === 'follower' || role.kind === 'observer') role.link.touch(conn.sessionId, conn.timeoutMs);
    }
    if (header.type === OpCode.auth) {
      handleAuth(this.core, conn, body);
      return;
    }
    if (header.type === OpCode.sasl) {
      // No SASL configured: the reference answers inline, OK with a null token and zxid 0.
      const sasl = SetSASLResponse.encode({ token: null });
      if (this.track) this.metrics.responseSent(REPLY_HEADER_BYTES + sasl.length);
      conn.sendReply(header.xid, 0n, 0, sasl);
      return;
    }
    // The reference keeps a connection's ids in a hash set: whoAmI and `auth` ACLs see that order.
    submit(this.core, conn, { sessionId: conn.sessionId, cxid: header.xid, type: header.type, body, authInfo: conn.orderedAuthInfo, owner: LOCAL_OWNER });
  }

  // ---- quorum roles (called by the peer runtime, src/quorum/peer) ----

  /** True while a LOOKING quorum member serves read-only clients (beginReadOnly). */
  get readOnly(): boolean {
    return this.core.role.kind === 'read-only';
  }

  /** False while a quorum member is between roles (electing, syncing) and when stopping. */
  get serving(): boolean {
    return this.core.serving;
  }

  /** The options this server opens its database with. */
  databaseOptions(): ZkDatabaseOptions {
    return databaseOptions(this.options, this.metrics);
  }

  /** A quorum member's new database after a TRUNC or SNAP sync (only while not serving). */
  replaceDatabase(db: ZkDatabase): void {
    if (this.core.role.kind !== 'idle') throw new Error(`cannot replace the database while serving as ${this.core.role.kind}`);
    this.db = db;
    this.core.setUpPipeline();
  }

  /**
   * A LOOKING peer with readonlymode.enabled, after its grace period: serve read-only clients over
   * the current database (src/server/read-only.ts) until endServing, which the peer calls when the
   * election decides a role. Sessions start empty: the quorum's sessions are not tracked here.
   */
  beginReadOnly(): void {
    if (this.core.stopping || this.quorum === null || this.core.role.kind !== 'idle') return;
    this.core.role = { kind: 'read-only' };
    this.core.setUpPipeline();
    this.log.info('serving read-only clients', { zxid: this.db.lastProcessedZxid });
  }

  /** The election and sync are done: serve clients in `role` until endServing. */
  beginServing(role: ServingRole): void {
    if (this.core.stopping || this.quorum === null) return;
    this.core.role = role;
    this.core.setUpPipeline();
    this.registerRoleGauges(role.kind);
    this.log.info('serving clients', { role: role.kind, zxid: this.db.lastProcessedZxid });
  }

  /**
   * The role ended (the peer goes back to LOOKING): as the reference's Leader/Learner.shutdown,
   * every client connection is closed; requests in flight get no answer (clients reconnect).
   */
  endServing(reason: string): void {
    const was = this.core.role.kind;
    if (was === 'standalone' || was === 'idle') return;
    this.core.role = { kind: 'idle' };
    if (was !== 'read-only') for (const name of ROLE_GAUGES[was]) this.metrics.registry.unregisterGauge(name);
    for (const c of [...this.core.connections]) c.close(reason, 'info');
    this.core.pipeline = new OrderedPipeline();
    this.core.commits.clear();
    this.core.learnerWaits.clear();
    this.core.revalidations.clear();
    this.core.inFlight = 0;
    this.core.resumeAll();
    this.log.info('not serving clients', { was, reason });
  }

  /**
   * A txn the quorum committed, in zxid order: a leader's proposal or a learner's forwarded
   * request finishes, another server's txn is applied in turn (role-pipeline.ts).
   */
  committed(txn: LoggedTxn): void {
    committed(this.core, txn);
  }

  /** Leader: a learner forwarded a client request (REQUEST), with that client's auth ids. */
  learnerRequest(sid: bigint, r: LearnerRequest): void {
    learnerRequest(this.core, sid, r);
  }

  /** Leader: sessions a learner's clients used since its last PING. */
  touchSessions(touches: readonly SessionTouch[]): void {
    const now = Date.now();
    for (const t of touches) this.core.sessions.touch(t.sessionId, now, t.timeoutMs);
  }

  /** Leader: a learner's client reconnected; valid sessions are touched and change owner. */
  revalidateSession(sid: bigint, sessionId: bigint, timeoutMs: number): boolean {
    const valid = this.core.role.kind === 'leader' && this.core.sessions.touch(sessionId, Date.now(), timeoutMs);
    if (valid) this.core.sessions.setOwner(sessionId, learnerOwner(sid));
    return valid;
  }

  /** Learner: the leader's SYNC completes the oldest forwarded sync. */
  syncCompleted(): void {
    const w = this.core.learnerWaits.takeSync();
    if (w === null) this.log.warn('SYNC from the leader with no sync pending');
    else w.open();
  }

  /** Learner: the leader's answer to a reconnect's REVALIDATE. */
  sessionRevalidated(sessionId: bigint, valid: boolean): void {
    sessionRevalidated(this.core, sessionId, valid);
  }

  /** The gauges a quorum role adds (QuorumZooKeeperServer, LeaderZooKeeperServer, FollowerZooKeeperServer). */
  private registerRoleGauges(kind: RoleKind): void {
    if (this.quorum !== null) this.metrics.registerRoleGauges(kind, roleGaugeReads(kind, this.quorum));
  }

  // ---- views and lifecycle ----

  /** The read-only view the four-letter words render (src/fourletter). */
  view(): ServerView {
    return buildServerView(this.core, {
      address: () => this.address,
      prometheus: () => this.prometheus !== null,
      traceMask: this.traceMask,
      setTraceMask: (mask) => {
        this.traceMask = mask;
      },
    });
  }

  async stop(): Promise<void> {
    if (this.core.stopping) return;
    // A quorum role's steps waiting for commits will not get them now.
    this.endServing('server stopping');
    this.core.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.containerTimer) clearInterval(this.containerTimer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.core.connections) c.close('server stopping', 'debug');
    await closed;
    await this.admin?.stop();
    await this.prometheus?.stop();
    await this.core.pipeline.idle();
    await this.db.close();
  }
}
