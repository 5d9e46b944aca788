// Storage under the data tree: the path map ("" is the root, "/" an alias of it, so an empty tree
// counts 5 nodes), the stat slabs, the incrementally maintained digest (the reference's
// NodeHashMapImpl: take a node's digest out before it changes, put the new one in after), the ACL
// cache, the ephemeral/container/TTL indexes, quota tracking, and loading from a snapshot.
// DataTree (data-tree.ts) adds the mutations and the read API on top.

import { crc32 } from 'node:zlib';
import type { ACL, Stat, StatPersisted, ZxidDigest } from '../protocol/generated';
import { AclCache, OPEN_ACL_INDEX } from './acl-cache';
import { AdHash, DIGEST_STAT_BYTES, DIGEST_VERSION, isDigestExcluded, nodeDigest } from './digest';
import { EphemeralType, type EphemeralTypeValue, ephemeralTypeOf } from './ephemeral-type';
import { PROC_PATH, QUOTA_PATH, ROOT_ALIAS, ROOT_PATH, childNameOf } from './paths';
import { QuotaTracker } from './quota-tracker';
import type { DataTreeOptions } from './types';
import { F, type NodeData, StatStore, ZNode, dataLength } from './znode';

/** Client stat bytes on the wire (Stat: 6 longs, 5 ints). */
export const CLIENT_STAT_BYTES = 68;

function copy(from: Buffer, at: number, to: Buffer, toAt: number, n: number): void {
  // Byte loop: for a few bytes this beats Buffer.copy, which makes a view per call.
  for (let i = 0; i < n; i++) to[toAt + i] = from[at + i]!;
}

const digestScratch = Buffer.allocUnsafe(4096);

/**
 * nodeDigest for a node loaded from its encoded bytes: the path bytes `src[pathAt, pathEnd)`, the
 * data `src[dataAt, dataAt + dataLen)` and the slot's stat block go into one scratch buffer by byte
 * loops (cheaper than three native copies for ~100 bytes), then one crc32.
 */
function encodedDigest(path: string, src: Buffer, pathAt: number, pathEnd: number, dataAt: number, dataLen: number, data: NodeData, slab: Buffer, off: number): number {
  if (isDigestExcluded(path)) return 0;
  const n = pathEnd - pathAt;
  const d = dataLen < 0 ? 0 : dataLen;
  if (n + d + DIGEST_STAT_BYTES > digestScratch.length) return nodeDigest(path, data, slab, off);
  const out = digestScratch;
  let k = 0;
  for (let i = pathAt; i < pathEnd; i++) out[k++] = src[i]!;
  for (let i = dataAt, end = dataAt + d; i < end; i++) out[k++] = src[i]!;
  for (let i = off, end = off + DIGEST_STAT_BYTES; i < end; i++) out[k++] = slab[i]!;
  return crc32(out.subarray(0, k));
}

/** Digests are kept for zxids that are multiples of this (0x80), */
const DIGEST_LOG_INTERVAL = 128n;
/** up to this many. */
const DIGEST_LOG_LIMIT = 1024;

export class TreeStore {
  protected readonly nodes = new Map<string, ZNode>();
  protected readonly store = new StatStore();
  protected readonly hash = new AdHash();
  protected readonly acls = new AclCache();
  protected readonly ephemerals = new Map<bigint, Set<string>>();
  protected readonly containers = new Set<string>();
  protected readonly ttls = new Set<string>();
  protected readonly quota = new QuotaTracker(this.nodes);
  protected root: ZNode;
  protected nodeDataSize = 0;
  readonly extendedTypesEnabled: boolean;
  readonly digestEnabled: boolean;

  /** The highest zxid applied (or the snapshot's zxid after a load, set by whoever loads). */
  lastProcessedZxid = 0n;
  /** The digest a loaded snapshot recorded; while set, replay is fuzzy and txn digests are not compared. */
  digestFromLoadedSnapshot: ZxidDigest | null = null;
  /** Digest mismatches seen (the reference's digest_mismatches_count). */
  digestMismatches = 0;
  // (zxid, digest) logged after the last txn applied outside the fuzzy replay window.
  private loggedZxid: bigint | null = null;
  private loggedHigh = 0;
  private loggedLow = 0;
  private readonly digestHistory: ZxidDigest[] = [];
  // loadEncodedNode's parent cache: the last node loaded and the last parent used (load only).
  private loadPrev: ZNode | null = null;
  private loadPrevPath = '';
  private loadParent: ZNode | null = null;
  private loadParentPath = '';

