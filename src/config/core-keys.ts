// The keys QuorumPeerConfig.parseProperties reads itself, in two groups: what a client-facing
// server needs (directories, ports, ticks, timeouts, purge) and the peer/ensemble settings.

import { isAbsolute, resolve } from 'node:path';
import type { CfgReader } from './cfg-reader';
import type { Problems } from './errors';
import { parseJavaInt } from './java-values';
import type { PeerRole, ServerConfig } from './types';

/** Every key parseProperties handles itself (never a system property). */
export const CORE_KEYS: ReadonlySet<string> = new Set([
  'dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress', 'secureClientPort', 'secureClientPortAddress',
  'observerMasterPort', 'clientPortListenBacklog', 'tickTime', 'maxClientCnxns', 'minSessionTimeout',
  'maxSessionTimeout', 'initLimit', 'syncLimit', 'connectToLearnerMasterLimit', 'electionAlg',
  'quorumListenOnAllIPs', 'peerType', 'syncEnabled', 'dynamicConfigFile', 'autopurge.snapRetainCount',
  'autopurge.purgeInterval', 'standaloneEnabled', 'reconfigEnabled', 'localSessionsEnabled',
  'localSessionsUpgradingEnabled', 'sslQuorum', 'portUnification', 'sslQuorumReloadCertFiles',
  'quorum.auth.enableSasl', 'quorum.auth.serverRequireSasl', 'quorum.auth.learnerRequireSasl',
  'quorum.auth.learner.saslLoginContext', 'quorum.auth.server.saslLoginContext',
  'quorum.auth.kerberos.servicePrincipal', 'quorum.cnxn.threads.size', 'jvm.pause.info-threshold.ms',
  'jvm.pause.warn-threshold.ms', 'jvm.pause.sleep.time.ms', 'jvm.pause.monitor', 'metricsProvider.className',
  'multiAddress.enabled', 'multiAddress.reachabilityCheckTimeoutMs', 'multiAddress.reachabilityCheckEnabled',
  'oraclePath',
]);

/** Core keys zkts acts on today; the others are validated and kept for later work. */
export const ACTIVE_CORE_KEYS: ReadonlySet<string> = new Set([
  'dataDir', 'dataLogDir', 'clientPort', 'clientPortAddress', 'tickTime', 'maxClientCnxns', 'minSessionTimeout',
  'maxSessionTimeout', 'autopurge.snapRetainCount', 'autopurge.purgeInterval', 'standaloneEnabled', 'electionAlg',
  'metricsProvider.className',
  // Quorum mode (src/quorum/peer-runtime.ts).
  'initLimit', 'syncLimit', 'peerType', 'quorumListenOnAllIPs',
  // Local sessions on an ensemble (src/server/session/local-sessions.ts).
  'localSessionsEnabled', 'localSessionsUpgradingEnabled',
  // Reconfig and its dynamic files (src/quorum/reconfig, src/config/dynamic-files.ts); observer masters.
  'reconfigEnabled', 'dynamicConfigFile', 'observerMasterPort',
]);

const DEFAULT_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider';
const PROMETHEUS_METRICS_PROVIDER = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';

export type ClientSide = Pick<
  ServerConfig,
  | 'dataDir' | 'dataLogDir' | 'clientPort' | 'clientPortAddress' | 'secureClientPort' | 'secureClientPortAddress'
  | 'observerMasterPort' | 'clientPortListenBacklog' | 'tickTimeMs' | 'maxClientCnxns' | 'minSessionTimeoutMs'
  | 'maxSessionTimeoutMs' | 'autopurge'
> & {
  /** No client port as the reference sees it (absent or 0), as opposed to an invalid one. */
  clientPortUnset: boolean;
  secureClientPortUnset: boolean;
};

