// Int32-length framing used in both directions on the client port: `int length` + `length` bytes.
//
// Chunks arrive in arbitrary pieces. A frame that lies wholly inside one chunk is handed out as a
// view of that chunk (no copy); only a frame split across chunks is assembled into its own buffer,
// allocated once its length has been validated. A negative length or one above `jute.maxbuffer` is
// a protocol error for that connection: the reference closes the socket without a reply.

import { JUTE_MAXBUFFER_DEFAULT } from './jute/runtime';

export type FrameErrorCode = 'FRAME_LENGTH_NEGATIVE' | 'FRAME_LENGTH_ABOVE_MAX';

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    readonly length: number,
    readonly frameBytesMax: number,
  ) {
    super(
      code === 'FRAME_LENGTH_NEGATIVE'
        ? `frame length ${length} is negative`
        : `frame length ${length} is above jute.maxbuffer ${frameBytesMax}`,
    );
  }
}

export interface FrameDecoderOptions {
  /** Largest accepted frame body (jute.maxbuffer); default 1048575. */
  frameBytesMax?: number;
}

const LENGTH_BYTES = 4;

export class FrameDecoder {
  readonly frameBytesMax: number;
  private readonly lengthBytes = Buffer.alloc(LENGTH_BYTES);
  private lengthHave = 0;
  private partial: Buffer | null = null;
  private partialHave = 0;
  private failed: FrameError | null = null;

  constructor(options: FrameDecoderOptions = {}) {
    const max = options.frameBytesMax ?? JUTE_MAXBUFFER_DEFAULT;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fffffff) throw new RangeError(`frameBytesMax ${max} is not a valid length`);
    this.frameBytesMax = max;
  }

  /** Bytes received but not yet handed out as a complete frame. */
  get bufferedBytes(): number {
    return this.lengthHave + this.partialHave;
  }

  /** The error that stopped this decoder, if any: it stays failed and ignores later input. */
  get error(): FrameError | null {
    return this.failed;
  }

  /**
   * Feeds one chunk; calls `onFrame` for each complete frame body, in order. Returns the framing
   * error that stops the connection, or null. Frames before the bad length are still delivered.
   * A view handed to `onFrame` is valid as long as the caller keeps `chunk` unmodified.
   */
  feed(chunk: Buffer, onFrame: (frame: Buffer) => void): FrameError | null {
    if (this.failed !== null) return this.failed;
    let off = 0;
    while (off < chunk.length) {
      if (this.partial !== null) {
        off = this.fillPartial(chunk, off, onFrame);
        continue;
      }
      let length: number;
      if (this.lengthHave === 0 && chunk.length - off >= LENGTH_BYTES) {
        length = chunk.readInt32BE(off);
        off += LENGTH_BYTES;
      } else {
        const n = chunk.copy(this.lengthBytes, this.lengthHave, off, off + LENGTH_BYTES - this.lengthHave);
        this.lengthHave += n;
        off += n;
        if (this.lengthHave < LENGTH_BYTES) break;
        this.lengthHave = 0;
        length = this.lengthBytes.readInt32BE(0);
      }
      if (length < 0 || length > this.frameBytesMax) {
        this.failed = new FrameError(length < 0 ? 'FRAME_LENGTH_NEGATIVE' : 'FRAME_LENGTH_ABOVE_MAX', length, this.frameBytesMax);
        return this.failed;
      }
      if (chunk.length - off >= length) {
        onFrame(chunk.subarray(off, off + length));
        off += length;
      } else {
        this.partial = Buffer.allocUnsafe(length);
        this.partialHave = 0;
      }
    }
    return null;
  }

  private fillPartial(chunk: Buffer, off: number, onFrame: (frame: Buffer) => void): number {
    const frame = this.partial!;
    const n = chunk.copy(frame, this.partialHave, off, off + frame.length - this.partialHave);
    this.partialHave += n;
    if (this.partialHave === frame.length) {
      this.partial = null;
      this.partialHave = 0;
      onFrame(frame);
    }
    return off + n;
  }
}

/** Prefixes `body` with its int32 length (for tests and simple writers; the server coalesces). */
export function frame(body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(LENGTH_BYTES + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, LENGTH_BYTES);
  return out;
}
