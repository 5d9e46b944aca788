// Differential: `zkts cleanup -n N dataDir [dataLogDir]` against the reference's PurgeTxnLog (what
// zkCleanup.sh runs) on two identical copies of a data directory: the same files removed, the
// same "Removing file: <mtime>\t<path>" lines (compared as sets: both list the directory in its
// on-disk order, which may differ between the two copies), and the same refusal of a count below 3.

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { SYSTEM_NODES, writeSnap } from '../../test/tools/support';
import { PURGE_TXN_LOG, runJava, runZkts } from './support';

/** Snapshots 0x100..0x600 (0x500 cut short, so not valid) and logs 0x50, 0x150 ... 0x650. */
async function populate(dataDir: string, logDir: string): Promise<void> {
  const snapV2 = join(dataDir, 'version-2');
  const logV2 = join(logDir, 'version-2');
  mkdirSync(snapV2, { recursive: true });
  mkdirSync(logV2, { recursive: true });
  for (let i = 1; i <= 6; i++) {
    const snap = await writeSnap(snapV2, { sessions: [], nodes: SYSTEM_NODES }, BigInt(i * 0x100));
    if (i === 5) writeFileSync(snap, readFileSync(snap).subarray(0, 40));
    const log = join(logV2, `log.${(i * 0x100 - 0xb0).toString(16)}`);
    writeFileSync(log, 'not read');
    for (const f of [snap, log]) utimesSync(f, 1700000000 + i, 1700000000 + i);
  }
}

function listing(dir: string): string[] {
  return readdirSync(dir).sort();
}

for (const separateLogDir of [false, true]) {
  test(`the same files removed and reported${separateLogDir ? ', dataLogDir separate' : ''}`, async (t) => {
    const root = mkdtempSync(join(tmpdir(), 'zkts-cleanup-compat-'));
    t.teardown(() => rmSync(root, { recursive: true, force: true }));
    const dirs = (side: string) => ({ data: join(root, side, 'data'), log: join(root, side, separateLogDir ? 'log' : 'data') });
    const java = dirs('java');
    const zkts = dirs('zkts');
    await populate(java.data, java.log);
    await populate(zkts.data, zkts.log);

    for (const n of ['3', '4']) {
      const [j, z] = await Promise.all([
        runJava(PURGE_TXN_LOG, separateLogDir ? [java.log, java.data, '-n', n] : [java.data, '-n', n]),
        runZkts(['cleanup', '-n', n, zkts.data, ...(separateLogDir ? [zkts.log] : [])]),
      ]);
      t.is(j.status, 0, j.stderr);
      t.is(z.status, 0, z.stderr);
      const lines = (out: Buffer, side: string): string[] =>
        out
          .toString('utf8')
          .split('\n')
          .filter((l) => l !== '')
          .map((l) => l.replace(join(root, side), '<root>'))
          .sort();
      t.deepEqual(lines(z.stdout, 'zkts'), lines(j.stdout, 'java'), `-n ${n}`);
      t.deepEqual(listing(join(zkts.data, 'version-2')), listing(join(java.data, 'version-2')), `-n ${n}`);
      t.deepEqual(listing(join(zkts.log, 'version-2')), listing(join(java.log, 'version-2')), `-n ${n}`);
    }
    // Something was removed by the first run, and the invalid snapshot.500 is still there.
    t.false(listing(join(java.data, 'version-2')).includes('snapshot.100'));
    t.true(listing(join(java.data, 'version-2')).includes('snapshot.500'));
  });
}

test('a count below 3 is refused by both, with the same message', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'zkts-cleanup-compat-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  await populate(join(root, 'data'), join(root, 'data'));
  const [j, z] = await Promise.all([runJava(PURGE_TXN_LOG, [join(root, 'data'), '-n', '2']), runZkts(['cleanup', '-n', '2', join(root, 'data')])]);
  t.is(z.status, j.status);
  t.true(j.stderr.includes('count should be greater than or equal to 3'));
  t.true(z.stderr.includes('count should be greater than or equal to 3'));
  t.is(readdirSync(join(root, 'data', 'version-2')).length, 12);
});
