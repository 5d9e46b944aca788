// The txn-log file format (reference FileTxnLog / Util): a 16-byte FileHeader, then records of
//   long   Adler32 of the entry bytes (the high 32 bits are always 0)
//   int    entry length
//   bytes  entry (TxnHeader + body + optional TxnDigest, see ../txn.ts)
//   byte   0x42 'B' (end of record)
// followed by zero padding up to the preallocated size.

import { buf as adler32Of } from 'adler-32';
import { JUTE_MAXBUFFER_DEFAULT } from '../../protocol/jute/runtime';

/** "ZKLG" */
export const TXNLOG_MAGIC = 0x5a4b4c47;
export const TXNLOG_VERSION = 2;
export const TXNLOG_DBID = 0n;
export const FILE_HEADER_BYTES = 16;
/** checksum (8) + length (4) */
export const RECORD_PREFIX_BYTES = 12;
/** prefix + the trailing 'B' */
export const RECORD_OVERHEAD_BYTES = 13;
export const END_OF_RECORD = 0x42;
/** TxnHeader: clientId long, cxid int, zxid long, time long, type int. */
export const TXN_HEADER_BYTES = 32;
/** Where the zxid sits inside an entry (after clientId and cxid). */
export const ENTRY_ZXID_OFFSET = 12;
/**
 * The longest entry the reference reads back: jute.maxbuffer plus
 * zookeeper.jute.maxbuffer.extrasize, which defaults to jute.maxbuffer (BinaryInputArchive).
 */
export const ENTRY_BYTES_MAX_DEFAULT = 2 * JUTE_MAXBUFFER_DEFAULT;
/** zookeeper.preAllocSize default: 64 MiB. */
export const PREALLOC_BYTES_DEFAULT = 64 * 1024 * 1024;

export function adler32(bytes: Uint8Array): number {
  return adler32Of(bytes) >>> 0;
}

export function writeFileHeader(out: Buffer, at: number): number {
  out.writeInt32BE(TXNLOG_MAGIC, at);
  out.writeInt32BE(TXNLOG_VERSION, at + 4);
  out.writeBigInt64BE(TXNLOG_DBID, at + 8);
  return at + FILE_HEADER_BYTES;
}

/** Frames one entry at `at` in `out`; returns the offset after it. */
export function writeRecord(out: Buffer, at: number, entry: Buffer, crc: number): number {
  out.writeUInt32BE(0, at);
  out.writeUInt32BE(crc, at + 4);
  out.writeInt32BE(entry.length, at + 8);
  entry.copy(out, at + RECORD_PREFIX_BYTES);
  const end = at + RECORD_PREFIX_BYTES + entry.length;
  out[end] = END_OF_RECORD;
  return end + 1;
}

/** What made a log unreadable where the reference's reader throws (and start-up fails). */
export type TxnLogCorruptReason =
  /** The file is shorter than its 16-byte header (the reference: EOFException out of the iterator). */
  | 'short-header'
  /** The header's magic is not "ZKLG" (IOException "has invalid magic number"). */
  | 'bad-magic'
  /** An entry length of -1 (a NullPointerException in the reference), < -1, or above the limit ("Unreasonable length"). */
  | 'bad-length'
  /** The stored checksum does not match the entry ("CRC check failed"). */
  | 'crc-mismatch'
  /** A complete, checksummed entry whose type the reference does not replay ("Unsupported Txn"). */
  | 'unsupported-type'
  /** A complete, checksummed entry that does not decode for another reason than ending early. */
  | 'bad-entry';

export class TxnLogCorruptError extends Error {
  override readonly name = 'TxnLogCorruptError';
  readonly code = 'TXNLOG_CORRUPT';
  constructor(
    readonly file: string,
    /** Byte offset of the record (or 0 for a header problem). */
    readonly offset: number,
    readonly reason: TxnLogCorruptReason,
    detail: string,
    /** The zxid the bad record claims, when its header could be read (unverified for a CRC mismatch). */
    readonly zxid: bigint | null,
    /** The zxid of the last good record read before it, in any file. */
    readonly lastGoodZxid: bigint | null,
  ) {
    super(`${file} @${offset}: ${reason}: ${detail}${zxid !== null ? ` (record zxid 0x${zxid.toString(16)})` : ''}`);
  }
}

export type TxnLogTruncateReason = 'no-logs' | 'beyond-end';

/** TRUNC could not be carried out (the reference's truncate throws an IOException for both). */
export class TxnLogTruncateError extends Error {
  override readonly name = 'TxnLogTruncateError';
  readonly code = 'TXNLOG_TRUNCATE';
  constructor(
    readonly reason: TxnLogTruncateReason,
    readonly zxid: bigint,
    detail: string,
  ) {
    super(`cannot truncate the txn log to 0x${zxid.toString(16)}: ${detail}`);
  }
}

/** Appends on a closed or failed writer. */
export class TxnLogWriterError extends Error {
  override readonly name = 'TxnLogWriterError';
  constructor(
    readonly code: 'TXNLOG_CLOSED' | 'TXNLOG_FAILED',
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}
