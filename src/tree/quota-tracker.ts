// Keeps quota stats current as the tree changes, as the reference's DataTree does: creating
// .../zookeeper_limits marks a path, creating .../zookeeper_stats recounts its subtree, and every
// create/delete/setData below a marked path adjusts the nearest marked ancestor's stats node.
// Stats nodes live under /zookeeper/ so they never enter the digest; their data is replaced in place.

import { PROC_PATH, QUOTA_PATH, ROOT_ALIAS } from './paths';
import { LIMIT_NODE, PathTrie, STAT_NODE, StatsTrack, StatsTrackFormatError, statPath, trimQuotaPath } from './quota';
import { type NodeData, type ZNode, dataLength, packData } from './znode';

export class QuotaTracker {
  private readonly trie = new PathTrie();
  /** Stats nodes whose text could not be parsed (the reference would throw out of the apply). */
  statErrors = 0;

  constructor(private readonly nodes: ReadonlyMap<string, ZNode>) {}

  /** The deepest quota'd prefix of a path, or null (the root never has a quota). */
  maxPrefix(path: string): string | null {
    if (this.trie.isEmpty) return null;
    const prefix = this.trie.findMaxPrefix(path);
    return prefix === ROOT_ALIAS || prefix === '' ? null : prefix;
  }

  /** After a node was created at `path` (= parentName + "/" + childName) with `bytes` of data. */
  onCreate(parentName: string, childName: string, path: string, bytes: number): void {
    if (parentName.startsWith(QUOTA_PATH)) {
      const quotaFor = trimQuotaPath(parentName)!;
      // The reference throws on an empty path here; a limits node right under /zookeeper/quota marks nothing.
      if (childName === LIMIT_NODE && quotaFor.length > 0) this.trie.addPath(quotaFor);
      if (childName === STAT_NODE) this.recount(quotaFor);
    }
    const prefix = this.maxPrefix(path);
    if (prefix !== null) this.adjust(prefix, bytes, 1);
  }

  /** After the node at `path` with `bytes` of data was deleted. */
  onDelete(parentName: string, childName: string, path: string, bytes: number): void {
    // The reference tests the looser "/zookeeper" prefix here and trims 16 chars regardless.
    if (parentName.startsWith(PROC_PATH) && childName === LIMIT_NODE) {
      const quotaFor = trimQuotaPath(parentName);
      if (quotaFor !== null && quotaFor.length > 0) this.trie.deletePath(quotaFor);
    }
    const prefix = this.maxPrefix(path);
    if (prefix !== null) this.adjust(prefix, -bytes, -1);
  }

  onSetData(path: string, bytesDiff: number): void {
    const prefix = this.maxPrefix(path);
    if (prefix !== null) this.adjust(prefix, bytesDiff, 0);
  }

  /** After a snapshot load: every leaf ".../zookeeper_limits" under /zookeeper/quota marks its path and recounts it. */
  setup(): void {
    this.trie.clear();
    if (!this.nodes.has(QUOTA_PATH)) return;
    const suffix = `/${LIMIT_NODE}`;
    const stack: string[] = [QUOTA_PATH];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const node = this.nodes.get(p);
      if (node === undefined) continue;
      if (node.children !== null && node.children.size > 0) {
        for (const name of node.children) stack.push(`${p}/${name}`);
      } else if (p.endsWith(suffix)) {
        const real = p.slice(QUOTA_PATH.length, p.indexOf(suffix));
        this.recount(real);
        if (real.length > 0) this.trie.addPath(real);
      }
    }
  }

  clear(): void {
    this.trie.clear();
  }

  /** Adds to the count/bytes of a quota'd prefix's stats node, keeping any other keys. */
  private adjust(prefix: string, bytesDiff: number, countDiff: number): void {
    const statNode = this.nodes.get(statPath(prefix));
    if (statNode === undefined) return;
    let track: StatsTrack;
    try {
      track = StatsTrack.parse(dataText(statNode.data));
    } catch (e) {
      if (!(e instanceof StatsTrackFormatError)) throw e;
      this.statErrors++;
      return;
    }
    track.count += BigInt(countDiff);
    track.bytes += BigInt(bytesDiff);
    statNode.data = packData(track.toBuffer());
  }

  /** Recounts a subtree (the node itself and every descendant) into its stats node as "count=..,bytes=..". */
  private recount(path: string): void {
    let count = 0;
    let bytes = 0;
    const stack: string[] = [path];
    while (stack.length > 0) {
      const p = stack.pop()!;
      const node = this.nodes.get(p);
      if (node === undefined) continue;
      count++;
      bytes += dataLength(node.data);
      if (node.children !== null) for (const name of node.children) stack.push(`${p}/${name}`);
    }
    const statNode = this.nodes.get(statPath(path));
    if (statNode === undefined) return;
    const track = new StatsTrack();
    track.count = BigInt(count);
    track.bytes = BigInt(bytes);
    statNode.data = packData(track.toBuffer());
  }
}

function dataText(data: NodeData): string {
  if (data === null) return '';
  return typeof data === 'string' ? Buffer.from(data, 'latin1').toString('utf8') : data.toString('utf8');
}
