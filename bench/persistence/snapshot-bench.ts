// Snapshot write and read: time, throughput and file size for N synthetic znodes of 100 bytes,
// uncompressed, gz and snappy. The source is a generator (no data tree involved), the read sink
// only counts, so this measures the snapshot code, the compressors and the disk.
//
//   npm run build && node dist/bench/persistence/snapshot-bench.js                 # 100k and 1M
//   node dist/bench/persistence/snapshot-bench.js --sizes 100000 --json
//   node dist/bench/persistence/snapshot-bench.js --dir /mnt/disk --no-fsync

import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SnapshotCompression } from '../../src/persistence/files';
import { readSnapshot, writeSnapshot } from '../../src/persistence/snapshot';
import type { SnapshotSink, SnapshotSource } from '../../src/persistence/snapshot-contract';
import type { DataNode, StatPersisted } from '../../src/protocol/generated';

const DATA_BYTES = 100;
const FANOUT = 1000;

/** N znodes in pre-order: the root, /dir0000 ... with FANOUT children /dir0000/node0000001 ... */
function source(nodes: number): SnapshotSource {
  const data = Buffer.alloc(DATA_BYTES, 0x5a);
  for (let i = 0; i < DATA_BYTES; i++) data[i] = 0x41 + ((i * 7) % 26);
  const base = 0x1_0000_0000n;
  const stat = (n: number): StatPersisted => {
    const z = base + BigInt(n);
    return { czxid: z, mzxid: z, ctime: 1_700_000_000_000n + BigInt(n), mtime: 1_700_000_000_000n + BigInt(n), version: n % 5, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: z };
  };
  return {
    *sessions() {
      for (let i = 0; i < 1000; i++) yield [0x100_0000_0000_0000n + BigInt(i), 30_000] as const;
    },
    aclEntries: () => [{ index: 1n, acls: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] }],
    *nodes() {
      yield { path: '', node: { data: Buffer.alloc(0), acl: -1n, stat: stat(0) } };
      let made = 1;
      for (let d = 0; made < nodes; d++) {
        const dir = `/dir${String(d).padStart(4, '0')}`;
        yield { path: dir, node: { data: null, acl: 1n, stat: stat(made) } };
        made++;
        for (let i = 0; i < FANOUT && made < nodes; i++, made++) {
          yield { path: `${dir}/node${String(made).padStart(7, '0')}`, node: { data, acl: 1n, stat: stat(made) } };
        }
      }
    },
    digest: () => ({ zxid: base + BigInt(nodes), digestVersion: 2, digest: 0x5eed_5eedn }),
  };
}

class CountingSink implements SnapshotSink {
  nodes = 0;
  bytes = 0;
  session(): void {}
  aclEntry(): void {}
  node(_path: string, node: DataNode): void {
    this.nodes++;
    this.bytes += node.data?.length ?? 0;
  }
  digest(): void {}
}

interface Row {
  nodes: number;
  compression: string;
  writeMs: number;
  readMs: number;
  fileBytes: number;
  rawBytes: number;
  maxLoopGapMs: number;
  rssMb: number;
}

/** Largest gap between 1 ms timer ticks while `work` runs: how long the event loop was held. */
async function withLoopProbe<T>(work: () => Promise<T>): Promise<{ value: T; maxGapMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  }, 1);
  try {
    const value = await work();
    return { value, maxGapMs };
  } finally {
    clearInterval(timer);
  }
}

async function runCase(dir: string, nodes: number, compression: SnapshotCompression, fsync: boolean): Promise<Row> {
  const zxid = 0x1_0000_0000n + BigInt(nodes);
  const t0 = performance.now();
  const { value: w, maxGapMs } = await withLoopProbe(() => writeSnapshot(source(nodes), dir, zxid, { compression, fsync }));
  const writeMs = performance.now() - t0;
  const sink = new CountingSink();
  const t1 = performance.now();
  const r = await readSnapshot(w.file, sink);
  const readMs = performance.now() - t1;
  if (r.nodes !== nodes || sink.nodes !== nodes) throw new Error(`read ${r.nodes} of ${nodes} nodes`);
  rmSync(w.file);
  return { nodes, compression: compression || 'none', writeMs, readMs, fileBytes: w.bytes, rawBytes: w.rawBytes, maxLoopGapMs: maxGapMs, rssMb: process.memoryUsage().rss / 2 ** 20 };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '100000,1000000' },
      dir: { type: 'string' },
      json: { type: 'boolean', default: false },
      'no-fsync': { type: 'boolean', default: false },
    },
  });
  const sizes = values.sizes!.split(',').map(Number);
  const dir = mkdtempSync(join(values.dir ?? os.tmpdir(), 'zkts-snap-bench-'));
  const rows: Row[] = [];
  try {
    // Warm-up: JIT the serializer and parser.
    await runCase(dir, 20_000, '', false);
    for (const n of sizes) {
      for (const c of ['', 'gz', 'snappy'] as SnapshotCompression[]) {
        const row = await runCase(dir, n, c, !values['no-fsync']);
        rows.push(row);
        if (!values.json) {
          const mb = row.rawBytes / 2 ** 20;
          console.log(
            `${String(n).padStart(8)} nodes ${row.compression.padEnd(6)} ` +
              `write ${row.writeMs.toFixed(0).padStart(6)} ms (${(mb / (row.writeMs / 1000)).toFixed(0).padStart(4)} MB/s raw, ${((n / row.writeMs) * 1000).toFixed(0).padStart(7)} nodes/s)  ` +
              `read ${row.readMs.toFixed(0).padStart(6)} ms (${((n / row.readMs) * 1000).toFixed(0).padStart(7)} nodes/s)  ` +
              `file ${(row.fileBytes / 2 ** 20).toFixed(1).padStart(6)} MiB (raw ${mb.toFixed(1)} MiB)  ` +
              `max loop gap ${row.maxLoopGapMs.toFixed(1)} ms  rss ${row.rssMb.toFixed(0)} MB`,
          );
        }
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const env = { node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, fsync: !values['no-fsync'] };
  if (values.json) console.log(JSON.stringify({ env, rows }, null, 2));
  else console.log(`node ${env.node}, ${env.cpus} CPUs (${env.cpu}), fsync ${env.fsync ? 'on' : 'off'}`);
}

void main();
