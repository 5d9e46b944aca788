// zkts persistence next to Apache ZooKeeper 3.8's, in one run, on the same disk:
//
//   npm run bench:persistence                  # full: 3 rounds of 2 s per log case, 100k and 1M znodes
//   npm run bench:persistence -- --quick       # 1 round of 1 s per log case, 100k znodes only
//   node dist/bench/persistence/run.js --dir /mnt/disk --json
//
// 1. Txn log with fsync. zkts: TxnLogWriter with 1 and 100 concurrent appenders (the cases of
//    txnlog-bench.ts). Java: FileTxnLog append + commit per txn, and 100 appends per commit (what
//    SyncRequestProcessor's batching does with 100 requests waiting); bench/persistence/java/
//    TxnLogBench.java. Both measure the disk's raw 100-byte write + fdatasync in the same run, into
//    a growing file and into a file preallocated as the txn logs are. zkts and Java alternate case
//    by case (one JVM driven over stdin, the order flipped every other case), so the VM's disk
//    drifting over time hits both alike; rates are total appends / total time over the rounds,
//    latencies the median over rounds of each round's percentile.
// 2. Snapshots of a tree of N leaves of 100 bytes: /bench/a<i>/n<j>, 1000 leaves per parent,
//    open ACL, no sessions, the same bytes in both. zkts builds a real DataTree (create txns through
//    tree.applyTxn), writes it with writeSnapshot (fsync on) and loads it into a new DataTree with
//    readSnapshot + DataTree.loader(). Java (SnapBench.java, one JVM per compression since
//    SnapStream reads zookeeper.snapshot.compression.method once) builds DataTree with createNode,
//    writes with FileSnap.serialize(fsync=true) and loads with FileSnap.deserialize, timed with
//    System.nanoTime inside the JVM. Both first run one unreported pass at 100k, and both collect
//    garbage before each timed write and load. Each write and load is repeated 3 times at 100k and
//    once at 1M; the medians are reported.
// 3. Memory after loading the largest plain snapshot: zkts in a fresh `node --expose-gc` child that
//    only loads it (V8 heapUsed + external, which holds the tree's stat slabs, and RSS, after gc());
//    Java in the SnapBench JVM after deserialize with the built tree unreachable (totalMemory -
//    freeMemory after System.gc(), and VmRSS).
//
// Java runs with the JVM's default settings, as Debian's zkServer.sh starts the server (no -Xmx: the
// maximum heap is a quarter of RAM). If it runs out of memory the case is retried with -Xmx4g and
// the table says so. Java classes are compiled into a temporary directory at each run. Every child
// process has a time limit and is killed by its pid when it passes it.

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import type { SnapshotCompression } from '../../src/persistence/files';
import { readSnapshot, writeSnapshot } from '../../src/persistence/snapshot';
import type { LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { DataTree } from '../../src/tree';
import { percentile, type Row as LogRow, rawWriteFdatasync, withDir, writerRun } from './txnlog-bench';

const JAVA_CP = [
  '/usr/share/java/zookeeper.jar',
  '/usr/share/java/zookeeper-jute.jar',
  '/usr/share/java/snappy-java.jar',
  '/usr/share/java/slf4j-api.jar',
  '/usr/share/java/slf4j-nop.jar',
];
const JAVA_SOURCES = join(__dirname, '..', '..', '..', 'bench', 'persistence', 'java');
const FANOUT = 1000;
const TIME0 = 1_700_000_000_000n;
const PREALLOC_BYTES = 64 * 1024 * 1024;
const COMPRESSIONS: SnapshotCompression[] = ['', 'gz', 'snappy'];
const MiB = 2 ** 20;

const log = (msg: string): void => void process.stderr.write(`[bench:persistence] ${msg}\n`);

// ------------------------------------------------------------------ child processes

interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  ms: number;
}

