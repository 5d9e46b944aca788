// The election's side of reconfiguration (FastLeaderElection and QuorumPeer at release-3.8.0-1):
// a notification carrying a newer config is not looked at further (the WorkerReceiver adopts the
// config and restarts the election: shuttingDownLE), a restarted election starts its logical clock
// afresh, the learner type is read anew (an observer made a participant decides FOLLOWING), and a
// peer that takes the role a reconfig named answers LOOKING peers with that vote.

import test from 'ava';
import { ElectionDriver, type ElectionClock, type ElectionLink } from '../../../src/quorum/election/runner';
import { encodeNotification } from '../../../src/quorum/election/notification';
import { majorityMembers } from '../../../src/quorum/types';
import { silentLogger } from '../../../src/util/logger';
import { decision, machine, note, sends } from '../election/harness';

const V3 = [1n, 2n, 3n];
const NEWER = 'server.1=127.0.0.1:1:2:participant\nserver.2=127.0.0.1:3:4:participant\nversion=5';

test('a notification with a newer config is only reported, not counted as a vote', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  // 3's vote would beat ours and make us re-broadcast; with the newer config it is dropped.
  const out = m.onNotification(3n, { ...note('LOOKING', 3n, 0n, 1n, 0n), config: NEWER }, 1);
  t.deepEqual(out, [{ type: 'newerConfig', from: 3n, version: 5n, config: NEWER }]);
  t.deepEqual(m.proposed.leader, 1n);
});

test('restart: a new round from logical clock 1 with our own vote', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  m.onNotification(3n, note('LOOKING', 3n, 0n, 4n, 0n), 1);
  t.is(m.logicalClock, 4n);
  t.is(m.proposed.leader, 3n);
  const out = m.restart(10);
  t.is(m.logicalClock, 1n);
  t.deepEqual(sends(out).map((s) => [s.to, s.leader, s.ee]), [[2n, 1n, 1n], [3n, 1n, 1n]]);
});

test('an observer made a participant by a reconfig decides FOLLOWING, and proposes itself', (t) => {
  const settled = (m: ReturnType<typeof machine>, ee: bigint, at: number): string | undefined => {
    m.onNotification(3n, note('LEADING', 3n, 0n, ee, 0n), at);
    // Three of four voters make a quorum once 4 votes: 1 must be heard too then (it adds nothing before).
    if (ee > 1n) m.onNotification(1n, note('FOLLOWING', 3n, 0n, ee, 0n), at);
    return decision(m.onNotification(2n, note('FOLLOWING', 3n, 0n, ee, 0n), at))?.state;
  };
  const m = machine(4n, V3, { observers: [4n] });
  m.start(0);
  t.is(settled(m, 1n, 1), 'OBSERVING');
  m.setPeerState('LOOKING');
  // The reconfig lists 4 as a voter (setMembers) and makes it a participant (setObserver).
  m.setObserver(false);
  m.setMembers(majorityMembers([1n, 2n, 3n, 4n], [], 6n), 'version=6');
  const out = m.start(100, { lastZxid: 0x100000003n, currentEpoch: 1n });
  t.deepEqual(sends(out).map((s) => [s.leader, s.zxid, s.pe]), [[4n, 0x100000003n, 1n], [4n, 0x100000003n, 1n], [4n, 0x100000003n, 1n]]);
  t.is(settled(m, 2n, 101), 'FOLLOWING');
});

test('assume: the role a reconfig named, answered to LOOKING peers with its vote', (t) => {
  const m = machine(1n, V3);
  m.start(0);
  m.assume('FOLLOWING', { id: 2n, zxid: 0x200000001n, electionEpoch: -1n, peerEpoch: -1n, state: 'LOOKING' });
  t.is(m.state, 'FOLLOWING');
  t.deepEqual(sends(m.onNotification(3n, note('LOOKING', 3n, 0n, 1n, 0n), 5)), [{ to: 3n, state: 'FOLLOWING', leader: 2n, zxid: 0x200000001n, ee: -1n, pe: -1n }]);
});

test('the driver restarts the running round when the adopted config changed the members', async (t) => {
  let handler: ((from: bigint, payload: Buffer) => void) | null = null;
  const sent: bigint[] = [];
  const link: ElectionLink = { send: (_to, p) => sent.push(p.readBigInt64BE(32)), connectAll: () => undefined, haveDelivered: () => true, onMessage: (h) => (handler = h) };
  const clock: ElectionClock = { nowMs: () => 0, at: () => () => undefined };
  const m = machine(1n, V3);
  let restart = true;
  const driver = new ElectionDriver({ machine: m, link, logger: silentLogger, clock, onNewerConfig: () => restart });
  const round = driver.lookForLeader();
  handler!(3n, encodeNotification({ state: 'LOOKING', leader: 3n, zxid: 0n, electionEpoch: 7n, peerEpoch: 0n, config: 'server.1=127.0.0.1:1:2:participant\nversion=5' }));
  t.is(m.logicalClock, 1n, 'the round began again');
  // Not restarted when the members are the same (only the version moved on).
  restart = false;
  m.onNotification(2n, note('LOOKING', 2n, 0n, 3n, 0n), 1);
  t.is(m.logicalClock, 3n);
  handler!(3n, encodeNotification({ state: 'LOOKING', leader: 3n, zxid: 0n, electionEpoch: 7n, peerEpoch: 0n, config: 'server.1=127.0.0.1:1:2:participant\nversion=6' }));
  t.is(m.logicalClock, 3n);
  driver.stop();
  await t.throwsAsync(round);
  t.true(sent.length > 0);
});
