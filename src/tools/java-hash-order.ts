// The iteration order of a java.util.HashSet / HashMap (JDK 8+), which the reference's tools print
// in: a node's children (a HashSet<String> created with capacity 8) and the snapshot's sessions
// (a HashMap<Long, Integer> with the default capacity 16).
//
// The order follows from the insertion order, so this replays the insertions through a model of
// Java's HashMap: a power-of-two table; bucket (h ^ (h >>> 16)) & (n - 1) for the key's hashCode h;
// a bucket is a list in insertion order; the table doubles when the size exceeds 3/4 of it (a
// resize splits each list in two without reordering) and when a list reaches 9 entries in a
// table below 64. A list reaching 9 entries in a larger table becomes a red-black tree (ordered by
// hash, then by compareTo) whose linked order is what iteration follows: the tree's root moved to
// the front, each later node linked right after its tree parent; a resize splits a tree and turns
// halves of 6 or fewer back into lists. Removals never happen here and are not modelled.

import { javaLongHash, javaStringHash } from '../util/java-hash';

const TREEIFY_THRESHOLD = 8;
const UNTREEIFY_THRESHOLD = 6;
const MIN_TREEIFY_CAPACITY = 64;

interface HNode<K> {
  hash: number;
  key: K;
  next: HNode<K> | null;
  /** A TreeNode (its bin is a tree). */
  tree: boolean;
  prev: HNode<K> | null;
  parent: HNode<K> | null;
  left: HNode<K> | null;
  right: HNode<K> | null;
  red: boolean;
}

type Table<K> = (HNode<K> | null)[];

function node<K>(hash: number, key: K, next: HNode<K> | null, tree: boolean): HNode<K> {
  return { hash, key, next, tree, prev: null, parent: null, left: null, right: null, red: false };
}

function rotateLeft<K>(root: HNode<K>, p: HNode<K>): HNode<K> {
  const r = p.right;
  if (r === null) return root;
  const rl = (p.right = r.left);
  if (rl !== null) rl.parent = p;
  const pp = (r.parent = p.parent);
  if (pp === null) (root = r).red = false;
  else if (pp.left === p) pp.left = r;
  else pp.right = r;
  r.left = p;
  p.parent = r;
  return root;
}

function rotateRight<K>(root: HNode<K>, p: HNode<K>): HNode<K> {
  const l = p.left;
  if (l === null) return root;
  const lr = (p.left = l.right);
  if (lr !== null) lr.parent = p;
  const pp = (l.parent = p.parent);
  if (pp === null) (root = l).red = false;
  else if (pp.right === p) pp.right = l;
  else pp.left = l;
  l.right = p;
  p.parent = l;
  return root;
}

/** Red-black insertion fix-up, as HashMap.TreeNode.balanceInsertion; returns the new root. */
function balanceInsertion<K>(root: HNode<K>, x: HNode<K>): HNode<K> {
  x.red = true;
  for (;;) {
    let xp = x.parent;
    if (xp === null) {
      x.red = false;
      return x;
    }
    let xpp = xp.parent;
    if (!xp.red || xpp === null) return root;
    const xppl = xpp.left;
    if (xp === xppl) {
      const xppr = xpp.right;
      if (xppr !== null && xppr.red) {
        xppr.red = false;
        xp.red = false;
        xpp.red = true;
        x = xpp;
      } else {
        if (x === xp.right) {
          root = rotateLeft(root, (x = xp));
          xp = x.parent;
          xpp = xp === null ? null : xp.parent;
        }
        if (xp !== null) {
          xp.red = false;
          if (xpp !== null) {
            xpp.red = true;
            root = rotateRight(root, xpp);
          }
        }
      }
    } else if (xppl !== null && xppl.red) {
      xppl.red = false;
      xp.red = false;
      xpp.red = true;
      x = xpp;
    } else {
      if (x === xp.left) {
        root = rotateRight(root, (x = xp));
        xp = x.parent;
        xpp = xp === null ? null : xp.parent;
      }
      if (xp !== null) {
        xp.red = false;
        if (xpp !== null) {
          xpp.red = true;
          root = rotateLeft(root, xpp);
        }
      }
    }
  }
}

