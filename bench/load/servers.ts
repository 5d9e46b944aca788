// Servers under test as separate processes, pinned with taskset when it exists: Apache ZooKeeper
// 3.8.0 (Debian's, via compat-tests/support/java-server.ts) and zkts (`node bin/zkts
// start-foreground`). Plus /proc readers for CPU time and RSS.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort, startJavaServer } from '../../compat-tests/support/java-server';
import { Session } from './wire';
import { exited } from '../../compat-tests/support/process';

export type ServerKind = 'java' | 'zkts';

export interface RunningServer {
  kind: ServerKind;
  port: number;
  pid: number;
  dataDir: string;
  stop(): Promise<void>;
  /** The server's recent stdout + stderr. */
  output(): string;
}

export const HAS_TASKSET = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
export const SERVER_CORE = '0';
export const LOAD_CORE = '1';
const REPO = join(__dirname, '..', '..', '..');

export function pinned(core: string, cmd: string, args: string[]): [string, string[]] {
  return HAS_TASKSET ? ['taskset', ['-c', core, cmd, ...args]] : [cmd, args];
}

export function pinAllThreads(pid: number, core: string): void {
  if (HAS_TASKSET) spawnSync('taskset', ['-a', '-p', '-c', core, String(pid)], { stdio: 'ignore', timeout: 5000 });
}

/** Resolves once a session can be opened and `exists /` answered; polls every 10 ms. */
export async function waitServing(port: number, timeoutMs: number, alive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const { Frames } = await import('./wire');
  const probe = Frames.exists('/');
  for (;;) {
    if (!alive()) throw new Error('server exited during start');
    try {
      const s = await Session.connect(port, 1000);
      await s.call(probe, 2000);
      s.destroy();
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`server on ${port} not serving after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

export interface StartOptions {
  port?: number;
  cpuProfDir?: string;
  startTimeoutMs?: number;
  /** Start from this dataDir (the caller owns it) instead of a fresh empty one. */
  dataDir?: string;
  /** zkts only: extra node flags before the script (e.g. --expose-gc --require <preload>). */
  nodeArgs?: string[];
  /** Java only: extra JVM system properties. */
  properties?: Record<string, string>;
  /**
   * Pin the server to SERVER_CORE (default true): zkts from spawn, the JVM once it serves (pinned
   * from spawn it would see one CPU and pick Serial GC instead of its default G1). false leaves
   * both unpinned, for start-up figures where neither may have a core the other lacks.
   */
  pin?: boolean;
}

export async function startZkts(opts: StartOptions = {}): Promise<RunningServer & { child: ChildProcess; output(): string }> {
  const port = opts.port ?? (await freePort());
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'zkts-bench-data-'));
  const cfg = join(mkdtempSync(join(tmpdir(), 'zkts-bench-conf-')), 'zoo.cfg');
  writeFileSync(
    cfg,
    [
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'tickTime=2000',
      'forceSync=yes',
      '4lw.commands.whitelist=*',
      'maxClientCnxns=0',
      // zkts follows the reference: an AdminServer on 0.0.0.0:8080 unless told otherwise.
      'admin.enableServer=false',
    ].join('\n') + '\n',
  );
  const nodeArgs = [...(opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : []), ...(opts.nodeArgs ?? []), join(REPO, 'bin', 'zkts'), 'start-foreground', cfg];
  const [cmd, args] = opts.pin === false ? [process.execPath, nodeArgs] : pinned(SERVER_CORE, process.execPath, nodeArgs);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer): void => {
    out = (out + c.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    if (!(await exited(child, 15_000))) {
      child.kill('SIGKILL');
      await exited(child, 5000);
    }
    rmSync(dirname(cfg), { recursive: true, force: true });
  };
  try {
    await waitServing(port, opts.startTimeoutMs ?? 30_000, () => child.exitCode === null && child.signalCode === null);
  } catch (e) {
    await stop();
    throw new Error(`zkts did not start: ${(e as Error).message}\n${out}`);
  }
  return { kind: 'zkts', port, pid: child.pid!, dataDir, stop, child, output: () => out };
}

export async function startJava(opts: StartOptions = {}): Promise<RunningServer> {
  const port = opts.port ?? (await freePort());
  const pending = startJavaServer({
    port,
    config: { forceSync: 'yes', maxClientCnxns: '0' },
    ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
    ...(opts.properties !== undefined ? { properties: opts.properties } : {}),
    startTimeoutMs: opts.startTimeoutMs ?? 60_000,
  });
  const j = await pending;
  if (opts.pin !== false) pinAllThreads(j.pid, SERVER_CORE);
  return { kind: 'java', port, pid: j.pid, dataDir: j.dataDir, stop: () => j.stop(15_000), output: () => j.output() };
}

export function startServer(kind: ServerKind, opts: StartOptions = {}): Promise<RunningServer> {
  return kind === 'java' ? startJava(opts) : startZkts(opts);
}

/**
 * Starts a server and measures milliseconds from spawn to the first answered request (a 10 ms
 * probe loop next to the start helper's own readiness check). The caller stops the server.
 */
export async function startTimed(kind: ServerKind, opts: StartOptions = {}): Promise<{ ms: number; server: RunningServer }> {
  const port = opts.port ?? (await freePort());
  const timeoutMs = opts.startTimeoutMs ?? 60_000;
  const t0 = process.hrtime.bigint();
  let server: RunningServer | null = null;
  let failed: unknown = null;
  const starting = startServer(kind, { ...opts, port, startTimeoutMs: timeoutMs }).then(
    (s) => (server = s),
    (e: unknown) => (failed = e),
  );
  let ms: number;
  try {
    await waitServing(port, timeoutMs, () => failed === null);
    ms = Number(process.hrtime.bigint() - t0) / 1e6;
  } catch (e) {
    await starting;
    if (server !== null) await (server as RunningServer).stop();
    throw failed ?? e;
  }
  await starting;
  if (failed !== null) throw failed;
  return { ms, server: server! };
}

/** Milliseconds from spawn to the first answered request, on an empty dataDir, unpinned (see StartOptions.pin). */
export async function startupMs(kind: ServerKind): Promise<number> {
  const { ms, server } = await startTimed(kind, { pin: false });
  await server.stop();
  rmSync(server.dataDir, { recursive: true, force: true });
  return ms;
}

const CLK_TCK = 100;

/** utime + stime of a process, in microseconds (all threads). */
export function cpuMicros(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields after the comm: [0]=state ... utime is field 14 overall => index 11 here
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
  } catch {
    return NaN;
  }
}

/** VmRSS in MiB. */
export function rssMiB(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

export function tasksetAvailable(): boolean {
  return HAS_TASKSET && existsSync('/proc/self/stat');
}
