// Rolling replacement: a running Apache ZooKeeper 3.8.0 ensemble of three, under a continuous
// write load from a Curator client connected to all three client ports, becomes a zkts ensemble
// one member at a time: stop Java sid k by its pid, start zkts as sid k with the same ports and
// the same dataDir (zkts reads Java's snapshots and txn logs), wait until it serves and holds
// every write acknowledged so far, go on. At the end every acknowledged write is on every member
// (each read directly) and the client kept one session throughout.

import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { planEnsemble } from '../support/java-ensemble';
import { settled, startJavaMember, type Member } from './ensemble-support';
import { readMember, serving, startWriter, startZkts, writerSessions, type Writer } from './fault-support';

test.serial('a Java 3.8.0 ensemble under Curator load is replaced by zkts one member at a time', async (t) => {
  const plan = await planEnsemble([1, 2, 3]);
  const members = new Map<number, Member>();
  let writer: Writer | null = null;
  t.teardown(async () => {
    if (writer !== null) {
      // Failed midway: what each process said last.
      // DUMP=<dir> keeps the whole logs (the test log gets only their tails).
      const dump = process.env.DUMP;
      if (dump !== undefined) {
        for (const m of members.values()) writeFileSync(join(dump, `${m.kind}${m.sid}.log`), m.output());
        writeFileSync(join(dump, 'writer.log'), writer.output());
      }
      for (const m of members.values()) t.log(`=== ${m.kind} ${m.sid}\n${m.output().slice(-5000)}`);
      t.log(`=== writer\n${writer.output().split('\n').filter((l) => !/^(ACK|SET) /.test(l)).slice(-40).join('\n')}`);
    }
    await writer?.kill();
    await Promise.all([...members.values()].map((m) => m.stop()));
  });
  // sid 3 first: it leads (equal histories, highest sid), so it is replaced last, after the
  // followers, and its replacement comes back to a zkts leader elected among zkts 1 and 2.
  members.set(3, await startJavaMember(3, plan));
  // allSettled: a member that started is registered (and stopped in teardown) even if the other failed.
  for (const r of await Promise.allSettled([startJavaMember(1, plan), startJavaMember(2, plan)])) {
    if (r.status === 'fulfilled') members.set(r.value.sid, r.value);
    else throw r.reason;
  }
  const modes = await settled([...members.values()]);
  t.is(modes.get(3), 'leader');

  writer = await startWriter(plan.map((m) => m.clientPort));
  await writer.waitForMore(20, 60_000);
  for (const sid of [1, 2, 3]) {
    const old = members.get(sid)!;
    t.is(old.kind, 'java');
    t.log(`stopping java ${sid} after ${writer.acked().length} acknowledged creates`);
    await old.stop();
    members.delete(sid);
    // The other two go on taking writes (after an election when the leader went).
    await writer.waitForMore(10, 60_000);
    const fresh = await startZkts(sid, plan, { dataDir: old.dataDir });
    members.set(sid, fresh);
    t.log(`zkts ${sid} started after ${writer.acked().length} acknowledged creates`);
    t.log(`zkts ${sid} serves as ${await serving(fresh)}`);
    await writer.waitForMore(10, 60_000);
    // Synced: what it holds itself includes every write acknowledged before this read.
    const ackedSoFar = writer.acked();
    const held = new Set((await readMember(fresh.clientPort, '/load')).children.map((c) => `/load/${c}`));
    t.deepEqual(ackedSoFar.filter((p) => !held.has(p)), [], `zkts ${sid} holds every acknowledged write`);
  }
  t.deepEqual([...members.values()].map((m) => m.kind), ['zkts', 'zkts', 'zkts']);
  await settled([...members.values()]);
  await writer.waitForMore(10, 60_000);
  await writer.finish();
  const out = writer.output();
  writer = null;

  const acked = [...out.matchAll(/^ACK (\S+)$/gm)].map((m) => m[1]!);
  t.true(acked.length >= 80, `${acked.length} acknowledged creates`);
  const sessions = writerSessions(out);
  t.is(sessions.length, 2, 'the writer printed its session at the start and the end');
  t.is(sessions[0], sessions[1], 'one session throughout');
  t.notRegex(out, /^STATE LOST$/m, 'Curator never lost the session');
  t.notRegex(out, /^EXPIRED$/m);
  const lastSet = Math.max(...[...out.matchAll(/^SET (\d+)$/gm)].map((m) => Number(m[1])));
  const views: Awaited<ReturnType<typeof readMember>>[] = [];
  for (const sid of [1, 2, 3]) {
    const v = await readMember(members.get(sid)!.clientPort, '/load');
    const held = new Set(v.children.map((c) => `/load/${c}`));
    t.deepEqual(acked.filter((p) => !held.has(p)), [], `every acknowledged create on zkts ${sid}`);
    t.true(Number(v.data) >= lastSet, `/load's data on ${sid} (${v.data}) is at least the last acknowledged setData (${lastSet})`);
    views.push(v);
  }
  // Children and data (not the zxid: each read opens a session, itself a txn).
  const same = (v: (typeof views)[number]): [string[], string] => [v.children, v.data];
  t.deepEqual(same(views[1]!), same(views[0]!), 'members 1 and 2 agree');
  t.deepEqual(same(views[2]!), same(views[0]!), 'members 1 and 3 agree');
  t.log(`${acked.length} acknowledged creates, ${(out.match(/^ERR /gm) ?? []).length} failed attempts, states: ${[...out.matchAll(/^STATE (\S+)$/gm)].map((m) => m[1]).join(',')}`);
});
