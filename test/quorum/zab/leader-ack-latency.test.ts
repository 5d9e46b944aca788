// Leader.processAck's ACK_LATENCY sampling (release-3.8.0-1): only acks of proposals whose zxid is
// a multiple of zookeeper.leader.ackLoggingFrequency, and only acks that count (the proposal is
// still outstanding: an ack after the quorum committed it is not sampled). The leader's own ack
// goes through the same path, so its sid can be a key too.

import test from 'ava';
import { makeZxid } from '../../../src/quorum/types';
import { emptyDisk, Ensemble } from './support/ensemble';
import { createTxn } from './support/txns';

interface Sample { sid: bigint; zxid: bigint; time: bigint }

function run(frequency: number | undefined, count: number): { samples: Sample[]; zxids: bigint[]; applied: number } {
  const samples: Sample[] = [];
  const e = new Ensemble({ 1: emptyDisk(), 2: emptyDisk(), 3: emptyDisk() }, {
    seed: 5,
    leader: { ...(frequency === undefined ? {} : { ackLoggingFrequency: frequency }), ackSampled: (sid, zxid, time) => samples.push({ sid, zxid, time }) },
  });
  e.lead(3);
  e.connect(1, 3);
  e.connect(2, 3);
  e.settle();
  const leader = e.peer(3).leader!;
  const zxids: bigint[] = [];
  for (let i = 0; i < count; i++) {
    const z = leader.lastProposed + 1n;
    e.propose(3, createTxn(z, `/a${i}`));
    zxids.push(z);
    if (i % 3 === 0) e.settle();
  }
  e.settle();
  return { samples, zxids, applied: e.peer(1).applied.length };
}

test('acks are sampled only for zxids that are multiples of the frequency, and only until the proposal commits', (t) => {
  const { samples, zxids, applied } = run(5, 30);
  t.is(applied, 30, 'follower 1 applied everything');
  // makeZxid(1, c) = 2^32 + c, and 2^32 = 1 (mod 5): the multiples are the counters 4, 9, 14, ...
  const expected = zxids.filter((z) => z % 5n === 0n);
  t.deepEqual(expected.map((z) => z - makeZxid(1n, 0n)), [4n, 9n, 14n, 19n, 24n, 29n]);
  t.deepEqual([...new Set(samples.map((s) => s.zxid))].sort(), expected);
  for (const z of expected) {
    const sids = samples.filter((s) => s.zxid === z).map((s) => s.sid);
    // A quorum of 2 of 3 commits it; the third ack arrives after the commit and is not sampled.
    t.is(sids.length, 2, `zxid ${z.toString(16)}: ${sids.join(',')}`);
    t.is(new Set(sids).size, 2);
    for (const sid of sids) t.true([1n, 2n, 3n].includes(sid));
  }
  // The latency is measured from the txn header's time (createTxn's fixed time).
  t.true(samples.every((s) => s.time === 1_700_000_000_000n));
});

test('the default frequency is 1000, and 0 samples nothing', (t) => {
  t.deepEqual(run(undefined, 30).samples, [], 'no zxid in 1..30 is a multiple of 1000 here');
  t.deepEqual(run(0, 30).samples, []);
  t.is(run(1, 4).samples.length, 8, 'frequency 1: every proposal, two counted acks each');
});
