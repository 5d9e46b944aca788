// Runtime support for the generated Jute codecs (src/protocol/generated).
//
// Decoding runs on binary-parser. Its compiled code reads lengths and then takes `subarray` views,
// which never allocate but also never check bounds, so every length-prefixed field goes through a
// guard here first: a length is checked against `lengthMax` (jute.maxbuffer) and against the bytes
// left in the input before any view, string or array is made. Parsing is synchronous and never
// re-entered, so the bounds of the current input live in one module-level slot for its duration.
//
// Encoding runs on smart-buffer. Strings are written the way the reference's Java writer does it:
// one UTF-16 code unit at a time, so supplementary characters become two 3-byte sequences.

import { Parser } from 'binary-parser';
import { SmartBuffer } from 'smart-buffer';
import { javaUtf8Decode } from './java-utf8';

/** Default `jute.maxbuffer`: the largest frame and the largest single length the reference accepts. */
export const JUTE_MAXBUFFER_DEFAULT = 0xfffff;

export type JuteErrorCode =
  | 'JUTE_LENGTH_NEGATIVE'
  | 'JUTE_LENGTH_ABOVE_MAX'
  | 'JUTE_LENGTH_BEYOND_INPUT'
  | 'JUTE_TRUNCATED'
  | 'JUTE_UNKNOWN_TAG'
  | 'JUTE_MALFORMED';

/** A decode failure: bad input, never a programming error. Carries the record and byte offset. */
export class JuteDecodeError extends Error {
  override readonly name = 'JuteDecodeError';
  constructor(
    readonly code: JuteErrorCode,
    message: string,
    readonly offset: number,
    public record = '',
  ) {
    super(message);
  }
}

export interface DecodeLimits {
  /** Largest length a buffer, string or vector may declare (jute.maxbuffer). */
  lengthMax?: number;
}

export interface Decoded<T> {
  value: T;
  /** Bytes consumed from the start of the input. */
  bytesRead: number;
}

export interface JuteCodec<T> {
  readonly name: string;
  /** Decodes one record from the start of `input`. Buffers in the result are views of `input`. */
  decode(input: Buffer, limits?: DecodeLimits): T;
  decodeWithLength(input: Buffer, limits?: DecodeLimits): Decoded<T>;
  encode(value: T): Buffer;
  write(out: SmartBuffer, value: T): void;
}

// Bounds of the input being parsed right now (see the header comment).
const current = { end: 0, lengthMax: JUTE_MAXBUFFER_DEFAULT };

/** Guard for a buffer/ustring length read at offset `at` (just after the 4 length bytes). */
export function byteLength(len: number, at: number): number {
  if (len === -1) return 0;
  if (len < -1) throw new JuteDecodeError('JUTE_LENGTH_NEGATIVE', `negative length ${len}`, at - 4);
  if (len > current.lengthMax) {
    throw new JuteDecodeError('JUTE_LENGTH_ABOVE_MAX', `length ${len} is above jute.maxbuffer ${current.lengthMax}`, at - 4);
  }
  if (len > current.end - at) {
    throw new JuteDecodeError('JUTE_LENGTH_BEYOND_INPUT', `length ${len} is beyond the ${current.end - at} bytes left`, at - 4);
  }
  return len;
}

/** Guard for a vector count: each element takes at least `elementBytesMin` bytes. */
export function vectorCount(count: number, at: number, elementBytesMin: number): number {
  if (count === -1) return 0;
  if (count < -1) throw new JuteDecodeError('JUTE_LENGTH_NEGATIVE', `negative vector count ${count}`, at - 4);
  if (count > current.lengthMax) {
    throw new JuteDecodeError('JUTE_LENGTH_ABOVE_MAX', `vector count ${count} is above jute.maxbuffer ${current.lengthMax}`, at - 4);
  }
  if (count * elementBytesMin > current.end - at) {
    throw new JuteDecodeError(
      'JUTE_LENGTH_BEYOND_INPUT',
      `vector of ${count} elements needs at least ${count * elementBytesMin} bytes, ${current.end - at} left`,
      at - 4,
    );
  }
  return count;
}

/** True when at least one more byte follows `at` (for optional trailing fields). */
export function hasMore(at: number): boolean {
  return at < current.end;
}

export function unknownTag(type: number, at: number): never {
  throw new JuteDecodeError('JUTE_UNKNOWN_TAG', `unknown header type ${type}`, at);
}

// Shapes produced by the shared sub-parsers below, turned into field values by the formatters.
interface LengthPrefixed {
  len: number;
  at: number;
  data: Buffer;
}
interface CountPrefixed<E> {
  count: number;
  at: number;
  items: E[];
}

function lengthOfThis(this: LengthPrefixed): number {
  return byteLength(this.len, this.at);
}

/** int32 length + bytes, as used by `buffer` and `ustring`. */
export const lengthPrefixedParser = new Parser()
  .int32be('len')
  .saveOffset('at')
  .buffer('data', { length: lengthOfThis });

export function toBuffer(v: LengthPrefixed): Buffer | null {
  return v.len === -1 ? null : v.data;
}

export function toUstring(v: LengthPrefixed): string | null {
  if (v.len === -1) return null;
  const s = v.data.toString('utf8');
  // Valid UTF-8 decodes the same in Node and in the reference's reader. Malformed input (notably
  // the CESU-8 surrogates Java clients write for supplementary characters) is replaced differently:
  // one U+FFFD per malformed sequence in Java, one per byte in Node. Decode those as Java does.
  return s.includes('\ufffd') ? javaUtf8Decode(v.data) : s;
}

