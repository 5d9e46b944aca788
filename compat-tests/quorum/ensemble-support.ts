// Mixed ensembles for the compat tests: zkts members run as real `bin/zkts start-foreground`
// processes with a quorum zoo.cfg and a myid file, Java members through startJavaQuorumMember,
// all on 127.0.0.1 with free ports. Every process is stopped by its pid; waits are conditions
// with a bound.

import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LOOPBACK, planEnsemble, serverLine, startJavaQuorumMember, type EnsembleMember, type JavaQuorumMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { captureOutput, stopChild } from '../support/process';
import type { ExecutionContext } from 'ava';
import { GetDataRequest, GetDataResponse, SetDataRequest, SetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { clientSource, JAVA_CLIENT_CLASSPATH, LineDriver, runProcess } from '../standalone/clients/support';
import { tempDir } from '../support/temp-dirs';

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
  /** Extra environment, e.g. SERVER_JVMFLAGS with -D system properties. */
  readonly env?: Record<string, string>;
  /** How the temporary directories are named (`zkts-q` by default). */
  readonly prefix?: string;
  /** Remove the data and config directories once the process is gone (they are ours alone). */
  readonly removeDirsOnStop?: boolean;
}

export interface ZktsMember extends Member {
  /** The zoo.cfg the member was started with (dynamic files appear next to it). */
  readonly cfgFile: string;
}

/**
 * The zoo.cfg every test member (Java or zkts) starts from: short ticks, the 4lw all allowed, no
 * AdminServer, the ensemble's server lines; `extra` adds to or overrides any of it.
 */
export function memberConfig(dataDir: string, members: readonly EnsembleMember[], extra: Record<string, string> = {}, tickTime = 500): Record<string, string> {
  return {
    tickTime: String(tickTime),
    initLimit: '10',
    syncLimit: '5',
    dataDir,
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...Object.fromEntries(members.map(serverLine)),
    ...extra,
  };
}

export interface MemberDirs {
  readonly dataDir: string;
  /** The directory holding zoo.cfg (and the dynamic files a reconfig writes next to it). */
  readonly confDir: string;
  readonly cfgFile: string;
}

/**
 * Makes a member's data directory (`dataDir`, or a fresh temporary one) with its myid file, and
 * writes its zoo.cfg (memberConfig with `config`) into a fresh directory of its own.
 */
export function prepareMemberDirs(
  myId: number,
  members: readonly EnsembleMember[],
  o: { readonly prefix: string; readonly dataDir?: string | undefined; readonly config?: Record<string, string> | undefined; readonly tickTime?: number | undefined },
): MemberDirs {
  const dataDir = o.dataDir ?? tempDir(`${o.prefix}${myId}-`);
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'myid'), `${myId}\n`);
  const cfg = memberConfig(dataDir, members, o.config, o.tickTime);
  const confDir = tempDir(`${o.prefix}conf-`);
  const cfgFile = join(confDir, 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
  return { dataDir, confDir, cfgFile };
}

export async function startZktsQuorumMember(o: ZktsMemberOptions): Promise<ZktsMember> {
  const me = o.members.find((m) => m.sid === o.myId);
  if (me === undefined) throw new Error(`server ${o.myId} is not in the member list`);
  const { dataDir, confDir, cfgFile } = prepareMemberDirs(o.myId, o.members, { prefix: o.prefix ?? 'zkts-q', dataDir: o.dataDir, config: o.config, tickTime: o.tickTime });
  const child = spawn(process.execPath, [ZKTS_BIN, 'start-foreground', cfgFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ZKTS_LOG_LEVEL: 'info', ...o.env },
  });
  const out = captureOutput(child, `zkts ${o.myId}`);
  const member: ZktsMember = {
    sid: o.myId,
    kind: 'zkts',
    clientPort: me.clientPort,
    dataDir,
    cfgFile,
    output: out.text,
    mode: () => srvrMode(me.clientPort),
    stop: async () => {
      await stopChild(child, 10_000);
      if (o.removeDirsOnStop === true) {
        rmSync(dataDir, { recursive: true, force: true });
        rmSync(confDir, { recursive: true, force: true });
      }
    },
  };
  try {
    await out.match(/accepting election connections/, 30_000);
  } catch (e) {
    await member.stop();
    throw e;
  }
  return member;
}

