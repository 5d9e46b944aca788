// Scripted scenarios for the learner machine: inputs in, transcript of outputs out. The expected
// transcripts follow the reference's Learner.registerWithLeader / syncWithLeader and
// Follower/Observer.processPacket (with the 3.9 NEWLEADER disk order, see learner.ts).

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { ZabLearner } from '../../../src/quorum/zab/learner';
import type { LearnerInput, LearnerOptions } from '../../../src/quorum/zab/learner-types';
import { PacketType } from '../../../src/quorum/zab/packets';
import { transcript } from './support/render';
import { createRun, createTxn } from './support/txns';

const T = PacketType;
const opts: LearnerOptions = {
  sid: 1n,
  kind: 'follower',
  acceptedEpoch: 1n,
  currentEpoch: 1n,
  lastLoggedZxid: 0x100000003n,
  configVersion: 0n,
  tickTimeMs: 2000,
  initLimit: 10,
  syncLimit: 5,
  nowMs: 0,
};

const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
const int = (v: number): Buffer => Buffer.from([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
const e1 = createRun(1n, 1n, 5); // 0x100000001..5
const config = Buffer.from('server.1=127.0.0.1:2888:3888:participant\nversion=200000000');

type NoNow<T> = T extends unknown ? Omit<T, 'nowMs'> & { nowMs?: number } : never;

class Script {
  readonly m: ZabLearner;
  now = 0;
  constructor(o: Partial<LearnerOptions> = {}) {
    this.m = new ZabLearner({ ...opts, ...o });
  }
  start(): string[] {
    return transcript(this.m.start());
  }
  in(input: NoNow<LearnerInput>, withLogs = false): string[] {
    if (input.nowMs !== undefined) this.now = input.nowMs;
    return transcript(this.m.step({ ...input, nowMs: this.now } as LearnerInput), withLogs);
  }
  packet(p: QuorumPacket, withLogs = false): string[] {
    return this.in({ type: 'packet', packet: p }, withLogs);
  }
  persisted(token: number): string[] {
    return this.in({ type: 'persisted', token });
  }
}

test('follower: discovery, DIFF sync, NEWLEADER disk order, UPTODATE, then broadcast', (t) => {
  const s = new Script();
  t.deepEqual(s.start(), ['send FOLLOWERINFO 0x100000000 0000000000000001000100000000000000000000']);
  // A newer epoch: write acceptedEpoch first, reply only once it is durable.
  t.deepEqual(s.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000))), ['persistEpoch accepted 2 #1']);
  // The leader's next packet arrives before the disk write completes: it waits.
  t.deepEqual(s.packet(pk(T.DIFF, 0x100000005n)), []);
  t.true(s.m.blocked);
  t.deepEqual(s.persisted(1), ['send ACKEPOCH 0x100000003 00000001']);
  t.is(s.m.syncMode, 'DIFF');
  t.deepEqual(s.packet(pk(T.PROPOSAL, e1[3]!.zxid, e1[3]!.bytes)), []);
  t.deepEqual(s.packet(pk(T.COMMIT, e1[3]!.zxid)), []);
  t.deepEqual(s.packet(pk(T.PROPOSAL, e1[4]!.zxid, e1[4]!.bytes)), []);
  t.deepEqual(s.packet(pk(T.COMMIT, e1[4]!.zxid)), []);
  // NEWLEADER: log + fsync the sync txns, apply the committed ones, write currentEpoch, then ACK.
  t.deepEqual(s.packet(pk(T.NEWLEADER, 0x200000000n, config)), [
    `leaderConfig ${JSON.stringify(config.toString())}`,
    'persistTxns #2 [0x100000004,0x100000005]',
  ]);
  t.deepEqual(s.persisted(2), ['apply 0x100000004', 'apply 0x100000005', 'persistEpoch current 2 #3']);
  t.is(s.m.currentEpoch, 1n);
  t.deepEqual(s.persisted(3), ['send ACK 0x200000000 -']);
  t.is(s.m.currentEpoch, 2n);
  t.deepEqual(s.packet(pk(T.UPTODATE, -1n)), ['send ACK 0x200000000 -', 'serve epoch 2']);
  t.is(s.m.phase, 'broadcast');

  // Broadcast: ACK only after the txn is durable; COMMIT may come first (a quorum acked without us).
  const p1 = createTxn(0x200000001n, '/a');
  const p2 = createTxn(0x200000002n, '/b');
  t.deepEqual(s.packet(pk(T.PROPOSAL, p1.zxid, p1.bytes)), ['persistTxns #4 [0x200000001]']);
  t.deepEqual(s.packet(pk(T.PROPOSAL, p2.zxid, p2.bytes)), ['persistTxns #5 [0x200000002]']);
  t.deepEqual(s.packet(pk(T.COMMIT, p1.zxid)), ['apply 0x200000001']);
  // Durability confirmed out of order: ACKs still go out in zxid order.
  t.deepEqual(s.persisted(5), []);
  t.deepEqual(s.persisted(4), ['send ACK 0x200000001 -', 'send ACK 0x200000002 -']);
  t.deepEqual(s.packet(pk(T.COMMIT, p2.zxid)), ['apply 0x200000002']);

  // PING: echo the zxid with the sessions touched since the last ping.
  s.in({ type: 'touchSession', sessionId: 0x55n, timeoutMs: 30000 });
  s.in({ type: 'touchSession', sessionId: 0x66n, timeoutMs: 4000 });
  s.in({ type: 'touchSession', sessionId: 0x55n, timeoutMs: 30000 });
  t.deepEqual(s.packet(pk(T.PING, 0x200000002n)), ['send PING 0x200000002 000000000000005500007530000000000000006600000fa0']);
  t.deepEqual(s.packet(pk(T.PING, 0x200000002n)), ['send PING 0x200000002 <empty>']);

  // Requests and revalidation go to the leader; SYNC and REVALIDATE answers come back.
  t.deepEqual(s.in({ type: 'forwardRequest', request: { sessionId: 0x55n, cxid: 7, opType: 9, body: Buffer.from('2f61', 'hex'), authinfo: [{ scheme: 'ip', id: '127.0.0.1' }] } }), [
    'send REQUEST -1 000000000000005500000007000000092f61 auth=ip:127.0.0.1',
  ]);
  t.deepEqual(s.in({ type: 'revalidateSession', sessionId: 0x77n, timeoutMs: 6000 }), ['send REVALIDATE -1 000000000000007700001770']);
  t.deepEqual(s.packet(pk(T.REVALIDATE, -1n, Buffer.from('000000000000007701', 'hex'))), ['sessionRevalidated 0x77 true']);
  t.deepEqual(s.packet(pk(T.SYNC, 0n)), ['syncCompleted']);
  t.deepEqual(s.packet(pk(T.UPTODATE, -1n), true), ['log error: Received an UPTODATE message after follower started']);
});

