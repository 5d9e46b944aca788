// 3-member ensembles for the benchmark: all Apache ZooKeeper 3.8.0 (QuorumPeerMain through
// compat-tests/support/java-ensemble.ts) or all zkts (`node bin/zkts start-foreground` with a
// quorum zoo.cfg and a myid file). Both kinds get the same zoo.cfg keys. Members are pinned to
// SERVER_CORE like the standalone server (the JVM once it runs, so it still picks G1), leaving
// LOAD_CORE to the load generator. Every process is stopped by its pid.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK, planEnsemble, serverLine, startJavaQuorumMember, type EnsembleMember } from '../../compat-tests/support/java-ensemble';
import { fourLetterWord } from '../../compat-tests/support/java-server';
import { SERVER_CORE, pinAllThreads, pinned, type ServerKind } from '../load/servers';

const REPO = join(__dirname, '..', '..', '..');

/** The zoo.cfg keys every member of either kind gets (besides dataDir and the server.N lines). */
export const ENSEMBLE_CONFIG: Record<string, string> = {
  tickTime: '2000',
  initLimit: '10',
  syncLimit: '5',
  forceSync: 'yes',
  maxClientCnxns: '0',
  'admin.enableServer': 'false',
  '4lw.commands.whitelist': '*',
};

export interface RunningMember {
  readonly sid: number;
  readonly clientPort: number;
  readonly pid: number;
  readonly dataDir: string;
  output(): string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once the process is gone. */
  stop(): Promise<void>;
}

export interface Ensemble {
  readonly kind: ServerKind;
  readonly plan: EnsembleMember[];
  /** Current processes by sid (a killed member is absent until restarted). */
  readonly members: Map<number, RunningMember>;
  clientPorts(): number[];
  pids(): number[];
  /** SIGKILLs one member by its pid and waits for the process to be gone. */
  kill(sid: number): Promise<void>;
  /** Starts a killed member again on its old dataDir. */
  restart(sid: number): Promise<void>;
  stop(): Promise<void>;
}

function exited(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      res(true);
    });
  });
}

function startZktsMember(sid: number, plan: EnsembleMember[], dataDir: string): RunningMember {
  writeFileSync(join(dataDir, 'myid'), `${sid}\n`);
  const cfg = { ...ENSEMBLE_CONFIG, dataDir, ...Object.fromEntries(plan.map(serverLine)) };
  const confDir = mkdtempSync(join(tmpdir(), 'zkts-bench-qconf-'));
  const cfgFile = join(confDir, 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const [cmd, args] = pinned(SERVER_CORE, process.execPath, [join(REPO, 'bin', 'zkts'), 'start-foreground', cfgFile]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer): void => void (out = (out + c.toString()).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    sid,
    clientPort: plan.find((m) => m.sid === sid)!.clientPort,
    pid: child.pid!,
    dataDir,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await exited(child, 15_000))) {
          child.kill('SIGKILL');
          await exited(child, 5000);
        }
      }
      rmSync(confDir, { recursive: true, force: true });
    },
  };
}

async function startJavaMember(sid: number, plan: EnsembleMember[], dataDir: string): Promise<RunningMember> {
  const j = await startJavaQuorumMember({
    myId: sid,
    members: plan,
    dataDir,
    tickTime: Number(ENSEMBLE_CONFIG.tickTime),
    initLimit: Number(ENSEMBLE_CONFIG.initLimit),
    syncLimit: Number(ENSEMBLE_CONFIG.syncLimit),
    config: ENSEMBLE_CONFIG,
  });
  pinAllThreads(j.pid, SERVER_CORE);
  return { sid, clientPort: j.clientPort, pid: j.pid, dataDir, output: () => j.output(), stop: () => j.stop(15_000) };
}

/** `srvr`'s Mode (leader / follower), or null while the member does not serve. */
export async function modeOf(port: number, timeoutMs = 1000): Promise<string | null> {
  try {
    const m = /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, port, 'srvr', timeoutMs));
    return m?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Polls until every member serves and exactly one leads (other processes' state: 20 ms polls, bounded). */
export async function settled(e: Ensemble, timeoutMs = 60_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const modes = await Promise.all([...e.members.values()].map(async (m) => [m.sid, await modeOf(m.clientPort)] as const));
    const leaders = modes.filter(([, mode]) => mode === 'leader');
    if (modes.length === e.plan.length && modes.every(([, mode]) => mode !== null) && leaders.length === 1) return leaders[0]![0];
    if (Date.now() > deadline) {
      const tails = [...e.members.values()].map((m) => `--- member ${m.sid}:\n${m.output().slice(-2000)}`).join('\n');
      throw new Error(`${e.kind} ensemble not settled after ${timeoutMs} ms: ${JSON.stringify(modes)}\n${tails}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function startEnsemble(kind: ServerKind, size = 3): Promise<Ensemble> {
  const sids = Array.from({ length: size }, (_v, i) => i + 1);
  const plan = await planEnsemble(sids);
  const dataDirs = new Map(sids.map((sid) => [sid, mkdtempSync(join(tmpdir(), `zkts-bench-${kind}-q${sid}-`))]));
  const members = new Map<number, RunningMember>();
  const launch = async (sid: number): Promise<void> => {
    members.set(sid, kind === 'java' ? await startJavaMember(sid, plan, dataDirs.get(sid)!) : startZktsMember(sid, plan, dataDirs.get(sid)!));
  };
  const e: Ensemble = {
    kind,
    plan,
    members,
    clientPorts: () => plan.map((m) => m.clientPort),
    pids: () => [...members.values()].map((m) => m.pid),
    async kill(sid) {
      const m = members.get(sid);
      if (m === undefined) return;
      process.kill(m.pid, 'SIGKILL');
      members.delete(sid);
      await m.stop();
    },
    restart: launch,
    async stop() {
      await Promise.all([...members.values()].map((m) => m.stop()));
      members.clear();
      for (const d of dataDirs.values()) rmSync(d, { recursive: true, force: true });
    },
  };
  try {
    await Promise.all(sids.map(launch));
    await settled(e);
  } catch (err) {
    await e.stop();
    throw err;
  }
  return e;
}
