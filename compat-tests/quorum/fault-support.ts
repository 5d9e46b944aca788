// Helpers for the fault and rolling-replacement tests: a Curator write load in its own JVM that
// logs every acknowledged write, zkts and Java members whose pid the test can signal (SIGKILL,
// SIGSTOP, SIGCONT), and reads of each member's own copy of the data; then the fault scenarios
// themselves, parameterized by which kind runs each sid. Every process is stopped by its pid;
// every wait has a bound.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { ExecutionContext } from 'ava';
import { tempDir } from '../support/temp-dirs';
import { within } from '../support/process';
import { join } from 'node:path';
import { CreateRequest, CreateResponse, GetChildrenRequest, GetChildrenResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { JAVA_CLIENT_CLASSPATH, runProcess } from '../standalone/clients/support';
import { LOOPBACK, planEnsemble, startJavaQuorumMember, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { captureOutput, stopChild } from '../support/process';
import { prepareMemberDirs, REPO_ROOT, settled, until, type Member } from './ensemble-support';

// The writer: one Curator client on every member's client port, creating sequential children of
// /load and setting /load's data in a loop until its stdin closes. "ACK <path>" and "SET <i>" are
// printed only after the server acknowledged the write; connection states and the session id at
// the start and the end tell whether the session survived.
const WRITER_SOURCE = String.raw`
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryForever;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.Watcher;

public class FaultWriter {
  static synchronized void say(String s) { System.out.println(s); System.out.flush(); }

  public static void main(String[] args) throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    Thread stdin = new Thread(() -> {
      try { while (System.in.read() >= 0) { } } catch (Exception e) { }
      stop.set(true);
    });
    stdin.setDaemon(true);
    stdin.start();
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(args[0])
        .sessionTimeoutMs(Integer.parseInt(args[1])).connectionTimeoutMs(5000)
        .retryPolicy(new RetryForever(100)).build();
    c.getConnectionStateListenable().addListener((cl, s) -> say("STATE " + s));
    c.getCuratorListenable().addListener((cl, ev) -> {
      if (ev.getWatchedEvent() != null && ev.getWatchedEvent().getState() == Watcher.Event.KeeperState.Expired) say("EXPIRED");
    });
    c.start();
    if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) { say("NOCONNECT"); System.exit(2); }
    try { c.create().forPath("/load"); } catch (KeeperException.NodeExistsException e) { }
    say("SESSION " + Long.toHexString(c.getZookeeperClient().getZooKeeper().getSessionId()));
    for (long i = 0; !stop.get(); i++) {
      byte[] d = Long.toString(i).getBytes(StandardCharsets.UTF_8);
      try {
        String p = c.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath("/load/w-", d);
        say("ACK " + p);
        c.setData().forPath("/load", d);
        say("SET " + i);
      } catch (Exception e) {
        say("ERR " + i + " " + e);
      }
    }
    say("SESSION " + Long.toHexString(c.getZookeeperClient().getZooKeeper().getSessionId()));
    c.close();
    say("DONE");
    System.exit(0);
  }
}
`;

let compiled: Promise<string> | null = null;

/** Compiles the writer once per test file; resolves with its class directory. */
function writerClasses(): Promise<string> {
  compiled ??= (async () => {
    const dir = tempDir('zkts-faultwriter-');
    const src = join(dir, 'FaultWriter.java');
    writeFileSync(src, WRITER_SOURCE);
    const r = await runProcess('javac', ['-nowarn', '-cp', JAVA_CLIENT_CLASSPATH, '-d', dir, src], { timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`javac failed (${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.output}`);
    return dir;
  })();
  return compiled;
}

export interface Writer {
  output(): string;
  /** Paths whose create the server acknowledged. */
  acked(): string[];
  /** The last i whose setData on /load was acknowledged (-1 if none). */
  lastSet(): number;
  /** Waits until at least `n` more creates than now are acknowledged. */
  waitForMore(n: number, timeoutMs: number): Promise<void>;
  /** Closes stdin (the writer finishes its current write and exits); kills its pid after a bound. */
  finish(): Promise<void>;
  kill(): Promise<void>;
}

export async function startWriter(ports: readonly number[], sessionTimeoutMs = 30_000): Promise<Writer> {
  const classes = await writerClasses();
  const connect = ports.map((p) => `${LOOPBACK}:${p}`).join(',');
  // slf4j-simple instead of -nop: the ZooKeeper client's own log (why it disconnected) goes to stderr.
  const cp = `${classes}:${JAVA_CLIENT_CLASSPATH.replace('slf4j-nop', 'slf4j-simple')}`;
  const props = ['-Dorg.slf4j.simpleLogger.defaultLogLevel=info', '-Dorg.slf4j.simpleLogger.showDateTime=true', '-Dorg.slf4j.simpleLogger.log.org.apache.curator=warn'];
  const child = spawn('java', ['-Xshare:auto', ...props, '-cp', cp, 'FaultWriter', connect, String(sessionTimeoutMs)], { stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined);
  const captured = captureOutput(child, 'the writer');
  const acked = (): string[] => [...captured.text().matchAll(/^ACK (\S+)$/gm)].map((m) => m[1]!);
  const waitOut = (ok: () => boolean, what: string, timeoutMs: number): Promise<void> => captured.until(ok, what, timeoutMs);
  const w: Writer = {
    output: captured.text,
    acked,
    lastSet: () => Math.max(-1, ...[...captured.text().matchAll(/^SET (\d+)$/gm)].map((m) => Number(m[1]))),
    waitForMore: (n, timeoutMs) => {
      const want = acked().length + n;
      return waitOut(() => acked().length >= want, `${want} acknowledged writes`, timeoutMs);
    },
    finish: async () => {
      child.stdin!.end();
      try {
        await waitOut(() => child.exitCode !== null || /^DONE$/m.test(captured.text()), 'the writer to finish', 30_000);
      } finally {
        await stopChild(child, 5000);
      }
    },
    kill: () => stopChild(child, 0),
  };
  try {
    await waitOut(() => /^SESSION /m.test(captured.text()), 'the writer to connect', 60_000);
  } catch (e) {
    await w.kill();
    throw e;
  }
  return w;
}

/** The session ids the writer printed at its start and its end. */
export function writerSessions(out: string): string[] {
  return [...out.matchAll(/^SESSION (\S+)$/gm)].map((m) => m[1]!);
}

/** A zkts member whose process the test can signal. */
export interface SignalableMember extends Member {
  readonly pid: number;
  signal(sig: NodeJS.Signals): void;
  /** Resolves with the first match of `re` in the output after character `from`. */
  waitForOutput(re: RegExp, timeoutMs: number, from?: number): Promise<void>;
}

/**
 * SIGSTOP, then waits until every thread of the process is stopped. A group stop is not instant:
 * the kernel wakes one thread to take the signal and the others stop only once it has run, so on
 * a busy machine a JVM's threads can go on for a while (reading a proposal, logging, acking it)
 * after kill(2) returned. /proc/<pid>/task/<tid>/stat shows each thread's state ('T' = stopped; 'Z'/'X' = exiting).
 */
export async function freeze(m: SignalableMember, timeoutMs = 10_000): Promise<void> {
  m.signal('SIGSTOP');
  const states = (): string[] => {
    const out: string[] = [];
    for (const tid of readdirSync(`/proc/${m.pid}/task`)) {
      try {
        const stat = readFileSync(`/proc/${m.pid}/task/${tid}/stat`, 'utf8');
        out.push(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
      } catch {
        // The thread ended meanwhile.
      }
    }
    return out;
  };
  await until(`${m.kind} ${m.sid} (pid ${m.pid}) to be stopped`, async () => (states().every((s) => s === 'T' || s === 'Z' || s === 'X') ? true : null), timeoutMs);
}

export async function startZkts(myId: number, members: readonly EnsembleMember[], o: { dataDir?: string; config?: Record<string, string> } = {}): Promise<SignalableMember> {
  const me = members.find((m) => m.sid === myId)!;
  const { dataDir, cfgFile } = prepareMemberDirs(myId, members, { prefix: 'zkts-fq', dataDir: o.dataDir, config: o.config });
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'zkts'), 'start-foreground', cfgFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZKTS_LOG_LEVEL: 'info' } });
  const captured = captureOutput(child, `zkts ${myId}`);
  const waitForOutput = (re: RegExp, timeoutMs: number, from = 0): Promise<void> => captured.match(re, timeoutMs, from).then(() => undefined);
  const m: SignalableMember = {
    sid: myId,
    kind: 'zkts',
    clientPort: me.clientPort,
    dataDir,
    pid: child.pid!,
    output: captured.text,
    mode: () => srvrMode(me.clientPort),
    // A stopped process cannot act on SIGTERM: continue it first.
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGCONT');
      await stopChild(child, 10_000);
    },
    signal: (sig) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    },
    waitForOutput,
  };
  try {
    await waitForOutput(/accepting election connections/, 30_000);
  } catch (e) {
    await m.stop();
    throw e;
  }
  return m;
}

