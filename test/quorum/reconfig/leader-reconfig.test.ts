// The leader's side of a reconfig: the proposal tracker needs quorums of the old and the new
// config from the reconfig on (Leader.tryToCommit with qvAcksetPairs), the commit goes out as
// COMMITANDACTIVATE with the designated leader, and the designated leader is chosen as
// Leader.getDesignatedLeader does when the leader stays or leaves (release-3.8.0-1).

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { designatedLeader, proposedConfigOf } from '../../../src/quorum/reconfig/leader-reconfig';
import { majorityMembers } from '../../../src/quorum/types';
import { ZabLeader } from '../../../src/quorum/zab/leader';
import type { LeaderInput, LeaderOptions } from '../../../src/quorum/zab/leader-types';
import { PacketType } from '../../../src/quorum/zab/packets';
import { encodeLearnerInfo } from '../../../src/quorum/zab/payloads';
import { ProposalTracker } from '../../../src/quorum/zab/proposal-tracker';
import { transcript } from '../zab/support/render';
import { createTxn, reconfigTxn } from '../zab/support/txns';

const T = PacketType;
const NO_2 = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\nserver.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183\nserver.4=127.0.0.1:2884:3884:observer;127.0.0.1:2184\nversion=200000001';
const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
type NoNow<I> = I extends unknown ? Omit<I, 'nowMs'> : never;
const int = (v: number): Buffer => Buffer.from([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);

test('from a reconfig on, proposals need a quorum of the new config too', (t) => {
  const tracker = new ProposalTracker(majorityMembers([1n, 2n, 3n]), 0x200000000n);
  tracker.add(reconfigTxn(0x200000001n, 'x'), majorityMembers([1n, 4n, 5n], [], 0x200000001n));
  tracker.add(createTxn(0x200000002n, '/after'));
  t.deepEqual(tracker.ack(2n, 0x200000001n), { kind: 'counted', committed: [] });
  // 1 and 2 are a quorum of {1,2,3}, but only 1 of {1,4,5}.
  t.deepEqual(tracker.ack(1n, 0x200000001n), { kind: 'counted', committed: [] });
  const r = tracker.ack(4n, 0x200000001n);
  t.deepEqual(r.kind === 'counted' ? r.committed.map((x) => x.zxid) : r, [0x200000001n]);
  // The next proposal was made while the reconfig was pending: it needs both configs as well.
  tracker.activate(majorityMembers([1n, 4n, 5n], [], 0x200000001n));
  tracker.ack(1n, 0x200000002n);
  t.deepEqual(tracker.ack(2n, 0x200000002n), { kind: 'counted', committed: [] });
  const r2 = tracker.ack(5n, 0x200000002n);
  t.deepEqual(r2.kind === 'counted' ? r2.committed.map((x) => x.zxid) : r2, [0x200000002n]);
  // After activation new proposals count only the new config: 1 and 4 suffice, 2 does not count.
  tracker.add(createTxn(0x200000003n, '/later'));
  tracker.ack(2n, 0x200000003n);
  tracker.ack(1n, 0x200000003n);
  const r3 = tracker.ack(4n, 0x200000003n);
  t.deepEqual(r3.kind === 'counted' ? r3.committed.map((x) => x.zxid) : r3, [0x200000003n]);
});

test('the leader commits a reconfig with COMMITANDACTIVATE naming itself, after activating it', (t) => {
  const base: LeaderOptions = {
    sid: 3n, members: majorityMembers([1n, 2n, 3n], [4n]), acceptedEpoch: 1n, currentEpoch: 1n, lastProcessedZxid: 0x100000000n,
    tickTimeMs: 2000, initLimit: 10, syncLimit: 5, nowMs: 0, reconfigEnabled: true,
  };
  const m = new ZabLeader(base);
  let now = 0;
  const step = (i: NoNow<LeaderInput>): string[] => transcript(m.step({ ...i, nowMs: now } as LeaderInput));
  m.start();
  step({ type: 'connected', conn: 1 });
  step({ type: 'packet', conn: 1, packet: pk(T.FOLLOWERINFO, 1n << 32n, encodeLearnerInfo(1n, 0n)) });
  step({ type: 'persisted', token: 1 });
  step({ type: 'packet', conn: 1, packet: pk(T.ACKEPOCH, 0x100000000n, int(1)) });
  step({ type: 'persisted', token: 2 });
  now = 100;
  step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000000n) });
  t.is(m.phase, 'broadcast');
  const r = reconfigTxn(0x200000001n, NO_2);
  t.deepEqual(step({ type: 'propose', txn: r }), [`configProposed ${JSON.stringify(NO_2)}`, `send 1 PROPOSAL 0x200000001 <${r.bytes.length} bytes>`, 'persistTxns #3 [0x200000001]']);
  // Our own ack alone is no quorum of either config; follower 1's completes both ({1,3} and {1,2,3}).
  t.deepEqual(step({ type: 'persisted', token: 3 }), []);
  t.deepEqual(step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000001n) }), [
    `activateConfig ${JSON.stringify(NO_2)} leader 3 -`,
    'send 1 COMMITANDACTIVATE 0x200000001 0000000000000003',
    'apply 0x200000001',
  ]);
  // Learners that activated the new config are welcome now (their LearnerInfo carries its version).
  step({ type: 'connected', conn: 2 });
  t.deepEqual(step({ type: 'packet', conn: 2, packet: pk(T.OBSERVERINFO, 2n << 32n, encodeLearnerInfo(4n, 0x200000001n)) }).filter((l) => l.startsWith('close')), []);
});

