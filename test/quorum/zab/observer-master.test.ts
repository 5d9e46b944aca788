// The observer master machine (ObserverMaster + its LearnerHandlers at release-3.8.0-1) and the
// observer's learner-master round robin (QuorumPeer.updateObserverMasterList/nextObserverMaster).
// The master is driven against our own observer machine (ZabLearner, kind observer) where that
// proves the two sides agree; the rest checks the reference's rules one at a time.

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { OpCode } from '../../../src/protocol/opcodes';
import { ZabLearner } from '../../../src/quorum/zab/learner';
import type { LearnerOutput } from '../../../src/quorum/zab/learner-types';
import { LearnerMasterList, ObserverMasterMachine, type ObserverMasterOptions, type ObserverMasterOutput } from '../../../src/quorum/zab/observer-master';
import { PacketType } from '../../../src/quorum/zab/packets';
import * as pl from '../../../src/quorum/zab/payloads';
import { planSync, type SyncProposal } from '../../../src/quorum/zab/sync-planner';
import { createRun } from './support/txns';

const T = PacketType;
const TICK = 2000;
const e2 = createRun(2n, 1n, 6);

/** A follower at epoch 2 whose committed log holds `log` (its tree at the last of them). */
function master(log: readonly SyncProposal[], extra: Partial<ObserverMasterOptions> = {}): { m: ObserverMasterMachine; log: SyncProposal[] } {
  const committed = [...log];
  const m = new ObserverMasterMachine({
    sid: 1n,
    epoch: 2n,
    tickTimeMs: TICK,
    initLimit: 10,
    syncLimit: 5,
    newLeaderConfig: Buffer.from('server.1=127.0.0.1:1:2:participant\nversion=0'),
    planSync: (peerLastZxid) => planSync({ peerLastZxid, lastProcessedZxid: committed.at(-1)?.zxid ?? 0n, committedLog: committed }),
    nowMs: 0,
    ...extra,
  });
  return { m, log: committed };
}

const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
const sent = (outs: readonly ObserverMasterOutput[], to = 1): QuorumPacket[] => outs.flatMap((o) => (o.type === 'send' && o.to === to ? [o.packet] : []));
const types = (ps: readonly QuorumPacket[]): string[] => ps.map((p) => Object.entries(T).find(([, v]) => v === p.type)![0]);

/**
 * Runs our observer against the master until it serves: packets each way, the observer's disk
 * outputs confirmed at once. Returns what the observer applied and the master's last outputs.
 */
function connectObserver(m: ObserverMasterMachine, o: { conn: number; sid: bigint; lastZxid: bigint; acceptedEpoch?: bigint; now?: number }) {
  const now = o.now ?? 0;
  const learner = new ZabLearner({ sid: o.sid, kind: 'observer', acceptedEpoch: o.acceptedEpoch ?? 2n, currentEpoch: o.acceptedEpoch ?? 2n, lastLoggedZxid: o.lastZxid, configVersion: 0n, tickTimeMs: TICK, initLimit: 10, syncLimit: 5, nowMs: now });
  const applied: bigint[] = [];
  const masterOut: ObserverMasterOutput[] = [];
  let snapshot: bigint | null = null;
  const toMaster: QuorumPacket[] = [];
  const handleLearner = (outs: LearnerOutput[]): void => {
    for (const out of outs) {
      if (out.type === 'send') toMaster.push(out.packet);
      else if (out.type === 'applyCommitted') applied.push(out.txn.zxid);
      else if (out.type === 'persistTxns' || out.type === 'persistEpoch' || out.type === 'takeSnapshot' || out.type === 'truncateLog') handleLearner(learner.step({ type: 'persisted', token: out.token, nowMs: now }));
      else if (out.type === 'loadSnapshot') {
        snapshot = out.zxid;
        handleLearner(learner.step({ type: 'persisted', token: out.token, nowMs: now }));
      }
    }
  };
  masterOut.push(...m.step({ type: 'connected', conn: o.conn, nowMs: now }));
  handleLearner(learner.start());
  for (let i = 0; i < 50 && toMaster.length > 0; i++) {
    const outs = m.step({ type: 'packet', conn: o.conn, packet: toMaster.shift()!, nowMs: now });
    masterOut.push(...outs);
    for (const p of sent(outs, o.conn)) handleLearner(learner.step({ type: 'packet', packet: p, nowMs: now }));
  }
  return { learner, applied, masterOut, snapshot: snapshot as bigint | null };
}

