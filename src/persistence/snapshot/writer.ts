// Writes a snapshot file without blocking the event loop: the tree is serialized in bounded
// chunks, each chunk is handed to the file (through gzip or the snappy-java framing), and the
// writer yields between chunks so requests keep being served while it runs.
//
// The bytes go to `<name>.tmp`, which is fsynced, renamed to `<name>` and the directory fsynced.
// The reference does that only for snapshots it asks to sync (after a SNAP sync); its periodic
// snapshots are written in place without fsync, and a crash mid-write leaves a partial file that
// the start-up validity check skips. Always renaming means a final name is always complete.

import { once } from 'node:events';
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import type { ZxidDigest } from '../../protocol/generated';
import { type Logger, silentLogger } from '../../util/logger';
import { fsyncDir, type SnapshotCompression, snapshotFileName, TMP_SUFFIX } from '../files';
import type { SnapshotSource } from '../snapshot-contract';
import { type ChunkLimits, SnapshotSerializer } from './serializer';
import { XerialSnappyEncoder } from './xerial-snappy';

export interface WriteSnapshotOptions extends ChunkLimits {
  compression: SnapshotCompression;
  /** fsync the file and its directory (default true). */
  fsync?: boolean;
  /** Stops the write between chunks; the temporary file is removed. */
  signal?: AbortSignal;
  logger?: Logger;
}

export interface WriteSnapshotResult {
  /** Path of the finished snapshot. */
  file: string;
  /** Size on disk. */
  bytes: number;
  /** Size before compression (what the checksum covers). */
  rawBytes: number;
  nodes: number;
  sessions: number;
  /** The digest section written, or null when the source had none. */
  digest: ZxidDigest | null;
  /** The last seal's Adler-32. */
  checksum: bigint;
}

/** The write was stopped through its AbortSignal. */
export class SnapshotAbortedError extends Error {
  override readonly name = 'SnapshotAbortedError';
  readonly code = 'SNAPSHOT_ABORTED';
  constructor(
    readonly file: string,
    reason: unknown,
  ) {
    super(`snapshot ${file} aborted`, { cause: reason });
  }
}

/** Where uncompressed chunks go: straight to the file, or through a compressor first. */
interface ChunkOutput {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
}

async function writeAll(fh: fsp.FileHandle, parts: readonly Buffer[]): Promise<void> {
  let rest = parts.filter((p) => p.length > 0);
  while (rest.length > 0) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    const left: Buffer[] = [];
    for (const p of rest) {
      if (n >= p.length) {
        n -= p.length;
      } else {
        left.push(n === 0 ? p : p.subarray(n));
        n = 0;
      }
    }
    rest = left;
  }
}

function plainOutput(fh: fsp.FileHandle): ChunkOutput {
  return {
    write: (chunk) => writeAll(fh, [chunk]),
    end: async () => undefined,
  };
}

function snappyOutput(fh: fsp.FileHandle): ChunkOutput {
  const enc = new XerialSnappyEncoder();
  return {
    write: (chunk) => writeAll(fh, enc.push(chunk)),
    end: () => writeAll(fh, enc.end()),
  };
}

/** gzip runs on the libuv thread pool; its output is written in order, one batch per input chunk. */
function gzipOutput(fh: fsp.FileHandle): ChunkOutput {
  const gz = zlib.createGzip();
  let produced: Buffer[] = [];
  let failure: Error | undefined;
  gz.on('data', (c: Buffer) => produced.push(c));
  gz.on('error', (e: Error) => (failure ??= e));
  const flushProduced = async (): Promise<void> => {
    if (failure !== undefined) throw failure;
    const batch = produced;
    produced = [];
    await writeAll(fh, batch);
  };
  return {
    async write(chunk) {
      if (!gz.write(chunk)) await once(gz, 'drain');
      await flushProduced();
    },
    async end() {
      const ended = once(gz, 'end');
      gz.end();
      await ended;
      await flushProduced();
    },
  };
}

function outputFor(compression: SnapshotCompression, fh: fsp.FileHandle): ChunkOutput {
  switch (compression) {
    case '':
      return plainOutput(fh);
    case 'gz':
      return gzipOutput(fh);
    case 'snappy':
      return snappyOutput(fh);
  }
}

/**
 * Serializes `source` into `<dir>/snapshot.<hex zxid>[.gz|.snappy]`. `zxid` names the file: the
 * last txn applied when the snapshot starts (later txns may or may not be in it).
 */
export async function writeSnapshot(source: SnapshotSource, dir: string, zxid: bigint, opts: WriteSnapshotOptions): Promise<WriteSnapshotResult> {
  const log = opts.logger ?? silentLogger;
  const file = join(dir, snapshotFileName(zxid, opts.compression));
  const tmp = file + TMP_SUFFIX;
  const fsync = opts.fsync ?? true;
  const started = Date.now();
  log.info('writing snapshot', { file, zxid });
  const fh = await fsp.open(tmp, 'w');
  let closed = false;
  try {
    const out = outputFor(opts.compression, fh);
    const ser = new SnapshotSerializer(source, 'file', opts);
    for (let chunk = ser.next(); chunk !== null; chunk = ser.next()) {
      await out.write(chunk);
      if (opts.signal?.aborted === true) throw new SnapshotAbortedError(file, opts.signal.reason);
      await yieldToLoop();
    }
    await out.end();
    if (fsync) await fh.sync();
    const { size } = await fh.stat();
    await fh.close();
    closed = true;
    await fsp.rename(tmp, file);
    if (fsync) await fsyncDir(dir);
    log.info('snapshot written', { file, nodes: ser.nodes, bytes: size, rawBytes: ser.bytes, ms: Date.now() - started });
    return { file, bytes: size, rawBytes: ser.bytes, nodes: ser.nodes, sessions: ser.sessions, digest: ser.digest, checksum: ser.checksum() };
  } catch (e) {
    if (!closed) await fh.close().catch(() => undefined);
    await fsp.unlink(tmp).catch(() => undefined);
    log.warn('snapshot write failed', { file, error: (e as Error).message });
    throw e;
  }
}
