// A leader and learners wired together in memory (support/ensemble.ts): discovery, DIFF / TRUNC /
// SNAP sync, broadcast of 100 txns, a follower that drops out and comes back, abdication, and the
// disk ordering the reference relies on (§5.5).

import test, { type ExecutionContext } from 'ava';
import { OpCode } from '../../../src/protocol/opcodes';
import { makeZxid } from '../../../src/quorum/types';
import { txnFromBytes } from '../../../src/quorum/zab/common';
import type { LeaderOutput } from '../../../src/quorum/zab/leader-types';
import { encodeTxn, type TxnBody } from '../../../src/persistence/txn';
import { encodeQuorumPacket } from '../../../src/quorum/transport/quorum-packet-stream';
import type { DataTree } from '../../../src/tree';
import { type Disk, emptyDisk, Ensemble, loadTree } from './support/ensemble';
import { createRun, createTxn } from './support/txns';

function contents(tree: DataTree): string[] {
  const out: string[] = [];
  for (const n of tree.snapshotSource([]).nodes()) out.push(`${n.path}=${n.node.data?.toString() ?? ''}@${n.node.stat.mzxid.toString(16)}`);
  return out.sort();
}

function sameTrees(t: ExecutionContext, e: Ensemble, sids: number[]): void {
  const ref = e.peer(sids[0]!).tree;
  for (const sid of sids.slice(1)) {
    const tree = e.peer(sid).tree;
    t.deepEqual(contents(tree), contents(ref), `tree of ${sid} = tree of ${sids[0]}`);
    t.is(tree.treeDigest, ref.treeDigest, `digest of ${sid}`);
  }
}

/** Proposes `n` creates at the leader with the next zxids, settling after each. */
function proposeMany(e: Ensemble, leaderSid: number, n: number, prefix: string): bigint[] {
  const m = e.peer(leaderSid).leader!;
  const zxids: bigint[] = [];
  for (let i = 0; i < n; i++) {
    const z = m.lastProposed + 1n;
    e.propose(leaderSid, createTxn(z, `/${prefix}${i}`));
    zxids.push(z);
    if (i % 7 === 0) e.settle(); // keep several in flight at times
  }
  e.settle();
  return zxids;
}

function diskWith(txns: ReturnType<typeof createRun>, epoch: bigint): Disk {
  return { log: [...txns], snapshot: null, acceptedEpoch: epoch, currentEpoch: epoch };
}

function plans(e: Ensemble): string[] {
  return e.leaderOutputs
    .filter((o): o is Extract<LeaderOutput, { type: 'learnerSyncPlanned' }> => o.type === 'learnerSyncPlanned')
    .map((o) => `${o.sid}:${o.plan.kind}`);
}

test('a fresh ensemble: discovery, empty DIFFs, then 100 txns everywhere in the same order', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, { seed: 11 });
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.settle();
  t.deepEqual(plans(e).sort(), ['1:DIFF', '2:DIFF']);
  for (const sid of [1, 2, 3]) {
    t.true(e.peer(sid).serving, `${sid} serves`);
    t.is(e.peer(sid).disk.acceptedEpoch, 1n);
    t.is(e.peer(sid).disk.currentEpoch, 1n);
  }
  const zxids = proposeMany(e, 3, 100, 'k');
  t.deepEqual(zxids[0], makeZxid(1n, 1n));
  for (const sid of [1, 2, 3]) {
    t.deepEqual(e.peer(sid).applied, zxids, `${sid} applied all, in order`);
    t.deepEqual(e.peer(sid).disk.log.map((x) => x.zxid), zxids, `${sid} logged all`);
  }
  sameTrees(t, e, [3, 1, 2]);
  t.is(e.peer(3).leader!.outstandingCount, 0);
});

