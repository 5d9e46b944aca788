// A push parser for the snapshot's uncompressed bytes: feed chunks of any size, it hands sessions,
// ACL entries and nodes to a SnapshotSink as soon as each is complete and checks the structure and
// the seals. Records may straddle chunks; a record that is still incomplete waits for enough
// bytes before the buffers are joined once, so large nodes are not copied over and over.
//
// What it accepts follows the reference's reader (FileSnap.deserialize, DataTree.deserialize):
// a negative session or ACL count reads as zero entries; the file may end right after the first
// seal (no digest section: digests disabled or a pre-3.6 writer); anything after the second seal
// is ignored (3.9 appends one more section there). It is stricter where the reference would
// accept damage or only trip over it later: a digest section cut short (the reference treats
// any EOF in it as "no digest"; we call the file truncated), a null path, a null ACL list, a node
// whose parent is not an ancestor in the pre-order walk, a seal whose marker is not "/".

import type { ACL, AclCacheEntry, StatPersisted, ZxidDigest } from '../../protocol/generated';
import type { SnapshotSink } from '../snapshot-contract';
import { Adler32 } from './checksum';
import {
  END_OF_NODES,
  SNAP_MAGIC,
  SNAP_SYNC_SIGNATURE,
  SNAPSHOT_LENGTH_MAX_DEFAULT,
  SnapshotCorruptError,
  type SnapshotCorruptReason,
} from './format';
import type { SerializeMode } from './serializer';

/**
 * A sink that also takes nodes as their encoded bytes, skipping the DataNode object, the data copy
 * and the stat's bigints (the parser calls encodedNode instead of node when it is present). The
 * buffer is only valid during the call: keep nothing that views it.
 */
export interface EncodedNodeSink extends SnapshotSink {
  /**
   * The path's UTF-8 bytes are `buf[pathAt, dataAt - 4)`. `dataLen` is -1 for null data, else the
   * data is `buf[dataAt, dataAt + dataLen)`; the ACL index (a long) is `aclIndex` and the 60-byte
   * encoded StatPersisted starts at `statAt`.
   */
  encodedNode(path: string, buf: Buffer, pathAt: number, dataAt: number, dataLen: number, aclIndex: number, statAt: number): void;
}

function hasEncodedNode(sink: SnapshotSink): sink is EncodedNodeSink {
  return typeof (sink as Partial<EncodedNodeSink>).encodedNode === 'function';
}

export interface ParserOptions {
  /** Longest string or buffer accepted (jute.maxbuffer + extra). Default 2 x 0xfffff. */
  lengthMax?: number;
  /** Named in errors. */
  file?: string;
}

export interface ParseResult {
  sessions: number;
  aclEntries: number;
  nodes: number;
  /** The digest section, or null when the stream has none. */
  digest: ZxidDigest | null;
  /** Uncompressed bytes up to the end of the last section read. */
  bytes: number;
  /** Bytes after the last section (ignored; a 3.9 writer appends its lastProcessedZxid there). */
  trailingBytes: number;
}

type Phase = 'header' | 'sessionCount' | 'sessions' | 'aclCount' | 'acls' | 'nodes' | 'seal1' | 'digest' | 'seal2' | 'signature' | 'done';

/** Returned by a step that needs more bytes than the buffer holds. */
const MORE = -1;

export class SnapshotParser {
  private phase: Phase;
  private buf: Buffer = Buffer.alloc(0);
  /** 64-bit reads through a DataView: several times faster than Buffer's readBigInt64BE. */
  private view: DataView = new DataView(new ArrayBuffer(0));
  private off = 0;
  /** Absolute stream offset of buf[0]. */
  private base = 0;
  /** buf index up to which the checksum has been updated. */
  private ckFrom = 0;
  private readonly adler = new Adler32();
  private waiting: Buffer[] = [];
  private waitingBytes = 0;
  /** Bytes needed from `off` before the current step can progress. */
  private need = 1;
  private remaining = 0;
  private readonly ancestors: string[] = [];
  private readonly encodedSink: EncodedNodeSink | null;
  private readonly lengthMax: number;
  private readonly file: string | undefined;
  private readonly result: ParseResult = {
    sessions: 0,
    aclEntries: 0,
    nodes: 0,
    digest: null,
    bytes: 0,
    trailingBytes: 0,
  };