/** Runs a command to completion, killing it (by pid, SIGKILL) if it passes `timeoutMs`. */
function runChild(cmd: string, args: string[], timeoutMs: number): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let child: ChildProcess;
    try {
      child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(e);
      return;
    }
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout!.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) {
        try {
          process.kill(child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut, ms: performance.now() - started });
    });
  });
}

function tagged<T>(out: string, tag: string): T[] {
  return out
    .split('\n')
    .filter((l) => l.startsWith(`${tag} `))
    .map((l) => JSON.parse(l.slice(tag.length + 1)) as T);
}

function describeFailure(what: string, r: ChildResult): string {
  const why = r.timedOut ? `timed out after ${(r.ms / 1000).toFixed(0)} s (killed)` : `exited with ${r.code ?? r.signal}`;
  const tail = r.stderr.trim().split('\n').slice(-5).join('\n    ');
  return `${what} ${why}${tail ? `:\n    ${tail}` : ''}`;
}

// ------------------------------------------------------------------ Java setup

interface JavaEnv {
  classpath: string;
  version: string;
  classesDir: string;
}

async function setUpJava(): Promise<JavaEnv | string> {
  const missing = JAVA_CP.filter((j) => !existsSync(j));
  if (missing.length > 0) return `missing ${missing.join(', ')}`;
  if (!existsSync(JAVA_SOURCES)) return `no Java sources at ${JAVA_SOURCES}`;
  let version: string;
  try {
    const v = await runChild('java', ['-version'], 60_000);
    version = v.stderr.split('\n')[0]?.trim() ?? 'java';
  } catch (e) {
    return `java: ${(e as Error).message}`;
  }
  const classesDir = mkdtempSync(join(os.tmpdir(), 'zkts-persistence-bench-classes-'));
  const sources = readdirSync(JAVA_SOURCES)
    .filter((f) => f.endsWith('.java'))
    .map((f) => join(JAVA_SOURCES, f));
  let r: ChildResult;
  try {
    r = await runChild('javac', ['-nowarn', '-d', classesDir, '-cp', JAVA_CP.join(':'), ...sources], 180_000);
  } catch (e) {
    rmSync(classesDir, { recursive: true, force: true });
    return `javac: ${(e as Error).message}`;
  }
  if (r.code !== 0) {
    rmSync(classesDir, { recursive: true, force: true });
    return describeFailure('javac', r);
  }
  return { classpath: [...JAVA_CP, classesDir].join(':'), version, classesDir };
}

// ------------------------------------------------------------------ txn log

/** One case of one round: rate figures plus per-round latency percentiles. */
interface LogSample {
  ops: number;
  elapsedS: number;
  fsyncs: number;
  p50Ms: number;
  p99Ms: number;
}

type LogCase = 'raw' | 'raw-prealloc' | '1' | '100';
const LOG_CASES: LogCase[] = ['raw', 'raw-prealloc', '1', '100'];

/** 100-byte writes + fdatasync into a file first extended the way FilePadding does (its last byte written). */
async function rawPreallocated(dir: string, seconds: number): Promise<LogRow> {
  const fh = await open(join(dir, 'raw-prealloc'), 'w');
  await fh.write(Buffer.alloc(1), 0, 1, PREALLOC_BYTES - 1);
  await fh.datasync();
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
  return { name: 'raw prealloc', ops: latenciesMs.length, elapsedS, fsyncs: latenciesMs.length, latenciesMs };
}

function sampleOf(r: LogRow): LogSample {
  const sorted = [...r.latenciesMs].sort((a, b) => a - b);
  return { ops: r.ops, elapsedS: r.elapsedS, fsyncs: r.fsyncs, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99) };
}

