// Dynamic config files with reconfigEnabled=true, compared with Apache ZooKeeper 3.8.0 (Debian).
// Java, all-zkts and mixed (Java leader, zkts followers) 3-node ensembles start from the same kind
// of zoo.cfg (server lines, a comment, quorumListenOnAllIPs=true). Once paths and ports are
// normalized, each member's conf dir must end up with the same files (zoo.cfg.bak,
// zoo.cfg.dynamic.100000000, the rewritten zoo.cfg), /zookeeper/config must be the same, and the
// election ports must be bound the same way. A Java member's conf dir and dataDir are then handed to
// zkts with a stale .dynamic.next beside them: zkts starts from the rewritten zoo.cfg, removes the
// stale file and rejoins. With reconfigEnabled=false neither writes anything. Two more checks: the
// java.util.Properties key order against the JDK, and an occupied election port, where both give
// up after electionPortBindRetry attempts with exit 14.

import test, { type ExecutionContext } from 'ava';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dynamicConfigText, javaPropertiesOrder, staticConfigText } from '../../src/config/dynamic-files';
import { prng } from '../../test/support/prng';
import { parseZooCfg } from '../../src/config';
import { GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, serverLine, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord, JAVA_CLASSPATH } from '../support/java-server';
import { captureOutput, exited, stopChild, type CapturedOutput } from '../support/process';
import { REPO_ROOT, settled, until, type Kind, type Member } from './ensemble-support';

const ZKTS_BIN = join(REPO_ROOT, 'bin', 'zkts');
const FIRST_VERSION = '100000000'; // the NEWLEADER zxid of epoch 1

interface ConfMember extends Member {
  readonly confDir: string;
  readonly cfgPath: string;
  readonly plan: EnsembleMember;
  readonly child: ChildProcess;
  readonly out: CapturedOutput;
}

/** zoo.cfg as an operator writes it: a comment, keys in a fixed order, the server list. */
function zooCfg(dataDir: string, me: EnsembleMember, plan: readonly EnsembleMember[]): string {
  const lines = [
    '# written by dynamic-config.test.ts',
    'tickTime=500',
    'initLimit=10',
    'syncLimit=5',
    `dataDir=${dataDir}`,
    `clientPort=${me.clientPort}`,
    'reconfigEnabled=true',
    'quorumListenOnAllIPs=true',
    'admin.enableServer=false',
    '4lw.commands.whitelist=*',
    ...plan.map((m) => serverLine(m).join('=')),
  ];
  return `${lines.join('\n')}\n`;
}

function spawnMember(kind: Kind, cfgPath: string, sid: number): { child: ChildProcess; out: CapturedOutput } {
  const child =
    kind === 'java'
      ? spawn('java', ['-Xshare:auto', '-Dorg.slf4j.simpleLogger.defaultLogLevel=info', '-cp', JAVA_CLASSPATH, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', cfgPath], { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(process.execPath, [ZKTS_BIN, 'start-foreground', cfgPath], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ZKTS_LOG_LEVEL: 'info' } });
  return { child, out: captureOutput(child, `${kind} ${sid}`) };
}

function startMember(kind: Kind, plan: EnsembleMember, confDir: string, dataDir: string): ConfMember {
  const cfgPath = join(confDir, 'zoo.cfg');
  const { child, out } = spawnMember(kind, cfgPath, plan.sid);
  return {
    sid: plan.sid,
    kind,
    clientPort: plan.clientPort,
    dataDir,
    confDir,
    cfgPath,
    plan,
    child,
    out,
    output: out.text,
    mode: () => srvrMode(plan.clientPort),
    stop: () => stopChild(child, 10_000),
  };
}

/** A fresh conf dir and dataDir per member, highest sid started first (it leads). */
async function startEnsemble(kinds: Kind | Record<number, Kind>, scratch: string, beforeStart: (cfgPath: string) => void = () => undefined): Promise<ConfMember[]> {
  const plan = await planEnsemble([3, 2, 1]);
  const members: ConfMember[] = [];
  for (const p of plan) {
    const kind = typeof kinds === 'string' ? kinds : kinds[p.sid]!;
    const confDir = mkdtempSync(join(scratch, `${kind}-conf${p.sid}-`));
    const dataDir = mkdtempSync(join(scratch, `${kind}-data${p.sid}-`));
    writeFileSync(join(dataDir, 'myid'), `${p.sid}\n`);
    writeFileSync(join(confDir, 'zoo.cfg'), zooCfg(dataDir, p, plan));
    beforeStart(join(confDir, 'zoo.cfg'));
    members.push(startMember(kind, p, confDir, dataDir));
  }
  return members.sort((a, b) => a.sid - b.sid);
}

async function srvrMode(port: number): Promise<string | null> {
  try {
    return /^Mode: (\S+)/m.exec(await fourLetterWord(LOOPBACK, port, 'srvr', 2000))?.[1] ?? null;
  } catch {
    return null;
  }
}

/** /zookeeper/config on a member, after a sync with its leader. */
async function configNode(m: Member): Promise<{ data: string; mzxid: bigint; version: number }> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    await c.request(OpCode.sync, SyncRequest.encode({ path: '/zookeeper/config' }), SyncResponse);
    const r = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/zookeeper/config', watch: false }), GetDataResponse);
    if (r.err !== ErrCode.OK || r.body == null) throw new Error(`getData /zookeeper/config on ${m.sid}: ${r.err}`);
    return { data: r.body.data?.toString() ?? '', mzxid: r.body.stat.mzxid, version: r.body.stat.version };
  } finally {
    await c.close();
  }
}

