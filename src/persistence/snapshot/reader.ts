// Reads a snapshot file into a SnapshotSink, streaming: the compression comes from the file name
// (as the reference), the uncompressed bytes go through the push parser chunk by chunk, and the
// reader yields to the event loop between chunks. Any defect becomes a SnapshotCorruptError; the
// sink's contents are then garbage and must be dropped (the caller tries an older snapshot).

import { createReadStream, promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import * as zlib from 'node:zlib';
import type { ZxidDigest } from '../../protocol/generated';
import { type Logger, silentLogger } from '../../util/logger';
import { compressionOf, SNAPSHOT_PREFIX, zxidFromFileName } from '../files';
import type { SnapshotSink } from '../snapshot-contract';
import { SnapshotCorruptError } from './format';
import { type ParseResult, SnapshotParser } from './parser';
import { XerialSnappyDecoder, XerialSnappyError } from './xerial-snappy';

export interface ReadSnapshotOptions {
  /** Longest string or buffer accepted (jute.maxbuffer + extra). */
  lengthMax?: number;
  /** Bytes per file read. Default 1 MiB. */
  readBytes?: number;
  logger?: Logger;
}

export interface ReadSnapshotResult extends ParseResult {
  /** The zxid in the file name: the tree is at least at this zxid once the logs are replayed from it. */
  zxid: bigint;
  file: string;
}

const READ_BYTES_DEFAULT = 1024 * 1024;

async function* fileChunks(file: string, readBytes: number): AsyncGenerator<Buffer> {
  const fh = await fsp.open(file, 'r');
  try {
    for (;;) {
      const buf = Buffer.allocUnsafe(readBytes);
      const { bytesRead } = await fh.read(buf, 0, readBytes, null);
      if (bytesRead === 0) return;
      yield buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Decompressed output is handed on in pieces of about this size (fewer, larger checksum updates). */
const DECOMPRESSED_CHUNK_BYTES = 256 * 1024;

async function* snappyChunks(file: string, readBytes: number): AsyncGenerator<Buffer> {
  const dec = new XerialSnappyDecoder();
  let batch: Buffer[] = [];
  let batchBytes = 0;
  try {
    for await (const c of fileChunks(file, readBytes)) {
      for (const block of dec.push(c)) {
        batch.push(block);
        batchBytes += block.length;
        if (batchBytes >= DECOMPRESSED_CHUNK_BYTES) {
          yield batch.length === 1 ? batch[0]! : Buffer.concat(batch);
          batch = [];
          batchBytes = 0;
        }
      }
    }
    dec.end();
    if (batch.length > 0) yield Buffer.concat(batch);
  } catch (e) {
    if (e instanceof XerialSnappyError) throw new SnapshotCorruptError('BAD_COMPRESSION', e.message, file, undefined);
    throw e;
  }
}

/** A gzip stream cut short; anything else wrong with it is corruption. */
class GzipTruncated extends Error {}

async function* gzipChunks(file: string, readBytes: number): AsyncGenerator<Buffer> {
  const gunzip = zlib.createGunzip({ chunkSize: DECOMPRESSED_CHUNK_BYTES });
  const input = createReadStream(file, { highWaterMark: readBytes });
  input.on('error', (e) => gunzip.destroy(e));
  input.pipe(gunzip);
  try {
    for await (const c of gunzip) yield c as Buffer;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'Z_BUF_ERROR') throw new GzipTruncated(err.message);
    if (typeof err.code === 'string' && err.code.startsWith('Z_')) {
      throw new SnapshotCorruptError('BAD_COMPRESSION', `gzip: ${err.message}`, file, undefined);
    }
    throw e;
  } finally {
    input.destroy();
  }
}

function chunksOf(file: string, readBytes: number): AsyncGenerator<Buffer> {
  switch (compressionOf(basename(file))) {
    case '':
      return fileChunks(file, readBytes);
    case 'gz':
      return gzipChunks(file, readBytes);
    case 'snappy':
      return snappyChunks(file, readBytes);
  }
}

/**
 * Streams the snapshot into `sink`, checking both seals. The zxid returned is the one in the file
 * name, which is the reference's lastProcessedZxid after loading it.
 */
export async function readSnapshot(file: string, sink: SnapshotSink, opts: ReadSnapshotOptions = {}): Promise<ReadSnapshotResult> {
  const log = opts.logger ?? silentLogger;
  const parser = new SnapshotParser(sink, 'file', { lengthMax: opts.lengthMax, file });
  const started = Date.now();
  try {
    for await (const chunk of chunksOf(file, opts.readBytes ?? READ_BYTES_DEFAULT)) {
      if (parser.push(chunk) !== null) break;
      await yieldToLoop();
    }
  } catch (e) {
    if (e instanceof SnapshotCorruptError) throw e.inFile(file);
    // A gzip stream cut short is an end of input (Java's EOFException): the parser decides
    // whether what arrived is complete.
    if (!(e instanceof GzipTruncated)) throw e;
  }
  let result: ParseResult;
  try {
    result = parser.end();
  } catch (e) {
    throw e instanceof SnapshotCorruptError ? e.inFile(file) : e;
  }
  const zxid = zxidFromFileName(basename(file), SNAPSHOT_PREFIX);
  log.info('snapshot read', { file, zxid, nodes: result.nodes, ms: Date.now() - started });
  return { ...result, zxid, file };
}

/**
 * The digest to compare during replay, as the reference decides after loading: none when the
 * section is absent or empty (zxid 0), or when it predates the snapshot's own zxid.
 */
export function digestToCompare(digest: ZxidDigest | null, snapshotZxid: bigint): ZxidDigest | null {
  if (digest === null || digest.zxid <= 0n || digest.zxid < snapshotZxid) return null;
  return digest;
}
