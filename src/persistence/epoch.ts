// The quorum epoch files in the snapshot directory and `<dataDir>/myid`.
//
// `acceptedEpoch` and `currentEpoch` hold an ASCII decimal long and nothing else (no newline), and
// are replaced atomically: written to `<name>.tmp`, fsynced, renamed over `<name>` (the
// reference's AtomicFileWritingIdiom), then the directory is fsynced. Readers take the first
// line and parse it as Java's Long.parseLong does.
//
// Start-up rules (QuorumPeer.loadDataBase), given the lastProcessedZxid of the loaded database:
// a missing currentEpoch is created from the epoch of that zxid; a currentEpoch older than it is
// replaced by `currentEpoch.tmp` when that exists (a crash between write and rename) and is an
// error otherwise; a missing acceptedEpoch is created the same way; acceptedEpoch < currentEpoch
// is an error.

import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir, TMP_SUFFIX } from './files';

export const CURRENT_EPOCH_FILE = 'currentEpoch';
export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';
export const MYID_FILE = 'myid';

export type EpochErrorCode = 'EPOCH_FILE_INVALID' | 'CURRENT_EPOCH_BEHIND_ZXID' | 'ACCEPTED_EPOCH_BEHIND_CURRENT' | 'MYID_INVALID';

export class EpochError extends Error {
  override readonly name = 'EpochError';
  constructor(
    readonly code: EpochErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const INT64_MAX = (1n << 63n) - 1n;
const DECIMAL_LONG = /^[+-]?[0-9]+$/;

/** Java's Long.parseLong(s) (radix 10), or undefined when it would throw. */
export function parseJavaLong(s: string | null): bigint | undefined {
  if (s === null || !DECIMAL_LONG.test(s)) return undefined;
  const v = BigInt(s);
  return v > INT64_MAX || v < -INT64_MAX - 1n ? undefined : v;
}

/** BufferedReader.readLine() on the whole content: up to the first \n or \r; null when empty. */
export function firstLine(content: string): string | null {
  if (content.length === 0) return null;
  const m = /[\r\n]/.exec(content);
  return m === null ? content : content.slice(0, m.index);
}

export function epochOfZxid(zxid: bigint): bigint {
  return zxid >> 32n;
}

/** The hex form the reference's messages use for epochs and zxids (ZxidUtils.zxidToString). */
function hex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

async function readIfExists(path: string): Promise<string | null> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

function parseEpochContent(content: string, file: string): bigint {
  const line = firstLine(content);
  const v = parseJavaLong(line);
  if (v === undefined) throw new EpochError('EPOCH_FILE_INVALID', `Found ${line} in ${file}`);
  return v;
}

/** Reads an epoch file of `snapDir`: its value, or null when the file does not exist. */
export async function readEpochFile(snapDir: string, name: string): Promise<bigint | null> {
  const file = join(snapDir, name);
  const content = await readIfExists(file);
  return content === null ? null : parseEpochContent(content, file);
}

/** Replaces `<snapDir>/<name>` with the decimal value, atomically and durably. */
export async function writeEpochFile(snapDir: string, name: string, value: bigint): Promise<void> {
  const file = join(snapDir, name);
  const tmp = file + TMP_SUFFIX;
  const fh = await fsp.open(tmp, 'w');
  try {
    await fh.writeFile(value.toString(), 'ascii');
    await fh.sync();
  } catch (e) {
    await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await fh.close();
  await fsp.rename(tmp, file);
  await fsyncDir(snapDir);
}

// ---- start-up decision (pure) ----

export interface EpochFilesContent {
  /** Raw contents, null when the file does not exist. */
  currentEpoch: string | null;
  currentEpochTmp: string | null;
  acceptedEpoch: string | null;
}

export interface EpochWrite {
  name: typeof CURRENT_EPOCH_FILE | typeof ACCEPTED_EPOCH_FILE;
  value: bigint;
}

export type EpochDecision =
  | { ok: true; currentEpoch: bigint; acceptedEpoch: bigint; writes: EpochWrite[] }
  /** `writes` are the ones the reference performs before it fails. */
  | { ok: false; error: EpochError; writes: EpochWrite[] };

/** What to load and write at start-up for a database whose last applied txn is `lastProcessedZxid`. */
export function decideEpochs(lastProcessedZxid: bigint, files: EpochFilesContent, snapDir = '.'): EpochDecision {
  const writes: EpochWrite[] = [];
  const zxidEpoch = epochOfZxid(lastProcessedZxid);
  try {
    let current: bigint;
    if (files.currentEpoch === null) {
      current = zxidEpoch;
      writes.push({ name: CURRENT_EPOCH_FILE, value: current });
    } else {
      current = parseEpochContent(files.currentEpoch, join(snapDir, CURRENT_EPOCH_FILE));
    }
    if (zxidEpoch > current) {
      if (files.currentEpochTmp === null) {
        throw new EpochError(
          'CURRENT_EPOCH_BEHIND_ZXID',
          `The current epoch, ${hex(current)}, is older than the last zxid, ${lastProcessedZxid} (0x${hex(lastProcessedZxid)})`,
        );
      }
      // A crash between writing currentEpoch.tmp and renaming it: the new value is in the tmp.
      current = parseEpochContent(files.currentEpochTmp, join(snapDir, CURRENT_EPOCH_FILE + TMP_SUFFIX));
      writes.push({ name: CURRENT_EPOCH_FILE, value: current });
    }
    let accepted: bigint;
    if (files.acceptedEpoch === null) {
      accepted = zxidEpoch;
      writes.push({ name: ACCEPTED_EPOCH_FILE, value: accepted });
    } else {
      accepted = parseEpochContent(files.acceptedEpoch, join(snapDir, ACCEPTED_EPOCH_FILE));
    }
    if (accepted < current) {
      throw new EpochError('ACCEPTED_EPOCH_BEHIND_CURRENT', `The accepted epoch, ${hex(accepted)} is less than the current epoch, ${hex(current)}`);
    }
    return { ok: true, currentEpoch: current, acceptedEpoch: accepted, writes };
  } catch (e) {
    if (e instanceof EpochError) return { ok: false, error: e, writes };
    throw e;
  }
}

export interface LoadedEpochs {
  currentEpoch: bigint;
  acceptedEpoch: bigint;
}

/** Reads the epoch files, applies decideEpochs, performs its writes, and throws its error. */
export async function loadEpochs(snapDir: string, lastProcessedZxid: bigint): Promise<LoadedEpochs> {
  const files: EpochFilesContent = {
    currentEpoch: await readIfExists(join(snapDir, CURRENT_EPOCH_FILE)),
    currentEpochTmp: await readIfExists(join(snapDir, CURRENT_EPOCH_FILE + TMP_SUFFIX)),
    acceptedEpoch: await readIfExists(join(snapDir, ACCEPTED_EPOCH_FILE)),
  };
  const d = decideEpochs(lastProcessedZxid, files, snapDir);
  for (const w of d.writes) await writeEpochFile(snapDir, w.name, w.value);
  if (!d.ok) throw d.error;
  return { currentEpoch: d.currentEpoch, acceptedEpoch: d.acceptedEpoch };
}

/**
 * `<dataDir>/myid`: the server id, or null when there is no such file (standalone needs none).
 * Only the first line counts, parsed as a Java long.
 */
export async function readMyId(dataDir: string): Promise<bigint | null> {
  const file = join(dataDir, MYID_FILE);
  let content: string;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) return null;
    content = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const line = firstLine(content);
  const id = parseJavaLong(line);
  if (id === undefined) throw new EpochError('MYID_INVALID', `serverid ${line} is not a number (in ${file})`);
  return id;
}
