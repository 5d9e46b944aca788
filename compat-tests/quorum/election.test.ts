// Fast leader election against Apache ZooKeeper 3.8.0 (Debian) on loopback: zkts election nodes
// and Java quorum members in one ensemble must reach the same decision. zkts has no Zab yet, so
// only the election is checked: Java's side through `srvr`, its log, and which quorum port it dials.

import test from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { QuorumServerSpec } from '../../src/config/types';
import { startElectionNode, type ElectionNode } from '../../src/quorum/election/election-node';
import { silentLogger } from '../../src/util/logger';
import { LOOPBACK, planEnsemble, startJavaQuorumMember, type EnsembleMember, type JavaQuorumMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { within } from '../support/process';

const specs = (members: readonly EnsembleMember[]): QuorumServerSpec[] =>
  members.map((m) => ({ id: m.sid, addresses: [{ host: LOOPBACK, quorumPort: m.quorumPort, electionPort: m.electionPort }], role: m.role, client: { host: LOOPBACK, port: m.clientPort } }));

/** Polls `probe` until it yields a value (a condition wait, bounded). */
async function until<T>(what: string, probe: () => Promise<T | null>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Raw listeners on the quorum ports of zkts nodes: a Java follower dials its leader's. */
async function quorumPortWatch(members: readonly EnsembleMember[]): Promise<{ dialled: Set<number>; close(): void }> {
  const dialled = new Set<number>();
  const servers: Server[] = [];
  for (const m of members) {
    const s = createServer((sock) => {
      dialled.add(m.sid);
      sock.on('error', () => undefined);
      sock.destroy();
    });
    await new Promise<void>((r) => s.listen(m.quorumPort, LOOPBACK, () => r()));
    servers.push(s);
  }
  return { dialled, close: () => servers.forEach((s) => s.close()) };
}

const JAVA_DECISION = /org\.apache\.zookeeper\.server\.quorum\.QuorumPeer - (FOLLOWING|LEADING|OBSERVING)\s*$/m;

test.serial('(a) Java sids 1,2 form an ensemble; a zkts sid 3 follows their leader', async (t) => {
  const members = await planEnsemble([1, 2, 3]);
  const javas: JavaQuorumMember[] = [];
  let zk: ElectionNode | undefined;
  try {
    for (const sid of [1, 2]) javas.push(await startJavaQuorumMember({ myId: sid, members }));
    const leader = await until('a Java leader', async () => {
      for (const j of javas) if ((await j.mode()) === 'leader') return j;
      return null;
    });
    const srvr = await fourLetterWord(LOOPBACK, leader.clientPort, 'srvr', 3000);
    const epoch = BigInt(`0x${/Zxid: 0x([0-9a-f]+)/.exec(srvr)![1]!}`) >> 32n;
    zk = await startElectionNode({ myId: 3, servers: specs(members), lastZxid: 0n, currentEpoch: 0n, logger: silentLogger });
    const d = await within(zk.driver.lookForLeader(), 30_000, 'the election');
    t.is(d.state, 'FOLLOWING');
    t.is(d.vote.id, BigInt(leader.sid));
    t.is(d.vote.peerEpoch, epoch, "the leader's vote carries the epoch it established");
  } finally {
    await zk?.close();
    for (const j of javas) await j.stop();
  }
});

test.serial('(b) Java sid 1 with zkts sids 2,3 started together: all agree that 3 leads', async (t) => {
  const members = await planEnsemble([1, 2, 3]);
  const watch = await quorumPortWatch(members.slice(1));
  const nodes: ElectionNode[] = [];
  let java: JavaQuorumMember | undefined;
  try {
    java = await startJavaQuorumMember({ myId: 1, members });
    for (const sid of [2, 3]) nodes.push(await startElectionNode({ myId: sid, servers: specs(members), lastZxid: 0n, currentEpoch: 0n, logger: silentLogger }));
    const decisions = await within(Promise.all(nodes.map((n) => n.driver.lookForLeader())), 30_000, 'the elections');
    t.deepEqual(decisions.map((d) => [d.state, d.vote.id]), [['FOLLOWING', 3n], ['LEADING', 3n]]);
    const m = await java.waitForOutput(JAVA_DECISION, 60_000);
    t.is(m[1], 'FOLLOWING');
    await until('Java to dial its leader', async () => (watch.dialled.size > 0 ? true : null));
    t.deepEqual([...watch.dialled], [3], "Java dials server 3's quorum port");
  } finally {
    for (const n of nodes) await n.close();
    await java?.stop();
    watch.close();
  }
});

test.serial("(b') Java sid 3 with zkts sids 1,2: zkts follows Java, Java leads", async (t) => {
  const members = await planEnsemble([1, 2, 3]);
  const nodes: ElectionNode[] = [];
  let java: JavaQuorumMember | undefined;
  try {
    java = await startJavaQuorumMember({ myId: 3, members });
    // Java must be in its round (broadcasting, re-dialling) before 1 and 2 meet, or they may settle
    // on 2 within finalizeWait before Java's first vote reaches them, as two Java servers would.
    await java.waitForOutput(/New election\. My id = 3/, 60_000);
    for (const sid of [1, 2]) nodes.push(await startElectionNode({ myId: sid, servers: specs(members), lastZxid: 0n, currentEpoch: 0n, logger: silentLogger }));
    const decisions = await within(Promise.all(nodes.map((n) => n.driver.lookForLeader())), 30_000, 'the elections');
    t.deepEqual(decisions.map((d) => [d.state, d.vote.id]), [['FOLLOWING', 3n], ['FOLLOWING', 3n]]);
    t.is((await java.waitForOutput(JAVA_DECISION, 60_000))[1], 'LEADING');
  } finally {
    for (const n of nodes) await n.close();
    await java?.stop();
  }
});

interface Proc {
  child: ChildProcess;
  out: () => string;
}

function spawnNode(args: object): Proc {
  const script = join(__dirname, 'election-node-process.js');
  const child = spawn(process.execPath, [script, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  return { child, out: () => out };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.child.once('exit', () => r()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

test.serial('(c) three zkts election processes elect the highest (epoch, zxid, sid)', async (t) => {
  const members = await planEnsemble([1, 2, 3]);
  // Server 1: epoch 2, counter 7; server 2: epoch 1 with a larger counter; server 3: epoch 2, counter 7.
  const histories: Record<number, [bigint, bigint]> = { 1: [2n, 7n], 2: [1n, 900n], 3: [2n, 7n] };
  const procs: Proc[] = [];
  try {
    for (const m of members) {
      const [epoch, counter] = histories[m.sid]!;
      procs.push(spawnNode({ myId: m.sid, servers: specs(members), lastZxid: String((epoch << 32n) | counter), currentEpoch: String(epoch) }));
    }
    const decided = await until('three decisions', async () => {
      const lines = procs.map((p) => /^DECIDED (.*)$/m.exec(p.out())?.[1]);
      return lines.every((l) => l !== undefined) ? lines.map((l) => JSON.parse(l!) as { state: string; leader: string; zxid: string; peerEpoch: string }) : null;
    });
    // (2, 0x200000007, 3) beats (2, 0x200000007, 1) on sid, and both beat epoch 1.
    t.deepEqual(decided.map((d) => [d.state, d.leader]), [['FOLLOWING', '3'], ['FOLLOWING', '3'], ['LEADING', '3']]);
    t.true(decided.every((d) => d.zxid === String(0x200000007n) && d.peerEpoch === '2'));
  } finally {
    for (const p of procs) await stopProc(p);
  }
});
