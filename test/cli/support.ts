// Running bin/zkts as an operator would: a temporary directory with its own zoo.cfg on a free
// loopback port, bounded child processes, and teardown that stops by pid whatever was left.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ExecutionContext } from 'ava';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const zktsBin = join(repoRoot, 'bin', 'zkts');

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment every run gets: no flags inherited from the machine running the tests. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ZKTS_START_TIMEOUT_MS: '20000', ZKTS_STOP_TIMEOUT_MS: '20000' };
  for (const k of ['JVMFLAGS', 'SERVER_JVMFLAGS', 'ZOO_DATADIR_AUTOCREATE_DISABLE', 'ZOOPIDFILE', 'ZKTS_LOG_DIR', 'ZKTS_LOG_FORMAT', 'ZKTS_LOG_LEVEL']) delete env[k];
  return { ...env, ...extra };
}

/** Runs `zkts args` to completion in `cwd`, killed after `timeoutMs`. */
export function runZkts(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): RunResult {
  const r = spawnSync(process.execPath, [zktsBin, ...args], { cwd, encoding: 'utf8', env: cleanEnv(env), timeout: timeoutMs, killSignal: 'SIGKILL' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function tempDir(t: ExecutionContext, label: string): string {
  const dir = mkdtempSync(join(tmpdir(), `zkts-${label}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => (a !== null && typeof a === 'object' ? done(a.port) : fail(new Error('no port'))));
    });
  });
}

export function writeCfg(dir: string, lines: string[], name = 'zoo.cfg'): string {
  const file = join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat[stat.lastIndexOf(')') + 2] !== 'Z';
  } catch {
    return true;
  }
}

/** Stops `pid` (SIGTERM, then SIGKILL after `graceMs`); resolves once it is gone. */
export async function stopPid(pid: number, graceMs = 10_000): Promise<void> {
  if (!isAlive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

/** Registers a teardown that stops the server a pid file names, if it is still running. */
export function stopOnTeardown(t: ExecutionContext, pidFile: string): void {
  t.teardown(async () => {
    let pid: number;
    try {
      pid = Number(readFileSync(pidFile, 'utf8').trim());
    } catch {
      return;
    }
    if (Number.isSafeInteger(pid) && pid > 0) await stopPid(pid);
  });
}

/** A running `zkts start-foreground`, with its output collected. */
export interface Foreground {
  child: ChildProcess;
  output(): string;
  /** Resolves when `text` has appeared in the output (or rejects after `timeoutMs`). */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startForeground(t: ExecutionContext, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Foreground {
  const child = spawn(process.execPath, [zktsBin, 'start-foreground', ...args], { cwd, env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  t.teardown(async () => {
    if (child.pid !== undefined) await stopPid(child.pid);
  });
  return {
    child,
    output: () => out,
    exited,
    async waitFor(text, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      const seen = (): boolean => (typeof text === 'string' ? out.includes(text) : text.test(out));
      while (!seen()) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`'${String(text)}' did not appear; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

/** Whether the standalone server module loads at all (the start/stop tests need it). */
export function zkServerImportError(): string | null {
  try {
    const m = require('../../src/server/zk-server') as { ZkServer?: { start?: unknown } };
    return typeof m.ZkServer?.start === 'function' ? null : 'src/server/zk-server exports no ZkServer.start';
  } catch (e) {
    return `src/server/zk-server does not load: ${e instanceof Error ? e.message : String(e)}`;
  }
}
