// Replays one simulation seed: `node dist/test/sim/replay.js --seed N [--trace] [--today] [--reconfig]`.
// --reconfig replays a seed of the reconfig worlds (sim-reconfig.test.ts).
// Prints the scenario, the event trace (with --trace), the violations and the run's numbers.

import { ZKTS_TODAY } from './policy';
import { describeScenario, scenarioFor } from './scenario';
import { runSeed } from './world';

function main(argv: readonly string[]): number {
  const i = argv.indexOf('--seed');
  const seed = i >= 0 ? Number(argv[i + 1]) : NaN;
  if (!Number.isInteger(seed)) {
    process.stderr.write('usage: node dist/test/sim/replay.js --seed N [--trace] [--today] [--reconfig]\n');
    return 2;
  }
  const trace = argv.includes('--trace');
  // With --trace the scenario is the trace's first line.
  if (!trace) process.stdout.write(`${describeScenario(scenarioFor(seed))}\n`);
  // --today: src/quorum/peer's current choices instead of the fixed ones the sweep uses (policy.ts).
  const policy = { ...(argv.includes('--today') ? { policy: ZKTS_TODAY } : {}), ...(argv.includes('--reconfig') ? { reconfig: true } : {}) };
  const r = runSeed(seed, trace ? { ...policy, trace: (line) => process.stdout.write(`${line}\n`) } : policy);
  for (const v of r.violations) process.stdout.write(`${v.kind.toUpperCase()} at ${v.atMs.toFixed(1)} ms: ${v.message}\n`);
  for (const n of r.notes) process.stdout.write(`note: ${n}\n`);
  process.stdout.write(`${JSON.stringify(r.stats)}\n`);
  return r.violations.length === 0 ? 0 : 1;
}

// `replay ... | head` closes the pipe early; that is not an error worth a stack trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});
process.exitCode = main(process.argv.slice(2));
