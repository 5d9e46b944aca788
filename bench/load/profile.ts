// Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`).

import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

interface CpuNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: CpuNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  where: string;
  ms: number;
  pct: number;
}

export function topSelfTime(file: string, n = 10, root = process.cwd()): SelfTime[] {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map<number, CpuNode>(p.nodes.map((x) => [x.id, x]));
  const self = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i]!;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  }
  const agg = new Map<string, SelfTime>();
  let total = 0;
  for (const [id, us] of self) {
    const node = byId.get(id)!;
    const cf = node.callFrame;
    if (cf.functionName === '(idle)') continue;
    total += us;
    let url = cf.url.replace(/^file:\/\//, '');
    if (url.startsWith('/')) url = relative(root, url);
    const where = url === '' ? '' : `${url}:${cf.lineNumber + 1}`;
    const fn = cf.functionName || '(anonymous)';
    const key = `${fn}@${where}`;
    const e = agg.get(key) ?? { fn, where, ms: 0, pct: 0 };
    e.ms += us / 1000;
    agg.set(key, e);
  }
  const all = [...agg.values()].sort((a, b) => b.ms - a.ms);
  for (const e of all) e.pct = total === 0 ? 0 : (100 * e.ms * 1000) / total;
  return all.slice(0, n);
}
