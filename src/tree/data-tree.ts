// The data tree with the reference's semantics (DataTree, DataNode): mutations report outcomes as
// values (0 or an ErrCode) and append the watch triggers they cause, in the reference's order.
// Storage, digest and indexes are in tree-store.ts; whole txns are applied by apply-txn.ts;
// snapshots go through snapshot.ts.

import type { ACL, Stat, StatPersisted } from '../protocol/generated';
import type { SnapshotSource } from '../persistence/snapshot-contract';
import type { LoggedTxn } from '../persistence/txn';
import { ErrCode } from '../protocol/opcodes';
import { OPEN_ACL_INDEX, READ_ACL_UNSAFE } from './acl-cache';
import { applyTxn } from './apply-txn';
import { CONFIG_PATH, PROC_PATH, ROOT_ALIAS, ROOT_PATH, childNameOf, eventPath, javaTrim, parentOf } from './paths';
import { DataTreeLoader, createSnapshotSource } from './snapshot';
import { TreeStore } from './tree-store';
import type { EphemeralTypeValue } from './ephemeral-type';
import type { ApplyResult, DataTreeOptions, WatchTrigger } from './types';
import { dataLength, packData, unpackData } from './znode';

/**
 * A mutation's outcome: 0 or an ErrCode, and the node's client stat where the reference copies
 * one, as its 68 wire bytes (what the reply carries; no bigint is made on the write path).
 */
export interface MutationResult {
  err: number;
  statBytes?: Buffer;
}

/** A copy of one node's state without its data (what the request layer checks against). */
export interface NodeInfo {
  /** ACL cache index (-1 = open ACL). */
  aclIndex: number;
  acl: readonly ACL[];
  /** As persisted: stored cversion, raw ephemeralOwner. */
  stat: StatPersisted;
  numChildren: number;
  dataLength: number;
  ephemeralType: EphemeralTypeValue;
}

export class DataTree extends TreeStore {
  constructor(options: DataTreeOptions = {}) {
    super(options);
    this.addConfigNode();
    this.nodeDataSize = this.computeApproximateDataSize();
  }

  /** A sink that builds a new tree from a snapshot; call its finish() at the end. */
  static loader(options: DataTreeOptions = {}): DataTreeLoader {
    return new DataTreeLoader(new DataTree(options));
  }

  /** Applies one logged txn (the reference's processTxn + compareDigest). */
  applyTxn(txn: LoggedTxn): ApplyResult {
    return applyTxn(this, txn);
  }

  /** A lazy, fuzzy view for a snapshot writer; `sessions` is passed through as the session section. */
  snapshotSource(sessions: Iterable<readonly [bigint, number]>): SnapshotSource {
    return createSnapshotSource(this, sessions);
  }

  /** Adds an empty /zookeeper/config, world-readable, aversion -1 (also used when a loaded tree lacks it). */
  addConfigNode(): void {
    const proc = this.nodes.get(PROC_PATH);
    if (proc === undefined) throw new Error('there is no /zookeeper node');
    proc.addChild(childNameOf(CONFIG_PATH));
    this.putNode(CONFIG_PATH, this.newNode('', OPEN_ACL_INDEX));
    this.setACL(CONFIG_PATH, READ_ACL_UNSAFE, -1);
  }

  // ---------------------------------------------------------------- mutations

  /**
   * Adds a node. `parentCVersion` -1 means "the parent's stored cversion + 1"; the parent's cversion
   * and pzxid only move forward (replay over a fuzzy snapshot). NONODE / NODEEXISTS as values.
   */
  createNode(
    path: string,
    data: Buffer | null,
    acl: readonly ACL[] | null,
    ephemeralOwner: bigint,
    parentCVersion: number,
    zxid: bigint,
    time: bigint,
    triggers: WatchTrigger[],
    wantStat = false,
  ): MutationResult {
    const parentName = parentOf(path);
    const childName = childNameOf(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) return { err: ErrCode.NONODE };
    // As the reference: the ACL is counted before the existence check, so a NODEEXISTS leaks a use.
    const aclIndex = this.acls.convertAcls(acl);
    if (parent.children?.has(childName) === true) return { err: ErrCode.NODEEXISTS };
    const type = this.ephemeralTypeOf(ephemeralOwner);

    this.preChange(parent);
    const ps = parent.slot;
    let cversion = parentCVersion;
    if (cversion === -1) cversion = (this.store.getInt(ps, 'cversion') + 1) | 0;
    if (cversion > this.store.getInt(ps, 'cversion')) {
      this.store.setInt(ps, 'cversion', cversion);
      this.store.setLong(ps, 'pzxid', zxid);
    }
    const child = this.newNode(packData(data), aclIndex);
    this.initStat(child.slot, zxid, time, ephemeralOwner);
    parent.addChild(childName);
    this.postChange(parentName, parent);
    this.nodeDataSize += path.length + dataLength(child.data);
    this.putNode(path, child);
    this.indexOwner(path, ephemeralOwner, type);
    const statBytes = wantStat ? this.clientStatBytes(child) : undefined;

    this.quota.onCreate(parentName, childName, path, data === null ? 0 : data.length);
    triggers.push(
      { path, type: 'created', acl: this.acls.convertIndex(aclIndex) },
      { path: eventPath(parentName), type: 'childrenChanged', acl: this.acls.convertIndex(parent.acl) },
    );
    return statBytes === undefined ? { err: ErrCode.OK } : { err: ErrCode.OK, statBytes };
  }

