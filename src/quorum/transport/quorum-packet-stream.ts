// The quorum port's byte stream: QuorumPackets written back to back with no length prefix
// (BinaryOutputArchive over a buffered socket stream), except that a SNAP packet is followed by a
// raw snapshot stream that only its own parser knows the end of.
//
// Decoding is incremental and accepts any chunking. A packet wholly inside one chunk is decoded
// from that chunk (its `data` is a view of it); a packet that straddles chunks waits until the
// bytes it needs have arrived and is then joined once. The header's data length is read as soon as
// its 16 bytes are in, so a large PROPOSAL split over many chunks is copied once, not per chunk.
//
// The SNAP stream: the reference finds its end by parsing it (ZKDatabase.deserializeSnapshot, then
// readString "BenWasHere"); there is no length anywhere. Buffering until the bytes "BenWasHere" show
// up would be wrong (node data may contain them) and would hold a whole snapshot in memory. So the
// packet callback may return a RawStreamConsumer (SnapStreamReader is one): every following byte
// goes to it until it reports completion, returning the bytes it did not use; those are fed back
// into the packet decoder. The consumer therefore parses as the bytes arrive and keeps only what
// its current record needs.

import type { Id, QuorumPacket } from '../../protocol/generated';
import { QuorumPacket as QuorumPacketCodec } from '../../protocol/generated';
import { javaUtf8Decode } from '../../protocol/jute/java-utf8';
import { JUTE_MAXBUFFER_DEFAULT } from '../../protocol/jute/runtime';

/** What the reader accepts for one length (BinaryInputArchive.checkLength: maxbuffer + extrasize). */
export const QUORUM_LENGTH_MAX_DEFAULT = JUTE_MAXBUFFER_DEFAULT + 1024;

const HEAD_BYTES = 16; // int type, long zxid, int data length

export type QuorumStreamErrorCode = 'QUORUM_LENGTH_NEGATIVE' | 'QUORUM_LENGTH_ABOVE_MAX' | 'QUORUM_RAW_STREAM_FAILED';