/** A model of java.util.HashMap's table, enough to know its iteration order. */
class JavaHashTable<K> {
  private tab: Table<K> = [];
  private size = 0;
  private threshold = 0;

  constructor(
    private readonly hashOf: (k: K) => number,
    private readonly compare: (a: K, b: K) => number,
    private readonly initialCapacity: number,
  ) {}

  keys(): K[] {
    const out: K[] = [];
    for (const head of this.tab) for (let e = head; e !== null; e = e.next) out.push(e.key);
    return out;
  }

  put(key: K): void {
    if (this.tab.length === 0) this.resize();
    const h = this.hashOf(key);
    const hash = h ^ (h >>> 16);
    const i = (this.tab.length - 1) & hash;
    const first = this.tab[i] ?? null;
    if (first === null) {
      this.tab[i] = node(hash, key, null, false);
    } else if (first.tree) {
      if (!this.putTreeVal(i, hash, key)) return;
    } else {
      let p = first;
      for (let binCount = 0; ; binCount++) {
        if (p.hash === hash && this.compare(p.key, key) === 0) return;
        if (p.next === null) {
          p.next = node(hash, key, null, false);
          if (binCount >= TREEIFY_THRESHOLD - 1) this.treeifyBin(i);
          break;
        }
        p = p.next;
      }
    }
    if (++this.size > this.threshold) this.resize();
  }

  private order(a: HNode<K>, hash: number, key: K): number {
    return a.hash > hash ? -1 : a.hash < hash ? 1 : this.compare(key, a.key);
  }

  /** Adds to a tree bin; false when the key is already there. */
  private putTreeVal(i: number, hash: number, key: K): boolean {
    let root = this.tab[i]!;
    while (root.parent !== null) root = root.parent;
    for (let p: HNode<K> = root; ; ) {
      if (p.hash === hash && this.compare(p.key, key) === 0) return false;
      const dir = this.order(p, hash, key);
      const xp = p;
      const child = dir <= 0 ? p.left : p.right;
      if (child === null) {
        const xpn = xp.next;
        const x = node(hash, key, xpn, true);
        if (dir <= 0) xp.left = x;
        else xp.right = x;
        xp.next = x;
        x.parent = x.prev = xp;
        if (xpn !== null) xpn.prev = x;
        this.moveRootToFront(this.tab, balanceInsertion(root, x));
        return true;
      }
      p = child;
    }
  }

  private treeifyBin(i: number): void {
    if (this.tab.length < MIN_TREEIFY_CAPACITY) {
      this.resize();
      return;
    }
    let prev: HNode<K> | null = null;
    for (let e = this.tab[i] ?? null; e !== null; e = e.next) {
      e.tree = true;
      e.prev = prev;
      prev = e;
    }
    this.treeify(this.tab, this.tab[i]!);
  }

  /** Builds the tree of the list starting at `head` (its linked order kept), root moved to the front. */
  private treeify(tab: Table<K>, head: HNode<K>): void {
    let root: HNode<K> | null = null;
    for (let x: HNode<K> | null = head; x !== null; x = x.next) {
      x.left = x.right = null;
      if (root === null) {
        x.parent = null;
        x.red = false;
        root = x;
        continue;
      }
      for (let p: HNode<K> = root; ; ) {
        const dir = this.order(p, x.hash, x.key);
        const xp = p;
        const child = dir <= 0 ? p.left : p.right;
        if (child === null) {
          x.parent = xp;
          if (dir <= 0) xp.left = x;
          else xp.right = x;
          root = balanceInsertion(root, x);
          break;
        }
        p = child;
      }
    }
    this.moveRootToFront(tab, root!);
  }

