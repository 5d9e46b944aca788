// A zoo.cfg with server.N lines -> a running quorum member (QuorumPeerMain.runFromConfig): the
// settings the peer acts on are taken from the validated ServerConfig, the ones it cannot honour
// yet are refused with a reason (or warned about when the reference would still run).

import type { ServerConfig } from '../config';
import { toServerOptions } from '../config';
import { prepareStartupFiles } from '../config/dynamic-files';
import { decodeJavaInt } from '../config/java-values';
import type { Logger } from '../util/logger';
import { QuorumPeer, type QuorumPeerOptions } from './peer/quorum-peer';

export { QuorumPeer, type QuorumPeerOptions } from './peer/quorum-peer';

export class QuorumConfigError extends Error {
  override readonly name = 'QuorumConfigError';
}

export interface QuorumSetup {
  readonly options: QuorumPeerOptions;
  /** Settings accepted but not honoured (logged at start). */
  readonly warnings: string[];
}

/** Builds the peer's options; throws QuorumConfigError for a setup zkts cannot run. */
export function quorumPeerOptions(config: ServerConfig, logger: Logger, onFatal?: QuorumPeerOptions['onFatal']): QuorumSetup {
  const refuse = (why: string): never => {
    throw new QuorumConfigError(`${config.configFile}: ${why}`);
  };
  if (config.serverId === null) refuse(`myid file is missing in ${config.dataDir} (it holds this server's N of server.N)`);
  const myId = config.serverId!;
  const me = config.servers.find((s) => s.id === myId);
  if (me === undefined) refuse(`myid is ${myId} but there is no server.${myId} line`);
  if (config.clientPort === null) refuse(`no clientPort for server.${myId} (set clientPort or ;port in its server line); zkts serves no secure client port yet`);
  if (config.quorumGroups !== null) refuse('hierarchical quorums (group.N / weight.N) are not supported: zkts counts a majority of the participants');
  if (config.quorumSasl.enabled) refuse('quorum SASL (quorum.auth.enableSasl) is not supported');
  if (config.sslQuorum) refuse('quorum TLS (sslQuorum) is not supported');
  if (config.servers.some((s) => s.addresses.length > 1)) refuse('several addresses per server (multiAddress) are not supported');
  const warnings: string[] = [];
  if (config.reconfigEnabled) warnings.push('reconfigEnabled=true: reconfigs are run (as leader) and applied (as follower or observer); see docs/quorum.md for what is not covered');
  const prop = (name: string): string | undefined => config.systemProperties[name]?.value;
  const int = (name: string): number | undefined => {
    const v = prop(name);
    // Integer.getInteger decodes (0x10, #10, 010); the config check already refused what does not.
    return v === undefined ? undefined : decodeJavaInt(v);
  };
  const versionText = config.dynamicConfigVersion;
  const bindRetries = int('zookeeper.electionPortBindRetry');
  const connectTimeoutMs = int('zookeeper.cnxTimeout');
  const minInterval = int('zookeeper.fastleader.minNotificationInterval');
  const maxInterval = int('zookeeper.fastleader.maxNotificationInterval');
  const commitLogCount = int('zookeeper.commitLogCount');
  const connectDelay = int('zookeeper.leaderConnectDelayDuringRetryMs');
  const observerReconnectDelay = int('zookeeper.observer.reconnectDelayMs');
  const observerMasterSizeLimit = int('zookeeper.observerMaster.sizeLimit');
  const options: QuorumPeerOptions = {
    myId,
    servers: config.servers,
    ...(versionText === null ? {} : { configVersion: BigInt.asIntN(64, BigInt(`0x${versionText}`)) }),
    initLimit: config.initLimit,
    syncLimit: config.syncLimit,
    server: toServerOptions(config, logger),
    logger,
    listenOnAllIPs: config.quorumListenOnAllIPs,
    forceSnapSync: prop('zookeeper.forceSnapshotSync') === 'true',
    ...(config.reconfigEnabled ? { reconfigEnabled: true } : {}),
    configFile: config.configFile,
    // A `.dynamic.next` left by a reconfig in flight: the last seen config (QuorumPeerMain).
    ...(config.nextDynamicConfig === null ? {} : { nextConfig: { servers: config.nextDynamicConfig.servers, version: BigInt.asIntN(64, BigInt(`0x${config.nextDynamicConfig.version ?? '0'}`)) } }),
    standaloneEnabled: config.standaloneEnabled,
    readOnlyMode: config.system.readOnlyModeEnabled,
    ...(commitLogCount === undefined ? {} : { commitLogCount }),
    ...(connectDelay === undefined ? {} : { leaderConnectRetryDelayMs: connectDelay }),
    ...(config.observerMasterPort === null ? {} : { observerMasterPort: config.observerMasterPort }),
    ...(observerReconnectDelay === undefined ? {} : { observerReconnectDelayMs: observerReconnectDelay }),
    ...(observerMasterSizeLimit === undefined ? {} : { observerMasterSizeLimit }),
    election: {
      ...(bindRetries === undefined ? {} : { bindRetries }),
      ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
      ...(minInterval === undefined ? {} : { minNotificationIntervalMs: minInterval }),
      ...(maxInterval === undefined ? {} : { maxNotificationIntervalMs: maxInterval }),
    },
    ...(onFatal === undefined ? {} : { onFatal }),
  };
  return { options, warnings };
}

/** Starts the quorum member a zoo.cfg describes. */
export async function startQuorumPeer(config: ServerConfig, logger: Logger, onFatal?: QuorumPeerOptions['onFatal']): Promise<QuorumPeer> {
  const { options, warnings } = quorumPeerOptions(config, logger, onFatal);
  for (const w of warnings) logger.warn(w);
  const files = prepareStartupFiles(config);
  if (files.backup !== null) logger.info('zoo.cfg holds the server list and reconfigEnabled=true: backed it up', { backup: files.backup });
  const next = config.nextDynamicConfig;
  if (files.removedNext && next !== null) logger.info('removed the proposed config left in .dynamic.next', { file: next.file, version: next.version ?? '0' });
  return QuorumPeer.start(options);
}