  constructor(
    private readonly sink: SnapshotSink,
    private readonly mode: SerializeMode,
    opts: ParserOptions = {},
  ) {
    this.encodedSink = hasEncodedNode(sink) ? sink : null;
    this.phase = mode === 'file' ? 'header' : 'sessionCount';
    this.lengthMax = opts.lengthMax ?? SNAPSHOT_LENGTH_MAX_DEFAULT;
    this.file = opts.file;
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /**
   * Feeds bytes. Returns null while more are expected; once the stream is complete, returns the
   * bytes of this chunk that follow it (possibly empty): in 'sync' mode they belong to whatever
   * comes next on the socket.
   */
  push(chunk: Buffer): Buffer | null {
    if (this.phase === 'done') {
      this.result.trailingBytes += chunk.length;
      return chunk;
    }
    if (this.buf.length - this.off + this.waitingBytes + chunk.length < this.need) {
      this.waiting.push(chunk);
      this.waitingBytes += chunk.length;
      return null;
    }
    this.compact(chunk);
    this.run();
    if (!this.done) return null;
    const rest = this.buf.subarray(this.off);
    this.result.trailingBytes += rest.length;
    return rest;
  }

  /** The input has ended: completes the result or throws SnapshotCorruptError. */
  end(): ParseResult {
    if (this.phase === 'done') return this.result;
    const left = this.buf.length - this.off + this.waitingBytes;
    if (this.phase === 'digest' && left === 0) {
      // The stream ends after the first seal: written without a digest section.
      this.finish(null);
      return this.result;
    }
    throw this.corrupt('TRUNCATED', `the stream ends in the ${this.phase} section (${left} bytes of an incomplete record left)`);
  }

  private compact(chunk: Buffer): void {
    this.foldChecksum();
    const left = this.buf.length - this.off;
    let next: Buffer;
    if (left === 0 && this.waiting.length === 0) {
      next = chunk;
    } else {
      const parts = left === 0 ? [] : [this.buf.subarray(this.off)];
      next = Buffer.concat([...parts, ...this.waiting, chunk]);
    }
    this.base += this.off;
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
    this.off = 0;
    this.ckFrom = 0;
    this.waiting = [];
    this.waitingBytes = 0;
  }

  private foldChecksum(): void {
    if (this.mode === 'file' && this.off > this.ckFrom) this.adler.update(this.buf.subarray(this.ckFrom, this.off));
    this.ckFrom = this.off;
  }

  private corrupt(reason: SnapshotCorruptReason, detail: string, at = this.base + this.off): SnapshotCorruptError {
    return new SnapshotCorruptError(reason, detail, this.file, at);
  }

  private run(): void {
    for (;;) {
      const used = this.step();
      if (used === MORE) return;
      this.off += used;
      this.result.bytes = this.base + this.off;
      this.need = 1;
      if (this.phase === 'done') return;
    }
  }

  /** Parses one record at `off`: the bytes it used, or MORE (with `need` set). */
  private step(): number {
    switch (this.phase) {
      case 'header':
        return this.header();
      case 'sessionCount':
      case 'aclCount':
        return this.count();
      case 'sessions':
        return this.session();
      case 'acls':
        return this.aclEntry();
      case 'nodes':
        return this.node();
      case 'seal1':
      case 'seal2':
        return this.seal();
      case 'digest':
        return this.digest();
      case 'signature':
        return this.signature();
      case 'done':
        return 0;
    }
  }

  private wait(bytes: number): number {
    this.need = bytes;
    return MORE;
  }

  private has(bytes: number): boolean {
    return this.buf.length - this.off >= bytes;
  }

  /** Checks a buffer/ustring length read at absolute buf index `at`; returns its byte count. */
  private lengthAt(at: number, what: string): number {
    const len = this.buf.readInt32BE(at);
    if (len === -1) return 0;
    if (len < -1 || len > this.lengthMax) {
      throw this.corrupt('BAD_LENGTH', `unreasonable length ${len} for ${what} (limit ${this.lengthMax})`, this.base + at);
    }
    return len;
  }

  private header(): number {
    if (!this.has(16)) return this.wait(16);
    const magic = this.buf.readInt32BE(this.off);
    if (magic !== SNAP_MAGIC) {
      throw this.corrupt('BAD_MAGIC', `mismatching magic headers 0x${(magic >>> 0).toString(16)} != 0x${SNAP_MAGIC.toString(16)} (ZKSN)`);
    }
    this.phase = 'sessionCount';
    return 16;
  }

  private count(): number {
    if (!this.has(4)) return this.wait(4);
    // As the reference: `while (count > 0)`, so a negative count is no entries.
    this.remaining = Math.max(0, this.buf.readInt32BE(this.off));
    if (this.phase === 'sessionCount') this.phase = this.remaining > 0 ? 'sessions' : 'aclCount';
    else this.phase = this.remaining > 0 ? 'acls' : 'nodes';
    return 4;
  }

  private session(): number {
    if (!this.has(12)) return this.wait(12);
    this.sink.session(this.view.getBigInt64(this.off), this.buf.readInt32BE(this.off + 8));
    this.result.sessions++;
    if (--this.remaining === 0) this.phase = 'aclCount';
    return 12;
  }

  private aclEntry(): number {
    const b = this.buf;
    const start = this.off;
    if (!this.has(12)) return this.wait(12);
    const index = this.view.getBigInt64(start);
    const count = b.readInt32BE(start + 8);
    if (count < 0) throw this.corrupt('BAD_ACL', `ACL cache entry ${index} has ${count === -1 ? 'a null' : `a negative (${count})`} ACL list`);
    if (count > this.lengthMax) throw this.corrupt('BAD_LENGTH', `ACL cache entry ${index} has ${count} ACLs`);
    // Find where the entry ends before decoding anything.
    let p = start + 12;
    for (let i = 0; i < count; i++) {
      if (b.length - p < 8) return this.wait(p - start + 8);
      const schemeLen = this.lengthAt(p + 4, 'an ACL scheme');
      if (b.length - p < 12 + schemeLen) return this.wait(p - start + 12 + schemeLen);
      const idLen = this.lengthAt(p + 8 + schemeLen, 'an ACL id');
      if (b.length - p < 12 + schemeLen + idLen) return this.wait(p - start + 12 + schemeLen + idLen);
      p += 12 + schemeLen + idLen;
    }
    const acls: ACL[] = new Array<ACL>(count);
    p = start + 12;
    for (let i = 0; i < count; i++) {
      const perms = b.readInt32BE(p);
      const scheme = this.ustringAt(p + 4);
      const id = this.ustringAt(scheme.end);
      acls[i] = { perms, id: { scheme: scheme.value, id: id.value } };
      p = id.end;
    }
    const entry: AclCacheEntry = { index, acls };
    this.sink.aclEntry(entry);
    this.result.aclEntries++;
    if (--this.remaining === 0) this.phase = 'nodes';
    return p - start;
  }

  /** A ustring whose bytes are known to be in the buffer. */
  private ustringAt(at: number): { value: string | null; end: number } {
    const len = this.buf.readInt32BE(at);
    if (len === -1) return { value: null, end: at + 4 };
    return { value: this.buf.toString('utf8', at + 4, at + 4 + len), end: at + 4 + len };
  }

  private node(): number {
    const b = this.buf;
    const start = this.off;
    const avail = b.length - start;
    if (avail < 4) return this.wait(4);
    const rawPathLen = b.readInt32BE(start);
    if (rawPathLen === -1) throw this.corrupt('BAD_PATH', 'a node has a null path');
    const pathLen = this.lengthAt(start, 'a path');
    if (avail < 8 + pathLen) return this.wait(8 + pathLen);
    if (pathLen === 1 && b[start + 4] === 0x2f) {
      this.phase = this.mode === 'file' ? 'seal1' : 'signature';
      return 5;
    }
    const dataAt = start + 4 + pathLen;
    const rawDataLen = b.readInt32BE(dataAt);
    const dataLen = this.lengthAt(dataAt, 'node data');
    const total = 4 + pathLen + 4 + dataLen + 68;
    if (avail < total) return this.wait(total);

    const path = b.toString('utf8', start + 4, dataAt);
    this.checkPlacement(path, start);
    let p = dataAt + 4 + dataLen;
    const enc = this.encodedSink;
    if (enc !== null) {
      // hi * 2^32 + lo rounds once, as Number(bigint) does.
      const acl = b.readInt32BE(p) * 0x100000000 + b.readUInt32BE(p + 4);
      enc.encodedNode(path, b, start + 4, dataAt + 4, rawDataLen === -1 ? -1 : dataLen, acl, p + 8);
      this.result.nodes++;
      return total;
    }
    let data: Buffer | null = null;
    if (rawDataLen !== -1) {
      // A copy: the sink keeps it, and a view would pin this whole input chunk.
      data = Buffer.allocUnsafe(dataLen);
      b.copy(data, 0, dataAt + 4, dataAt + 4 + dataLen);
    }
    const v = this.view;
    const acl = v.getBigInt64(p);
    p += 8;
    const stat: StatPersisted = {
      czxid: v.getBigInt64(p),
      mzxid: v.getBigInt64(p + 8),
      ctime: v.getBigInt64(p + 16),
      mtime: v.getBigInt64(p + 24),
      version: v.getInt32(p + 32),
      cversion: v.getInt32(p + 36),
      aversion: v.getInt32(p + 40),
      ephemeralOwner: v.getBigInt64(p + 44),
      pzxid: v.getBigInt64(p + 52),
    };
    this.sink.node(path, { data, acl, stat });
    this.result.nodes++;
    return total;
  }

  /** The root first, then every node below an ancestor already read (the writer walks pre-order). */
  private checkPlacement(path: string, at: number): void {
    const stack = this.ancestors;
    if (stack.length === 0 && this.result.nodes === 0) {
      if (path !== '') throw this.corrupt('BAD_PATH', `the first node must be the root "", found "${path}"`, this.base + at);
      stack.push(path);
      return;
    }
    const slash = path.lastIndexOf('/');
    if (slash < 0) throw this.corrupt('BAD_PATH', `invalid node path "${path}"`, this.base + at);
    // The parent is path[0, slash): compared in place, no slice per node.
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (top.length === slash && path.startsWith(top)) break;
      stack.pop();
    }
    if (stack.length === 0) {
      throw this.corrupt('MISSING_PARENT', `invalid data tree, unable to find parent ${path.slice(0, slash)} of path ${path}`, this.base + at);
    }
    stack.push(path);
  }

