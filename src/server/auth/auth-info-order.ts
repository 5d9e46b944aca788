// The order a connection's ids come out in. The reference keeps them in a
// ConcurrentHashMap-backed set, so whoAmI lists them, and the `auth` ACL scheme expands to them,
// in that map's iteration order, not in the order they were added. This replays the insertions
// through a model of the JDK's ConcurrentHashMap: 16 bins to start, bin = spread(hash) & (n - 1),
// a bin is a list in insertion order, and the table doubles when the count reaches 3/4 of it. A
// doubling splits each bin in two: the bin's last run of entries that land in the same half keeps
// its order, and the entries before it are pushed onto the front of their half one by one
// (reversing them). Bins deep enough to become trees (8 entries) are beyond what a connection
// ever holds and are not modelled.

import type { Id } from '../../protocol/generated';
import { javaStringHash } from '../../util/java-hash';

/** The jute-generated Id.hashCode(): 37 * (37 * 17 + scheme.hashCode()) + id.hashCode(). */
export function javaIdHash(id: Id): number {
  let h = 17;
  h = (Math.imul(37, h) + javaStringHash(id.scheme ?? '')) | 0;
  h = (Math.imul(37, h) + javaStringHash(id.id ?? '')) | 0;
  return h;
}

/** ConcurrentHashMap.spread: the high half folded into the low half, sign bit cleared. */
function spread(h: number): number {
  return (h ^ (h >>> 16)) & 0x7fffffff;
}

interface Entry {
  hash: number;
  id: Id;
}

function sameId(a: Id, b: Id): boolean {
  return a.scheme === b.scheme && a.id === b.id;
}

function grow(table: Entry[][]): Entry[][] {
  const n = table.length;
  const next: Entry[][] = Array.from({ length: n * 2 }, () => []);
  for (let i = 0; i < n; i++) {
    const bin = table[i]!;
    if (bin.length === 0) continue;
    // The tail run that all goes to the same half is moved as is.
    let runStart = 0;
    for (let j = 1; j < bin.length; j++) {
      if ((bin[j]!.hash & n) !== (bin[j - 1]!.hash & n)) runStart = j;
    }
    const lo: Entry[] = [];
    const hi: Entry[] = [];
    const run = bin.slice(runStart);
    if ((run[0]!.hash & n) === 0) lo.push(...run);
    else hi.push(...run);
    for (let j = 0; j < runStart; j++) {
      const e = bin[j]!;
      if ((e.hash & n) === 0) lo.unshift(e);
      else hi.unshift(e);
    }
    next[i] = lo;
    next[i + n] = hi;
  }
  return next;
}

/**
 * `ids` in the order the reference would iterate them, given they were added in this order.
 * Duplicates (same scheme and id) are dropped, as the set drops them.
 */
export function javaAuthInfoOrder(ids: readonly Id[]): Id[] {
  let table: Entry[][] = Array.from({ length: 16 }, () => []);
  let count = 0;
  for (const id of ids) {
    const hash = spread(javaIdHash(id));
    const bin = table[hash & (table.length - 1)]!;
    if (bin.some((e) => sameId(e.id, id))) continue;
    bin.push({ hash, id });
    count++;
    if (count >= table.length - (table.length >>> 2)) table = grow(table);
  }
  const out: Id[] = [];
  for (const bin of table) for (const e of bin) out.push(e.id);
  return out;
}
