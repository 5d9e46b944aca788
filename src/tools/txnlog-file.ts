// Reads ONE txn-log file record by record, the way the reference's TxnLogToolkit walks it, which
// is more forgiving than the server's iterator (../persistence/txn-log/reader.ts): a checksum
// mismatch is reported with the record instead of aborting, and the byte after each entry is
// handed back for the caller to judge. Framing constants and the checksum come from the txn-log
// module's format helpers.
//
// Per record: long checksum, int length, entry bytes, byte 'B'. The walk ends ('eof') where the
// file ends inside the checksum, the length or the entry (Java's EOFException there), or at a
// zero length (the preallocated zeros). A length of -1, below it or above the limit is an error
// (the reference throws), as is a file shorter than its 16-byte header.

import { closeSync, openSync } from 'node:fs';
import { FileCursor } from '../persistence/txn-log/reader';
import {
  adler32,
  END_OF_RECORD,
  ENTRY_BYTES_MAX_DEFAULT,
  FILE_HEADER_BYTES,
  RECORD_PREFIX_BYTES,
} from '../persistence/txn-log/format';

export interface TxnLogFileHeader {
  magic: number;
  version: number;
  dbid: bigint;
}

export interface TxnLogFileRecord {
  kind: 'record';
  /** Offset of the record (its checksum) in the file. */
  offset: number;
  /** The stored checksum, all 64 bits. */
  storedCrc: bigint;
  /** Adler-32 of the entry. */
  crc: number;
  crcOk: boolean;
  /** TxnHeader + body + optional digest (a copy). */
  entry: Buffer;
  /** What follows the entry: the end-of-record 'B', another byte, or the end of the file. */
  trailer: 'B' | 'bad' | 'eof';
}

export interface TxnLogFileEnd {
  kind: 'end';
  offset: number;
  reason: 'eof' | 'zero-length';
}

export class TxnLogFileError extends Error {
  override readonly name = 'TxnLogFileError';
  constructor(
    readonly code: 'short-header' | 'bad-length',
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export interface TxnLogFileReaderOptions {
  /** Longest entry accepted. Default 2 * jute.maxbuffer, as the reference. */
  entryBytesMax?: number;
  /** Read size. Default 1 MiB. */
  chunkBytes?: number;
}

/** Synchronous reads of one file through a reusable window. */
export class TxnLogFileReader {
  private readonly cursor: FileCursor;
  private readonly entryBytesMax: number;

  private constructor(
    readonly file: string,
    private readonly fd: number,
    opts: TxnLogFileReaderOptions,
  ) {
    this.cursor = new FileCursor(fd, opts.chunkBytes ?? 1024 * 1024);
    this.entryBytesMax = opts.entryBytesMax ?? ENTRY_BYTES_MAX_DEFAULT;
  }

  static open(file: string, opts: TxnLogFileReaderOptions = {}): TxnLogFileReader {
    return new TxnLogFileReader(file, openSync(file, 'r'), opts);
  }

  close(): void {
    closeSync(this.fd);
  }

  /** Makes [pos, pos + n) readable as far as the file reaches; returns a view of what exists. */
  private bytes(pos: number, n: number): Buffer {
    return this.cursor.view(pos, this.cursor.ensure(pos, n));
  }

  /** The FileHeader; the magic (TXNLOG_MAGIC) is for the caller to check. */
  header(): TxnLogFileHeader {
    const b = this.bytes(0, FILE_HEADER_BYTES);
    if (b.length < FILE_HEADER_BYTES) {
      throw new TxnLogFileError('short-header', 0, `the file has ${b.length} bytes, its header needs ${FILE_HEADER_BYTES}`);
    }
    return { magic: b.readInt32BE(0), version: b.readInt32BE(4), dbid: b.readBigInt64BE(8) };
  }

  /** The records after the header, then one 'end'. */
  *records(): Generator<TxnLogFileRecord | TxnLogFileEnd, void, undefined> {
    let offset = FILE_HEADER_BYTES;
    for (;;) {
      const prefix = this.bytes(offset, RECORD_PREFIX_BYTES);
      if (prefix.length < RECORD_PREFIX_BYTES) return yield { kind: 'end', offset, reason: 'eof' };
      const storedCrc = prefix.readBigInt64BE(0);
      const length = prefix.readInt32BE(8);
      if (length < 0 || length > this.entryBytesMax) {
        throw new TxnLogFileError('bad-length', offset, `record at offset ${offset}: unreasonable entry length ${length}`);
      }
      const view = this.bytes(offset + RECORD_PREFIX_BYTES, length);
      if (view.length < length) return yield { kind: 'end', offset, reason: 'eof' };
      if (length === 0) return yield { kind: 'end', offset, reason: 'zero-length' };
      const entry = Buffer.from(view);
      const crc = adler32(entry);
      const eor = this.bytes(offset + RECORD_PREFIX_BYTES + length, 1);
      const trailer = eor.length === 0 ? 'eof' : eor[0] === END_OF_RECORD ? 'B' : 'bad';
      yield { kind: 'record', offset, storedCrc, crc, crcOk: storedCrc === BigInt(crc), entry, trailer };
      if (trailer !== 'B') return;
      offset += RECORD_PREFIX_BYTES + length + 1;
    }
  }
}
