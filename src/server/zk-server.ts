// The standalone server: composition of the database, the session tracker, prep, the watch
// manager and the connections. One global order, like the reference's standalone chain
// (Prep -> Sync -> Final): each request is prepared when it arrives (writes get their zxid and
// txn), writes are appended with group commit, and the final step runs strictly in arrival order:
// apply the txn, send its watch events, then the reply; reads are evaluated in their turn.

import { readdirSync, statSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import { ConnectResponse, SetSASLResponse, type ConnectRequest, type RequestHeader } from '../protocol/generated';
import { ErrCode, OpCode } from '../protocol/opcodes';
import { ZkDatabase } from '../persistence/database';
import type { LoggedTxn } from '../persistence/txn';
import { Perms, ttlOfEphemeralOwner } from '../tree';
import { checkACL } from './acl';
import { silentLogger, type Logger } from '../util/logger';
import { authenticate, initialIds, javaAuthInfoOrder } from './auth';
import { ClientConnection, type ConnectionHost } from './connection';
import { replyForRead, replyForTxn, type FinalEnv } from './final';
import { fourLetterAnswer, isFourLetterWord, lastOpName, type ConnectionView, type LatencyStats, type ServerView } from '../fourletter';
import { avg4 } from '../fourletter/view';
import { PrometheusEndpoint, ROLE_GAUGES, ServerMetrics, maxFileDescriptorCount, openFileDescriptorCount, prometheusDump, quotaValues } from '../metrics';
import { REPLY_HEADER_BYTES, eventBytes, recordApplied, recordRead, recordStartup, recordWatchTrigger } from '../metrics/server-hooks';
import type { ServerOptions } from './options';
import { OrderedPipeline } from './pipeline';
import { databaseOptions } from './database-options';
import { FORWARDED_TYPES, LOCAL_TYPES, LearnerWaits, type TxnWait } from './learner-waits';
import type { LearnerLink, QuorumStatus, RoleKind, ServingRole } from './roles';
import { NOT_READ_ONLY, readOnlyClientRefusal, readOnlyGate, readOnlyOutcome, readOnlyReconnectRefusal } from './read-only';
import { quorumView, roleGaugeReads } from './quorum-view';
import type { ZkDatabaseOptions } from '../persistence/database';
import type { LearnerRequest, SessionTouch } from '../quorum/zab/payloads';
import { RequestPreparer, type PrepSessions } from './prep';
import type { PrepOutcome, Request } from './request';
import { LOCAL_OWNER, LocalSessions, SessionTracker, isSessionMovedTxn, leaderPrepSessions, learnerOwner, sessionPassword } from './session';
import { WatchManager } from './watch';
import { AdminServer, zkServerSource } from '../admin';

const PING_XID = -2;
const AUTH_XID = -4;
const NO_BODY = Buffer.alloc(0);

interface SubmitHooks {
  /** createSession: the session exists (its txn applied); answer the ConnectRequest. */
  onDone?: () => void;
  /** A learner's request on the leader: it is answered through the committed txn, never here. */
  fromLearner?: boolean;
  /**
   * The request failed before prep with this code (a local session's ephemeral create without
   * upgrading): its ErrorTxn carries it on the leader, and the client gets it on any member.
   */
  failWith?: number;
}

/** Per-connection response bookkeeping for `cons` (the reference's ServerCnxn stats). */
interface ConnectionStats {
  lastOp: string;
  lastCxid: number;
  lastZxid: bigint;
  lastResponseMs: number;
  lastLatencyMs: number;
  minLatencyMs: number;
  maxLatencyMs: number;
  count: number;
  totalLatencyMs: number;
}

function freshConnectionStats(): ConnectionStats {
  return { lastOp: 'NA', lastCxid: -1, lastZxid: -1n, lastResponseMs: 0, lastLatencyMs: 0, minLatencyMs: -1, maxLatencyMs: 0, count: 0, totalLatencyMs: 0 };
}

/** Bytes of every file under `dir` (ZooKeeperServer.getDirSize); 0 if it cannot be read. */
function dirSize(dir: string): number {
  let total = 0;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) total += dirSize(p);
      else total += statSync(p).size;
    }
  } catch {
    return total;
  }
  return total;
}

export class ZkServer implements ConnectionHost {
  private readonly log: Logger;
  private readonly connections = new Set<ClientConnection>();
  private readonly bySession = new Map<bigint, ClientConnection>();
  private readonly perIp = new Map<string, number>();
  private prep!: RequestPreparer;
  private readonly watches = new WatchManager<ClientConnection>();
  private sessions!: SessionTracker;
  /** Local sessions (localSessionsEnabled) while serving as leader, follower or observer. */
  private local: LocalSessions | null = null;
  private finalEnv!: FinalEnv<ClientConnection>;
  private pipeline = new OrderedPipeline();
  /**
   * How writes are committed: logged here (standalone), proposed to Zab (leader) or forwarded to
   * the leader (follower, observer). A quorum member between roles is idle and serves no client.
   */
  private role: { readonly kind: 'standalone' | 'idle' | 'read-only' } | ServingRole;
  /** Leader: the pipeline step waiting for each proposed zxid's commit. */
  private readonly commits = new Map<bigint, () => void>();
  /** Follower/observer: forwarded requests waiting for the leader's answer. */
  private readonly learnerWaits = new LearnerWaits();
  /** Follower/observer: reconnects waiting for the leader's REVALIDATE answer. */
  private readonly revalidations = new Map<bigint, { conn: ClientConnection; timeoutMs: number; readOnlyPresent: boolean }>();
  private readonly paused = new Set<ClientConnection>();
  private inFlight = 0;
  private tickTimer: NodeJS.Timeout | null = null;
  private containerTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  readonly stats: LatencyStats = { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 };
  private readonly connStats = new WeakMap<ClientConnection, ConnectionStats>();
  /** ServerStats.authFailedCount: a gauge, not reset by srst (as the reference). */
  private authFailed = 0;
  /** ServerOptions.metricsTracking: false skips every metric update (overhead measurements only). */
  private readonly track: boolean;
  /** The `GET /metrics` endpoint when the Prometheus provider is configured. */
  private prometheus: PrometheusEndpoint | null = null;
  /** ZooTrace's text trace level (gtmk/stmk); kept, not consulted. */
  private traceMask = 306n;
  readonly startedAt = Date.now();
  /** The AdminServer (HTTP commands), when options.admin enables it. */
  admin: AdminServer | null = null;

