// Reading txn logs the way the reference's FileTxnLog.FileTxnIterator does (synchronous: it runs
// at start-up and during sync with a leader).
//
// Which files: every log named >= fromZxid plus the newest one named below it, oldest first.
// Records below fromZxid are skipped until the first one at or above it; everything after that is
// returned as it comes.
//
// Where a file ends (then reading goes on with the next file, as in the reference):
//   - end of file at a record boundary, or a record whose length is 0 (the zero preallocation);
//   - a torn record: the file ends inside it, or its byte after the entry is not 'B'
//     (Util.readTxnBytes: "Last transaction was partial"); the checksum is not looked at then;
//   - a checksummed entry whose body needs more bytes than it has (an EOFException in the
//     reference's deserializer).
// Torn records and short entries are logged as warnings with the file, offset and last zxid.
//
// What aborts (TxnLogCorruptError; the reference throws an IOException and start-up fails): a file
// shorter than its header, a bad magic, an entry length of -1, below -1 or above the limit, a
// checksum mismatch, an unsupported txn type or an entry that is otherwise undecodable.

import { closeSync, openSync, readSync } from 'node:fs';
import { silentLogger, type Logger } from '../../util/logger';
import type { LoggedTxn } from '../txn';
import { claimedZxid, decodeEntry } from './entry';
import {
  adler32,
  END_OF_RECORD,
  ENTRY_BYTES_MAX_DEFAULT,
  FILE_HEADER_BYTES,
  RECORD_OVERHEAD_BYTES,
  RECORD_PREFIX_BYTES,
  TxnLogCorruptError,
  TXNLOG_MAGIC,
} from './format';
import { filesFrom, listLogFiles, type LogFile } from './names';

export interface TxnLogRecord {
  zxid: bigint;
  txn: LoggedTxn;
  /** The entry bytes (header + body + digest): a copy the caller may keep; `txn`'s buffers are views of it. */
  entry: Buffer;
  /** Path of the log file. */
  file: string;
  /** Offset of the record (its checksum) in the file. */
  offset: number;
}

export type TxnLogFileEndReason = 'eof' | 'zero-length' | 'torn' | 'short-entry';

export interface TxnLogFileEnd {
  file: string;
  /** Where the last complete record ends: the first byte not read as a record. */
  offset: number;
  reason: TxnLogFileEndReason;
  detail: string;
  /** Records read from this file (skipped ones included). */
  records: number;
  /** The last zxid read so far, in this file or an earlier one. */
  lastZxid: bigint | null;
}

export interface TxnIteratorOptions {
  logger?: Logger;
  /** Longest entry accepted ("Unreasonable length" above). Default 2 * jute.maxbuffer. */
  entryBytesMax?: number;
  /** Longest buffer/string/vector inside an entry. Default 2 * jute.maxbuffer, as the reference. */
  lengthMax?: number;
  /** Read size. Default 1 MiB. */
  chunkBytes?: number;
  /**
   * True (default): skip the records below fromZxid (FileTxnIterator's fastForward). False: return
   * every record from the start of the first file opened, as a leader's txn-log sync reads
   * (readTxnLog(zxid, false)): it needs the txns just below the learner's zxid too.
   */
  fastForward?: boolean;
}

/** Sync reads of one file through a reusable window. */
/** Synchronous positional reads of one file through a reusable window (start-up and tools). */
export class FileCursor {
  private window: Buffer;
  private windowStart = 0;
  private windowBytes = 0;

  constructor(
    private readonly fd: number,
    chunkBytes: number,
  ) {
    this.window = Buffer.allocUnsafe(chunkBytes);
  }

  /** Makes [pos, pos + n) readable as far as the file reaches; returns how many of the n bytes exist. */
  ensure(pos: number, n: number): number {
    if (pos >= this.windowStart && pos + n <= this.windowStart + this.windowBytes) return n;
    if (n > this.window.length) this.window = Buffer.allocUnsafe(n);
    let got = 0;
    while (got < this.window.length) {
      const r = readSync(this.fd, this.window, got, this.window.length - got, pos + got);
      if (r === 0) break;
      got += r;
    }
    this.windowStart = pos;
    this.windowBytes = got;
    return Math.min(n, got);
  }

