// The seeded simulation with dynamic reconfiguration (docs/simulation.md, "Reconfiguration"):
// the same worlds as sim.test.ts, plus reconfig requests (remove a voter, add one back, turn a
// participant into an observer or back, -members replacement) from a separate seed stream, run
// through planReconfig and the production leader/learner machines with reconfigEnabled. Checked:
// everything sim.test.ts checks, plus one membership per activated config version and no commits
// by a leader after it stopped voting. SIM_RECONFIG_SEEDS / SIM_RECONFIG_FIRST_SEED move the range.

import test, { type ExecutionContext } from 'ava';
import { describeCoverage, sweep, type SweepFailure } from './sweep';
import { RECONFIG_RUNTIME } from './reconfig-peer';
import { runSeed } from './world';

/** About 30 s on one worker of the shared 2-CPU machine (measured: docs/simulation.md). */
const DEFAULT_SEEDS = 4_000;
const BATCH = 500;

function budget(): { first: number; total: number } {
  const total = Number(process.env['SIM_RECONFIG_SEEDS'] ?? DEFAULT_SEEDS);
  const first = Number(process.env['SIM_RECONFIG_FIRST_SEED'] ?? 1);
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`SIM_RECONFIG_SEEDS must be a non-negative integer, got ${process.env['SIM_RECONFIG_SEEDS']}`);
  if (!Number.isInteger(first)) throw new RangeError(`SIM_RECONFIG_FIRST_SEED must be an integer, got ${process.env['SIM_RECONFIG_FIRST_SEED']}`);
  return { first, total };
}

const replay = (seed: number): string => `node dist/test/sim/replay.js --seed ${seed} --reconfig --trace`;

function report(t: ExecutionContext, kind: string, failures: readonly SweepFailure[]): void {
  if (failures.length > 0) {
    t.log(`${kind} failures in ${failures.length} seeds:\n${failures.slice(0, 10).map((f) => `seed ${f.seed}: ${f.messages.slice(0, 3).join(' | ')}\n  replay: ${replay(f.seed)}`).join('\n')}`);
    const lines: string[] = [];
    runSeed(failures[0]!.seed, { reconfig: true, trace: (l) => lines.push(l) });
    t.log(`last trace lines of seed ${failures[0]!.seed}:\n${lines.slice(-60).join('\n')}`);
  }
  t.deepEqual(failures.map((f) => f.seed), [], `${kind} failures (replay with ${replay(0).replace(' 0 ', ' N ')})`);
}

const { first, total } = budget();
for (let from = first; from < first + total; from += BATCH) {
  const count = Math.min(BATCH, first + total - from);
  test(`reconfig seeds ${from}..${from + count - 1}: the sim's safety and liveness checks, one membership per config version, no commits by a leader that left the voters`, (t) => {
    const r = sweep(from, count, (s) => runSeed(s, { reconfig: true }));
    t.log(`${count} seeds, ${r.steps} events, ${r.epochs} epochs established, ${r.committed} txns committed; slowest recovery ${r.maxLiveAfterMs} ms`);
    t.log(describeCoverage(r.coverage));
    // The sweep must actually reconfigure, or it proves nothing about reconfig.
    const proposedReconfigs = [...r.coverage].filter(([k]) => k.startsWith('reconfig proposed')).reduce((a, [, v]) => a + v, 0);
    t.true(proposedReconfigs > count / 4, `only ${proposedReconfigs} reconfigs proposed in ${count} seeds`);
    t.true((r.coverage.get('reconfig ends a learner role') ?? 0) > 0, 'no activation ever changed a learner role or leader');
    report(t, 'SAFETY', r.failures.filter((f) => f.kind === 'safety'));
    report(t, 'LIVENESS', r.failures.filter((f) => f.kind === 'liveness'));
  });
}

test('seed 116: an observer made a voter must elect as a participant (updateLearnerType), else two voters never rejoin', (t) => {
  const old = runSeed(116, { reconfig: { ...RECONFIG_RUNTIME, learnerTypeFollowsConfig: false } });
  const liveness = old.violations.filter((v) => v.kind === 'liveness');
  t.is(old.violations.filter((v) => v.kind === 'safety').length, 0);
  t.regex(liveness[0]?.message ?? '(none)', /no liveness .* s1=looking .* s4=looking/);
  t.deepEqual(runSeed(116, { reconfig: true }).violations, []);
});

test('a reconfig seed replays exactly', (t) => {
  const a: string[] = [];
  const b: string[] = [];
  runSeed(240, { reconfig: true, trace: (l) => a.push(l) });
  runSeed(240, { reconfig: true, trace: (l) => b.push(l) });
  t.true(a.some((l) => l.includes('config ') && l.includes(' active: ')), 'seed 240 activates a config');
  t.deepEqual(a, b);
});
