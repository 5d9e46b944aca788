// Quota bookkeeping as the reference does it: /zookeeper/quota<path>/zookeeper_limits marks <path>
// as quota'd (kept in a path trie), /zookeeper/quota<path>/zookeeper_stats holds the live
// "count=<n>,bytes=<n>" of the subtree, updated locally on every server when txns apply (no txn).

import { QUOTA_PATH } from './paths';

export const LIMIT_NODE = 'zookeeper_limits';
export const STAT_NODE = 'zookeeper_stats';

export function quotaPath(path: string): string {
  return QUOTA_PATH + path;
}
export function limitPath(path: string): string {
  return `${QUOTA_PATH}${path}/${LIMIT_NODE}`;
}
export function statPath(path: string): string {
  return `${QUOTA_PATH}${path}/${STAT_NODE}`;
}
/** The real path of a quota path: everything after "/zookeeper/quota" (null when the string is shorter). */
export function trimQuotaPath(path: string): string | null {
  return path.length < QUOTA_PATH.length ? null : path.slice(QUOTA_PATH.length);
}

/** Java's String.split(regex) with limit 0: trailing empty strings are dropped; no match gives [s]. */
function javaSplit(s: string, sep: RegExp | string): string[] {
  const parts = s.split(sep);
  if (parts.length === 1) return parts;
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

const LONG_MIN = -(1n << 63n);
const LONG_MAX = (1n << 63n) - 1n;

/** Long.parseLong: optional sign, decimal digits, within 64 bits. */
function parseJavaLong(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  return v < LONG_MIN || v > LONG_MAX ? null : v;
}

export class StatsTrackFormatError extends Error {
  override readonly name = 'StatsTrackFormatError';
  readonly code = 'TREE_BAD_QUOTA_STATS';
}

/** The reference's StatsTrack: "count=<n>,bytes=<n>" plus hard limits after "=;" (keys sorted). */
export class StatsTrack {
  private readonly stats = new Map<string, bigint>();

  /** Parses as the reference does; text it would throw on raises StatsTrackFormatError. */
  static parse(text: string): StatsTrack {
    const t = new StatsTrack();
    if (text.length === 0) return t;
    for (const pair of javaSplit(text, /[,;]+/)) {
      const kv = javaSplit(pair, '=');
      const raw = kv[1];
      if (raw === undefined) throw new StatsTrackFormatError(`no value in "${pair}" of "${text}"`);
      const v = parseJavaLong(raw === '' ? '-1' : raw);
      if (v === null) throw new StatsTrackFormatError(`bad number "${raw}" in "${text}"`);
      t.stats.set(kv[0]!, v);
    }
    return t;
  }

  get count(): bigint {
    return this.stats.get('count') ?? -1n;
  }
  set count(v: bigint) {
    this.stats.set('count', BigInt.asIntN(64, v));
  }
  get bytes(): bigint {
    return this.stats.get('bytes') ?? -1n;
  }
  set bytes(v: bigint) {
    this.stats.set('bytes', BigInt.asIntN(64, v));
  }
  get countHardLimit(): bigint {
    return this.stats.get('countHardLimit') ?? -1n;
  }
  get byteHardLimit(): bigint {
    return this.stats.get('byteHardLimit') ?? -1n;
  }

  toString(): string {
    const extra = [...this.stats.keys()].filter((k) => k !== 'count' && k !== 'bytes').sort();
    let s = `count=${this.count},bytes=${this.bytes}`;
    if (extra.length > 0) s += '=' + extra.map((k) => `;${k}=${this.stats.get(k)}`).join('');
    return s;
  }

  toBuffer(): Buffer {
    return Buffer.from(this.toString(), 'utf8');
  }
}

class TrieNode {
  readonly children = new Map<string, TrieNode>();
  property = false;
  constructor(
    public parent: TrieNode | null,
    readonly value: string,
  ) {}
}

/** Components of a path, skipping the empty and blank ones as the reference's trie does. */
function components(path: string): string[] {
  // Java's trim() strips chars <= U+0020, so a component made only of those is skipped.
  return path.split('/').filter((c) => !/^[\u0000-\u0020]*$/.test(c));
}

/** The reference's PathTrie: the quota'd paths, answering "deepest quota'd ancestor-or-self". */
export class PathTrie {
  private readonly root = new TrieNode(null, '/');

  addPath(path: string): void {
    let node = this.root;
    for (const part of components(path)) {
      let child = node.children.get(part);
      if (child === undefined) {
        child = new TrieNode(node, part);
        node.children.set(part, child);
      }
      node = child;
    }
    node.property = true;
  }

  /** Clears the mark of `path`; the trie node goes only if it has no children (ancestors stay). */
  deletePath(path: string): void {
    let node = this.root;
    for (const part of components(path)) {
      const child = node.children.get(part);
      if (child === undefined) return;
      node = child;
    }
    const parent = node.parent;
    if (parent === null) return;
    node.property = false;
    if (node.children.size === 0) {
      parent.children.delete(node.value);
      node.parent = null;
    }
  }

  get isEmpty(): boolean {
    return this.root.children.size === 0;
  }

  /** The deepest marked prefix of `path`, or "/" when there is none. */
  findMaxPrefix(path: string): string {
    let node: TrieNode | undefined = this.root;
    let deepest: TrieNode | null = null;
    for (const part of components(path)) {
      node = node.children.get(part);
      if (node === undefined) break;
      if (node.property) deepest = node;
    }
    if (deepest === null) return '/';
    const parts: string[] = [];
    for (let n: TrieNode | null = deepest; n !== null && n !== this.root; n = n.parent) parts.push(n.value);
    return '/' + parts.reverse().join('/');
  }

  clear(): void {
    this.root.children.clear();
  }
}
