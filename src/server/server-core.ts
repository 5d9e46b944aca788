// The state every step of the server shares, split out of zk-server.ts so that the handshake,
// the role pipelines, the final step, the session steps and the views can be plain functions
// over one explicit object instead of methods reaching into ZkServer. It owns what changes
// together when a role starts (session trackers, prep, final env, pipeline) and the flow
// control (requests in flight, paused connections); ZkServer composes it and owns the sockets,
// timers and lifecycle.

import type { ZkDatabase } from '../persistence/database';
import type { LatencyStats } from '../fourletter';
import type { ServerMetrics } from '../metrics';
import type { Logger } from '../util/logger';
import type { ClientConnection } from './connection';
import type { FinalEnv } from './final';
import { LearnerWaits } from './learner-waits';
import type { ServerOptions } from './options';
import { OrderedPipeline } from './pipeline';
import { RequestPreparer, type PrepSessions } from './prep';
import type { QuorumStatus, ServingRole } from './roles';
import { LocalSessions, SessionTracker, leaderPrepSessions } from './session';
import { WatchManager } from './watch';

/**
 * How writes are committed: logged here (standalone), proposed to Zab (leader) or forwarded to
 * the leader (follower, observer). A quorum member between roles is idle and serves no client.
 */
export type CurrentRole = { readonly kind: 'standalone' | 'idle' | 'read-only' } | ServingRole;

/** Per-connection response bookkeeping for `cons` (the reference's ServerCnxn stats). */
export interface ConnectionStats {
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

export function freshConnectionStats(): ConnectionStats {
  return { lastOp: 'NA', lastCxid: -1, lastZxid: -1n, lastResponseMs: 0, lastLatencyMs: 0, minLatencyMs: -1, maxLatencyMs: 0, count: 0, totalLatencyMs: 0 };
}

export class ServerCore {
  readonly connections = new Set<ClientConnection>();
  readonly bySession = new Map<bigint, ClientConnection>();
  readonly watches = new WatchManager<ClientConnection>();
  sessions!: SessionTracker;
  /** Local sessions (localSessionsEnabled) while serving as leader, follower or observer. */
  local: LocalSessions | null = null;
  prep!: RequestPreparer;
  finalEnv!: FinalEnv<ClientConnection>;
  pipeline = new OrderedPipeline();
  role: CurrentRole;
  /** Leader: the pipeline step waiting for each proposed zxid's commit. */
  readonly commits = new Map<bigint, () => void>();
  /** Follower/observer: forwarded requests waiting for the leader's answer. */
  readonly learnerWaits = new LearnerWaits();
  /** Follower/observer: reconnects waiting for the leader's REVALIDATE answer. */
  readonly revalidations = new Map<bigint, { conn: ClientConnection; timeoutMs: number; readOnlyPresent: boolean }>();
  readonly paused = new Set<ClientConnection>();
  inFlight = 0;
  stopping = false;
  readonly stats: LatencyStats = { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 };
  readonly connStats = new WeakMap<ClientConnection, ConnectionStats>();
  /** ServerStats.authFailedCount: a gauge, not reset by srst (as the reference). */
  authFailed = 0;
  readonly startedAt = Date.now();
  /** What an unrecoverable pipeline error does (ZkServer stops itself). */
  onFatal: () => void = () => undefined;

  constructor(
    readonly options: ServerOptions,
    /** The open database; a quorum member replaces it after a TRUNC or SNAP sync. */
    public db: ZkDatabase,
    /** The reference's ServerMetrics (src/metrics): the one source of mntr, `monitor` and /metrics. */
    readonly metrics: ServerMetrics,
    /** Set for a quorum member. */
    readonly quorum: QuorumStatus | null,
    readonly log: Logger,
    /** ServerOptions.metricsTracking: false skips every metric update (overhead measurements only). */
    readonly track: boolean,
  ) {
    this.role = { kind: quorum === null ? 'standalone' : 'idle' };
  }

  /** False while a quorum member is between roles (electing, syncing) and when stopping. */
  get serving(): boolean {
    return !this.stopping && this.role.kind !== 'idle';
  }

  /**
   * Session tracker, prep and final step over the current database, for the role starting now.
   * Sessions restored from the database are tracked by whoever decides their expiry: a
   * standalone server or a leader; a follower only numbers the sessions its clients create.
   */
  setUpPipeline(): void {
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

  /** The zxid the next txn gets when it is not proposed through Zab's own counter. */
  nextZxid(): bigint {
    return this.role.kind === 'leader' ? this.role.link.nextZxid() : this.db.lastAppendedZxid + 1n;
  }

  /** Counts a request in flight (and throttles its connection); the returned function counts it out. */
  admit(conn: ClientConnection | null): () => void {
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

  resumeAll(): void {
    for (const c of this.paused) c.setReading(true);
    this.paused.clear();
  }

  private get outstandingLimit(): number {
    return this.options.globalOutstandingLimit ?? 1000;
  }

  /** An unrecoverable error in the request pipeline: counted, logged, and the server stops. */
  fatal(e: unknown): void {
    if (this.track) this.metrics.unrecoverableErrorCount.value++;
    this.log.error('unrecoverable error in the request pipeline: stopping', { error: e instanceof Error ? e.stack : String(e) });
    this.onFatal();
  }

  connectionStats(conn: ClientConnection): ConnectionStats {
    let c = this.connStats.get(conn);
    if (c === undefined) {
      c = freshConnectionStats();
      this.connStats.set(conn, c);
    }
    return c;
  }
}
