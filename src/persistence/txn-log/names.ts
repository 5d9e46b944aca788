// Log file names: `log.<hex zxid of the first txn>` in the version-2 directory, and which files a
// reader starting at some zxid must open (the reference's FileTxnLog.getLogFiles and
// FileTxnIterator.init rules).

import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export const LOG_FILE_PREFIX = 'log';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const HEX = /^[+-]?[0-9a-fA-F]+$/;

export interface LogFile {
  name: string;
  path: string;
  /** The zxid in the name: the first txn the file was started for. */
  zxid: bigint;
}

/** `log.<lowercase hex>`: the reference prints the zxid with Long.toHexString. */
export function makeLogName(zxid: bigint): string {
  if (zxid < 0n || zxid > INT64_MAX) throw new RangeError(`log name zxid out of range: ${zxid}`);
  return `${LOG_FILE_PREFIX}.${zxid.toString(16)}`;
}

/**
 * The zxid a file name carries, -1n when it carries none. As the reference: the name is split on
 * '.', the first part must be the prefix and the second part is parsed as a signed 64-bit hex
 * number, so `log.1a.bak` still counts as 0x1a and `log.-1` parses as -1 (and is then ignored).
 */
export function zxidFromName(name: string, prefix: string = LOG_FILE_PREFIX): bigint {
  // Java's String.split drops trailing empty parts: "log." has a single part.
  const parts = name.split('.');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length < 2 || parts[0] !== prefix) return -1n;
  const digits = parts[1]!;
  if (!HEX.test(digits)) return -1n;
  const negative = digits.startsWith('-');
  const magnitude = BigInt(`0x${digits.replace(/^[+-]/, '')}`);
  const value = negative ? -magnitude : magnitude;
  if (value > INT64_MAX || value < INT64_MIN) return -1n;
  return value;
}

/**
 * The log files of `dir`, oldest first: every name whose zxid parses to >= 0 (the reference's
 * getLogFiles(files, 0)). Equal zxids are ordered by name so the result does not depend on readdir.
 */
export function listLogFiles(dir: string): LogFile[] {
  const out: LogFile[] = [];
  for (const name of readdirSync(dir)) {
    const zxid = zxidFromName(name);
    if (zxid >= 0n) out.push({ name, path: join(dir, name), zxid });
  }
  return out.sort((a, b) => (a.zxid < b.zxid ? -1 : a.zxid > b.zxid ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/**
 * The files a reader starting at `fromZxid` opens, oldest first (FileTxnIterator.init): every file
 * whose name is >= fromZxid plus the newest one whose name is strictly below it. A file named
 * exactly fromZxid therefore does not stop the search: its predecessor is read as well, and the
 * records below fromZxid are skipped while reading.
 */
export function filesFrom(files: readonly LogFile[], fromZxid: bigint): LogFile[] {
  let first = files.length;
  while (first > 0 && files[first - 1]!.zxid >= fromZxid) first--;
  if (first > 0) first--;
  return files.slice(first);
}
