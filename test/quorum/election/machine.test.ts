// Scripted FastLeaderElection scenarios: each expected output is worked out from the rules of
// FastLeaderElection.lookForLeader (REFERENCE.md §5.3), step by step in the comments.

import test from 'ava';
import { answerWhileNotLooking } from '../../../src/quorum/election/fle-machine';
import { LONG_MIN } from '../../../src/quorum/types';
import { decision, machine, note, sends, timer } from './harness';

const V3 = [1n, 2n, 3n];
const V5 = [1n, 2n, 3n, 4n, 5n];

test('3 voters, equal histories: node 1 adopts the larger sid, waits finalizeWait, follows', (t) => {
  const m = machine(1n, V3);
  const start = m.start(0);
  t.deepEqual(sends(start), [
    { to: 2n, state: 'LOOKING', leader: 1n, zxid: 0n, ee: 1n, pe: 0n },
    { to: 3n, state: 'LOOKING', leader: 1n, zxid: 0n, ee: 1n, pe: 0n },
  ]);
  t.is(timer(start), 200);
  t.is(m.logicalClock, 1n);
  // 3 beats 1 on sid: re-broadcast; our own loopback copy then makes {1,3} a quorum for 3.
  const o = m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 10);
  t.deepEqual(sends(o).map((s) => [s.to, s.leader, s.ee]), [[2n, 3n, 1n], [3n, 3n, 1n]]);
  t.true(m.isFinalizing);
  t.is(timer(o), 210);
  t.deepEqual(m.onTimer(209), [{ type: 'setTimer', atMs: 210 }], 'a timer before the deadline only re-arms it');
  const d = m.onTimer(210);
  t.deepEqual(decision(d), { type: 'decided', state: 'FOLLOWING', vote: { id: 3n, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, state: 'FOLLOWING' } });
  t.is(timer(d), 'cleared');
  t.is(m.state, 'FOLLOWING');
});

test('the largest sid leads once a second voter agrees', (t) => {
  const m = machine(3n, V3);
  m.start(0);
  // 1 proposing itself does not beat 3 and is no quorum for 3.
  t.deepEqual(sends(m.onNotification(1n, note('LOOKING', 1n, 0n, 1n, 0n), 5)), []);
  t.false(m.isFinalizing);
  m.onNotification(2n, note('LOOKING', 3n, 0n, 1n, 0n), 20);
  t.true(m.isFinalizing);
  t.deepEqual(decision(m.onTimer(220))?.state, 'LEADING');
  t.deepEqual(m.currentVote, { id: 3n, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, state: 'LOOKING' });
});

test('vote order: peerEpoch before zxid before sid', (t) => {
  // Node 2 has the larger zxid but an older epoch: node 1's epoch-2 history wins.
  const a = machine(2n, V3, { lastZxid: 0x1000000ffn, currentEpoch: 1n });
  a.start(0);
  t.deepEqual(sends(a.onNotification(1n, note('LOOKING', 1n, 0x200000001n, 1n, 2n), 1)).map((s) => s.leader), [1n, 1n]);
  t.deepEqual(a.proposed, { leader: 1n, zxid: 0x200000001n, peerEpoch: 2n });
  // Same epoch: the larger zxid beats the larger sid.
  const b = machine(3n, V3, { lastZxid: 5n });
  b.start(0);
  t.deepEqual(sends(b.onNotification(1n, note('LOOKING', 1n, 9n, 1n, 0n), 1)).map((s) => s.leader), [1n, 1n]);
  // And a smaller zxid from a larger sid does not.
  const c = machine(1n, V3, { lastZxid: 9n });
  c.start(0);
  t.deepEqual(sends(c.onNotification(3n, note('LOOKING', 3n, 5n, 1n, 0n), 1)), []);
  t.deepEqual(c.proposed, { leader: 1n, zxid: 9n, peerEpoch: 0n });
});

