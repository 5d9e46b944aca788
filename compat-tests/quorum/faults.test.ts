// Faults in zkts ensembles of three real processes: the leader killed under load, a follower
// frozen past syncLimit, a follower wiped of its data, a minority partition. After each, every
// acknowledged write is on every member, read from each member itself.

import test, { type ExecutionContext } from 'ava';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { settled, until } from './ensemble-support';
import { readMember, serving, startWriter, startZkts, within, writerSessions, type SignalableMember, type Writer } from './fault-support';

interface Ensemble {
  plan: EnsembleMember[];
  members: Map<number, SignalableMember>;
  writer: Writer | null;
}

/** Three zkts members, sid 3 started first so that it leads; everything stopped in teardown. */
async function ensemble(t: ExecutionContext): Promise<Ensemble> {
  const e: Ensemble = { plan: await planEnsemble([1, 2, 3]), members: new Map(), writer: null };
  t.teardown(async () => {
    if (!t.passed) {
      for (const m of e.members.values()) t.log(`=== zkts ${m.sid}\n${m.output().slice(-4000)}`);
      if (e.writer !== null) t.log(`=== writer\n${e.writer.output().split('\n').filter((l) => !/^(ACK|SET) /.test(l)).slice(-40).join('\n')}`);
      if (process.env.DUMP !== undefined) {
        for (const m of e.members.values()) writeFileSync(join(process.env.DUMP, `zkts${m.sid}.log`), m.output());
        if (e.writer !== null) writeFileSync(join(process.env.DUMP, 'writer.log'), e.writer.output());
      }
    }
    await e.writer?.kill();
    await Promise.all([...e.members.values()].map((m) => m.stop()));
  });
  e.members.set(3, await startZkts(3, e.plan));
  // allSettled: a member that started is registered (and stopped in teardown) even if the other failed.
  for (const r of await Promise.allSettled([startZkts(1, e.plan), startZkts(2, e.plan)])) {
    if (r.status === 'fulfilled') e.members.set(r.value.sid, r.value);
    else throw r.reason;
  }
  const modes = await settled([...e.members.values()]);
  t.is(modes.get(3), 'leader');
  return e;
}

/** Every acknowledged create of the writer is on each member, and all members hold the same. */
async function allHold(t: ExecutionContext, e: Ensemble, acked: readonly string[]): Promise<void> {
  const views: Awaited<ReturnType<typeof readMember>>[] = [];
  for (const m of e.members.values()) {
    const v = await readMember(m.clientPort, '/load');
    const held = new Set(v.children.map((c) => `/load/${c}`));
    t.deepEqual(acked.filter((p) => !held.has(p)), [], `every acknowledged create on zkts ${m.sid}`);
    views.push(v);
  }
  // (Not the zxid: each read opens a session, itself a txn.)
  for (const v of views.slice(1)) t.deepEqual([v.children, v.data], [views[0]!.children, views[0]!.data]);
}

test.serial('SIGKILL of the leader under load: a new leader serves writes, no acknowledged write is lost', async (t) => {
  const e = await ensemble(t);
  e.writer = await startWriter(e.plan.map((m) => m.clientPort));
  await e.writer.waitForMore(30, 60_000);
  const leader = e.members.get(3)!;
  leader.signal('SIGKILL');
  const rest = [e.members.get(1)!, e.members.get(2)!];
  const modes = await settled(rest);
  t.true([...modes.values()].includes('leader'), 'one of the two others leads');
  await e.writer.waitForMore(30, 60_000);
  // The killed member comes back on its dataDir and catches up.
  await leader.stop();
  const back = await startZkts(3, e.plan, { dataDir: leader.dataDir });
  e.members.set(3, back);
  await serving(back);
  await e.writer.waitForMore(10, 60_000);
  await e.writer.finish();
  const out = e.writer.output();
  e.writer = null;
  const sessions = writerSessions(out);
  t.is(sessions.length, 2);
  t.is(sessions[0], sessions[1], 'the writer kept its session');
  t.notRegex(out, /^STATE LOST$/m);
  await allHold(t, e, [...out.matchAll(/^ACK (\S+)$/gm)].map((m) => m[1]!));
});

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** Creates /<prefix>0..n-1 through one member; every create must be acknowledged. */
async function writeMany(port: number, prefix: string, n: number): Promise<string[]> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    const made: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = await within(c.request(OpCode.create, CreateRequest.encode({ path: `/load/${prefix}${i}`, data: Buffer.from(`${i}`), acl: OPEN_ACL, flags: 0 }), CreateResponse), 20_000, 'create');
      if (r.err !== ErrCode.OK) throw new Error(`create /load/${prefix}${i}: ${r.err}`);
      made.push(`/load/${prefix}${i}`);
    }
    return made;
  } finally {
    c.destroy();
  }
}

