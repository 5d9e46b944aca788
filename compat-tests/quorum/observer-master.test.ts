// Observer masters (observerMasterPort) between zkts and Apache ZooKeeper 3.8.0 on loopback.
//
// Every server computes its masters' addresses as (voter's quorum host, ITS OWN observerMasterPort),
// and on 127.0.0.1 two servers cannot listen on the same port: so exactly one follower sets the
// port, the observer sets the same value, and whichever voter the observer's shuffle picks, it
// reaches that follower. (The leader never listens there, nor does the follower without the key.)

import test, { type ExecutionContext } from 'ava';
import { CreateRequest, CreateResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord, freePort } from '../support/java-server';
import { settled, startJavaMember, startZktsQuorumMember, until, type Kind, type Member } from './ensemble-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

interface Layout {
  readonly kinds: Record<number, Kind>;
  /** The follower that serves observers (it alone sets observerMasterPort among the voters). */
  readonly master: number;
}

/** Voters 1..3 (3 leads: equal histories, highest sid), observer 4; the master and 4 set the port. */
async function startWithMaster(l: Layout, o: { observerLater?: boolean; masterEnv?: Record<string, string> } = {}): Promise<{ members: Member[]; plan: EnsembleMember[]; port: number; startObserver: () => Promise<Member> }> {
  const plan = await planEnsemble([3, 1, 2, 4], [4]);
  let port = await freePort(LOOPBACK);
  while (plan.some((m) => m.quorumPort === port || m.electionPort === port || m.clientPort === port)) port = await freePort(LOOPBACK);
  const members: Member[] = [];
  const start = async (sid: number): Promise<void> => {
    const config: Record<string, string> = sid === l.master || sid === 4 ? { observerMasterPort: String(port) } : {};
    const env = sid === l.master ? o.masterEnv : undefined;
    members.push(l.kinds[sid] === 'java' ? await startJavaMember(sid, plan, { config }) : await startZktsQuorumMember({ myId: sid, members: plan, config, ...(env === undefined ? {} : { env }) }));
  };
  const startObserver = async (): Promise<Member> => {
    await start(4);
    members.sort((a, b) => a.sid - b.sid);
    return members.find((m) => m.sid === 4)!;
  };
  try {
    await start(3);
    await Promise.all([1, 2].map(start));
    if (o.observerLater !== true) await start(4);
  } catch (e) {
    await Promise.all(members.map((m) => m.stop()));
    throw e;
  }
  return { members: members.sort((a, b) => a.sid - b.sid), plan, port, startObserver };
}

const word = (m: Member, w: string): Promise<string> => fourLetterWord(LOOPBACK, m.clientPort, w, 5000);
const mntrValue = async (m: Member, key: string): Promise<string | null> => new RegExp(`^${key}\\t(.*)$`, 'm').exec(await word(m, 'mntr'))?.[1] ?? null;

async function create(c: ZkTestClient, path: string, data: string): Promise<number> {
  return (await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(data), acl: OPEN_ACL, flags: 0 }), CreateResponse)).err;
}

async function dataOf(port: number, path: string): Promise<string | null> {
  const c = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000 });
  try {
    const r = await c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
    return r.err === ErrCode.OK ? (r.body?.data ?? Buffer.alloc(0)).toString() : null;
  } finally {
    await c.close();
  }
}

/**
 * The observer serves through the master: a write made on it (forwarded by the master to the
 * leader) and one made on the leader both reach it, relayed as INFORMs by the master.
 */
async function exerciseObserver(t: ExecutionContext, members: Member[]): Promise<void> {
  const observer = members.find((m) => m.sid === 4)!;
  const leader = members.find((m) => m.sid === 3)!;
  const oc = await ZkTestClient.connect(LOOPBACK, observer.clientPort, { timeoutMs: 10_000 });
  try {
    t.is(await create(oc, '/via-observer', 'o'), ErrCode.OK, 'a write through the observer');
    const r = await oc.request(OpCode.getData, GetDataRequest.encode({ path: '/via-observer', watch: false }), GetDataResponse);
    t.is(r.body?.data?.toString(), 'o', 'the observer applied its own write before answering');
  } finally {
    await oc.close();
  }
  const lc = await ZkTestClient.connect(LOOPBACK, leader.clientPort, { timeoutMs: 10_000 });
  try {
    t.is(await create(lc, '/via-leader', 'l'), ErrCode.OK);
  } finally {
    await lc.close();
  }
  t.is(await until('the leader\'s write on the observer', () => dataOf(observer.clientPort, '/via-leader'), 30_000), 'l');
  for (const m of members) t.is(await until(`/via-observer on ${m.sid}`, () => dataOf(m.clientPort, '/via-observer'), 30_000), 'o');
}

/** The master's log says it synced observer 4. */
function masterSynced(m: Member): boolean {
  return m.kind === 'java' ? /Synchronizing with Learner sid: 4 /.test(m.output()) : /syncing observer .*observer=4\b/.test(m.output());
}

/** The observer's log names the master it chose (Java: Observer.findLearnerMaster; zkts: the peer). */
function observerChoseMaster(o: Member, port: number): boolean {
  return o.kind === 'java'
    ? new RegExp(`Observing new leader sid=\\d+ addr=\\S*127\\.0\\.0\\.1:${port}`).test(o.output())
    : new RegExp(`observing .*learnerMaster=\\d+ .*address=127\\.0\\.0\\.1:${port}`).test(o.output());
}