test('the designated leader: the leader if it still votes, else the new voter that acked the most of what followed', (t) => {
  const next = majorityMembers([1n, 2n, 5n]);
  t.is(designatedLeader(1n, next, [1n, 2n], []), 1n);
  // Candidates: new voters that acked the reconfig (4 is not one); nothing after it: the lowest.
  t.is(designatedLeader(3n, next, [5n, 2n, 4n, 3n], []), 2n);
  // 5 acked the next two proposals, 2 only the first: 5 is the most up to date.
  t.is(designatedLeader(3n, next, [2n, 5n], [new Set([2n, 5n]), new Set([5n, 3n])]), 5n);
  // Nobody acked the second: the best found before it.
  t.is(designatedLeader(3n, next, [1n, 2n, 5n], [new Set([2n, 5n]), new Set([3n])]), 2n);
});

test('a leader removing itself designates the follower that acked the proposals after the reconfig', (t) => {
  const NO_3 = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\nserver.2=127.0.0.1:2882:3882:participant;127.0.0.1:2182\nversion=200000001';
  const m = new ZabLeader({
    sid: 3n, members: majorityMembers([1n, 2n, 3n]), acceptedEpoch: 1n, currentEpoch: 1n, lastProcessedZxid: 0x100000000n,
    tickTimeMs: 2000, initLimit: 10, syncLimit: 5, nowMs: 0, reconfigEnabled: true,
  });
  const step = (i: NoNow<LeaderInput>): string[] => transcript(m.step({ ...i, nowMs: 100 } as LeaderInput));
  m.start();
  let token = 0;
  const persistAll = (out: string[]): void => {
    for (const l of out) for (const x of l.matchAll(/#(\d+)/g)) token = Math.max(token, Number(x[1]));
  };
  for (const sid of [1n, 2n]) {
    const conn = Number(sid);
    step({ type: 'connected', conn });
    persistAll(step({ type: 'packet', conn, packet: pk(T.FOLLOWERINFO, 1n << 32n, encodeLearnerInfo(sid, 0n)) }));
  }
  for (let i = 1; i <= token; i++) persistAll(step({ type: 'persisted', token: i }));
  for (const conn of [1, 2]) persistAll(step({ type: 'packet', conn, packet: pk(T.ACKEPOCH, 0x100000000n, int(1)) }));
  for (let i = 1; i <= token; i++) persistAll(step({ type: 'persisted', token: i }));
  for (const conn of [1, 2]) step({ type: 'packet', conn, packet: pk(T.ACK, 0x200000000n) });
  t.is(m.phase, 'broadcast');
  const r = reconfigTxn(0x200000001n, NO_3);
  persistAll(step({ type: 'propose', txn: r }));
  persistAll(step({ type: 'propose', txn: createTxn(0x200000002n, '/after') }));
  for (let i = 1; i <= token; i++) step({ type: 'persisted', token: i });
  // 2 acks the reconfig and the write after it; the reconfig commits once 1 acks it too.
  step({ type: 'packet', conn: 2, packet: pk(T.ACK, 0x200000001n) });
  step({ type: 'packet', conn: 2, packet: pk(T.ACK, 0x200000002n) });
  const out = step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000001n) });
  t.true(out.includes(`activateConfig ${JSON.stringify(NO_3)} leader 2 -`), out.join('\n'));
  t.true(out.includes('send 1 COMMITANDACTIVATE 0x200000001 0000000000000002'), out.join('\n'));
  // allowedToCommit is off: the write after it, acked by everyone now, stays uncommitted here.
  t.deepEqual(step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000002n) }), []);
});

test('a reconfig txn parses to its verifier; other txns are not reconfigs', (t) => {
  const p = proposedConfigOf(reconfigTxn(0x200000001n, NO_2));
  if (p === null || 'error' in p) return t.fail();
  t.deepEqual([...p.members.voters], [1n, 3n]);
  t.deepEqual([...p.members.observers], [4n]);
  t.is(p.members.version, 0x200000001n);
  t.is(proposedConfigOf(createTxn(0x200000002n, '/x')), null);
  t.true('error' in (proposedConfigOf(reconfigTxn(0x200000003n, 'server.1=bad')) ?? {}));
});
