// The servers the standalone compatibility suites run against: Debian's Apache ZooKeeper 3.8.0
// ('java') or zkts ('zkts'). Both get the same zoo.cfg keys; unknown keys become `zookeeper.<key>`
// system properties on Java (and are expected to mean the same on zkts).
//
// zkts is started, in this order of preference:
//   1. ZKTS_TARGET_CMD: a shell command that runs a server in the foreground; the path of a
//      generated zoo.cfg is appended (e.g. `ZKTS_TARGET_CMD='node bin/zkts start-foreground'`);
//   2. `startServer()` exported by src/index.ts (expected API below), in this process.
// Until one of them exists, `zktsAvailable()` is false and the suites compare Java with Java.

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fourLetterWord, freePort, startJavaServer } from '../support/java-server';
import { tempDir } from '../support/temp-dirs';
import { exited } from '../support/process';

export type TargetKind = 'java' | 'zkts';

export interface TargetOptions {
  /** zoo.cfg keys (on top of the defaults below). */
  config?: Record<string, string>;
  startTimeoutMs?: number;
}

export interface RunningTarget {
  kind: TargetKind;
  host: string;
  port: number;
  connectString: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Defaults for every target: fast ticks so sessions can expire in ~2 s, all 4lw enabled. */
export const DEFAULT_CONFIG: Readonly<Record<string, string>> = {
  tickTime: '500',
  minSessionTimeout: '1000',
  maxSessionTimeout: '20000',
  '4lw.commands.whitelist': '*',
  'admin.enableServer': 'false',
};

/** The API src/index.ts is expected to export once the standalone server exists. */
export interface ZktsStartOptions {
  port: number;
  host: string;
  dataDir?: string;
  config: Record<string, string>;
  [option: string]: unknown;
}
export interface ZktsServerHandle {
  host: string;
  port: number;
  connectString: string;
  dataDir: string;
  stop(): Promise<void>;
}
type StartServer = (opts: ZktsStartOptions) => Promise<ZktsServerHandle>;

async function zktsStartServer(): Promise<StartServer | null> {
  try {
    const mod = (await import('../../src/index')) as unknown as { startServer?: unknown };
    return typeof mod.startServer === 'function' ? (mod.startServer as StartServer) : null;
  } catch {
    return null;
  }
}

/** True when zkts can be started (ZKTS_TARGET_CMD is set or src/index.ts exports startServer). */
export function zktsAvailable(): boolean {
  if (process.env.ZKTS_TARGET_CMD) return true;
  try {
    // Synchronous, so that test files can declare their tests per target at load time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('../../src/index') as { startServer?: unknown };
    return typeof mod.startServer === 'function';
  } catch {
    return false;
  }
}

/** Runs ZKTS_TARGET_CMD with a generated zoo.cfg; ready when `srvr` answers with a Mode line. */
async function startCommandTarget(cmd: string, config: Record<string, string>, startTimeoutMs: number): Promise<RunningTarget> {
  const host = '127.0.0.1';
  const port = await freePort(host);
  const dataDir = tempDir('zkts-target-');
  const cfgFile = join(tempDir('zkts-target-conf-'), 'zoo.cfg');
  const cfg = { ...config, dataDir, clientPort: String(port), clientPortAddress: host };
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  // Its own process group, so the shell and the server it runs are stopped together by pid.
  const child = spawn('/bin/sh', ['-c', `exec ${cmd} "$0"`, cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      // already gone
    }
  };
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signal('SIGTERM');
    if (!(await exited(child, 10_000))) {
      signal('SIGKILL');
      await exited(child, 10_000);
    }
  };
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ZKTS_TARGET_CMD exited (${child.exitCode}) during start:\n${out}`);
    try {
      if ((await fourLetterWord(host, port, 'srvr', 1000)).includes('Mode:')) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`ZKTS_TARGET_CMD did not start within ${startTimeoutMs} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { kind: 'zkts', host, port, connectString: `${host}:${port}`, dataDir, stop };
}

export async function startTarget(kind: TargetKind, opts: TargetOptions = {}): Promise<RunningTarget> {
  const config = { ...DEFAULT_CONFIG, ...opts.config };
  const startTimeoutMs = opts.startTimeoutMs ?? 60_000;
  if (kind === 'java') {
    const s = await startJavaServer({ config, startTimeoutMs });
    return { kind, host: s.host, port: s.port, connectString: `${s.host}:${s.port}`, dataDir: s.dataDir, stop: () => s.stop() };
  }
  const cmd = process.env.ZKTS_TARGET_CMD;
  if (cmd) return startCommandTarget(cmd, config, startTimeoutMs);
  const startServer = await zktsStartServer();
  if (startServer === null) throw new Error('zkts is not available: set ZKTS_TARGET_CMD or export startServer from src/index.ts');
  const host = '127.0.0.1';
  const dataDir = tempDir('zkts-target-');
  const cfg = { ...config, dataDir, clientPort: String(await freePort(host)), clientPortAddress: host };
  // zkts reads zoo.cfg keys through its config module (as the CLI does); the options it yields are
  // what startServer takes. `config` is passed as well, for an API that takes the keys directly.
  const options = (await zktsOptionsFromCfg(cfg, dataDir)) ?? {};
  const s = await startServer({ ...options, port: 0, host, dataDir, config: cfg });
  return { kind, host: s.host, port: s.port, connectString: s.connectString ?? `${s.host}:${s.port}`, dataDir: s.dataDir ?? dataDir, stop: () => s.stop() };
}

/** zoo.cfg keys -> zkts ServerOptions via src/config (parseZooCfg + toServerOptions), if present. */
async function zktsOptionsFromCfg(cfg: Record<string, string>, dir: string): Promise<Record<string, unknown> | null> {
  try {
    const configMod = (await import('../../src/config')) as unknown as {
      parseZooCfg?: (text: string, file: string) => { config: unknown };
      toServerOptions?: (config: unknown, logger: unknown) => Record<string, unknown>;
    };
    const loggerMod = (await import('../../src/util/logger')) as unknown as { silentLogger?: unknown };
    if (typeof configMod.parseZooCfg !== 'function' || typeof configMod.toServerOptions !== 'function') return null;
    const text = Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n';
    const parsed = configMod.parseZooCfg(text, join(dir, 'zoo.cfg'));
    return configMod.toServerOptions(parsed.config, loggerMod.silentLogger);
  } catch (e) {
    throw new Error(`zkts rejected the test configuration: ${(e as Error).message}`);
  }
}

/**
 * ZKTS_STANDALONE_TARGET picks what the standalone suites test: `java` (the differential suite
 * compares Java with Java; client scenarios run on Java only), `zkts` (zkts is required), or unset
 * (zkts when it can be started, else Java only).
 */
function requested(): 'java' | 'zkts' | 'auto' {
  const v = process.env.ZKTS_STANDALONE_TARGET;
  if (v === undefined || v === '' || v === 'auto') return 'auto';
  if (v === 'java' || v === 'zkts') return v;
  throw new Error(`ZKTS_STANDALONE_TARGET=${v}: expected java, zkts or auto`);
}

/** What the differential suite compares Java against: zkts, or Java again (determinism check). */
export function comparisonTarget(): TargetKind {
  const r = requested();
  if (r === 'auto') return zktsAvailable() ? 'zkts' : 'java';
  return r;
}

/** The targets the stock-client scenarios run against (Java always, as the reference). */
export function clientTargets(): TargetKind[] {
  return comparisonTarget() === 'zkts' ? ['java', 'zkts'] : ['java'];
}