test('a newer round is joined (clock adopted, votes cleared); an older one is answered, not counted', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  const o = m.onNotification(2n, note('LOOKING', 2n, 0n, 3n, 0n), 5);
  t.is(m.logicalClock, 3n);
  t.deepEqual(sends(o).map((s) => [s.to, s.leader, s.ee]), [[2n, 2n, 3n], [3n, 2n, 3n]]);
  t.true(m.isFinalizing, '{1 (loopback), 2} agree on 2 in round 3');
  // Node 3 is still in round 1: it gets our round-3 vote back and its (better) vote is not adopted.
  const stale = m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 50);
  t.deepEqual(sends(stale), [{ to: 3n, state: 'LOOKING', leader: 2n, zxid: 0n, ee: 3n, pe: 0n }]);
  t.deepEqual(m.proposed.leader, 2n);
});

test('finalizeWait: a better vote interrupts it, a worse one only extends it', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  m.onNotification(2n, note('LOOKING', 2n, 0n, 1n, 0n), 10);
  t.true(m.isFinalizing);
  // A worse vote (1 proposing itself again) is consumed: no sends, deadline moves to 100+200.
  const worse = m.onNotification(2n, note('LOOKING', 1n, 0n, 1n, 0n), 100);
  t.deepEqual(sends(worse), []);
  t.is(timer(worse), 300);
  t.deepEqual(m.onTimer(210), [{ type: 'setTimer', atMs: 300 }], 'the old deadline is gone');
  // 3 beats 2: leave finalizing, adopt, broadcast; {1,3} then agree on 3 and the wait restarts.
  const better = m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 250);
  t.deepEqual(sends(better).map((s) => s.leader), [3n, 3n]);
  t.is(timer(better), 450);
  t.deepEqual(m.onTimer(300), [{ type: 'setTimer', atMs: 450 }]);
  t.deepEqual(decision(m.onTimer(450))?.vote.id, 3n);
});

test('5 voters need 3 agreeing votes', (t) => {
  const m = machine(1n, V5);
  m.start(0);
  m.onNotification(5n, note('LOOKING', 5n, 0n, 1n, 0n), 1);
  t.false(m.isFinalizing, '{1,5} is 2 of 5');
  m.onNotification(2n, note('LOOKING', 2n, 0n, 1n, 0n), 2);
  t.false(m.isFinalizing, "2's vote for itself does not count for 5");
  m.onNotification(4n, note('LOOKING', 5n, 0n, 1n, 0n), 3);
  t.true(m.isFinalizing);
  t.is(decision(m.onTimer(203))?.vote.id, 5n);
});

test('an established ensemble is joined through outofelection once the leader says LEADING', (t) => {
  const m = machine(1n, V5);
  m.start(0);
  // Round 4 of the others, leader 2 at epoch 1: three FOLLOWING votes are a quorum but 2 itself is unheard.
  for (const sid of [3n, 4n, 5n]) t.is(decision(m.onNotification(sid, note('FOLLOWING', 2n, 0x100000000n, 4n, 1n), 10)), undefined);
  const d = m.onNotification(2n, note('LEADING', 2n, 0x100000000n, 4n, 1n), 20);
  t.deepEqual(decision(d)?.vote, { id: 2n, zxid: 0x100000000n, electionEpoch: 4n, peerEpoch: 1n, state: 'FOLLOWING' });
  t.is(m.logicalClock, 4n, 'the clock jumps to the ensemble round');
});

test('FOLLOWING/LEADING in our own round decide through recvset, and only if the leader confirmed', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  t.is(decision(m.onNotification(3n, note('FOLLOWING', 2n, 0n, 1n, 1n), 10)), undefined);
  const d = m.onNotification(2n, note('LEADING', 2n, 0n, 1n, 1n), 11);
  t.is(decision(d)?.state, 'FOLLOWING');
  t.is(decision(d)?.vote.electionEpoch, 1n);
});

test('votes for ourselves by settled peers make us lead only with a matching clock', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  // Peers say they follow 1 in round 7; checkLeader for ourselves wants logicalclock == 7.
  t.is(decision(m.onNotification(2n, note('FOLLOWING', 1n, 0n, 7n, 0n), 1)), undefined);
  t.is(decision(m.onNotification(3n, note('FOLLOWING', 1n, 0n, 7n, 0n), 2)), undefined);
  t.is(m.logicalClock, 1n);
});