/** Paths and ports replaced by names, so two ensembles' files can be compared. */
function normalizer(members: readonly ConfMember[]): (text: string) => string {
  const pairs: [string, string][] = [];
  for (const m of members) {
    pairs.push([realpathSync(m.confDir), `@CONF${m.sid}@`], [m.confDir, `@CONF${m.sid}@`], [m.dataDir, `@DATA${m.sid}@`]);
    pairs.push([String(m.plan.quorumPort), `@Q${m.sid}@`], [String(m.plan.electionPort), `@E${m.sid}@`], [String(m.plan.clientPort), `@C${m.sid}@`]);
  }
  return (text) => pairs.reduce((s, [from, to]) => s.split(from).join(to), text);
}

/** Every file in each member's conf dir, normalized, by sid then name. */
function confFiles(members: readonly ConfMember[]): Record<string, Record<string, string>> {
  const norm = normalizer(members);
  const out: Record<string, Record<string, string>> = {};
  for (const m of members) {
    out[m.sid] = Object.fromEntries(readdirSync(m.confDir).sort().map((f) => [f, norm(readFileSync(join(m.confDir, f), 'latin1'))]));
  }
  return out;
}

/** The addresses a LISTEN socket on `port` is bound to, from /proc/net/tcp{,6} (no connection made). */
function listenAddresses(port: number): string[] {
  const found: string[] = [];
  for (const [file, v6] of [['/proc/net/tcp', false], ['/proc/net/tcp6', true]] as const) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 4 || f[3] !== '0A') continue;
      const [addr, p] = f[1]!.split(':') as [string, string];
      if (Number.parseInt(p, 16) !== port) continue;
      if (!v6) found.push(addr === '00000000' ? '0.0.0.0' : addr === '0100007F' ? '127.0.0.1' : addr);
      else found.push(/^0+$/.test(addr) ? '::' : addr);
    }
  }
  return found.sort();
}

/** What each member's files must be, from zkts's transforms of its own original zoo.cfg. */
function checkAgainstTransforms(t: ExecutionContext, m: ConfMember, original: string): void {
  const dynName = `zoo.cfg.dynamic.${FIRST_VERSION}`;
  t.deepEqual(readdirSync(m.confDir).sort(), ['zoo.cfg', 'zoo.cfg.bak', dynName], `${m.kind} ${m.sid}: the conf dir`);
  t.is(readFileSync(`${m.cfgPath}.bak`, 'latin1'), original, `${m.kind} ${m.sid}: zoo.cfg.bak is the original`);
  const config = parseZooCfg(original, m.cfgPath, { readFile: (p) => (p === join(m.dataDir, 'myid') ? `${m.sid}\n` : undefined) }).config;
  t.is(readFileSync(join(m.confDir, dynName), 'latin1'), dynamicConfigText(config.servers, BigInt(`0x${FIRST_VERSION}`), false), `${m.kind} ${m.sid}: the dynamic file`);
  // The server lines carry the client port, so the static clientPort goes (needEraseClientInfo).
  t.is(readFileSync(m.cfgPath, 'latin1'), staticConfigText(original, realpathSync(join(m.confDir, dynName)), true), `${m.kind} ${m.sid}: the rewritten zoo.cfg`);
}

async function waitForFiles(members: readonly ConfMember[], timeoutMs = 60_000): Promise<void> {
  await until('every member to write its dynamic config file', async () => (members.every((m) => existsSync(`${m.cfgPath}.dynamic.${FIRST_VERSION}`) && !existsSync(`${m.cfgPath}.dynamic.next`)) ? true : null), timeoutMs);
}

interface Observed {
  files: Record<string, Record<string, string>>;
  config: string[];
  electionBinds: string[][];
}

let java: Observed | null = null;
let scratch: string;

test.before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'zkts-dyncfg-'));
});

test.after.always(() => {
  rmSync(scratch, { recursive: true, force: true });
});