  /** Removes a node. The parent's pzxid moves forward even when the node is already gone (replay). */
  deleteNode(path: string, zxid: bigint, triggers: WatchTrigger[]): number {
    const parentName = parentOf(path);
    const childName = childNameOf(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) return ErrCode.NONODE;
    this.preChange(parent);
    parent.removeChild(childName);
    if (zxid > this.store.getLong(parent.slot, 'pzxid')) this.store.setLong(parent.slot, 'pzxid', zxid);
    this.postChange(parentName, parent);

    const node = this.nodes.get(path);
    if (node === undefined) return ErrCode.NONODE;
    const acl = this.acls.convertIndex(node.acl);
    this.removeNode(path, node);
    this.acls.removeUsage(node.acl);
    this.nodeDataSize -= path.length + dataLength(node.data);
    this.unindexOwner(path, this.store.getLong(node.slot, 'ephemeralOwner'));

    this.quota.onDelete(parentName, childName, path, dataLength(node.data));
    if (node !== this.root) this.store.release(node.slot);
    triggers.push(
      { path, type: 'deleted', acl },
      { path: eventPath(parentName), type: 'childrenChanged', acl: this.acls.convertIndex(parent.acl) },
    );
    return ErrCode.OK;
  }

  /** Replaces a node's data; `version` is the new version (the txn carries it). */
  setData(path: string, data: Buffer | null, version: number, zxid: bigint, time: bigint, triggers: WatchTrigger[]): MutationResult {
    const node = this.nodes.get(path);
    if (node === undefined) return { err: ErrCode.NONODE };
    const oldLength = dataLength(node.data);
    this.preChange(node);
    node.data = packData(data);
    this.store.setLong(node.slot, 'mtime', time);
    this.store.setLong(node.slot, 'mzxid', zxid);
    this.store.setInt(node.slot, 'version', version);
    const statBytes = this.clientStatBytes(node);
    this.postChange(path, node);

    const newLength = data === null ? 0 : data.length;
    this.quota.onSetData(path, newLength - oldLength);
    this.nodeDataSize += newLength - oldLength;
    triggers.push({ path, type: 'dataChanged', acl: this.acls.convertIndex(node.acl) });
    return { err: ErrCode.OK, statBytes };
  }

  /** Replaces a node's ACL; `version` is the new aversion. Fires no watches. */
  setACL(path: string, acl: readonly ACL[] | null, version: number): MutationResult {
    const node = this.nodes.get(path);
    if (node === undefined) return { err: ErrCode.NONODE };
    this.acls.removeUsage(node.acl);
    this.preChange(node);
    this.store.setInt(node.slot, 'aversion', version);
    node.acl = this.acls.convertAcls(acl);
    const statBytes = this.clientStatBytes(node);
    this.postChange(path, node);
    return { err: ErrCode.OK, statBytes };
  }

  /** Raises a node's cversion (and sets its pzxid) only if `cversion` is larger; -1 means current + 1. */
  setCversionPzxid(path: string, cversion: number, zxid: bigint): number {
    const key = path.endsWith('/') ? path.slice(0, -1) : path;
    const node = this.nodes.get(key);
    if (node === undefined) return ErrCode.NONODE;
    const current = this.store.getInt(node.slot, 'cversion');
    const next = cversion === -1 ? (current + 1) | 0 : cversion;
    if (next > current) {
      this.preChange(node);
      this.store.setInt(node.slot, 'cversion', next);
      this.store.setLong(node.slot, 'pzxid', zxid);
      this.postChange(key, node);
    }
    return ErrCode.OK;
  }

