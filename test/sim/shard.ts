// Registers the seed sweep as ava tests. The seeds (SIM_SEEDS, default 20,000, from SIM_FIRST_SEED,
// default 1) are split across `shards` test files, which ava runs in parallel workers, and within
// a file into batches, so each test reports well inside ava's timeout. A failing seed is printed
// with its violations, the tail of its trace, and the replay command.

import type { ExecutionContext, TestFn } from 'ava';
import { describeCoverage, describeFailures, seedBudget, sweep, type SweepFailure } from './sweep';
import { runSeed } from './world';

export const DEFAULT_SEEDS = 20_000;
const BATCH = 500;

export function registerShard(test: TestFn, shard: number, shards: number): void {
  const { first, total } = seedBudget(DEFAULT_SEEDS);
  const per = Math.ceil(total / shards);
  const start = first + shard * per;
  const end = Math.min(first + total, start + per);
  for (let from = start; from < end; from += BATCH) {
    const count = Math.min(BATCH, end - from);
    test(`seeds ${from}..${from + count - 1}: safety (one leader per epoch, committed prefixes agree, nothing committed is lost, session FIFO) and liveness after healing`, (t) => {
      const r = sweep(from, count);
      t.log(`${count} seeds, ${r.steps} events, ${Math.round(r.simMs / 1000)} simulated s, ${r.epochs} epochs established, ${r.committed} txns committed, ${r.acked} writes acknowledged; slowest recovery ${r.maxLiveAfterMs} ms`);
      t.log(describeCoverage(r.coverage));
      report(t, 'SAFETY', r.failures.filter((f) => f.kind === 'safety'));
      report(t, 'LIVENESS', r.failures.filter((f) => f.kind === 'liveness'));
    });
  }
}

function report(t: ExecutionContext, kind: string, failures: readonly SweepFailure[]): void {
  if (failures.length > 0) {
    t.log(`${kind} failures in ${failures.length} seeds:\n${describeFailures(failures)}`);
    const lines: string[] = [];
    runSeed(failures[0]!.seed, { trace: (l) => lines.push(l) });
    t.log(`last trace lines of seed ${failures[0]!.seed}:\n${lines.slice(-60).join('\n')}`);
  }
  t.deepEqual(failures.map((f) => f.seed), [], `${kind} failures (seeds listed; replay with node dist/test/sim/replay.js --seed N --trace)`);
}