export class QuorumStreamError extends Error {
  override readonly name = 'QuorumStreamError';
  constructor(
    readonly code: QuorumStreamErrorCode,
    message: string,
    /** Byte offset in the stream where the bad field starts. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Takes the raw bytes after a packet (a SNAP stream). push() returns null while it wants more, else the unused rest. */
export interface RawStreamConsumer {
  push(chunk: Buffer): Buffer | null;
}

export interface QuorumPacketDecoderOptions {
  /** Largest `data` buffer, Id string or authinfo count accepted; default jute.maxbuffer + 1024. */
  lengthMax?: number;
}

/** Returned by the packet callback to divert the following bytes to a raw consumer. */
export type PacketHandlerResult = RawStreamConsumer | void | undefined;

type Parsed = { packet: QuorumPacket; end: number } | { need: number } | QuorumStreamError;

export class QuorumPacketDecoder {
  readonly lengthMax: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes the partial packet in `pending` needs before another parse attempt can succeed. */
  private need = 0;
  private raw: RawStreamConsumer | null = null;
  private failed: QuorumStreamError | null = null;
  /** Stream offset of the first byte in `pending` (or of the next chunk when none is pending). */
  private streamOffset = 0;

  constructor(options: QuorumPacketDecoderOptions = {}) {
    const max = options.lengthMax ?? QUORUM_LENGTH_MAX_DEFAULT;
    if (!Number.isInteger(max) || max < 0 || max > 0x7fffffff) throw new RangeError(`lengthMax ${max} is not a valid length`);
    this.lengthMax = max;
  }

  /** Bytes held for an incomplete packet. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** True while bytes are being handed to a raw consumer. */
  get inRawStream(): boolean {
    return this.raw !== null;
  }

  get error(): QuorumStreamError | null {
    return this.failed;
  }

  /**
   * Feeds one chunk. `onPacket` is called for each complete packet in order; returning a consumer
   * from it diverts the bytes right after that packet to the consumer. `onRawEnd` is called when a
   * consumer completes. Returns the error that stops this connection, or null. A thrown consumer
   * error is reported as QUORUM_RAW_STREAM_FAILED with the original as `cause`.
   */
  feed(chunk: Buffer, onPacket: (p: QuorumPacket) => PacketHandlerResult, onRawEnd?: () => void): QuorumStreamError | null {
    if (this.failed !== null) return this.failed;
    let buf = chunk;
    if (this.raw !== null) {
      const rest = this.pushRaw(buf, onRawEnd);
      if (rest === null) return this.failed;
      buf = rest;
    }
    if (this.pendingBytes > 0) {
      this.pending.push(buf);
      this.pendingBytes += buf.length;
      if (this.pendingBytes < this.need) return null;
      buf = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    let off = 0;
    while (off < buf.length) {
      const r = this.parse(buf, off);
      if (r instanceof QuorumStreamError) {
        this.failed = r;
        return r;
      }
      if ('need' in r) {
        const rest = buf.subarray(off);
        this.pending = [rest];
        this.pendingBytes = rest.length;
        this.need = r.need;
        return null;
      }
      this.streamOffset += r.end - off;
      off = r.end;
      const consumer = onPacket(r.packet);
      if (consumer) {
        this.raw = consumer;
        const rest = this.pushRaw(buf.subarray(off), onRawEnd);
        if (rest === null) return this.failed;
        buf = rest;
        off = 0;
      }
    }
    return null;
  }

  private pushRaw(bytes: Buffer, onRawEnd: (() => void) | undefined): Buffer | null {
    let rest: Buffer | null;
    try {
      rest = this.raw!.push(bytes);
    } catch (e) {
      this.raw = null;
      this.failed = new QuorumStreamError('QUORUM_RAW_STREAM_FAILED', `raw stream after a packet: ${(e as Error).message}`, this.streamOffset);
      (this.failed as { cause?: unknown }).cause = e;
      return null;
    }
    if (rest === null) {
      this.streamOffset += bytes.length;
      return null;
    }
    this.streamOffset += bytes.length - rest.length;
    this.raw = null;
    onRawEnd?.();
    return rest;
  }

  /** One packet from buf[off..], or how many bytes from `off` it needs at least. */
  private parse(buf: Buffer, off: number): Parsed {
    // Stream offset of buf[0], for error messages.
    const base = this.streamOffset - off;
    if (buf.length - off < HEAD_BYTES) return { need: HEAD_BYTES };
    const type = buf.readInt32BE(off);
    const zxid = buf.readBigInt64BE(off + 4);
    const dataLen = buf.readInt32BE(off + 12);
    const bad = this.checkLength(dataLen, base + off + 12, 'data');
    if (bad) return bad;
    let at = off + HEAD_BYTES;
    const dataBytes = dataLen === -1 ? 0 : dataLen;
    if (buf.length - at < dataBytes + 4) return { need: HEAD_BYTES + dataBytes + 4 };
    const data = dataLen === -1 ? null : buf.subarray(at, at + dataBytes);
    at += dataBytes;
    const count = buf.readInt32BE(at);
    const badCount = this.checkLength(count, base + at, 'authinfo count');
    if (badCount) return badCount;
    at += 4;
    let authinfo: Id[] | null = null;
    if (count !== -1) {
      authinfo = [];
      for (let i = 0; i < count; i++) {
        const scheme = this.ustring(buf, at, base, 'authinfo scheme');
        if (typeof scheme === 'number') return { need: scheme - off };
        if (scheme instanceof QuorumStreamError) return scheme;
        const id = this.ustring(buf, scheme.end, base, 'authinfo id');
        if (typeof id === 'number') return { need: id - off };
        if (id instanceof QuorumStreamError) return id;
        at = id.end;
        authinfo.push({ scheme: scheme.value, id: id.value });
      }
    }
    return { packet: { type, zxid, data, authinfo }, end: at };
  }

  /** A ustring at buf[at..]: its value and end, the buf index it needs to reach, or an error. */
  private ustring(buf: Buffer, at: number, base: number, what: string): { value: string | null; end: number } | number | QuorumStreamError {
    if (buf.length - at < 4) return at + 4;
    const len = buf.readInt32BE(at);
    const bad = this.checkLength(len, base + at, what);
    if (bad) return bad;
    if (len === -1) return { value: null, end: at + 4 };
    if (buf.length - at - 4 < len) return at + 4 + len;
    const bytes = buf.subarray(at + 4, at + 4 + len);
    const s = bytes.toString('utf8');
    return { value: s.includes('\ufffd') ? javaUtf8Decode(bytes) : s, end: at + 4 + len };
  }

  private checkLength(len: number, streamAt: number, what: string): QuorumStreamError | null {
    if (len < -1) return new QuorumStreamError('QUORUM_LENGTH_NEGATIVE', `quorum packet ${what} length ${len} is negative`, streamAt);
    if (len > this.lengthMax) {
      return new QuorumStreamError('QUORUM_LENGTH_ABOVE_MAX', `quorum packet ${what} length ${len} is above the limit ${this.lengthMax}`, streamAt);
    }
    return null;
  }
}

/** The bytes of one packet as the reference writes it. */
export function encodeQuorumPacket(p: QuorumPacket): Buffer {
  return QuorumPacketCodec.encode(p);
}

/** Several packets back to back (tests, small writes; the transport coalesces its own). */
export function encodeQuorumPackets(packets: readonly QuorumPacket[]): Buffer {
  return Buffer.concat(packets.map(encodeQuorumPacket));
}
