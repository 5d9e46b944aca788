// Whole-directory operations on txn logs: the last logged zxid and TRUNC.

import { closeSync, fsyncSync, openSync, truncateSync, unlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { silentLogger } from '../../util/logger';
import { RECORD_OVERHEAD_BYTES, FILE_HEADER_BYTES, TxnLogCorruptError, TxnLogTruncateError } from './format';
import { listLogFiles } from './names';
import { openTxnIterator, type TxnIteratorOptions } from './reader';

/**
 * The reference's FileTxnLog.getLastLoggedZxid: -1 without log files; otherwise reading starts at
 * the newest file's name and the result is that name's zxid or the zxid of the last record read
 * after the first one found there. So a newest file without records still reports its name, and
 * a corrupt record ends the scan with a warning instead of an error (the reference logs and
 * returns what it has).
 */
export function lastLoggedZxid(dir: string, options: TxnIteratorOptions = {}): bigint {
  const files = listLogFiles(dir);
  if (files.length === 0) return -1n;
  const newest = files[files.length - 1]!.zxid;
  let zxid = newest;
  const it = openTxnIterator(dir, newest, options);
  try {
    let first = true;
    for (const rec of it) {
      if (first) first = false;
      else zxid = rec.zxid;
    }
  } catch (e) {
    if (!(e instanceof TxnLogCorruptError) && typeof (e as NodeJS.ErrnoException).code !== 'string') throw e;
    (options.logger ?? silentLogger).warn('txn log unreadable while looking for the last zxid', { error: String(e), zxid });
  } finally {
    it.close();
  }
  return zxid;
}

export interface TruncateResult {
  /** The file that was cut (null when the whole file holding the cut point was removed). */
  file: string | null;
  /** Its new length. */
  lengthBytes: number;
  /** Later log files that were deleted. */
  deleted: string[];
}

/**
 * TRUNC: keep every record up to and including `zxid`, cut the file right after it and delete the
 * later log files (the reference's FileTxnLog.truncate). Fails, as the reference does, when there
 * are no log files or nothing at or above `zxid` was logged.
 *
 * Where `zxid` itself was never logged, the reference keeps the first record above it; this
 * keeps only records at or below `zxid` (and removes a file left with no records), so a follower
 * never holds a txn its leader told it to drop. Cut files are fsynced, as is the directory.
 */
export function truncateTxnLog(dir: string, zxid: bigint, options: TxnIteratorOptions = {}): TruncateResult {
  if (listLogFiles(dir).length === 0) {
    throw new TxnLogTruncateError('no-logs', zxid, 'no log files found (snapshots from an old setup, deleted logs or a changed dataLogDir?)');
  }
  const it = openTxnIterator(dir, zxid, options);
  let cutFile: string | null = null;
  let cutAt = 0;
  try {
    const first = it.next();
    if (!first.done) {
      const rec = first.value;
      cutFile = rec.file;
      cutAt = rec.zxid === zxid ? rec.offset + rec.entry.length + RECORD_OVERHEAD_BYTES : rec.offset;
    }
  } finally {
    it.close();
  }
  if (cutFile === null) {
    throw new TxnLogTruncateError('beyond-end', zxid, 'no txn at or above it is logged');
  }
  const log = options.logger ?? silentLogger;
  const cutIndex = it.files.findIndex((f) => f.path === cutFile);
  const later = it.files.slice(cutIndex + 1).map((f) => f.path);
  let result: TruncateResult;
  if (cutAt <= FILE_HEADER_BYTES) {
    unlinkSync(cutFile);
    result = { file: null, lengthBytes: 0, deleted: [cutFile] };
  } else {
    truncateSync(cutFile, cutAt);
    syncPath(cutFile);
    result = { file: cutFile, lengthBytes: cutAt, deleted: [] };
  }
  for (const path of later) {
    unlinkSync(path);
    result.deleted.push(path);
  }
  syncPath(dir);
  log.info('txn log truncated', {
    zxid,
    file: result.file === null ? null : basename(result.file),
    lengthBytes: result.lengthBytes,
    deleted: result.deleted.map((p) => basename(p)),
  });
  return result;
}

function syncPath(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