test('notification timeout: re-send, doubling from 200 ms up to the 60 s cap; reconnect when undelivered', (t) => {
  const m = machine(1n, V3);
  let now = 0;
  let next = timer(m.start(now)) as number;
  const intervals: number[] = [];
  for (let i = 0; i < 12; i++) {
    now = next;
    const o = m.onTimer(now, true);
    t.deepEqual(sends(o).map((s) => [s.to, s.leader, s.ee]), [[2n, 1n, 1n], [3n, 1n, 1n]]);
    next = timer(o) as number;
    intervals.push(next - now);
  }
  t.deepEqual(intervals, [400, 800, 1600, 3200, 6400, 12800, 25600, 51200, 60000, 60000, 60000, 60000]);
  const r = m.onTimer(next, false);
  t.deepEqual(r.filter((o) => o.type === 'reconnectAll').length, 1);
  t.deepEqual(sends(r), []);
  // Custom bounds.
  const c = machine(1n, V3, { minNotificationIntervalMs: 50, maxNotificationIntervalMs: 120 });
  const t0 = timer(c.start(0)) as number;
  const t1 = timer(c.onTimer(t0)) as number;
  const t2 = timer(c.onTimer(t1)) as number;
  t.deepEqual([t0, t1 - t0, t2 - t1], [50, 100, 120]);
});

test('a notification restarts the poll wait at the current interval', (t) => {
  const m = machine(1n, V3);
  const t0 = timer(m.start(0)) as number;
  const t1 = timer(m.onTimer(t0)) as number; // interval now 400
  // Even a notification the round ignores (an OBSERVING one) ends the poll, which then restarts.
  t.is(timer(m.onNotification(2n, note('OBSERVING', 1n, 0n, 1n, 0n), t1 - 100)), t1 - 100 + 400);
});

test('observers: own vote uses Long.MIN_VALUE, voters answer at once, observers end OBSERVING', (t) => {
  const obs = machine(4n, V3, { observers: [4n] });
  const start = obs.start(0);
  t.deepEqual(sends(start), [1n, 2n, 3n].map((to) => ({ to, state: 'LOOKING', leader: LONG_MIN, zxid: LONG_MIN, ee: 1n, pe: LONG_MIN })));
  const voter = machine(1n, V3, { observers: [4n] });
  voter.start(0);
  // A non-voter gets the voter's current vote (its initial self vote) with the voter's clock and state.
  t.deepEqual(sends(voter.onNotification(4n, note('LOOKING', LONG_MIN, LONG_MIN, 1n, LONG_MIN), 1)), [{ to: 4n, state: 'LOOKING', leader: 1n, zxid: 0n, ee: 1n, pe: 0n }]);
  t.false(voter.isFinalizing);
  // The observer adopts voters' proposal; two voters agreeing is a quorum of the 3 voters.
  obs.onNotification(1n, note('LOOKING', 3n, 0n, 1n, 0n), 10);
  obs.onNotification(2n, note('LOOKING', 3n, 0n, 1n, 0n), 11);
  t.true(obs.isFinalizing);
  t.deepEqual(decision(obs.onTimer(211))?.state, 'OBSERVING');
  // And through an established ensemble.
  const late = machine(4n, V3, { observers: [4n] });
  late.start(0);
  late.onNotification(1n, note('FOLLOWING', 3n, 0n, 2n, 1n), 1);
  t.is(decision(late.onNotification(3n, note('LEADING', 3n, 0n, 2n, 1n), 2))?.state, 'OBSERVING');
});

test('a vote for a non-voter (weight 0) never wins and is ignored', (t) => {
  const m = machine(1n, V3, { observers: [4n] });
  m.start(0);
  t.deepEqual(sends(m.onNotification(2n, note('LOOKING', 4n, 999n, 1n, 9n), 1)), []);
  t.deepEqual(m.proposed, { leader: 1n, zxid: 0n, peerEpoch: 0n });
  // Nor does it interrupt finalizeWait.
  m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 2);
  t.true(m.isFinalizing);
  t.deepEqual(sends(m.onNotification(2n, note('LOOKING', 4n, 999n, 1n, 9n), 3)), []);
  t.true(m.isFinalizing);
});