  /** A view of [pos, pos + n), valid until the next ensure(). */
  view(pos: number, n: number): Buffer {
    const at = pos - this.windowStart;
    return this.window.subarray(at, at + n);
  }
}

type Step =
  | { kind: 'record'; zxid: bigint; txn: LoggedTxn; entry: Buffer; next: number }
  | { kind: 'end'; reason: TxnLogFileEndReason; detail: string };

export class TxnLogIterator implements IterableIterator<TxnLogRecord> {
  /** The files this iterator reads, oldest first. */
  readonly files: readonly LogFile[];
  /** How each file read so far ended. */
  readonly ends: TxnLogFileEnd[] = [];
  private readonly log: Logger;
  private readonly entryBytesMax: number;
  private readonly limits: { lengthMax: number };
  private readonly chunkBytes: number;
  private readonly fastForward: boolean;
  private readonly gen: Generator<TxnLogRecord, void, undefined>;
  private lastZxid: bigint | null = null;

  constructor(
    readonly dir: string,
    readonly fromZxid: bigint,
    options: TxnIteratorOptions = {},
  ) {
    this.log = options.logger ?? silentLogger;
    this.entryBytesMax = options.entryBytesMax ?? ENTRY_BYTES_MAX_DEFAULT;
    this.limits = { lengthMax: options.lengthMax ?? ENTRY_BYTES_MAX_DEFAULT };
    this.chunkBytes = options.chunkBytes ?? 1024 * 1024;
    this.fastForward = options.fastForward ?? true;
    this.files = filesFrom(listLogFiles(dir), fromZxid);
    this.gen = this.run();
  }

  next(): IteratorResult<TxnLogRecord> {
    return this.gen.next();
  }

  return(): IteratorResult<TxnLogRecord> {
    return this.gen.return(undefined);
  }

  [Symbol.iterator](): TxnLogIterator {
    return this;
  }

  /** Stops reading and closes the open file (also done by `break` in a for-of). */
  close(): void {
    this.gen.return(undefined);
  }

  private *run(): Generator<TxnLogRecord, void, undefined> {
    let skipping = this.fastForward;
    for (const f of this.files) {
      const fd = openSync(f.path, 'r');
      try {
        const cursor = new FileCursor(fd, this.chunkBytes);
        if (this.isHeaderlessTail(cursor, f.path, f === this.files[this.files.length - 1])) continue;
        this.checkHeader(cursor, f.path);
        let offset = FILE_HEADER_BYTES;
        let records = 0;
        for (;;) {
          const step = this.readRecord(cursor, f.path, offset);
          if (step.kind === 'end') {
            this.endFile(f.path, offset, step.reason, step.detail, records);
            break;
          }
          records++;
          this.lastZxid = step.zxid;
          const at = offset;
          offset = step.next;
          if (skipping && step.zxid < this.fromZxid) continue;
          skipping = false;
          yield { zxid: step.zxid, txn: step.txn, entry: step.entry, file: f.path, offset: at };
        }
      } finally {
        closeSync(fd);
      }
    }
  }

  /**
   * The newest log shorter than its header holds no txn: a crash between creating it and writing
   * its header (the reference itself refuses to start on it). Nothing in it was ever acknowledged,
   * so it reads as an empty tail, with a warning; anywhere else a short file is corruption.
   */
  private isHeaderlessTail(cursor: FileCursor, file: string, newest: boolean): boolean {
    const got = cursor.ensure(0, FILE_HEADER_BYTES);
    if (!newest || got >= FILE_HEADER_BYTES) return false;
    this.log.warn('the newest txn log has no complete header (a crash while creating it): read as empty', { file, bytes: got });
    this.endFile(file, 0, 'torn', `${got} bytes, shorter than the file header`, 0);
    return true;
  }