test('the discovery and sync order matches the reference (§5.5), disk writes included', (t) => {
  const e = new Ensemble({ 1: diskWith(createRun(1n, 1n, 3), 1n), 2: emptyDisk(), 3: diskWith(createRun(1n, 1n, 5), 1n) }, { seed: 5 });
  e.lead(3);
  e.connect(1, 3);
  e.settle();
  const learner1 = e.trace.filter((l) => l.startsWith('1 ') || l.startsWith('3 -> 1') || l.startsWith('3 disk') || l.startsWith('3 serving')).map((l) => l.replace(/ <\d+ bytes>| -$| [0-9a-f]{8,}$/g, ''));
  t.deepEqual(learner1, [
    '1 -> 3 FOLLOWERINFO 0x100000000',
    '3 disk acceptedEpoch=2', // the leader writes acceptedEpoch before LEADERINFO
    '3 -> 1 LEADERINFO 0x200000000',
    '1 <- 3 LEADERINFO 0x200000000',
    '1 disk acceptedEpoch=2', // the learner writes it before ACKEPOCH
    '1 -> 3 ACKEPOCH 0x100000003',
    '3 disk currentEpoch=2', // the leader, once a quorum acked the epoch
    '3 -> 1 DIFF 0x100000005',
    '3 -> 1 PROPOSAL 0x100000004',
    '3 -> 1 COMMIT 0x100000004',
    '3 -> 1 PROPOSAL 0x100000005',
    '3 -> 1 COMMIT 0x100000005',
    '3 -> 1 NEWLEADER 0x200000000',
    '1 <- 3 DIFF 0x100000005',
    '1 <- 3 PROPOSAL 0x100000004',
    '1 <- 3 COMMIT 0x100000004',
    '1 <- 3 PROPOSAL 0x100000005',
    '1 <- 3 COMMIT 0x100000005',
    '1 <- 3 NEWLEADER 0x200000000',
    '1 disk log 100000004,100000005', // logged and fsynced ...
    '1 disk currentEpoch=2', // ... then currentEpoch ...
    '1 -> 3 ACK 0x200000000', // ... then the NEWLEADER ACK
    '3 serving as leader',
    '3 -> 1 UPTODATE -1',
    '1 <- 3 UPTODATE -1',
    '1 -> 3 ACK 0x200000000',
    '1 serving',
  ]);
  sameTrees(t, e, [3, 1]);
});

test('DIFF, TRUNC and SNAP syncs each leave the learner with the leader\'s history', (t) => {
  const history = createRun(1n, 1n, 30);
  const leaderDisk = diskWith(history, 1n);
  // 1 is behind inside the committed log -> DIFF.
  const behind = diskWith(history.slice(0, 25), 1n);
  // 2 logged two epoch-1 txns the leader never got -> TRUNC to the leader's last.
  const ahead = diskWith([...history, ...createRun(1n, 31n, 2).map((x) => createTxn(x.zxid, `/lost${x.zxid}`))], 1n);
  // 4 (an observer) is far behind the (small) committed log -> SNAP.
  const old = diskWith(history.slice(0, 3), 1n);
  const e = new Ensemble({ 1: behind, 2: ahead, 3: leaderDisk, 4: old }, { seed: 7, leader: { commitLogCount: 10 } }, [4n]);
  e.lead(3);
  // While the epoch is being agreed, a learner with a newer history than the leader's is refused.
  e.connect(2, 3);
  e.settle();
  t.deepEqual(e.peer(2).ended, ['connection to the leader closed']);
  t.true(e.trace.some((l) => l.includes('Follower is ahead of the leader')));
  e.connect(1, 3);
  e.connect(4, 3);
  e.settle();
  // Once the leader is established, the same learner is told to truncate instead.
  e.connect(2, 3);
  e.settle();
  t.deepEqual(plans(e), ['1:DIFF', '4:SNAP', '2:TRUNC']);
  t.deepEqual(e.peer(2).disk.log.map((x) => x.zxid), history.map((x) => x.zxid), 'TRUNC removed the two extra txns from the log');
  t.not(e.peer(4).disk.snapshot, null, 'SNAP was written to disk at NEWLEADER');
  sameTrees(t, e, [3, 1, 2, 4]);
  // Then broadcast works for all of them.
  const zxids = proposeMany(e, 3, 12, 'after');
  for (const sid of [1, 2, 4]) t.deepEqual(e.peer(sid).applied.slice(-12), zxids);
  sameTrees(t, e, [3, 1, 2, 4]);
  // And every learner restarts from its disk to the same tree (what a crash would reload).
  for (const sid of [1, 2, 4]) t.deepEqual(contents(loadTree(e.peer(sid).disk)), contents(e.peer(3).tree), `${sid} reloads`);
});

test('a SNAP sync while txns are in flight: proposals after the snapshot still arrive and commit', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, { seed: 3, leader: { forceSnapSync: true } });
  e.lead(3);
  e.connect(1, 3);
  e.settle();
  proposeMany(e, 3, 10, 'a');
  // Hold the leader's and 1's disks so the next txns stay outstanding while 2 syncs.
  e.peer(3).holdDisk = true;
  e.peer(1).holdDisk = true;
  const z = e.peer(3).leader!.lastProposed;
  e.propose(3, createTxn(z + 1n, '/inflight1'));
  e.propose(3, createTxn(z + 2n, '/inflight2'));
  e.settle();
  e.connect(2, 3);
  e.settle();
  t.deepEqual(plans(e).slice(-1), ['2:SNAP']);
  e.peer(3).holdDisk = false;
  e.peer(1).holdDisk = false;
  e.settle();
  t.deepEqual(e.peer(2).applied.slice(-2), [z + 1n, z + 2n]);
  sameTrees(t, e, [3, 1, 2]);
});