export function toBoolean(v: number): boolean {
  return v !== 0;
}

export function vectorParser(element: Parser | string, elementBytesMin: number): Parser {
  return new Parser()
    .int32be('count')
    .saveOffset('at')
    .array('items', {
      type: element,
      length: function (this: CountPrefixed<unknown>) {
        return vectorCount(this.count, this.at, elementBytesMin);
      },
    });
}

export function toVector<E>(v: CountPrefixed<E>): E[] | null {
  return v.count === -1 ? null : v.items;
}

export function toUstringVector(v: CountPrefixed<LengthPrefixed>): (string | null)[] | null {
  if (v.count === -1) return null;
  const out = new Array<string | null>(v.items.length);
  for (let i = 0; i < out.length; i++) out[i] = toUstring(v.items[i]!);
  return out;
}

export function toBooleanVector(v: CountPrefixed<number>): boolean[] | null {
  return v.count === -1 ? null : v.items.map(toBoolean);
}

export function identity<V>(v: V): V {
  return v;
}

export function toBufferVector(v: CountPrefixed<LengthPrefixed>): (Buffer | null)[] | null {
  if (v.count === -1) return null;
  return v.items.map(toBuffer);
}

// Optional trailing field: `present` is decided before reading, from the bytes left.
interface Optional<V> {
  at: number;
  v: V;
}
export function optionalParser(element: Parser | string): Parser {
  return new Parser().saveOffset('at').choice('v', {
    tag: function (this: Optional<unknown>) {
      return hasMore(this.at) ? 1 : 0;
    },
    choices: { 0: new Parser(), 1: element },
  });
}

export function optionalValue<V, R>(map: (v: V) => R): (o: Optional<V>) => R | undefined {
  return (o) => (hasMore(o.at) ? map(o.v) : undefined);
}

/** The one entry point into a compiled parser: sets the bounds, maps library errors to ours. */
export function runParser<T>(root: Parser, input: Buffer, limits: DecodeLimits | undefined, record: string): Decoded<T> {
  if (!Buffer.isBuffer(input)) throw new TypeError('jute decode needs a Buffer');
  const lengthMax = limits?.lengthMax ?? JUTE_MAXBUFFER_DEFAULT;
  current.end = input.length;
  current.lengthMax = lengthMax;
  try {
    const out = root.parse(input) as { r: T; end: number };
    if (out.end > input.length) {
      throw new JuteDecodeError('JUTE_TRUNCATED', `record ends at ${out.end}, input has ${input.length} bytes`, input.length, record);
    }
    return { value: out.r, bytesRead: out.end };
  } catch (e) {
    if (e instanceof JuteDecodeError) {
      if (e.record === '') e.record = record;
      e.message = `${record}: ${e.message}`;
      throw e;
    }
    if (e instanceof RangeError) {
      throw new JuteDecodeError('JUTE_TRUNCATED', `${record}: input ends inside the record (${input.length} bytes)`, input.length, record);
    }
    throw new JuteDecodeError('JUTE_MALFORMED', `${record}: ${(e as Error).message}`, -1, record);
  } finally {
    current.end = 0;
  }
}

const scratch = new SmartBuffer({ size: 64 * 1024 });

export function makeCodec<T>(
  name: string,
  parser: Parser,
  write: (out: SmartBuffer, value: T) => void,
  finish?: (raw: { items: never[] }) => T,
): JuteCodec<T> {
  const root = new Parser().nest('r', finish === undefined ? { type: parser } : { type: parser, formatter: finish as (raw: unknown) => unknown }).saveOffset('end');
  return {
    name,
    decode: (input, limits) => runParser<T>(root, input, limits, name).value,
    decodeWithLength: (input, limits) => runParser<T>(root, input, limits, name),
    encode(value: T): Buffer {
      // One scratch buffer for every encode (writers never re-enter encode), then one copy of
      // exactly the record's bytes: small copies come from Node's buffer pool.
      scratch.clear();
      write(scratch, value);
      return Buffer.from(scratch.toBuffer());
    },
    write,
  };
}

// ---- encoding helpers ----

export function writeBuffer(out: SmartBuffer, b: Buffer | null): void {
  if (b === null) {
    out.writeInt32BE(-1);
    return;
  }
  out.writeInt32BE(b.length);
  out.writeBuffer(b);
}

export function writeUstring(out: SmartBuffer, s: string | null): void {
  if (s === null) {
    out.writeInt32BE(-1);
    return;
  }
  const utf8Length = Buffer.byteLength(s, 'utf8');
  // All-ASCII strings (the common case) and strings without surrogates encode identically in
  // standard UTF-8 and in the reference's per-code-unit scheme.
  if (utf8Length === s.length || !/[\ud800-\udfff]/.test(s)) {
    out.writeInt32BE(utf8Length);
    out.writeString(s, 'utf8');
    return;
  }
  const bytes = javaStringBytes(s);
  out.writeInt32BE(bytes.length);
  out.writeBuffer(bytes);
}

/** The reference's string bytes: each UTF-16 code unit as 1-3 bytes, surrogates included (CESU-8). */
export function javaStringBytes(s: string): Buffer {
  const b = Buffer.allocUnsafe(s.length * 3);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      b[n++] = c;
    } else if (c < 0x800) {
      b[n++] = 0xc0 | (c >> 6);
      b[n++] = 0x80 | (c & 0x3f);
    } else {
      b[n++] = 0xe0 | (c >> 12);
      b[n++] = 0x80 | ((c >> 6) & 0x3f);
      b[n++] = 0x80 | (c & 0x3f);
    }
  }
  return b.subarray(0, n);
}
