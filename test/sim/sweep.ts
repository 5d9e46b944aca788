// Runs a range of seeds and collects the failing ones, with what it takes to replay each.

import { runSeed, type RunResult } from './world';

export interface SweepFailure {
  readonly seed: number;
  readonly kind: 'safety' | 'liveness';
  readonly messages: readonly string[];
}

export interface SweepResult {
  readonly seeds: number;
  readonly failures: readonly SweepFailure[];
  readonly steps: number;
  readonly simMs: number;
  readonly committed: number;
  readonly acked: number;
  readonly epochs: number;
  readonly notes: number;
  /** The slowest liveness after a heal (simulated ms). */
  readonly maxLiveAfterMs: number;
  readonly coverage: ReadonlyMap<string, number>;
}

/** Runs seeds first..first+count-1. */
export function sweep(first: number, count: number, run: (seed: number) => RunResult = (s) => runSeed(s)): SweepResult {
  const failures: SweepFailure[] = [];
  let steps = 0;
  let simMs = 0;
  let committed = 0;
  let acked = 0;
  let epochs = 0;
  let notes = 0;
  let maxLiveAfterMs = 0;
  const coverage = new Map<string, number>();
  for (let seed = first; seed < first + count; seed++) {
    const r = run(seed);
    steps += r.stats.steps;
    simMs += r.stats.simMs;
    committed += r.stats.committed;
    acked += r.stats.acked;
    epochs += r.stats.epochs;
    notes += r.notes.length;
    for (const [k, v] of r.coverage) coverage.set(k, (coverage.get(k) ?? 0) + v);
    if (r.stats.liveAfterMs !== null) maxLiveAfterMs = Math.max(maxLiveAfterMs, r.stats.liveAfterMs);
    const safety = r.violations.filter((v) => v.kind === 'safety');
    const liveness = r.violations.filter((v) => v.kind === 'liveness');
    if (safety.length > 0) failures.push({ seed, kind: 'safety', messages: safety.map((v) => `at ${v.atMs.toFixed(1)} ms: ${v.message}`) });
    else if (liveness.length > 0) failures.push({ seed, kind: 'liveness', messages: liveness.map((v) => `at ${v.atMs.toFixed(1)} ms: ${v.message}`) });
  }
  return { seeds: count, failures, steps, simMs, committed, acked, epochs, notes, maxLiveAfterMs, coverage };
}

/** Coverage counts as one line, most frequent first. */
export function describeCoverage(coverage: ReadonlyMap<string, number>): string {
  return [...coverage]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, v]) => `${k}: ${v}`)
    .join(', ');
}

export function replayCommand(seed: number): string {
  return `node dist/test/sim/replay.js --seed ${seed} --trace`;
}

/** A failure report: each failing seed, its first messages, and the command that replays it. */
export function describeFailures(failures: readonly SweepFailure[], max = 10): string {
  return failures
    .slice(0, max)
    .map((f) => `seed ${f.seed} (${f.kind}): ${f.messages.slice(0, 3).join(' | ')}\n  replay: ${replayCommand(f.seed)}`)
    .join('\n');
}

/** The seeds a run covers: SIM_SEEDS overrides the default total, SIM_FIRST_SEED the start. */
export function seedBudget(defaultTotal: number): { first: number; total: number } {
  const total = Number(process.env['SIM_SEEDS'] ?? defaultTotal);
  const first = Number(process.env['SIM_FIRST_SEED'] ?? 1);
  if (!Number.isInteger(total) || total < 0) throw new RangeError(`SIM_SEEDS must be a non-negative integer, got ${process.env['SIM_SEEDS']}`);
  if (!Number.isInteger(first)) throw new RangeError(`SIM_FIRST_SEED must be an integer, got ${process.env['SIM_FIRST_SEED']}`);
  return { first, total };
}