export async function startJavaMember(
  myId: number,
  members: readonly EnsembleMember[],
  o: { dataDir?: string; config?: Record<string, string>; properties?: Record<string, string> } = {},
): Promise<Member> {
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

// ---- Stock-client scenarios against an ensemble of any size ----------------------------------
// The same zkCli / kazoo / Curator / C-client runs for the 3-node and the 5-node tests: each goes
// through one chosen member (a follower forwards the writes to the leader) and what it wrote is
// read back from every member after a sync.

/** What a scenario needs to know about the ensemble. */
export interface ScenarioEnsemble {
  readonly plan: readonly EnsembleMember[];
  readonly members: readonly Member[];
}

const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';
const CLI_MT = '/usr/lib/zookeeper/bin/cli_mt';
const PYTHON = '/usr/bin/python3';
const KAZOO = ['crud', 'transactions', 'lock', 'election', 'counter', 'data_watch', 'children_watch', 'acl_and_auth', 'queue_and_party'];
const CURATOR = ['crud', 'transactions', 'ttl-and-containers', 'acl-and-auth', 'zookeeper-api', 'leader-latch', 'leader-selector', 'interprocess-mutex', 'semaphore-v2', 'distributed-atomic-long', 'curator-cache', 'persistent-watcher'];

/** Each member's own data at `path` after a sync with the leader (null: no such node). */
export async function readEverywhere(members: readonly Member[], path: string): Promise<(string | null)[]> {
  const out: (string | null)[] = [];
  for (const m of members) {
    const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
    try {
      await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
      const r = await c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
      out.push(r.err === ErrCode.OK ? (r.body?.data ?? Buffer.alloc(0)).toString() : null);
    } finally {
      await c.close();
    }
  }
  return out;
}

/** zkCli.sh 3.8.0 through `via`: creates, sets, lists, reads the ensemble's config. */
export async function zkCliScenario(t: ExecutionContext, e: ScenarioEnsemble, via: Member): Promise<void> {
  const p = `/cli-${via.sid}`;
  const session = [`create ${p} hello`, `create -s ${p}/seq- s`, `create -e ${p}/eph e`, `set ${p} world`, `ls ${p}`, `get ${p}`, 'config', `delete ${p}/eph`, 'quit'].join('\n') + '\n';
  const r = await runProcess(ZKCLI, ['-server', `${LOOPBACK}:${via.clientPort}`], { input: session, timeoutMs: 90_000 });
  t.false(r.timedOut, r.output);
  // zkCli prints the Created lines on stderr.
  t.regex(r.output, new RegExp(`Created ${p}\\n`));
  t.regex(r.output, new RegExp(`Created ${p}/seq-0000000000`));
  t.regex(r.stdout, /\[eph, seq-0000000000\]/);
  t.regex(r.stdout, /^world$/m);
  // `config` reads /zookeeper/config: the member list and its version.
  for (const m of e.plan) t.regex(r.stdout, new RegExp(`server\\.${m.sid}=${LOOPBACK}:${m.quorumPort}:${m.electionPort}:${m.role};${LOOPBACK}:${m.clientPort}`));
  t.regex(r.stdout, /version=0/);
  t.deepEqual(await readEverywhere(e.members, p), e.members.map(() => 'world'));
  t.deepEqual(await readEverywhere(e.members, `${p}/eph`), e.members.map(() => null));
}

/** kazoo 2.8's recipes (compat-tests/standalone/clients/kazoo) through `via`. */
export async function kazooScenario(t: ExecutionContext, via: Member): Promise<void> {
  const r = await runProcess(PYTHON, [clientSource('kazoo', 'kazoo_scenarios.py'), `${LOOPBACK}:${via.clientPort}`], { timeoutMs: 130_000 });
  t.false(r.timedOut, r.output);
  for (const name of KAZOO) t.regex(r.stdout, new RegExp(`^PASS ${name} \\(`, 'm'), `${name}:\n${r.output}`);
  t.regex(r.stdout, /^DONE failures=0$/m, r.output);
}

/** Curator 5.4's recipes (compat-tests/standalone/clients/curator) through `via`. */
export async function curatorScenario(t: ExecutionContext, via: Member): Promise<void> {
  const classes = tempDir('zkts-curator-');
  const javac = await runProcess('javac', ['-nowarn', '-cp', JAVA_CLIENT_CLASSPATH, '-d', classes, clientSource('curator', 'CuratorScenarios.java')], { timeoutMs: 120_000 });
  t.is(javac.code, 0, javac.output);
  const r = await runProcess('java', ['-Xshare:auto', '-cp', `${classes}:${JAVA_CLIENT_CLASSPATH}`, 'CuratorScenarios', `${LOOPBACK}:${via.clientPort}`], { timeoutMs: 170_000 });
  t.false(r.timedOut, r.output);
  for (const name of CURATOR) t.regex(r.stdout, new RegExp(`^PASS ${name} \\(`, 'm'), `${name}:\n${r.output}`);
  t.regex(r.stdout, /^DONE failures=0$/m, r.output);
}

/**
 * The C client (cli_mt, libzookeeper-mt 3.8.0) through `via`: creates of each mode, set/get/ls,
 * a data watch fired by a write made through another member, and its ephemeral gone everywhere
 * once it quits.
 */
export async function cliMtScenario(t: ExecutionContext, e: ScenarioEnsemble, via: Member): Promise<void> {
  const p = `/cm-${via.sid}`;
  const other = e.members.find((m) => m !== via)!;
  const cli = new LineDriver(CLI_MT, [`${LOOPBACK}:${via.clientPort}`]);
  try {
    await cli.waitFor(/Watcher SESSION_EVENT state = CONNECTED_STATE/, 30_000);
    await cli.run(`create ${p}`, new RegExp(`\\[${p}\\]: rc = 0\\n`));
    await cli.run(`create +e ${p}/e`, new RegExp(`\\[${p}/e\\]: rc = 0\\n`));
    await cli.run(`create +s ${p}/s-`, new RegExp(`\\[${p}/s-\\]: rc = 0\\n\\tname = ${p}/s-0000000001\\n`));
    await cli.run(`set ${p} hello`, new RegExp(`${p}: rc = 0 Stat:\\n(\\t.*\\n){4}\\tversion=1`));
    // cli_mt's get leaves a data watch on the node.
    await cli.run(`get ${p}`, new RegExp(`${p}: rc = 0\\n value_len = 5\\nhello\\n`));
    const ls = await cli.run(`ls ${p}`, new RegExp(`${p}: rc = 0\\n((?:\\t.+\\n)+)time = `));
    t.deepEqual(ls[1]!.trim().split(/\s+/).sort(), ['e', 's-0000000001']);
    // A write through another member fires the watch held by `via`.
    const w = await ZkTestClient.connect(LOOPBACK, other.clientPort, { timeoutMs: 10_000 });
    try {
      const r = await w.request(OpCode.setData, SetDataRequest.encode({ path: p, data: Buffer.from('elsewhere'), version: -1 }), SetDataResponse);
      t.is(r.err, ErrCode.OK);
    } finally {
      await w.close();
    }
    await cli.waitFor(new RegExp(`Watcher CHANGED_EVENT state = CONNECTED_STATE for path ${p}\\n`));
    await cli.run(`sync ${p}`, new RegExp(`\\[${p}\\]: rc = 0\\n`));
    await cli.run(`get ${p}`, new RegExp(`${p}: rc = 0\\n value_len = 9\\nelsewhere\\n`));
    // cli_mt creates with the data "new".
    t.deepEqual(await readEverywhere(e.members, `${p}/e`), e.members.map(() => 'new'));
    cli.send('quit');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([cli.exit, new Promise<null>((r) => (timer = setTimeout(() => r(null), 15_000)))]);
    clearTimeout(timer);
    t.not(exit, null, `cli_mt did not exit after quit:\n${cli.output}`);
  } finally {
    await cli.kill();
  }
  // Its session closed: the ephemeral went on every member, the rest stays.
  t.deepEqual(await readEverywhere(e.members, `${p}/e`), e.members.map(() => null));
  t.deepEqual(await readEverywhere(e.members, p), e.members.map(() => 'elsewhere'));
}
