// planSync against LearnerHandler.syncFollower / queueCommittedProposals (release-3.8.0-1), case by
// case. Each expectation is worked out from the reference's rules, written next to the case.

import test from 'ava';
import { planSync, type SyncPlan, type SyncPlanInput, type SyncProposal, type TxnLogSync } from '../../../src/quorum/zab/sync-planner';

const z = (epoch: number, counter: number): bigint => (BigInt(epoch) << 32n) | BigInt(counter);
const p = (zxid: bigint): SyncProposal => ({ zxid, bytes: Buffer.from(zxid.toString(16)) });
const run = (epoch: number, from: number, to: number): SyncProposal[] => {
  const out: SyncProposal[] = [];
  for (let c = from; c <= to; c++) out.push(p(z(epoch, c)));
  return out;
};

interface Expect {
  kind: SyncPlan['kind'];
  zxid: bigint;
  proposals: bigint[];
  reason?: SyncPlan['reason'];
}

function check(t: { deepEqual(a: unknown, b: unknown, m?: string): void }, name: string, input: SyncPlanInput, want: Expect): void {
  const got = planSync(input);
  t.deepEqual(
    { kind: got.kind, zxid: got.zxid, proposals: got.proposals.map((q) => q.zxid), ...(want.reason ? { reason: got.reason } : {}) },
    { kind: want.kind, zxid: want.zxid, proposals: want.proposals, ...(want.reason ? { reason: want.reason } : {}) },
    name,
  );
}

const log1 = run(1, 1, 10); // 0x100000001 .. 0x10000000a

test('forceSnapSync always sends a snapshot of lastProcessedZxid', (t) => {
  check(t, 'force', { peerLastZxid: z(1, 10), lastProcessedZxid: z(1, 10), committedLog: log1, forceSnapSync: true }, { kind: 'SNAP', zxid: z(1, 10), proposals: [], reason: 'force-snap' });
});

test('a peer at lastProcessedZxid gets an empty DIFF of its own zxid', (t) => {
  check(t, 'equal', { peerLastZxid: z(1, 10), lastProcessedZxid: z(1, 10), committedLog: log1 }, { kind: 'DIFF', zxid: z(1, 10), proposals: [], reason: 'in-sync' });
  check(t, 'fresh ensemble', { peerLastZxid: 0n, lastProcessedZxid: 0n, committedLog: [] }, { kind: 'DIFF', zxid: 0n, proposals: [] });
  // A leader that started epoch 2 reports lastProcessedZxid 0x200000000; a peer that synced with it earlier too.
  check(t, 'new epoch both', { peerLastZxid: z(2, 0), lastProcessedZxid: z(2, 0), committedLog: log1 }, { kind: 'DIFF', zxid: z(2, 0), proposals: [] });
});

test('a peer past maxCommittedLog (not a new-epoch zxid) is truncated to it, even across epochs', (t) => {
  check(t, 'same epoch', { peerLastZxid: z(1, 12), lastProcessedZxid: z(1, 10), committedLog: log1 }, { kind: 'TRUNC', zxid: z(1, 10), proposals: [], reason: 'peer-ahead' });
  check(t, 'later epoch', { peerLastZxid: z(2, 3), lastProcessedZxid: z(1, 10), committedLog: log1 }, { kind: 'TRUNC', zxid: z(1, 10), proposals: [] });
  // Empty committed log: min = max = lastProcessedZxid.
  check(t, 'empty log', { peerLastZxid: z(1, 7), lastProcessedZxid: z(1, 5), committedLog: [] }, { kind: 'TRUNC', zxid: z(1, 5), proposals: [] });
});

test('a new-epoch peer zxid above the log is not truncated: it falls through to a snapshot', (t) => {
  check(t, 'unhandled', { peerLastZxid: z(2, 0), lastProcessedZxid: z(1, 10), committedLog: log1 }, { kind: 'SNAP', zxid: z(1, 10), proposals: [], reason: 'unhandled' });
});

test('a peer inside the committed log gets DIFF(maxCommittedLog) and every later txn', (t) => {
  check(t, 'middle', { peerLastZxid: z(1, 5), lastProcessedZxid: z(1, 10), committedLog: log1 }, {
    kind: 'DIFF',
    zxid: z(1, 10),
    proposals: [z(1, 6), z(1, 7), z(1, 8), z(1, 9), z(1, 10)],
    reason: 'committed-log',
  });
  check(t, 'at min', { peerLastZxid: z(1, 1), lastProcessedZxid: z(1, 10), committedLog: log1 }, { kind: 'DIFF', zxid: z(1, 10), proposals: run(1, 2, 10).map((q) => q.zxid) });
  // lastProcessedZxid moved to the new epoch's zxid while the peer is at max: nothing to send.
  check(t, 'at max', { peerLastZxid: z(1, 10), lastProcessedZxid: z(2, 0), committedLog: log1 }, { kind: 'DIFF', zxid: z(1, 10), proposals: [] });
});

test('a new-epoch peer zxid inside the log gets DIFF and the txns after it', (t) => {
  const log = [...run(1, 1, 3), ...run(2, 1, 2)];
  check(t, 'new epoch', { peerLastZxid: z(2, 0), lastProcessedZxid: z(2, 2), committedLog: log }, { kind: 'DIFF', zxid: z(2, 2), proposals: [z(2, 1), z(2, 2)] });
});

