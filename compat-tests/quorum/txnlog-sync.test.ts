// A member further behind than the leader's committed log (commitLogCount 500) is synced from the
// leader's on-disk txn log by DIFF, across implementations: a zkts leader with a returning Java
// follower, and a Java leader with a returning zkts follower. Each side's log says which sync was
// used and why; the returning member's tree then equals the leader's, node by node.

import test, { type ExecutionContext } from 'ava';
import { CreateRequest, CreateResponse, GetChildrenRequest, GetChildrenResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { settled, startJavaMember, startZktsQuorumMember, until, type Kind, type Member } from './ensemble-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
/** Txns the stopped member misses: more than the committed log's 500. */
const BEHIND = 650;
/** Creates in flight at once on one connection (the write is pipelined, the order kept). */
const WINDOW = 50;

function startMember(kind: Kind, sid: number, plan: readonly EnsembleMember[], dataDir?: string): Promise<Member> {
  const where = dataDir === undefined ? {} : { dataDir };
  return kind === 'java' ? startJavaMember(sid, plan, where) : startZktsQuorumMember({ myId: sid, members: plan, ...where });
}

async function createMany(port: number, prefix: string, n: number): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 20_000 });
  try {
    for (let at = 0; at < n; at += WINDOW) {
      const batch = Array.from({ length: Math.min(WINDOW, n - at) }, (_, k) => at + k);
      const replies = await Promise.all(
        batch.map((i) => c.request(OpCode.create, CreateRequest.encode({ path: `/${prefix}${i}`, data: Buffer.from(`${prefix}-${i}`), acl: OPEN_ACL, flags: 0 }), CreateResponse)),
      );
      const bad = replies.find((r) => r.err !== ErrCode.OK);
      if (bad !== undefined) throw new Error(`create under /${prefix}: error ${bad.err}`);
    }
  } finally {
    await c.close();
  }
}

/** Every top-level node (but /zookeeper) with its data, after a sync with the leader. */
async function tree(m: Member): Promise<Map<string, string>> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 20_000 });
  try {
    const s = await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
    if (s.err !== ErrCode.OK) throw new Error(`sync on ${m.kind} ${m.sid}: ${s.err}`);
    const kids = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/', watch: false }), GetChildrenResponse);
    const names = (kids.body?.children ?? []).filter((n): n is string => n !== null && n !== 'zookeeper').sort();
    const out = new Map<string, string>();
    for (let at = 0; at < names.length; at += WINDOW) {
      const part = names.slice(at, at + WINDOW);
      const datas = await Promise.all(part.map((n) => c.request(OpCode.getData, GetDataRequest.encode({ path: `/${n}`, watch: false }), GetDataResponse)));
      part.forEach((n, i) => out.set(n, (datas[i]!.body?.data ?? Buffer.alloc(0)).toString()));
    }
    return out;
  } finally {
    await c.close();
  }
}

/** How each implementation's log shows the sync of the returning member (sid 1). */
const FOLLOWER_LINE: Record<Kind, Record<'DIFF' | 'SNAP', RegExp>> = {
  // Learner.syncWithLeader
  java: { DIFF: /Getting a diff from the leader/, SNAP: /Getting a snapshot from leader/ },
  zkts: { DIFF: /follower serving .*sync=DIFF/, SNAP: /follower serving .*sync=SNAP/ },
};
/** The leader's line for syncing sid 1 from its txn log (LearnerHandler.syncFollower / leader-runner). */
const LEADER_TXNLOG_LINE: Record<Kind, RegExp> = {
  java: /Use txnlog and committedLog for peer sid: 1\b/,
  zkts: /syncing learner .*learner=1 kind=DIFF .*reason=txn-log/,
};

async function scenario(t: ExecutionContext, leaderKind: Kind, followerKind: Kind): Promise<void> {
  const plan = await planEnsemble([1, 2, 3]);
  const port = (sid: number): number => plan.find((m) => m.sid === sid)!.clientPort;
  const members: Member[] = [];
  try {
    // sid 3 leads (started first, highest sid); 2 is of the leader's kind, 1 of the other.
    members.push(await startMember(leaderKind, 3, plan));
    members.push(...(await Promise.all([startMember(leaderKind, 2, plan), startMember(followerKind, 1, plan)])));
    const modes = await settled(members);
    t.is(modes.get(3), 'leader');
    await createMany(port(1), 'a', 20);
    const old = members.find((m) => m.sid === 1)!;
    await old.stop();
    members.splice(members.indexOf(old), 1);
    await createMany(port(3), 'b', BEHIND);
    const leader = members.find((m) => m.sid === 3)!;
    const leaderMark = leader.output().length;
    const back = await startMember(followerKind, 1, plan, old.dataDir);
    members.push(back);
    await until('the returning member to serve', () => back.mode(), 90_000);
    const why = (): string => `=== leader\n${leader.output().slice(leaderMark).slice(-4000)}\n=== returning member\n${back.output().slice(-4000)}`;
    t.regex(back.output(), FOLLOWER_LINE[followerKind].DIFF, `${followerKind} got a DIFF\n${why()}`);
    t.notRegex(back.output(), FOLLOWER_LINE[followerKind].SNAP);
    t.regex(leader.output().slice(leaderMark), LEADER_TXNLOG_LINE[leaderKind], `the ${leaderKind} leader read its txn log`);
    const want = await tree(leader);
    t.is(want.size, 20 + BEHIND);
    t.deepEqual(await tree(back), want, 'the returning member has every node with its data');
    // And it keeps up with what comes next.
    await createMany(port(1), 'c', 10);
    const after = await tree(leader);
    t.deepEqual(await tree(back), after);
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

test.serial(`a zkts leader syncs a Java follower ${BEHIND} txns behind from its txn log (DIFF)`, async (t) => {
  await scenario(t, 'zkts', 'java');
});

test.serial(`a Java leader syncs a zkts follower ${BEHIND} txns behind from its txn log (DIFF)`, async (t) => {
  await scenario(t, 'java', 'zkts');
});
