// Hand-written encoders for the hottest reply bytes (issue 7). The generated codecs stay the
// definition of the wire format and the public API; every function here writes exactly the bytes
// the generated encoder writes for the same value (test/protocol/fast-encode.test.ts checks that
// over random and edge inputs). They exist because the generic path costs a SmartBuffer call per
// field and a standard-UTF-8 detour per string, which dominated getChildren(100) and fan-out.
// The same goes for the one request shape every read uses ({path, watch}): decoded in place.

import { javaUtf8Decode } from './jute/java-utf8';
import { JUTE_MAXBUFFER_DEFAULT, JuteDecodeError, type JuteErrorCode } from './jute/runtime';

/** Notification frames: xid -1 and, as 3.8's ServerCnxn.process, zxid -1 and err 0. */
const NOTIFICATION_XID = -1;
const REPLY_HEADER_BYTES = 16;

/** Writes `s` at `at` one UTF-16 code unit at a time, as the reference's BinaryOutputArchive
 * (surrogates become 3 bytes each: CESU-8). `out` needs 3 * s.length bytes of room. Returns the end. */
export function putJavaString(out: Buffer, at: number, s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[at++] = c;
    } else if (c < 0x800) {
      out[at++] = 0xc0 | (c >> 6);
      out[at++] = 0x80 | (c & 0x3f);
    } else {
      out[at++] = 0xe0 | (c >> 12);
      out[at++] = 0x80 | ((c >> 6) & 0x3f);
      out[at++] = 0x80 | (c & 0x3f);
    }
  }
  return at;
}

/** Writes a `ustring` (int32 byte length, then the bytes) at `at`; needs 4 + 3 * s.length bytes. Returns the end. */
export function putUstring(out: Buffer, at: number, s: string): number {
  const end = putJavaString(out, at + 4, s);
  out.writeInt32BE(end - at - 4, at);
  return end;
}

/**
 * `vector<ustring>` of `count` strings (a GetChildrenResponse body is exactly this). `own`: the
 * result gets its own memory (for buffers kept long, e.g. a node's cached child list), else it
 * may share Node's pool.
 */
export function encodeUstringVector(items: Iterable<string>, count: number, own = false): Buffer {
  let room = 4;
  for (const s of items) room += 4 + 3 * s.length;
  const tmp = Buffer.allocUnsafe(room);
  tmp.writeInt32BE(count, 0);
  let at = 4;
  let n = 0;
  for (const s of items) {
    at = putUstring(tmp, at, s);
    n++;
  }
  if (n !== count) throw new RangeError(`vector: ${n} items, ${count} announced`);
  if (!own) return at === room ? tmp : tmp.subarray(0, at);
  const exact = Buffer.allocUnsafeSlow(at);
  tmp.copy(exact, 0, 0, at);
  return exact;
}

/**
 * A whole watch-notification frame: int32 length, ReplyHeader(-1, -1, 0), WatcherEvent(type,
 * state, path). One frame serves every connection a trigger notifies: it is never written to after.
 */
export function encodeNotificationFrame(type: number, state: number, path: string): Buffer {
  const tmp = Buffer.allocUnsafe(4 + REPLY_HEADER_BYTES + 12 + 3 * path.length);
  tmp.writeInt32BE(NOTIFICATION_XID, 4);
  tmp.writeInt32BE(-1, 8);
  tmp.writeInt32BE(-1, 12);
  tmp.writeInt32BE(0, 16);
  tmp.writeInt32BE(type, 20);
  tmp.writeInt32BE(state, 24);
  const end = putUstring(tmp, 28, path);
  tmp.writeInt32BE(end - 4, 0);
  return tmp.subarray(0, end);
}

/** The stored form of node data the tree hands out: null, a latin1 string (one char per byte) or bytes. */
export type RawData = string | Buffer | null;

interface Latin1Writer {
  latin1Write(s: string, offset: number, length: number): number;
}

/** Bytes `putBuffer` writes for `data`. */
export function bufferBytes(data: RawData): number {
  return 4 + (data === null ? 0 : data.length);
}