  private moveRootToFront(tab: Table<K>, root: HNode<K>): void {
    const i = (tab.length - 1) & root.hash;
    const first = tab[i] ?? null;
    if (root === first) return;
    tab[i] = root;
    const rp = root.prev;
    const rn = root.next;
    if (rn !== null) rn.prev = rp;
    if (rp !== null) rp.next = rn;
    if (first !== null) first.prev = root;
    root.next = first;
    root.prev = null;
  }

  private resize(): void {
    const oldTab = this.tab;
    const oldCap = oldTab.length;
    const newCap = oldCap === 0 ? this.initialCapacity : oldCap * 2;
    this.threshold = newCap * 0.75;
    const newTab: Table<K> = new Array<HNode<K> | null>(newCap).fill(null);
    for (let j = 0; j < oldCap; j++) {
      const e = oldTab[j] ?? null;
      if (e === null) continue;
      if (e.next === null) newTab[e.hash & (newCap - 1)] = e;
      else if (e.tree) this.splitTree(newTab, e, j, oldCap);
      else {
        const [lo, hi] = splitList(e, oldCap);
        newTab[j] = lo;
        newTab[j + oldCap] = hi;
      }
    }
    this.tab = newTab;
  }

  private splitTree(newTab: Table<K>, b: HNode<K>, index: number, bit: number): void {
    const parts: [HNode<K> | null, HNode<K> | null, number][] = [
      [null, null, 0],
      [null, null, 0],
    ];
    for (let e: HNode<K> | null = b; e !== null; ) {
      const next: HNode<K> | null = e.next;
      e.next = null;
      const part = parts[(e.hash & bit) === 0 ? 0 : 1]!;
      e.prev = part[1];
      if (part[1] === null) part[0] = e;
      else part[1].next = e;
      part[1] = e;
      part[2]++;
      e = next;
    }
    parts.forEach(([head, , count], k) => {
      if (head === null) return;
      const at = index + (k === 0 ? 0 : bit);
      if (count <= UNTREEIFY_THRESHOLD) {
        for (let e: HNode<K> | null = head; e !== null; e = e.next) {
          e.tree = false;
          e.prev = e.parent = e.left = e.right = null;
        }
        newTab[at] = head;
      } else {
        newTab[at] = head;
        if (parts[1 - k]![0] !== null) this.treeify(newTab, head);
      }
    });
  }
}

/** A plain bin split by one more hash bit, each half in its original order. */
function splitList<K>(e: HNode<K>, bit: number): [HNode<K> | null, HNode<K> | null] {
  let loHead: HNode<K> | null = null;
  let loTail: HNode<K> | null = null;
  let hiHead: HNode<K> | null = null;
  let hiTail: HNode<K> | null = null;
  for (let p: HNode<K> | null = e; p !== null; ) {
    const next: HNode<K> | null = p.next;
    p.next = null;
    if ((p.hash & bit) === 0) {
      if (loTail === null) loHead = p;
      else loTail.next = p;
      loTail = p;
    } else {
      if (hiTail === null) hiHead = p;
      else hiTail.next = p;
      hiTail = p;
    }
    p = next;
  }
  return [loHead, hiHead];
}

/**
 * `keys` (in insertion order; repeats are ignored) in the order a HashMap created with
 * `initialCapacity` (a power of two) iterates them. `compare` is the keys' compareTo.
 */
export function javaHashOrder<K>(keys: Iterable<K>, hash: (k: K) => number, compare: (a: K, b: K) => number, initialCapacity: number): K[] {
  const t = new JavaHashTable(hash, compare, initialCapacity);
  for (const k of keys) t.put(k);
  return t.keys();
}

function compareNatural<T extends string | bigint>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A HashSet<String>'s order: DataNode children (created with capacity 8). */
export function javaChildOrder(names: readonly string[]): string[] {
  return javaHashOrder(names, javaStringHash, compareNatural, 8);
}

/** A HashMap<Long, ?>'s key order with the default capacity (the snapshot's sessions). */
export function javaSessionOrder(ids: Iterable<bigint>): bigint[] {
  return javaHashOrder(ids, javaLongHash, compareNatural, 16);
}
