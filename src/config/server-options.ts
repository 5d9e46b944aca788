// ServerConfig -> the standalone server's options. Settings the server does not take yet stay in
// the config (config.inactiveKeys lists what an operator set that has no effect).

import { readFileSync } from 'node:fs';
import { metricsProviderConfig } from '../metrics/config';
import type { ServerOptions } from '../server/options';
import type { Logger } from '../util/logger';
import type { ServerConfig } from './types';

export class NoClientPortError extends Error {
  override readonly name = 'NoClientPortError';
}

export function toServerOptions(config: ServerConfig, logger: Logger): ServerOptions {
  if (config.clientPort === null) {
    throw new NoClientPortError(`${config.configFile}: no clientPort, and zkts serves no secure client port yet`);
  }
  const s = config.system;
  return {
    ...(config.clientPortAddress !== null ? { host: config.clientPortAddress } : {}),
    port: config.clientPort,
    dataDir: config.dataDir,
    ...(config.dataLogDir !== config.dataDir ? { dataLogDir: config.dataLogDir } : {}),
    tickTimeMs: config.tickTimeMs,
    minSessionTimeoutMs: config.minSessionTimeoutMs,
    maxSessionTimeoutMs: config.maxSessionTimeoutMs,
    maxClientCnxns: config.maxClientCnxns,
    juteMaxBuffer: s.juteMaxBufferBytes,
    extendedTypesEnabled: s.extendedTypesEnabled,
    skipACL: s.skipACL,
    ...(s.superDigest !== null ? { superDigest: s.superDigest } : {}),
    enforceQuota: s.enforceQuota,
    snapCount: s.snapCount,
    snapSizeLimitBytes: s.snapSizeLimitKb * 1024,
    preAllocSizeBytes: s.preAllocSizeKb * 1024,
    forceSync: s.forceSync,
    snapshotCompression: s.snapshotCompression,
    autopurge: { snapRetainCount: config.autopurge.snapRetainCount, purgeIntervalHours: config.autopurge.purgeIntervalHours },
    fourLetterWords: s.fourLetterWords,
    globalOutstandingLimit: s.globalOutstandingLimit,
    containerCheckIntervalMs: s.containerCheckIntervalMs,
    containerMaxNeverUsedIntervalMs: s.containerMaxNeverUsedIntervalMs,
    digestEnabled: s.digestEnabled,
    dbAutocreate: s.dbAutocreate,
    trustEmptySnapshot: s.snapshotTrustEmpty,
    // Quorum members only (a standalone server has no local sessions, as the reference).
    ...(config.localSessionsEnabled ? { localSessionsEnabled: true } : {}),
    ...(config.localSessionsUpgradingEnabled ? { localSessionsUpgradingEnabled: true } : {}),
    ...metricsOptions(config),
    admin: {
      enabled: s.admin.enableServer,
      host: s.admin.serverAddress,
      port: s.admin.serverPort,
      commandUrl: s.admin.commandURL,
      idleTimeoutMs: s.admin.idleTimeoutMs,
    },
    ...initialConfig(config.configFile),
    systemProperties: Object.fromEntries(Object.entries(config.systemProperties).map(([name, p]) => [name, p.value])),
    logger,
  };
}

/**
 * The zoo.cfg text, as the reference keeps it for `initial_configuration` (read again here: the
 * parser takes text, not the file). Omitted when the file cannot be read (a config built in memory).
 */
function initialConfig(file: string): { initialConfig?: string } {
  try {
    return { initialConfig: readFileSync(file, 'utf8') };
  } catch {
    return {};
  }
}

/** metricsProvider.*: present only for the Prometheus provider (parse already refused bad values). */
function metricsOptions(config: ServerConfig): Pick<ServerOptions, 'metrics'> {
  const m = metricsProviderConfig(config.metricsProvider.className, config.metricsProvider.settings);
  return m.options === undefined ? {} : { metrics: m.options };
}
