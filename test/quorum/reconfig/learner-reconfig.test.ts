// The learner machine with reconfigEnabled: a reconfig PROPOSAL is recorded as the last seen
// config, COMMITANDACTIVATE (follower) / INFORMANDACTIVATE (observer) activate it with the
// designated leader, and NEWLEADER's config is activated at UPTODATE, before the ACK. Expected
// transcripts follow Follower/Observer.processPacket and Learner.syncWithLeader (release-3.8.0-1).

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { ZabLearner } from '../../../src/quorum/zab/learner';
import type { LearnerOptions } from '../../../src/quorum/zab/learner-types';
import { PacketType } from '../../../src/quorum/zab/packets';
import { transcript } from '../zab/support/render';
import { reconfigTxn } from '../zab/support/txns';

const T = PacketType;
const NEW_CONFIG = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\nserver.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183\nversion=200000001';
const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
const int = (v: number): Buffer => Buffer.from([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
const long = (v: bigint): Buffer => {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(v);
  return b;
};

/** A learner of epoch 2 in sync with its leader: LEADERINFO and a DIFF with nothing in it done. */
function syncing(o: Partial<LearnerOptions> = {}): { m: ZabLearner; step: (p: QuorumPacket) => string[] } {
  const m = new ZabLearner({
    sid: 1n, kind: 'follower', acceptedEpoch: 2n, currentEpoch: 2n, lastLoggedZxid: 0x200000000n, configVersion: 0n,
    tickTimeMs: 2000, initLimit: 10, syncLimit: 5, nowMs: 0, reconfigEnabled: true, ...o,
  });
  m.start();
  const step = (p: QuorumPacket): string[] => transcript(m.step({ type: 'packet', packet: p, nowMs: 1 }));
  step(pk(T.LEADERINFO, 0x200000000n, int(0x10000)));
  step(pk(T.DIFF, 0x200000000n));
  return { m, step };
}

/** A learner already in broadcast with epoch 2 (DIFF with nothing to sync). */
function synced(o: Partial<LearnerOptions> = {}): { m: ZabLearner; step: (p: QuorumPacket) => string[] } {
  const { m, step } = syncing(o);
  step(pk(T.NEWLEADER, 0x200000000n));
  m.step({ type: 'persisted', token: 1, nowMs: 1 });
  step(pk(T.UPTODATE, -1n));
  return { m, step };
}

test('follower: a reconfig proposal is the last seen config; COMMITANDACTIVATE activates it, then commits', (t) => {
  const { m, step } = synced();
  t.is(m.phase, 'broadcast');
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.PROPOSAL, r.zxid, r.bytes)), [`configProposed ${JSON.stringify(NEW_CONFIG)}`, 'persistTxns #2 [0x200000001]']);
  t.deepEqual(step(pk(T.COMMITANDACTIVATE, r.zxid, long(3n))), [`activateConfig ${JSON.stringify(NEW_CONFIG)} leader 3 0x200000001 thenApplies`, 'apply 0x200000001']);
});

test('observer: INFORMANDACTIVATE carries the leader and the txn; activate, log, apply', (t) => {
  const { step } = synced({ kind: 'observer' });
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.INFORMANDACTIVATE, r.zxid, Buffer.concat([long(3n), r.bytes]))), [
    `activateConfig ${JSON.stringify(NEW_CONFIG)} leader 3 0x200000001 thenApplies`,
    'persistTxns #2 [0x200000001]',
    'apply 0x200000001',
  ]);
});

test('NEWLEADER config is last seen at once and activated at UPTODATE before the ACK', (t) => {
  const { m, step } = syncing();
  t.deepEqual(step(pk(T.NEWLEADER, 0x200000000n, Buffer.from(NEW_CONFIG))), [`leaderConfig ${JSON.stringify(NEW_CONFIG)}`, `configProposed ${JSON.stringify(NEW_CONFIG)}`, 'persistEpoch current 2 #1']);
  m.step({ type: 'persisted', token: 1, nowMs: 1 });
  t.deepEqual(step(pk(T.UPTODATE, -1n)), [`activateConfig ${JSON.stringify(NEW_CONFIG)} leader - -`, 'send ACK 0x200000000 -', 'serve epoch 2']);
});

