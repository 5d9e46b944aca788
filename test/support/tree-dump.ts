// A tree as a client sees it (path, data, ACL, every Stat field), comparable across servers:
// compat tests take it from Apache ZooKeeper over the wire and from a restored zkts tree in memory.
import type { ACL, Stat } from '../../src/protocol/generated';
import type { DataTree } from '../../src/tree';

export interface DumpedNode {
  path: string;
  data: string | null;
  acl: { perms: number; scheme: string | null; id: string | null }[];
  stat: Record<keyof Stat, string>;
}

export function dumpedNode(path: string, data: Buffer | null, acl: ACL[], stat: Stat): DumpedNode {
  const s = Object.fromEntries(Object.entries(stat).map(([k, v]) => [k, String(v)])) as Record<keyof Stat, string>;
  return {
    path,
    data: data === null ? null : data.toString('hex'),
    acl: acl.map((x) => ({ perms: x.perms, scheme: x.id.scheme, id: x.id.id })),
    stat: s,
  };
}

export function dumpRestoredTree(tree: DataTree): DumpedNode[] {
  const out: DumpedNode[] = [];
  const walk = (path: string): void => {
    const d = tree.getData(path);
    const a = tree.getACL(path);
    const ch = tree.getChildren(path);
    if (d === null || a === null || ch === null) throw new Error(`restored tree lacks ${path}`);
    out.push(dumpedNode(path, d.data, a.acl, d.stat));
    for (const name of [...ch.children].sort()) walk(path === '/' ? `/${name}` : `${path}/${name}`);
  };
  walk('/');
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
