// The iteration order of a java.util.HashSet<String> (JDK 17's HashMap), so a closeSession lists
// its ephemerals in the order the reference writes them into CloseSessionTxn (and so deletes them,
// and fires their watches, in that order). HashMap keeps bins of entries in insertion order at
// index (hash ^ hash >>> 16) & (capacity - 1) and doubles the table when the size passes 3/4 of the
// capacity (or a bin reaches 9 entries while the table is under 64); resizing keeps each bin's
// relative order. Bins that would become trees (9+ colliding entries in a table of 64 or more)
// are kept as lists here: their order could differ from Java's, which needs adversarial paths.

import { javaStringHash } from './java-hash';
const DEFAULT_CAPACITY = 16;
const LOAD_FACTOR = 0.75;
const TREEIFY_THRESHOLD = 8;
const MIN_TREEIFY_CAPACITY = 64;
const MAXIMUM_CAPACITY = 1 << 30;

function spread(h: number): number {
  return h ^ (h >>> 16);
}

/** HashMap.tableSizeFor: the smallest power of two >= c (at least 1). */
function tableSizeFor(c: number): number {
  let n = 1;
  while (n < c && n < MAXIMUM_CAPACITY) n *= 2;
  return n;
}

export class JavaHashSet implements Iterable<string> {
  private table: string[][] | null = null;
  private threshold = 0;
  private count = 0;

  /** `new HashSet<>()` and then add() of each value in order. */
  static of(values: Iterable<string>): JavaHashSet {
    const set = new JavaHashSet();
    for (const v of values) set.add(v);
    return set;
  }

  /** `source.clone()`: a table pre-sized for the source's size, filled in the source's iteration order. */
  static cloneOf(source: JavaHashSet): JavaHashSet {
    const set = new JavaHashSet();
    const s = source.size;
    if (s > 0) {
      const ft = Math.fround(Math.fround(s / LOAD_FACTOR) + 1);
      set.threshold = tableSizeFor(Math.trunc(ft));
      for (const v of source) set.add(v);
    }
    return set;
  }

  get size(): number {
    return this.count;
  }

  get capacity(): number {
    return this.table === null ? 0 : this.table.length;
  }

  add(value: string): boolean {
    if (this.table === null) this.resize();
    const table = this.table!;
    const bin = table[spread(javaStringHash(value)) & (table.length - 1)]!;
    if (bin.includes(value)) return false;
    bin.push(value);
    if (bin.length > TREEIFY_THRESHOLD && table.length < MIN_TREEIFY_CAPACITY) this.resize();
    if (++this.count > this.threshold) this.resize();
    return true;
  }

  delete(value: string): boolean {
    if (this.table === null) return false;
    const bin = this.table[spread(javaStringHash(value)) & (this.table.length - 1)]!;
    const at = bin.indexOf(value);
    if (at < 0) return false;
    bin.splice(at, 1);
    this.count--;
    return true;
  }

  *[Symbol.iterator](): IterableIterator<string> {
    if (this.table === null) return;
    for (const bin of this.table) yield* bin;
  }

  /** HashMap.resize: first allocation (default or pre-sized) or doubling, keeping each bin's order. */
  private resize(): void {
    const oldCap = this.table === null ? 0 : this.table.length;
    const oldThr = this.threshold;
    let newCap: number;
    let newThr = 0;
    if (oldCap > 0) {
      if (oldCap >= MAXIMUM_CAPACITY) {
        this.threshold = 0x7fffffff;
        return;
      }
      newCap = oldCap * 2;
      if (newCap < MAXIMUM_CAPACITY && oldCap >= DEFAULT_CAPACITY) newThr = oldThr * 2;
    } else if (oldThr > 0) {
      newCap = oldThr;
    } else {
      newCap = DEFAULT_CAPACITY;
      newThr = Math.trunc(DEFAULT_CAPACITY * LOAD_FACTOR);
    }
    if (newThr === 0) newThr = newCap < MAXIMUM_CAPACITY ? Math.trunc(Math.fround(newCap * LOAD_FACTOR)) : 0x7fffffff;
    const table: string[][] = Array.from({ length: newCap }, () => []);
    if (this.table !== null) {
      for (const bin of this.table) {
        for (const v of bin) table[spread(javaStringHash(v)) & (newCap - 1)]!.push(v);
      }
    }
    this.table = table;
    this.threshold = newThr;
  }
}