  /** Removes and returns the session's ephemeral paths from the index (closeSession). */
  takeEphemerals(sessionId: bigint): Set<string> | undefined {
    const paths = this.ephemerals.get(sessionId);
    this.ephemerals.delete(sessionId);
    return paths;
  }

  // ---------------------------------------------------------------- reads (paths as clients send them)

  has(path: string): boolean {
    return this.nodes.has(path);
  }

  getNode(path: string): NodeInfo | null {
    const n = this.nodes.get(path);
    if (n === undefined) return null;
    const stat = this.store.read(n.slot);
    return {
      aclIndex: n.acl,
      acl: this.acls.convertIndex(n.acl),
      stat,
      numChildren: n.numChildren,
      dataLength: dataLength(n.data),
      ephemeralType: this.ephemeralTypeOf(stat.ephemeralOwner),
    };
  }

  /** mzxid and pzxid, what setWatches compares with the client's last zxid; null for NONODE. */
  watchZxids(path: string): { mzxid: bigint; pzxid: bigint } | null {
    const n = this.nodes.get(path);
    if (n === undefined) return null;
    return { mzxid: this.store.getLong(n.slot, 'mzxid'), pzxid: this.store.getLong(n.slot, 'pzxid') };
  }

  /** The stat a client sees, or null for NONODE. */
  clientStat(path: string): Stat | null {
    const n = this.nodes.get(path);
    return n === undefined ? null : this.statOf(n);
  }

  /** Bytes of a node's data (0 for null data), or null for NONODE: getData without copying data or stat. */
  dataLength(path: string): number | null {
    const n = this.nodes.get(path);
    return n === undefined ? null : dataLength(n.data);
  }

  getData(path: string): { data: Buffer | null; stat: Stat } | null {
    const n = this.nodes.get(path);
    return n === undefined ? null : { data: unpackData(n.data), stat: this.statOf(n) };
  }

  /** Child names (unordered, as the reference) and the parent's stat. */
  getChildren(path: string): { children: string[]; stat: Stat } | null {
    const n = this.nodes.get(path);
    if (n === undefined) return null;
    return { children: n.children === null ? [] : [...n.children], stat: this.statOf(n) };
  }

  getACL(path: string): { acl: ACL[]; stat: Stat } | null {
    const n = this.nodes.get(path);
    return n === undefined ? null : { acl: [...this.acls.convertIndex(n.acl)], stat: this.statOf(n) };
  }

  /** The ACL list guarding a node (for permission checks), or null for NONODE. */
  aclForPath(path: string): readonly ACL[] | null {
    const n = this.nodes.get(path);
    return n === undefined ? null : this.acls.convertIndex(n.acl);
  }

  /**
   * Descendants of a node, as the reference counts map keys under `path + "/"`: "/" gives the node
   * count minus the two root entries, "" also counts the "/" alias; a missing node gives 0.
   */
  getAllChildrenNumber(path: string): number {
    if (path === ROOT_ALIAS) return this.nodes.size - 2;
    if (path === ROOT_PATH) return this.nodes.size - 1;
    const start = this.nodes.get(path);
    if (start === undefined) return 0;
    let count = 0;
    const stack: string[] = [path];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const n = this.nodes.get(p);
      if (n === undefined || n.children === null) continue;
      for (const name of n.children) {
        const child = `${p}/${name}`;
        if (this.nodes.has(child)) count++;
        stack.push(child);
      }
    }
    return count;
  }

  /** A session's ephemeral paths, all of them when `prefix` is null, blank or "/" (getEphemerals, 3.6+). */
  getEphemerals(sessionId: bigint, prefix: string | null = null): string[] {
    const all = this.ephemerals.get(sessionId);
    if (all === undefined) return [];
    const trimmed = prefix === null ? '' : javaTrim(prefix);
    if (trimmed === '' || trimmed === ROOT_ALIAS) return [...all];
    return [...all].filter((p) => p.startsWith(prefix!));
  }

  /** Sessions that own (or owned: emptied sets stay, as the reference's) ephemeral nodes. */
  sessionsWithEphemerals(): bigint[] {
    return [...this.ephemerals.keys()];
  }

  get ephemeralsCount(): number {
    let total = 0;
    for (const paths of this.ephemerals.values()) total += paths.size;
    return total;
  }

  /** The deepest quota'd prefix of a path, or null (the root never has a quota). */
  getMaxPrefixWithQuota(path: string): string | null {
    return this.quota.maxPrefix(path);
  }
}
