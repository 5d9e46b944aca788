// A 3-node zkts ensemble of real `bin/zkts start-foreground` processes serving stock clients:
// zkCli.sh (3.8.0), kazoo 2.8, Curator 5.4 and the C client cli_mt, each through a follower (so
// every write is forwarded to the leader), with the results read back through the other members;
// `zkts status` reports each member's mode; and a member that stops and restarts rejoins.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { runProcess } from '../standalone/clients/support';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { cliMtScenario, curatorScenario, kazooScenario, readEverywhere, REPO_ROOT, settled, startZktsQuorumMember, until, zkCliScenario, type Member } from './ensemble-support';

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

// The stock-client scenarios shared with the 5-node test (ensemble-support.ts), each through a follower.
test.serial('zkCli.sh through a follower: writes land on every member', async (t) => {
  const e = await sharedEnsemble();
  await zkCliScenario(t, e, e.followers[0]!);
});

test.serial('kazoo recipes through a follower', async (t) => {
  const e = await sharedEnsemble();
  await kazooScenario(t, e.followers[0]!);
});

test.serial('Curator 5.4 recipes through a follower', async (t) => {
  const e = await sharedEnsemble();
  await curatorScenario(t, e.followers[1]!);
});

test.serial('the C client (cli_mt) through a follower, its watch fired by a write through another member', async (t) => {
  const e = await sharedEnsemble();
  await cliMtScenario(t, e, e.followers[1]!);
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