  /** The root, /zookeeper and /zookeeper/quota: empty, all-zero stats, the open ACL. */
  protected constructor(options: DataTreeOptions) {
    this.extendedTypesEnabled = options.extendedTypesEnabled ?? false;
    this.digestEnabled = options.digestEnabled ?? true;
    this.root = this.newNode('', OPEN_ACL_INDEX);
    this.putNode(ROOT_PATH, this.root);
    this.nodes.set(ROOT_ALIAS, this.root);
    this.root.addChild(childNameOf(PROC_PATH));
    const proc = this.newNode('', OPEN_ACL_INDEX);
    this.putNode(PROC_PATH, proc);
    proc.addChild(childNameOf(QUOTA_PATH));
    this.putNode(QUOTA_PATH, this.newNode('', OPEN_ACL_INDEX));
  }

  // ---------------------------------------------------------------- node access

  /** The node object at a path ("/" and "" both name the root). Internal (snapshot walk): do not keep it across mutations. */
  rawNode(path: string): ZNode | undefined {
    return this.nodes.get(path);
  }

  /** The stat a client sees: cversion = 2*stored - numChildren, container/TTL owners read 0. */
  statOf(node: ZNode): Stat {
    const s = this.store.read(node.slot);
    const numChildren = node.numChildren;
    const type = this.ephemeralTypeOf(s.ephemeralOwner);
    return {
      czxid: s.czxid,
      mzxid: s.mzxid,
      ctime: s.ctime,
      mtime: s.mtime,
      version: s.version,
      cversion: (s.cversion * 2 - numChildren) | 0,
      aversion: s.aversion,
      ephemeralOwner: type === EphemeralType.NORMAL ? s.ephemeralOwner : 0n,
      dataLength: dataLength(node.data),
      numChildren,
      pzxid: s.pzxid,
    };
  }

  /**
   * statOf(node) as its 68 wire bytes (the generated Stat encoder's layout) at `at` in `out`,
   * copied from the stat slab without making a bigint: the read replies' hot path.
   */
  writeClientStat(node: ZNode, out: Buffer, at: number): void {
    const b = this.store.slab(node.slot);
    const o = this.store.blockOffset(node.slot);
    const numChildren = node.numChildren;
    copy(b, o + F.czxid, out, at, 16); // czxid, mzxid
    copy(b, o + F.ctime, out, at + 16, 20); // ctime, mtime, version
    out.writeInt32BE((b.readInt32BE(o + F.cversion) * 2 - numChildren) | 0, at + 36);
    copy(b, o + F.aversion, out, at + 40, 4);
    const high = b[o + F.ephemeralOwner]!;
    if (high === 0x80 || high === 0xff) {
      // Possibly a container or TTL owner, which clients see as 0: classify as statOf does.
      const owner = b.readBigInt64BE(o + F.ephemeralOwner);
      out.writeBigInt64BE(this.ephemeralTypeOf(owner) === EphemeralType.NORMAL ? owner : 0n, at + 44);
    } else {
      copy(b, o + F.ephemeralOwner, out, at + 44, 8);
    }
    out.writeInt32BE(dataLength(node.data), at + 52);
    out.writeInt32BE(numChildren, at + 56);
    copy(b, o + F.pzxid, out, at + 60, 8);
  }

  /** writeClientStat into a buffer of its own. */
  clientStatBytes(node: ZNode): Buffer {
    const out = Buffer.allocUnsafe(CLIENT_STAT_BYTES);
    this.writeClientStat(node, out, 0);
    return out;
  }

  /** The persisted stat (stored cversion, raw owner). */
  persistedStatOf(node: ZNode): StatPersisted {
    return this.store.read(node.slot);
  }

  /** The node's ACL list (the open ACL for index -1). */
  aclOf(node: ZNode): readonly ACL[] {
    return this.acls.convertIndex(node.acl);
  }

  ephemeralTypeOf(owner: bigint): EphemeralTypeValue {
    return ephemeralTypeOf(owner, this.extendedTypesEnabled);
  }

  get nodeCount(): number {
    return this.nodes.size;
  }

  /** Paths plus data bytes of all nodes, kept incrementally as the reference's cachedApproximateDataSize. */
  get approximateDataSize(): number {
    return this.nodeDataSize;
  }

  /** The same sum recomputed over every map entry (the root twice: "" and "/"). */
  computeApproximateDataSize(): number {
    let total = 0;
    for (const [path, node] of this.nodes) total += path.length + dataLength(node.data);
    return total;
  }

  get treeDigest(): bigint {
    return this.hash.value;
  }

  get aclCacheSize(): number {
    return this.acls.size;
  }

  /** The ACL cache (snapshot writers and tests). */
  get aclCache(): AclCache {
    return this.acls;
  }

  /** Ephemeral paths by owner (a view: copy before mutating the tree). */
  get ephemeralIndex(): ReadonlyMap<bigint, ReadonlySet<string>> {
    return this.ephemerals;
  }

  get containerPaths(): ReadonlySet<string> {
    return this.containers;
  }

