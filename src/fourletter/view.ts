// What the four-letter words read: a plain, read-only view of the server, built on demand by the
// server (ZkServer.view()). Commands render it; they never reach into the server themselves.

import type { MetricSample } from '../metrics/registry';
import { REFERENCE_VERSION, ZKTS_VERSION } from '../version';

/** The version line the reference prints (Version.getFullVersion()); clients such as kazoo parse it. */
export const FULL_VERSION = `${REFERENCE_VERSION}-zkts-${ZKTS_VERSION}, built on zkts`;

/** One client connection as `stat`/`cons` show it (the reference's ServerCnxn.dumpConnectionInfo). */
export interface ConnectionView {
  remoteAddress: string;
  remotePort: number;
  /** Requests received and not yet answered. */
  queued: number;
  packetsReceived: number;
  packetsSent: number;
  /** 0 until the session exists. */
  sessionId: bigint;
  lastOperation: string;
  establishedAtMs: number;
  timeoutMs: number;
  /** -1 when no request with xid >= 0 was answered. */
  lastCxid: number;
  lastZxid: bigint;
  lastResponseMs: number;
  lastLatencyMs: number;
  minLatencyMs: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
}

/** The request latency counters (the reference's ServerStats + AvgMinMaxCounter). */
export interface LatencyStats {
  packetsReceived: number;
  packetsSent: number;
  latencyMinMs: number;
  latencyMaxMs: number;
  latencyTotalMs: number;
  latencyCount: number;
}

/** avg/min/max/cnt/sum and percentiles of one summary metric (mntr). */
export interface SummaryView {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** q in [0, 1] over the recent samples. */
  quantile(q: number): number;
}

export interface ServerConfView {
  clientPort: number;
  secureClientPort: number;
  dataDir: string;
  dataLogDir: string;
  tickTime: number;
  maxClientCnxns: number;
  minSessionTimeout: number;
  maxSessionTimeout: number;
  clientPortListenBacklog: number;
  serverId: number;
}

/** What a quorum member adds (QuorumZooKeeperServer.dumpConf / dumpMonitorValues, StatCommand). */
export interface QuorumView {
  /** QuorumPeer.getDetailedPeerState(): `leading - broadcast`, ... (mntr's zk_peer_state). */
  peerState: string;
  initLimit: number;
  syncLimit: number;
  electionAlg: number;
  electionPort: number;
  quorumPort: number;
  /** LearnerType ordinal: 0 participant, 1 observer. */
  peerType: number;
  /** QuorumVerifier.toString(): `server.N=...` lines and `version=<hex>`. */
  membership: string;
  /** Leader only: proposal sizes last/min/max (BufferStats, -1 before the first). */
  proposalSizes: { last: number; min: number; max: number } | null;
}

export interface ServerView {
  mode: 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';
  /** Set on a quorum member. */
  quorum?: QuorumView;
  /** False while the server is not serving (electing, syncing): most words print ZK_NOT_SERVING. */
  serving: boolean;
  zxid: bigint;
  nodeCount: number;
  connections: number;
  outstanding: number;
  stats: LatencyStats;
  uptimeMs: number;
  conf: ServerConfView;
  /** Every client connection, including the one asking (as the reference). */
  connectionList(): ConnectionView[];
  /** Session expiry buckets, ascending (for `dump`). */
  sessionBuckets(): { expiresAtMs: number; elements: bigint[] }[];
  /**
   * The committed global sessions with their timeouts (the database's session map, which every
   * member keeps from the createSession/closeSession txns it applies): a learner's `dump` lists them.
   */
  globalSessionTimeouts(): [bigint, number][];
  /**
   * The local-session tracker's expiry buckets, ascending, or null when local sessions are off
   * (localSessionsEnabled): `dump` then prints no local part at all.
   */
  localSessionBuckets(): { expiresAtMs: number; elements: bigint[] }[] | null;
  /** Sessions holding ephemerals, with their paths (for `dump`). */
  ephemerals(): [bigint, string[]][];
  /** `wchs`: the data-watch table only. */
  watchSummary(): { connections: number; paths: number; total: number };
  /** `wchc`: session id per watching connection, with its data-watch paths. */
  watchesByConnection(): [bigint, string[]][];
  /** `wchp`: path, with the session ids watching it. */
  watchesByPath(): [string, bigint[]][];
  /** Bytes in the snapshot / txn-log directories, including preallocation. */
  dataDirSize(): number;
  logDirSize(): number;
  digestLog(): { zxid: bigint; digest: bigint }[];
  /** mntr values that come straight from the server. */
  metrics(): MonitorValues;
  /** The metrics registry's values, in the order the reference's mntr lists them (src/metrics). */
  monitor(): MetricSample[];
  /** `crst`, `srst`, `stmk`. */
  resetConnectionStats(): void;
  resetServerStats(): void;
  traceMask: bigint;
  setTraceMask(mask: bigint): void;
}

export interface MonitorValues {
  watchCount: number;
  ephemeralsCount: number;
  approximateDataSize: number;
  globalSessions: number;
  authFailed: number;
  connectionRejected: number;
  readLatency: SummaryView;
  updateLatency: SummaryView;
  /** The reference's BufferStats of client responses (last/min/max bytes, -1 before the first). */
  clientResponseSize: { last: number; min: number; max: number };
}

/** What a command gets: the view, and the bytes that followed the word (`stmk` reads a long). */
export interface CommandContext {
  view: ServerView;
  rest: Buffer;
}

export const ZK_NOT_SERVING = 'This ZooKeeper instance is not currently serving requests';

/** Java's Double.toString for the small, non-negative values the stats print (0.0, 1.5, 2.3333). */
export function javaDouble(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : x < 0 ? '-Infinity' : 'NaN';
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/** The reference rounds averages to 4 decimals, HALF_UP (AvgMinMaxCounter.getAvg). */
export function avg4(total: number, count: number): number {
  if (count <= 0) return 0;
  return Math.round((total / count) * 10_000) / 10_000;
}

export function hex(n: bigint | number): string {
  return BigInt.asUintN(64, BigInt(n)).toString(16);
}