test('an observer behind the follower is synced by DIFF from its committed log and then serves', (t) => {
  const { m } = master(e2);
  const r = connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[1]!.zxid });
  t.is(r.learner.phase, 'broadcast');
  t.is(r.learner.syncMode, 'DIFF');
  // The txns above the observer's, each once, in order.
  t.deepEqual(r.applied, e2.slice(2).map((x) => x.zxid));
  const toObserver = sent(r.masterOut);
  // LEADERINFO and NEWLEADER carry the follower's epoch, not a new one.
  t.is(toObserver[0]!.type, T.LEADERINFO);
  t.is(toObserver[0]!.zxid, 2n << 32n);
  t.deepEqual(types(toObserver), ['LEADERINFO', 'DIFF', 'PROPOSAL', 'COMMIT', 'PROPOSAL', 'COMMIT', 'PROPOSAL', 'COMMIT', 'PROPOSAL', 'COMMIT', 'NEWLEADER', 'UPTODATE']);
  t.is(toObserver.find((p) => p.type === T.NEWLEADER)!.zxid, 2n << 32n);
  t.deepEqual(m.activeObservers, [{ conn: 1, sid: 4n }]);
});

test('an observer below the committed log gets a SNAP stream of the follower\'s tree', (t) => {
  const { m } = master(e2.slice(3));
  const r = connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[0]!.zxid });
  t.is(r.learner.phase, 'broadcast');
  t.is(r.snapshot, e2[5]!.zxid);
  t.true(r.masterOut.some((o) => o.type === 'sendSnapshot' && o.to === 1 && o.zxid === e2[5]!.zxid));
});

test('each commit the follower applies reaches synced observers as INFORM, and they apply it', (t) => {
  const { m } = master(e2.slice(0, 4));
  const a = connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[3]!.zxid });
  const outs = m.step({ type: 'committed', txn: e2[4]!, nowMs: 10 });
  const inform = sent(outs);
  t.deepEqual(types(inform), ['INFORM']);
  t.is(inform[0]!.zxid, e2[4]!.zxid);
  t.deepEqual(inform[0]!.data, e2[4]!.bytes);
  const applied: bigint[] = [];
  for (const o of a.learner.step({ type: 'packet', packet: inform[0]!, nowMs: 10 })) if (o.type === 'applyCommitted') applied.push(o.txn.zxid);
  t.deepEqual(applied, [e2[4]!.zxid]);
  // A connection still in its handshake gets nothing yet.
  m.step({ type: 'connected', conn: 2, nowMs: 10 });
  t.deepEqual(sent(m.step({ type: 'committed', txn: e2[5]!, nowMs: 11 }), 2), []);
});

test('a reconfig the follower committed with COMMITANDACTIVATE is relayed as INFORMANDACTIVATE', (t) => {
  const { m } = master(e2.slice(0, 4));
  connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[3]!.zxid });
  const out = sent(m.step({ type: 'committed', txn: e2[4]!, designatedLeader: 3n, nowMs: 1 }));
  t.deepEqual(types(out), ['INFORMANDACTIVATE']);
  t.is(out[0]!.zxid, e2[4]!.zxid);
  // The layout a Java leader sends (and our learner reads): the designated leader, then the proposal.
  const a = pl.decodeActivate(T.INFORMANDACTIVATE, out[0]!.data);
  t.is(a.designatedLeader, 3n);
  t.deepEqual(a.proposal, e2[4]!.bytes);
});