  get ttlPaths(): ReadonlySet<string> {
    return this.ttls;
  }

  /** Records (zxid, current tree digest) after a txn (the reference's logZxidDigest). */
  logZxidDigest(zxid: bigint): void {
    this.loggedZxid = zxid;
    this.loggedHigh = this.hash.high;
    this.loggedLow = this.hash.low;
    if (zxid % DIGEST_LOG_INTERVAL === 0n) {
      this.digestHistory.push(this.lastProcessedZxidDigest!);
      if (this.digestHistory.length > DIGEST_LOG_LIMIT) this.digestHistory.shift();
    }
  }

  /** The digests logged at every zxid divisible by 128, the last 1024 of them (the AdminServer's "digests"). */
  digestLog(): ZxidDigest[] {
    return [...this.digestHistory];
  }

  /** (zxid, digest) after the last txn applied outside the fuzzy replay window; what snapshots record. */
  get lastProcessedZxidDigest(): ZxidDigest | null {
    if (this.loggedZxid === null) return null;
    return { zxid: this.loggedZxid, digestVersion: DIGEST_VERSION, digest: AdHash.toLong(this.loggedHigh, this.loggedLow) };
  }

  /** Snapshot digest section: the last logged (zxid, digest), {0, 2, 0} before any, null when digests are off. */
  snapshotDigest(): ZxidDigest | null {
    if (!this.digestEnabled) return null;
    return this.lastProcessedZxidDigest ?? { zxid: 0n, digestVersion: DIGEST_VERSION, digest: 0n };
  }

  /**
   * While replaying over a fuzzy snapshot: once the snapshot's digest zxid is reached the tree must
   * match the digest it recorded; the check happens once, then txn digests are compared again.
   * Returns true on a mismatch (counted).
   */
  compareSnapshotDigest(zxid: bigint): boolean {
    const target = this.digestFromLoadedSnapshot;
    if (target === null || zxid !== target.zxid) return false;
    this.digestFromLoadedSnapshot = null;
    if (target.digestVersion !== DIGEST_VERSION || !this.digestEnabled) return false;
    if (this.hash.value === target.digest) return false;
    this.digestMismatches++;
    return true;
  }

  // ---------------------------------------------------------------- snapshot loading (DataTreeLoader)

  /** Forgets every node, quota and ACL entry before nodes are loaded (the ACL index keeps counting). */
  beginLoad(): void {
    this.nodes.clear();
    this.hash.clear();
    this.quota.clear();
    this.acls.clear();
    this.ephemerals.clear();
    this.containers.clear();
    this.ttls.clear();
    this.nodeDataSize = 0;
    this.forgetLoadCache();
  }

  private forgetLoadCache(): void {
    this.loadPrev = null;
    this.loadPrevPath = '';
    this.loadParent = null;
    this.loadParentPath = '';
  }

  /** Adds one loaded node under its already-loaded parent; returns false when the parent is missing. */
  loadNode(path: string, data: NodeData, aclIndex: number, stat: StatPersisted): boolean {
    const slash = path.lastIndexOf('/');
    const parent = slash < 0 ? undefined : this.nodes.get(path.slice(0, slash));
    if (slash >= 0 && parent === undefined) return false;
    if (this.loadPrev !== null) this.forgetLoadCache(); // not mixed with loadEncodedNode's cache
    const type = this.ephemeralTypeOf(stat.ephemeralOwner);
    const node = new ZNode(data, aclIndex, this.store.alloc());
    this.store.write(node.slot, stat);
    this.putNode(path, node);
    this.acls.addUsage(aclIndex);
    if (parent === undefined) {
      this.root = node;
    } else {
      parent.addChild(path.slice(slash + 1));
      this.indexOwner(path, stat.ephemeralOwner, type);
    }
    return true;
  }

