// Memory check (not an ava test): 1M znodes of 100 bytes, applied as create txns.
// Run: npx tsc -p tsconfig.json && node --expose-gc dist/test/tree/memory-1m.js [nodes]

import { readFileSync } from 'node:fs';
import { OpCode } from '../../src/protocol/opcodes';
import { DataTree } from '../../src/tree';

const total = Number(process.argv[2] ?? 1_000_000);
const perParent = 1000;
const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const tree = new DataTree();
const started = process.hrtime.bigint();
let zxid = 1n;
// Payloads arrive as views into larger socket chunks; the tree must copy what it keeps.
let chunk = Buffer.alloc(0);
let used = 0;
const create = (template: string, parentCVersion: number): void => {
  const path = Buffer.from(template, 'utf8').toString('utf8'); // a flat string, as the jute decoder makes
  if (used + 100 > chunk.length) {
    chunk = Buffer.allocUnsafe(64 * 1024).fill(0x61);
    used = 0;
  }
  const data = chunk.subarray(used, (used += 100));
  tree.applyTxn({
    header: { clientId: 1n, cxid: 0, zxid: zxid++, time: 1_700_000_000_000n, type: OpCode.create },
    body: { type: OpCode.create, txn: { path, data, acl, ephemeral: false, parentCVersion } },
    digest: null,
  });
};
for (let p = 0; p * perParent < total; p++) {
  const parent = `/bench-${String(p).padStart(4, '0')}`;
  create(parent, p + 1);
  for (let c = 0; c < perParent && p * perParent + c < total; c++) create(`${parent}/node-${String(c).padStart(7, '0')}`, c + 1);
}
const built = Number(process.hrtime.bigint() - started) / 1e6;
(globalThis as { gc?: () => void }).gc?.();
(globalThis as { gc?: () => void }).gc?.();
const m = process.memoryUsage();
const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MiB`;
console.log(`nodes=${tree.nodeCount} built in ${built.toFixed(0)} ms (${((built * 1000) / tree.nodeCount).toFixed(2)} µs/create)`);
console.log(`rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} external=${mb(m.external)} arrayBuffers=${mb(m.arrayBuffers)}`);
console.log(`malloc heap (brk) rss=${mb(mappedRss('[heap]'))} anonymous mappings rss=${mb(mappedRss('[anon]'))}`);
const walkStart = process.hrtime.bigint();
let walked = 0;
for (const n of tree.snapshotSource([]).nodes()) walked += n.node.data === null ? 0 : 1;
console.log(`snapshot walk: ${walked} nodes in ${(Number(process.hrtime.bigint() - walkStart) / 1e6).toFixed(0)} ms, digest ${tree.treeDigest}`);

/** Resident bytes of the mappings with a given name in /proc/self/smaps ("[anon]" for unnamed ones). */
function mappedRss(name: string): number {
  let current = '';
  let total = 0;
  for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) current = line.split(/\s+/).slice(5).join(' ') || '[anon]';
    else if (line.startsWith('Rss:') && current === name) total += Number(line.split(/\s+/)[1]) * 1024;
  }
  return total;
}