test('retained INFORMs above what the sync brought are replayed to a new observer (startForwarding)', (t) => {
  // The committed log the planner sees stops at e2[2] while the master already relayed e2[3..4]
  // (the reference's two queues are separate): the observer must still get 3 and 4, once.
  const { m } = master(e2.slice(0, 3));
  m.step({ type: 'committed', txn: e2[3]!, nowMs: 0 });
  m.step({ type: 'committed', txn: e2[4]!, nowMs: 0 });
  const r = connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[2]!.zxid });
  t.is(r.learner.phase, 'broadcast');
  t.deepEqual(r.applied, [e2[3]!.zxid, e2[4]!.zxid]);
});

test('an observer older than the retained INFORMs is dropped as too far behind', (t) => {
  const { m } = master([]);
  m.step({ type: 'committed', txn: e2[4]!, nowMs: 0 });
  m.step({ type: 'connected', conn: 1, nowMs: 0 });
  m.step({ type: 'packet', conn: 1, packet: pk(T.OBSERVERINFO, 2n << 32n, pl.encodeLearnerInfo(4n, 0n)), nowMs: 0 });
  // planSync sees an empty log at 0: DIFF(0) up to 0, but INFORM 5 is retained and 1..4 are not.
  const outs = m.step({ type: 'packet', conn: 1, packet: pk(T.ACKEPOCH, 0n, pl.encodeInt(2)), nowMs: 0 });
  const close = outs.find((o) => o.type === 'close');
  t.regex(close?.type === 'close' ? close.reason : '', /too far behind/);
});

test('the retained INFORMs stay within zookeeper.observerMaster.sizeLimit', (t) => {
  const size = 12 + e2[0]!.bytes.length;
  const { m } = master([], { sizeLimit: size * 3 });
  for (const x of e2) m.step({ type: 'committed', txn: x, nowMs: 0 });
  t.true(m.retainedCommits * size <= size * 3);
  t.true(m.retainedCommits >= 1);
});

test('only observers may connect: FOLLOWERINFO is refused', (t) => {
  const { m } = master(e2);
  m.step({ type: 'connected', conn: 1, nowMs: 0 });
  const outs = m.step({ type: 'packet', conn: 1, packet: pk(T.FOLLOWERINFO, 2n << 32n, pl.encodeLearnerInfo(2n, 0n)), nowMs: 0 });
  t.deepEqual(sent(outs), []);
  const close = outs.find((o) => o.type === 'close');
  t.regex(close?.type === 'close' ? close.reason : '', /Non observer/);
});

test('synced observers are pinged every half tick and dropped after syncLimit ticks of silence', (t) => {
  const { m } = master(e2);
  connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[5]!.zxid });
  const wake = m.nextWakeMs()!;
  t.is(wake, TICK / 2);
  t.deepEqual(types(sent(m.step({ type: 'tick', nowMs: wake }))), ['PING']);
  // The observer answers with its sessions: they are touched on the follower.
  const touches = m.step({ type: 'packet', conn: 1, packet: pk(T.PING, 0n, pl.encodeSessionTouches([{ sessionId: 0x55n, timeoutMs: 4000 }])), nowMs: wake });
  t.deepEqual(touches, [{ type: 'touchSessions', sessions: [{ sessionId: 0x55n, timeoutMs: 4000 }] }]);
  const silentUntil = wake + 5 * TICK;
  const late = m.step({ type: 'tick', nowMs: silentUntil });
  t.true(late.some((o) => o.type === 'close' && o.conn === 1));
  t.deepEqual(m.activeObservers, []);
});

