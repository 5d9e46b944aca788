// The data directories on disk: `<dataDir>/version-2` holds snapshots and the epoch files,
// `<dataLogDir>/version-2` holds txn logs (the same directory when dataLogDir is not set).
//
// File names follow the reference so that either server can start on the other's directories:
// `log.<hex zxid>` and `snapshot.<hex zxid>[.gz|.snappy]`, where the zxid is whatever the second
// dot-separated part parses to as a signed 64-bit hex number. The compression of a snapshot comes
// from its last dot-separated part.
//
// One deliberate difference: the reference lists a left-over `snapshot.<hex>.tmp` as an
// uncompressed snapshot and tries it when its last bytes look right. We never list `.tmp` files:
// a temporary file is one whose rename never happened (a crash, or a write still in progress
// while purge runs), so it is not trusted and is not counted among the snapshots to keep. Purge
// still deletes old ones, as the reference does.

import { closeSync, constants as fsConstants, fstatSync, openSync, promises as fsp, readdirSync, readSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export const VERSION_DIR = 'version-2';
export const SNAPSHOT_PREFIX = 'snapshot';
export const LOG_PREFIX = 'log';
/** Suffix of a file being written before its rename (the reference's AtomicFileOutputStream). */
export const TMP_SUFFIX = '.tmp';
/** `<dataLogDir>/initialize`: the next start trusts an empty database (zkServer-initialize.sh). */
export const INITIALIZE_FILE = 'initialize';

export type SnapshotCompression = '' | 'gz' | 'snappy';

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const HEX_LONG = /^[+-]?[0-9a-fA-F]+$/;

/** The zxid in a `<prefix>.<hex>...` name, or -1n when the name does not have one (as the reference). */
export function zxidFromFileName(name: string, prefix: string): bigint {
  const parts = name.split('.');
  if (parts.length < 2 || parts[0] !== prefix) return -1n;
  const hex = parts[1]!;
  if (!HEX_LONG.test(hex)) return -1n;
  const negative = hex[0] === '-';
  const digits = hex[0] === '+' || negative ? hex.slice(1) : hex;
  const magnitude = BigInt(`0x${digits}`);
  const value = negative ? -magnitude : magnitude;
  return value < INT64_MIN || value > INT64_MAX ? -1n : value;
}

/** Lowercase hex of the zxid as an unsigned 64-bit number (Java's Long.toHexString). */
export function zxidHex(zxid: bigint): string {
  return BigInt.asUintN(64, zxid).toString(16);
}

export function snapshotFileName(zxid: bigint, compression: SnapshotCompression): string {
  return `${SNAPSHOT_PREFIX}.${zxidHex(zxid)}${compression === '' ? '' : `.${compression}`}`;
}

export function logFileName(zxid: bigint): string {
  return `${LOG_PREFIX}.${zxidHex(zxid)}`;
}

/** Compression chosen by the last dot-separated part of the name, case-insensitively; else none. */
export function compressionOf(fileName: string): SnapshotCompression {
  const parts = fileName.split('.');
  if (parts.length < 2) return '';
  const last = parts[parts.length - 1]!.toLowerCase();
  return last === 'gz' || last === 'snappy' ? last : '';
}

export function isSnapshotFileName(name: string): boolean {
  return name.startsWith(`${SNAPSHOT_PREFIX}.`);
}

export function isLogFileName(name: string): boolean {
  return name.startsWith(`${LOG_PREFIX}.`);
}

export interface DataFile {
  /** Absolute or dir-relative path (dir joined with name). */
  path: string;
  name: string;
  zxid: bigint;
}

export interface SnapshotFile extends DataFile {
  compression: SnapshotCompression;
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

function byZxid(descending: boolean) {
  return (a: DataFile, b: DataFile): number => {
    if (a.zxid !== b.zxid) return (a.zxid < b.zxid ? -1 : 1) * (descending ? -1 : 1);
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  };
}

/** Every `snapshot.<hex>...` file of the directory except `.tmp` ones, newest zxid first (names break ties). */
export async function listSnapshots(snapDir: string): Promise<SnapshotFile[]> {
  const out: SnapshotFile[] = [];
  for (const name of await listNames(snapDir)) {
    const zxid = zxidFromFileName(name, SNAPSHOT_PREFIX);
    if (zxid === -1n || name.endsWith(TMP_SUFFIX)) continue;
    out.push({ path: join(snapDir, name), name, zxid, compression: compressionOf(name) });
  }
  return out.sort(byZxid(true));
}

/** Every `log.<hex>` file of the directory, oldest first. */
export async function listLogs(logDir: string): Promise<DataFile[]> {
  const out: DataFile[] = [];
  for (const name of await listNames(logDir)) {
    const zxid = zxidFromFileName(name, LOG_PREFIX);
    if (zxid === -1n) continue;
    out.push({ path: join(logDir, name), name, zxid });
  }
  return out.sort(byZxid(false));
}

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
/** snappy-java's SnappyOutputStream stream header starts with these 8 bytes. */
export const XERIAL_SNAPPY_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
/** The last 5 bytes of a complete uncompressed snapshot: the seal's ustring "/". */
const SEAL_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x01, 0x2f]);
const PLAIN_SNAPSHOT_BYTES_MIN = 10;

