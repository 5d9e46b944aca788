// Txn-log throughput with fsync: TxnLogWriter with 1 and 100 concurrent writers appending 100-byte
// setData txns, next to the disk's raw rate of 100-byte write + fdatasync measured in the same run.
//
//   npm run build && node dist/bench/persistence/txnlog-bench.js
//   node dist/bench/persistence/txnlog-bench.js --seconds 5 --dir /var/lib/zookeeper-bench
//
// The cases are exported for bench/persistence/run.ts (zkts next to Apache ZooKeeper).

import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { TxnLogWriter } from '../../src/persistence/txn-log';
import type { LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';

export interface Row {
  name: string;
  ops: number;
  elapsedS: number;
  fsyncs: number;
  latenciesMs: number[];
}

const DATA = Buffer.alloc(100, 0x61);

export function setData(zxid: bigint): LoggedTxn {
  return {
    header: { clientId: 0x1000001a2b3c0001n, cxid: Number(zxid & 0x7fffffffn), zxid, time: BigInt(Date.now()), type: OpCode.setData },
    body: { type: OpCode.setData, txn: { path: '/bench/node', data: DATA, version: Number(zxid & 0x7fffffffn) } },
    digest: { version: 2, treeDigest: zxid },
  };
}

export async function rawWriteFdatasync(dir: string, seconds: number): Promise<Row> {
  const fh = await open(join(dir, 'raw'), 'w');
  const buf = Buffer.alloc(100, 0x62);
  const latenciesMs: number[] = [];
  let pos = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    await fh.write(buf, 0, buf.length, pos);
    await fh.datasync();
    latenciesMs.push(performance.now() - t0);
    pos += buf.length;
  }
  const elapsedS = (performance.now() - start) / 1000;
  await fh.close();
  return { name: 'raw write(100 B) + fdatasync', ops: latenciesMs.length, elapsedS, fsyncs: latenciesMs.length, latenciesMs };
}

export async function writerRun(dir: string, concurrency: number, seconds: number): Promise<Row> {
  const w = new TxnLogWriter(dir);
  let zxid = 0n;
  const latenciesMs: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < end) {
      const t0 = performance.now();
      await w.append(setData(++zxid));
      latenciesMs.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsedS = (performance.now() - start) / 1000;
  const fsyncs = w.stats.fsyncs;
  await w.close();
  return { name: `TxnLogWriter, ${concurrency} concurrent appender${concurrency > 1 ? 's' : ''}`, ops: latenciesMs.length, elapsedS, fsyncs, latenciesMs };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export function printTable(rows: Row[]): void {
  const header = ['case', 'ops/s', 'fsyncs/s', 'txns/fsync', 'p50 ms', 'p99 ms'];
  const body = rows.map((r) => {
    const sorted = [...r.latenciesMs].sort((a, b) => a - b);
    return [
      r.name,
      (r.ops / r.elapsedS).toFixed(0),
      (r.fsyncs / r.elapsedS).toFixed(0),
      (r.ops / Math.max(1, r.fsyncs)).toFixed(1),
      percentile(sorted, 50).toFixed(3),
      percentile(sorted, 99).toFixed(3),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i === 0 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      seconds: { type: 'string', default: '3' },
      dir: { type: 'string', default: tmpdir() },
    },
  });
  const seconds = Number(args.seconds);
  const rows: Row[] = [];
  const cases: (() => Promise<Row>)[] = [
    () => withDir(args.dir!, (d) => rawWriteFdatasync(d, seconds)),
    () => withDir(args.dir!, (d) => writerRun(d, 1, seconds)),
    () => withDir(args.dir!, (d) => writerRun(d, 100, seconds)),
  ];
  for (const c of cases) rows.push(await c());
  console.log(`txn log, ${seconds} s per case, dir ${args.dir}, node ${process.version}`);
  printTable(rows);
}

/** Runs `fn` in a fresh directory under `base`, removed afterwards. */
export async function withDir<T>(base: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(base, 'zkts-txnlog-bench-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
