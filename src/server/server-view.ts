// What the outside reads of a running server: the ServerView the four-letter words and the
// AdminServer render (with the QuorumView of a quorum member), and the server gauges the
// metrics registry collects. Split out of zk-server.ts: this changes with what 4lw/admin/mntr
// report, never with how requests are served. Everything is read from ServerCore when asked.

import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConnectionView, ServerView } from '../fourletter';
import { avg4 } from '../fourletter/view';
import { maxFileDescriptorCount, openFileDescriptorCount, prometheusDump, quotaValues } from '../metrics';
import type { ClientConnection } from './connection';
import { quorumView } from './quorum-view';
import { freshConnectionStats, type ServerCore } from './server-core';

/** What the view needs from ZkServer itself (its socket, its metrics provider, the trace mask). */
export interface ViewExtras {
  /** The bound client address (throws when not listening; read only for an ephemeral port). */
  address: () => { host: string; port: number };
  /** True with the Prometheus metrics provider, whose samples answer mntr. */
  prometheus: () => boolean;
  traceMask: bigint;
  setTraceMask: (mask: bigint) => void;
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

/** ZooKeeperServer.registerMetrics: the gauges read the server when collected. */
export function registerServerGauges(core: ServerCore): void {
  const s = core.stats;
  const metrics = core.metrics;
  const size = metrics.clientResponseSize;
  const zero = (): number => 0;
  metrics.registerServerGauges({
    avg_latency: () => avg4(s.latencyTotalMs, s.latencyCount),
    max_latency: () => s.latencyMaxMs,
    min_latency: () => s.latencyMinMs,
    packets_received: () => s.packetsReceived,
    packets_sent: () => s.packetsSent,
    num_alive_connections: () => core.connections.size,
    outstanding_requests: () => core.inFlight,
    uptime: () => Date.now() - core.startedAt,
    znode_count: () => core.db.tree.nodeCount,
    watch_count: () => core.watches.watchCount(),
    ephemerals_count: () => core.db.tree.ephemeralsCount,
    approximate_data_size: () => core.db.tree.approximateDataSize,
    // ZKDatabase.getSessionCount: the committed global sessions, which a learner knows too.
    global_sessions: () => core.db.sessions.size,
    // Local sessions are a quorum feature (localSessionsEnabled); a standalone server has none.
    local_sessions: () => core.local?.size ?? 0,
    open_file_descriptor_count: openFileDescriptorCount,
    max_file_descriptor_count: maxFileDescriptorCount,
    // zkts never drops connections at random (the reference's connection throttle does).
    connection_drop_probability: zero,
    last_client_response_size: () => size.last,
    max_client_response_size: () => size.max,
    min_client_response_size: () => size.min,
    // No TLS client port: no handshakes, no non-mTLS connections.
    outstanding_tls_handshake: zero,
    auth_failed_count: () => core.authFailed,
    non_mtls_remote_conn_count: zero,
    non_mtls_local_conn_count: zero,
  });
  // Read through core.db each time: a quorum member replaces its database after some syncs.
  metrics.registerQuotaGauges({
    quota_count_limit_per_namespace: () => quotaValues(core.db.tree, 'countLimit'),
    quota_bytes_limit_per_namespace: () => quotaValues(core.db.tree, 'bytesLimit'),
    quota_count_usage_per_namespace: () => quotaValues(core.db.tree, 'countUsage'),
    quota_bytes_usage_per_namespace: () => quotaValues(core.db.tree, 'bytesUsage'),
  });
}

function connectionView(core: ServerCore, conn: ClientConnection): ConnectionView {
  const c = core.connectionStats(conn);
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
export function buildServerView(core: ServerCore, extras: ViewExtras): ServerView {
  const options = core.options;
  const metrics = core.metrics;
  const tick = options.tickTimeMs;
  const dirs = core.db.restored.dirs;
  const sessionOf = (w: ClientConnection): bigint => w.sessionId;
  const q = core.quorum;
  const kind = core.role.kind;
  return {
    // Between roles nothing is served, and the words that would show the mode say so instead.
    mode: kind === 'idle' ? (q?.peerType === 1 ? 'observer' : 'follower') : kind,
    serving: core.serving,
    ...(q === null ? {} : { quorum: quorumView(q, kind === 'leader') }),
    zxid: core.db.lastProcessedZxid,
    nodeCount: core.db.tree.nodeCount,
    connections: core.connections.size,
    outstanding: core.inFlight,
    stats: core.stats,
    uptimeMs: Date.now() - core.startedAt,
    conf: {
      clientPort: options.port === 0 ? extras.address().port : options.port,
      secureClientPort: -1,
      dataDir: resolve(dirs.snapDir),
      dataLogDir: resolve(dirs.logDir),
      tickTime: tick,
      maxClientCnxns: options.maxClientCnxns ?? 60,
      minSessionTimeout: options.minSessionTimeoutMs ?? 2 * tick,
      maxSessionTimeout: options.maxSessionTimeoutMs ?? 20 * tick,
      clientPortListenBacklog: -1,
      // A standalone ZooKeeperServer reports serverId 0 (only quorum servers report myid).
      serverId: q === null ? 0 : q.serverId,
    },
    connectionList: () => [...core.connections].map((c) => connectionView(core, c)),
    sessionBuckets: () => core.sessions.expiryBuckets().map((b) => ({ expiresAtMs: b.expiresAtMs, elements: [...b.elements] })),
    globalSessionTimeouts: () => [...core.db.sessions.entries()],
    localSessionBuckets: () => core.local?.tracker.expiryBuckets().map((b) => ({ expiresAtMs: b.expiresAtMs, elements: [...b.elements] })) ?? null,
    ephemerals: () => core.db.tree.sessionsWithEphemerals().map((id) => [id, core.db.tree.getEphemerals(id)] as [bigint, string[]]),
    watchSummary: () => core.watches.summary(),
    watchesByConnection: () => core.watches.dataWatchesByWatcher().map(([w, paths]) => [sessionOf(w), paths] as [bigint, string[]]),
    watchesByPath: () => core.watches.dataWatchesByPath().map(([path, ws]) => [path, ws.map(sessionOf)] as [string, bigint[]]),
    dataDirSize: () => dirSize(dirs.snapDir),
    logDirSize: () => dirSize(dirs.logDir),
    digestLog: () => core.db.tree.digestLog().map((d) => ({ zxid: d.zxid, digest: d.digest })),
    metrics: () => ({
      watchCount: core.watches.watchCount(),
      ephemeralsCount: core.db.tree.ephemeralsCount,
      approximateDataSize: core.db.tree.approximateDataSize,
      globalSessions: core.db.sessions.size,
      authFailed: core.authFailed,
      connectionRejected: metrics.connectionRejected.value,
      readLatency: metrics.readLatency,
      updateLatency: metrics.updateLatency,
      clientResponseSize: { ...metrics.clientResponseSize },
    }),
    // The reference's Prometheus provider answers mntr with its Prometheus samples.
    monitor: () => (extras.prometheus() ? prometheusDump(metrics.registry) : metrics.registry.dump()),
    resetConnectionStats: () => {
      for (const c of core.connections) {
        c.packetsReceived = 0;
        c.packetsSent = 0;
        core.connStats.set(c, freshConnectionStats());
      }
    },
    resetServerStats: () => {
      // ServerStats.reset: latencies, packet counts, response sizes, and every counter and
      // summary of the metrics provider (not auth_failed_count, not the gauges).
      Object.assign(core.stats, { packetsReceived: 0, packetsSent: 0, latencyMinMs: 0, latencyMaxMs: 0, latencyTotalMs: 0, latencyCount: 0 });
      metrics.reset();
    },
    traceMask: extras.traceMask,
    setTraceMask: extras.setTraceMask,
  };
}
