// The per-namespace quota gauge sets (the reference's QuotaMetricsUtils): walk /zookeeper/quota,
// read every zookeeper_limits (limits) or zookeeper_stats (usage) leaf, and add its value to the
// top-level namespace of the quota'd path. Runs only when the values are collected.

import type { DataTree } from '../tree';
import { LIMIT_NODE, STAT_NODE, StatsTrack, trimQuotaPath } from '../tree/quota';
import { QUOTA_PATH } from '../tree/paths';

export type QuotaMetric = 'countLimit' | 'bytesLimit' | 'countUsage' | 'bytesUsage';

/**
 * The first component of an absolute path ("/a/b" -> "a"), null for "/" (PathUtils.getTopNamespace,
 * without its array: this runs for every read and write when metrics are tracked).
 */
export function topNamespace(path: string): string | null {
  if (path.length <= 1) return null;
  const end = path.indexOf('/', 1);
  return end < 0 ? path.slice(1) : path.slice(1, end);
}

export function quotaValues(tree: DataTree, metric: QuotaMetric): Map<string, number> {
  const out = new Map<string, number>();
  const leaf = metric === 'countLimit' || metric === 'bytesLimit' ? `/${LIMIT_NODE}` : `/${STAT_NODE}`;
  const walk = (path: string): void => {
    const got = tree.getChildren(path);
    if (got === null) return;
    if (got.children.length > 0) {
      for (const child of got.children) walk(`${path}/${child}`);
      return;
    }
    if (!path.endsWith(leaf)) return;
    const trimmed = trimQuotaPath(path);
    const ns = trimmed === null ? null : topNamespace(trimmed);
    const data = tree.getData(path)?.data ?? null;
    if (ns === null || data === null) return;
    let st: StatsTrack;
    try {
      st = StatsTrack.parse(data.toString('utf8'));
    } catch {
      return; // a malformed stats node: the reference would fail the whole collection; skip it
    }
    const v =
      metric === 'countLimit' ? (st.countHardLimit > -1n ? st.countHardLimit : st.count)
      : metric === 'bytesLimit' ? (st.byteHardLimit > -1n ? st.byteHardLimit : st.bytes)
      : metric === 'countUsage' ? st.count
      : st.bytes;
    out.set(ns, (out.get(ns) ?? 0) + Number(v));
  };
  walk(QUOTA_PATH);
  return out;
}
