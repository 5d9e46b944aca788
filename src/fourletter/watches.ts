// `wchs`, `wchc`, `wchp`: the data-watch table (DataTree.dumpWatchesSummary / dumpWatches).

import { JavaHashSet } from '../util/java-hash-set';
import { ZK_NOT_SERVING, hex, type CommandContext } from './view';

// The reference keeps a watcher's paths in a HashSet and the path table in a HashMap, so both
// words list paths in Java's hash order (as if inserted in the order zkts registered them).

export function wchs({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  const s = view.watchSummary();
  return `${s.connections} connections watching ${s.paths} paths\nTotal watches:${s.total}\n`;
}

export function wchc({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  let out = '';
  for (const [sid, paths] of view.watchesByConnection()) {
    out += `0x${hex(sid)}\n`;
    for (const p of JavaHashSet.of(paths)) out += `\t${p}\n`;
  }
  return out + '\n';
}

export function wchp({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  let out = '';
  const byPath = new Map(view.watchesByPath());
  for (const path of JavaHashSet.of(byPath.keys())) {
    const sids = byPath.get(path)!;
    out += `${path}\n`;
    for (const sid of sids) out += `\t0x${hex(sid)}\n`;
  }
  return out + '\n';
}