async function srvrMode(port: number): Promise<string | null> {
  try {
    return /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, port, 'srvr', 2000))?.[1] ?? null;
  } catch {
    return null;
  }
}


/** What one member itself holds under `path` after a sync with the leader: children and data. */
export async function readMember(port: number, path: string): Promise<{ children: string[]; data: string; zxid: bigint }> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    const s = await within(c.request(OpCode.sync, SyncRequest.encode({ path }), SyncResponse), 20_000, `sync on ${port}`);
    if (s.err !== ErrCode.OK) throw new Error(`sync on ${port}: ${s.err}`);
    const k = await within(c.request(OpCode.getChildren, GetChildrenRequest.encode({ path, watch: false }), GetChildrenResponse), 20_000, 'getChildren');
    const d = await within(c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse), 20_000, 'getData');
    return { children: (k.body?.children ?? []).filter((x): x is string => x !== null).sort(), data: d.body?.data?.toString() ?? '', zxid: s.zxid };
  } finally {
    c.destroy();
  }
}

/** Waits until `m` serves clients (it has joined a quorum and synced). */
export function serving(m: Member, timeoutMs = 60_000): Promise<string> {
  return until(`${m.kind} ${m.sid} to serve`, () => m.mode(), timeoutMs);
}

/** A Java 3.8.0 member the test can signal by its pid, like startZkts's members. */
export async function startJavaSignalable(myId: number, members: readonly EnsembleMember[], o: { dataDir?: string; config?: Record<string, string> } = {}): Promise<SignalableMember> {
  const j = await startJavaQuorumMember({ myId, members, ...o });
  // Once it is known to be gone its pid is never signalled again (it could be reused); nor is a
  // pid whose command line is no longer this JVM's (it died on its own).
  let gone = false;
  const ours = (): boolean => {
    try {
      return readFileSync(`/proc/${j.pid}/cmdline`, 'utf8').includes('QuorumPeerMain');
    } catch {
      return false;
    }
  };
  const signal = (sig: NodeJS.Signals): void => {
    if (gone || !ours()) return;
    try {
      process.kill(j.pid, sig);
    } catch {
      gone = true;
    }
    if (sig === 'SIGKILL') gone = true;
  };
  return {
    sid: myId,
    kind: 'java',
    clientPort: j.clientPort,
    dataDir: j.dataDir,
    pid: j.pid,
    output: () => j.output(),
    mode: () => j.mode(),
    stop: async () => {
      // A stopped JVM cannot act on SIGTERM: continue it first.
      signal('SIGCONT');
      await j.stop();
      gone = true;
    },
    signal,
    waitForOutput: (re, timeoutMs, from = 0) => until(`${re} in Java ${myId}'s log`, async () => (re.test(j.output().slice(from)) ? true : null), timeoutMs).then(() => undefined),
  };
}

