// Known failures: bugs the simulation found in the peer runtime's choices (src/quorum/peer), not
// in the election or Zab machines. The sweep runs with the proposed fixes (SIM_RUNTIME in
// policy.ts); here one seed per bug shows the failure with today's choice (ZKTS_TODAY for that
// one choice, an ava "known failure") and that the fix makes the same seed pass. Once the runtime
// adopts a fix, ZKTS_TODAY changes, the `failing` test passes, and ava says so.

import test from 'ava';
import { SIM_RUNTIME, ZKTS_TODAY, type RuntimePolicy } from './policy';
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
];

function today(k: KnownFailure): RuntimePolicy {
  return { ...SIM_RUNTIME, [k.choice]: ZKTS_TODAY[k.choice] };
}

for (const k of KNOWN) {
  test.failing(`known failure (${k.choice}), seed ${k.seed}: ${k.story}`, (t) => {
    const r = runSeed(k.seed, { policy: today(k) });
    t.deepEqual(r.violations.map((v) => v.message), []);
  });

  test(`seed ${k.seed} fails as described with today's ${k.choice} and passes with the fix`, (t) => {
    const bad = runSeed(k.seed, { policy: today(k) }).violations.filter((v) => v.kind === k.kind);
    t.regex(bad[0]?.message ?? 'no violation', k.violation);
    t.deepEqual(runSeed(k.seed).violations.map((v) => v.message), []);
  });
}