test('a peer with txns the leader lacks: TRUNC to the previous txn in the same epoch, SNAP across epochs', (t) => {
  // Same epoch: the first leader txn above the peer is in the peer's epoch.
  const same = [p(z(2, 1)), p(z(2, 2)), p(z(2, 5))];
  check(t, 'same epoch', { peerLastZxid: z(2, 3), lastProcessedZxid: z(2, 5), committedLog: same }, { kind: 'TRUNC', zxid: z(2, 2), proposals: [z(2, 5)], reason: 'committed-log' });
  // Across epochs: the peer logged 0x200000003 that epoch 3's leader never committed.
  const cross = [...run(2, 1, 2), ...run(3, 1, 2)];
  check(t, 'cross epoch', { peerLastZxid: z(2, 3), lastProcessedZxid: z(3, 2), committedLog: cross }, { kind: 'SNAP', zxid: z(3, 2), proposals: [], reason: 'cross-epoch' });
});

/** A disk log of `entries`; `storageBytes` as given. */
function disk(entries: SyncProposal[], opts: { factor?: number; snapshotBytes?: number; storageBytes?: number } = {}): TxnLogSync & { opened: bigint[] } {
  const opened: bigint[] = [];
  return {
    snapshotSizeFactor: opts.factor ?? 0.33,
    snapshotBytes: opts.snapshotBytes ?? 1_000_000,
    opened,
    open(from) {
      opened.push(from);
      return { storageBytes: opts.storageBytes ?? 1000, proposals: entries.filter((q) => q.zxid >= from) };
    },
  };
}

test('a peer older than the committed log is synced from the txn log plus the committed log', (t) => {
  const d = disk(run(1, 1, 16));
  const committed = run(1, 10, 16);
  check(t, 'txn log', { peerLastZxid: z(1, 3), lastProcessedZxid: z(1, 16), committedLog: committed, txnLog: d }, {
    kind: 'DIFF',
    zxid: z(1, 16),
    proposals: run(1, 4, 16).map((q) => q.zxid),
    reason: 'txn-log',
  });
  t.deepEqual(d.opened, [z(1, 3)]);
});

test('the txn log path falls back to SNAP when it is disabled, too big, too short or leaves a gap', (t) => {
  const committed = run(1, 10, 16);
  const base = { peerLastZxid: z(1, 3), lastProcessedZxid: z(1, 16), committedLog: committed };
  check(t, 'disabled', { ...base, txnLog: disk(run(1, 1, 16), { factor: -1 }) }, { kind: 'SNAP', zxid: z(1, 16), proposals: [], reason: 'unhandled' });
  check(t, 'no txn log at all', base, { kind: 'SNAP', zxid: z(1, 16), proposals: [] });
  // limit = floor(1000 * 0.33) = 330 < 331 bytes on disk.
  check(t, 'too big', { ...base, txnLog: disk(run(1, 1, 16), { snapshotBytes: 1000, storageBytes: 331 }) }, { kind: 'SNAP', zxid: z(1, 16), proposals: [], reason: 'txn-log-unusable' });
  // A zero limit (no snapshot yet, or factor 0) means unlimited.
  check(t, 'unlimited', { ...base, txnLog: disk(run(1, 1, 16), { factor: 0, storageBytes: 1e9 }) }, { kind: 'DIFF', zxid: z(1, 16), proposals: run(1, 4, 16).map((q) => q.zxid) });
  // The log starts after the peer: it cannot prove the peer's zxid is in our history.
  check(t, 'too short', { ...base, txnLog: disk(run(1, 5, 16)) }, { kind: 'SNAP', zxid: z(1, 16), proposals: [], reason: 'txn-log-unusable' });
  // The log ends before the committed log starts.
  check(t, 'gap', { ...base, txnLog: disk(run(1, 1, 6)) }, { kind: 'SNAP', zxid: z(1, 16), proposals: [], reason: 'txn-log-gap' });
});

test('a peer older than the committed log with no txn log sync gets a snapshot', (t) => {
  check(t, 'old', { peerLastZxid: z(1, 2), lastProcessedZxid: z(1, 10), committedLog: run(1, 5, 10) }, { kind: 'SNAP', zxid: z(1, 10), proposals: [] });
  check(t, 'empty log, peer behind', { peerLastZxid: z(1, 3), lastProcessedZxid: z(1, 5), committedLog: [] }, { kind: 'SNAP', zxid: z(1, 5), proposals: [] });
});

test('lastQueuedZxid is where the learner ends up (startForwarding continues from it)', (t) => {
  t.is(planSync({ peerLastZxid: z(1, 5), lastProcessedZxid: z(1, 10), committedLog: log1 }).lastQueuedZxid, z(1, 10));
  t.is(planSync({ peerLastZxid: z(1, 12), lastProcessedZxid: z(1, 10), committedLog: log1 }).lastQueuedZxid, z(1, 10));
  t.is(planSync({ peerLastZxid: z(1, 10), lastProcessedZxid: z(1, 10), committedLog: log1 }).lastQueuedZxid, z(1, 10));
  t.is(planSync({ peerLastZxid: 0n, lastProcessedZxid: z(1, 10), committedLog: log1, forceSnapSync: true }).lastQueuedZxid, z(1, 10));
});
