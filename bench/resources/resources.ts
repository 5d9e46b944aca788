// Resource figures for `npm run bench` (issue 7, item 3): for dataDirs holding N znodes of 100 bytes
// (100k and 1M; quick: 100k), each server in turn (A B A B, the order flipped every repeat):
//
//   - start-up: spawn to the first answered request (startTimed), from a fresh copy of one
//     snapshot written by zkts (datadir.ts), the same bytes for both servers. Neither server is
//     pinned while it starts (see StartOptions.pin).
//   - the load is checked: mntr's zk_znode_count must cover the snapshot, and Java's
//     zk_digest_mismatches_count must be 0 (Java recomputes the tree digest zkts wrote).
//   - memory: VmRSS right after the first answered request ("loaded"), then after a forced full GC
//     ("after GC": Java `jcmd <pid> GC.run`; zkts two gc() calls from gc-signal.ts on SIGUSR2),
//     read once it has settled (polled every 250 ms until two readings are within 1%, at most 5 s:
//     both runtimes give memory back to the OS asynchronously). Heap after that GC: Java's used
//     heap from `jcmd <pid> GC.heap_info`; zkts's V8 heapUsed + external (the stat slabs live in
//     ArrayBuffers outside the V8 heap).
//   - snapshot load and write: Java from the server's own start-up, mntr zk_max_dbinittime
//     (ZKDatabase.loadDataBase) and zk_max_snapshottime (the snapshot it takes before serving,
//     no fsync); zkts from snap-child.ts in a fresh node: restore() of the same dataDir, then
//     writeSnapshot of the loaded tree without fsync.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { constants, copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fourLetterWord } from '../../test/support/four-letter-word';
import { type RunningServer, type ServerKind, rssMiB, startTimed } from '../load/servers';
import type { DataDirInfo } from './datadir';
import type { SnapTimes } from './snap-child';

const MiB = 2 ** 20;
/** The prefix gc-signal.ts prints its figures after. */
const GC_MARK = 'ZKTS_BENCH_GC ';
const GC_PRELOAD = join(__dirname, 'gc-signal.js');

export interface ResourceRun {
  kind: ServerKind;
  startupMs: number;
  znodes: number;
  rssLoadedMiB: number;
  rssAfterGcMiB: number;
  heapAfterGcMiB: number;
  snapLoadMs: number;
  snapWriteMs: number;
}

export interface SizeResult {
  leaves: number;
  nodes: number;
  fileMiB: number;
  /** zkts building the tree and writing the snapshot for it (datadir.ts; not a compared figure). */
  generateMs: number;
  runs: Record<ServerKind, ResourceRun[]>;
}

const log = (s: string): void => void process.stderr.write(s + '\n');

interface ChildOut {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <script> ...args` to completion; SIGKILLs it by pid past `timeoutMs`. */
function runNode(script: string, args: string[], timeoutMs: number): Promise<ChildOut> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(__dirname, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-5000)));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function resultOf<T>(what: string, r: ChildOut): T {
  const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  if (r.code !== 0 || line === undefined) throw new Error(`${what} exited ${r.code}: ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
  return JSON.parse(line.slice(7)) as T;
}

/** A fresh dataDir holding a copy of the generated snapshot (servers write into their dataDir). */
function copyDataDir(info: DataDirInfo): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-bench-res-'));
  mkdirSync(join(dir, 'version-2'));
  copyFileSync(info.file, join(dir, 'version-2', basename(info.file)), constants.COPYFILE_FICLONE);
  return dir;
}

function mntrValue(mntr: string, key: string): number {
  const m = new RegExp(`^${key}\\t(\\S+)$`, 'm').exec(mntr);
  return m ? Number(m[1]) : NaN;
}

/** Polls VmRSS every 250 ms until two consecutive readings are within 1% (at most 5 s). */
async function settledRss(pid: number): Promise<number> {
  let prev = rssMiB(pid);
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    const now = rssMiB(pid);
    if (Math.abs(now - prev) <= 0.01 * prev) return now;
    prev = now;
  }
  return prev;
}

function jcmd(pid: number, command: string): string {
  const r = spawnSync('jcmd', [String(pid), command], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`jcmd ${pid} ${command} failed (${r.status ?? r.signal}): ${(r.stderr || r.stdout || String(r.error ?? '')).trim()}`);
  return r.stdout;
}