async function zktsLogCase(base: string, c: LogCase, seconds: number): Promise<LogSample> {
  switch (c) {
    case 'raw':
      return sampleOf(await withDir(base, (d) => rawWriteFdatasync(d, seconds)));
    case 'raw-prealloc':
      return sampleOf(await withDir(base, (d) => rawPreallocated(d, seconds)));
    case '1':
      return sampleOf(await withDir(base, (d) => writerRun(d, 1, seconds)));
    case '100':
      return sampleOf(await withDir(base, (d) => writerRun(d, 100, seconds)));
  }
}

/**
 * One TxnLogBench JVM for the whole txn-log part, driven one case at a time over stdin so that its
 * cases alternate with zkts's. Each request has a time limit; past it the JVM is killed by its pid.
 */
class JavaTxnLog {
  private readonly child: ChildProcess;
  private out = '';
  private err = '';
  private exit: string | null = null;
  private waiting: { resolve: (line: string) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null;

  constructor(java: JavaEnv, dir: string) {
    this.child = spawn('java', ['-cp', java.classpath, 'TxnLogBench', dir], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      this.out += s;
      this.deliver();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (s: string) => (this.err += s));
    const ended = (why: string): void => {
      this.exit ??= why;
      const w = this.waiting;
      if (w !== null) {
        this.waiting = null;
        clearTimeout(w.timer);
        w.reject(new Error(`java TxnLogBench ${why}: ${this.err.trim().split('\n').slice(-5).join(' | ')}`));
      }
    };
    this.child.on('error', (e) => ended(`failed to start (${e.message})`));
    this.child.on('close', (code, signal) => ended(`exited with ${code ?? signal}`));
  }

  private deliver(): void {
    for (;;) {
      const nl = this.out.indexOf('\n');
      if (nl < 0) return;
      const line = this.out.slice(0, nl);
      this.out = this.out.slice(nl + 1);
      if (!line.startsWith('RESULT ') || this.waiting === null) continue;
      const w = this.waiting;
      this.waiting = null;
      clearTimeout(w.timer);
      w.resolve(line.slice('RESULT '.length));
    }
  }

  run(c: LogCase | 'warmup', seconds: number): Promise<LogSample> {
    if (this.exit !== null) return Promise.reject(new Error(`java TxnLogBench ${this.exit}`));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.kill();
        this.waiting = null;
        reject(new Error(`java TxnLogBench: case ${c} timed out (killed)`));
      }, seconds * 1000 + 60_000);
      this.waiting = { resolve, reject, timer };
      this.child.stdin!.write(`${c} ${seconds}\n`);
    }).then((line) => JSON.parse(line) as LogSample);
  }

  kill(): void {
    if (this.exit === null && this.child.pid !== undefined) {
      try {
        process.kill(this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  /** Ends its input and waits for it to exit (killed by pid after 30 s). */
  async close(): Promise<void> {
    if (this.exit !== null) return;
    const closed = once(this.child, 'close');
    this.child.stdin!.end();
    const timer = setTimeout(() => this.kill(), 30_000);
    await closed;
    clearTimeout(timer);
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

interface LogSummary {
  opsPerS: number;
  fsyncsPerS: number;
  p50Ms: number;
  p99Ms: number;
}

function summarize(samples: LogSample[]): LogSummary {
  const ops = samples.reduce((a, s) => a + s.ops, 0);
  const t = samples.reduce((a, s) => a + s.elapsedS, 0);
  const f = samples.reduce((a, s) => a + s.fsyncs, 0);
  return { opsPerS: ops / t, fsyncsPerS: f / t, p50Ms: median(samples.map((s) => s.p50Ms)), p99Ms: median(samples.map((s) => s.p99Ms)) };
}

// ------------------------------------------------------------------ snapshots

interface SnapRow {
  leaves: number;
  nodes: number;
  compression: string;
  buildMs: number;
  writeMs: number;
  readMs: number;
  fileBytes: number;
}

interface MemRow {
  heapUsed: number;
  /** zkts: V8 heapUsed + external (ArrayBuffers: the stat slabs); Java: same as heapUsed. */
  heapTotal: number;
  rss: number;
  baselineHeap: number;
  baselineRss: number;
  maxHeap?: number;
}

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** The same 100 bytes SnapBench.java gives leaf k: "<k>:" then letters. */
function leafData(k: number): Buffer {
  const b = Buffer.allocUnsafe(100);
  const prefix = `${k}:`;
  for (let m = 0; m < 100; m++) b[m] = m < prefix.length ? prefix.charCodeAt(m) : 0x61 + ((k + m * 7) % 26);
  return b;
}

function create(path: string, data: Buffer, zxid: bigint): LoggedTxn {
  return {
    header: { clientId: 0n, cxid: 0, zxid, time: TIME0 + zxid, type: OpCode.create },
    body: { type: OpCode.create, txn: { path, data, acl: OPEN_ACL, ephemeral: false, parentCVersion: -1 } },
    digest: null,
  };
}

function buildTree(leaves: number): { tree: DataTree; zxid: bigint } {
  const tree = new DataTree();
  let zxid = 0n;
  const apply = (t: LoggedTxn): void => {
    const r = tree.applyTxn(t);
    if (r.err !== 0) throw new Error(`create ${t.body.type} failed: ${r.err}`);
  };
  const empty = Buffer.alloc(0);
  apply(create('/bench', empty, ++zxid));
  let k = 0;
  for (let i = 0; k < leaves; i++) {
    const parent = `/bench/a${i}`;
    apply(create(parent, empty, ++zxid));
    for (let j = 0; j < FANOUT && k < leaves; j++, k++) apply(create(`${parent}/n${j}`, leafData(k), ++zxid));
  }
  return { tree, zxid };
}

/** gc() without --expose-gc on the command line (the npm script runs plain `node`). */
const gc: () => void = (() => {
  try {
    v8.setFlagsFromString('--expose-gc');
    const f = vm.runInNewContext('gc') as () => void;
    return () => {
      f();
      f();
    };
  } catch {
    return () => undefined;
  }
})();

/** Repetitions of each snapshot write and load: the median is reported. */
const repsFor = (leaves: number): number => (leaves >= 1_000_000 ? 1 : 3);

async function zktsSnapshots(base: string, sizes: number[], warmup: number): Promise<{ rows: SnapRow[]; mem: MemRow | string }> {
  const rows: SnapRow[] = [];
  let mem: MemRow | string = 'not measured';
  const dir = mkdtempSync(join(base, 'zkts-persistence-bench-snap-'));
  const passes = [{ leaves: warmup, isWarmup: true }, ...sizes.map((leaves) => ({ leaves, isWarmup: false }))];
  try {
    for (const { leaves, isWarmup } of passes) {
      const reps = isWarmup ? 1 : repsFor(leaves);
      log(`zkts snapshot ${isWarmup ? 'warm-up ' : ''}${leaves} leaves: building tree, then ${reps} write(s) and load(s) per compression`);
      const b0 = performance.now();
      let built: { tree: DataTree; zxid: bigint } | null = buildTree(leaves);
      const buildMs = performance.now() - b0;
      const zxid = built.zxid;
      const written = new Map<SnapshotCompression, { files: string[]; bytes: number; nodes: number; writeMs: number[] }>();
      for (const compression of COMPRESSIONS) {
        const w = { files: [] as string[], bytes: 0, nodes: 0, writeMs: [] as number[] };
        for (let r = 0; r < reps; r++) {
          const sub = join(dir, `${leaves}-${compression || 'plain'}${isWarmup ? '-warmup' : ''}-${r}`);
          mkdirSync(sub);
          gc();
          const t0 = performance.now();
          const res = await writeSnapshot(built.tree.snapshotSource([]), sub, zxid, { compression, fsync: true });
          w.writeMs.push(performance.now() - t0);
          w.files.push(res.file);
          w.bytes = res.bytes;
          w.nodes = res.nodes;
        }
        written.set(compression, w);
      }
      built = null;
      for (const [compression, w] of written) {
        const readMs: number[] = [];
        for (const file of w.files) {
          gc();
          const loader = DataTree.loader();
          const t0 = performance.now();
          const r = await readSnapshot(file, loader);
          loader.finish(r.zxid);
          readMs.push(performance.now() - t0);
          if (r.nodes !== w.nodes || r.zxid !== zxid) throw new Error(`zkts loaded ${r.nodes} nodes at ${r.zxid}, wrote ${w.nodes} at ${zxid}`);
        }
        if (!isWarmup) {
          rows.push({ leaves, nodes: w.nodes, compression: compression || 'plain', buildMs, writeMs: median(w.writeMs), readMs: median(readMs), fileBytes: w.bytes });
        }
      }
      if (!isWarmup && leaves === sizes[sizes.length - 1]) {
        gc();
        log(`zkts memory: loading the ${leaves}-leaf plain snapshot in a fresh node --expose-gc`);
        mem = await zktsMemChild(written.get('')!.files[0]!);
      }
      for (const w of written.values()) for (const f of w.files) rmSync(f, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, mem };
}

/** The --child-load mode: load one snapshot into a DataTree and report memory after gc(). */
async function childLoad(file: string): Promise<void> {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error('--child-load needs node --expose-gc');
  g();
  g();
  const before = process.memoryUsage();
  const loader = DataTree.loader();
  const r = await readSnapshot(file, loader);
  const tree = loader.finish(r.zxid);
  g();
  g();
  const m = process.memoryUsage();
  const row: MemRow & { nodes: number } = {
    nodes: tree.nodeCount,
    heapUsed: m.heapUsed,
    heapTotal: m.heapUsed + m.external,
    rss: m.rss,
    baselineHeap: before.heapUsed + before.external,
    baselineRss: before.rss,
  };
  console.log(`RESULT ${JSON.stringify(row)}`);
}

async function zktsMemChild(file: string): Promise<MemRow | string> {
  const r = await runChild(process.execPath, ['--expose-gc', __filename, '--child-load', file], 600_000);
  const rows = tagged<MemRow>(r.stdout, 'RESULT');
  if (r.code !== 0 || rows.length !== 1) return describeFailure('zkts load child', r);
  return rows[0]!;
}

interface JavaSnapResult {
  rows: SnapRow[];
  mem: MemRow | null;
  note: string | null;
}

async function javaSnapshots(java: JavaEnv, base: string, sizes: number[], warmup: number, timeoutMs: number): Promise<JavaSnapResult | string> {
  const rows: SnapRow[] = [];
  let mem: MemRow | null = null;
  const notes: string[] = [];
  for (const compression of COMPRESSIONS) {
    const name = compression || 'plain';
    let heapArgs: string[] = [];
    for (;;) {
      log(`java snapshot ${name}${heapArgs.length ? ` (${heapArgs.join(' ')})` : ''}: ${warmup} (warm-up), ${sizes.join(', ')} leaves`);
      const dir = mkdtempSync(join(base, 'zkts-persistence-bench-javasnap-'));
      let r: ChildResult;
      try {
        const props = compression ? [`-Dzookeeper.snapshot.compression.method=${compression}`] : [];
        const reps = sizes.map(repsFor).join(',');
        r = await runChild('java', [...heapArgs, ...props, '-cp', java.classpath, 'SnapBench', dir, String(warmup), sizes.join(','), reps], timeoutMs);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const oom = r.code === 3 || /OutOfMemoryError/.test(r.stderr) || /^OOM/m.test(r.stdout);
      if (oom && heapArgs.length === 0) {
        notes.push(`Java ${name} ran out of memory with the default heap; retried with -Xmx4g`);
        heapArgs = ['-Xmx4g'];
        continue;
      }
      const got = tagged<SnapRow & { heapUsedAfterLoad: number; rssAfterLoad: number; maxHeap: number }>(r.stdout, 'RESULT');
      if (r.code !== 0 || got.length !== sizes.length) return describeFailure(`java SnapBench (${name}${heapArgs.length ? ', -Xmx4g' : ''})`, r);
      const baseline = tagged<{ heapUsed: number; rss: number; maxHeap: number }>(r.stdout, 'BASELINE')[0];
      for (const g of got) rows.push({ ...g, compression: name });
      if (compression === '') {
        const last = got[got.length - 1]!;
        mem = {
          heapUsed: last.heapUsedAfterLoad,
          heapTotal: last.heapUsedAfterLoad,
          rss: last.rssAfterLoad,
          baselineHeap: baseline?.heapUsed ?? NaN,
          baselineRss: baseline?.rss ?? NaN,
          maxHeap: last.maxHeap,
        };
      }
      break;
    }
  }
  return { rows, mem, note: notes.length > 0 ? notes.join('; ') : null };
}

// ------------------------------------------------------------------ output

interface TableRow {
  section: string;
  case: string;
  unit: string;
  zkts: number;
  java: number;
  digits: number;
}

function fmt(n: number, digits: number): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function printTable(rows: TableRow[]): void {
  const header = ['case', 'unit', 'zkts', 'Java', 'zkts/Java'];
  const body = rows.map((r) => [
    `${r.section}: ${r.case}`,
    r.unit,
    fmt(r.zkts, r.digits),
    fmt(r.java, r.digits),
    Number.isFinite(r.zkts) && Number.isFinite(r.java) && r.java !== 0 ? `${(r.zkts / r.java).toFixed(2)}×` : 'n/a',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]): string => `| ${cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  console.log(line(header));
  console.log(`|${widths.map((w, i) => (i < 2 ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`);
  for (const b of body) console.log(line(b));
}

const sizeLabel = (n: number): string => (n >= 1_000_000 && n % 1_000_000 === 0 ? `${n / 1_000_000}M` : n >= 1000 && n % 1000 === 0 ? `${n / 1000}k` : String(n));

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      dir: { type: 'string', default: os.tmpdir() },
      json: { type: 'boolean', default: false },
      'child-load': { type: 'string' },
    },
  });
  if (values['child-load'] !== undefined) return childLoad(values['child-load']);

  const quick = values.quick!;
  const base = values.dir!;
  const rounds = quick ? 1 : 3;
  const seconds = quick ? 1 : 2;
  const warmup = 100_000;
  const sizes = quick ? [100_000] : [100_000, 1_000_000];
  const notes: string[] = [];
  const loadAvgStart = os.loadavg().map((x) => Number(x.toFixed(2)));

  const java = await setUpJava();
  if (typeof java === 'string') notes.push(`Java side skipped: ${java}`);
  const javaEnv = typeof java === 'string' ? null : java;
  const table: TableRow[] = [];
  let javaMem: MemRow | null = null;
  let zktsMem: MemRow | string = 'not measured';
  try {
    // 1. txn log
    log(`txn log: ${rounds} round(s) of ${seconds} s per case, dir ${base}`);
    const zs: Record<LogCase, LogSample[]> = { raw: [], 'raw-prealloc': [], '1': [], '100': [] };
    const js: Record<LogCase, LogSample[]> = { raw: [], 'raw-prealloc': [], '1': [], '100': [] };
    const javaLogDir = mkdtempSync(join(base, 'zkts-persistence-bench-javalog-'));
    let javaLog: JavaTxnLog | null = javaEnv === null ? null : new JavaTxnLog(javaEnv, javaLogDir);
    const javaCase = async (c: LogCase | 'warmup'): Promise<LogSample | null> => {
      if (javaLog === null) return null;
      try {
        return await javaLog.run(c, c === 'warmup' ? 0.5 : seconds);
      } catch (e) {
        notes.push(`Java txn log skipped: ${(e as Error).message}`);
        javaLog.kill();
        javaLog = null;
        return null;
      }
    };
    try {
      // Warm-up, not reported: 0.5 s of the 100-writer case on each side.
      await withDir(base, (d) => writerRun(d, 100, 0.5));
      await javaCase('warmup');
      for (let round = 0; round < rounds; round++) {
        log(`txn log round ${round + 1} of ${rounds}`);
        for (const [i, c] of LOG_CASES.entries()) {
          const steps = [
            async () => void zs[c].push(await zktsLogCase(base, c, seconds)),
            async () => {
              const j = await javaCase(c);
              if (j !== null) js[c].push(j);
            },
          ];
          if ((round + i) % 2 === 1) steps.reverse();
          for (const step of steps) await step();
        }
      }
    } finally {
      await javaLog?.close();
      rmSync(javaLogDir, { recursive: true, force: true });
    }
    const z = Object.fromEntries(LOG_CASES.map((c) => [c, summarize(zs[c])])) as Record<LogCase, LogSummary>;
    const j = Object.fromEntries(LOG_CASES.map((c) => [c, summarize(js[c])])) as Record<LogCase, LogSummary>;
    const L = 'txn log';
    table.push(
      { section: L, case: 'raw write(100 B)+fdatasync, growing file', unit: 'writes/s ↑', zkts: z.raw.opsPerS, java: j.raw.opsPerS, digits: 0 },
      { section: L, case: 'raw write(100 B)+fdatasync, preallocated file', unit: 'writes/s ↑', zkts: z['raw-prealloc'].opsPerS, java: j['raw-prealloc'].opsPerS, digits: 0 },
      { section: L, case: '1 writer', unit: 'appends/s ↑', zkts: z['1'].opsPerS, java: j['1'].opsPerS, digits: 0 },
      { section: L, case: '1 writer p50', unit: 'ms ↓', zkts: z['1'].p50Ms, java: j['1'].p50Ms, digits: 3 },
      { section: L, case: '1 writer p99', unit: 'ms ↓', zkts: z['1'].p99Ms, java: j['1'].p99Ms, digits: 3 },
      { section: L, case: '100 writers', unit: 'appends/s ↑', zkts: z['100'].opsPerS, java: j['100'].opsPerS, digits: 0 },
      { section: L, case: '100 writers', unit: 'fsyncs/s', zkts: z['100'].fsyncsPerS, java: j['100'].fsyncsPerS, digits: 0 },
      { section: L, case: '100 writers p50', unit: 'ms ↓', zkts: z['100'].p50Ms, java: j['100'].p50Ms, digits: 3 },
      { section: L, case: '100 writers p99', unit: 'ms ↓', zkts: z['100'].p99Ms, java: j['100'].p99Ms, digits: 3 },
    );

    // 2. snapshots (Java first: its JVMs do not share the Node heap, and the zkts side ends with the memory child)
    let javaSnap: JavaSnapResult | null = null;
    if (javaEnv !== null) {
      const r = await javaSnapshots(javaEnv, base, sizes, warmup, (quick ? 5 : 20) * 60_000);
      if (typeof r === 'string') notes.push(r);
      else {
        javaSnap = r;
        javaMem = r.mem;
        if (r.note !== null) notes.push(r.note);
      }
    }
    const zsnap = await zktsSnapshots(base, sizes, warmup);
    zktsMem = zsnap.mem;
    if (typeof zktsMem === 'string') notes.push(zktsMem);
    for (const zr of zsnap.rows) {
      const jr = javaSnap?.rows.find((r) => r.leaves === zr.leaves && r.compression === zr.compression);
      const S = `snapshot ${sizeLabel(zr.leaves)} ${zr.compression}`;
      table.push(
        { section: S, case: 'write', unit: 'ms ↓', zkts: zr.writeMs, java: jr?.writeMs ?? NaN, digits: 0 },
        { section: S, case: 'load', unit: 'ms ↓', zkts: zr.readMs, java: jr?.readMs ?? NaN, digits: 0 },
        { section: S, case: 'file size', unit: 'MiB', zkts: zr.fileBytes / MiB, java: (jr?.fileBytes ?? NaN) / MiB, digits: 1 },
      );
    }
    const build = zsnap.rows.filter((r) => r.compression === 'plain');
    for (const b of build) {
      const jb = javaSnap?.rows.find((r) => r.leaves === b.leaves && r.compression === 'plain');
      notes.push(
        `tree build, ${sizeLabel(b.leaves)} leaves (not in the table, not like for like): zkts applyTxn(create) ${b.buildMs.toFixed(0)} ms, ` +
          `Java createNode ${jb ? jb.buildMs.toFixed(0) : 'n/a'} ms`,
      );
    }

    // 3. memory
    const last = sizeLabel(sizes[sizes.length - 1]!);
    const zm = typeof zktsMem === 'string' ? null : zktsMem;
    const M = `memory, ${last} plain loaded`;
    table.push(
      { section: M, case: 'heap after GC ¹', unit: 'MiB ↓', zkts: (zm?.heapTotal ?? NaN) / MiB, java: (javaMem?.heapTotal ?? NaN) / MiB, digits: 0 },
      { section: M, case: 'V8 heapUsed alone', unit: 'MiB', zkts: (zm?.heapUsed ?? NaN) / MiB, java: NaN, digits: 0 },
      { section: M, case: 'process RSS', unit: 'MiB ↓', zkts: (zm?.rss ?? NaN) / MiB, java: (javaMem?.rss ?? NaN) / MiB, digits: 0 },
    );
    notes.push(
      '¹ zkts: V8 heapUsed + external (ArrayBuffers outside the V8 heap, i.e. the stat slabs) after gc() in a fresh node that only loaded the snapshot; ' +
        'Java: Runtime totalMemory - freeMemory after System.gc() in the SnapBench JVM, the built tree unreachable',
    );
    if (zm !== null || javaMem !== null) {
      notes.push(
        `memory baselines before loading: zkts heapUsed+external ${fmt((zm?.baselineHeap ?? NaN) / MiB, 0)} MiB, RSS ${fmt((zm?.baselineRss ?? NaN) / MiB, 0)} MiB; ` +
          `Java used heap ${fmt((javaMem?.baselineHeap ?? NaN) / MiB, 0)} MiB, RSS ${fmt((javaMem?.baselineRss ?? NaN) / MiB, 0)} MiB, max heap ${fmt((javaMem?.maxHeap ?? NaN) / MiB, 0)} MiB`,
      );
    }
  } finally {
    if (javaEnv !== null) rmSync(javaEnv.classesDir, { recursive: true, force: true });
  }

  const env = {
    loadAvgStart,
    loadAvgEnd: os.loadavg().map((x) => Number(x.toFixed(2))),
    node: process.version,
    java: javaEnv?.version ?? 'n/a',
    cpus: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? '?',
    dir: base,
    quick,
    logRounds: rounds,
    logSecondsPerRound: seconds,
  };
  if (values.json) {
    console.log(JSON.stringify({ env, table, notes }, null, 2));
    return;
  }
  console.log(
    `persistence: zkts vs Apache ZooKeeper 3.8 — node ${env.node}, ${env.java}, ${env.cpus} vCPU (${env.cpu}), dir ${env.dir}` +
      `${quick ? ', --quick' : ''}; txn log ${rounds} round(s) × ${seconds} s per case; snapshot medians of ${sizes.map((n) => `${repsFor(n)} at ${sizeLabel(n)}`).join(', ')}; ` +
      `load average ${env.loadAvgStart.join(' ')} at start, ${env.loadAvgEnd.join(' ')} at end`,
  );
  printTable(table);
  for (const n of notes) console.log(`note: ${n}`);
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