test('follower: a COMMIT that is not for the oldest pending txn is fatal (exit 12)', (t) => {
  const s = new Script({ acceptedEpoch: 2n, currentEpoch: 2n, lastLoggedZxid: 0x200000000n });
  s.start();
  t.deepEqual(s.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000))), ['send ACKEPOCH 0x200000000 ffffffff']);
  s.packet(pk(T.DIFF, 0x200000000n));
  s.packet(pk(T.NEWLEADER, 0x200000000n));
  t.deepEqual(s.persisted(1), ['send ACK 0x200000000 -']);
  s.packet(pk(T.UPTODATE, -1n));
  // Nothing pending: the reference only warns.
  t.deepEqual(s.packet(pk(T.COMMIT, 0x200000009n), true), ['log warn: Committing 0x200000009 without seeing txn']);
  const p1 = createTxn(0x200000001n, '/a');
  s.packet(pk(T.PROPOSAL, p1.zxid, p1.bytes));
  t.deepEqual(s.packet(pk(T.COMMIT, 0x200000002n)), ['fatal 12: Committing zxid 0x200000002 but next pending txn 0x200000001']);
  t.is(s.m.phase, 'stopped');
  t.deepEqual(s.packet(pk(T.COMMIT, 0x200000001n)), []);
});

test('follower: SNAP loads the stream, applies early commits in memory, snapshots at NEWLEADER', (t) => {
  const s = new Script({ lastLoggedZxid: 0n });
  s.start();
  s.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000)));
  t.deepEqual(s.persisted(1), ['send ACKEPOCH 0x0 00000001']);
  t.deepEqual(s.packet(pk(T.SNAP, 0x100000005n)), ['loadSnapshot 0x100000005 #2']);
  t.is(s.m.syncMode, 'SNAP');
  const p6 = createTxn(0x100000006n, '/six');
  const p7 = createTxn(0x100000007n, '/seven');
  t.deepEqual(s.packet(pk(T.PROPOSAL, p6.zxid, p6.bytes)), []); // held until the tree is loaded
  t.deepEqual(s.persisted(2), []);
  t.deepEqual(s.packet(pk(T.COMMIT, p6.zxid)), ['apply 0x100000006']);
  t.deepEqual(s.packet(pk(T.PROPOSAL, p7.zxid, p7.bytes)), []);
  t.deepEqual(s.packet(pk(T.NEWLEADER, 0x200000000n)), ['takeSnapshot sync #3']);
  // The uncommitted 0x100000007 is logged before the epoch is written and acked after UPTODATE.
  t.deepEqual(s.persisted(3), ['persistTxns #4 [0x100000007]']);
  t.deepEqual(s.persisted(4), ['persistEpoch current 2 #5']);
  t.deepEqual(s.persisted(5), ['send ACK 0x200000000 -']);
  t.deepEqual(s.packet(pk(T.COMMIT, p7.zxid)), []);
  t.deepEqual(s.packet(pk(T.UPTODATE, -1n)), ['send ACK 0x200000000 -', 'serve epoch 2', 'send ACK 0x100000007 -', 'apply 0x100000007']);
});

