// The reference's ReferenceCountedACLCache: nodes hold a small index instead of their ACL list.
// Equal lists (same entries, same order) share one index; indexes count up from 1 and are never
// reused; an entry disappears when its last user goes. -1 stands for the open ACL and is only
// used for a null list (the special nodes).

import type { ACL, AclCacheEntry } from '../protocol/generated';

export const OPEN_ACL_INDEX = -1;

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** world:anyone with every permission (ZooDefs.Ids.OPEN_ACL_UNSAFE). */
export const OPEN_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }]);
/** world:anyone read-only (ZooDefs.Ids.READ_ACL_UNSAFE), the ACL of /zookeeper/config. */
export const READ_ACL_UNSAFE: readonly ACL[] = Object.freeze([{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }]);

export class AclCacheError extends Error {
  override readonly name = 'AclCacheError';
  readonly code = 'TREE_ACL_MISSING';
}

/** A content key for an ACL list: equal lists get equal keys (strings are length-prefixed, null is -1). */
function keyOf(acls: readonly ACL[]): string {
  let key = '';
  for (const a of acls) key += `${a.perms}|${part(a.id.scheme)}${part(a.id.id)};`;
  return key;
}

function part(s: string | null): string {
  return s === null ? '-1:' : `${s.length}:${s}`;
}

export class AclCache {
  private readonly byIndex = new Map<number, readonly ACL[]>();
  private readonly byKey = new Map<string, number>();
  private readonly refCounts = new Map<number, number>();
  /** The last index handed out (or the largest loaded). */
  private lastIndex = 0;

  /** The index for a list, adding one use (a new entry if the list is unknown). */
  convertAcls(acls: readonly ACL[] | null): number {
    if (acls === null) return OPEN_ACL_INDEX;
    const key = keyOf(acls);
    let index = this.byKey.get(key);
    if (index === undefined) {
      index = ++this.lastIndex;
      this.byIndex.set(index, acls);
      this.byKey.set(key, index);
    }
    this.addUsage(index);
    return index;
  }

  /** The list behind an index; a missing index is a broken tree (the reference throws too). */
  convertIndex(index: number): readonly ACL[] {
    if (index === OPEN_ACL_INDEX) return OPEN_ACL_UNSAFE;
    const acls = this.byIndex.get(index);
    if (acls === undefined) throw new AclCacheError(`ACL not available for index ${index}`);
    return acls;
  }

  /** True when the index resolves (the open index always does). */
  has(index: number): boolean {
    return index === OPEN_ACL_INDEX || this.byIndex.has(index);
  }

  addUsage(index: number): void {
    if (index === OPEN_ACL_INDEX || !this.byIndex.has(index)) return;
    this.refCounts.set(index, (this.refCounts.get(index) ?? 0) + 1);
  }

  removeUsage(index: number): void {
    if (index === OPEN_ACL_INDEX || !this.byIndex.has(index)) return;
    const count = (this.refCounts.get(index) ?? 0) - 1;
    if (count <= 0) this.drop(index);
    else this.refCounts.set(index, count);
  }

  /** Loads one snapshot entry with no users yet; indexes continue after the largest loaded. */
  load(entry: AclCacheEntry): void {
    const index = Number(entry.index);
    const acls = entry.acls ?? [];
    if (this.lastIndex < index) this.lastIndex = index;
    this.byIndex.set(index, acls);
    this.byKey.set(keyOf(acls), index);
    this.refCounts.set(index, 0);
  }

  /** Forgets every entry (the index counter keeps going, as in the reference). */
  clear(): void {
    this.byIndex.clear();
    this.byKey.clear();
    this.refCounts.clear();
  }

  /** Drops entries nobody uses (after a snapshot load). */
  purgeUnused(): void {
    for (const [index, count] of this.refCounts) {
      if (count <= 0) this.drop(index);
    }
  }

  private drop(index: number): void {
    const acls = this.byIndex.get(index);
    if (acls !== undefined) this.byKey.delete(keyOf(acls));
    this.byIndex.delete(index);
    this.refCounts.delete(index);
  }

  get size(): number {
    return this.byKey.size;
  }

  /** Users of an index (0 when unknown); for tests and diagnostics. */
  usage(index: number): number {
    return this.refCounts.get(index) ?? 0;
  }

  /** Every entry, as a snapshot writes them. */
  *entries(): IterableIterator<AclCacheEntry> {
    for (const [index, acls] of [...this.byIndex]) yield { index: BigInt(index), acls: [...acls] };
  }
}
