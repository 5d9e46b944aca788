// `wchs`, `wchc`, `wchp`: the data-watch table (DataTree.dumpWatchesSummary / dumpWatches).

import { ZK_NOT_SERVING, hex, type CommandContext } from './view';

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
    for (const p of paths) out += `\t${p}\n`;
  }
  return out + '\n';
}

export function wchp({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  let out = '';
  for (const [path, sids] of view.watchesByPath()) {
    out += `${path}\n`;
    for (const sid of sids) out += `\t0x${hex(sid)}\n`;
  }
  return out + '\n';
}
