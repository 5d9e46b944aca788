// Five zkts members as real `bin/zkts start-foreground` processes on loopback: they elect one
// leader, serve the stock-client scenarios of the 3-node test (ensemble-support.ts) with a client
// on every one of the five, survive losing two members (the leader among them: the other three
// elect and take writes) and, with a third gone, stop taking writes (two of five is no quorum).

import test from 'ava';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { cliMtScenario, curatorScenario, kazooScenario, readEverywhere, settled, until, zkCliScenario } from './ensemble-support';
import { startZkts, type SignalableMember } from './fault-support';
import { within } from '../support/process';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const CONFIG = { extendedTypesEnabled: 'true' };

interface Five {
  plan: EnsembleMember[];
  members: SignalableMember[];
  leader: SignalableMember;
  followers: SignalableMember[];
}

/** Every process this file started, stopped (by pid) after the last test whatever happened. */
const started: SignalableMember[] = [];
let ensemble: Promise<Five> | null = null;

/** One ensemble for the file; sid 5 starts first, so it leads (equal histories, highest sid). */
function sharedEnsemble(): Promise<Five> {
  ensemble ??= (async () => {
    const plan = await planEnsemble([1, 2, 3, 4, 5]);
    started.push(await startZkts(5, plan, { config: CONFIG }));
    // allSettled: every member that started is registered for the teardown even if another failed.
    const rest = await Promise.allSettled([1, 2, 3, 4].map((sid) => startZkts(sid, plan, { config: CONFIG })));
    for (const r of rest) if (r.status === 'fulfilled') started.push(r.value);
    for (const r of rest) if (r.status === 'rejected') throw r.reason;
    const members = [...started].sort((a, b) => a.sid - b.sid);
    const modes = await settled(members, 90_000);
    const leader = members.find((m) => modes.get(m.sid) === 'leader')!;
    return { plan, members, leader, followers: members.filter((m) => m !== leader) };
  })();
  return ensemble;
}

test.after.always(async () => {
  await Promise.all(started.map((m) => m.stop()));
});

test.serial('five members elect sid 5; the other four follow', async (t) => {
  const e = await sharedEnsemble();
  t.is(e.leader.sid, 5);
  for (const m of e.followers) t.is(await m.mode(), 'follower', `zkts ${m.sid}`);
  t.is(e.followers.length, 4);
});

// A stock client on each of the five members, the same scenarios as the 3-node test.
test.serial('zkCli.sh through a follower and through the leader', async (t) => {
  const e = await sharedEnsemble();
  await zkCliScenario(t, e, e.followers[0]!);
  await zkCliScenario(t, e, e.leader);
});

test.serial('kazoo recipes through a second follower', async (t) => {
  const e = await sharedEnsemble();
  await kazooScenario(t, e.followers[1]!);
});

test.serial('Curator 5.4 recipes through a third follower', async (t) => {
  const e = await sharedEnsemble();
  await curatorScenario(t, e.followers[2]!);
});

test.serial('the C client (cli_mt) through the fourth follower', async (t) => {
  const e = await sharedEnsemble();
  await cliMtScenario(t, e, e.followers[3]!);
});

/** Creates `path` through `m`; the error code, or 'connection lost'. */
async function createVia(m: SignalableMember, path: string): Promise<number | string> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    const r = await within(c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(path), acl: OPEN_ACL, flags: 0 }), CreateResponse), 20_000, `create ${path}`);
    return r.err;
  } finally {
    c.destroy();
  }
}

test.serial('two members killed (the leader among them): the other three elect and take writes; with a third gone, no writes', async (t) => {
  const e = await sharedEnsemble();
  const [gone1, gone2] = [e.leader, e.followers[3]!];
  gone1.signal('SIGKILL');
  gone2.signal('SIGKILL');
  const three = e.members.filter((m) => m !== gone1 && m !== gone2);
  const modes = await settled(three, 90_000);
  const newLeader = three.find((m) => modes.get(m.sid) === 'leader')!;
  t.not(newLeader, undefined);
  // Writes through each of the three commit and are on all three; older writes survived.
  for (const m of three) t.is(await createVia(m, `/three-${m.sid}`), ErrCode.OK, `create through zkts ${m.sid}`);
  for (const m of three) t.deepEqual(await readEverywhere(three, `/three-${m.sid}`), three.map(() => `/three-${m.sid}`));
  t.deepEqual(await readEverywhere(three, `/cli-${e.followers[0]!.sid}`), three.map(() => 'world'));

  // A third member goes (the new leader): two of five cannot form a quorum.
  const two = three.filter((m) => m !== newLeader);
  const c = await ZkTestClient.connect(LOOPBACK, two[0]!.clientPort, { timeoutMs: 10_000 });
  t.teardown(() => c.destroy());
  newLeader.signal('SIGKILL');
  const outcome = await within(
    c.request(OpCode.create, CreateRequest.encode({ path: '/minority', data: null, acl: OPEN_ACL, flags: 0 }), CreateResponse).then(
      (r) => r.err,
      () => 'connection lost',
    ),
    60_000,
    'the write sent to the minority',
  );
  t.not(outcome, ErrCode.OK, `the minority write was not acknowledged (${outcome})`);
  // Both survivors stop serving (they look for a quorum they cannot find) and refuse sessions.
  for (const m of two) await until(`zkts ${m.sid} to stop serving`, async () => ((await m.mode()) === null ? true : null), 60_000);
  for (const m of two) {
    const fresh = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000, connectTimeoutMs: 3000 }).then(
      (x) => {
        x.destroy();
        return 'connected';
      },
      () => 'refused',
    );
    t.is(fresh, 'refused', `zkts ${m.sid} takes no session without a quorum`);
  }
});
