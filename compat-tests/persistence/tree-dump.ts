// The same dump as dumpTree (what a client sees), taken from a restored zkts tree in memory.
import type { DataTree } from '../../src/tree';
import { dumpedNode, type DumpedNode } from './workload';

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