test('messages from outside the config are answered and otherwise ignored', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  t.deepEqual(sends(m.onNotification(9n, note('LOOKING', 9n, 50n, 5n, 5n), 1)), [{ to: 9n, state: 'LOOKING', leader: 1n, zxid: 0n, ee: 1n, pe: 0n }]);
  t.is(m.logicalClock, 1n);
});

test('zxid -1 (own or theirs) takes no part in LOOKING exchanges', (t) => {
  const mine = machine(1n, V3, { lastZxid: -1n });
  mine.start(0);
  t.deepEqual(sends(mine.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 1)), []);
  const theirs = machine(1n, V3);
  theirs.start(0);
  t.deepEqual(sends(theirs.onNotification(3n, note('LOOKING', 3n, -1n, 1n, 0n), 1)), []);
  t.false(theirs.isFinalizing);
});

test('after the decision: LOOKING peers get our settled vote, settled peers get nothing', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 1);
  m.onTimer(201);
  t.deepEqual(sends(m.onNotification(2n, note('LOOKING', 2n, 0n, 1n, 0n), 300)), [{ to: 2n, state: 'FOLLOWING', leader: 3n, zxid: 0n, ee: 1n, pe: 0n }]);
  t.deepEqual(sends(m.onNotification(2n, note('FOLLOWING', 3n, 0n, 1n, 0n), 301)), []);
  m.updateElectionVote(1n);
  t.deepEqual(sends(m.onNotification(2n, note('LOOKING', 2n, 0n, 2n, 0n), 302))[0]?.pe, 1n);
  // The same rule as a function, for a runtime that keeps its own vote.
  const a = answerWhileNotLooking('LEADING', { id: 2n, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, state: 'LOOKING' }, 'c', 7n, 'LOOKING');
  t.deepEqual(a, { type: 'send', to: 7n, n: { state: 'LEADING', leader: 2n, zxid: 0n, electionEpoch: 1n, peerEpoch: 1n, config: 'c' } });
  t.is(answerWhileNotLooking('LEADING', m.currentVote, 'c', 7n, 'FOLLOWING'), null);
});

test('notifications received while LOOKING before start() are processed by the round', (t) => {
  const m = machine(1n, V3);
  t.deepEqual(m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 0), []);
  const o = m.start(5);
  t.deepEqual(sends(o).map((s) => s.leader), [1n, 1n, 3n, 3n]);
  t.true(m.isFinalizing);
});

test('a second round after going back to LOOKING uses the new history and a fresh vote set', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 1);
  m.onTimer(201);
  m.setPeerState('LOOKING');
  const o = m.start(1000, { lastZxid: 0x100000005n, currentEpoch: 1n });
  t.is(m.logicalClock, 2n);
  t.deepEqual(sends(o)[0], { to: 2n, state: 'LOOKING', leader: 1n, zxid: 0x100000005n, ee: 2n, pe: 1n });
  t.false(m.isFinalizing, 'round-1 votes are not carried over');
});

test('a newer config version in a notification is reported while LOOKING', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  const n = { ...note('LOOKING', 1n, 0n, 1n, 0n), config: 'server.1=127.0.0.1:1:2:participant\nversion=5' };
  t.deepEqual(m.onNotification(2n, n, 1).filter((o) => o.type === 'newerConfig'), [{ type: 'newerConfig', from: 2n, version: 5n, config: n.config }]);
  t.deepEqual(m.onNotification(2n, note('LOOKING', 1n, 0n, 1n, 0n), 2).filter((o) => o.type === 'newerConfig'), []);
});

test('bad options are refused', (t) => {
  t.throws(() => machine(1n, V3, { finalizeWaitMs: 0 }), { instanceOf: RangeError });
  t.throws(() => machine(1n, V3, { maxNotificationIntervalMs: -5 }), { instanceOf: RangeError });
});
