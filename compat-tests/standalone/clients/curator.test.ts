// Apache Curator 5.4 recipes (and the ZooKeeper 3.8 Java client under them) against a target:
// the Java program in curator/ is compiled at test time against Debian's jars and prints one
// PASS/FAIL line per scenario.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { clientTargets, startTarget } from '../targets';
import { clientSource, JAVA_CLIENT_CLASSPATH, runProcess } from './support';

const SCENARIOS = [
  'crud',
  'transactions',
  'ttl-and-containers',
  'acl-and-auth',
  'zookeeper-api',
  'leader-latch',
  'leader-selector',
  'interprocess-mutex',
  'semaphore-v2',
  'distributed-atomic-long',
  'curator-cache',
  'persistent-watcher',
];

let compiled: Promise<string> | null = null;

/** Compiles CuratorScenarios.java once per test file; resolves with the class directory. */
function compile(): Promise<string> {
  compiled ??= (async () => {
    const out = mkdtempSync(join(tmpdir(), 'zkts-curator-'));
    const r = await runProcess('javac', ['-nowarn', '-cp', JAVA_CLIENT_CLASSPATH, '-d', out, clientSource('curator', 'CuratorScenarios.java')], {
      timeoutMs: 120_000,
    });
    if (r.code !== 0) throw new Error(`javac failed (${r.code}${r.timedOut ? ', timed out' : ''}):\n${r.output}`);
    return out;
  })();
  return compiled;
}

for (const kind of clientTargets()) {
  test(`Curator 5.4 recipes against ${kind}`, async (t) => {
    const classes = await compile();
    const server = await startTarget(kind, { config: { extendedTypesEnabled: 'true' } });
    try {
      const r = await runProcess('java', ['-Xshare:auto', '-cp', `${classes}:${JAVA_CLIENT_CLASSPATH}`, 'CuratorScenarios', `${server.host}:${server.port}`], {
        timeoutMs: 170_000,
      });
      t.false(r.timedOut, r.output);
      for (const name of SCENARIOS) t.regex(r.stdout, new RegExp(`^PASS ${name} \\(`, 'm'), `${name}:\n${r.output}`);
      t.notRegex(r.stdout, /^FAIL /m, r.output);
      t.regex(r.stdout, /^DONE failures=0$/m, r.output);
      t.is(r.code, 0, r.output);
    } finally {
      await server.stop();
    }
  });
}
