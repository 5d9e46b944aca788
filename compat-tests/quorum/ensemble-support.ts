// Mixed ensembles for the compat tests: zkts members run as real `bin/zkts start-foreground`
// processes with a quorum zoo.cfg and a myid file, Java members through startJavaQuorumMember,
// all on 127.0.0.1 with free ports. Every process is stopped by its pid; waits are conditions
// with a bound.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { LOOPBACK, planEnsemble, serverLine, startJavaQuorumMember, type EnsembleMember, type JavaQuorumMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { captureOutput, stopChild } from '../support/process';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
const ZKTS_BIN = join(REPO_ROOT, 'bin', 'zkts');

/** What the tests need from any member, Java or zkts. */
export interface Member {
  readonly sid: number;
  readonly kind: 'java' | 'zkts';
  readonly clientPort: number;
  readonly dataDir: string;
  output(): string;
  /** `srvr`'s Mode line, or null while it does not serve. */
  mode(): Promise<string | null>;
  stop(): Promise<void>;
}

export interface ZktsMemberOptions {
  readonly myId: number;
  readonly members: readonly EnsembleMember[];
  readonly tickTime?: number;
  readonly config?: Record<string, string>;
  readonly dataDir?: string;
}

export async function startZktsQuorumMember(o: ZktsMemberOptions): Promise<Member> {
  const me = o.members.find((m) => m.sid === o.myId);
  if (me === undefined) throw new Error(`server ${o.myId} is not in the member list`);
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), `zkts-q${o.myId}-`));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'myid'), `${o.myId}\n`);
  const cfg: Record<string, string> = {
    tickTime: String(o.tickTime ?? 500),
    initLimit: '10',
    syncLimit: '5',
    dataDir,
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...Object.fromEntries(o.members.map(serverLine)),
    ...o.config,
  };
  const cfgFile = join(mkdtempSync(join(tmpdir(), 'zkts-qconf-')), 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  const child = spawn(process.execPath, [ZKTS_BIN, 'start-foreground', cfgFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZKTS_LOG_LEVEL: 'info' },
  });
  const out = captureOutput(child, `zkts ${o.myId}`);
  const member: Member = {
    sid: o.myId,
    kind: 'zkts',
    clientPort: me.clientPort,
    dataDir,
    output: out.text,
    mode: () => srvrMode(me.clientPort),
    stop: () => stopChild(child, 10_000),
  };
  try {
    await out.match(/accepting election connections/, 30_000);
  } catch (e) {
    await member.stop();
    throw e;
  }
  return member;
}

export async function startJavaMember(myId: number, members: readonly EnsembleMember[], o: { dataDir?: string; config?: Record<string, string> } = {}): Promise<Member> {
  const j: JavaQuorumMember = await startJavaQuorumMember({ myId, members, ...o });
  return { sid: myId, kind: 'java', clientPort: j.clientPort, dataDir: j.dataDir, output: () => j.output(), mode: () => j.mode(), stop: () => j.stop() };
}

async function srvrMode(port: number): Promise<string | null> {
  try {
    const m = /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, port, 'srvr', 2000));
    return m?.[1] ?? null;
  } catch {
    return null;
  }
}

/** Polls `probe` (another process's state) until it yields a value, within `timeoutMs`. */
export async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every member serves and exactly one leads; returns the modes by sid. */
export async function settled(members: readonly Member[], timeoutMs = 60_000): Promise<Map<number, string>> {
  return until('a leader and serving followers', async () => {
    const modes = new Map<number, string>();
    for (const m of members) {
      const mode = await m.mode();
      if (mode === null) return null;
      modes.set(m.sid, mode);
    }
    return [...modes.values()].filter((x) => x === 'leader').length === 1 ? modes : null;
  }, timeoutMs);
}

export type Kind = 'java' | 'zkts';

/**
 * Starts the highest sid first: alone it cannot elect anyone, so whichever member joins it next
 * forms a quorum with it and it leads (equal histories, highest sid), however long the other
 * processes take to start.
 */
export async function startLayout(kinds: Record<number, Kind>, observers: readonly number[] = []): Promise<Member[]> {
  // The highest participant first (an observer never leads).
  const sids = Object.keys(kinds).map(Number).sort((a, b) => (observers.includes(a) ? 1 : 0) - (observers.includes(b) ? 1 : 0) || b - a);
  const plan = await planEnsemble(sids, observers);
  const members: Member[] = [];
  const start = async (sid: number): Promise<void> => {
    members.push(kinds[sid] === 'java' ? await startJavaMember(sid, plan) : await startZktsQuorumMember({ myId: sid, members: plan }));
  };
  try {
    await start(sids[0]!);
    await Promise.all(sids.slice(1).map(start));
  } catch (e) {
    await Promise.all(members.map((m) => m.stop()));
    throw e;
  }
  return members.sort((a, b) => a.sid - b.sid);
}