test.serial('Java 3.8.0: files at start-up and activation; a zkts member restarts from a Java conf dir and rejoins', async (t) => {
  // A left-over .dynamic.next is not read without dynamicConfigFile (garbage does not matter).
  const members = await startEnsemble('java', scratch, (cfgPath) => writeFileSync(`${cfgPath}.dynamic.next`, 'server.1=garbage'));
  let replacement: ConfMember | null = null;
  try {
    const originals = new Map(members.map((m) => [m.sid, readFileSync(m.cfgPath, 'latin1')]));
    await settled(members);
    await waitForFiles(members);
    for (const m of members) checkAgainstTransforms(t, m, originals.get(m.sid)!);
    const norm = normalizer(members);
    const nodes = await Promise.all(members.map(configNode));
    for (const n of nodes) t.is(n.mzxid, BigInt(`0x${FIRST_VERSION}`), 'the config node is stamped with the config version');
    java = { files: confFiles(members), config: nodes.map((n) => norm(n.data)), electionBinds: members.map((m) => listenAddresses(m.plan.electionPort)) };
    t.true(java.config.every((c) => c.endsWith(`version=${FIRST_VERSION}`)), java.config.join('\n'));

    // Member 1 (a follower) stops; zkts takes its rewritten conf dir and its dataDir.
    const one = members.find((m) => m.sid === 1)!;
    await one.stop();
    writeFileSync(`${one.cfgPath}.dynamic.next`, `${serverLine(one.plan).join('=')}\nversion=ffffffff`);
    replacement = startMember('zkts', one.plan, one.confDir, one.dataDir);
    const others = members.filter((m) => m.sid !== 1);
    const modes = await settled([...others, replacement]);
    t.is(modes.get(1), 'follower');
    t.false(existsSync(`${one.cfgPath}.dynamic.next`), 'zkts removes a stale .dynamic.next at start, as Java does');
    t.is(norm((await configNode(replacement)).data), java.config[0]!, 'zkts serves the config Java wrote, with its version');
    t.deepEqual(confFiles(members)['1'], java.files['1'], 'zkts leaves the Java conf dir as it found it');
  } finally {
    await replacement?.stop();
    await Promise.all(members.map((m) => m.stop()));
  }
});