/**
 * The reference's cheap "probably complete" test, run before a snapshot is parsed: a name with a
 * zxid, and then by compression the gzip magic, the snappy-java magic, or (uncompressed) at least
 * 10 bytes ending in the seal's "/". It does not prove the file is intact; the seals do that.
 */
export async function isValidSnapshotFile(path: string): Promise<boolean> {
  const name = basename(path);
  if (zxidFromFileName(name, SNAPSHOT_PREFIX) === -1n) return false;
  let fh: fsp.FileHandle;
  try {
    fh = await fsp.open(path, 'r');
  } catch {
    return false;
  }
  try {
    const compression = compressionOf(name);
    if (compression !== '') {
      const magic = compression === 'gz' ? GZIP_MAGIC : XERIAL_SNAPPY_MAGIC;
      const head = Buffer.alloc(magic.length);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return bytesRead === head.length && head.equals(magic);
    }
    const { size } = await fh.stat();
    if (size < PLAIN_SNAPSHOT_BYTES_MIN) return false;
    const tail = Buffer.alloc(SEAL_TAIL.length);
    const { bytesRead } = await fh.read(tail, 0, tail.length, size - tail.length);
    return bytesRead === tail.length && tail.equals(SEAL_TAIL);
  } finally {
    await fh.close();
  }
}

/**
 * The newest snapshot that passes the same cheap test as isValidSnapshotFile, read synchronously
 * (FileSnap.findMostRecentSnapshot), with its size; null when there is none. A leader asks this
 * inside a learner's sync decision, which is synchronous: it costs a directory listing and a
 * couple of small reads.
 */
