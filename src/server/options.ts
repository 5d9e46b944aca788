// Everything a standalone server needs to run, already validated (src/config builds it from zoo.cfg).

import type { AdminServerOptions } from '../admin/options';
import type { Logger } from '../util/logger';

export interface MetricsProviderOptions {
  provider: 'default' | 'prometheus';
  /** metricsProvider.httpHost; the reference's default is 0.0.0.0. */
  httpHost?: string;
  /** metricsProvider.httpPort; default 7000, 0 picks a free port. */
  httpPort?: number;
  /** metricsProvider.exportJvmInfo (default true): process and runtime metrics too. */
  exportJvmInfo?: boolean;
}

export interface ServerOptions {
  /** Address to bind (clientPortAddress); default all addresses. */
  host?: string;
  /** clientPort; 0 picks a free port (tests). */
  port: number;
  dataDir: string;
  dataLogDir?: string;
  tickTimeMs: number;
  /** Defaults 2 and 20 tickTimes. */
  minSessionTimeoutMs?: number;
  maxSessionTimeoutMs?: number;
  /** Connections per client IP (0 = unlimited). Default 60. */
  maxClientCnxns?: number;
  /** jute.maxbuffer: largest frame accepted. Default 1048575. */
  juteMaxBuffer?: number;
  /**
   * localSessionsEnabled: a quorum member creates new sessions locally (not through the leader);
   * ignored by a standalone server. localSessionsUpgradingEnabled: an ephemeral create turns such
   * a session global (else it fails with EPHEMERALONLOCALSESSION). Both default false.
   */
  localSessionsEnabled?: boolean;
  localSessionsUpgradingEnabled?: boolean;
  /** Standalone servers use id 1 for session ids, as the reference. */
  serverId?: number;
  extendedTypesEnabled?: boolean;
  skipACL?: boolean;
  /** zookeeper.DigestAuthenticationProvider.superDigest: `super:<base64 sha1>`. */
  superDigest?: string;
  enforceQuota?: boolean;
  snapCount?: number;
  snapSizeLimitBytes?: number;
  preAllocSizeBytes?: number;
  forceSync?: boolean;
  snapshotCompression?: '' | 'gz' | 'snappy';
  autopurge?: { snapRetainCount: number; purgeIntervalHours: number };
  /** Four-letter words answered on the client port ('*' = all). Default: srvr. */
  fourLetterWords?: readonly string[];
  /** zookeeper.globalOutstandingLimit: stop reading from busy connections above this. Default 1000. */
  globalOutstandingLimit?: number;
  /** Containers and TTL nodes are checked this often (znode.container.checkIntervalMs). Default 60000. */
  containerCheckIntervalMs?: number;
  /** znode.container.maxNeverUsedIntervalMs (0 = never reap never-used containers). */
  containerMaxNeverUsedIntervalMs?: number;
  /** zookeeper.digest.enabled (default true): maintain and check the tree digest. */
  digestEnabled?: boolean;
  /** zookeeper.snapshot.trust.empty: start from txn logs without a snapshot. */
  trustEmptySnapshot?: boolean;
  /** zookeeper.db.autocreate (default true): an empty dataDir starts an empty database. */
  dbAutocreate?: boolean;
  /** The AdminServer (HTTP commands). Absent: not started (the CLI passes zoo.cfg's admin.*). */
  admin?: AdminServerOptions;
  /** The zoo.cfg text the server started from (AdminServer `initial_configuration`). */
  initialConfig?: string;
  /** System properties in effect, by full name (AdminServer `system_properties`). */
  systemProperties?: Readonly<Record<string, string>>;
  /**
   * The metrics provider (zoo.cfg metricsProvider.*). Absent or 'default': mntr only. 'prometheus':
   * also `GET /metrics` on httpHost:httpPort (see docs/metrics.md).
   */
  metrics?: MetricsProviderOptions;
  /**
   * For overhead measurements only (bench/metrics): false stops every metric update on the request
   * path; mntr then shows the gauges and zeros. Not a zoo.cfg setting. Default true.
   */
  metricsTracking?: boolean;
  logger?: Logger;
}
