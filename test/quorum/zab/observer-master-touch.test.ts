// ObserverMaster.revalidateLearnerSession at release-3.8.0-1: when the leader says an observer's
// session is valid, the master passes the answer on AND touches the session in its own tracker
// (as a leader touches the sessions it revalidates), so the follower's next ping carries it. An
// invalid answer touches nothing.

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { makeZxid } from '../../../src/quorum/types';
import { ObserverMasterMachine, type ObserverMasterOutput } from '../../../src/quorum/zab/observer-master';
import { PacketType as T } from '../../../src/quorum/zab/packets';
import * as pl from '../../../src/quorum/zab/payloads';
import { planSync } from '../../../src/quorum/zab/sync-planner';

const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });

/** A master at epoch 2 with an empty history and observer `sid` synced on connection 1. */
function synced(sid: bigint): ObserverMasterMachine {
  const m = new ObserverMasterMachine({
    sid: 1n, epoch: 2n, tickTimeMs: 2000, initLimit: 10, syncLimit: 5,
    newLeaderConfig: null,
    planSync: (peerLastZxid) => planSync({ peerLastZxid, lastProcessedZxid: 0n, committedLog: [] }),
    nowMs: 0,
  });
  m.step({ type: 'connected', conn: 1, nowMs: 0 });
  m.step({ type: 'packet', conn: 1, packet: pk(T.OBSERVERINFO, 0n, pl.encodeLearnerInfo(sid, 0n)), nowMs: 0 });
  m.step({ type: 'packet', conn: 1, packet: pk(T.ACKEPOCH, 0n, pl.encodeInt(0)), nowMs: 0 });
  m.step({ type: 'packet', conn: 1, packet: pk(T.ACK, makeZxid(2n, 0n)), nowMs: 0 });
  return m;
}

const touches = (outs: readonly ObserverMasterOutput[]) => outs.flatMap((o) => (o.type === 'touchSessions' ? o.sessions : []));
const replies = (outs: readonly ObserverMasterOutput[]) =>
  outs.flatMap((o) => (o.type === 'send' && o.packet.type === T.REVALIDATE ? [pl.decodeRevalidateReply(o.packet.data)] : []));

test('a valid revalidation answer for an observer touches the session with the timeout it asked for', (t) => {
  const m = synced(4n);
  t.deepEqual(m.activeObservers, [{ conn: 1, sid: 4n }]);
  const up = m.step({ type: 'packet', conn: 1, packet: pk(T.REVALIDATE, -1n, pl.encodeRevalidateRequest(0x51n, 7000)), nowMs: 1 });
  t.deepEqual(up, [{ type: 'revalidateSession', sessionId: 0x51n, timeoutMs: 7000 }]);
  const r = m.revalidated(0x51n, true);
  t.true(r.handled);
  t.deepEqual(replies(r.outputs), [{ sessionId: 0x51n, valid: true }]);
  t.deepEqual(touches(r.outputs), [{ sessionId: 0x51n, timeoutMs: 7000 }]);
});

test('an invalid answer is passed on without a touch; answers for the follower\'s own clients touch nothing here', (t) => {
  const m = synced(4n);
  m.step({ type: 'packet', conn: 1, packet: pk(T.REVALIDATE, -1n, pl.encodeRevalidateRequest(0x52n, 7000)), nowMs: 1 });
  // Not the pending one: the follower handles it (and its own touch) itself.
  const other = m.revalidated(0x99n, true);
  t.false(other.handled);
  t.deepEqual(other.outputs, []);
  const r = m.revalidated(0x52n, false);
  t.true(r.handled);
  t.deepEqual(replies(r.outputs), [{ sessionId: 0x52n, valid: false }]);
  t.deepEqual(touches(r.outputs), []);
});
