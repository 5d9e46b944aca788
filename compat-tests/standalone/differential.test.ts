// Differential tests: every script in diff/scripts runs against a fresh Apache ZooKeeper 3.8.0 and
// a fresh zkts, and the normalized transcripts (every reply and watch event, per client, in
// order) must be identical. Until zkts can be started (targets.ts), or with
// ZKTS_STANDALONE_TARGET=java, each script runs against two fresh Java servers instead, which
// proves that the transcripts and their normalization are deterministic, so that any difference
// against zkts is a real one.

import test from 'ava';
import {
  countSteps,
  diffTranscripts,
  normalize,
  renderTranscript,
  runScript,
  transcriptProblems,
  type NormalizedTranscript,
  type Script,
} from '../../test/support/differential';
import { SCRIPTS } from './diff/scripts';
import { comparisonTarget, startTarget, type TargetKind } from './targets';

async function transcriptOn(kind: TargetKind, script: Script): Promise<NormalizedTranscript> {
  const target = await startTarget(kind, { config: script.server ?? {} });
  try {
    return normalize(await runScript(script, target));
  } finally {
    await target.stop();
  }
}

test('the scripts cover at least 200 steps', (t) => {
  t.true(countSteps(SCRIPTS) >= 200, `${countSteps(SCRIPTS)} steps`);
  t.is(new Set(SCRIPTS.map((s) => s.name)).size, SCRIPTS.length);
});

// Serial: several of the scripts let sessions expire on ~2 s timeouts, which should not compete
// with a dozen JVMs starting at once.
for (const script of SCRIPTS) {
  test.serial(`differential: ${script.name} (${script.steps.length} steps)`, async (t) => {
    const reference = await transcriptOn('java', script);
    t.deepEqual(transcriptProblems(reference), [], `the Java transcript itself is not clean:\n${renderTranscript(reference)}`);
    if (comparisonTarget() === 'zkts') {
      const zkts = await transcriptOn('zkts', script);
      const diff = diffTranscripts(reference, zkts, ['java', 'zkts']);
      t.is(diff, null, diff ?? '');
    } else {
      t.log('zkts not available (or ZKTS_STANDALONE_TARGET=java): comparing two Java runs');
      const again = await transcriptOn('java', script);
      const diff = diffTranscripts(reference, again, ['java#1', 'java#2']);
      t.is(diff, null, diff ?? '');
    }
  });
}
