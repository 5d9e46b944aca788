// Faults in zkts ensembles of three real processes: the leader killed under load, a follower
// frozen past syncLimit, a follower wiped of its data, a minority partition. After each, every
// acknowledged write is on every member, read from each member itself.

import test from 'ava';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK } from '../support/java-ensemble';
import { settled, until } from './ensemble-support';
import { allHold, faultEnsemble, freeze, frozenFollowerCatchesUpByDiff, leaderKilledUnderLoad, makeLoad, wipedFollowerRejoinsBySnap, writeMany, type Layout } from './fault-support';
import { within } from '../support/process';

const ZKTS: Layout = { 1: 'zkts', 2: 'zkts', 3: 'zkts' };
const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

// The scenarios live in fault-support.ts: faults-mixed.test.ts runs them on mixed layouts.
test.serial('SIGKILL of the leader under load: a new leader serves writes, no acknowledged write is lost', (t) => leaderKilledUnderLoad(t, ZKTS));
test.serial('a follower frozen (SIGSTOP) past syncLimit is dropped, and once resumed catches up by DIFF', (t) => frozenFollowerCatchesUpByDiff(t, ZKTS));
test.serial('a follower wiped of its data (version-2 deleted, myid kept) rejoins by SNAP', (t) => wipedFollowerRejoinsBySnap(t, ZKTS));

test.serial('a minority (two of three frozen) stops taking writes; the writes it was sent are not acknowledged', async (t) => {
  const e = await faultEnsemble(t, ZKTS);
  const [leader, f1, f2] = [e.members.get(3)!, e.members.get(1)!, e.members.get(2)!];
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 10);
  const c = await ZkTestClient.connect(LOOPBACK, leader.clientPort, { timeoutMs: 10_000 });
  t.teardown(() => c.destroy());
  const mark = leader.output().length;
  await Promise.all([freeze(f1), freeze(f2)]);
  // A write sent now cannot reach a quorum: no OK may come back, now or later.
  const pending = c.request(OpCode.create, CreateRequest.encode({ path: '/load/minority', data: null, acl: OPEN_ACL, flags: 0 }), CreateResponse).then(
    (r) => r.err,
    () => 'connection lost',
  );
  // After syncLimit without a quorum of followers the leader gives up leading and stops serving.
  await leader.waitForOutput(/leading ended/, 30_000, mark);
  await until('the lone member to stop serving as leader', async () => ((await leader.mode()) === 'leader' ? null : true), 30_000);
  const outcome = await within(pending, 30_000, 'the minority write');
  t.not(outcome, ErrCode.OK, `the minority write was not acknowledged (${outcome})`);
  // A fresh write to the lone member fails too (it does not serve while looking).
  const fresh = await ZkTestClient.connect(LOOPBACK, leader.clientPort, { timeoutMs: 3000 }).then(
    (x) => {
      x.destroy();
      return 'connected';
    },
    () => 'refused',
  );
  t.is(fresh, 'refused', 'a lone member does not take sessions');
  f1.signal('SIGCONT');
  f2.signal('SIGCONT');
  await settled([...e.members.values()]);
  acked.push(...(await writeMany(f1.clientPort, 'b', 10)));
  await allHold(t, e, acked);
});
