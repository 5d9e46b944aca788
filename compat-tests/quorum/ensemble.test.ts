// A 3-node zkts ensemble of real `bin/zkts start-foreground` processes serving stock clients:
// zkCli.sh (3.8.0), kazoo 2.8 and Curator 5.4, each through a follower (so every write is forwarded
// to the leader), with the results read back through the other members; `zkts status` reports
// each member's mode; and a member that stops and restarts rejoins.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { clientSource, JAVA_CLIENT_CLASSPATH, runProcess } from '../standalone/clients/support';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { REPO_ROOT, settled, startZktsQuorumMember, until, type Member } from './ensemble-support';

const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';
const PYTHON = '/usr/bin/python3';
const KAZOO = ['crud', 'transactions', 'lock', 'election', 'counter', 'data_watch', 'children_watch', 'acl_and_auth', 'queue_and_party'];
const CURATOR = ['crud', 'transactions', 'ttl-and-containers', 'acl-and-auth', 'zookeeper-api', 'leader-latch', 'leader-selector', 'interprocess-mutex', 'semaphore-v2', 'distributed-atomic-long', 'curator-cache', 'persistent-watcher'];

interface Ensemble {
  plan: EnsembleMember[];
  members: Member[];
  leader: Member;
  followers: Member[];
}

let ensemble: Promise<Ensemble> | null = null;

/** One ensemble for the file (the tests run serially against it); sid 3 starts first and leads. */
function sharedEnsemble(): Promise<Ensemble> {
  ensemble ??= (async () => {
    const plan = await planEnsemble([1, 2, 3]);
    const config = { extendedTypesEnabled: 'true' };
    const members: Member[] = [await startZktsQuorumMember({ myId: 3, members: plan, config })];
    members.push(...(await Promise.all([1, 2].map((sid) => startZktsQuorumMember({ myId: sid, members: plan, config })))));
    const modes = await settled(members);
    const leader = members.find((m) => modes.get(m.sid) === 'leader')!;
    return { plan, members, leader, followers: members.filter((m) => m !== leader) };
  })();
  return ensemble;
}

test.after.always(async () => {
  if (ensemble === null) return;
  const e = await ensemble.catch(() => null);
  if (e !== null) await Promise.all(e.members.map((m) => m.stop()));
});

async function readEverywhere(members: readonly Member[], path: string): Promise<(string | null)[]> {
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

test.serial('the members elect sid 3; `zkts status` prints each one\'s mode', async (t) => {
  const e = await sharedEnsemble();
  t.is(e.leader.sid, 3);
  for (const m of e.members) {
    const cfg = join(mkdtempSync(join(tmpdir(), 'zkts-status-')), 'zoo.cfg');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(cfg, `dataDir=${m.dataDir}\nclientPort=${m.clientPort}\nclientPortAddress=${LOOPBACK}\n`);
    const r = await runProcess(process.execPath, [join(REPO_ROOT, 'bin', 'zkts'), 'status', cfg], { timeoutMs: 30_000 });
    t.is(r.code, 0, r.output);
    t.regex(r.stdout, new RegExp(`^Mode: ${m === e.leader ? 'leader' : 'follower'}$`, 'm'));
  }
});

test.serial('zkCli.sh through a follower: writes land on every member', async (t) => {
  const e = await sharedEnsemble();
  const hp = `${LOOPBACK}:${e.followers[0]!.clientPort}`;
  const session = ['create /cli hello', 'create -s /cli/seq- s', 'create -e /cli/eph e', 'set /cli world', 'ls /cli', 'get /cli', 'config', 'delete /cli/eph', 'quit'].join('\n') + '\n';
  const r = await runProcess(ZKCLI, ['-server', hp], { input: session, timeoutMs: 90_000 });
  t.false(r.timedOut, r.output);
  // zkCli prints the Created lines on stderr.
  t.regex(r.output, /Created \/cli\n/);
  t.regex(r.output, /Created \/cli\/seq-0000000000/);
  t.regex(r.stdout, /\[eph, seq-0000000000\]/);
  t.regex(r.stdout, /^world$/m);
  // `config` reads /zookeeper/config: the member list and its version.
  for (const m of e.plan) t.regex(r.stdout, new RegExp(`server\\.${m.sid}=${LOOPBACK}:${m.quorumPort}:${m.electionPort}:participant;${LOOPBACK}:${m.clientPort}`));
  t.regex(r.stdout, /version=0/);
  t.deepEqual(await readEverywhere(e.members, '/cli'), ['world', 'world', 'world']);
  t.deepEqual(await readEverywhere(e.members, '/cli/eph'), [null, null, null]);
});

test.serial('kazoo recipes through a follower', async (t) => {
  const e = await sharedEnsemble();
  const r = await runProcess(PYTHON, [clientSource('kazoo', 'kazoo_scenarios.py'), `${LOOPBACK}:${e.followers[0]!.clientPort}`], { timeoutMs: 130_000 });
  t.false(r.timedOut, r.output);
  for (const name of KAZOO) t.regex(r.stdout, new RegExp(`^PASS ${name} \\(`, 'm'), `${name}:\n${r.output}`);
  t.regex(r.stdout, /^DONE failures=0$/m, r.output);
});

test.serial('Curator 5.4 recipes through a follower', async (t) => {
  const e = await sharedEnsemble();
  const classes = mkdtempSync(join(tmpdir(), 'zkts-curator-'));
  const javac = await runProcess('javac', ['-nowarn', '-cp', JAVA_CLIENT_CLASSPATH, '-d', classes, clientSource('curator', 'CuratorScenarios.java')], { timeoutMs: 120_000 });
  t.is(javac.code, 0, javac.output);
  const r = await runProcess('java', ['-Xshare:auto', '-cp', `${classes}:${JAVA_CLIENT_CLASSPATH}`, 'CuratorScenarios', `${LOOPBACK}:${e.followers[1]!.clientPort}`], { timeoutMs: 170_000 });
  t.false(r.timedOut, r.output);
  for (const name of CURATOR) t.regex(r.stdout, new RegExp(`^PASS ${name} \\(`, 'm'), `${name}:\n${r.output}`);
  t.regex(r.stdout, /^DONE failures=0$/m, r.output);
});

test.serial('a follower process stops and restarts: it rejoins and catches up', async (t) => {
  const e = await sharedEnsemble();
  const gone = e.followers[0]!;
  await gone.stop();
  const c = await ZkTestClient.connect(LOOPBACK, e.leader.clientPort, { timeoutMs: 10_000 });
  try {
    const { CreateRequest, CreateResponse } = await import('../../src/protocol/generated');
    const r = await c.request(OpCode.create, CreateRequest.encode({ path: '/while-away', data: Buffer.from('x'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 }), CreateResponse);
    t.is(r.err, ErrCode.OK, 'two of three members still commit');
  } finally {
    await c.close();
  }
  const back = await startZktsQuorumMember({ myId: gone.sid, members: e.plan, config: { extendedTypesEnabled: 'true' }, dataDir: gone.dataDir });
  e.members[e.members.indexOf(gone)] = back;
  e.followers[0] = back;
  t.is(await until('the member to serve again', () => back.mode()), 'follower');
  t.deepEqual(await readEverywhere(e.members, '/while-away'), ['x', 'x', 'x']);
});