test('follower: TRUNC truncates and reloads before anything else, then snapshots at NEWLEADER', (t) => {
  const s = new Script({ lastLoggedZxid: 0x100000009n });
  s.start();
  s.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000)));
  t.deepEqual(s.persisted(1), ['send ACKEPOCH 0x100000009 00000001']);
  t.deepEqual(s.packet(pk(T.TRUNC, 0x100000005n)), ['truncateLog 0x100000005 #2']);
  t.deepEqual(s.packet(pk(T.NEWLEADER, 0x200000000n)), []);
  t.deepEqual(s.persisted(2), ['takeSnapshot #3']);
  t.deepEqual(s.persisted(3), ['persistEpoch current 2 #4']);
  t.deepEqual(s.persisted(4), ['send ACK 0x200000000 -']);
});

test('learner: epoch rules and bad sync packets', (t) => {
  const older = new Script({ acceptedEpoch: 3n, currentEpoch: 3n });
  older.start();
  t.deepEqual(older.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000))), ['disconnect: Leaders epoch, 2 is less than accepted epoch, 3']);

  const old = new Script();
  old.start();
  t.deepEqual(old.packet(pk(T.NEWLEADER, 0x200000000n)), ['disconnect: First packet should have been LEADERINFO, got NEWLEADER 200000000 (pre-Zab-1.0 leaders are not supported)']);

  const noData = new Script();
  noData.start();
  t.deepEqual(noData.packet(pk(T.LEADERINFO, 0x200000000n)), ['disconnect: bad LEADERINFO from the leader: LEADERINFO protocol version needs 4 bytes, got null']);

  const bad = new Script({ acceptedEpoch: 2n });
  bad.start();
  s2(bad);
  t.deepEqual(bad.packet(pk(T.PROPOSAL, 0x200000001n, createTxn(0x200000001n, '/x').bytes)), [
    'fatal 13: Got unexpected packet from leader: PROPOSAL 200000001 (85 bytes), exiting ... ',
  ]);

  const gap = new Script({ acceptedEpoch: 2n });
  gap.start();
  s2(gap);
  gap.packet(pk(T.DIFF, 0x100000005n));
  gap.packet(pk(T.PROPOSAL, e1[2]!.zxid, e1[2]!.bytes));
  t.deepEqual(gap.packet(pk(T.PROPOSAL, e1[4]!.zxid, e1[4]!.bytes)), ['disconnect: DIFF sync got proposal 0x100000005, last queued 0x100000003, expected 0x100000004']);

  const garbage = new Script({ acceptedEpoch: 2n });
  garbage.start();
  s2(garbage);
  garbage.packet(pk(T.DIFF, 0x100000005n));
  t.regex(garbage.packet(pk(T.PROPOSAL, 0x100000006n, Buffer.from('0102', 'hex')))[0]!, /^disconnect: bad PROPOSAL from the leader: /);

  function s2(x: Script): void {
    t.deepEqual(x.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000))), ['send ACKEPOCH 0x100000003 ffffffff']);
  }
});