  /**
   * loadNode for a node straight out of a snapshot file: the stat is its 60 encoded StatPersisted
   * bytes at `statAt` in `src`, copied into the slot without bigints. The parent is found without
   * a map lookup in the common cases: the file is pre-order, so a node's parent is nearly always
   * the node loaded just before it or that one's parent (siblings arrive together).
   */
  loadEncodedNode(path: string, data: NodeData, aclIndex: number, src: Buffer, pathAt: number, dataAt: number, dataLen: number, statAt: number): boolean {
    const slash = path.lastIndexOf('/');
    let parent: ZNode | undefined;
    if (slash >= 0) {
      if (slash === this.loadPrevPath.length && this.loadPrev !== null && path.startsWith(this.loadPrevPath)) {
        parent = this.loadPrev;
        this.loadParentPath = this.loadPrevPath;
        this.loadParent = parent;
      } else if (slash === this.loadParentPath.length && this.loadParent !== null && path.startsWith(this.loadParentPath)) {
        parent = this.loadParent;
      } else {
        const parentPath = path.slice(0, slash);
        parent = this.nodes.get(parentPath);
        if (parent === undefined) return false;
        this.loadParentPath = parentPath;
        this.loadParent = parent;
      }
    }
    const node = new ZNode(data, aclIndex, this.store.alloc());
    this.store.writeEncoded(node.slot, src, statAt);
    if (parent === undefined) {
      this.root = node;
      this.putNode(path, node);
    } else if (parent.addChild(path.slice(slash + 1))) {
      // A new name: nothing to replace, so no lookup before the insert.
      this.nodes.set(path, node);
      const slot = node.slot;
      const slab = this.store.slab(slot);
      const off = this.store.blockOffset(slot);
      // postChange, reading path and data from the file's bytes (the path bytes end 4 bytes
      // before the data: its length sits in between).
      const dg = this.digestEnabled ? encodedDigest(path, src, pathAt, dataAt - 4, dataAt, dataLen, data, slab, off) : 0;
      this.store.setDigest(slot, dg);
      this.hash.add(dg);
    } else {
      // The same path twice (the reference keeps the last): replace it, and forget the cached
      // parents, which may be the node replaced.
      this.putNode(path, node);
      this.loadParent = null;
      this.loadParentPath = '';
    }
    this.acls.addUsage(aclIndex);
    if (parent !== undefined && !this.store.ownerIsZero(node.slot)) {
      const owner = this.store.getLong(node.slot, 'ephemeralOwner');
      this.indexOwner(path, owner, this.ephemeralTypeOf(owner));
    }
    this.loadPrev = node;
    this.loadPrevPath = path;
    return true;
  }

  /** Completes a load: the "/" alias, the size, quota trie and stats, unused ACLs. */
  finishLoad(): boolean {
    if (this.nodes.get(ROOT_PATH) !== this.root) return false;
    this.nodes.set(ROOT_ALIAS, this.root);
    this.forgetLoadCache();
    this.nodeDataSize = this.computeApproximateDataSize();
    this.quota.setup();
    this.acls.purgeUnused();
    return true;
  }

  // ---------------------------------------------------------------- internals

  protected newNode(data: NodeData, acl: number): ZNode {
    return new ZNode(data, acl, this.store.alloc());
  }

  protected initStat(slot: number, zxid: bigint, time: bigint, owner: bigint): void {
    this.store.setLong(slot, 'czxid', zxid);
    this.store.setLong(slot, 'mzxid', zxid);
    this.store.setLong(slot, 'pzxid', zxid);
    this.store.setLong(slot, 'ctime', time);
    this.store.setLong(slot, 'mtime', time);
    this.store.setLong(slot, 'ephemeralOwner', owner);
  }

  /** Inserts with digest; a node already at the path is replaced and its digest taken out. */
  protected putNode(path: string, node: ZNode): void {
    const old = this.nodes.get(path);
    this.nodes.set(path, node);
    this.postChange(path, node);
    if (old !== undefined && old !== node) {
      this.hash.remove(this.store.getDigest(old.slot));
      this.store.release(old.slot);
    }
  }

  protected removeNode(path: string, node: ZNode): void {
    this.nodes.delete(path);
    this.hash.remove(this.store.getDigest(node.slot));
  }

  /** Takes a node's cached digest out of the tree digest before it changes. */
  protected preChange(node: ZNode): void {
    this.hash.remove(this.store.getDigest(node.slot));
  }

  /** Recomputes, caches and adds a node's digest after it changed. */
  protected postChange(path: string, node: ZNode): void {
    const slot = node.slot;
    const d = this.digestEnabled ? nodeDigest(path, node.data, this.store.slab(slot), this.store.blockOffset(slot)) : 0;
    this.store.setDigest(node.slot, d);
    this.hash.add(d);
  }

  protected indexOwner(path: string, owner: bigint, type: EphemeralTypeValue): void {
    if (type === EphemeralType.CONTAINER) this.containers.add(path);
    else if (type === EphemeralType.TTL) this.ttls.add(path);
    else if (owner !== 0n) {
      let paths = this.ephemerals.get(owner);
      if (paths === undefined) this.ephemerals.set(owner, (paths = new Set()));
      paths.add(path);
    }
  }

  protected unindexOwner(path: string, owner: bigint): void {
    const type = this.ephemeralTypeOf(owner);
    if (type === EphemeralType.CONTAINER) this.containers.delete(path);
    else if (type === EphemeralType.TTL) this.ttls.delete(path);
    else if (owner !== 0n) this.ephemerals.get(owner)?.delete(path);
  }

  /** Stats nodes whose text could not be parsed (the reference would throw out of the apply). */
  get quotaStatErrors(): number {
    return this.quota.statErrors;
  }
}
