// Starts Debian's Apache ZooKeeper 3.8.0 as a quorum member (QuorumPeerMain with server.N lines and
// a myid file) for election and ensemble compatibility tests. Loopback only, ports chosen free,
// every process stopped by its pid. Unlike startJavaServer it does not wait for `srvr` to answer:
// a quorum member serves clients only after an election and a sync, which the test may be probing.

import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fourLetterWord, freePort, JAVA_CLASSPATH } from './java-server';
import { captureOutput, stopChild } from './process';
import { tempDir } from './temp-dirs';

export const LOOPBACK = '127.0.0.1';

/** One `server.N` line: every port is on 127.0.0.1. */
export interface EnsembleMember {
  readonly sid: number;
  readonly quorumPort: number;
  readonly electionPort: number;
  readonly clientPort: number;
  readonly role: 'participant' | 'observer';
}

/** Picks free loopback ports for the given sids (all participants unless listed as observers). */
export async function planEnsemble(sids: readonly number[], observers: readonly number[] = []): Promise<EnsembleMember[]> {
  const out: EnsembleMember[] = [];
  const taken = new Set<number>();
  const pick = async (): Promise<number> => {
    for (;;) {
      const p = await freePort(LOOPBACK);
      if (!taken.has(p)) {
        taken.add(p);
        return p;
      }
    }
  };
  for (const sid of sids) {
    out.push({ sid, quorumPort: await pick(), electionPort: await pick(), clientPort: await pick(), role: observers.includes(sid) ? 'observer' : 'participant' });
  }
  return out;
}

/** `server.N=127.0.0.1:q:e:role;127.0.0.1:c` */
export function serverLine(m: EnsembleMember): [string, string] {
  return [`server.${m.sid}`, `${LOOPBACK}:${m.quorumPort}:${m.electionPort}:${m.role};${LOOPBACK}:${m.clientPort}`];
}

export interface JavaQuorumMemberOptions {
  myId: number;
  members: readonly EnsembleMember[];
  dataDir?: string;
  /** Small by default so a test's election and sync finish quickly. */
  tickTime?: number;
  initLimit?: number;
  syncLimit?: number;
  config?: Record<string, string>;
  properties?: Record<string, string>;
  /** slf4j-simple level; 'info' is needed to read the election's outcome from the log. */
  logLevel?: 'warn' | 'info' | 'debug';
  startTimeoutMs?: number;
}

export interface JavaQuorumMember {
  readonly sid: number;
  readonly pid: number;
  readonly dataDir: string;
  readonly clientPort: number;
  output(): string;
  /** Resolves with the first match of `re` in the process output (stdout+stderr). */
  waitForOutput(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** `srvr`'s Mode line (leader/follower/observer), or null while it does not serve. */
  mode(): Promise<string | null>;
  stop(graceMs?: number): Promise<void>;
}

export async function startJavaQuorumMember(opts: JavaQuorumMemberOptions): Promise<JavaQuorumMember> {
  const me = opts.members.find((m) => m.sid === opts.myId);
  if (me === undefined) throw new Error(`server ${opts.myId} is not in the member list`);
  const dataDir = opts.dataDir ?? tempDir(`zkts-java-q${opts.myId}-`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'myid'), `${opts.myId}\n`);
  const cfg: Record<string, string> = {
    tickTime: String(opts.tickTime ?? 500),
    initLimit: String(opts.initLimit ?? 10),
    syncLimit: String(opts.syncLimit ?? 5),
    dataDir,
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...Object.fromEntries(opts.members.map(serverLine)),
    ...opts.config,
  };
  const confDir = tempDir('zkts-java-qconf-');
  const cfgFile = join(confDir, 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const props = {
    'org.slf4j.simpleLogger.defaultLogLevel': opts.logLevel ?? 'info',
    'org.slf4j.simpleLogger.showDateTime': 'true',
    ...opts.properties,
  };
  const args = ['-Xshare:auto', ...Object.entries(props).map(([k, v]) => `-D${k}=${v}`), '-cp', JAVA_CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfgFile];
  const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureOutput(child, `Java ${opts.myId}`);
  const member: JavaQuorumMember = {
    sid: opts.myId,
    pid: child.pid!,
    dataDir,
    clientPort: me.clientPort,
    output: out.text,
    waitForOutput: (re, timeoutMs) => out.match(re, timeoutMs),
    async mode() {
      try {
        const m = /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, me.clientPort, 'srvr', 2000));
        return m?.[1] ?? null;
      } catch {
        return null;
      }
    },
    // The config directory is ours alone (the dataDir may be the caller's): removed once stopped.
    stop: async (graceMs = 10_000) => {
      await stopChild(child, graceMs);
      rmSync(confDir, { recursive: true, force: true });
    },
  };
  // Ready once the election listener is bound (logged at info); a bad config exits before that.
  if ((opts.logLevel ?? 'info') !== 'warn') {
    try {
      await member.waitForOutput(/is accepting connections now, my election bind port/, opts.startTimeoutMs ?? 60_000);
    } catch (e) {
      await member.stop(1000);
      throw e;
    }
  }
  return member;
}

