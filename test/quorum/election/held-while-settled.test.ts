// The leader of {1,2,3} dies and both survivors notice. When the survivor that will win (2, the
// larger sid on equal histories) turns LOOKING first, its round-2 vote reaches 1 while 1 is still
// FOLLOWING. The reference answers it with 1's settled vote and drops it; 1 then proposes itself,
// 2 ignores that (it does not beat 2), and the round only moves on once one side's notification
// timer re-sends (the 600-750 ms elections of the leader-kill bench). Here the vote is also kept,
// so 1's next round reads it like a message delayed by a few milliseconds.

import test from 'ava';
import type { FleMachine } from '../../../src/quorum/election/fle-machine';
import { decision, machine, note, sends, timer } from './harness';

const V3 = [1n, 2n, 3n];

/** Server 1 following 3 after round 1 (equal, empty histories). */
function followingThree(): FleMachine {
  const m = machine(1n, V3);
  m.start(0);
  m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 1);
  const d = decision(m.onTimer(201));
  if (d?.state !== 'FOLLOWING' || d.vote.id !== 3n) throw new Error('setup: server 1 should follow 3');
  return m;
}

test('a newer-round vote received while FOLLOWING is answered as the reference does and read by the next round', (t) => {
  const m = followingThree();
  // Server 2 lost the leader first and proposes itself in round 2: we still follow 3 (round 1).
  const answer = m.onNotification(2n, note('LOOKING', 2n, 0n, 2n, 0n), 1000);
  t.deepEqual(sends(answer), [{ to: 2n, state: 'FOLLOWING', leader: 3n, zxid: 0n, ee: 1n, pe: 0n }]);
  t.is(m.state, 'FOLLOWING');

  // We notice the loss 3 ms later. Round 2 opens with our own vote, then 2's held vote beats it
  // (same zxid and epoch, larger sid): we re-broadcast 2, and {1 (loopback), 2} agree on 2.
  m.setPeerState('LOOKING');
  const o = m.start(1003);
  t.is(m.logicalClock, 2n);
  t.deepEqual(sends(o).map((s) => [s.to, s.leader, s.ee]), [[2n, 1n, 2n], [3n, 1n, 2n], [2n, 2n, 2n], [3n, 2n, 2n]]);
  t.true(m.isFinalizing, 'finalizeWait starts at once instead of after a notification timeout');
  t.is(timer(o), 1203);
  t.deepEqual(decision(m.onTimer(1203))?.vote, { id: 2n, zxid: 0n, electionEpoch: 2n, peerEpoch: 0n, state: 'FOLLOWING' });
});

test('without a held vote the round waits (the behaviour the held vote removes)', (t) => {
  const m = followingThree();
  m.setPeerState('LOOKING');
  const o = m.start(1003);
  t.deepEqual(sends(o).map((s) => s.leader), [1n, 1n]);
  // 2 re-sends its round-2 vote only now; the reference's rules then switch us as usual.
  t.false(m.isFinalizing);
  t.true(m.onNotification(2n, note('LOOKING', 2n, 0n, 2n, 0n), 1203).some((x) => x.type === 'send'));
  t.true(m.isFinalizing);
});

test('held votes older than one notification interval, or not from a newer round, are not used', (t) => {
  const stale = followingThree();
  stale.onNotification(2n, note('LOOKING', 2n, 0n, 2n, 0n), 1000);
  stale.setPeerState('LOOKING');
  // 201 ms later: 2 would have re-sent by now if it still looked; the old copy is dropped.
  t.deepEqual(sends(stale.start(1201)).map((s) => s.leader), [1n, 1n]);
  t.false(stale.isFinalizing);

  const sameRound = followingThree();
  // A LOOKING vote of our own (already decided) round is only answered, never kept.
  sameRound.onNotification(2n, note('LOOKING', 2n, 0n, 1n, 0n), 1000);
  sameRound.setPeerState('LOOKING');
  t.deepEqual(sends(sameRound.start(1001)).map((s) => s.leader), [1n, 1n]);
  t.false(sameRound.isFinalizing);
});

test('a held vote is used by one round only', (t) => {
  const m = followingThree();
  m.onNotification(2n, note('LOOKING', 2n, 0n, 2n, 0n), 1000);
  m.setPeerState('LOOKING');
  m.start(1003);
  t.is(decision(m.onTimer(1203))?.vote.id, 2n);
  // 2 fails at once and we look again within the interval: nothing from round 2 is replayed.
  m.setPeerState('LOOKING');
  const o = m.start(1204);
  t.is(m.logicalClock, 3n);
  t.deepEqual(sends(o).map((s) => s.leader), [1n, 1n]);
  t.false(m.isFinalizing);
});

test('the newest vote per peer is kept while settled', (t) => {
  const m = followingThree();
  // 3 proposes 3 in round 2 and then changes its mind to 2 (a later message on the same channel).
  m.onNotification(3n, note('LOOKING', 3n, 0n, 2n, 0n), 1000);
  m.onNotification(3n, note('LOOKING', 2n, 0n, 2n, 0n), 1001);
  m.setPeerState('LOOKING');
  const o = m.start(1002);
  // Only the later vote (for 2) is read: we adopt 2, and {1, 3} agree on it.
  t.deepEqual(sends(o).map((s) => s.leader), [1n, 1n, 2n, 2n]);
  t.true(m.isFinalizing);
  t.is(m.proposed.leader, 2n);
});
