// A growable output buffer for the snapshot serializer. Nodes are the hot path (1M per snapshot),
// so their fields go straight into one Buffer instead of through a record codec per node; the
// byte layout is the reference's DataNode.serialize and is pinned by the golden snapshots.

import type { ACL, AclCacheEntry, DataNode, StatPersisted, ZxidDigest } from '../../protocol/generated';
import { javaStringBytes } from '../../protocol/jute/runtime';

const SURROGATE = /[\ud800-\udfff]/;

function viewOf(b: Buffer): DataView {
  return new DataView(b.buffer, b.byteOffset, b.length);
}

// 64-bit fields go through a DataView: its BigInt accessors are V8 builtins, several times faster
// than Buffer's writeBigInt64BE.
export class ByteWriter {
  private buf: Buffer;
  private view64: DataView;
  private pos = 0;

  constructor(private readonly initialBytes: number) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view64 = viewOf(this.buf);
  }

  get length(): number {
    return this.pos;
  }

  /** The bytes written since `from` (a view; valid until the next write). */
  view(from: number, to = this.pos): Buffer {
    return this.buf.subarray(from, to);
  }

  /** Hands the written bytes over and starts a fresh buffer, so the caller may keep them. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.initialBytes);
    this.view64 = viewOf(this.buf);
    this.pos = 0;
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view64 = viewOf(next);
  }

  int32(v: number): void {
    this.ensure(4);
    this.pos = this.buf.writeInt32BE(v, this.pos);
  }

  int64(v: bigint): void {
    this.ensure(8);
    this.view64.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  /** jute buffer: int length (-1 for null) and the bytes. */
  buffer(b: Buffer | null): void {
    if (b === null) {
      this.int32(-1);
      return;
    }
    this.ensure(4 + b.length);
    this.pos = this.buf.writeInt32BE(b.length, this.pos);
    this.pos += b.copy(this.buf, this.pos);
  }

  /** jute ustring: as the reference's writer, one UTF-16 unit at a time (CESU-8 for surrogates). */
  ustring(s: string | null): void {
    if (s === null) {
      this.int32(-1);
      return;
    }
    this.ensure(4 + s.length * 3);
    const at = this.pos + 4;
    let n = this.buf.write(s, at, 'utf8');
    if (n !== s.length && SURROGATE.test(s)) {
      const bytes = javaStringBytes(s);
      n = bytes.copy(this.buf, at);
    }
    this.buf.writeInt32BE(n, this.pos);
    this.pos = at + n;
  }

  stat(st: StatPersisted): void {
    this.ensure(60);
    const v = this.view64;
    const p = this.pos;
    v.setBigInt64(p, st.czxid);
    v.setBigInt64(p + 8, st.mzxid);
    v.setBigInt64(p + 16, st.ctime);
    v.setBigInt64(p + 24, st.mtime);
    v.setInt32(p + 32, st.version);
    v.setInt32(p + 36, st.cversion);
    v.setInt32(p + 40, st.aversion);
    v.setBigInt64(p + 44, st.ephemeralOwner);
    v.setBigInt64(p + 52, st.pzxid);
    this.pos = p + 60;
  }

  /** One snapshot node: path, then DataNode{data, acl, stat}. */
  node(path: string, node: DataNode): void {
    this.ustring(path);
    this.buffer(node.data);
    this.int64(node.acl);
    this.stat(node.stat);
  }

  acl(a: ACL): void {
    this.int32(a.perms);
    this.ustring(a.id.scheme);
    this.ustring(a.id.id);
  }

  aclEntry(e: AclCacheEntry): void {
    this.int64(e.index);
    if (e.acls === null) {
      // The reference's cache never holds a null list and its reader rejects one.
      throw new RangeError(`ACL cache entry ${e.index} has a null ACL list`);
    }
    this.int32(e.acls.length);
    for (const a of e.acls) this.acl(a);
  }

  digest(d: ZxidDigest): void {
    // Versions below 2 stored the digest as a hex string; nothing writes them any more.
    if (d.digestVersion < 2) throw new RangeError(`digest version ${d.digestVersion} is not writable`);
    this.int64(d.zxid);
    this.int32(d.digestVersion);
    this.int64(d.digest);
  }
}