/** A jute `buffer` (int32 length or -1 for null, then the bytes) at `at`. Returns the end. */
export function putBuffer(out: Buffer, at: number, data: RawData): number {
  if (data === null) {
    out.writeInt32BE(-1, at);
    return at + 4;
  }
  out.writeInt32BE(data.length, at);
  at += 4;
  if (typeof data === 'string') {
    // Straight from the latin1 string into the reply: no intermediate Buffer per read.
    if (data.length > 0) (out as unknown as Latin1Writer).latin1Write(data, at, data.length);
  } else {
    data.copy(out, at);
  }
  return at + data.length;
}

// ---- decoding the hottest requests ----

interface Utf8Slicer {
  utf8Slice(start: number, end: number): string;
}

/** A `ustring`'s bytes at [at, at + len) as the generated decoder reads them (runtime's toUstring). */
export function readUstringBytes(b: Buffer, at: number, len: number): string {
  const s = (b as unknown as Utf8Slicer).utf8Slice(at, at + len);
  // Malformed UTF-8 (e.g. CESU-8 surrogates from Java clients) is replaced as Java's decoder does.
  return s.includes('\ufffd') ? javaUtf8Decode(b.subarray(at, at + len)) : s;
}

/** The body of GetDataRequest, ExistsRequest, GetChildrenRequest and GetChildren2Request. */
export interface PathWatchRequest {
  path: string | null;
  watch: boolean;
}

/**
 * A cursor over one record's bytes with the generated decoders' checks and failures: a read past
 * the end is JUTE_TRUNCATED, lengths and counts are guarded as runtime.ts guards them (negative,
 * above jute.maxbuffer, beyond the input), in that order. Buffers are views of the input.
 */
export class JuteReader {
  at = 0;
  constructor(
    readonly b: Buffer,
    readonly record: string,
    readonly lengthMax = JUTE_MAXBUFFER_DEFAULT,
  ) {}

  fail(code: JuteErrorCode, message: string, offset: number): never {
    throw new JuteDecodeError(code, `${this.record}: ${message}`, offset, this.record);
  }

  private need(n: number): void {
    if (this.at + n > this.b.length) this.fail('JUTE_TRUNCATED', `input ends inside the record (${this.b.length} bytes)`, this.b.length);
  }

