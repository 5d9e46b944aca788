// Outstanding changes (the reference's ChangeRecords in ZooKeeperServer.outstandingChanges and
// outstandingChangesForPath): what prepared-but-not-yet-applied writes will do to each path, so a
// request sees the writes queued before it. Records are kept in zxid order; the newest record of a
// path wins; a record with a null stat is a pending delete. Records leave when the final step has
// applied their txn (applied(zxid)), or when a failed multi rolls its own records back.

import type { ACL, StatPersisted } from '../../protocol/generated';
import type { DataTree } from '../../tree';
import { dataLength } from '../../tree/znode';

export interface ChangeRecord {
  /** The txn that made this record; -1 for a view of the applied tree. */
  readonly zxid: bigint;
  readonly path: string;
  /** As persisted (stored cversion, raw owner); null = the path is being deleted. */
  readonly stat: StatPersisted | null;
  readonly childCount: number;
  readonly acl: readonly ACL[] | null;
  /** Bytes of data (quota checks on setData). */
  readonly dataLength: number;
}

/** Compacting the queue's consumed head once it is this long (and at least half of the array). */
const COMPACT_AT = 1024;

export class OutstandingChanges {
  private queue: ChangeRecord[] = [];
  private head = 0;
  private readonly byPath = new Map<string, ChangeRecord>();

  constructor(private readonly tree: DataTree) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** The newest outstanding record of a path, if any (pending deletes included). */
  outstanding(path: string): ChangeRecord | undefined {
    return this.byPath.get(path);
  }

  /** The path as the queued writes leave it (the reference's getRecordForPath): null for missing or being deleted. */
  live(path: string): ChangeRecord | null {
    const rec = this.byPath.get(path) ?? this.fromTree(path);
    return rec === null || rec.stat === null ? null : rec;
  }

  add(rec: ChangeRecord): void {
    this.queue.push(rec);
    this.byPath.set(rec.path, rec);
  }

  /** The records in zxid order (oldest first). */
  *records(): IterableIterator<ChangeRecord> {
    for (let i = this.head; i < this.queue.length; i++) yield this.queue[i]!;
  }

  /** The final step applied the txn `zxid`: every record up to it is now in the tree. */
  applied(zxid: bigint): void {
    while (this.head < this.queue.length && this.queue[this.head]!.zxid <= zxid) {
      const rec = this.queue[this.head]!;
      this.queue[this.head] = undefined as unknown as ChangeRecord;
      this.head++;
      if (this.byPath.get(rec.path) === rec) this.byPath.delete(rec.path);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AT && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * The newest records of the given paths and of their parents, taken before a multi runs so a
   * failed multi can restore them (the reference's getPendingChanges).
   */
  pendingFor(paths: readonly string[]): Map<string, ChangeRecord> {
    const pending = new Map<string, ChangeRecord>();
    for (const path of paths) {
      const rec = this.byPath.get(path);
      if (rec !== undefined) pending.set(path, rec);
      const slash = path.lastIndexOf('/');
      if (slash < 0 || path.includes('\0')) continue;
      const parent = path.slice(0, slash);
      const parentRec = this.byPath.get(parent);
      if (parentRec !== undefined) pending.set(parent, parentRec);
    }
    return pending;
  }

  /**
   * Undoes a failed multi as the reference's rollbackPendingChanges does: drops the newest records
   * made at `zxid` (and their paths' entries), then puts back the saved records that are still
   * outstanding.
   */
  rollback(zxid: bigint, pending: ReadonlyMap<string, ChangeRecord>): void {
    while (this.queue.length > this.head && this.queue[this.queue.length - 1]!.zxid === zxid) {
      const rec = this.queue.pop()!;
      this.byPath.delete(rec.path);
    }
    if (this.queue.length === this.head) return;
    const firstZxid = this.queue[this.head]!.zxid;
    for (const rec of pending.values()) {
      if (rec.zxid < firstZxid) continue;
      this.byPath.set(rec.path, rec);
    }
  }

  private fromTree(path: string): ChangeRecord | null {
    // The raw node avoids classifying the owner, which the reference does not do here either.
    const node = this.tree.rawNode(path);
    if (node === undefined) return null;
    return {
      zxid: -1n,
      path,
      stat: this.tree.persistedStatOf(node),
      childCount: node.numChildren,
      acl: this.tree.aclOf(node),
      dataLength: dataLength(node.data),
    };
  }
}

/** A copy of a record made by txn `zxid` with some stat fields changed (the reference's duplicate()). */
export function duplicate(rec: ChangeRecord, zxid: bigint, stat: Partial<StatPersisted>, childCount = rec.childCount, dataLen = rec.dataLength): ChangeRecord {
  return {
    zxid,
    path: rec.path,
    stat: { ...rec.stat!, ...stat },
    childCount,
    acl: rec.acl === null ? [] : rec.acl,
    dataLength: dataLen,
  };
}