export function readClientSide(r: CfgReader, cwd: string, problems: Problems): ClientSide {
  const dataDir = directory(r, 'dataDir', cwd, problems);
  const dataLogDir = r.has('dataLogDir') ? directory(r, 'dataLogDir', cwd, problems) : dataDir;

  const clientPortUnset = isUnsetPort(r.string('clientPort'));
  const clientPort = r.optionalPort('clientPort');
  const clientPortAddress = address(r.string('clientPortAddress'));
  if (clientPortUnset && clientPortAddress !== null) problems.error('clientPortAddress', 'is set but clientPort is not set');
  const secureClientPortUnset = isUnsetPort(r.string('secureClientPort'));
  const secureClientPort = r.optionalPort('secureClientPort');
  const secureClientPortAddress = address(r.string('secureClientPortAddress'));
  if (secureClientPortUnset && secureClientPortAddress !== null) problems.error('secureClientPortAddress', 'is set but secureClientPort is not set');
  if (secureClientPort !== null) problems.warn('secureClientPort', `zkts does not serve TLS yet: nothing listens on ${secureClientPort}`);
  const observerMasterPort = r.int('observerMasterPort', 0, undefined, 65535);

  const tickTimeMs = r.int('tickTime', 3000);
  if (tickTimeMs <= 0) problems.error('tickTime', tickTimeMs === 0 ? 'is 0 (the reference: "tickTime is not set")' : `${tickTimeMs} must be > 0`);
  const tick = Math.max(tickTimeMs, 1);
  const minSessionTimeoutMs = sessionTimeout(r, 'minSessionTimeout', 2 * tick);
  const maxSessionTimeoutMs = sessionTimeout(r, 'maxSessionTimeout', 20 * tick);
  if (tickTimeMs > 0 && minSessionTimeoutMs > maxSessionTimeoutMs) {
    problems.error('minSessionTimeout', `${minSessionTimeoutMs} ms must not be larger than maxSessionTimeout (${maxSessionTimeoutMs} ms)`);
  }

  let snapRetainCount = r.int('autopurge.snapRetainCount', 3);
  if (snapRetainCount < 3) {
    problems.warn('autopurge.snapRetainCount', `${snapRetainCount} is below the minimum; using 3, as the reference does`);
    snapRetainCount = 3;
  }
  return {
    dataDir,
    dataLogDir,
    clientPort,
    clientPortAddress,
    clientPortUnset,
    secureClientPort,
    secureClientPortAddress,
    secureClientPortUnset,
    observerMasterPort: observerMasterPort > 0 ? observerMasterPort : null,
    clientPortListenBacklog: r.int('clientPortListenBacklog', -1),
    tickTimeMs,
    maxClientCnxns: r.int('maxClientCnxns', 60, 0),
    minSessionTimeoutMs,
    maxSessionTimeoutMs,
    autopurge: { snapRetainCount, purgeIntervalHours: r.int('autopurge.purgeInterval', 0, 0) },
  };
}

export type PeerSettings = Pick<
  ServerConfig,
  | 'initLimit' | 'syncLimit' | 'connectToLearnerMasterLimit' | 'peerType' | 'standaloneEnabled' | 'reconfigEnabled'
  | 'localSessionsEnabled' | 'localSessionsUpgradingEnabled' | 'quorumListenOnAllIPs' | 'syncEnabled' | 'sslQuorum'
  | 'portUnification' | 'sslQuorumReloadCertFiles' | 'quorumSasl' | 'quorumCnxnThreadsSize' | 'multiAddress' | 'oraclePath'
> & {
  metricsProviderClassName: string;
  dynamicConfigFile: string | null;
  /** peerType was written in zoo.cfg (a mismatch with the server list is then worth a warning). */
  peerTypeSet: boolean;
};