test('REQUEST and REVALIDATE go up to the follower; the revalidation answer comes back to its observer', (t) => {
  const { m } = master(e2);
  connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[5]!.zxid });
  connectObserver(m, { conn: 2, sid: 5n, lastZxid: e2[5]!.zxid });
  const body = Buffer.from([1, 2, 3]);
  const req = m.step({ type: 'packet', conn: 2, packet: pk(T.REQUEST, -1n, pl.encodeRequest({ sessionId: 0x77n, cxid: 9, opType: OpCode.create, body })), nowMs: 1 });
  t.is(req.length, 1);
  const f = req[0]!;
  t.true(f.type === 'forwardRequest' && f.conn === 2 && f.request.sessionId === 0x77n && f.request.cxid === 9 && f.request.opType === OpCode.create && f.request.body.equals(body));
  const up = m.step({ type: 'packet', conn: 1, packet: pk(T.REVALIDATE, -1n, pl.encodeRevalidateRequest(0x99n, 6000)), nowMs: 1 });
  t.deepEqual(up, [{ type: 'revalidateSession', sessionId: 0x99n, timeoutMs: 6000 }]);
  // An answer for another session belongs to the follower's own clients.
  t.false(m.revalidated(0x12n, true).handled);
  const r = m.revalidated(0x99n, true);
  t.true(r.handled);
  const back = sent(r.outputs, 1);
  t.deepEqual(types(back), ['REVALIDATE']);
  t.deepEqual(pl.decodeRevalidateReply(back[0]!.data), { sessionId: 0x99n, valid: true });
  // The answer to a forwarded sync goes to the observer that asked.
  t.deepEqual(types(sent(m.step({ type: 'syncAnswered', conn: 2, nowMs: 2 }), 2)), ['SYNC']);
});

test('an observer acks only UPTODATE; any other ACK drops it', (t) => {
  const { m } = master(e2);
  connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[5]!.zxid });
  t.deepEqual(m.step({ type: 'packet', conn: 1, packet: pk(T.ACK, 3n << 32n), nowMs: 1 }), []);
  t.true(m.step({ type: 'packet', conn: 1, packet: pk(T.ACK, e2[5]!.zxid), nowMs: 1 }).some((o) => o.type === 'close'));
});

test('a malformed packet drops only that observer', (t) => {
  const { m } = master(e2);
  connectObserver(m, { conn: 1, sid: 4n, lastZxid: e2[5]!.zxid });
  connectObserver(m, { conn: 2, sid: 5n, lastZxid: e2[5]!.zxid });
  const outs = m.step({ type: 'packet', conn: 1, packet: pk(T.REQUEST, -1n, Buffer.from([1, 2])), nowMs: 1 });
  t.true(outs.some((o) => o.type === 'close' && o.conn === 1));
  t.deepEqual(m.activeObservers.map((o) => o.sid), [5n]);
});

test('learner masters: every voter at the observer\'s own port, shuffled, round robin; the leader without a port', (t) => {
  const leader = { sid: 3n, host: 'h3', port: 2888 };
  const off = new LearnerMasterList(null);
  off.update([{ sid: 1n, host: 'h1' }]);
  t.deepEqual(off.choose(leader), { master: leader, wrapped: true });
  // A fixed "random" source: the Fisher-Yates shuffle with j = 0 every time rotates the list.
  const on = new LearnerMasterList(7000, () => 0);
  on.update([{ sid: 1n, host: 'h1' }, { sid: 2n, host: 'h2' }, { sid: 3n, host: 'h3' }]);
  const seen = [on.choose(leader), on.choose(leader), on.choose(leader), on.choose(leader)];
  t.deepEqual(seen.slice(0, 3).map((c) => Number(c.master.sid)).sort(), [1, 2, 3]);
  t.true(seen.every((c) => c.master.port === 7000));
  t.deepEqual(seen.map((c) => c.wrapped), [false, false, false, true]);
  t.is(seen[3]!.master.sid, seen[0]!.master.sid);
  t.is(seen[0]!.master.host, `h${seen[0]!.master.sid}`);
});
