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
import { Summary } from '../fourletter/summary';
import type { ServerOptions } from './options';
import { RequestPreparer } from './prep';
import type { Request } from './request';
import { SessionTracker, sessionPassword } from './session';
import { WatchManager } from './watch';

const PING_XID = -2;
const AUTH_XID = -4;
const SET_WATCHES_XID = -8;

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
  private readonly prep: RequestPreparer;
  private readonly watches = new WatchManager<ClientConnection>();
  private readonly sessions: SessionTracker;
  private readonly finalEnv: FinalEnv<ClientConnection>;
  private chain: Promise<void> = Promise.resolve();
  private readonly paused = new Set<ClientConnection>();
  private inFlight = 0;
  private tickTimer: NodeJS.Timeout | null = null;
  private containerTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  readonly stats: LatencyStats = { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 };
  private readonly connStats = new WeakMap<ClientConnection, ConnectionStats>();
  private readonly metrics = { authFailed: 0, connectionRejected: 0, readLatency: new Summary(), updateLatency: new Summary() };
  /** ZooTrace's text trace level (gtmk/stmk); kept, not consulted. */
  private traceMask = 306n;
  readonly startedAt = Date.now();

  private constructor(
    readonly options: ServerOptions,
    readonly db: ZkDatabase,
    private readonly server: Server,
  ) {
    this.log = options.logger ?? silentLogger;
    const tick = options.tickTimeMs;
    this.sessions = new SessionTracker({ tickTimeMs: tick, serverId: options.serverId ?? 1, nowMs: Date.now() });
    for (const [id, timeout] of db.sessions) this.sessions.add(id, timeout, Date.now());
    this.prep = new RequestPreparer({
      tree: db.tree,
      sessions: this.sessions,
      nextZxid: () => this.db.lastAppendedZxid + 1n,
      now: () => BigInt(Date.now()),
      config: {
        extendedTypesEnabled: options.extendedTypesEnabled ?? false,
        skipACL: options.skipACL ?? false,
        enforceQuota: options.enforceQuota ?? false,
      },
    });
    this.finalEnv = { tree: db.tree, watches: this.watches, skipACL: options.skipACL ?? false };
  }

  static async start(options: ServerOptions): Promise<ZkServer> {
    const log = options.logger ?? silentLogger;
    const db = await ZkDatabase.open({
      dataDir: options.dataDir,
      ...(options.dataLogDir ? { dataLogDir: options.dataLogDir } : {}),
      logger: log,
      tree: { extendedTypesEnabled: options.extendedTypesEnabled ?? false, digestEnabled: options.digestEnabled ?? true },
      ...(options.trustEmptySnapshot !== undefined ? { trustEmptySnapshot: options.trustEmptySnapshot } : {}),
      ...(options.dbAutocreate !== undefined ? { autocreateDb: options.dbAutocreate } : {}),
      ...(options.snapCount !== undefined ? { snapCount: options.snapCount } : {}),
      ...(options.snapSizeLimitBytes !== undefined ? { snapSizeLimitBytes: options.snapSizeLimitBytes } : {}),
      snapshotCompression: options.snapshotCompression ?? '',
      log: {
        forceSync: options.forceSync ?? true,
        ...(options.preAllocSizeBytes !== undefined ? { preAllocSizeBytes: options.preAllocSizeBytes } : {}),
      },
      ...(options.autopurge ? { autopurge: options.autopurge } : {}),
    });
    const server = createServer();
    const zk = new ZkServer(options, db, server);
    server.on('connection', (s) => zk.accept(s));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => resolve());
    });
    zk.tickTimer = setInterval(() => zk.expireSessions(), Math.max(10, Math.floor(options.tickTimeMs / 2)));
    zk.containerTimer = setInterval(() => zk.checkContainers(), options.containerCheckIntervalMs ?? 60_000);
    zk.containerTimer.unref();
    log.info('zkts serving', { address: zk.address, dataDir: options.dataDir, zxid: db.lastProcessedZxid });
    return zk;
  }

  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('server is not listening');
    return { host: a.address, port: a.port };
  }

  // ---- connections ----

  private accept(socket: Socket): void {
    if (this.stopping) {
      socket.destroy();
      return;
    }
    const conn = new ClientConnection(socket, this, this.log, this.options.juteMaxBuffer ?? 0xfffff);
    const max = this.options.maxClientCnxns ?? 60;
    const count = (this.perIp.get(conn.remoteAddress) ?? 0) + 1;
    if (max > 0 && count > max) {
      this.metrics.connectionRejected++;
      this.log.warn('too many connections from one address', { address: conn.remoteAddress, max });
      socket.destroy();
      return;
    }
    this.perIp.set(conn.remoteAddress, count);
    conn.authInfo = initialIds(conn.remoteAddress);
    conn.orderedAuthInfo = javaAuthInfoOrder(conn.authInfo);
    this.connections.add(conn);
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
    conn.packetsReceived++;
    return fourLetterAnswer(word, this.view(), whitelist, rest);
  }

  onConnectRequest(conn: ClientConnection, req: ConnectRequest, readOnlyPresent: boolean): void {
    this.stats.packetsReceived++;
    if (req.lastZxidSeen > this.db.lastProcessedZxid) {
      // The client has seen a newer state than ours: it must try another server.
      conn.close(`client has seen zxid 0x${req.lastZxidSeen.toString(16)}, ours is 0x${this.db.lastProcessedZxid.toString(16)}`, 'info');
      return;
    }
    const tick = this.options.tickTimeMs;
    const min = this.options.minSessionTimeoutMs ?? 2 * tick;
    const max = this.options.maxSessionTimeoutMs ?? 20 * tick;
    const timeout = Math.min(Math.max(req.timeOut, min), max);
    if (req.sessionId === 0n) {
      const id = this.sessions.create(timeout, Date.now());
      conn.timeoutMs = timeout;
      this.bySession.set(id, conn);
      conn.sessionId = id;
      const body = Buffer.allocUnsafe(4);
      body.writeInt32BE(timeout, 0);
      this.submit(conn, { sessionId: id, cxid: 0, type: OpCode.createSession, body, authInfo: conn.authInfo }, {
        onDone: () => this.finishSessionInit(conn, id, timeout, readOnlyPresent, true),
      });
      return;
    }
    // As 3.8, the session's current connection is closed before the password is even checked.
    const prior = this.bySession.get(req.sessionId);
    if (prior !== undefined && prior !== conn) prior.close('session moved to a new connection', 'info');
    const valid = this.sessions.isValid(req.sessionId) && req.passwd !== null && req.passwd.equals(sessionPassword(req.sessionId));
    if (valid) {
      // As the reference, a reconnect runs on the newly negotiated timeout.
      conn.timeoutMs = timeout;
      this.sessions.touch(req.sessionId, Date.now(), timeout);
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
      ...(readOnlyPresent ? { readOnly: false } : {}),
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
    this.sessions.touch(conn.sessionId, Date.now(), conn.timeoutMs);
    if (header.type === OpCode.auth) {
      this.handleAuth(conn, body);
      return;
    }
    if (header.type === OpCode.sasl) {
      // No SASL configured: the reference answers inline, OK with a null token and zxid 0.
      conn.sendReply(header.xid, 0n, 0, SetSASLResponse.encode({ token: null }));
      return;
    }
    // The reference keeps a connection's ids in a hash set: whoAmI and `auth` ACLs see that order.
    this.submit(conn, { sessionId: conn.sessionId, cxid: header.xid, type: header.type, body, authInfo: conn.orderedAuthInfo });
  }

  private handleAuth(conn: ClientConnection, body: Buffer): void {
    const r = authenticate(body, { remoteAddress: conn.remoteAddress, superDigest: this.options.superDigest });
    if (r.ok) {
      for (const id of r.ids) if (!conn.authInfo.some((x) => x.scheme === id.scheme && x.id === id.id)) conn.authInfo.push(id);
      conn.orderedAuthInfo = javaAuthInfoOrder(conn.authInfo);
      conn.sendReply(AUTH_XID, 0n, 0, null);
    } else if (r.reason === 'malformed') {
      conn.close('malformed auth packet');
    } else {
      this.metrics.authFailed++;
      conn.sendReply(AUTH_XID, 0n, ErrCode.AUTHFAILED, null);
      conn.close(`authentication failed (${r.reason})`, 'info');
    }
  }

  // ---- the pipeline ----

  private submit(conn: ClientConnection | null, req: Request, hooks: { onDone?: () => void } = {}): void {
    const started = Date.now();
    const outcome = this.prep.prepare(req);
    const txn: LoggedTxn | null = outcome.kind === 'txn' ? outcome.txn : null;
    const durable: Promise<void> | null = txn === null ? null : this.db.append(txn);
    this.inFlight++;
    if (conn !== null) {
      conn.outstanding++;
      this.throttle(conn);
    }
    this.chain = this.chain
      .then(async () => {
        if (durable !== null) await durable;
        this.finish(conn, req, outcome, txn, hooks);
        this.recordLatency(started, conn, req, txn !== null);
      })
      .catch((e: unknown) => this.fatal(e))
      .finally(() => {
        this.inFlight--;
        if (conn !== null) conn.outstanding--;
        if (this.paused.size > 0 && this.inFlight <= this.outstandingLimit) this.resumeAll();
      });
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
    hooks: { onDone?: () => void },
  ): void {
    if (txn !== null) {
      const result = this.db.apply(txn);
      this.prep.applied(txn.header.zxid);
      const skipACL = this.options.skipACL ?? false;
      for (const t of result.triggers) {
        for (const { watcher, event } of this.watches.trigger(t)) {
          // A watcher without READ on the node does not get the event (its one-shot watch is spent).
          if (!checkACL(t.acl ?? null, Perms.READ, watcher.authInfo, { skipACL })) continue;
          this.stats.packetsSent++;
          watcher.sendEvent(event.type, event.path);
        }
      }
      if (req.type === OpCode.closeSession) {
        this.sessions.remove(req.sessionId);
        const owner = this.bySession.get(req.sessionId);
        if (conn === null) {
          owner?.close('session expired', 'info');
          return;
        }
      }
      if (req.type === OpCode.createSession) {
        hooks.onDone?.();
        return;
      }
      if (conn === null) return;
      const reply = replyForTxn(req, result);
      this.reply(conn, req.cxid, reply.err, reply.body);
      if (req.type === OpCode.closeSession) conn.close('client closed the session', 'debug');
      return;
    }
    if (conn === null) return;
    if (outcome.kind === 'reject') {
      // UnimplementedRequestProcessor answers with the request's zxid, which is -1 for a non-txn.
      if (outcome.err === ErrCode.UNIMPLEMENTED) conn.sendReply(req.cxid, -1n, outcome.err, null);
      else this.reply(conn, req.cxid, outcome.err, null);
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
        for (const ev of out.events) conn.sendEvent(ev.type, ev.path);
        this.reply(conn, SET_WATCHES_XID, out.err, null);
        return;
      }
      default: {
        const reply = replyForRead(this.finalEnv, req, { watcher: conn });
        this.reply(conn, req.cxid, reply.err, reply.body);
      }
    }
  }

  private reply(conn: ClientConnection, xid: number, err: number, body: Buffer | null): void {
    this.stats.packetsSent++;
    conn.sendReply(xid, this.db.lastProcessedZxid, err, body);
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
    }
    (isTxn ? this.metrics.updateLatency : this.metrics.readLatency).add(ms);
    const s = this.stats;
    if (s.latencyCount === 0 || ms < s.latencyMinMs) s.latencyMinMs = ms;
    if (ms > s.latencyMaxMs) s.latencyMaxMs = ms;
    s.latencyTotalMs += ms;
    s.latencyCount++;
  }

  private fatal(e: unknown): void {
    this.log.error('unrecoverable error in the request pipeline: stopping', { error: e instanceof Error ? e.stack : String(e) });
    void this.stop();
  }

  // ---- sessions ----

  private expireSessions(): void {
    for (const id of this.sessions.expired(Date.now())) {
      this.log.info('session expired', { sessionId: id });
      this.sessions.setClosing(id);
      this.submit(null, { sessionId: id, cxid: 0, type: OpCode.closeSession, body: Buffer.alloc(0), authInfo: [] });
    }
  }

  /**
   * The reference's ContainerManager: empty containers that ever had a child (stored cversion > 0,
   * or older than maxNeverUsedIntervalMs) and empty TTL nodes past their TTL since the last change
   * are deleted with internal deleteContainer requests (session 0, body = the raw path).
   */
  private checkContainers(): void {
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
    return {
      mode: 'standalone',
      serving: !this.stopping,
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
        serverId: 0,
      },
      connectionList: () => [...this.connections].map((c) => this.connectionView(c)),
      sessionBuckets: () => this.sessions.expiryBuckets().map((b) => ({ expiresAtMs: b.expiresAtMs, elements: [...b.elements] })),
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
        globalSessions: this.sessions.size,
        authFailed: this.metrics.authFailed,
        connectionRejected: this.metrics.connectionRejected,
        readLatency: this.metrics.readLatency,
        updateLatency: this.metrics.updateLatency,
      }),
      resetConnectionStats: () => {
        for (const c of this.connections) {
          c.packetsReceived = 0;
          c.packetsSent = 0;
          this.connStats.set(c, freshConnectionStats());
        }
      },
      resetServerStats: () => {
        Object.assign(this.stats, { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 });
        this.metrics.authFailed = 0;
        this.metrics.connectionRejected = 0;
        this.metrics.readLatency.reset();
        this.metrics.updateLatency.reset();
      },
      traceMask: this.traceMask,
      setTraceMask: (mask) => {
        this.traceMask = mask;
      },
    };
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    if (this.containerTimer) clearInterval(this.containerTimer);
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const c of this.connections) c.close('server stopping', 'debug');
    await closed;
    await this.chain.catch(() => undefined);
    await this.db.close();
  }
}
