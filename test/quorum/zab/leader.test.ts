// Scripted scenarios for the leader machine. Expected transcripts follow Leader.lead and
// LearnerHandler.run (release-3.8.0-1); deviations are the ones listed at the top of leader.ts.

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { majorityMembers } from '../../../src/quorum/types';
import { ZabLeader } from '../../../src/quorum/zab/leader';
import type { LeaderInput, LeaderOptions } from '../../../src/quorum/zab/leader-types';
import { PacketType } from '../../../src/quorum/zab/packets';
import { encodeLearnerInfo, encodeSessionTouches } from '../../../src/quorum/zab/payloads';
import { transcript } from './support/render';
import { createRun, createTxn } from './support/txns';

const T = PacketType;
const e1 = createRun(1n, 1n, 5);
const config = Buffer.from('server.1=127.0.0.1:2888:3888:participant\nversion=200000000');

const base: LeaderOptions = {
  sid: 3n,
  members: majorityMembers([1n, 2n, 3n], [4n]),
  acceptedEpoch: 1n,
  currentEpoch: 1n,
  lastProcessedZxid: 0x100000005n,
  committedLog: e1,
  tickTimeMs: 2000,
  initLimit: 10,
  syncLimit: 5,
  newLeaderConfig: () => config,
  nowMs: 0,
};