/** `propertyDefaults` carries the zookeeper.multiAddress.* flags, which seed the zoo.cfg keys. */
export function readPeerSettings(r: CfgReader, cwd: string, propertyDefaults: ReadonlyMap<string, unknown>, problems: Problems): PeerSettings {
  const electionAlg = r.int('electionAlg', 3);
  if (electionAlg !== 3) problems.error('electionAlg', `${electionAlg} is not supported: only 3 (fast leader election)`);
  let peerType: PeerRole = 'participant';
  const peerTypeRaw = r.string('peerType');
  if (peerTypeRaw !== undefined) {
    const p = peerTypeRaw.toLowerCase();
    if (p === 'participant' || p === 'observer') peerType = p;
    else problems.error('peerType', `unrecognised peer type '${peerTypeRaw}' (participant or observer)`);
  }

  const quorumSasl = {
    enabled: r.bool('quorum.auth.enableSasl', false),
    serverRequired: r.bool('quorum.auth.serverRequireSasl', false),
    learnerRequired: r.bool('quorum.auth.learnerRequireSasl', false),
    learnerLoginContext: r.string('quorum.auth.learner.saslLoginContext') ?? 'QuorumLearner',
    serverLoginContext: r.string('quorum.auth.server.saslLoginContext') ?? 'QuorumServer',
    kerberosServicePrincipal: r.string('quorum.auth.kerberos.servicePrincipal') ?? 'zkquorum/localhost',
  };
  if (!quorumSasl.enabled && quorumSasl.serverRequired) problems.error('quorum.auth.serverRequireSasl', 'needs quorum.auth.enableSasl=true');
  if (!quorumSasl.enabled && quorumSasl.learnerRequired) problems.error('quorum.auth.learnerRequireSasl', 'needs quorum.auth.enableSasl=true');
  if (!quorumSasl.learnerRequired && quorumSasl.serverRequired) problems.error('quorum.auth.serverRequireSasl', 'needs quorum.auth.learnerRequireSasl=true');
  // JVM pause monitor: Java-only, but its values are checked as the reference checks them.
  r.long('jvm.pause.info-threshold.ms', 1000);
  r.long('jvm.pause.warn-threshold.ms', 10000);
  r.long('jvm.pause.sleep.time.ms', 500);
  r.bool('jvm.pause.monitor', false);

  const flag = (name: string, dflt: boolean): boolean => {
    const v = propertyDefaults.get(name);
    return typeof v === 'boolean' ? v : dflt;
  };
  const timeout = propertyDefaults.get('zookeeper.multiAddress.reachabilityCheckTimeoutMs');
  const multiAddress = {
    enabled: r.bool('multiAddress.enabled', flag('zookeeper.multiAddress.enabled', false)),
    reachabilityCheckEnabled: r.bool('multiAddress.reachabilityCheckEnabled', flag('zookeeper.multiAddress.reachabilityCheckEnabled', true)),
    reachabilityCheckTimeoutMs: r.int('multiAddress.reachabilityCheckTimeoutMs', typeof timeout === 'number' ? timeout : 1000, 0),
  };

  const metricsProviderClassName = r.string('metricsProvider.className') ?? DEFAULT_METRICS_PROVIDER;
  // The default provider and the Prometheus one are built in (src/metrics); any other is Java code.
  if (metricsProviderClassName !== DEFAULT_METRICS_PROVIDER && metricsProviderClassName !== PROMETHEUS_METRICS_PROVIDER) {
    problems.warn('metricsProvider.className', `zkts cannot load the Java class ${metricsProviderClassName}; ignored (the default provider serves mntr)`);
  }
  const dynamicRaw = r.string('dynamicConfigFile');
  return {
    initLimit: r.int('initLimit', 0, 0),
    syncLimit: r.int('syncLimit', 0, 0),
    connectToLearnerMasterLimit: r.int('connectToLearnerMasterLimit', 0, 0),
    peerType,
    peerTypeSet: peerTypeRaw !== undefined,
    standaloneEnabled: r.bool('standaloneEnabled', true),
    reconfigEnabled: r.bool('reconfigEnabled', false),
    localSessionsEnabled: r.bool('localSessionsEnabled', false),
    localSessionsUpgradingEnabled: r.bool('localSessionsUpgradingEnabled', false),
    quorumListenOnAllIPs: r.bool('quorumListenOnAllIPs', false),
    syncEnabled: r.bool('syncEnabled', true),
    sslQuorum: r.bool('sslQuorum', false),
    portUnification: r.bool('portUnification', false),
    sslQuorumReloadCertFiles: r.bool('sslQuorumReloadCertFiles', false),
    quorumSasl,
    quorumCnxnThreadsSize: r.int('quorum.cnxn.threads.size', 0, 0),
    multiAddress,
    oraclePath: r.string('oraclePath') ?? null,
    metricsProviderClassName,
    dynamicConfigFile: dynamicRaw === undefined ? null : resolve(cwd, dynamicRaw),
  };
}

function directory(r: CfgReader, key: 'dataDir' | 'dataLogDir', cwd: string, problems: Problems): string {
  const raw = r.string(key);
  if (raw === undefined) {
    problems.error(key, 'is not set (required)');
    return cwd;
  }
  if (raw === '') {
    problems.error(key, 'is empty');
    return cwd;
  }
  // VerifyingFileFactory.warnForRelativePath: relative paths follow the working directory.
  if (!isAbsolute(raw) && !raw.startsWith('./')) problems.warn(key, `'${raw}' is relative to the working directory; prepend ./ to say you mean it`);
  return resolve(cwd, raw);
}

/** A listen address as written, IPv6 brackets removed (InetAddress.getByName takes both). */
function address(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  return raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw;
}

function isUnsetPort(raw: string | undefined): boolean {
  return raw === undefined || parseJavaInt(raw) === 0;
}

function sessionTimeout(r: CfgReader, key: string, dflt: number): number {
  const v = r.int(key, -1, -1);
  return v === -1 ? dflt : v;
}