  private constructor(
    readonly options: ServerOptions,
    /** The open database; a quorum member replaces it after a TRUNC or SNAP sync (replaceDatabase). */
    public db: ZkDatabase,
    private readonly server: Server,
    /** The reference's ServerMetrics (src/metrics): the one source of mntr, `monitor` and /metrics. */
    readonly metrics: ServerMetrics,
    /** Set for a quorum member (ZkServer.startQuorumMember). */
    private readonly quorum: QuorumStatus | null = null,
  ) {
    this.log = options.logger ?? silentLogger;
    this.track = options.metricsTracking ?? true;
    this.role = { kind: quorum === null ? 'standalone' : 'idle' };
    this.setUpPipeline();
    this.registerGauges();
    if (this.track) recordStartup(metrics, db.openTimings.dbInitMs, db.restored);
  }

  /**
   * Session tracker, prep and final step over the current database, for the role starting now.
   * Sessions restored from the database are tracked by whoever decides their expiry: a
   * standalone server or a leader; a follower only numbers the sessions its clients create.
   */
  private setUpPipeline(): void {
    const options = this.options;
    const now = Date.now();
    this.sessions = new SessionTracker({ tickTimeMs: options.tickTimeMs, serverId: options.serverId ?? 1, nowMs: now });
    const k = this.role.kind;
    const localOn = this.quorum !== null && options.localSessionsEnabled === true && (k === 'leader' || k === 'follower' || k === 'observer');
    this.local = localOn
      ? new LocalSessions({ tickTimeMs: options.tickTimeMs, serverId: options.serverId ?? 1, nowMs: now, upgrading: options.localSessionsUpgradingEnabled === true })
      : null;
    if (this.role.kind === 'standalone' || this.role.kind === 'leader') {
      for (const [id, timeout] of this.db.sessions) this.sessions.add(id, timeout, now);
    }
    const role = this.role;
    this.prep = new RequestPreparer({
      tree: this.db.tree,
      sessions: this.local !== null && this.role.kind === 'leader' ? this.leaderPrepSessions(this.local) : this.sessions,
      nextZxid: role.kind === 'leader' ? () => role.link.nextZxid() : () => this.db.lastAppendedZxid + 1n,
      now: () => BigInt(Date.now()),
      config: {
        extendedTypesEnabled: options.extendedTypesEnabled ?? false,
        skipACL: options.skipACL ?? false,
        enforceQuota: options.enforceQuota ?? false,
        // A quorum leader whose peer has reconfigEnabled hands prep a reconfig hook.
        ...(role.kind === 'leader' && role.link.reconfig !== undefined ? { reconfigEnabled: true } : {}),
      },
      ...(role.kind === 'leader' && role.link.reconfig !== undefined ? { reconfig: role.link.reconfig } : {}),
    });
    this.finalEnv = { tree: this.db.tree, watches: this.watches, skipACL: options.skipACL ?? false };
  }

  /** The leader's prep view with local sessions; its own local sessions' ephemerals are refused without upgrading. */
  private leaderPrepSessions(local: LocalSessions): PrepSessions {
    const view = leaderPrepSessions(this.sessions, local, this.options.serverId ?? 1);
    return local.upgradingEnabled ? view : { ...view, refusesEphemeral: (id) => local.isLocal(id) };
  }

