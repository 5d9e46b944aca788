// Starts and stops Debian's Apache ZooKeeper 3.8.0 server for compatibility tests: loopback only,
// a fresh or given dataDir, readiness checked with `srvr`, stopped by pid with a bounded wait.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fourLetterWord } from '../../test/support/four-letter-word';

export { fourLetterWord };
import { join } from 'node:path';
import { tempDir } from './temp-dirs';
import { stopChild } from './process';

export const JAVA_CLASSPATH = [
  '/usr/share/java/zookeeper.jar',
  '/usr/share/java/zookeeper-jute.jar',
  '/usr/share/java/snappy-java.jar',
  '/usr/share/java/slf4j-api.jar',
  '/usr/share/java/slf4j-simple.jar',
].join(':');

export interface JavaServerOptions {
  dataDir?: string;
  dataLogDir?: string;
  /** Extra zoo.cfg lines (key -> value). */
  config?: Record<string, string>;
  /** JVM system properties (-Dkey=value), e.g. zookeeper.extendedTypesEnabled. */
  properties?: Record<string, string>;
  port?: number;
  startTimeoutMs?: number;
}

export interface JavaServer {
  host: string;
  port: number;
  dataDir: string;
  pid: number;
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL, as a crash. */
  kill(): Promise<void>;
}

/**
 * A port nothing listens on, chosen below the kernel's ephemeral range. A port from bind(0) comes
 * from that range, and outgoing connections (hundreds per compat run: clients, peers) take their
 * local ports from it too, so one could grab the port before the server we start binds it — a
 * Java member then exits 14 ("Address already in use" on its election port). Falls back to
 * bind(0) if no random pick below the range is free.
 */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const low = ephemeralLow();
  for (let attempt = 0; attempt < 50 && low > 12_000; attempt++) {
    const port = 10_000 + Math.floor(Math.random() * (low - 10_000));
    if (await canBind(host, port)) return port;
  }
  return bindAny(host);
}

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) ? low : 32_768;
  } catch {
    return 32_768;
  }
}

function canBind(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

function bindAny(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr !== null ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export async function startJavaServer(opts: JavaServerOptions = {}): Promise<JavaServer> {
  const host = '127.0.0.1';
  const port = opts.port ?? (await freePort(host));
  const dataDir = opts.dataDir ?? tempDir('zkts-java-');
  mkdirSync(dataDir, { recursive: true });
  const confDir = tempDir('zkts-java-conf-');
  const cfg: Record<string, string> = {
    tickTime: '2000',
    dataDir,
    clientPort: String(port),
    clientPortAddress: host,
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...(opts.dataLogDir ? { dataLogDir: opts.dataLogDir } : {}),
    ...opts.config,
  };
  const cfgFile = join(confDir, 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const props = { 'org.slf4j.simpleLogger.defaultLogLevel': 'warn', ...opts.properties };
  const args = [
    '-Xshare:auto',
    ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`),
    '-cp',
    JAVA_CLASSPATH,
    'org.apache.zookeeper.server.quorum.QuorumPeerMain',
    cfgFile,
  ];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const server: JavaServer = {
    host,
    port,
    dataDir,
    pid: child.pid!,
    output: () => out,
    stop: (graceMs = 10_000) => stopChild(child, graceMs),
    kill: () => stopChild(child, 0),
  };
  const deadline = Date.now() + (opts.startTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Java ZooKeeper exited (${child.exitCode}) during start:\n${out}`);
    try {
      if ((await fourLetterWord(host, port, 'srvr', 1000)).includes('Mode:')) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop(1000);
      throw new Error(`Java ZooKeeper did not start within the timeout:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