export type MemberKind = 'java' | 'zkts';

/** startZkts or startJavaSignalable by kind. */
export function startSignalable(kind: MemberKind, myId: number, members: readonly EnsembleMember[], o: { dataDir?: string; config?: Record<string, string> } = {}): Promise<SignalableMember> {
  return kind === 'java' ? startJavaSignalable(myId, members, o) : startZkts(myId, members, o);
}

// ---- The fault scenarios, by layout: faults.test.ts runs them on zkts members only,
// faults-mixed.test.ts on mixed Java/zkts layouts. sid 3 leads (started first, highest sid).

export type Layout = Readonly<Record<1 | 2 | 3, MemberKind>>;

export interface FaultEnsemble {
  readonly plan: EnsembleMember[];
  readonly layout: Layout;
  /** The current process of each sid. */
  readonly members: Map<number, SignalableMember>;
  writer: Writer | null;
  /** Starts sid's kind as sid (on `dataDir` if given), registered for the teardown. */
  start(sid: 1 | 2 | 3, dataDir?: string): Promise<SignalableMember>;
}

/** Three members laid out as `layout`; every process it starts is stopped (by pid) in teardown. */
export async function faultEnsemble(t: ExecutionContext, layout: Layout): Promise<FaultEnsemble> {
  const everyone: SignalableMember[] = [];
  const e: FaultEnsemble = {
    plan: await planEnsemble([1, 2, 3]),
    layout,
    members: new Map(),
    writer: null,
    start: async (sid, dataDir) => {
      const m = await startSignalable(layout[sid], sid, e.plan, dataDir === undefined ? {} : { dataDir });
      everyone.push(m);
      e.members.set(sid, m);
      return m;
    },
  };
  t.teardown(async () => {
    if (!t.passed) {
      for (const m of everyone) t.log(`=== ${m.kind} ${m.sid} (pid ${m.pid})\n${m.output().slice(-4000)}`);
      if (e.writer !== null) t.log(`=== writer\n${e.writer.output().split('\n').filter((l) => !/^(ACK|SET) /.test(l)).slice(-40).join('\n')}`);
      if (process.env.DUMP !== undefined) {
        for (const m of everyone) writeFileSync(join(process.env.DUMP, `${m.kind}${m.sid}-${m.pid}.log`), m.output());
        if (e.writer !== null) writeFileSync(join(process.env.DUMP, 'writer.log'), e.writer.output());
      }
    }
    await e.writer?.kill();
    await Promise.all(everyone.map((m) => m.stop()));
  });
  await e.start(3);
  // allSettled: a member that started is registered (and stopped in teardown) even if the other failed.
  for (const r of await Promise.allSettled([e.start(1), e.start(2)])) if (r.status === 'rejected') throw r.reason;
  const modes = await settled([...e.members.values()]);
  t.is(modes.get(3), 'leader');
  return e;
}