  /** ZooKeeperServer.registerMetrics: the gauges read this server when collected. */
  private registerGauges(): void {
    const s = this.stats;
    const size = this.metrics.clientResponseSize;
    const zero = (): number => 0;
    this.metrics.registerServerGauges({
      avg_latency: () => avg4(s.latencyTotalMs, s.latencyCount),
      max_latency: () => s.latencyMaxMs,
      min_latency: () => s.latencyMinMs,
      packets_received: () => s.packetsReceived,
      packets_sent: () => s.packetsSent,
      num_alive_connections: () => this.connections.size,
      outstanding_requests: () => this.inFlight,
      uptime: () => Date.now() - this.startedAt,
      znode_count: () => this.db.tree.nodeCount,
      watch_count: () => this.watches.watchCount(),
      ephemerals_count: () => this.db.tree.ephemeralsCount,
      approximate_data_size: () => this.db.tree.approximateDataSize,
      // ZKDatabase.getSessionCount: the committed global sessions, which a learner knows too.
      global_sessions: () => this.db.sessions.size,
      // Local sessions are a quorum feature (localSessionsEnabled); a standalone server has none.
      local_sessions: () => this.local?.size ?? 0,
      open_file_descriptor_count: openFileDescriptorCount,
      max_file_descriptor_count: maxFileDescriptorCount,
      // zkts never drops connections at random (the reference's connection throttle does).
      connection_drop_probability: zero,
      last_client_response_size: () => size.last,
      max_client_response_size: () => size.max,
      min_client_response_size: () => size.min,
      // No TLS client port: no handshakes, no non-mTLS connections.
      outstanding_tls_handshake: zero,
      auth_failed_count: () => this.authFailed,
      non_mtls_remote_conn_count: zero,
      non_mtls_local_conn_count: zero,
    });
    // Read through this.db each time: a quorum member replaces its database after some syncs.
    this.metrics.registerQuotaGauges({
      quota_count_limit_per_namespace: () => quotaValues(this.db.tree, 'countLimit'),
      quota_bytes_limit_per_namespace: () => quotaValues(this.db.tree, 'bytesLimit'),
      quota_count_usage_per_namespace: () => quotaValues(this.db.tree, 'countUsage'),
      quota_bytes_usage_per_namespace: () => quotaValues(this.db.tree, 'bytesUsage'),
    });
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
    zk.tickTimer = setInterval(() => zk.expireSessions(), Math.max(10, Math.floor(options.tickTimeMs / 2)));
    zk.containerTimer = setInterval(() => zk.checkContainers(), options.containerCheckIntervalMs ?? 60_000);
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
    if (this.stopping) {
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
    this.connections.add(conn);
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
    if (!this.connections.delete(conn)) return;
    const n = (this.perIp.get(conn.remoteAddress) ?? 1) - 1;
    if (n <= 0) this.perIp.delete(conn.remoteAddress);
    else this.perIp.set(conn.remoteAddress, n);
    this.watches.removeWatcher(conn);
    this.paused.delete(conn);
    if (this.bySession.get(conn.sessionId) === conn) this.bySession.delete(conn.sessionId);
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
    this.stats.packetsReceived++;
    if (this.track) {
      // The frame: length prefix, protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly.
      this.metrics.bytesReceivedCount.value += 4 + 4 + 8 + 4 + 8 + 4 + (req.passwd?.length ?? 0) + (readOnlyPresent ? 1 : 0);
      this.metrics.connectionRequestCount.value++;
    }
    if (!this.serving) {
      // A quorum member between roles (electing, syncing): the client must try another server.
      if (this.track) this.metrics.cnxnClosedWithoutZkServerRunning.value++;
      conn.close('ZooKeeperServer not running', 'info');
      return;
    }
    const roRefusal = this.role.kind === 'read-only' ? readOnlyClientRefusal(req) : null;
    if (roRefusal !== null) {
      conn.close(roRefusal, 'info');
      return;
    }
    if (req.lastZxidSeen > this.db.lastProcessedZxid) {
      // The client has seen a newer state than ours: it must try another server.
      conn.close(`client has seen zxid 0x${req.lastZxidSeen.toString(16)}, ours is 0x${this.db.lastProcessedZxid.toString(16)}`, 'info');
      return;
    }
    const tick = this.options.tickTimeMs;
    const min = this.options.minSessionTimeoutMs ?? 2 * tick;
    const max = this.options.maxSessionTimeoutMs ?? 20 * tick;
    const timeout = Math.min(Math.max(req.timeOut, min), max);
    if (req.sessionId === 0n && this.local !== null) {
      this.createLocalSession(conn, timeout, readOnlyPresent);
      return;
    }
    if (req.sessionId === 0n) {
      const id = this.sessions.create(timeout, Date.now());
      conn.timeoutMs = timeout;
      this.bySession.set(id, conn);
      conn.sessionId = id;
      const body = Buffer.allocUnsafe(4);
      body.writeInt32BE(timeout, 0);
      this.submit(conn, { sessionId: id, cxid: 0, type: OpCode.createSession, body, authInfo: conn.authInfo, owner: LOCAL_OWNER }, {
        onDone: () => this.finishSessionInit(conn, id, timeout, readOnlyPresent, true),
      });
      return;
    }
    const roReconnect = this.role.kind === 'read-only' ? readOnlyReconnectRefusal(req.sessionId, this.db.sessions) : null;
    if (roReconnect !== null) {
      conn.close(roReconnect, 'info');
      return;
    }
    // As 3.8, the session's current connection is closed before the password is even checked.
    const prior = this.bySession.get(req.sessionId);
    if (prior !== undefined && prior !== conn) prior.close('session moved to a new connection', 'info');
    if (this.local?.isLocal(req.sessionId) === true) {
      this.reopenLocalSession(conn, req, timeout, readOnlyPresent);
      return;
    }
    const role = this.role;
    if (role.kind === 'follower' || role.kind === 'observer') {
      // Only the leader knows whether a session is alive (LearnerZooKeeperServer.revalidateSession).
      if (req.passwd === null || !req.passwd.equals(sessionPassword(req.sessionId))) {
        this.finishSessionInit(conn, req.sessionId, 0, readOnlyPresent, false);
        return;
      }
      this.revalidations.get(req.sessionId)?.conn.close('session moved to a new connection', 'info');
      this.revalidations.set(req.sessionId, { conn, timeoutMs: timeout, readOnlyPresent });
      role.link.revalidate(req.sessionId, timeout);
      return;
    }
    const valid = this.sessions.isValid(req.sessionId) && req.passwd !== null && req.passwd.equals(sessionPassword(req.sessionId));
    if (valid) {
      // As the reference, a reconnect runs on the newly negotiated timeout.
      conn.timeoutMs = timeout;
      this.sessions.touch(req.sessionId, Date.now(), timeout);
      // LeaderZooKeeperServer.revalidateSession: the leader's own clients now own the session.
      if (role.kind === 'leader') this.sessions.setOwner(req.sessionId, LOCAL_OWNER);
      this.bySession.set(req.sessionId, conn);
      this.finishSessionInit(conn, req.sessionId, timeout, readOnlyPresent, true);
    } else {
      this.finishSessionInit(conn, req.sessionId, 0, readOnlyPresent, false);
    }
  }

  private finishSessionInit(conn: ClientConnection, id: bigint, timeout: number, readOnlyPresent: boolean, valid: boolean): void {
    const res = ConnectResponse.encode({
      protocolVersion: 0,
      timeOut: valid ? timeout : 0,
      sessionId: valid ? id : 0n,
      passwd: valid ? sessionPassword(id) : Buffer.alloc(16),
      // Only a read-only server says true (ZooKeeperServer.finishSessionInit).
      ...(readOnlyPresent ? { readOnly: this.role.kind === 'read-only' } : {}),
    });
    this.stats.packetsSent++;
    conn.sendFrame(res);
    if (!valid) {
      conn.close('session expired or password mismatch', 'info');
      return;
    }
    conn.established(id);
  }

  onRequest(conn: ClientConnection, header: RequestHeader, body: Buffer): void {
    this.stats.packetsReceived++;
    // The frame: length prefix, RequestHeader (xid, type), body.
    if (this.track) this.metrics.bytesReceivedCount.value += 12 + body.length;
    // A local session's activity stays here; the leader never hears of it.
    if (this.local?.touch(conn.sessionId, Date.now(), conn.timeoutMs) !== true) {
      this.sessions.touch(conn.sessionId, Date.now(), conn.timeoutMs);
      // A learner reports its clients' activity to the leader, which decides expiry.
      const role = this.role;
      if (role.kind === 'follower' || role.kind === 'observer') role.link.touch(conn.sessionId, conn.timeoutMs);
    }
    if (header.type === OpCode.auth) {
      this.handleAuth(conn, body);
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
    this.submit(conn, { sessionId: conn.sessionId, cxid: header.xid, type: header.type, body, authInfo: conn.orderedAuthInfo, owner: LOCAL_OWNER });
  }

  private handleAuth(conn: ClientConnection, body: Buffer): void {
    const r = authenticate(body, { remoteAddress: conn.remoteAddress, superDigest: this.options.superDigest });
    if (r.ok) {
      for (const id of r.ids) if (!conn.authInfo.some((x) => x.scheme === id.scheme && x.id === id.id)) conn.authInfo.push(id);
      conn.orderedAuthInfo = javaAuthInfoOrder(conn.authInfo);
      if (this.track) this.metrics.responseSent(REPLY_HEADER_BYTES);
      conn.sendReply(AUTH_XID, 0n, 0, null);
    } else if (r.reason === 'malformed') {
      conn.close('malformed auth packet');
    } else {
      this.authFailed++;
      if (this.track) this.metrics.responseSent(REPLY_HEADER_BYTES);
      conn.sendReply(AUTH_XID, 0n, ErrCode.AUTHFAILED, null);
      conn.close(`authentication failed (${r.reason})`, 'info');
    }
  }

  // ---- the pipeline ----

  private submit(conn: ClientConnection | null, req: Request, hooks: SubmitHooks = {}): void {
    if (this.local !== null && conn !== null) {
      const local = this.submitLocal(conn, req);
      if (local === 'handled') return;
      if (local === 'refuse') hooks = { ...hooks, failWith: ErrCode.EPHEMERALONLOCALSESSION };
    }
    const role = this.role;
    if (role.kind === 'read-only') {
      this.submitReadOnly(conn, req, hooks);
      return;
    }
    if (role.kind === 'follower' || role.kind === 'observer') {
      this.submitToLeader(conn, req, hooks, role.link);
      return;
    }
    const started = Date.now();
    let outcome = this.prep.prepare(req);
    // A learner waits for a committed txn for everything it forwards: a refusal becomes an ErrorTxn.
    if (hooks.fromLearner === true && outcome.kind !== 'txn') outcome = this.learnerErrorTxn(req, outcome);
    if (hooks.failWith !== undefined && outcome.kind === 'txn' && outcome.txn.body.type === OpCode.error) outcome.txn.body.txn.err = hooks.failWith;
    const txn: LoggedTxn | null = outcome.kind === 'txn' ? outcome.txn : null;
    // A leader's txns are logged by Zab (its own ACK), not here.
    const leader = role.kind === 'leader' ? role.link : null;
    let durable: Promise<void> | null;
    if (this.track) {
      // PrepRequestProcessor's timings, for the requests zkts's prep turns into txns: the prep
      // itself, then handing the txn to the log. A read only passes through (no clock read).
      const m = this.metrics;
      m.prepProcessorRequestQueued.value++;
      if (txn !== null) {
        const prepped = Date.now();
        m.prepProcessTime.add(prepped - started);
        if (req.type === OpCode.closeSession) m.closeSessionPrepTime.add(prepped - started);
        durable = leader === null ? this.db.append(txn) : null;
        m.syncProcessorRequestQueued.value++;
        m.proposalProcessTime.add(Date.now() - prepped);
      } else {
        durable = null;
      }
    } else {
      durable = txn === null || leader !== null ? null : this.db.append(txn);
    }
    // In arrival order, once durable (pipeline.ts); a read with nothing ahead runs right here.
    const done = this.admit(conn);
    const step = (): void => {
      this.finish(conn, req, outcome, txn, hooks);
      this.recordLatency(started, conn, req, txn !== null);
      done();
    };
    const fail = (e: unknown): void => {
      this.fatal(e);
      done();
    };
    if (txn !== null && leader !== null) {
      // Runs when the quorum has it (committed), in order with everything around it.
      this.commits.set(txn.header.zxid, this.pipeline.pushGated(step, fail));
      leader.propose(txn);
    } else {
      this.pipeline.push(durable, step, fail);
    }
  }

  /**
   * A follower's or observer's request: writes, sync and session changes go to the leader and are
   * answered when the committed txn (or SYNC) comes back; reads are answered here, in order.
   */
  private submitToLeader(conn: ClientConnection | null, req: Request, hooks: SubmitHooks, link: LearnerLink): void {
    const started = Date.now();
    const done = this.admit(conn);
    const fail = (e: unknown): void => {
      this.fatal(e);
      done();
    };
    if (!FORWARDED_TYPES.has(req.type)) {
      // Not a known request type: UnimplementedRequestProcessor, as everywhere.
      const outcome: PrepOutcome = LOCAL_TYPES.has(req.type) ? { kind: 'read' } : { kind: 'reject', err: ErrCode.UNIMPLEMENTED, close: true };
      const step = (): void => {
        this.finish(conn, req, outcome, null, hooks);
        this.recordLatency(started, conn, req, false);
        done();
      };
      this.pipeline.push(null, step, fail);
      return;
    }
    if (req.type === OpCode.sync) {
      const step = (): void => {
        this.finish(conn, req, { kind: 'read' }, null, hooks);
        this.recordLatency(started, conn, req, false);
        done();
      };
      this.learnerWaits.add({ kind: 'sync', open: this.pipeline.pushGated(step, fail) });
    } else {
      let wait: TxnWait | null = null;
      const step = (): void => {
        const txn = wait!.txn!;
        this.finish(conn, req, { kind: 'txn', txn }, txn, hooks);
        this.recordLatency(started, conn, req, true);
        done();
      };
      wait = { kind: 'txn', sessionId: req.sessionId, cxid: req.cxid, txn: null, open: this.pipeline.pushGated(step, fail) };
      this.learnerWaits.add(wait);
    }
    // createSession carries no auth ids (ZooKeeperServer.createSession builds it without them).
    const authinfo = req.type === OpCode.createSession ? null : [...req.authInfo];
    link.forward({ sessionId: req.sessionId, cxid: req.cxid, opType: req.type, body: req.body, authinfo });
  }

  /**
   * A read-only server's request (src/server/read-only.ts): writes and sync get NOTREADONLY, the
   * session's create/close happen here only, the rest is read; all answered in arrival order.
   */
  private submitReadOnly(conn: ClientConnection | null, req: Request, hooks: SubmitHooks): void {
    const started = Date.now();
    const gate = readOnlyGate(req.type);
    const outcome = gate === 'refuse' ? NOT_READ_ONLY : gate === 'pass' ? readOnlyOutcome(this.prep.prepare(req)) : null;
    const done = this.admit(conn);
    const step = (): void => {
      if (outcome !== null) this.finish(conn, req, outcome, null, hooks);
      else if (req.type === OpCode.createSession) hooks.onDone?.();
      else this.closeReadOnlySession(conn, req);
      this.recordLatency(started, conn, req, false);
      done();
    };
    this.pipeline.push(null, step, (e) => {
      this.fatal(e);
      done();
    });
  }

  /** closeSession of a session only this (read-only) server knows: no txn, the connection closes. */
  private closeReadOnlySession(conn: ClientConnection | null, req: Request): void {
    this.sessions.remove(req.sessionId);
    const owner = this.bySession.get(req.sessionId);
    if (conn === null) {
      owner?.close('session expired', 'info');
      return;
    }
    this.reply(conn, req.cxid, ErrCode.OK, null);
    conn.close('client closed the session', 'debug');
  }

  /** What prep refused (no txn) for a learner's request still needs a committed answer. */
  private learnerErrorTxn(req: Request, outcome: PrepOutcome): PrepOutcome {
    const err = outcome.kind === 'reject' ? outcome.err : ErrCode.UNIMPLEMENTED;
    const zxid = this.role.kind === 'leader' ? this.role.link.nextZxid() : this.db.lastAppendedZxid + 1n;
    return {
      kind: 'txn',
      txn: {
        header: { clientId: req.sessionId, cxid: req.cxid, zxid, time: BigInt(Date.now()), type: OpCode.error },
        body: { type: OpCode.error, txn: { err } },
        digest: null,
      },
    };
  }

  /** Counts a request in flight (and throttles its connection); the returned function counts it out. */
  private admit(conn: ClientConnection | null): () => void {
    this.inFlight++;
    if (conn !== null) {
      conn.outstanding++;
      this.throttle(conn);
    }
    return () => {
      this.inFlight--;
      if (conn !== null) conn.outstanding--;
      if (this.paused.size > 0 && this.inFlight <= this.outstandingLimit) this.resumeAll();
    };
  }

  /**
   * The reference's globalOutstandingLimit: above it, connections with requests in flight stop
   * being read (TCP back-pressure, no error) until the pipeline drains below the limit.
   */
  private throttle(conn: ClientConnection): void {
    if (this.inFlight > this.outstandingLimit && conn.outstanding > 0 && !this.paused.has(conn)) {
      this.paused.add(conn);
      conn.setReading(false);
    }
  }

  private resumeAll(): void {
    for (const c of this.paused) c.setReading(true);
    this.paused.clear();
  }

  private get outstandingLimit(): number {
    return this.options.globalOutstandingLimit ?? 1000;
  }

  private finish(
    conn: ClientConnection | null,
    req: Request,
    outcome: ReturnType<RequestPreparer['prepare']>,
    txn: LoggedTxn | null,
    hooks: SubmitHooks,
  ): void {
    if (txn !== null) {
      const result = this.db.apply(txn);
      this.prep.applied(txn.header.zxid);
      if (this.track) recordApplied(this.metrics, this.db.tree, txn, Date.now(), result, req.body, req.type);
      const skipACL = this.options.skipACL ?? false;
      for (const t of result.triggers) {
        const deliveries = this.watches.trigger(t);
        if (deliveries.length === 0) continue;
        if (this.track) recordWatchTrigger(this.metrics, t.type, deliveries.length);
        const bytes = this.track ? eventBytes(deliveries[0]!.event.path) : 0;
        for (const { watcher, event } of deliveries) {
          // A watcher without READ on the node does not get the event (its one-shot watch is spent).
          if (!checkACL(t.acl ?? null, Perms.READ, watcher.authInfo, { skipACL })) continue;
          this.stats.packetsSent++;
          if (this.track) this.notified(bytes);
          watcher.sendEvent(event.type, event.path);
        }
      }
      if (req.type === OpCode.closeSession) {
        this.sessions.remove(req.sessionId);
        this.local?.remove(req.sessionId);
        const owner = this.bySession.get(req.sessionId);
        if (conn === null) {
          owner?.close('session expired', 'info');
          return;
        }
      }
      if (req.type === OpCode.createSession) {
        // A local session's upgrade is done: it is global now.
        this.local?.committed(req.sessionId);
        hooks.onDone?.();
        return;
      }
      if (conn === null) return;
      if (isSessionMovedTxn(txn)) {
        // FinalRequestProcessor (ZOOKEEPER-710): the client has moved on; no reply, the connection closes.
        conn.close('session moved to another server', 'info');
        return;
      }
      if (hooks.failWith !== undefined && txn.body.type === OpCode.error) {
        // A learner: the leader logged its own refusal; the client gets the member's reason.
        this.reply(conn, req.cxid, hooks.failWith, null);
        return;
      }
      const reply = replyForTxn(req, result, txn.body.type === OpCode.reconfig ? txn.body.txn.data : undefined);
      this.reply(conn, req.cxid, reply.err, reply.body);
      if (req.type === OpCode.closeSession) conn.close('client closed the session', 'debug');
      return;
    }
    if (conn === null) return;
    if (outcome.kind === 'reject') {
      if (outcome.err === ErrCode.SESSIONMOVED) {
        // A read through a server that no longer owns the session: closed without a reply, as a write.
        conn.close('session moved to another server', 'info');
        return;
      }
      // UnimplementedRequestProcessor answers with the request's zxid, which is -1 for a non-txn.
      if (outcome.err === ErrCode.UNIMPLEMENTED) {
        if (this.track) this.metrics.responseSent(REPLY_HEADER_BYTES);
        conn.sendReply(req.cxid, -1n, outcome.err, null);
      } else this.reply(conn, req.cxid, outcome.err, null);
      if (outcome.close) conn.close(`request type ${req.type} rejected (${outcome.err})`);
      return;
    }
    switch (req.type) {
      case OpCode.ping:
        this.reply(conn, PING_XID, 0, null);
        return;
      case OpCode.setWatches:
      case OpCode.setWatches2:
      {
        const out = this.watches.setWatchesFromRequest(req.type, req.body, conn, this.db.tree);
        for (const ev of out.events) {
          if (this.track) this.notified(eventBytes(ev.path));
          conn.sendEvent(ev.type, ev.path);
        }
        // The reply echoes the request's xid, as FinalRequestProcessor: the 3.8 Java client
        // renumbers its SetWatches packet (-8) with an ordinary xid when it writes it, and drops
        // the connection ("Xid out of order") if the reply carries -8 instead.
        this.reply(conn, req.cxid, out.err, null);
        return;
      }
      default: {
        const reply = replyForRead(this.finalEnv, req, { watcher: conn });
        if (this.track && reply.err === 0) recordRead(this.metrics, req.type, req.body, reply.body);
        this.reply(conn, req.cxid, reply.err, reply.body);
      }
    }
  }

  private reply(conn: ClientConnection, xid: number, err: number, body: Buffer | null): void {
    this.stats.packetsSent++;
    if (this.track) {
      const m = this.metrics;
      const bytes = REPLY_HEADER_BYTES + (body === null ? 0 : body.length);
      m.responseSent(bytes);
      // FinalRequestProcessor counts every reply but the ping's; a reply to a connection that
      // closed meanwhile is stale.
      if (xid !== PING_XID) m.responseBytes.value += bytes;
      if (!conn.isOpen) m.staleReplies.value++;
    }
    conn.sendReply(xid, this.db.lastProcessedZxid, err, body);
  }

  /** A watch notification of `bytes` (header and event) went out. */
  private notified(bytes: number): void {
    this.metrics.watchBytes.value += bytes;
    this.metrics.responseSent(bytes);
  }

  private recordLatency(started: number, conn: ClientConnection | null, req: Request, isTxn: boolean): void {
    const now = Date.now();
    const ms = now - started;
    if (conn !== null) {
      // ServerCnxn.updateStatsForResponse: the connection's last operation and its latencies.
      const c = this.connectionStats(conn);
      if (req.cxid >= 0) c.lastCxid = req.cxid;
      c.lastZxid = this.db.lastProcessedZxid;
      c.lastOp = lastOpName(req.type);
      c.lastResponseMs = now;
      c.lastLatencyMs = ms;
      if (c.minLatencyMs < 0 || ms < c.minLatencyMs) c.minLatencyMs = ms;
      if (ms > c.maxLatencyMs) c.maxLatencyMs = ms;
      c.count++;
      c.totalLatencyMs += ms;
    } else {
      // As FinalRequestProcessor: requests without a connection (session expiry, container
      // deletion) update no server statistics.
      return;
    }
    if (this.track) (isTxn ? this.metrics.updateLatency : this.metrics.readLatency).add(ms);
    const s = this.stats;
    if (s.latencyCount === 0 || ms < s.latencyMinMs) s.latencyMinMs = ms;
    if (ms > s.latencyMaxMs) s.latencyMaxMs = ms;
    s.latencyTotalMs += ms;
    s.latencyCount++;
  }

  private fatal(e: unknown): void {
    if (this.track) this.metrics.unrecoverableErrorCount.value++;
    this.log.error('unrecoverable error in the request pipeline: stopping', { error: e instanceof Error ? e.stack : String(e) });
    void this.stop();
  }

  // ---- sessions ----

  private expireSessions(): void {
    this.expireLocalSessions();
    // Only a standalone server or a leader expires sessions; learners report activity to it. A
    // read-only server expires the sessions it created (local: the closeSession writes nothing).
    const kind = this.role.kind;
    if (kind !== 'standalone' && kind !== 'leader' && kind !== 'read-only') return;
    for (const id of this.sessions.expired(Date.now())) {
      this.log.info('session expired', { sessionId: id });
      if (this.track) this.metrics.staleSessionsExpired.value++;
      this.sessions.setClosing(id);
      this.submit(null, { sessionId: id, cxid: 0, type: OpCode.closeSession, body: Buffer.alloc(0), authInfo: [] });
    }
  }

  // ---- local sessions (localSessionsEnabled; session/local-sessions.ts) ----

  /** A new session numbered and tracked here; no createSession goes to the leader, nothing is logged. */
  private createLocalSession(conn: ClientConnection, timeout: number, readOnlyPresent: boolean): void {
    const id = this.local!.create(timeout, Date.now());
    this.local!.tracker.setOwner(id, LOCAL_OWNER);
    conn.timeoutMs = timeout;
    conn.sessionId = id;
    this.bySession.set(id, conn);
    this.log.info('local session created', { sessionId: id });
    this.finishSessionInit(conn, id, timeout, readOnlyPresent, true);
  }

  /** A reconnect with one of our local sessions is answered here (LearnerZooKeeperServer.revalidateSession). */
  private reopenLocalSession(conn: ClientConnection, req: ConnectRequest, timeout: number, readOnlyPresent: boolean): void {
    const ok = req.passwd !== null && req.passwd.equals(sessionPassword(req.sessionId)) && this.local!.touch(req.sessionId, Date.now(), timeout);
    if (ok) {
      conn.timeoutMs = timeout;
      this.bySession.set(req.sessionId, conn);
    }
    this.finishSessionInit(conn, req.sessionId, ok ? timeout : 0, readOnlyPresent, ok);
  }

  /**
   * A client request of a local session that needs more than the usual path: its closeSession
   * stays here ('handled'); an ephemeral create first upgrades the session (a createSession ahead
   * of it), or, when upgrading is off, goes on to fail with EPHEMERALONLOCALSESSION ('refuse': as
   * the reference, it is still prepared, and logged as an ErrorTxn). A multi is not singled out:
   * its ephemeral op fails in prep (checkGlobalSession), as a forwarded multi does in the reference.
   */
  private submitLocal(conn: ClientConnection, req: Request): 'handled' | 'go' | 'refuse' {
    const local = this.local!;
    if (!local.isLocal(req.sessionId)) return 'go';
    if (req.type === OpCode.closeSession) {
      this.inOrder(conn, req, () => {
        this.dropLocalSession(req.sessionId);
        this.reply(conn, req.cxid, ErrCode.OK, null);
        conn.close('client closed the session', 'debug');
      });
      return 'handled';
    }
    const need = local.need(req);
    if (need === 'refuse') return req.type === OpCode.multi ? 'go' : 'refuse';
    if (need === 'upgrade') {
      const timeout = local.upgrade(req.sessionId)!;
      this.log.info('upgrading local session to global', { sessionId: req.sessionId });
      // The leader tracks it as global from here (its prep's trackSession); a learner forwards it.
      if (this.role.kind === 'leader') this.sessions.add(req.sessionId, timeout, Date.now());
      const body = Buffer.allocUnsafe(4);
      body.writeInt32BE(timeout, 0);
      // No owner: the first request that uses it claims it, as the reference's owner-less upgrade.
      this.submit(null, { sessionId: req.sessionId, cxid: 0, type: OpCode.createSession, body, authInfo: [], owner: null });
    }
    return 'go';
  }

  /** Runs `step` for a request answered on this server, in order with everything before it. */
  private inOrder(conn: ClientConnection, req: Request, step: () => void): void {
    const started = Date.now();
    const done = this.admit(conn);
    this.pipeline.push(
      null,
      () => {
        step();
        this.recordLatency(started, conn, req, false);
        done();
      },
      (e) => {
        this.fatal(e);
        done();
      },
    );
  }

  private dropLocalSession(sessionId: bigint): void {
    this.local?.remove(sessionId);
    this.log.info('local session closed', { sessionId });
  }

  /** Every serving member expires its own local sessions: nothing is logged, the connection closes. */
  private expireLocalSessions(): void {
    const local = this.local;
    if (local === null) return;
    for (const id of local.expired(Date.now())) {
      this.log.info('local session expired', { sessionId: id });
      if (this.track) this.metrics.staleSessionsExpired.value++;
      this.dropLocalSession(id);
      this.bySession.get(id)?.close('session expired', 'info');
    }
  }

  /**
   * The reference's ContainerManager: empty containers that ever had a child (stored cversion > 0,
   * or older than maxNeverUsedIntervalMs) and empty TTL nodes past their TTL since the last change
   * are deleted with internal deleteContainer requests (session 0, body = the raw path).
   */
  private checkContainers(): void {
    if (this.role.kind !== 'standalone' && this.role.kind !== 'leader') return;
    const tree = this.db.tree;
    const now = BigInt(Date.now());
    const neverUsedMs = BigInt(this.options.containerMaxNeverUsedIntervalMs ?? 0);
    const candidates: string[] = [];
    for (const path of tree.containerPaths) {
      const n = tree.getNode(path);
      if (n === null || n.numChildren > 0) continue;
      if (n.stat.cversion > 0 || (neverUsedMs !== 0n && now - n.stat.mtime > neverUsedMs)) candidates.push(path);
    }
    for (const path of tree.ttlPaths) {
      const n = tree.getNode(path);
      if (n === null || n.numChildren > 0) continue;
      const ttl = ttlOfEphemeralOwner(n.stat.ephemeralOwner);
      if (ttl !== 0n && now - n.stat.mtime > ttl) candidates.push(path);
    }
    for (const path of candidates) {
      this.log.info('deleting candidate container', { path });
      this.submit(null, { sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, body: Buffer.from(path, 'utf8'), authInfo: [] });
    }
  }

  // ---- quorum roles (called by the peer runtime, src/quorum/peer) ----

  /** True while a LOOKING quorum member serves read-only clients (beginReadOnly). */
  get readOnly(): boolean {
    return this.role.kind === 'read-only';
  }

  /** False while a quorum member is between roles (electing, syncing) and when stopping. */
  get serving(): boolean {
    return !this.stopping && this.role.kind !== 'idle';
  }

  /** The options this server opens its database with. */
  databaseOptions(): ZkDatabaseOptions {
    return databaseOptions(this.options, this.metrics);
  }

  /** A quorum member's new database after a TRUNC or SNAP sync (only while not serving). */
  replaceDatabase(db: ZkDatabase): void {
    if (this.role.kind !== 'idle') throw new Error(`cannot replace the database while serving as ${this.role.kind}`);
    this.db = db;
    this.setUpPipeline();
  }

  /**
   * A LOOKING peer with readonlymode.enabled, after its grace period: serve read-only clients over
   * the current database (src/server/read-only.ts) until endServing, which the peer calls when the
   * election decides a role. Sessions start empty: the quorum's sessions are not tracked here.
   */
  beginReadOnly(): void {
    if (this.stopping || this.quorum === null || this.role.kind !== 'idle') return;
    this.role = { kind: 'read-only' };
    this.setUpPipeline();
    this.log.info('serving read-only clients', { zxid: this.db.lastProcessedZxid });
  }

  /** The election and sync are done: serve clients in `role` until endServing. */
  beginServing(role: ServingRole): void {
    if (this.stopping || this.quorum === null) return;
    this.role = role;
    this.setUpPipeline();
    this.registerRoleGauges(role.kind);
    this.log.info('serving clients', { role: role.kind, zxid: this.db.lastProcessedZxid });
  }

  /**
   * The role ended (the peer goes back to LOOKING): as the reference's Leader/Learner.shutdown,
   * every client connection is closed; requests in flight get no answer (clients reconnect).
   */
  endServing(reason: string): void {
    const was = this.role.kind;
    if (was === 'standalone' || was === 'idle') return;
    this.role = { kind: 'idle' };
    if (was !== 'read-only') for (const name of ROLE_GAUGES[was]) this.metrics.registry.unregisterGauge(name);
    for (const c of [...this.connections]) c.close(reason, 'info');
    this.pipeline = new OrderedPipeline();
    this.commits.clear();
    this.learnerWaits.clear();
    this.revalidations.clear();
    this.inFlight = 0;
    this.resumeAll();
    this.log.info('not serving clients', { was, reason });
  }

  /**
   * A txn the quorum committed, in zxid order. A leader runs the step that proposed it; a learner
   * answers its own client's request or, for another server's client, applies it in turn. While
   * syncing (not serving) it goes straight into the tree.
   */
  committed(txn: LoggedTxn): void {
    const role = this.role;
    if (role.kind === 'leader') {
      const open = this.commits.get(txn.header.zxid);
      if (open !== undefined) {
        this.commits.delete(txn.header.zxid);
        open();
        return;
      }
    } else if (role.kind === 'follower' || role.kind === 'observer') {
      const wait = this.learnerWaits.takeTxn(txn);
      if (wait !== null) {
        wait.txn = txn;
        wait.open();
        return;
      }
      // Everything still queued here waits for one of our own writes, which comes after this txn.
      const req: Request = { sessionId: txn.header.clientId, cxid: txn.header.cxid, type: txn.header.type, body: NO_BODY, authInfo: [] };
      this.finish(null, req, { kind: 'txn', txn }, txn, {});
      return;
    }
    this.db.apply(txn);
  }

  /** Leader: a learner forwarded a client request (REQUEST), with that client's auth ids. */
  learnerRequest(sid: bigint, r: LearnerRequest): void {
    if (this.role.kind !== 'leader') return;
    if (r.opType === OpCode.createSession && r.body.length >= 4) {
      // PrepRequestProcessor tracks a learner's new session before it is committed.
      this.sessions.add(r.sessionId, r.body.readInt32BE(0), Date.now());
      this.sessions.setOwner(r.sessionId, learnerOwner(sid));
    }
    const owner = learnerOwner(sid);
    this.submit(null, { sessionId: r.sessionId, cxid: r.cxid, type: r.opType, body: r.body, authInfo: r.authinfo ?? [], owner }, { fromLearner: true });
  }

  /** Leader: sessions a learner's clients used since its last PING. */
  touchSessions(touches: readonly SessionTouch[]): void {
    const now = Date.now();
    for (const t of touches) this.sessions.touch(t.sessionId, now, t.timeoutMs);
  }

  /** Leader: a learner's client reconnected; valid sessions are touched and change owner. */
  revalidateSession(sid: bigint, sessionId: bigint, timeoutMs: number): boolean {
    const valid = this.role.kind === 'leader' && this.sessions.touch(sessionId, Date.now(), timeoutMs);
    if (valid) this.sessions.setOwner(sessionId, learnerOwner(sid));
    return valid;
  }

  /** Learner: the leader's SYNC completes the oldest forwarded sync. */
  syncCompleted(): void {
    const w = this.learnerWaits.takeSync();
    if (w === null) this.log.warn('SYNC from the leader with no sync pending');
    else w.open();
  }

  /** Learner: the leader's answer to a reconnect's REVALIDATE. */
  sessionRevalidated(sessionId: bigint, valid: boolean): void {
    const r = this.revalidations.get(sessionId);
    if (r === undefined) return;
    this.revalidations.delete(sessionId);
    if (!r.conn.isOpen) return;
    if (valid) {
      r.conn.timeoutMs = r.timeoutMs;
      this.sessions.add(sessionId, r.timeoutMs, Date.now());
      this.bySession.set(sessionId, r.conn);
    }
    this.finishSessionInit(r.conn, sessionId, r.timeoutMs, r.readOnlyPresent, valid);
  }

  /** The gauges a quorum role adds (QuorumZooKeeperServer, LeaderZooKeeperServer, FollowerZooKeeperServer). */
  private registerRoleGauges(kind: RoleKind): void {
    if (this.quorum !== null) this.metrics.registerRoleGauges(kind, roleGaugeReads(kind, this.quorum));
  }

  // ---- views and lifecycle ----

  private connectionStats(conn: ClientConnection): ConnectionStats {
    let c = this.connStats.get(conn);
    if (c === undefined) {
      c = freshConnectionStats();
      this.connStats.set(conn, c);
    }
    return c;
  }

  private connectionView(conn: ClientConnection): ConnectionView {
    const c = this.connectionStats(conn);
    return {
      remoteAddress: conn.remoteAddress,
      remotePort: conn.remotePort,
      queued: conn.outstanding,
      packetsReceived: conn.packetsReceived,
      packetsSent: conn.packetsSent,
      sessionId: conn.sessionId,
      lastOperation: c.lastOp,
      establishedAtMs: conn.establishedAtMs,
      timeoutMs: conn.timeoutMs,
      lastCxid: c.lastCxid,
      lastZxid: c.lastZxid,
      lastResponseMs: c.lastResponseMs,
      lastLatencyMs: c.lastLatencyMs,
      minLatencyMs: Math.max(0, c.minLatencyMs),
      avgLatencyMs: c.count === 0 ? 0 : Math.floor(c.totalLatencyMs / c.count),
      maxLatencyMs: c.maxLatencyMs,
    };
  }

  /** The read-only view the four-letter words render (src/fourletter). */
  view(): ServerView {
    const tick = this.options.tickTimeMs;
    const dirs = this.db.restored.dirs;
    const sessionOf = (w: ClientConnection): bigint => w.sessionId;
    const q = this.quorum;
    const kind = this.role.kind;
    return {
      // Between roles nothing is served, and the words that would show the mode say so instead.
      mode: kind === 'idle' ? (q?.peerType === 1 ? 'observer' : 'follower') : kind,
      serving: this.serving,
      ...(q === null ? {} : { quorum: quorumView(q, kind === 'leader') }),
      zxid: this.db.lastProcessedZxid,
      nodeCount: this.db.tree.nodeCount,
      connections: this.connections.size,
      outstanding: this.inFlight,
      stats: this.stats,
      uptimeMs: Date.now() - this.startedAt,
      conf: {
        clientPort: this.options.port === 0 ? this.address.port : this.options.port,
        secureClientPort: -1,
        dataDir: resolve(dirs.snapDir),
        dataLogDir: resolve(dirs.logDir),
        tickTime: tick,
        maxClientCnxns: this.options.maxClientCnxns ?? 60,
        minSessionTimeout: this.options.minSessionTimeoutMs ?? 2 * tick,
        maxSessionTimeout: this.options.maxSessionTimeoutMs ?? 20 * tick,
        clientPortListenBacklog: -1,
        // A standalone ZooKeeperServer reports serverId 0 (only quorum servers report myid).
        serverId: q === null ? 0 : q.serverId,
      },
      connectionList: () => [...this.connections].map((c) => this.connectionView(c)),
      sessionBuckets: () => this.sessions.expiryBuckets().map((b) => ({ expiresAtMs: b.expiresAtMs, elements: [...b.elements] })),
      globalSessionTimeouts: () => [...this.db.sessions.entries()],
      localSessionBuckets: () => this.local?.tracker.expiryBuckets().map((b) => ({ expiresAtMs: b.expiresAtMs, elements: [...b.elements] })) ?? null,
      ephemerals: () => this.db.tree.sessionsWithEphemerals().map((id) => [id, this.db.tree.getEphemerals(id)] as [bigint, string[]]),
      watchSummary: () => this.watches.summary(),
      watchesByConnection: () => this.watches.dataWatchesByWatcher().map(([w, paths]) => [sessionOf(w), paths] as [bigint, string[]]),
      watchesByPath: () => this.watches.dataWatchesByPath().map(([path, ws]) => [path, ws.map(sessionOf)] as [string, bigint[]]),
      dataDirSize: () => dirSize(dirs.snapDir),
      logDirSize: () => dirSize(dirs.logDir),
      digestLog: () => this.db.tree.digestLog().map((d) => ({ zxid: d.zxid, digest: d.digest })),
      metrics: () => ({
        watchCount: this.watches.watchCount(),
        ephemeralsCount: this.db.tree.ephemeralsCount,
        approximateDataSize: this.db.tree.approximateDataSize,
        globalSessions: this.db.sessions.size,
        authFailed: this.authFailed,
        connectionRejected: this.metrics.connectionRejected.value,
        readLatency: this.metrics.readLatency,
        updateLatency: this.metrics.updateLatency,
        clientResponseSize: { ...this.metrics.clientResponseSize },
      }),
      // The reference's Prometheus provider answers mntr with its Prometheus samples.
      monitor: () => (this.prometheus !== null ? prometheusDump(this.metrics.registry) : this.metrics.registry.dump()),
      resetConnectionStats: () => {
        for (const c of this.connections) {
          c.packetsReceived = 0;
          c.packetsSent = 0;
          this.connStats.set(c, freshConnectionStats());
        }
      },
      resetServerStats: () => {
        // ServerStats.reset: latencies, packet counts, response sizes, and every counter and
        // summary of the metrics provider (not auth_failed_count, not the gauges).
        Object.assign(this.stats, { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 });
        this.metrics.reset();
      },
      traceMask: this.traceMask,
      setTraceMask: (mask) => {
        this.traceMask = mask;
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    // A quorum role's steps waiting for commits will not get them now.
    this.endServing('server stopping');
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.containerTimer) clearInterval(this.containerTimer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.close('server stopping', 'debug');
    await closed;
    await this.admin?.stop();
    await this.prometheus?.stop();
    await this.pipeline.idle();
    await this.db.close();
  }
}
