// The options a server opens its database with, in one place: the standalone start-up and a
// quorum member (which reopens or replaces its database after a TRUNC or SNAP sync) must agree.

import type { ZkDatabaseOptions } from '../persistence/database';
import type { ServerMetrics } from '../metrics';
import { txnLogObserver } from '../metrics/server-hooks';
import { silentLogger } from '../util/logger';
import type { ServerOptions } from './options';

export function databaseOptions(options: ServerOptions, metrics: ServerMetrics): ZkDatabaseOptions {
  const tracking = options.metricsTracking ?? true;
  return {
    dataDir: options.dataDir,
    ...(options.dataLogDir ? { dataLogDir: options.dataLogDir } : {}),
    logger: options.logger ?? silentLogger,
    tree: { extendedTypesEnabled: options.extendedTypesEnabled ?? false, digestEnabled: options.digestEnabled ?? true },
    ...(options.trustEmptySnapshot !== undefined ? { trustEmptySnapshot: options.trustEmptySnapshot } : {}),
    ...(options.dbAutocreate !== undefined ? { autocreateDb: options.dbAutocreate } : {}),
    ...(options.snapCount !== undefined ? { snapCount: options.snapCount } : {}),
    ...(options.snapSizeLimitBytes !== undefined ? { snapSizeLimitBytes: options.snapSizeLimitBytes } : {}),
    snapshotCompression: options.snapshotCompression ?? '',
    ...(tracking ? { onSnapshotWritten: (ms: number) => metrics.snapshotTime.add(ms) } : {}),
    log: {
      ...(tracking ? { observer: txnLogObserver(metrics) } : {}),
      forceSync: options.forceSync ?? true,
      ...(options.preAllocSizeBytes !== undefined ? { preAllocSizeBytes: options.preAllocSizeBytes } : {}),
    },
    ...(options.autopurge ? { autopurge: options.autopurge } : {}),
  };
}