test.serial('zkts at start-up: zoo.cfg.bak as Java writes it, no .dynamic.next, election ports bound as Java binds them', async (t) => {
  if (java === null) return t.fail('the Java ensemble test did not get as far as recording its files');
  // Without dynamicConfigFile a left-over .dynamic.next is not read (garbage is fine) but deleted.
  const members = await startEnsemble('zkts', scratch, (cfgPath) => writeFileSync(`${cfgPath}.dynamic.next`, 'server.1=garbage'));
  try {
    const norm = normalizer(members);
    await settled(members);
    for (const m of members) {
      t.is(norm(readFileSync(`${m.cfgPath}.bak`, 'latin1')), java.files[m.sid]!['zoo.cfg.bak'], `zkts ${m.sid}: zoo.cfg.bak`);
      t.false(existsSync(`${m.cfgPath}.dynamic.next`), `zkts ${m.sid}: .dynamic.next removed`);
    }
    t.deepEqual(members.map((m) => listenAddresses(m.plan.electionPort)), java.electionBinds, 'quorumListenOnAllIPs: election ports bound as Java binds them');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
  return undefined;
});

/** Once `members` settle, their files and /zookeeper/config are what the Java ensemble's were; stops them. */
async function sameFilesAsJava(t: ExecutionContext, java: Observed, members: ConfMember[]): Promise<void> {
  try {
    const originals = new Map(members.map((m) => [m.sid, readFileSync(m.cfgPath, 'latin1')]));
    await settled(members);
    await waitForFiles(members);
    for (const m of members) checkAgainstTransforms(t, m, originals.get(m.sid)!);
    t.deepEqual(confFiles(members), java.files);
    const norm = normalizer(members);
    t.deepEqual((await Promise.all(members.map(configNode))).map((n) => norm(n.data)), java.config);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

test.serial('zkts followers of a Java leader write the files Java followers write', async (t) => {
  if (java === null) return t.fail('the Java ensemble test did not get as far as recording its files');
  await sameFilesAsJava(t, java, await startEnsemble({ 3: 'java', 2: 'zkts', 1: 'zkts' }, scratch));
  return undefined;
});

// ZOOKEEPER-1783: a leader whose config has version 0 gives it its NEWLEADER zxid as a version and
// activates it once a quorum acked; every member then writes the files.
test.serial('zkts ensemble: the files and /zookeeper/config of a Java ensemble', async (t) => {
  if (java === null) return t.fail('the Java ensemble test did not get as far as recording its files');
  await sameFilesAsJava(t, java, await startEnsemble('zkts', scratch));
  return undefined;
});

test.serial('reconfigEnabled=false: neither Java nor zkts writes any file next to zoo.cfg', async (t) => {
  for (const kind of ['java', 'zkts'] as const) {
    const plan = await planEnsemble([3, 2, 1]);
    const members: ConfMember[] = [];
    try {
      for (const p of plan) {
        const confDir = mkdtempSync(join(scratch, `${kind}-off-conf${p.sid}-`));
        const dataDir = mkdtempSync(join(scratch, `${kind}-off-data${p.sid}-`));
        writeFileSync(join(dataDir, 'myid'), `${p.sid}\n`);
        writeFileSync(join(confDir, 'zoo.cfg'), zooCfg(dataDir, p, plan).replace('reconfigEnabled=true', 'reconfigEnabled=false'));
        members.push(startMember(kind, p, confDir, dataDir));
      }
      const before = members.map((m) => readFileSync(m.cfgPath, 'latin1'));
      await settled(members);
      // Activation happens before a member serves (UPTODATE, or a quorum of NEWLEADER acks).
      t.deepEqual(members.map((m) => readdirSync(m.confDir)), members.map(() => ['zoo.cfg']), `${kind}: only zoo.cfg`);
      t.deepEqual(members.map((m) => readFileSync(m.cfgPath, 'latin1')), before, `${kind}: zoo.cfg untouched`);
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
  }
});

test.serial('java.util.Properties iteration order: javaPropertiesOrder matches JDK 17 on random and colliding key sets', async (t) => {
  const rand = prng(20261122);
  const pick = (n: number): number => Math.floor(rand() * n);
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-';
  const sets: string[][] = [];
  for (let i = 0; i < 400; i++) {
    const keys: string[] = [];
    const size = 1 + pick(i < 200 ? 40 : 120);
    for (let k = 0; k < size; k++) keys.push(Array.from({ length: 1 + pick(24) }, () => alphabet[pick(alphabet.length)]).join(''));
    sets.push(keys);
  }
  // "Aa" and "BB" share a String.hashCode, so their concatenations all collide: one bin that
  // makes the table grow (tryPresize) and then turns into a TreeBin.
  const colliding = (n: number): string[] => Array.from({ length: 1 << n }, (_, i) => Array.from({ length: n }, (_, b) => ((i >> b) & 1 ? 'BB' : 'Aa')).join(''));
  sets.push(colliding(4), colliding(5), [...colliding(4), ...sets[0]!], [...sets[1]!, ...colliding(5), ...sets[2]!]);
  const java = spawn('java', [join(REPO_ROOT, 'compat-tests', 'golden', 'dynamic-config', 'PropertiesOrder.java')], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out = captureOutput(java, 'PropertiesOrder');
  java.stdin!.end(sets.map((keys) => `${keys.join('\n')}\n\n`).join(''));
  try {
    t.true(await exited(java, 120_000), 'PropertiesOrder finished');
    t.is(java.exitCode, 0, out.text());
    const lines = out.text().split('\n');
    sets.forEach((keys, i) => t.deepEqual(javaPropertiesOrder(keys), lines[i]!.split('\t'), `set ${i}: ${keys.join(',')}`));
  } finally {
    await stopChild(java, 1000);
  }
});

test.serial('electionPortBindRetry: an occupied election port, two attempts, then exit 14 (Java and zkts)', async (t) => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, LOOPBACK, resolve));
  try {
    const port = (blocker.address() as { port: number }).port;
    const plan = await planEnsemble([1, 2]);
    const me = { ...plan[0]!, electionPort: port };
    for (const kind of ['java', 'zkts'] as const) {
      const confDir = mkdtempSync(join(scratch, `${kind}-bind-conf-`));
      const dataDir = mkdtempSync(join(scratch, `${kind}-bind-data-`));
      writeFileSync(join(dataDir, 'myid'), '1\n');
      writeFileSync(join(confDir, 'zoo.cfg'), `${zooCfg(dataDir, me, [me, plan[1]!]).replace('quorumListenOnAllIPs=true', 'quorumListenOnAllIPs=false')}electionPortBindRetry=2\n`);
      const m = startMember(kind, me, confDir, dataDir);
      try {
        t.true(await exited(m.child, 60_000), `${kind} exits on its own`);
        t.is(m.child.exitCode, 14, `${kind} exit code (ExitCode.UNABLE_TO_BIND_QUORUM_PORT)\n${m.output().slice(-2000)}`);
        const attempts = kind === 'java' ? /Exception while listening to address/g : /cannot listen on the election address/g;
        t.is(m.output().match(attempts)?.length, 2, `${kind}: one failed bind per attempt`);
      } finally {
        await m.stop();
      }
    }
  } finally {
    blocker.close();
  }
});
