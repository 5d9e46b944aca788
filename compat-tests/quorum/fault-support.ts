// Helpers for the fault and rolling-replacement tests: a Curator write load in its own JVM that
// logs every acknowledged write, zkts members whose pid the test can signal (SIGKILL, SIGSTOP,
// SIGCONT), and reads of each member's own copy of the data. Every process is stopped by its pid;
// every wait has a bound.

import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetChildrenRequest, GetChildrenResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { JAVA_CLIENT_CLASSPATH, runProcess } from '../standalone/clients/support';
import { LOOPBACK, serverLine, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { captureOutput, stopChild } from '../support/process';
import { REPO_ROOT, until, type Member } from './ensemble-support';

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
    const dir = mkdtempSync(join(tmpdir(), 'zkts-faultwriter-'));
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

export async function startZkts(myId: number, members: readonly EnsembleMember[], o: { dataDir?: string; config?: Record<string, string> } = {}): Promise<SignalableMember> {
  const me = members.find((m) => m.sid === myId)!;
  const dataDir = o.dataDir ?? mkdtempSync(join(tmpdir(), `zkts-fq${myId}-`));
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, 'myid'), `${myId}\n`);
  const cfg: Record<string, string> = {
    tickTime: '500',
    initLimit: '10',
    syncLimit: '5',
    dataDir,
    'admin.enableServer': 'false',
    '4lw.commands.whitelist': '*',
    ...Object.fromEntries(members.map(serverLine)),
    ...o.config,
  };
  const cfgFile = join(mkdtempSync(join(tmpdir(), 'zkts-fqconf-')), 'zoo.cfg');
  writeFileSync(cfgFile, Object.entries(cfg).map(([k, v]) => `${k}=${v}`).join('\n') + '\n');
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

/** Bounds a promise (a request to a server that may never answer). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`no answer to ${what} within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        res(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        rej(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
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
