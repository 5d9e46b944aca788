// Runs one differential script and prints its normalized transcript, for writing scripts and for
// chasing a difference by hand:
//   node dist/compat-tests/standalone/diff/run.js <script> [java|zkts|host:port] [--raw]
// With a host:port the server must already run with the script's `server` keys.

import { normalize, renderTranscript, runScript, transcriptProblems } from '../../../test/support/differential';
import { startTarget } from '../targets';
import { SCRIPTS } from './scripts';

async function main(): Promise<void> {
  const [name, where = 'java', flag] = process.argv.slice(2);
  const script = SCRIPTS.find((s) => s.name === name);
  if (script === undefined) throw new Error(`unknown script ${name}; have ${SCRIPTS.map((s) => s.name).join(', ')}`);
  const hostPort = /^([^:]+):(\d+)$/.exec(where);
  const target = hostPort ? null : await startTarget(where as 'java' | 'zkts', { config: script.server ?? {} });
  try {
    const t = await runScript(script, target ?? { host: hostPort![1]!, port: Number(hostPort![2]) });
    if (flag === '--raw') console.log(t);
    const n = normalize(t);
    console.log(renderTranscript(n));
    const problems = transcriptProblems(n);
    if (problems.length > 0) console.log(`\nPROBLEMS:\n${problems.join('\n')}`);
  } finally {
    await target?.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
