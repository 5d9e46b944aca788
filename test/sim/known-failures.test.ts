// Regression seeds: bugs the simulation found in the peer runtime's choices (src/quorum/peer), not
// in the election or Zab machines, and fixed there since. For each, one seed shows the failure
// with the old choice (BEFORE_FIXES for that one choice, so the seed still exercises the bug) and
// passes with the runtime as it is (ZKTS_TODAY, which the sweep runs).

import test from 'ava';
import { BEFORE_FIXES, SIM_RUNTIME, ZKTS_TODAY, type RuntimePolicy } from './policy';
import { runSeed } from './world';

interface KnownFailure {
  readonly seed: number;
  readonly choice: keyof RuntimePolicy;
  readonly kind: 'safety' | 'liveness';
  /** The first violation of that kind matches this. */
  readonly violation: RegExp;
  readonly story: string;
}

const KNOWN: readonly KnownFailure[] = [
  {
    seed: 3806,
    choice: 'reloadAfterUnfinishedSnap',
    kind: 'safety',
    violation: /server 1 \(uptodate, epoch 3\) diverges from the committed history: position 0/,
    story:
      'server 1 adopts a SNAP at 0x100000001, loses the leader before NEWLEADER, keeps the tree, is DIFF-synced in epoch 2 (no snapshot), crashes, and restarts from its log alone: 0x100000001 is gone for good',
  },
  {
    seed: 9361,
    choice: 'snapStreamReadTimeout',
    kind: 'liveness',
    violation: /no liveness .* s1=following epoch 1 syncing/,
    story: 'server 1 gets the SNAP packet, the stream behind it is delayed, the leader host loses power: server 1 waits for the stream for ever',
  },
  {
    seed: 93478,
    choice: 'truncRequiresHistory',
    kind: 'safety',
    violation: /server 3 \(commit 0x200000001, epoch 2\) diverges from the committed history: position 11/,
    story:
      'server 3 is SNAP-synced at 0x200000000 (13 txns, its log holds 11), snapshots and logs 0x200000001-2, loses the connection, comes back and gets TRUNC 0x10000000d: the snapshot labelled 0x200000000 is dropped, the reload from the log ends at 0x10000000b, and the sync goes on over the hole',
  },
  {
    seed: 74058,
    choice: 'truncRequiresHistory',
    kind: 'safety',
    violation: /server 1 \(commit 0x200000001, epoch 2\) diverges from the committed history: position 20/,
    story:
      'server 1 is SNAP-synced at 0x200000000 (28 txns), then gets TRUNC 0x10000001c: the reload from the log ends at 0x100000014, and without the fix the sync goes on over the hole',
  },
];

function before(k: KnownFailure): RuntimePolicy {
  return { ...SIM_RUNTIME, [k.choice]: BEFORE_FIXES[k.choice] };
}

for (const k of KNOWN) {
  test(`seed ${k.seed} fails as described without the ${k.choice} fix and passes with today's runtime: ${k.story}`, (t) => {
    t.true(ZKTS_TODAY[k.choice], 'the runtime has the fix');
    const bad = runSeed(k.seed, { policy: before(k) }).violations.filter((v) => v.kind === k.kind);
    t.regex(bad[0]?.message ?? 'no violation', k.violation);
    t.deepEqual(runSeed(k.seed, { policy: ZKTS_TODAY }).violations.map((v) => v.message), []);
  });
}
