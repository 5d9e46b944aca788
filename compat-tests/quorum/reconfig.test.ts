// Dynamic reconfiguration in a mixed ensemble led by Apache ZooKeeper 3.8.0: a zkts follower and a
// zkts observer must take part in a reconfig the Java leader runs (the follower's ACK is needed
// for the new quorum), end with the same /zookeeper/config as Java, write the same dynamic config
// file and rewrite zoo.cfg the same way, and keep working with the new membership.

import test from 'ava';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AuthPacket, CreateRequest, type Stat, CreateResponse, GetDataRequest, GetDataResponse, ReconfigRequest, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { readProperties } from '../../src/config/properties';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, serverLine, startJavaQuorumMember, type EnsembleMember, type JavaQuorumMember } from '../support/java-ensemble';
import { freePort } from '../support/java-server';
import { settled, startZktsQuorumMember, until, type Member } from './ensemble-support';

const SUPER_PASSWORD = 'reconfig-test';
const SUPER_DIGEST = `super:${createHash('sha1').update(`super:${SUPER_PASSWORD}`).digest('base64')}`;
const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

interface Running extends Member {
  /** The zoo.cfg the member was started with (dynamic files appear next to it). */
  readonly cfgFile: string;
}

function startZkts(myId: number, plan: readonly EnsembleMember[]): Promise<Running> {
  return startZktsQuorumMember({
    myId,
    members: plan,
    prefix: 'zkts-reconfig-',
    config: { reconfigEnabled: 'true' },
    // The same superuser as the Java members (SERVER_JVMFLAGS, as zkServer.sh passes it).
    env: { SERVER_JVMFLAGS: `-Dzookeeper.DigestAuthenticationProvider.superDigest=${SUPER_DIGEST}` },
    removeDirsOnStop: true,
  });
}

async function startJava(myId: number, plan: readonly EnsembleMember[]): Promise<Running> {
  const j: JavaQuorumMember = await startJavaQuorumMember({
    myId,
    members: plan,
    config: { reconfigEnabled: 'true' },
    properties: { 'zookeeper.DigestAuthenticationProvider.superDigest': SUPER_DIGEST },
  });
  const m = await j.waitForOutput(/Reading configuration from: (\S+)/, 10_000);
  return { sid: myId, kind: 'java', clientPort: j.clientPort, dataDir: j.dataDir, cfgFile: m[1]!, output: () => j.output(), mode: () => j.mode(), stop: () => j.stop() };
}

/** A member may drop the connection while it changes role (a leader that reconfigured itself away). */
async function closeQuietly(c: ZkTestClient): Promise<void> {
  try {
    await c.close();
  } catch {
    c.destroy();
  }
}

/** /zookeeper/config on a member after a sync with the leader: its data and mzxid. */
async function configOn(m: Member): Promise<{ text: string; stat: Stat }> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    await c.request(OpCode.sync, SyncRequest.encode({ path: '/zookeeper/config' }), SyncResponse);
    const r = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/zookeeper/config', watch: false }), GetDataResponse);
    if (r.err !== ErrCode.OK || r.body === null) throw new Error(`getData /zookeeper/config on ${m.sid}: err ${r.err}`);
    return { text: (r.body.data ?? Buffer.alloc(0)).toString(), stat: r.body.stat };
  } finally {
    await closeQuietly(c);
  }
}

/** The dynamic files next to a zoo.cfg, by name (the `.dynamic.<hex>` and `.dynamic.next`). */
function dynamicFiles(cfgFile: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dirname(cfgFile))) {
    if (f.startsWith(`${basename(cfgFile)}.dynamic.`)) out.set(f, readFileSync(join(dirname(cfgFile), f), 'utf8'));
  }
  return out;
}

/** zoo.cfg's keys after the rewrite (in file order: Java's Properties order), with where dynamicConfigFile points reduced to its name. */
function staticKeys(cfgFile: string): { keys: string[]; dynamicFile: string | undefined } {
  const entries = readProperties(readFileSync(cfgFile, 'utf8'));
  const dyn = entries.find((e) => e.key === 'dynamicConfigFile')?.value;
  return { keys: entries.map((e) => e.key), dynamicFile: dyn === undefined ? undefined : basename(dyn) };
}