  private seal(): number {
    if (!this.has(12)) return this.wait(12);
    const at = this.off;
    const markLen = this.lengthAt(at + 8, 'a seal marker');
    if (!this.has(12 + markLen)) return this.wait(12 + markLen);
    this.foldChecksum();
    const stored = this.view.getBigInt64(at);
    const computed = this.adler.value();
    const which = this.phase === 'seal1' ? 'first' : 'second';
    if (stored !== computed) {
      throw this.corrupt('CHECKSUM_MISMATCH', `CRC corruption: the ${which} seal holds 0x${stored.toString(16)}, the bytes before it sum to 0x${computed.toString(16)}`);
    }
    const mark = this.ustringAt(at + 8).value;
    if (mark !== END_OF_NODES) throw this.corrupt('BAD_SEAL', `the ${which} seal ends with ${JSON.stringify(mark)} instead of "/"`);
    if (this.phase === 'seal1') {
      this.phase = 'digest';
    } else {
      this.finish(this.result.digest);
    }
    return 12 + markLen;
  }

  private digest(): number {
    if (!this.has(12)) return this.wait(12);
    const b = this.buf;
    const at = this.off;
    const zxid = this.view.getBigInt64(at);
    const digestVersion = b.readInt32BE(at + 8);
    let digest: bigint;
    let used: number;
    if (digestVersion >= 2) {
      if (!this.has(20)) return this.wait(20);
      digest = this.view.getBigInt64(at + 12);
      used = 20;
    } else {
      // Digest versions below 2 stored a hex string.
      if (!this.has(16)) return this.wait(16);
      const len = this.lengthAt(at + 12, 'a digest string');
      if (!this.has(16 + len)) return this.wait(16 + len);
      const hex = this.ustringAt(at + 12).value;
      digest = hex === null ? 0n : parseHexLong(hex, () => this.corrupt('BAD_DIGEST', `digest ${JSON.stringify(hex)} is not a hex long`));
      used = 16 + len;
    }
    this.result.digest = { zxid, digestVersion, digest };
    this.phase = 'seal2';
    return used;
  }

  private signature(): number {
    if (!this.has(4)) return this.wait(4);
    const len = this.lengthAt(this.off, 'the signature');
    if (!this.has(4 + len)) return this.wait(4 + len);
    const sig = this.ustringAt(this.off).value;
    if (sig !== SNAP_SYNC_SIGNATURE) throw this.corrupt('BAD_SIGNATURE', `missing signature: got ${JSON.stringify(sig)} instead of "${SNAP_SYNC_SIGNATURE}"`);
    this.finish(null);
    return 4 + len;
  }

  private finish(digest: ZxidDigest | null): void {
    this.result.digest = digest;
    this.sink.digest(digest);
    this.phase = 'done';
  }
}

const INT64_MAX = (1n << 63n) - 1n;

/** Java's Long.parseLong(s, 16). */
function parseHexLong(s: string, fail: () => Error): bigint {
  if (!/^[+-]?[0-9a-fA-F]+$/.test(s)) throw fail();
  const neg = s[0] === '-';
  const mag = BigInt(`0x${s.replace(/^[+-]/, '')}`);
  const v = neg ? -mag : mag;
  if (v > INT64_MAX || v < -INT64_MAX - 1n) throw fail();
  return v;
}