/** Every acknowledged create is on each member (read from the member itself), and all hold the same. */
export async function allHold(t: ExecutionContext, e: FaultEnsemble, acked: readonly string[]): Promise<void> {
  const views: Awaited<ReturnType<typeof readMember>>[] = [];
  for (const m of e.members.values()) {
    const v = await readMember(m.clientPort, '/load');
    const held = new Set(v.children.map((c) => `/load/${c}`));
    t.deepEqual(acked.filter((p) => !held.has(p)), [], `every acknowledged create on ${m.kind} ${m.sid}`);
    views.push(v);
  }
  // (Not the zxid: each read opens a session, itself a txn.)
  for (const v of views.slice(1)) t.deepEqual([v.children, v.data], [views[0]!.children, views[0]!.data]);
}

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** Creates `path` through one member, bounded; throws unless acknowledged. */
async function createOk(c: ZkTestClient, path: string, data: Buffer | null): Promise<void> {
  const r = await within(c.request(OpCode.create, CreateRequest.encode({ path, data, acl: OPEN_ACL, flags: 0 }), CreateResponse), 20_000, `create ${path}`);
  if (r.err !== ErrCode.OK) throw new Error(`create ${path}: ${r.err}`);
}

/** Creates /load/<prefix>0..n-1 through one member; every create must be acknowledged. */
export async function writeMany(port: number, prefix: string, n: number): Promise<string[]> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    const made: string[] = [];
    for (let i = 0; i < n; i++) {
      await createOk(c, `/load/${prefix}${i}`, Buffer.from(`${i}`));
      made.push(`/load/${prefix}${i}`);
    }
    return made;
  } finally {
    c.destroy();
  }
}

export async function makeLoad(port: number): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    await createOk(c, '/load', Buffer.from('-1'));
  } finally {
    c.destroy();
  }
}

/** What each side logs for a sync (zkts's runners; the reference's Learner.syncWithLeader and LearnerHandler). */
const LEARNER_SYNC: Record<MemberKind, Record<'DIFF' | 'SNAP', RegExp>> = {
  zkts: { DIFF: /follower serving .*sync=DIFF/, SNAP: /follower serving .*sync=SNAP/ },
  java: { DIFF: /Getting a diff from the leader/, SNAP: /Getting a snapshot from leader/ },
};
const ANY_SYNC: Record<MemberKind, RegExp> = {
  zkts: /follower serving .*sync=(DIFF|SNAP|TRUNC)/,
  java: /Getting a (diff|snapshot) from (the )?leader|Truncating log to get in sync/,
};
const leaderSync = (kind: MemberKind, sync: 'DIFF' | 'SNAP', learner: number): RegExp =>
  kind === 'zkts'
    ? new RegExp(`syncing learner .*learner=${learner} kind=${sync}`)
    : sync === 'DIFF'
      ? new RegExp(`Sending DIFF zxid=0x[0-9a-f]+ +for peer sid: ${learner}`)
      : /Sending snapshot last zxid of peer/;