/** One reconfig request on a member; `auth` logs in as the superuser first. */
async function reconfig(m: Member, req: { leaving?: string; joining?: string; members?: string; curConfigId?: bigint }, auth = true) {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    if (auth) {
      const a = await c.request(OpCode.auth, AuthPacket.encode({ type: 0, scheme: 'digest', auth: Buffer.from(`super:${SUPER_PASSWORD}`) }), null, -4);
      if (a.err !== ErrCode.OK) throw new Error(`superuser auth failed: ${a.err}`);
    }
    const body = ReconfigRequest.encode({ joiningServers: req.joining ?? null, leavingServers: req.leaving ?? null, newMembers: req.members ?? null, curConfigId: req.curConfigId ?? -1n });
    return await c.request(OpCode.reconfig, body, GetDataResponse);
  } finally {
    await closeQuietly(c);
  }
}

type Kinds = Record<number, 'java' | 'zkts'>;

/**
 * Starts 3 (so it leads: highest and first), then 2, 1 and observer 4, each as `kinds` says, and
 * runs `body`. On a failure each member's output is kept to tell why (the processes are gone
 * after the finally); every member still in `members` is stopped.
 */
async function withEnsemble(t: import('ava').ExecutionContext, kinds: Kinds, body: (plan: readonly EnsembleMember[], members: Running[]) => Promise<void>): Promise<void> {
  const plan = await planEnsemble([3, 2, 1, 4], [4]);
  const start = (sid: number): Promise<Running> => (kinds[sid] === 'java' ? startJava(sid, plan) : startZkts(sid, plan));
  const members: Running[] = [];
  try {
    members.push(await start(3));
    members.push(...(await Promise.all([start(2), start(1), start(4)])));
    await body(plan, members);
  } catch (e) {
    const dir = mkdtempSync(join(tmpdir(), 'zkts-reconfig-logs-'));
    for (const m of members) writeFileSync(join(dir, `${m.kind}-${m.sid}.log`), m.output());
    t.log(`member logs in ${dir}`);
    throw e;
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

/** A create through each of `through` must commit. */
async function createThroughEach(t: import('ava').ExecutionContext, through: readonly Member[], prefix: string, when: string): Promise<void> {
  for (const m of through) {
    const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
    try {
      const r = await c.request(OpCode.create, CreateRequest.encode({ path: `${prefix}${m.sid}`, data: Buffer.from('x'), acl: OPEN_ACL, flags: 0 }), CreateResponse);
      t.is(r.err, ErrCode.OK, `create through ${m.kind} ${m.sid}${when}`);
    } finally {
      await closeQuietly(c);
    }
  }
}

/** The ERROR lines zkts members logged (a bad packet, a failed write, a runtime error). */
function zktsErrors(members: readonly Member[]): string[] {
  return members.filter((m) => m.kind === 'zkts').flatMap((m) => m.output().split('\n').filter((l) => / ERROR /.test(l)).map((l) => `zkts ${m.sid}: ${l}`));
}

/**
 * The same script against a Java leader and a zkts leader (sid 3 leads: highest, started first):
 * the refusals in the reference's order, then `-remove 2`. Followers 1 and 2, observer 4.
 */
async function scenario(t: import('ava').ExecutionContext, kinds: Kinds): Promise<void> {
  await withEnsemble(t, kinds, async (plan, members) => {
    const modes = await settled(members, 90_000);
    t.deepEqual([modes.get(3), modes.get(2), modes.get(1), modes.get(4)], ['leader', 'follower', 'follower', 'observer']);
    const leader = members.find((m) => m.sid === 3)!;
    const zkts = members.filter((m) => m.kind === 'zkts');
    const java = members.filter((m) => m.kind === 'java');

    // Before any reconfig every member shows the leader's config (version bumped to its epoch).
    const before = await configOn(leader);
    for (const m of members) t.is((await configOn(m)).text, before.text, `config before the reconfig on ${m.kind} ${m.sid}`);
    const beforeVersion = BigInt(`0x${/^version=([0-9a-f]+)$/m.exec(before.text)![1]!}`);

    // Refusals, in PrepRequestProcessor's order (NOAUTH is checked last, so the request is valid).
    t.is((await reconfig(leader, { leaving: '2' }, false)).err, ErrCode.NOAUTH, 'no superuser');
    t.is((await reconfig(leader, { leaving: '2', curConfigId: beforeVersion + 1n })).err, ErrCode.BADVERSION, 'stale version');
    t.is((await reconfig(leader, { leaving: '1,2' })).err, ErrCode.BADARGUMENTS, 'one voter left');
    // Server 5 is not running: a config whose voters are {3, 5} has no synced quorum.
    const five = `server.5=${LOOPBACK}:${await freePort()}:${await freePort()}:participant;${LOOPBACK}:${await freePort()}`;
    t.is((await reconfig(leader, { leaving: '1,2', joining: five })).err, ErrCode.NEWCONFIGNOQUORUM, 'the new voters are not synced');

    // reconfig -remove 2 with the current version.
    const reply = await reconfig(leader, { leaving: '2', curConfigId: beforeVersion });
    t.is(reply.err, ErrCode.OK, 'reconfig -remove 2');
    const newText = (reply.body?.data ?? Buffer.alloc(0)).toString();
    t.false(/^server\.2=/m.test(newText), newText);
    t.regex(newText, /^server\.1=/m);
    t.regex(newText, /^server\.4=.*:observer/m);
    const version = BigInt(`0x${/^version=([0-9a-f]+)$/m.exec(newText)![1]!}`);
    t.is(version, reply.body!.stat.mzxid, 'the new version is the reconfig zxid');

    // Every member shows the same config node; the reply's stat is the node's stat everywhere.
    const sameEverywhere = async (what: string, r: typeof reply): Promise<void> => {
      const text = (r.body?.data ?? Buffer.alloc(0)).toString();
      for (const m of members) {
        const c = await configOn(m);
        t.is(c.text, text, `${what}: config text on ${m.kind} ${m.sid}`);
        t.deepEqual(c.stat, r.body!.stat, `${what}: config stat on ${m.kind} ${m.sid}`);
      }
    };
    await sameEverywhere('-remove 2', reply);

    // -add puts server 2 back (it is still running, as a non-voting follower), sent through
    // follower 1 (it forwards the request; its reply must be the same GetDataResponse) ...
    const spec = (sid: number): string => { const [k, v] = serverLine(plan.find((p) => p.sid === sid)!); return `${k}=${v}`; };
    const added = await reconfig(members.find((m) => m.sid === 1)!, { joining: spec(2) });
    t.is(added.err, ErrCode.OK, 'reconfig -add server.2');
    t.regex((added.body?.data ?? Buffer.alloc(0)).toString(), /^server\.2=.*:participant;/m);
    await sameEverywhere('-add 2', added);
    // ... and -members replaces the whole list, without it again.
    const replaced = await reconfig(leader, { members: [spec(1), spec(3), spec(4)].join(',') });
    t.is(replaced.err, ErrCode.OK, 'reconfig -members');
    const finalText = (replaced.body?.data ?? Buffer.alloc(0)).toString();
    t.is(finalText.replace(/version=.*$/, ''), newText.replace(/version=.*$/, ''), 'the same members as after -remove 2');
    await sameEverywhere('-members', replaced);
    const finalVersion = BigInt(`0x${/^version=([0-9a-f]+)$/m.exec(finalText)![1]!}`);

    // The files: the same `.dynamic.<version>` names and contents, zoo.cfg rewritten the same way.
    const dynName = `zoo.cfg.dynamic.${finalVersion.toString(16)}`;
    const ref = java.find((m) => m.sid !== 2)!;
    const javaFiles = await until('Java\'s dynamic file', async () => (dynamicFiles(ref.cfgFile).has(dynName) ? dynamicFiles(ref.cfgFile) : null), 10_000);
    const javaStatic = staticKeys(ref.cfgFile);
    t.is(javaStatic.dynamicFile, dynName);
    for (const m of zkts) {
      const files = dynamicFiles(m.cfgFile);
      t.deepEqual([...files.keys()].sort(), [...javaFiles.keys()].sort(), `dynamic files of zkts ${m.sid}`);
      for (const [name, text] of javaFiles) t.is(files.get(name), text, `${name} of zkts ${m.sid}`);
      const st = staticKeys(m.cfgFile);
      t.is(st.dynamicFile, dynName, `zoo.cfg of zkts ${m.sid} points at the new file`);
      // The keys Java keeps, in the order it writes them (the values differ: dataDir, ...).
      t.deepEqual(st.keys, javaStatic.keys, `zoo.cfg keys of zkts ${m.sid}`);
      t.false(existsSync(`${m.cfgFile}.dynamic.next`));
    }

    // Writes still commit with the new quorum {1, 3}, through every remaining member.
    await createThroughEach(t, members.filter((x) => x.sid !== 2), '/after-', ' after the reconfig');
    // The removed server goes; the new voters {1, 3} still make a quorum and keep serving.
    const two = members.find((m) => m.sid === 2)!;
    await two.stop();
    members.splice(members.indexOf(two), 1);
    const stillModes = await settled(members, 60_000);
    t.deepEqual([stillModes.get(3), stillModes.get(1), stillModes.get(4)], ['leader', 'follower', 'observer']);
    // No zkts member logged an error on the way (a bad packet, a failed write, a runtime error).
    t.deepEqual(zktsErrors(zkts), []);
  });
}

test.serial('a Java leader reconfigures: a zkts follower and a zkts observer follow', async (t) => {
  await scenario(t, { 3: 'java', 2: 'java', 1: 'zkts', 4: 'zkts' });
});

test.serial('a zkts leader reconfigures: Java followers and a Java observer follow', async (t) => {
  await scenario(t, { 3: 'zkts', 2: 'java', 1: 'java', 4: 'java' });
});

/**
 * Leader 3 runs `reconfig -remove 3` on itself. Leader.getDesignatedLeader names a new voter that
 * acked the reconfig (both did, nothing came after it: sid 1), the followers go to it without an
 * election (QuorumPeer.updateServerState), and 3 stays on as a non-voting follower of it.
 */
async function selfRemoval(t: import('ava').ExecutionContext, kinds: Kinds): Promise<void> {
  await withEnsemble(t, kinds, async (_plan, members) => {
    t.is((await settled(members, 90_000)).get(3), 'leader');
    const reply = await reconfig(members.find((m) => m.sid === 3)!, { leaving: '3' });
    t.is(reply.err, ErrCode.OK, 'reconfig -remove 3 on the leader itself');
    const text = (reply.body?.data ?? Buffer.alloc(0)).toString();
    t.false(/^server\.3=/m.test(text), text);
    const modes = await until('a new leader among 1 and 2', async () => {
      const m = await settled(members, 60_000);
      return m.get(1) === 'leader' || m.get(2) === 'leader' ? m : null;
    }, 90_000);
    t.deepEqual([modes.get(1), modes.get(2), modes.get(3), modes.get(4)], ['leader', 'follower', 'follower', 'observer']);
    for (const m of members) t.is((await configOn(m)).text, text, `config on ${m.kind} ${m.sid}`);
    // Writes commit through every member, the removed one included.
    await createThroughEach(t, members, '/moved-', '');
    t.deepEqual(zktsErrors(members), []);
  });
}

test.serial('a Java leader removes itself: the zkts follower and observer move to the designated leader', async (t) => {
  await selfRemoval(t, { 3: 'java', 2: 'java', 1: 'zkts', 4: 'zkts' });
});

test.serial('a zkts leader removes itself: Java followers and observer move to the leader it designates', async (t) => {
  await selfRemoval(t, { 3: 'zkts', 2: 'java', 1: 'java', 4: 'java' });
});