async function makeLoad(port: number): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    const r = await within(c.request(OpCode.create, CreateRequest.encode({ path: '/load', data: Buffer.from('-1'), acl: OPEN_ACL, flags: 0 }), CreateResponse), 20_000, 'create /load');
    if (r.err !== ErrCode.OK) throw new Error(`create /load: ${r.err}`);
  } finally {
    c.destroy();
  }
}

test.serial('a follower frozen (SIGSTOP) past syncLimit is dropped, and once resumed catches up by DIFF', async (t) => {
  const e = await ensemble(t);
  const [leader, frozen, other] = [e.members.get(3)!, e.members.get(1)!, e.members.get(2)!];
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 20);
  const leaderMark = leader.output().length;
  const frozenMark = frozen.output().length;
  frozen.signal('SIGSTOP');
  // syncLimit is 5 ticks of 500 ms: the leader gives up on the silent follower.
  await leader.waitForOutput(/learner connection closed|dropping learner/, 30_000, leaderMark);
  acked.push(...(await writeMany(other.clientPort, 'b', 20)));
  frozen.signal('SIGCONT');
  // It notices its leader gone (or its connection dropped), rejoins and is synced.
  await frozen.waitForOutput(/follower serving .*sync=(DIFF|SNAP|TRUNC)/, 60_000, frozenMark);
  t.regex(frozen.output().slice(frozenMark), /follower serving .*sync=DIFF/, 'the missing txns came as a DIFF');
  t.regex(leader.output().slice(leaderMark), /syncing learner .*learner=1 kind=DIFF/);
  await serving(frozen);
  acked.push(...(await writeMany(frozen.clientPort, 'c', 10)));
  await allHold(t, e, acked);
});

test.serial('a follower wiped of its data (version-2 deleted, myid kept) rejoins by SNAP', async (t) => {
  const e = await ensemble(t);
  const leader = e.members.get(3)!;
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 20);
  const wiped = e.members.get(1)!;
  await wiped.stop();
  rmSync(join(wiped.dataDir, 'version-2'), { recursive: true, force: true });
  t.true(existsSync(join(wiped.dataDir, 'myid')));
  acked.push(...(await writeMany(leader.clientPort, 'b', 20)));
  const leaderMark = leader.output().length;
  const back = await startZkts(1, e.plan, { dataDir: wiped.dataDir });
  e.members.set(1, back);
  await serving(back);
  t.regex(back.output(), /follower serving .*sync=SNAP/, 'an empty member is sent a snapshot');
  t.regex(leader.output().slice(leaderMark), /syncing learner .*learner=1 kind=SNAP/);
  acked.push(...(await writeMany(back.clientPort, 'c', 10)));
  await allHold(t, e, acked);
});

test.serial('a minority (two of three frozen) stops taking writes; the writes it was sent are not acknowledged', async (t) => {
  const e = await ensemble(t);
  const [leader, f1, f2] = [e.members.get(3)!, e.members.get(1)!, e.members.get(2)!];
  await makeLoad(leader.clientPort);
  const acked = await writeMany(leader.clientPort, 'a', 10);
  const c = await ZkTestClient.connect(LOOPBACK, leader.clientPort, { timeoutMs: 10_000 });
  t.teardown(() => c.destroy());
  const mark = leader.output().length;
  f1.signal('SIGSTOP');
  f2.signal('SIGSTOP');
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