/** The leader gives up on a learner that stopped answering (zkts; Java's LearnerHandler ends with GOODBYE). */
const DROPPED: Record<MemberKind, RegExp> = { zkts: /learner connection closed|dropping learner/, java: /\*\*\*\*\*\*\* GOODBYE/ };

/** SIGKILL of the leader under a Curator load: a new leader serves writes, no acknowledged write is lost. */
export async function leaderKilledUnderLoad(t: ExecutionContext, layout: Layout): Promise<void> {
  const e = await faultEnsemble(t, layout);
  e.writer = await startWriter(e.plan.map((m) => m.clientPort));
  await e.writer.waitForMore(30, 60_000);
  const leader = e.members.get(3)!;
  leader.signal('SIGKILL');
  const modes = await settled([e.members.get(1)!, e.members.get(2)!]);
  t.true([...modes.values()].includes('leader'), 'one of the two others leads');
  await e.writer.waitForMore(30, 60_000);
  // The killed member comes back on its dataDir and catches up.
  await leader.stop();
  await serving(await e.start(3, leader.dataDir));
  await e.writer.waitForMore(10, 60_000);
  await e.writer.finish();
  const out = e.writer.output();
  e.writer = null;
  const sessions = writerSessions(out);
  t.is(sessions.length, 2);
  t.is(sessions[0], sessions[1], 'the writer kept its session');
  t.notRegex(out, /^STATE LOST$/m);
  await allHold(t, e, [...out.matchAll(/^ACK (\S+)$/gm)].map((m) => m[1]!));
}

/** Follower 1 frozen (SIGSTOP) past syncLimit is dropped by the leader; resumed, it catches up by DIFF. */
export async function frozenFollowerCatchesUpByDiff(t: ExecutionContext, layout: Layout): Promise<void> {
  const e = await faultEnsemble(t, layout);
  const [leader, frozen, other] = [e.members.get(3)!, e.members.get(1)!, e.members.get(2)!];
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 20);
  const leaderMark = leader.output().length;
  const frozenMark = frozen.output().length;
  await freeze(frozen);
  // syncLimit is 5 ticks of 500 ms: the leader gives up on the silent follower.
  await leader.waitForOutput(DROPPED[leader.kind], 30_000, leaderMark);
  acked.push(...(await writeMany(other.clientPort, 'b', 20)));
  frozen.signal('SIGCONT');
  // It notices its leader gone (or its connection dropped), rejoins and is synced.
  await frozen.waitForOutput(ANY_SYNC[frozen.kind], 60_000, frozenMark);
  t.regex(frozen.output().slice(frozenMark), LEARNER_SYNC[frozen.kind].DIFF, 'the missing txns came as a DIFF');
  t.regex(leader.output().slice(leaderMark), leaderSync(leader.kind, 'DIFF', frozen.sid));
  await serving(frozen);
  acked.push(...(await writeMany(frozen.clientPort, 'c', 10)));
  await allHold(t, e, acked);
}

/** Follower 1 wiped of its data (version-2 deleted, myid kept) rejoins by SNAP. */
export async function wipedFollowerRejoinsBySnap(t: ExecutionContext, layout: Layout): Promise<void> {
  const e = await faultEnsemble(t, layout);
  const leader = e.members.get(3)!;
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 20);
  const wiped = e.members.get(1)!;
  await wiped.stop();
  rmSync(join(wiped.dataDir, 'version-2'), { recursive: true, force: true });
  t.true(existsSync(join(wiped.dataDir, 'myid')));
  acked.push(...(await writeMany(leader.clientPort, 'b', 20)));
  const leaderMark = leader.output().length;
  const back = await e.start(1, wiped.dataDir);
  await serving(back);
  t.regex(back.output(), LEARNER_SYNC[back.kind].SNAP, 'an empty member is sent a snapshot');
  t.regex(leader.output().slice(leaderMark), leaderSync(leader.kind, 'SNAP', 1));
  acked.push(...(await writeMany(back.clientPort, 'c', 10)));
  await allHold(t, e, acked);
}
