// The iteration order of a java.util.concurrent.ConcurrentHashMap<String, ?> filled by inserting
// keys in a given order. The reference's default metrics provider keeps each kind of metric in such
// a map and `mntr` prints them in its iteration order; zkts registers the same names in the same
// order and replays the table here, so its mntr lists keys in the reference's order.
//
// Modelled (JDK 8+ ConcurrentHashMap): a 16-bin table created on the first insert; a key goes to
// bin spread(hashCode) & (n - 1) and is appended at the end of that bin's list; after an insert
// that brings the size to 0.75 n the table doubles, and each bin is split by one more hash bit the
// way `transfer` does it (the tail run that lands in one half is kept as it is, the nodes before it
// are pushed in front, reversing them). Bins never get long enough here to become trees.

import { javaStringHash } from '../util/java-hash';

const HASH_BITS = 0x7fffffff;
const INITIAL_BINS = 16;

interface Node {
  hash: number;
  key: string;
  next: Node | null;
}

function spread(h: number): number {
  return (h ^ (h >>> 16)) & HASH_BITS;
}

/** Doubles the table as ConcurrentHashMap.transfer does. */
function transfer(table: (Node | null)[]): (Node | null)[] {
  const n = table.length;
  const next: (Node | null)[] = new Array<Node | null>(n * 2).fill(null);
  for (let i = 0; i < n; i++) {
    const f = table[i];
    if (f === null || f === undefined) continue;
    let runBit = f.hash & n;
    let lastRun: Node = f;
    for (let p = f.next; p !== null; p = p.next) {
      const b = p.hash & n;
      if (b !== runBit) {
        runBit = b;
        lastRun = p;
      }
    }
    let ln: Node | null = runBit === 0 ? lastRun : null;
    let hn: Node | null = runBit === 0 ? null : lastRun;
    for (let p: Node = f; p !== lastRun; p = p.next!) {
      if ((p.hash & n) === 0) ln = { hash: p.hash, key: p.key, next: ln };
      else hn = { hash: p.hash, key: p.key, next: hn };
    }
    next[i] = ln;
    next[i + n] = hn;
  }
  return next;
}

/** `keys` in insertion order (repeats ignored) -> the order a ConcurrentHashMap iterates them. */
export function concurrentHashMapOrder(keys: Iterable<string>): string[] {
  let table: (Node | null)[] | null = null;
  let size = 0;
  let sizeCtl = 0;
  for (const key of keys) {
    if (table === null) {
      table = new Array<Node | null>(INITIAL_BINS).fill(null);
      sizeCtl = INITIAL_BINS - (INITIAL_BINS >>> 2);
    }
    const hash = spread(javaStringHash(key));
    const i = hash & (table.length - 1);
    let p = table[i] ?? null;
    if (p === null) {
      table[i] = { hash, key, next: null };
    } else {
      let found = false;
      for (;;) {
        if (p.key === key) {
          found = true;
          break;
        }
        if (p.next === null) break;
        p = p.next;
      }
      if (found) continue;
      p.next = { hash, key, next: null };
    }
    size++;
    while (size >= sizeCtl) {
      table = transfer(table);
      const n = table.length;
      sizeCtl = n - (n >>> 2);
    }
  }
  const out: string[] = [];
  if (table === null) return out;
  for (const head of table) for (let p = head; p !== null; p = p.next) out.push(p.key);
  return out;
}
