// The tree's side of the snapshot contract. Writing: a lazy pre-order walk that reads each node
// only when it is yielded, so a writer that yields to the event loop produces a fuzzy snapshot
// (as the reference's) and nodes deleted meanwhile are simply skipped with their subtrees.
// Reading: a sink that builds a fresh tree and, at the end, links the "/" alias, recounts quotas,
// purges unused ACLs and remembers the file's digest for the replay check.

import type { AclCacheEntry, DataNode, ZxidDigest } from '../protocol/generated';
import type { SnapshotNode, SnapshotSource } from '../persistence/snapshot-contract';
import type { EncodedNodeSink } from '../persistence/snapshot/parser';
import type { DataTree } from './data-tree';
import { ROOT_PATH } from './paths';
import { packData, packDataFrom, unpackData } from './znode';

export class SnapshotTreeError extends Error {
  override readonly name = 'SnapshotTreeError';
  readonly code = 'TREE_SNAPSHOT_INVALID';
}

export function createSnapshotSource(tree: DataTree, sessions: Iterable<readonly [bigint, number]>): SnapshotSource {
  return {
    sessions: () => sessions,
    aclEntries: () => [...tree.aclCache.entries()],
    nodes: () => walkNodes(tree),
    digest: () => tree.snapshotDigest(),
  };
}

interface Frame {
  base: string;
  names: string[];
  next: number;
}

function* walkNodes(tree: DataTree): Generator<SnapshotNode> {
  const first = readNode(tree, ROOT_PATH);
  if (first === null) return;
  yield first.item;
  const stack: Frame[] = [{ base: ROOT_PATH, names: first.children, next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.names.length) {
      stack.pop();
      continue;
    }
    const path = `${top.base}/${top.names[top.next++]}`;
    const read = readNode(tree, path);
    if (read === null) continue; // deleted since its parent was read: skip it and its subtree
    yield read.item;
    if (read.children.length > 0) stack.push({ base: path, names: read.children, next: 0 });
  }
}

function readNode(tree: DataTree, path: string): { item: SnapshotNode; children: string[] } | null {
  const n = tree.rawNode(path);
  if (n === undefined) return null;
  const node: DataNode = { data: unpackData(n.data), acl: BigInt(n.acl), stat: tree.persistedStatOf(n) };
  return { item: { path, node }, children: n.children === null ? [] : [...n.children] };
}

/** Builds a tree from a snapshot's sections; `finish()` returns it. */
export class DataTreeLoader implements EncodedNodeSink {
  readonly sessions = new Map<bigint, number>();
  private readonly tree: DataTree;
  private fileDigest: ZxidDigest | null = null;
  private finished = false;

  /** Use DataTree.loader(); `tree` must be freshly constructed. */
  constructor(tree: DataTree) {
    this.tree = tree;
    this.tree.beginLoad();
  }

  session(id: bigint, timeoutMs: number): void {
    this.sessions.set(id, timeoutMs);
  }

  aclEntry(entry: AclCacheEntry): void {
    this.tree.aclCache.load(entry);
  }

  node(path: string, node: DataNode): void {
    const ok = this.tree.loadNode(path, packData(node.data), Number(node.acl), node.stat);
    if (!ok) throw new SnapshotTreeError(`invalid data tree: no parent for ${JSON.stringify(path)}`);
  }

  /** node() for the parser's encoded form: no DataNode, data Buffer or stat bigints per node. */
  encodedNode(path: string, buf: Buffer, pathAt: number, dataAt: number, dataLen: number, aclIndex: number, statAt: number): void {
    const ok = this.tree.loadEncodedNode(path, packDataFrom(buf, dataAt, dataLen), aclIndex, buf, pathAt, dataAt, dataLen, statAt);
    if (!ok) throw new SnapshotTreeError(`invalid data tree: no parent for ${JSON.stringify(path)}`);
  }

  digest(d: ZxidDigest | null): void {
    this.fileDigest = d !== null && d.zxid > 0n ? d : null;
  }

  /**
   * Completes the tree. With `snapshotZxid` (the zxid in the file name) it becomes the tree's
   * lastProcessedZxid; a file digest older than it is dropped (it cannot be checked), one taken at
   * exactly that zxid is checked now (the snapshot was not fuzzy), a later one when replay reaches it.
   */
  finish(snapshotZxid?: bigint): DataTree {
    if (this.finished) throw new Error('DataTreeLoader.finish called twice');
    this.finished = true;
    if (!this.tree.finishLoad()) throw new SnapshotTreeError('invalid data tree: the snapshot has no root node');
    let d = this.tree.digestEnabled ? this.fileDigest : null;
    if (snapshotZxid !== undefined) {
      this.tree.lastProcessedZxid = snapshotZxid;
      if (d !== null && d.zxid < snapshotZxid) d = null;
    }
    this.tree.digestFromLoadedSnapshot = d;
    if (d !== null && snapshotZxid !== undefined) this.tree.compareSnapshotDigest(snapshotZxid);
    return this.tree;
  }
}