const LAYOUTS: { name: string; kinds: Record<number, Kind> }[] = [
  { name: 'a zkts observer syncs from and follows a Java follower\'s observer master', kinds: { 1: 'java', 2: 'java', 3: 'java', 4: 'zkts' } },
  { name: 'a Java observer syncs from and follows a zkts follower\'s observer master', kinds: { 1: 'zkts', 2: 'java', 3: 'java', 4: 'java' } },
  { name: 'a zkts observer syncs from and follows a zkts follower\'s observer master', kinds: { 1: 'zkts', 2: 'zkts', 3: 'zkts', 4: 'zkts' } },
];

for (const layout of LAYOUTS) {
  test.serial(layout.name, async (t) => {
    const { members, port } = await startWithMaster({ kinds: layout.kinds, master: 1 });
    try {
      const modes = await settled(members, 90_000);
      t.is(modes.get(3), 'leader');
      t.is(modes.get(4), 'observer');
      const [master, other, leader, observer] = members as [Member, Member, Member, Member];
      // The follower with the port synced observer 4; neither the leader nor the other follower did.
      await until('the master to sync observer 4', async () => (masterSynced(master) ? true : null), 30_000);
      t.true(observerChoseMaster(observer, port), 'the observer dialled the observer master port');
      if (master.kind === 'java') t.regex(master.output(), /Starting ObserverMaster/);
      t.false(masterSynced(leader), 'the leader did not sync the observer');
      t.false(masterSynced(other), 'the other follower did not sync the observer');
      t.is(await mntrValue(master, 'zk_synced_observers'), '1', 'the master counts the observer');
      t.is(await mntrValue(leader, 'zk_synced_observers'), '0', 'the leader does not');
      t.is(await mntrValue(observer, 'zk_peer_state'), 'observing - broadcast');
      await exerciseObserver(t, members);
      if (observer.kind === 'zkts') t.regex(await word(observer, 'mntr'), /^zk_digest_mismatches_count\t0$/m);
      if (master.kind === 'zkts') await syncThroughObserver(t, observer);
      for (const m of members.filter((x) => x.kind === 'java')) t.deepEqual(javaTrouble(m), [], `java ${m.sid}'s log`);
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
  });
}

/**
 * Lines in a Java member's log that mean the two sides disagree about the protocol. Connection
 * retries while a peer (or the master, which listens only once its follower is synced) is not up
 * yet are start-up noise; client-connection warnings are about the tests' probes.
 */
function javaTrouble(m: Member): string[] {
  const trouble = /Unexpected exception|Got unexpected packet|Unknown packet type|digest mismatch|BufferUnderflow|Non observer attempting|Observers shouldn't send ACKS/i;
  // Client connections (the tests' 4lw probes while a member does not serve yet) are not ours.
  const benign = /tries=\d+, remaining init limit=\d+, connecting to|NIOServerCnxn/;
  return m.output().split('\n').filter((line) => trouble.test(line) && !benign.test(line));
}

/** A zkts master passes the leader's answer to an observer's sync back to it (3.8.0's does not). */
async function syncThroughObserver(t: ExecutionContext, observer: Member): Promise<void> {
  const c = await ZkTestClient.connect(LOOPBACK, observer.clientPort, { timeoutMs: 10_000 });
  try {
    const r = await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
    t.is(r.err, ErrCode.OK, 'sync through the observer is answered');
  } finally {
    await c.close();
  }
}

test.serial('a Java observer far behind a zkts master gets the follower\'s tree as a SNAP stream', async (t) => {
  // The master keeps only 2 committed txns, so an empty observer cannot be synced by DIFF.
  const { members, startObserver } = await startWithMaster(
    { kinds: { 1: 'zkts', 2: 'java', 3: 'java', 4: 'java' }, master: 1 },
    { observerLater: true, masterEnv: { SERVER_JVMFLAGS: '-Dzookeeper.commitLogCount=2' } },
  );
  try {
    await settled(members, 90_000);
    const lc = await ZkTestClient.connect(LOOPBACK, members.find((m) => m.sid === 3)!.clientPort, { timeoutMs: 10_000 });
    try {
      for (let i = 0; i < 6; i++) t.is(await create(lc, `/before-${i}`, `b${i}`), ErrCode.OK);
    } finally {
      await lc.close();
    }
    // The master has applied them all before the observer asks (its committed log is the last 2).
    const master = members.find((m) => m.sid === 1)!;
    t.is(await until('/before-5 on the master', () => dataOf(master.clientPort, '/before-5'), 30_000), 'b5');
    const observer = await startObserver();
    await settled(members, 90_000);
    await until('the master to sync observer 4', async () => (masterSynced(master) ? true : null), 30_000);
    t.regex(master.output(), /syncing observer .*observer=4\b.*mode=SNAP/);
    for (let i = 0; i < 6; i++) t.is(await dataOf(observer.clientPort, `/before-${i}`), `b${i}`);
    await exerciseObserver(t, members);
    t.deepEqual(javaTrouble(observer), [], 'java 4\'s log');
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});
