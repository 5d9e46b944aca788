// The reference's JVM system properties: which ones exist, how the reference parses each, and
// whether zkts acts on it. zoo.cfg keys QuorumPeerConfig does not know become `zookeeper.<key>`;
// zkts also takes the full names (prefixed, or bare like jute.maxbuffer) in zoo.cfg, and -D flags
// from SERVER_JVMFLAGS / JVMFLAGS as zkServer.sh passes them to java.

import type { SettingSource } from './errors';

/**
 * `decode`: Integer.getInteger / Long.getLong (hex `0x`/`#`, octal `0` accepted).
 * `decimal`: Integer.parseInt / Long.parseLong.
 */
export type PropertyKind =
  | { readonly type: 'int'; readonly syntax: 'decode' | 'decimal'; readonly min?: number; readonly max?: number }
  | { readonly type: 'long'; readonly syntax: 'decode' | 'decimal'; readonly min?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'yesno' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  | { readonly type: 'string' };

/**
 * `active`: zkts acts on it. `parsed`: validated and kept in the config, not acted on yet (the
 * feature is later work). `ignored`: tunes a part of the Java implementation zkts does not have.
 */
export type PropertyStatus = 'active' | 'parsed' | 'ignored';

export interface PropertySpec {
  readonly name: string;
  readonly kind: PropertyKind;
  readonly status: PropertyStatus;
}

const int = (min?: number, max?: number): PropertyKind => ({ type: 'int', syntax: 'decode', ...(min !== undefined ? { min } : {}), ...(max !== undefined ? { max } : {}) });
const long = (min?: number): PropertyKind => ({ type: 'long', syntax: 'decode', ...(min !== undefined ? { min } : {}) });
const bool: PropertyKind = { type: 'boolean' };
const yesno: PropertyKind = { type: 'yesno' };
const str: PropertyKind = { type: 'string' };

function specs(status: PropertyStatus, entries: readonly (readonly [string, PropertyKind])[]): PropertySpec[] {
  return entries.map(([name, kind]) => ({ name, kind, status }));
}

const ACTIVE = specs('active', [
  // Quorum mode (src/quorum/peer-runtime.ts).
  ['zookeeper.electionPortBindRetry', int(0)],
  ['zookeeper.cnxTimeout', int(1)],
  ['zookeeper.commitLogCount', int()],
  ['zookeeper.forceSnapshotSync', bool],
  // A Java double (parseSnapshotSizeFactor in src/quorum/peer/txn-log-sync.ts: bad values fall back).
  ['zookeeper.snapshotSizeFactor', str],
  ['zookeeper.fastleader.minNotificationInterval', int()],
  ['zookeeper.fastleader.maxNotificationInterval', int()],
  ['zookeeper.leaderConnectDelayDuringRetryMs', long(0)],
  // Read-only mode (src/server/read-only.ts) and observer masters (src/quorum/zab/observer-master.ts).
  ['readonlymode.enabled', bool],
  ['zookeeper.observer.reconnectDelayMs', long(0)],
  ['zookeeper.observerMaster.sizeLimit', int()],
  ['jute.maxbuffer', int(1)],
  ['zookeeper.extendedTypesEnabled', bool],
  ['zookeeper.skipACL', yesno],
  ['zookeeper.DigestAuthenticationProvider.superDigest', str],
  ['zookeeper.enforceQuota', bool],
  ['zookeeper.snapCount', int()],
  ['zookeeper.snapSizeLimitInKb', long()],
  // FilePadding reads it with Long.parseLong, not Long.getLong.
  ['zookeeper.preAllocSize', { type: 'long', syntax: 'decimal', min: 0 }],
  ['zookeeper.forceSync', yesno],
  ['zookeeper.snapshot.compression.method', { type: 'enum', values: ['', 'gz', 'snappy'] }],
  ['zookeeper.4lw.commands.whitelist', str],
  ['zookeeper.globalOutstandingLimit', int(1)],
  ['znode.container.checkIntervalMs', int(1)],
  ['znode.container.maxNeverUsedIntervalMs', long(0)],
  ['zookeeper.digest.enabled', bool],
  ['zookeeper.snapshot.trust.empty', bool],
  ['zookeeper.db.autocreate', bool],
  ['zookeeper.admin.enableServer', bool],
  ['zookeeper.admin.serverAddress', str],
  ['zookeeper.admin.serverPort', int(0, 65535)],
  ['zookeeper.admin.idleTimeout', int(0)],
  ['zookeeper.admin.commandURL', str],
]);

const PARSED = specs('parsed', [
  ['zookeeper.datadir.autocreate', bool],
  ['zookeeper.txnLogSizeLimitInKb', long()],
  ['zookeeper.maxCnxns', int(0)],
  ['zookeeper.closeSessionTxn.enabled', bool],
  ['znode.container.maxPerMinute', int(1)],
  ['zookeeper.DigestAuthenticationProvider.enabled', bool],
  ['zookeeper.DigestAuthenticationProvider.digestAlg', str],
  ['zookeeper.X509AuthenticationProvider.superUser', str],
  ['zookeeper.SASLAuthenticationProvider.superPassword', str],
  ['zookeeper.superUser', str],
  ['zookeeper.ensembleAuthName', str],
  ['zookeeper.sessionRequireClientSASLAuth', bool],
  ['zookeeper.enforce.auth.enabled', bool],
  ['zookeeper.enforce.auth.schemes', str],
  ['zookeeper.allowSaslFailedClients', bool],
  ['zookeeper.emulate353TTLNodes', bool],
  ['zookeeper.jute.maxbuffer.extrasize', int(0)],
  ['zookeeper.nio.sessionlessCnxnTimeout', int(1)],
  ['zookeeper.admin.httpVersion', int()],
  ['zookeeper.admin.forceHttps', bool],
  ['zookeeper.admin.portUnification', bool],
  ['zookeeper.client.portUnification', bool],
  ['zookeeper.serverCnxnFactory', str],
  ['zookeeper.leaderServes', yesno],
  ['zookeeper.quorumCnxnTimeoutMs', int()],
  ['zookeeper.tcpKeepAlive', bool],
  ['zookeeper.clientTcpKeepAlive', bool],
  ['zookeeper.multiAddress.enabled', bool],
  ['zookeeper.multiAddress.reachabilityCheckEnabled', bool],
  ['zookeeper.multiAddress.reachabilityCheckTimeoutMs', int(0)],
  ['zookeeper.observer.syncEnabled', bool],
  ['zookeeper.observer.election.DelayMs', long(0)],
  ['zookeeper.leader.maxTimeToWaitForEpoch', int()],
  ['zookeeper.leader.maxConcurrentSnapSyncs', int()],
  ['zookeeper.leader.maxConcurrentDiffSyncs', int()],
  ['zookeeper.leader.closeSocketAsync', bool],
  ['zookeeper.learner.closeSocketAsync', bool],
  ['zookeeper.learner.asyncSending', bool],
  ['leader.closeSocketAsync', bool],
  ['learner.closeSocketAsync', bool],
  ['learner.asyncSending', bool],
  ['zookeeper.fsync.warningthresholdms', long()],
  ['fsync.warningthresholdms', long()],
  ['zookeeper.audit.enable', bool],
  ['zookeeper.audit.impl.class', str],
  ['zookeeper.kinit', str],
  ['zookeeper.requireKerberosConfig', bool],
  ['zookeeper.security.auth_to_local', str],
  ['zookeeper.server.principal', str],
  ['zookeeper.server.realm', str],
  ['zookeeper.letAnySaslUserDoX', str],
]);

// Tuning knobs of the Java implementation (threads, caches, throttlers, JMX, NIO/Netty), and the
// zoo.cfg spellings the reference documents for some of them.
const IGNORED = specs(
  'ignored',
  [
    'zookeeper.maxResponseCacheSize', 'zookeeper.maxGetChildrenResponseCacheSize', 'zookeeper.watchManagerName',
    'zookeeper.watcherCleanThreadsNum', 'zookeeper.watcherCleanThreshold', 'zookeeper.watcherCleanIntervalInSeconds',
    'zookeeper.maxInProcessingDeadWatchers', 'zookeeper.bitHashCacheSize', 'zookeeper.flushDelay',
    'zookeeper.maxWriteQueuePollTime', 'zookeeper.maxBatchSize', 'zookeeper.largeRequestMaxBytes',
    'zookeeper.largeRequestThreshold', 'zookeeper.throttled_op_wait_time', 'zookeeper.enableEagerACLCheck',
    'zookeeper.forward_learner_requests_to_commit_processor_disabled', 'zookeeper.follower.skipLearnerRequestToNextProcessor',
    'zookeeper.request_throttle_max_requests', 'zookeeper.request_throttle_stall_time', 'zookeeper.request_throttle_drop_stale',
    'zookeeper.request_stale_latency_check', 'zookeeper.request_stale_connection_check', 'zookeeper.request_throttler.shutdownTimeout',
    'zookeeper.connection_throttle_tokens', 'zookeeper.connection_throttle_fill_time', 'zookeeper.connection_throttle_fill_count',
    'zookeeper.connection_throttle_freeze_time', 'zookeeper.connection_throttle_drop_increase',
    'zookeeper.connection_throttle_drop_decrease', 'zookeeper.connection_throttle_decrease_ratio',
    'zookeeper.connection_throttle_weight_enabled', 'zookeeper.connection_throttle_global_session_weight',
    'zookeeper.connection_throttle_local_session_weight', 'zookeeper.connection_throttle_renew_session_weight',
    'zookeeper.netty.advancedFlowControl.enabled', 'zookeeper.netty.server.outstandingHandshake.limit',
    'zookeeper.netty.server.earlyDropSecureConnectionHandshakes', 'zookeeper.nio.numSelectorThreads',
    'zookeeper.nio.numWorkerThreads', 'zookeeper.nio.directBufferBytes', 'zookeeper.nio.shutdownTimeout',
    'zookeeper.commitProcessor.numWorkerThreads', 'zookeeper.commitProcessor.maxReadBatchSize',
    'zookeeper.commitProcessor.maxCommitBatchSize', 'zookeeper.commitProcessor.shutdownTimeout',
    'zookeeper.messageTracker.BufferSize', 'zookeeper.messageTracker.Enabled', 'zookeeper.intBufferStartingSizeBytes',
    'zookeeper.leader.ackLoggingFrequency', 'zookeeper.jmx.log4j.disable', 'zookeeper.jmx.log4j.mbean',
    'zookeeper.log.dir', 'zookeeper.log.file', 'zookeeper.root.logger', 'zookeeper.console.threshold',
    'zookeeper.log.threshold', 'zookeeper.request.timeout', 'zookeeper.testingonly.initialZxid',
    // Documented as zoo.cfg keys in zookeeperAdmin.md; the reference sets zookeeper.<key>, which
    // nothing reads, so they do nothing there either.
    'zookeeper.connectionMaxTokens', 'zookeeper.connectionTokenFillTime', 'zookeeper.connectionTokenFillCount',
    'zookeeper.connectionFreezeTime', 'zookeeper.connectionDropIncrease', 'zookeeper.connectionDropDecrease',
    'zookeeper.connectionDecreaseRatio', 'zookeeper.requestThrottleLimit', 'zookeeper.requestThrottleStallTime',
    'zookeeper.requestThrottleDropStale', 'zookeeper.requestStaleLatencyCheck', 'zookeeper.requestStaleConnectionCheck',
    'zookeeper.advancedFlowControlEnabled', 'zookeeper.maxConcurrentSnapSyncs', 'zookeeper.maxConcurrentDiffSyncs',
    'zookeeper.maxTimeToWaitForEpoch', 'zookeeper.outstandingHandshake.limit',
  ].map((name) => [name, str] as const),
);

/** Families of names (TLS, SASL, extra auth providers, path stats): kept as strings, not acted on. */
export const PROPERTY_FAMILIES: readonly { readonly prefix: string; readonly status: PropertyStatus }[] = [
  { prefix: 'zookeeper.ssl.', status: 'parsed' },
  { prefix: 'zookeeper.authProvider.', status: 'parsed' },
  { prefix: 'zookeeper.superUser.', status: 'parsed' },
  { prefix: 'zookeeper.sasl.', status: 'parsed' },
  { prefix: 'zookeeper.kerberos.', status: 'parsed' },
  { prefix: 'zookeeper.pathStats.', status: 'ignored' },
];

export const SYSTEM_PROPERTIES: ReadonlyMap<string, PropertySpec> = new Map(
  [...ACTIVE, ...PARSED, ...IGNORED].map((s) => [s.name, s]),
);

/** The spec for a full system-property name, including the prefix families. */
export function propertySpec(name: string): PropertySpec | undefined {
  const known = SYSTEM_PROPERTIES.get(name);
  if (known !== undefined) return known;
  const family = PROPERTY_FAMILIES.find((f) => name.startsWith(f.prefix) && name.length > f.prefix.length);
  return family === undefined ? undefined : { name, kind: str, status: family.status };
}

export interface SystemPropertySetting {
  readonly name: string;
  /** The value as given (trimmed when it came from zoo.cfg). */
  readonly raw: string;
  readonly source: SettingSource;
  /** How it was spelled where it was given (`snapCount`, `zookeeper.snapCount`, `-Dzookeeper.snapCount`). */
  readonly key: string;
}

export interface JvmFlag {
  readonly name: string;
  readonly value: string;
}

/**
 * The `-Dname=value` tokens of a JVMFLAGS-style variable. zkServer.sh expands it unquoted, so the
 * shell splits it on blanks and quotes inside it are literal characters; `-Dname` alone is "".
 */
export function parseJvmFlags(text: string): JvmFlag[] {
  const flags: JvmFlag[] = [];
  for (const token of text.split(/[ \t\n]+/)) {
    if (!token.startsWith('-D') || token.length <= 2) continue;
    const body = token.slice(2);
    const eq = body.indexOf('=');
    if (eq === 0) continue;
    flags.push(eq < 0 ? { name: body, value: '' } : { name: body.slice(0, eq), value: body.slice(eq + 1) });
  }
  return flags;
}

export interface EnvironmentInput {
  readonly SERVER_JVMFLAGS?: string | undefined;
  readonly JVMFLAGS?: string | undefined;
  readonly ZOO_DATADIR_AUTOCREATE_DISABLE?: string | undefined;
}

/**
 * The system properties the environment gives the server, in zkServer.sh's command-line order
 * (later wins): the autocreate switch, then SERVER_JVMFLAGS, then JVMFLAGS. Flags naming no
 * property the reference reads (-Xmx, log4j settings, ...) are skipped.
 */
export function environmentProperties(env: EnvironmentInput): Map<string, SystemPropertySetting> {
  const out = new Map<string, SystemPropertySetting>();
  if (env.ZOO_DATADIR_AUTOCREATE_DISABLE !== undefined && env.ZOO_DATADIR_AUTOCREATE_DISABLE !== '') {
    const name = 'zookeeper.datadir.autocreate';
    out.set(name, { name, raw: 'false', source: 'ZOO_DATADIR_AUTOCREATE_DISABLE', key: name });
  }
  for (const source of ['SERVER_JVMFLAGS', 'JVMFLAGS'] as const) {
    for (const f of parseJvmFlags(env[source] ?? '')) {
      if (propertySpec(f.name) === undefined) continue;
      out.set(f.name, { name: f.name, raw: f.value, source, key: f.name });
    }
  }
  return out;
}