const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
const int = (v: number): Buffer => Buffer.from([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
const info = (sid: bigint, acceptedEpoch: bigint, observer = false, configVersion = 0n): QuorumPacket =>
  pk(observer ? T.OBSERVERINFO : T.FOLLOWERINFO, acceptedEpoch << 32n, encodeLearnerInfo(sid, configVersion));

type NoNow<T> = T extends unknown ? Omit<T, 'nowMs'> & { nowMs?: number } : never;

class Script {
  readonly m: ZabLeader;
  now = 0;
  constructor(o: Partial<LeaderOptions> = {}) {
    this.m = new ZabLeader({ ...base, ...o });
  }
  start(): string[] {
    return transcript(this.m.start());
  }
  in(input: NoNow<LeaderInput>, withLogs = false): string[] {
    if (input.nowMs !== undefined) this.now = input.nowMs;
    return transcript(this.m.step({ ...input, nowMs: this.now } as LeaderInput), withLogs);
  }
  packet(conn: number, p: QuorumPacket, withLogs = false): string[] {
    return this.in({ type: 'packet', conn, packet: p }, withLogs);
  }
  persisted(token: number): string[] {
    return this.in({ type: 'persisted', token });
  }
  tick(nowMs: number): string[] {
    return this.in({ type: 'tick', nowMs });
  }
}

/** Leader 3 with follower 1 on connection 1, serving in epoch 2 at t=100. */
function serving(o: Partial<LeaderOptions> = {}): Script {
  const s = new Script(o);
  s.start();
  s.in({ type: 'connected', conn: 1 });
  s.packet(1, info(1n, 1n));
  s.persisted(1);
  s.packet(1, pk(T.ACKEPOCH, 0x100000005n, int(1)));
  s.persisted(2);
  s.in({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000000n), nowMs: 100 });
  return s;
}

test('discovery and DIFF sync of one follower, then serving', (t) => {
  const s = new Script();
  // The leader alone is not a quorum of {1,2,3}: it waits for learners.
  t.deepEqual(s.start(), []);
  t.is(s.m.phase, 'epoch');
  t.deepEqual(s.in({ type: 'connected', conn: 1, nowMs: 10 }), []);
  // Follower 1 (acceptedEpoch 1) makes a quorum: newEpoch = max(1, 1) + 1, written before LEADERINFO.
  t.deepEqual(s.packet(1, info(1n, 1n)), ['learnerIdentified 1 sid 1', 'persistEpoch accepted 2 #1']);
  t.is(s.m.epoch, 2n);
  t.deepEqual(s.persisted(1), ['send 1 LEADERINFO 0x200000000 00010000']);
  // ACKEPOCH(currentEpoch 1, lastZxid 0x100000003): a quorum with the leader -> write currentEpoch.
  t.deepEqual(s.packet(1, pk(T.ACKEPOCH, 0x100000003n, int(1))), ['persistEpoch current 2 #2']);
  // Then the sync: DIFF(maxCommittedLog), the missing PROPOSAL/COMMIT pairs, NEWLEADER with the config.
  t.deepEqual(s.persisted(2), [
    'syncPlanned 1 DIFF 0x100000005 2 (committed-log)',
    'send 1 DIFF 0x100000005 -',
    'send 1 PROPOSAL 0x100000004 <88 bytes>',
    'send 1 COMMIT 0x100000004 -',
    'send 1 PROPOSAL 0x100000005 <88 bytes>',
    'send 1 COMMIT 0x100000005 -',
    `send 1 NEWLEADER 0x200000000 <${config.length} bytes>`,
  ]);
  // NEWLEADER ACK from a voter: with the leader that is a quorum -> serve, UPTODATE.
  t.deepEqual(s.packet(1, pk(T.ACK, 0x200000000n)), ['serve epoch 2 0x200000000', 'send 1 UPTODATE -1 -']);
  t.is(s.m.lastProcessedZxid, 0x200000000n);
  // The ACK of UPTODATE carries a new-epoch zxid and is ignored.
  t.deepEqual(s.packet(1, pk(T.ACK, 0x200000000n)), []);
});

test('broadcast: propose, own ACK after fsync, commit in order, COMMIT to followers and INFORM to observers', (t) => {
  const s = serving();
  // An observer joins after the leader serves: LEADERINFO right away, and it is synced too.
  s.in({ type: 'connected', conn: 4 });
  t.deepEqual(s.packet(4, info(4n, 2n, true)), ['learnerIdentified 4 sid 4 observer', 'send 4 LEADERINFO 0x200000000 00010000']);
  const p1 = createTxn(0x200000001n, '/a');
  const p2 = createTxn(0x200000002n, '/b');
  t.deepEqual(s.in({ type: 'propose', txn: p1 }), ['send 1 PROPOSAL 0x200000001 <85 bytes>', 'persistTxns #3 [0x200000001]']);
  // The observer (epoch already accepted: -1) syncs; outstanding proposals are not sent to observers.
  t.deepEqual(s.packet(4, pk(T.ACKEPOCH, 0x200000000n, int(-1))), [
    'syncPlanned 4 DIFF 0x200000000 0 (in-sync)',
    'send 4 DIFF 0x200000000 -',
    `send 4 NEWLEADER 0x200000000 <${config.length} bytes>`,
  ]);
  t.deepEqual(s.packet(4, pk(T.ACK, 0x200000000n)), ['send 4 UPTODATE -1 -']);
  t.deepEqual(s.in({ type: 'propose', txn: p2 }), ['send 1 PROPOSAL 0x200000002 <85 bytes>', 'persistTxns #4 [0x200000002]']);
  // Follower acks both; the leader has not fsynced yet: 1 of 3 voters is no quorum.
  t.deepEqual(s.packet(1, pk(T.ACK, p1.zxid)), []);
  t.deepEqual(s.packet(1, pk(T.ACK, p2.zxid)), []);
  // An observer's ACK never counts.
  t.deepEqual(s.packet(4, pk(T.ACK, p2.zxid)), []);
  // The leader's fsync of p2 completes first: p2 has a quorum but p1 is still open, so nothing commits.
  t.deepEqual(s.persisted(4), []);
  t.deepEqual(s.persisted(3), [
    'send 1 COMMIT 0x200000001 -',
    'send 4 INFORM 0x200000001 <85 bytes>',
    'apply 0x200000001',
    'send 1 COMMIT 0x200000002 -',
    'send 4 INFORM 0x200000002 <85 bytes>',
    'apply 0x200000002',
  ]);
  t.is(s.m.lastCommitted, 0x200000002n);
  t.is(s.m.committedLog.last()?.zxid, 0x200000002n);
  // Late and unknown acks.
  t.deepEqual(s.packet(1, pk(T.ACK, p1.zxid), true), []);
  const p3 = createTxn(0x200000003n, '/c');
  s.in({ type: 'propose', txn: p3 });
  t.deepEqual(s.packet(1, pk(T.ACK, 0x200000007n), true), ['log warn: Trying to commit future proposal: zxid 0x200000007 from sid 1']);
});

test('a follower that connects while txns are outstanding gets them after its sync', (t) => {
  const s = serving();
  const p1 = createTxn(0x200000001n, '/a');
  s.in({ type: 'propose', txn: p1 });
  s.in({ type: 'connected', conn: 2 });
  t.deepEqual(s.packet(2, info(2n, 1n)), ['learnerIdentified 2 sid 2', 'send 2 LEADERINFO 0x200000000 00010000']);
  t.deepEqual(s.packet(2, pk(T.ACKEPOCH, 0x100000005n, int(1))), [
    'syncPlanned 2 DIFF 0x100000005 0 (committed-log)',
    'send 2 DIFF 0x100000005 -',
    'send 2 PROPOSAL 0x200000001 <85 bytes>',
    `send 2 NEWLEADER 0x200000000 <${config.length} bytes>`,
  ]);
  // Its ACK of the outstanding proposal (after NEWLEADER/UPTODATE) counts toward the commit.
  s.packet(2, pk(T.ACK, 0x200000000n));
  t.deepEqual(s.packet(2, pk(T.ACK, p1.zxid)), []);
  t.deepEqual(s.persisted(3), ['send 1 COMMIT 0x200000001 -', 'send 2 COMMIT 0x200000001 -', 'apply 0x200000001']);
});

test('requests, pings, revalidation and syncs from learners', (t) => {
  const s = serving();
  const req = Buffer.from('00000000000000550000000700000009' + '2f61', 'hex');
  t.deepEqual(s.packet(1, { type: T.REQUEST, zxid: -1n, data: req, authinfo: [{ scheme: 'ip', id: '127.0.0.1' }] }), [
    'learnerRequest 1 sid 1 session 0x55 cxid 7 op 9 body 2f61',
  ]);
  t.deepEqual(s.packet(1, pk(T.PING, 0x200000000n, encodeSessionTouches([{ sessionId: 0x55n, timeoutMs: 30000 }]))), ['touchSessions sid 1 [0x55:30000]']);
  t.deepEqual(s.packet(1, pk(T.REVALIDATE, -1n, Buffer.from('000000000000007700001770', 'hex'))), ['revalidateSession 1 sid 1 0x77 6000']);
  t.deepEqual(s.in({ type: 'sessionRevalidated', conn: 1, sessionId: 0x77n, valid: false }), ['send 1 REVALIDATE -1 000000000000007700']);
  // sync with nothing outstanding: answered at once; otherwise after the last proposal commits.
  t.deepEqual(s.in({ type: 'learnerSync', conn: 1 }), ['send 1 SYNC 0x0 -']);
  const p1 = createTxn(0x200000001n, '/a');
  s.in({ type: 'propose', txn: p1 });
  t.deepEqual(s.in({ type: 'learnerSync', conn: 1 }), []);
  s.packet(1, pk(T.ACK, p1.zxid));
  t.deepEqual(s.persisted(3), ['send 1 COMMIT 0x200000001 -', 'apply 0x200000001', 'send 1 SYNC 0x0 -']);
  // A malformed payload drops that learner, never the leader.
  t.deepEqual(s.packet(1, pk(T.PING, 0x200000000n, Buffer.from('0102', 'hex'))), [
    'close 1: bad PING payload: PING session table of 2 bytes is not a whole number of 12-byte entries',
  ]);
});

test('learners are refused: wrong first packet, newer config, ahead of the leader, pre-1.0 protocol, duplicate sid', (t) => {
  const s = new Script();
  s.start();
  s.in({ type: 'connected', conn: 1 });
  t.deepEqual(s.packet(1, pk(T.ACK, 0n)), ['close 1: first packet ACK 0 is not FOLLOWERINFO or OBSERVERINFO']);
  s.in({ type: 'connected', conn: 2 });
  t.deepEqual(s.packet(2, info(2n, 1n, false, 0x500000000n)), ['close 2: Follower is ahead of the leader (has a later activated configuration)']);
  s.in({ type: 'connected', conn: 3 });
  t.deepEqual(s.packet(3, pk(T.FOLLOWERINFO, 0x100000000n, Buffer.from('0000000000000001', 'hex'))), [
    'close 3: protocol version 0x1 (before Zab 1.0) is not supported',
  ]);
  s.in({ type: 'connected', conn: 4 });
  s.packet(4, info(1n, 1n));
  s.persisted(1);
  // Its history is newer than the leader's (1, 0x100000005): dropped, and the epoch is not acked.
  t.deepEqual(s.packet(4, pk(T.ACKEPOCH, 0x100000009n, int(1))), [
    'close 4: Follower is ahead of the leader, leader summary: 1 (current epoch), 4294967301 (last zxid)',
  ]);
  t.is(s.m.phase, 'epochAck');
  s.in({ type: 'connected', conn: 5 });
  s.packet(5, info(2n, 1n));
  s.in({ type: 'connected', conn: 6 });
  t.deepEqual(s.packet(6, info(2n, 1n)), ['close 5: sid 2 connected again', 'learnerIdentified 6 sid 2', 'send 6 LEADERINFO 0x200000000 00010000']);
});

test('the epoch is the largest accepted epoch + 1; observers do not count toward the quorum', (t) => {
  const s = new Script({ acceptedEpoch: 3n, currentEpoch: 3n });
  t.deepEqual(s.start(), []);
  s.in({ type: 'connected', conn: 4 });
  t.deepEqual(s.packet(4, info(4n, 7n, true)), ['learnerIdentified 4 sid 4 observer']);
  t.is(s.m.epoch, 8n);
  s.in({ type: 'connected', conn: 1 });
  t.deepEqual(s.packet(1, info(1n, 5n)), ['learnerIdentified 1 sid 1', 'persistEpoch accepted 8 #1']);
  t.deepEqual(s.persisted(1), ['send 4 LEADERINFO 0x800000000 00010000', 'send 1 LEADERINFO 0x800000000 00010000']);
});

test('discovery timeouts: no quorum within initLimit ticks -> abdicate', (t) => {
  const s = new Script();
  s.start();
  t.is(s.m.nextWakeMs(), 20000);
  t.deepEqual(s.tick(19999), []);
  t.deepEqual(s.tick(20000), ['abdicate: Timeout while waiting for epoch from quorum']);
  t.is(s.m.phase, 'stopped');
  t.deepEqual(s.in({ type: 'connected', conn: 9 }), []);

  const s2 = new Script();
  s2.start();
  s2.in({ type: 'connected', conn: 1, nowMs: 1000 });
  s2.packet(1, info(1n, 1n));
  s2.in({ type: 'persisted', token: 1, nowMs: 2000 });
  // The follower never sends ACKEPOCH: the leader's own wait (initLimit from its acceptedEpoch
  // write) ends at the same moment as the handler's read, and shuts everything down.
  t.is(s2.m.nextWakeMs(), 22000);
  t.deepEqual(s2.tick(21999), []);
  t.deepEqual(s2.tick(22000), ['close 1: leader shutting down', 'abdicate: Timeout while waiting for epoch to be acked by quorum']);
});

test('NEWLEADER quorum timeout names the sids that acked', (t) => {
  const s = new Script();
  s.start();
  s.in({ type: 'connected', conn: 1 });
  s.packet(1, info(1n, 1n));
  s.persisted(1);
  s.packet(1, pk(T.ACKEPOCH, 0x100000005n, int(1)));
  s.in({ type: 'persisted', token: 2, nowMs: 500 });
  t.is(s.m.phase, 'newLeaderAck');
  t.deepEqual(s.tick(20500), ['close 1: leader shutting down', 'abdicate: Waiting for a quorum of followers, only synced with sids: [ 3 ]']);
});

test('liveness: pings every half tick, abdication when the quorum stops answering', (t) => {
  const s = serving();
  // Serving since t=100: half ticks at 1100, 2100, ...; the first one only pings.
  t.is(s.m.nextWakeMs(), 1100);
  t.deepEqual(s.tick(1100), ['send 1 PING 0x200000000 -']);
  t.deepEqual(s.tick(2100), ['send 1 PING 0x200000000 -']);
  t.is(s.m.tick, 1);
  // The follower answers once, at t=2100 (tick 1): synced until tick 1 + syncLimit = 6, and its
  // read deadline is 2100 + syncLimit * tickTime = 12100.
  s.packet(1, pk(T.PING, 0x200000000n, Buffer.alloc(0)));
  // Pings at 3100 .. 12100; at 12100 (tick 6) it still counts, then its read times out; at 14100
  // (tick 7) the leader alone is no quorum.
  const out = s.tick(14100);
  t.deepEqual(out, [
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'send 1 PING 0x200000000 -',
    'close 1: no packet from sid 1 for 10000 ms (read timed out)',
    'abdicate: Not sufficient followers synced, only synced with sids: [ 3 ]',
  ]);
});

test('a proposal not acked within syncLimit ticks drops that follower at a ping', (t) => {
  const s = serving();
  const p1 = createTxn(0x200000001n, '/a');
  s.in({ type: 'propose', txn: p1, nowMs: 200 });
  // The follower keeps pinging (alive) but never acks p1: at the first ping >= 200 + 10000 it is dropped.
  for (let at = 1100; at < 10100; at += 1000) {
    s.tick(at);
    s.packet(1, pk(T.PING, 0x200000001n, Buffer.alloc(0)));
  }
  t.deepEqual(s.tick(10100), ['send 1 PING 0x200000001 -']);
  s.packet(1, pk(T.PING, 0x200000001n, Buffer.alloc(0)));
  t.deepEqual(s.tick(11100), ['close 1: Closing connection to sid 1 due to transaction timeout']);
});

test('observer syncs are throttled (LearnerSyncThrottler); followers are not', (t) => {
  const s = serving({ members: majorityMembers([1n, 2n, 3n], [4n, 5n]), forceSnapSync: true, maxConcurrentSnapSyncs: 1 });
  t.deepEqual(s.m.inFlightSyncs(), { snap: 0, diff: 0 });
  const join = (conn: number, sid: bigint, observer: boolean): string[] => {
    s.in({ type: 'connected', conn });
    s.packet(conn, info(sid, 2n, observer));
    return s.packet(conn, pk(T.ACKEPOCH, 0x200000000n, int(-1)));
  };
  t.is(join(4, 4n, true)[0], 'syncPlanned 4 SNAP 0x200000000 0 (force-snap)');
  t.deepEqual(s.m.inFlightSyncs(), { snap: 1, diff: 0 });
  t.deepEqual(join(5, 5n, true), ['close 5: too many concurrent sync: 2 SNAP syncs, the limit is 1']);
  // A follower is exempt but counted.
  t.is(join(2, 2n, false)[0], 'syncPlanned 2 SNAP 0x200000000 0 (force-snap)');
  t.deepEqual(s.m.inFlightSyncs(), { snap: 2, diff: 0 });
  s.packet(4, pk(T.ACK, 0x200000000n));
  s.in({ type: 'closed', conn: 2 });
  t.deepEqual(s.m.inFlightSyncs(), { snap: 0, diff: 0 });
  t.is(join(6, 5n, true)[0], 'syncPlanned 6 SNAP 0x200000000 0 (force-snap)');
});

test('zxid roll-over forces a new election', (t) => {
  const s = serving();
  t.deepEqual(s.in({ type: 'propose', txn: createTxn(0x2ffffffffn, '/x') }), [
    'close 1: leader shutting down',
    'abdicate: zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start',
  ]);
  t.throws(() => new Script().in({ type: 'propose', txn: createTxn(0x200000001n, '/x') }), { message: /propose while epoch/ });
});