export function newestValidSnapshotSync(snapDir: string): { file: SnapshotFile; bytes: number } | null {
  let names: string[];
  try {
    names = readdirSync(snapDir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const files: SnapshotFile[] = [];
  for (const name of names) {
    const zxid = zxidFromFileName(name, SNAPSHOT_PREFIX);
    if (zxid === -1n || name.endsWith(TMP_SUFFIX)) continue;
    files.push({ path: join(snapDir, name), name, zxid, compression: compressionOf(name) });
  }
  for (const f of files.sort(byZxid(true))) {
    const bytes = validSnapshotBytesSync(f);
    if (bytes !== null) return { file: f, bytes };
  }
  return null;
}

/** The file's size when it passes isValidSnapshotFile's test, else null. */
function validSnapshotBytesSync(f: SnapshotFile): number | null {
  let fd: number;
  try {
    fd = openSync(f.path, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const readAt = (n: number, pos: number): Buffer | null => {
      const b = Buffer.alloc(n);
      return readSync(fd, b, 0, n, pos) === n ? b : null;
    };
    if (f.compression !== '') {
      const magic = f.compression === 'gz' ? GZIP_MAGIC : XERIAL_SNAPPY_MAGIC;
      return readAt(magic.length, 0)?.equals(magic) === true ? size : null;
    }
    if (size < PLAIN_SNAPSHOT_BYTES_MIN) return null;
    return readAt(SEAL_TAIL.length, size - SEAL_TAIL.length)?.equals(SEAL_TAIL) === true ? size : null;
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

/** Up to `n` snapshots that pass isValidSnapshotFile, newest first (FileSnap.findNValidSnapshots). */
export async function findValidSnapshots(snapDir: string, n: number): Promise<SnapshotFile[]> {
  const out: SnapshotFile[] = [];
  for (const f of await listSnapshots(snapDir)) {
    if (out.length >= n) break;
    if (await isValidSnapshotFile(f.path)) out.push(f);
  }
  return out;
}

/**
 * The logs needed to replay from `snapshotZxid`: the newest log starting at or before it, and
 * every log after it (FileTxnLog.getLogFiles). `logs` must be sorted oldest first.
 */
export function logsNeededFrom<T extends DataFile>(logs: readonly T[], snapshotZxid: bigint): T[] {
  let startZxid = 0n;
  for (const f of logs) {
    if (f.zxid > snapshotZxid) break;
    if (f.zxid > startZxid) startZxid = f.zxid;
  }
  return logs.filter((f) => f.zxid >= startZxid);
}

// ---- directory preparation and start-up checks ----

export type DataDirErrorCode = 'DATADIR_MISSING' | 'DATADIR_CREATE_FAILED' | 'DATADIR_NOT_WRITABLE' | 'LOGDIR_HAS_SNAPSHOTS' | 'SNAPDIR_HAS_LOGS';

/** The data directories cannot be used; the message names the directory. */
export class DataDirError extends Error {
  override readonly name = 'DataDirError';
  constructor(
    readonly code: DataDirErrorCode,
    message: string,
    readonly dir: string,
  ) {
    super(message);
  }
}

export interface DataDirs {
  /** `<dataDir>/version-2`: snapshots, acceptedEpoch, currentEpoch. */
  snapDir: string;
  /** `<dataLogDir>/version-2`: txn logs. */
  logDir: string;
}

export function dataDirLayout(dataDir: string, dataLogDir?: string): DataDirs {
  return { snapDir: join(dataDir, VERSION_DIR), logDir: join(dataLogDir ?? dataDir, VERSION_DIR) };
}

export interface PrepareDataDirsOptions {
  dataDir: string;
  /** Defaults to dataDir. */
  dataLogDir?: string;
  /** zookeeper.datadir.autocreate (default true): create missing version-2 directories. */
  autocreate?: boolean;
}

async function ensureDir(dir: string, what: 'data' | 'snap', autocreate: boolean): Promise<void> {
  let exists = true;
  try {
    await fsp.stat(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    exists = false;
  }
  if (!exists) {
    if (!autocreate) {
      throw new DataDirError(
        'DATADIR_MISSING',
        `Missing ${what} directory ${dir}, automatic data directory creation is disabled (zookeeper.datadir.autocreate is false). Please create this directory manually.`,
        dir,
      );
    }
    try {
      await fsp.mkdir(dir, { recursive: true });
    } catch (e) {
      throw new DataDirError('DATADIR_CREATE_FAILED', `Unable to create ${what} directory ${dir}: ${(e as Error).message}`, dir);
    }
  }
  try {
    await fsp.access(dir, fsConstants.W_OK);
  } catch {
    throw new DataDirError('DATADIR_NOT_WRITABLE', `Cannot write to ${what} directory ${dir}`, dir);
  }
}

/**
 * Creates (or checks) the version-2 directories as the reference does at start-up, and when the
 * log and snapshot directories differ refuses a log directory that holds snapshots or a snapshot
 * directory that holds logs: that usually means dataDir and dataLogDir were swapped or changed.
 */
export async function prepareDataDirs(opts: PrepareDataDirsOptions): Promise<DataDirs> {
  const dirs = dataDirLayout(opts.dataDir, opts.dataLogDir);
  const autocreate = opts.autocreate ?? true;
  await ensureDir(dirs.logDir, 'data', autocreate);
  await ensureDir(dirs.snapDir, 'snap', autocreate);
  if (dirs.logDir !== dirs.snapDir) {
    const misplacedSnapshots = (await listNames(dirs.logDir)).filter(isSnapshotFileName);
    if (misplacedSnapshots.length > 0) {
      throw new DataDirError(
        'LOGDIR_HAS_SNAPSHOTS',
        `Log directory ${dirs.logDir} has snapshot files (${misplacedSnapshots.slice(0, 3).join(', ')}). Check if dataLogDir and dataDir configuration is correct.`,
        dirs.logDir,
      );
    }
    const misplacedLogs = (await listNames(dirs.snapDir)).filter(isLogFileName);
    if (misplacedLogs.length > 0) {
      throw new DataDirError(
        'SNAPDIR_HAS_LOGS',
        `Snapshot directory ${dirs.snapDir} has log files (${misplacedLogs.slice(0, 3).join(', ')}). Check if dataLogDir and dataDir configuration is correct.`,
        dirs.snapDir,
      );
    }
  }
  return dirs;
}

/**
 * Deletes `<dataLogDir>/initialize` (next to `logDir`, the version-2 directory) if present and says whether it was there. The reference does
 * this on every restore (after reading the snapshot); when it was present an empty database is
 * trusted even with zookeeper.db.autocreate=false.
 */
export async function consumeInitializeFile(logDir: string): Promise<boolean> {
  const file = join(dirname(logDir), INITIALIZE_FILE);
  try {
    await fsp.unlink(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
}

/** fsync a directory so that a rename or unlink in it is durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