test('sync: COMMITANDACTIVATE activates before the commit and ends the role on a major change (not thenApplies)', (t) => {
  const { step } = syncing();
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.PROPOSAL, r.zxid, r.bytes)), [`configProposed ${JSON.stringify(NEW_CONFIG)}`]);
  t.deepEqual(step(pk(T.COMMITANDACTIVATE, r.zxid, long(1n))), [`activateConfig ${JSON.stringify(NEW_CONFIG)} leader 1 0x200000001`]);
});

test('bad ...ANDACTIVATE payloads close the connection, never throw', (t) => {
  const { step } = synced();
  t.deepEqual(step(pk(T.COMMITANDACTIVATE, 0x200000001n, Buffer.alloc(3))), ['disconnect: bad COMMITANDACTIVATE from the leader: designated leader needs 8 bytes, got 3']);
  const o = synced({ kind: 'observer' });
  t.deepEqual(o.step(pk(T.INFORMANDACTIVATE, 0x200000001n, Buffer.concat([long(3n), Buffer.from([1, 2, 3])])))[0]?.startsWith('disconnect: bad INFORMANDACTIVATE'), true);
});

test('a reconfig proposal with reconfig off is logged like any other txn', (t) => {
  const { step } = synced({ reconfigEnabled: false });
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.PROPOSAL, r.zxid, r.bytes)), ['persistTxns #2 [0x200000001]']);
});

// QuorumPeer.processReconfig returns false at once with reconfig disabled, so Follower and Observer
// go on to commit / apply the txn as for COMMIT / INFORM, without touching the config.
test('reconfig off: COMMITANDACTIVATE commits the pending reconfig txn without activating it', (t) => {
  const { step } = synced({ reconfigEnabled: false });
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  step(pk(T.PROPOSAL, r.zxid, r.bytes));
  t.deepEqual(step(pk(T.COMMITANDACTIVATE, r.zxid, long(3n))), ['apply 0x200000001']);
});

test('reconfig off: INFORMANDACTIVATE logs and applies the txn it carries without activating it', (t) => {
  const { step } = synced({ kind: 'observer', reconfigEnabled: false });
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.INFORMANDACTIVATE, r.zxid, Buffer.concat([long(3n), r.bytes]))), ['persistTxns #2 [0x200000001]', 'apply 0x200000001']);
});

test('reconfig off, during sync: COMMITANDACTIVATE is a COMMIT and INFORMANDACTIVATE an INFORM', (t) => {
  const { m, step } = syncing({ reconfigEnabled: false });
  const r = reconfigTxn(0x200000001n, NEW_CONFIG);
  t.deepEqual(step(pk(T.PROPOSAL, r.zxid, r.bytes)), []);
  t.deepEqual(step(pk(T.COMMITANDACTIVATE, r.zxid, long(1n))), []);
  const { m: o, step: ostep } = syncing({ sid: 4n, kind: 'observer', reconfigEnabled: false });
  t.deepEqual(ostep(pk(T.INFORMANDACTIVATE, r.zxid, Buffer.concat([long(1n), r.bytes]))), []);
  // Both held the txn as committed: NEWLEADER logs and applies it (Learner.syncWithLeader's packetsCommitted).
  for (const [s, mm] of [[step, m], [ostep, o]] as const) {
    const out = [...s(pk(T.NEWLEADER, 0x200000000n)), ...transcript(mm.step({ type: 'persisted', token: 1, nowMs: 1 }))];
    t.deepEqual(out.slice(0, 2), ['persistTxns #1 [0x200000001]', 'apply 0x200000001']);
  }
});
