// A leader with a reconfig proposed but not committed must keep a quorum of that config as well as
// of the committed one (Leader.lead at release-3.8.0-1): NEWLEADER, which carries the last seen
// config, needs acks from a quorum of both (newLeaderProposal.addQuorumVerifier(lastSeen)) and the
// leader then serves under it; and the leader's tick abdicates when its synced learners are no
// quorum of a pending config (syncedAckSet). Both were found by the reconfig simulation
// (test/sim/sim-reconfig.test.ts, seeds 545 and 325 of `node dist/test/sim/replay.js --reconfig`).

import test from 'ava';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { majorityMembers } from '../../../src/quorum/types';
import { ZabLeader } from '../../../src/quorum/zab/leader';
import type { LeaderInput, LeaderOptions } from '../../../src/quorum/zab/leader-types';
import { PacketType as T } from '../../../src/quorum/zab/packets';
import { encodeLearnerInfo } from '../../../src/quorum/zab/payloads';
import { transcript } from '../zab/support/render';
import { createTxn, reconfigTxn } from '../zab/support/txns';

const server = (id: number): string => `server.${id}=127.0.0.1:${2880 + id}:${3880 + id}:participant;127.0.0.1:${2180 + id}`;
/** Server 4 added to {1,2,3}: a quorum is three of four. */
const WITH_4 = (version: string): string => [1, 2, 3, 4].map(server).join('\n') + `\nversion=${version}`;
const pk = (type: number, zxid: bigint, data: Buffer | null = null): QuorumPacket => ({ type, zxid, data, authinfo: null });
const int = (v: number): Buffer => Buffer.from([(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff]);
type NoNow<I> = I extends unknown ? Omit<I, 'nowMs'> : never;

/** Leader 3 of {1,2,3} in epoch 2, with followers on connections 1.. (sid = conn), up to NEWLEADER. */
function leaderWith(followers: readonly bigint[], extra: Partial<LeaderOptions> = {}) {
  const m = new ZabLeader({
    sid: 3n, members: majorityMembers([1n, 2n, 3n]), acceptedEpoch: 1n, currentEpoch: 1n, lastProcessedZxid: 0x100000000n,
    tickTimeMs: 2000, initLimit: 10, syncLimit: 5, nowMs: 0, reconfigEnabled: true, ...extra,
  });
  let now = 0;
  let token = 0;
  const step = (i: NoNow<LeaderInput>): string[] => {
    const out = transcript(m.step({ ...i, nowMs: now } as LeaderInput));
    for (const l of out) for (const x of l.matchAll(/#(\d+)/g)) token = Math.max(token, Number(x[1]));
    return out;
  };
  const persistAll = (): string[] => {
    const out: string[] = [];
    for (let i = 1; i <= token; i++) out.push(...step({ type: 'persisted', token: i }));
    return out;
  };
  m.start();
  for (const sid of followers) {
    step({ type: 'connected', conn: Number(sid) });
    step({ type: 'packet', conn: Number(sid), packet: pk(T.FOLLOWERINFO, 1n << 32n, encodeLearnerInfo(sid, 0n)) });
  }
  persistAll();
  for (const sid of followers) step({ type: 'packet', conn: Number(sid), packet: pk(T.ACKEPOCH, 0x100000000n, int(1)) });
  persistAll();
  return { m, step, persistAll, setNow: (ms: number) => (now = ms) };
}

test('NEWLEADER carrying a newer config needs a quorum of it too, and the leader then commits by it', (t) => {
  const config = WITH_4('100000005');
  const { m, step, persistAll } = leaderWith([1n, 4n], { newLeaderConfig: () => Buffer.from(config) });
  // 3 and 1 are a quorum of {1,2,3} but two of four in the NEWLEADER config: not yet.
  t.deepEqual(step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000000n) }).filter((l) => l.startsWith('serve')), []);
  t.is(m.phase, 'newLeaderAck');
  t.deepEqual(step({ type: 'packet', conn: 4, packet: pk(T.ACK, 0x200000000n) }).filter((l) => l.startsWith('serve')), ['serve epoch 2 0x200000000']);
  t.is(m.phase, 'broadcast');
  step({ type: 'propose', txn: createTxn(0x200000001n, '/a') });
  persistAll();
  // Acks of 3 and 1 would commit under {1,2,3}; under the served config it takes 4's too.
  t.deepEqual(step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000001n) }).filter((l) => l.startsWith('apply')), []);
  t.deepEqual(step({ type: 'packet', conn: 4, packet: pk(T.ACK, 0x200000001n) }).filter((l) => l.startsWith('apply')), ['apply 0x200000001']);
});

test('NEWLEADER with the same config (or none newer) needs the committed quorum only', (t) => {
  const { m, step } = leaderWith([1n], { newLeaderConfig: () => Buffer.from([1, 2, 3].map(server).join('\n') + '\nversion=0') });
  t.deepEqual(step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000000n) }).filter((l) => l.startsWith('serve')), ['serve epoch 2 0x200000000']);
  t.is(m.phase, 'broadcast');
});

test('a leader whose synced learners are no quorum of a pending reconfig abdicates at the tick', (t) => {
  const { m, step, persistAll, setNow } = leaderWith([1n]);
  step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000000n) });
  t.is(m.phase, 'broadcast');
  const ticks = (from: number, to: number): string[] => {
    const out: string[] = [];
    for (let ms = from; ms <= to; ms += 500) {
      setNow(ms);
      out.push(...step({ type: 'tick' }));
    }
    return out;
  };
  // {1,3} is a quorum of {1,2,3}: ticks go by without abdication.
  t.deepEqual(ticks(500, 4000).filter((l) => l.startsWith('abdicate')), []);
  // Adding 4 makes {1,3} two of four: the reconfig cannot commit, and the leader gives up.
  step({ type: 'propose', txn: reconfigTxn(0x200000001n, WITH_4('200000001')) });
  persistAll();
  step({ type: 'packet', conn: 1, packet: pk(T.ACK, 0x200000001n) });
  const out = ticks(4500, 8000).filter((l) => l.startsWith('abdicate'));
  t.deepEqual(out, ['abdicate: Not sufficient followers synced, only synced with sids: [ 3,1 ]']);
  t.is(m.phase, 'stopped');
});
