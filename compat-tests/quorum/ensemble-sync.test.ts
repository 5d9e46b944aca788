// Catching up across implementations: a member stops, the others take writes, it comes back with
// its old dataDir and is synced by a leader of the other implementation, by DIFF (the missing
// txns) or, with forceSnapshotSync on the leader, by SNAP (the whole tree inline). Each log says
// which sync was used; the returning member then serves every write.

import test, { type ExecutionContext } from 'ava';
import { CreateRequest, CreateResponse, GetChildrenRequest, GetChildrenResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { settled, startJavaMember, startZktsQuorumMember, until, type Member } from './ensemble-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const WRITES = 25;

type Kind = 'java' | 'zkts';

function startMember(kind: Kind, sid: number, plan: readonly EnsembleMember[], config: Record<string, string>, dataDir?: string): Promise<Member> {
  const where = dataDir === undefined ? {} : { dataDir };
  return kind === 'java' ? startJavaMember(sid, plan, { config, ...where }) : startZktsQuorumMember({ myId: sid, members: plan, config, ...where });
}

async function writeMany(port: number, prefix: string): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    for (let i = 0; i < WRITES; i++) {
      const r = await c.request(OpCode.create, CreateRequest.encode({ path: `/${prefix}${i}`, data: Buffer.from(`${prefix}-${i}`), acl: OPEN_ACL, flags: 0 }), CreateResponse);
      if (r.err !== ErrCode.OK) throw new Error(`create /${prefix}${i}: ${r.err}`);
    }
  } finally {
    await c.close();
  }
}

async function checkCaughtUp(t: ExecutionContext, m: Member, prefixes: string[]): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    t.is((await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse)).err, ErrCode.OK);
    const kids = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/', watch: false }), GetChildrenResponse);
    const want = ['zookeeper', ...prefixes.flatMap((p) => Array.from({ length: WRITES }, (_, i) => `${p}${i}`))].sort();
    t.deepEqual([...(kids.body?.children ?? [])].sort(), want, `children on ${m.kind} ${m.sid}`);
    for (const p of prefixes) {
      const d = await c.request(OpCode.getData, GetDataRequest.encode({ path: `/${p}${WRITES - 1}`, watch: false }), GetDataResponse);
      t.is(d.body?.data?.toString(), `${p}-${WRITES - 1}`);
    }
  } finally {
    await c.close();
  }
}

const CASES: { name: string; leader: Kind; follower: Kind; snap: boolean }[] = [
  { name: 'a Java leader brings a returning zkts follower up to date with DIFF', leader: 'java', follower: 'zkts', snap: false },
  { name: 'a Java leader brings a returning zkts follower up to date with SNAP', leader: 'java', follower: 'zkts', snap: true },
  { name: 'a zkts leader brings a returning Java follower up to date with DIFF', leader: 'zkts', follower: 'java', snap: false },
  { name: 'a zkts leader brings a returning Java follower up to date with SNAP', leader: 'zkts', follower: 'java', snap: true },
];

/** The follower's log line for each sync kind (Learner.syncWithLeader / zkts's learner runner). */
const SYNC_LINE: Record<Kind, Record<'DIFF' | 'SNAP', RegExp>> = {
  java: { DIFF: /Getting a diff from the leader/, SNAP: /Getting a snapshot from leader/ },
  zkts: { DIFF: /follower serving .*sync=DIFF/, SNAP: /follower serving .*sync=SNAP/ },
};

for (const c of CASES) {
  test.serial(c.name, async (t) => {
    const plan = await planEnsemble([1, 2, 3]);
    // sid 3 leads (started first, highest sid); 2 is the leader's kind too, 1 the other kind.
    const leaderConfig: Record<string, string> = c.snap ? { forceSnapshotSync: 'true' } : {};
    const members: Member[] = [];
    try {
      members.push(await startMember(c.leader, 3, plan, leaderConfig));
      members.push(...(await Promise.all([startMember(c.leader, 2, plan, {}), startMember(c.follower, 1, plan, {})])));
      const modes = await settled(members);
      if (modes.get(3) !== 'leader') t.log(members.map((m) => `=== ${m.kind} ${m.sid}\n${m.output().slice(-6000)}`).join('\n'));
      t.is(modes.get(3), 'leader');
      await writeMany(plan.find((m) => m.sid === 1)!.clientPort, 'a');
      // The follower of the other kind stops; the ensemble goes on without it.
      const old = members.find((m) => m.sid === 1)!;
      await old.stop();
      members.splice(members.indexOf(old), 1);
      await writeMany(plan.find((m) => m.sid === 2)!.clientPort, 'b');
      const back = await startMember(c.follower, 1, plan, {}, old.dataDir);
      members.push(back);
      await until('the returning member to serve', () => back.mode());
      const kind = c.snap ? 'SNAP' : 'DIFF';
      t.regex(back.output(), SYNC_LINE[c.follower][kind], `${c.follower} synced with ${kind}`);
      t.notRegex(back.output(), SYNC_LINE[c.follower][kind === 'SNAP' ? 'DIFF' : 'SNAP']);
      await checkCaughtUp(t, back, ['a', 'b']);
      await writeMany(back.clientPort, 'c');
      for (const m of members) await checkCaughtUp(t, m, ['a', 'b', 'c']);
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
  });
}