  int(): number {
    this.need(4);
    const v = this.b.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  bool(): boolean {
    this.need(1);
    return this.b[this.at++] !== 0;
  }

  /** A length for a buffer or ustring; -1 (null) reads as -1. */
  private length(): number {
    const len = this.int();
    if (len === -1) return -1;
    if (len < -1) this.fail('JUTE_LENGTH_NEGATIVE', `negative length ${len}`, this.at - 4);
    if (len > this.lengthMax) this.fail('JUTE_LENGTH_ABOVE_MAX', `length ${len} is above jute.maxbuffer ${this.lengthMax}`, this.at - 4);
    if (len > this.b.length - this.at) this.fail('JUTE_LENGTH_BEYOND_INPUT', `length ${len} is beyond the ${this.b.length - this.at} bytes left`, this.at - 4);
    return len;
  }

  ustring(): string | null {
    const len = this.length();
    if (len === -1) return null;
    const s = readUstringBytes(this.b, this.at, len);
    this.at += len;
    return s;
  }

  buffer(): Buffer | null {
    const len = this.length();
    if (len === -1) return null;
    const v = this.b.subarray(this.at, this.at + len);
    this.at += len;
    return v;
  }

  /** A vector's element count (-1 for a null vector); each element needs at least `elementBytesMin`. */
  count(elementBytesMin: number): number {
    const n = this.int();
    if (n === -1) return -1;
    if (n < -1) this.fail('JUTE_LENGTH_NEGATIVE', `negative vector count ${n}`, this.at - 4);
    if (n > this.lengthMax) this.fail('JUTE_LENGTH_ABOVE_MAX', `vector count ${n} is above jute.maxbuffer ${this.lengthMax}`, this.at - 4);
    if (n * elementBytesMin > this.b.length - this.at) {
      this.fail('JUTE_LENGTH_BEYOND_INPUT', `vector of ${n} elements needs at least ${n * elementBytesMin} bytes, ${this.b.length - this.at} left`, this.at - 4);
    }
    return n;
  }
}

/**
 * Decodes `{ ustring path; boolean watch }` exactly as the generated decoders of those four
 * records do, failures included (same JuteDecodeError codes); trailing bytes are ignored as there.
 */
export function decodePathWatch(b: Buffer, record: string, lengthMax = JUTE_MAXBUFFER_DEFAULT): PathWatchRequest {
  const r = new JuteReader(b, record, lengthMax);
  const path = r.ustring();
  return { path, watch: r.bool() };
}

// ---- write replies whose stat the tree hands over as encoded bytes ----

/** Encoded Stat bytes (68). */
const STAT_BYTES = 68;

function checkStat(stat: Buffer): Buffer {
  if (stat.length !== STAT_BYTES) throw new RangeError(`an encoded Stat has ${STAT_BYTES} bytes, not ${stat.length}`);
  return stat;
}

/** CreateResponse (`stat` null) or Create2Response: the path, then the stat bytes. */
export function encodePathReply(path: string | null, stat: Buffer | null): Buffer {
  const out = Buffer.allocUnsafe(4 + (path === null ? 0 : 3 * path.length) + (stat === null ? 0 : STAT_BYTES));
  let at = 4;
  if (path === null) out.writeInt32BE(-1, 0);
  else at = putUstring(out, 0, path);
  if (stat !== null) at += checkStat(stat).copy(out, at);
  return out.subarray(0, at);
}

/** One MultiResponse item: the header's type and err, and what its body needs. */
export interface MultiReplyItem {
  type: number;
  err: number;
  /** create (1) and create2 (15). */
  path?: string | null;
  /** create2 (15) and setData (5): an encoded Stat. */
  stat?: Buffer | null;
}

const MULTI_HEADER_BYTES = 9;

/**
 * MultiResponse for a write multi: each item's MultiHeader {type, done false, err} and its body
 * (create: path; create2: path + stat; setData: stat; error: err; delete and check: none), then
 * the end header {-1, true, -1}. Types without a body definition throw, as the generated encoder.
 */
export function encodeMultiResponse(items: readonly MultiReplyItem[]): Buffer {
  let room = MULTI_HEADER_BYTES;
  for (const it of items) room += MULTI_HEADER_BYTES + 8 + STAT_BYTES + (typeof it.path === 'string' ? 3 * it.path.length : 0);
  const out = Buffer.allocUnsafe(room);
  let at = 0;
  for (const it of items) {
    at = putMultiHeader(out, at, it.type, false, it.err);
    switch (it.type) {
      case 1:
      case 15:
        if (it.path === undefined) throw new RangeError(`MultiResponse: header type ${it.type} needs a body`);
        if (it.path === null) {
          out.writeInt32BE(-1, at);
          at += 4;
        } else {
          at = putUstring(out, at, it.path);
        }
        if (it.type === 15) at += checkStat(needStat(it)).copy(out, at);
        break;
      case 5:
        at += checkStat(needStat(it)).copy(out, at);
        break;
      case 2:
      case 13:
        break;
      case -1:
        out.writeInt32BE(it.err, at);
        at += 4;
        break;
      default:
        throw new RangeError(`MultiResponse: no body is defined for header type ${it.type}`);
    }
  }
  at = putMultiHeader(out, at, -1, true, -1);
  return out.subarray(0, at);
}

function needStat(it: MultiReplyItem): Buffer {
  if (it.stat === undefined || it.stat === null) throw new RangeError(`MultiResponse: header type ${it.type} needs a body`);
  return it.stat;
}

function putMultiHeader(out: Buffer, at: number, type: number, done: boolean, err: number): number {
  out.writeInt32BE(type, at);
  out[at + 4] = done ? 1 : 0;
  out.writeInt32BE(err, at + 5);
  return at + MULTI_HEADER_BYTES;
}
