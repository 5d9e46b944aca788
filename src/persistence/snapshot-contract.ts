// The contract between the data tree and the snapshot format, so neither knows the other:
// a writer pulls a SnapshotSource lazily (the tree keeps changing while it is written, as in the
// reference's fuzzy snapshots); a reader pushes into a SnapshotSink.

import type { AclCacheEntry, DataNode, ZxidDigest } from '../protocol/generated';

export interface SnapshotNode {
  /** Absolute path; the root is "" as in the reference's files. */
  path: string;
  node: DataNode;
}

export interface SnapshotSource {
  /** Session id -> timeout (ms), as known when serialization starts. */
  sessions(): Iterable<readonly [bigint, number]>;
  /** The ACL cache: index -> ACL list, for every index a node may reference. */
  aclEntries(): Iterable<AclCacheEntry>;
  /**
   * Nodes in pre-order (a parent before its children), the root ("") first. Each node is read when
   * it is yielded, so a writer that yields to the event loop between chunks sees later changes
   * for nodes it has not reached yet: the file is fuzzy and replay from its zxid repairs it.
   */
  nodes(): Iterable<SnapshotNode>;
  /** (zxid, tree digest) of the last txn applied, read after the nodes; null when digests are off. */
  digest(): ZxidDigest | null;
}

export interface SnapshotSink {
  session(id: bigint, timeoutMs: number): void;
  aclEntry(entry: AclCacheEntry): void;
  /** Called in file order: a parent always precedes its children. */
  node(path: string, node: DataNode): void;
  /** The file's digest section, or null when the file has none. */
  digest(d: ZxidDigest | null): void;
}
