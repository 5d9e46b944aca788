// kazoo (python3-kazoo 2.8) recipes against a target: the script in kazoo/ prints one PASS/FAIL
// line per scenario (Lock, Semaphore, Election, Counter, DataWatch, ChildrenWatch, transactions,
// ACLs, LockingQueue, Party).

import test from 'ava';
import { clientTargets, startTarget } from '../targets';
import { clientSource, runProcess } from './support';

// Debian's interpreter, which has python3-kazoo (a python3 earlier on PATH may not).
const PYTHON = '/usr/bin/python3';
const SCENARIOS = ['crud', 'transactions', 'lock', 'election', 'counter', 'data_watch', 'children_watch', 'acl_and_auth', 'queue_and_party'];

for (const kind of clientTargets()) {
  test(`kazoo recipes against ${kind}`, async (t) => {
    const server = await startTarget(kind);
    try {
      const r = await runProcess(PYTHON, [clientSource('kazoo', 'kazoo_scenarios.py'), `${server.host}:${server.port}`], { timeoutMs: 130_000 });
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
