// Retention (the reference's PurgeTxnLog, run by autopurge and zkCleanup.sh): keep the newest N
// snapshots that look valid and the txn logs needed to replay from the oldest of them; delete the
// rest.
//
// The rule, as the reference applies it: let Z be the zxid of the oldest retained snapshot.
// Every `snapshot.*` and `log.*` file whose name zxid is below Z is deleted, except the newest log
// that starts at or before Z (it may hold txns after Z). Names that do not parse count as zxid -1
// and are deleted too; snapshots that fail the validity check are not counted among the N but
// are kept when newer than Z. Unlike the reference, `.tmp` files are never counted among the N
// (see files.ts); old ones are deleted all the same.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { type Logger, silentLogger } from '../../util/logger';
import { dataDirLayout, findValidSnapshots, listLogs, LOG_PREFIX, logsNeededFrom, SNAPSHOT_PREFIX, zxidFromFileName } from '../files';

export const PURGE_RETAIN_COUNT_MIN = 3;

export class PurgeError extends Error {
  override readonly name = 'PurgeError';
  readonly code = 'PURGE_RETAIN_COUNT_TOO_SMALL';
}

export interface PurgeResult {
  /** Files deleted (paths). */
  deleted: string[];
  /** Files that could not be deleted. */
  failed: string[];
  /** zxid of the oldest snapshot kept, or null when there was no valid snapshot (nothing deleted). */
  oldestRetainedZxid: bigint | null;
}

async function namesIn(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Which files of `names` the rule deletes: the `<prefix>.*` names below `leastZxid`, minus `keep`. */
export function purgeCandidates(names: readonly string[], prefix: string, leastZxid: bigint, keep: ReadonlySet<string>): string[] {
  return names.filter((n) => n.startsWith(`${prefix}.`) && !keep.has(n) && zxidFromFileName(n, prefix) < leastZxid);
}

/**
 * Keeps the `retainCount` newest valid snapshots of `<dataDir>/version-2` and the logs of
 * `<dataLogDir>/version-2` they need. `retainCount` below 3 is refused, as the reference does.
 */
export async function purge(dataDir: string, dataLogDir: string | undefined, retainCount: number, opts: { logger?: Logger } = {}): Promise<PurgeResult> {
  if (!Number.isInteger(retainCount) || retainCount < PURGE_RETAIN_COUNT_MIN) {
    throw new PurgeError(`count should be greater than or equal to ${PURGE_RETAIN_COUNT_MIN} (got ${retainCount})`);
  }
  const log = opts.logger ?? silentLogger;
  const { snapDir, logDir } = dataDirLayout(dataDir, dataLogDir);
  const snaps = await findValidSnapshots(snapDir, retainCount);
  if (snaps.length === 0) return { deleted: [], failed: [], oldestRetainedZxid: null };
  const least = snaps[snaps.length - 1]!.zxid;

  const keepLogs = new Set(logsNeededFrom(await listLogs(logDir), least).map((f) => f.name));
  const victims = [
    ...purgeCandidates(await namesIn(logDir), LOG_PREFIX, least, keepLogs).map((n) => join(logDir, n)),
    ...purgeCandidates(await namesIn(snapDir), SNAPSHOT_PREFIX, least, keepLogs).map((n) => join(snapDir, n)),
  ];
  const deleted: string[] = [];
  const failed: string[] = [];
  for (const f of victims) {
    try {
      await fsp.unlink(f);
      deleted.push(f);
      log.info('purged', { file: f });
    } catch (e) {
      failed.push(f);
      log.warn('failed to remove', { file: f, error: (e as Error).message });
    }
  }
  return { deleted, failed, oldestRetainedZxid: least };
}
