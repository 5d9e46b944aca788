// The stream framing of snappy-java's SnappyOutputStream / SnappyInputStream, which the
// reference uses for `.snappy` snapshots (it is not the "framing format" of the snappy project):
//
//   header: 8 magic bytes 82 'S' 'N' 'A' 'P' 'P' 'Y' 00, int32 version (1), int32 compatible (1)
//   blocks: int32 compressed length, then one raw snappy block; the writer compresses every
//           32 KiB of input (the last block may be shorter)
//
// All ints are big-endian. SnappyInputStream also accepts a second header where a block length
// would be (concatenated streams) and treats fewer than 4 bytes left as the end.

import * as snappy from 'snappy';
import { XERIAL_SNAPPY_MAGIC } from '../files';

export const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** SnappyOutputStream's default block size. */
export const XERIAL_BLOCK_BYTES = 32 * 1024;
const MAGIC_HEAD = XERIAL_SNAPPY_MAGIC.readInt32BE(0);

export function xerialHeader(): Buffer {
  const h = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_SNAPPY_MAGIC.copy(h, 0);
  h.writeInt32BE(XERIAL_VERSION, 8);
  h.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  return h;
}

/** Collects input into 32 KiB blocks; push() returns the framed output ready to write. */
export class XerialSnappyEncoder {
  private readonly block = Buffer.allocUnsafe(XERIAL_BLOCK_BYTES);
  private filled = 0;
  private headerWritten = false;

  push(input: Buffer): Buffer[] {
    const out: Buffer[] = [];
    this.startIfNeeded(out);
    let at = 0;
    while (at < input.length) {
      // Whole blocks straight from the input, without going through the block buffer.
      if (this.filled === 0 && input.length - at >= XERIAL_BLOCK_BYTES) {
        this.emit(input.subarray(at, at + XERIAL_BLOCK_BYTES), out);
        at += XERIAL_BLOCK_BYTES;
        continue;
      }
      const n = input.copy(this.block, this.filled, at, Math.min(input.length, at + XERIAL_BLOCK_BYTES - this.filled));
      this.filled += n;
      at += n;
      if (this.filled === XERIAL_BLOCK_BYTES) {
        this.emit(this.block, out);
        this.filled = 0;
      }
    }
    return out;
  }

  /** The last (partial) block. */
  end(): Buffer[] {
    const out: Buffer[] = [];
    this.startIfNeeded(out);
    if (this.filled > 0) this.emit(this.block.subarray(0, this.filled), out);
    this.filled = 0;
    return out;
  }

  private startIfNeeded(out: Buffer[]): void {
    if (this.headerWritten) return;
    out.push(xerialHeader());
    this.headerWritten = true;
  }

  private emit(raw: Buffer, out: Buffer[]): void {
    const compressed = snappy.compressSync(raw);
    const len = Buffer.allocUnsafe(4);
    len.writeInt32BE(compressed.length, 0);
    out.push(len, compressed);
  }
}

export class XerialSnappyError extends Error {
  override readonly name = 'XerialSnappyError';
  constructor(
    message: string,
    /** Offset in the compressed stream. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Push decoder: feed compressed bytes, get uncompressed blocks back. */
export class XerialSnappyDecoder {
  private pending: Buffer = Buffer.alloc(0);
  /** Compressed bytes consumed before `pending`. */
  private consumed = 0;
  private headerSeen = false;

  constructor(private readonly blockBytesMax = 64 * 1024 * 1024) {}

  push(input: Buffer): Buffer[] {
    const buf = this.pending.length === 0 ? input : Buffer.concat([this.pending, input]);
    const out: Buffer[] = [];
    let at = 0;
    for (;;) {
      if (!this.headerSeen) {
        if (buf.length - at < XERIAL_HEADER_BYTES) break;
        this.checkHeader(buf, at);
        at += XERIAL_HEADER_BYTES;
        this.headerSeen = true;
        continue;
      }
      if (buf.length - at < 4) break;
      const len = buf.readInt32BE(at);
      if (len === MAGIC_HEAD) {
        // A concatenated stream: another header instead of a block length.
        if (buf.length - at < XERIAL_HEADER_BYTES) break;
        this.checkHeader(buf, at);
        at += XERIAL_HEADER_BYTES;
        continue;
      }
      if (len < 0 || len > this.blockBytesMax) throw new XerialSnappyError(`invalid snappy block length ${len}`, this.consumed + at);
      if (buf.length - at - 4 < len) break;
      const block = buf.subarray(at + 4, at + 4 + len);
      try {
        out.push(snappy.uncompressSync(block, { asBuffer: true }) as Buffer);
      } catch (e) {
        throw new XerialSnappyError(`snappy block of ${len} bytes does not decompress: ${(e as Error).message}`, this.consumed + at);
      }
      at += 4 + len;
    }
    this.consumed += at;
    this.pending = at === buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(at));
    return out;
  }

  /** At the end of the input: a missing header or a cut block is an error; 1-3 stray bytes are not (as snappy-java). */
  end(): void {
    if (!this.headerSeen) throw new XerialSnappyError('no snappy-java stream header', this.consumed);
    if (this.pending.length >= 4) throw new XerialSnappyError(`the stream ends inside a snappy block (${this.pending.length} bytes left)`, this.consumed);
  }

  private checkHeader(buf: Buffer, at: number): void {
    if (!buf.subarray(at, at + XERIAL_SNAPPY_MAGIC.length).equals(XERIAL_SNAPPY_MAGIC)) {
      throw new XerialSnappyError('not a snappy-java stream (bad magic)', this.consumed + at);
    }
    const compatible = buf.readInt32BE(at + 12);
    if (compatible > XERIAL_VERSION) {
      throw new XerialSnappyError(`snappy-java stream needs version ${compatible}, we read version ${XERIAL_VERSION}`, this.consumed + at);
    }
  }
}
