// The tool commands through bin/zkts: listed in the usage, exit statuses reach the shell, and a
// reader that closes the pipe early does not produce a stack trace.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import test from 'ava';
import { everyTypeTxns, setDataTxn, tempDir } from '../persistence/support-txnlog/helpers';
import { repoRoot, runZkts, writeLog } from './support';

test('the usage lists the tools; each has its own -h', (t) => {
  const r = runZkts(['--help']);
  t.is(r.status, 0);
  for (const c of ['txnlog', 'snapshot', 'cleanup']) t.regex(r.stdout, new RegExp(`^  ${c} `, 'm'));
  for (const c of ['txnlog', 'snapshot', 'cleanup']) {
    const h = runZkts([c, '-h']);
    t.is(h.status, 0, c);
    t.regex(h.stdout, new RegExp(`^Usage: zkts ${c}`), c);
  }
});

test('exit statuses of asynchronous and synchronous tools reach the shell', (t) => {
  const dir = tempDir(t, 'cli');
  t.is(runZkts(['txnlog']).status, 2);
  t.is(runZkts(['txnlog', join(dir, 'missing')]).status, 1);
  t.is(runZkts(['snapshot', join(dir, 'missing')]).status, 2);
  t.is(runZkts(['cleanup', '-n', '1', dir]).status, 1);
  t.is(runZkts(['version']).status, 0);
  t.is(runZkts(['no-such-command']).status, 2);
});

test('`zkts txnlog <big log> | head -1` ends quietly', async (t) => {
  const dir = tempDir(t, 'cli');
  const file = await writeLog(dir, [...everyTypeTxns(1n), ...Array.from({ length: 3000 }, (_, i) => setDataTxn(100n + BigInt(i), 200))], 64 * 1024);
  const r = spawnSync('bash', ['-c', `set -o pipefail; node "${join(repoRoot, 'bin', 'zkts')}" txnlog "${file}" | head -1`], { encoding: 'utf8' });
  t.is(r.stdout, 'ZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n');
  t.is(r.stderr, '');
  t.is(r.status, 0);
});