test('learner: read timeouts are initLimit ticks until NEWLEADER, syncLimit after, and never while on disk', (t) => {
  const s = new Script();
  s.start();
  t.is(s.m.nextWakeMs(), 20000);
  t.deepEqual(s.in({ type: 'tick', nowMs: 19999 }), []);
  s.in({ type: 'packet', packet: pk(T.LEADERINFO, 0x200000000n, int(0x10000)), nowMs: 5000 });
  t.is(s.m.nextWakeMs(), null, 'blocked on the acceptedEpoch write');
  t.deepEqual(s.in({ type: 'tick', nowMs: 60000 }), []);
  s.in({ type: 'persisted', token: 1, nowMs: 61000 });
  t.is(s.m.nextWakeMs(), 81000);
  s.in({ type: 'packet', packet: pk(T.DIFF, 0x100000003n), nowMs: 62000 });
  s.in({ type: 'packet', packet: pk(T.NEWLEADER, 0x200000000n), nowMs: 63000 });
  s.in({ type: 'persisted', token: 2, nowMs: 64000 });
  t.is(s.m.nextWakeMs(), 74000, 'syncLimit * tickTime after NEWLEADER');
  t.deepEqual(s.in({ type: 'tick', nowMs: 74000 }), ['disconnect: Read timed out: nothing from the leader for 10000 ms']);
});

test('observer: OBSERVERINFO, INFORM logged and applied without ACK, PROPOSAL/COMMIT ignored', (t) => {
  const s = new Script({ kind: 'observer', sid: 4n });
  t.deepEqual(s.start(), ['send OBSERVERINFO 0x100000000 0000000000000004000100000000000000000000']);
  s.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000)));
  s.persisted(1);
  s.packet(pk(T.DIFF, 0x100000003n));
  // An INFORM during sync (a commit the leader made meanwhile) is held with its commit.
  const i4 = e1[3]!;
  t.deepEqual(s.packet(pk(T.INFORM, i4.zxid, i4.bytes)), []);
  t.deepEqual(s.packet(pk(T.NEWLEADER, 0x200000000n)), ['persistTxns #2 [0x100000004]']);
  t.deepEqual(s.persisted(2), ['apply 0x100000004', 'persistEpoch current 2 #3']);
  t.deepEqual(s.persisted(3), ['send ACK 0x200000000 -']);
  const i5 = e1[4]!;
  t.deepEqual(s.packet(pk(T.INFORM, i5.zxid, i5.bytes)), []);
  t.deepEqual(s.packet(pk(T.UPTODATE, -1n)), ['send ACK 0x200000000 -', 'serve epoch 2', 'persistTxns #4 [0x100000005]', 'apply 0x100000005']);
  const i6 = createTxn(0x200000001n, '/o');
  t.deepEqual(s.packet(pk(T.INFORM, i6.zxid, i6.bytes)), ['persistTxns #5 [0x200000001]', 'apply 0x200000001']);
  t.deepEqual(s.persisted(5), []);
  t.deepEqual(s.packet(pk(T.PROPOSAL, i6.zxid, i6.bytes), true), ['log warn: Ignoring proposal']);
  t.deepEqual(s.packet(pk(T.COMMIT, i6.zxid), true), ['log warn: Ignoring commit']);
});

test('learner: a closed connection ends the machine; reconfig packets are refused', (t) => {
  const s = new Script();
  s.start();
  t.deepEqual(s.in({ type: 'closed' }), ['disconnect: connection to the leader closed']);
  t.deepEqual(s.in({ type: 'tick', nowMs: 1e9 }), []);
  t.is(s.m.nextWakeMs(), null);

  const r = new Script({ acceptedEpoch: 2n, currentEpoch: 2n, lastLoggedZxid: 0x200000000n });
  r.start();
  r.packet(pk(T.LEADERINFO, 0x200000000n, int(0x10000)));
  r.packet(pk(T.DIFF, 0x200000000n));
  r.packet(pk(T.NEWLEADER, 0x200000000n));
  r.persisted(1);
  r.packet(pk(T.UPTODATE, -1n));
  // Follower.processPacket's pendingTxns.element() throws on an empty queue: the follower leaves.
  t.deepEqual(r.packet(pk(T.COMMITANDACTIVATE, 0x200000001n, Buffer.alloc(8))), ['disconnect: COMMITANDACTIVATE 0x200000001 without a pending txn']);
});