/** Forces a full GC; returns the used heap after it, in MiB. */
async function gcJava(pid: number): Promise<number> {
  jcmd(pid, 'GC.run');
  const m = /heap\s+total \d+K, used (\d+)K/.exec(jcmd(pid, 'GC.heap_info'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** SIGUSR2 to the preloaded gc-signal.ts; waits (10 s at most) for its report; heapUsed + external in MiB. */
async function gcZkts(server: RunningServer): Promise<number> {
  // The first signal this server gets: its report is numbered 1.
  const mark = `${GC_MARK}1 `;
  process.kill(server.pid, 'SIGUSR2');
  const deadline = Date.now() + 10_000;
  while (!server.output().includes(mark)) {
    if (Date.now() > deadline) throw new Error('zkts did not report after SIGUSR2 within 10 s');
    await new Promise((r) => setTimeout(r, 20));
  }
  const out = server.output();
  const json = out.slice(out.lastIndexOf(mark) + mark.length).split('\n')[0]!;
  const m = JSON.parse(json) as { heapUsed?: number; external?: number; error?: string };
  if (m.error !== undefined) throw new Error(`zkts gc: ${m.error}`);
  return (m.heapUsed! + m.external!) / MiB;
}

async function oneRun(kind: ServerKind, info: DataDirInfo, startTimeoutMs: number): Promise<ResourceRun> {
  const dataDir = copyDataDir(info);
  try {
    const { ms, server } = await startTimed(kind, {
      dataDir,
      pin: false,
      startTimeoutMs,
      ...(kind === 'zkts' ? { nodeArgs: ['--expose-gc', '--require', GC_PRELOAD] } : {}),
    });
    try {
      const rssLoaded = rssMiB(server.pid);
      const mntr = await fourLetterWord('127.0.0.1', server.port, 'mntr', 10_000);
      const znodes = mntrValue(mntr, 'zk_znode_count');
      if (!(znodes >= info.nodes)) throw new Error(`${kind} serves ${znodes} znodes, the snapshot has ${info.nodes}`);
      if (kind === 'java' && mntrValue(mntr, 'zk_digest_mismatches_count') !== 0) {
        throw new Error(`Java found a digest mismatch in the generated snapshot:\n${mntr}`);
      }
      const heap = kind === 'java' ? await gcJava(server.pid) : await gcZkts(server);
      const rssAfterGc = await settledRss(server.pid);
      return {
        kind,
        startupMs: ms,
        znodes,
        rssLoadedMiB: rssLoaded,
        rssAfterGcMiB: rssAfterGc,
        heapAfterGcMiB: heap,
        snapLoadMs: kind === 'java' ? mntrValue(mntr, 'zk_max_dbinittime') : NaN,
        snapWriteMs: kind === 'java' ? mntrValue(mntr, 'zk_max_snapshottime') : NaN,
      };
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** zkts's load + write of the same snapshot in a fresh node (snap-child.ts). */
async function zktsSnapTimes(info: DataDirInfo, timeoutMs: number): Promise<SnapTimes> {
  const scratch = mkdtempSync(join(tmpdir(), 'zkts-bench-snapw-'));
  try {
    return resultOf<SnapTimes>('snap-child', await runNode('snap-child.js', [info.dataDir, scratch], timeoutMs));
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export async function resourcePass(sizes: number[], repeats: number): Promise<SizeResult[]> {
  const out: SizeResult[] = [];
  for (const leaves of sizes) {
    const master = mkdtempSync(join(tmpdir(), 'zkts-bench-snapsrc-'));
    const timeoutMs = Math.max(60_000, leaves / 2); // generous: 1M leaves -> 500 s
    try {
      const g = resultOf<Omit<DataDirInfo, 'zxid'> & { zxid: string }>('datadir', await runNode('datadir.js', [master, String(leaves)], timeoutMs));
      const info: DataDirInfo = { ...g, zxid: BigInt(g.zxid) };
      log(`resources: ${leaves} leaves -> ${info.nodes} znodes, ${(info.bytes / MiB).toFixed(1)} MiB snapshot (zkts built ${info.buildMs.toFixed(0)} ms, wrote ${info.writeMs.toFixed(0)} ms)`);
      const runs: Record<ServerKind, ResourceRun[]> = { java: [], zkts: [] };
      for (let r = 0; r < repeats; r++) {
        for (const kind of (r % 2 ? ['zkts', 'java'] : ['java', 'zkts']) as ServerKind[]) {
          const run = await oneRun(kind, info, timeoutMs);
          if (kind === 'zkts') {
            const t = await zktsSnapTimes(info, timeoutMs);
            run.snapLoadMs = t.loadMs;
            run.snapWriteMs = t.writeMs;
          }
          runs[kind].push(run);
          log(
            `  ${String(leaves).padStart(8)} ${kind.padEnd(4)} #${r + 1}: start-up ${run.startupMs.toFixed(0)} ms, rss ${run.rssLoadedMiB.toFixed(0)} -> ${run.rssAfterGcMiB.toFixed(0)} MiB after GC ` +
              `(heap ${run.heapAfterGcMiB.toFixed(0)} MiB), snapshot load ${run.snapLoadMs.toFixed(0)} ms, write ${run.snapWriteMs.toFixed(0)} ms`,
          );
        }
      }
      out.push({ leaves, nodes: info.nodes, fileMiB: info.bytes / MiB, generateMs: info.buildMs + info.writeMs, runs });
    } finally {
      rmSync(master, { recursive: true, force: true });
    }
  }
  return out;
}

// Alone, for a quick look: node dist/bench/resources/resources.js [leaves[,leaves]] [repeats]
if (require.main === module) {
  const sizes = (process.argv[2] ?? '100000').split(',').map(Number);
  const repeats = Number(process.argv[3] ?? 1);
  resourcePass(sizes, repeats).then(
    (r) => process.stdout.write(JSON.stringify(r, null, 1) + '\n'),
    (e: unknown) => {
      log(`resources failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