  private checkHeader(cursor: FileCursor, file: string): void {
    const got = cursor.ensure(0, FILE_HEADER_BYTES);
    if (got < FILE_HEADER_BYTES) {
      throw new TxnLogCorruptError(file, 0, 'short-header', `${got} bytes, the header needs ${FILE_HEADER_BYTES}`, null, this.lastZxid);
    }
    const magic = cursor.view(0, 4).readInt32BE(0);
    if (magic !== TXNLOG_MAGIC) {
      throw new TxnLogCorruptError(file, 0, 'bad-magic', `magic 0x${(magic >>> 0).toString(16)} is not ZKLG`, null, this.lastZxid);
    }
  }

  private readRecord(cursor: FileCursor, file: string, offset: number): Step {
    const got = cursor.ensure(offset, RECORD_PREFIX_BYTES);
    if (got === 0) return { kind: 'end', reason: 'eof', detail: 'end of file' };
    if (got < RECORD_PREFIX_BYTES) return { kind: 'end', reason: 'torn', detail: `the file ends ${got} bytes into a record prefix` };
    const prefix = cursor.view(offset, RECORD_PREFIX_BYTES);
    const crcHigh = prefix.readUInt32BE(0);
    const crcLow = prefix.readUInt32BE(4);
    const length = prefix.readInt32BE(8);
    if (length === 0) return { kind: 'end', reason: 'zero-length', detail: 'zero-length record (preallocated space)' };
    if (length < 0 || length > this.entryBytesMax) {
      throw new TxnLogCorruptError(file, offset, 'bad-length', `entry length ${length}`, null, this.lastZxid);
    }
    const recordBytes = length + RECORD_OVERHEAD_BYTES;
    const have = cursor.ensure(offset, recordBytes);
    if (have < recordBytes) {
      return { kind: 'end', reason: 'torn', detail: `the file ends inside a record of ${recordBytes} bytes (${have} present)` };
    }
    const eor = cursor.view(offset + recordBytes - 1, 1)[0];
    if (eor !== END_OF_RECORD) {
      return { kind: 'end', reason: 'torn', detail: `record of ${recordBytes} bytes has no end-of-record 'B' (0x${eor!.toString(16)})` };
    }
    const entry = Buffer.allocUnsafe(length);
    cursor.view(offset + RECORD_PREFIX_BYTES, length).copy(entry);
    const crc = adler32(entry);
    if (crcHigh !== 0 || crcLow !== crc) {
      const stored = (BigInt(crcHigh) << 32n) | BigInt(crcLow);
      throw new TxnLogCorruptError(
        file,
        offset,
        'crc-mismatch',
        `CRC check failed: stored 0x${stored.toString(16)}, computed 0x${crc.toString(16)}`,
        claimedZxid(entry),
        this.lastZxid,
      );
    }
    const decoded = decodeEntry(entry, this.limits);
    if (decoded.ok) return { kind: 'record', zxid: decoded.txn.header.zxid, txn: decoded.txn, entry, next: offset + recordBytes };
    if (decoded.endsEarly) return { kind: 'end', reason: 'short-entry', detail: `entry ends early: ${decoded.detail}` };
    throw new TxnLogCorruptError(file, offset, decoded.reason, decoded.detail, claimedZxid(entry), this.lastZxid);
  }

  private endFile(file: string, offset: number, reason: TxnLogFileEndReason, detail: string, records: number): void {
    const end: TxnLogFileEnd = { file, offset, reason, detail, records, lastZxid: this.lastZxid };
    this.ends.push(end);
    const fields = { file, offset, lastZxid: this.lastZxid, records, detail };
    if (reason === 'torn' || reason === 'short-entry') {
      this.log.warn('txn log file ends in an incomplete record: reading stops there as in the reference', fields);
    } else {
      this.log.debug('end of txn log file', { ...fields, reason });
    }
  }
}

/** Iterates the txns with zxid >= fromZxid in `dir` (the version-2 directory). */
export function openTxnIterator(dir: string, fromZxid: bigint, options?: TxnIteratorOptions): TxnLogIterator {
  return new TxnLogIterator(dir, fromZxid, options);
}