test('a follower that drops out misses txns, reconnects and catches up with a DIFF', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, { seed: 9 });
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.settle();
  proposeMany(e, 3, 20, 'x');
  e.cut(2);
  e.settle();
  t.is(e.peer(2).learner, null);
  t.false(e.peer(2).serving);
  // Leader + 1 are still a quorum of three.
  const missed = proposeMany(e, 3, 20, 'y');
  t.deepEqual(e.peer(1).applied.slice(-20), missed);
  e.connect(2, 3);
  e.settle();
  t.deepEqual(plans(e).slice(-1), ['2:DIFF']);
  t.true(e.peer(2).serving);
  sameTrees(t, e, [3, 1, 2]);
  proposeMany(e, 3, 5, 'z');
  sameTrees(t, e, [3, 1, 2]);
});

test('the leader abdicates when followers stop pinging, and followers time out too', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, { seed: 13 });
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.settle();
  e.advance(e.now + 30_000); // pings flow: nothing happens
  t.not(e.peer(3).leader, null);
  t.true(e.peer(1).serving && e.peer(2).serving);
  // The followers freeze (their machines stop answering); the network stays up.
  const frozen = [e.peer(1).learner!, e.peer(2).learner!];
  e.peer(1).learner = null;
  e.peer(2).learner = null;
  e.advance(e.now + 20_000);
  t.is(e.peer(3).leader, null);
  t.true(e.peer(3).ended.some((r) => r.startsWith('Not sufficient followers synced')), e.peer(3).ended.join('; '));
  // A follower whose leader went quiet disconnects after syncLimit ticks.
  const f = frozen[0]!;
  const out = f.step({ type: 'tick', nowMs: e.now + 60_000 });
  t.deepEqual(out.map((o) => o.type), ['disconnect']);
});

test('durability: no COMMIT while neither the leader nor a follower has fsynced; ACKs follow fsyncs', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, { seed: 17 });
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.settle();
  for (const sid of [1, 2, 3]) e.peer(sid).holdDisk = true;
  const z = e.peer(3).leader!.lastProposed + 1n;
  e.propose(3, createTxn(z, '/durable'));
  e.settle();
  t.false(e.trace.some((l) => /ACK 0x/.test(l) && l.includes(z.toString(16))), 'no ACK before an fsync');
  t.false(e.trace.some((l) => l.includes('COMMIT')), 'no COMMIT');
  t.deepEqual(e.peer(1).applied, []);
  // Follower 1's fsync completes: it ACKs; leader's own fsync still pending -> 1 of 3, no commit.
  e.completeDisk(e.peer(1));
  e.settle();
  t.true(e.trace.includes(`3 <- 1 ACK 0x${z.toString(16)} -`));
  t.false(e.trace.some((l) => l.includes('COMMIT')));
  // The leader's fsync: quorum (3, 1) -> COMMIT to both followers, even 2 which has not fsynced.
  e.completeDisk(e.peer(3));
  e.settle();
  t.deepEqual(e.peer(1).applied, [z]);
  t.deepEqual(e.peer(2).applied, [z]);
  t.deepEqual(e.peer(2).disk.log, [], '2 applied a committed txn before its own fsync finished');
  e.peer(2).holdDisk = false;
  e.settle();
  t.deepEqual(e.peer(2).disk.log.map((x) => x.zxid), [z]);
});

test('forwarded requests reach the leader; an observer follows through INFORM', (t) => {
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk(), 4: emptyDisk() }, { seed: 19 }, [4n]);
  const requests: string[] = [];
  e.onLearnerRequest = (o) => {
    requests.push(`${o.sid}:${o.request.sessionId.toString(16)}:${o.request.cxid}:${o.request.opType}`);
    // The leader's pipeline would prep it; here it becomes a create at the next zxid.
    const z = e.peer(3).leader!.lastProposed + 1n;
    const body: TxnBody = { type: OpCode.create, txn: { path: `/from${o.sid}`, data: o.request.body, acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], ephemeral: false, parentCVersion: -1 } };
    const bytes = encodeTxn({ header: { clientId: o.request.sessionId, cxid: o.request.cxid, zxid: z, time: 0n, type: OpCode.create }, body, digest: null });
    e.propose(3, txnFromBytes(bytes));
  };
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.connect(4, 3);
  e.settle();
  t.true(e.peer(4).serving);
  const f = e.peer(1);
  const out = f.learner!.step({ type: 'forwardRequest', request: { sessionId: 0x101n, cxid: 1, opType: OpCode.create, body: Buffer.from('hi'), authinfo: null }, nowMs: e.now });
  t.deepEqual(out.map((o) => o.type), ['send']);
  for (const o of out) if (o.type === 'send') f.link!.toLeader.push(encodeQuorumPacket(o.packet));
  e.settle();
  t.deepEqual(requests, ['1:101:1:1']);
  sameTrees(t, e, [3, 1, 2, 4]);
  t.deepEqual(e.peer(4).applied, [makeZxid(1n, 1n)]);
  t.false(e.trace.some((l) => l.startsWith('3 <- 4 ACK 0x100000001')), 'observers do not ACK proposals');
});
