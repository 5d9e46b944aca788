// `zkts cleanup`: keeps the newest N snapshots and the logs they need, prints what it removes,
// refuses N < 3 with the reference's message, and finds the directories in zoo.cfg.

import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { readDataDirs, runCleanup } from '../../src/tools/cleanup-tool';
import { CaptureIO } from '../../src/tools/io';
import { tempDir } from '../persistence/support-txnlog/helpers';
import { runZkts, SYSTEM_NODES, writeSnap } from './support';

async function run(args: string[]): Promise<CaptureIO & { status: number }> {
  const io = new CaptureIO();
  const status = await runCleanup(args, io);
  return Object.assign(io, { status });
}

/** dataDir with snapshots 0x100..0x500 and logs 0x50, 0x150 ... 0x450 in its version-2. */
async function populate(dataDir: string, logDir = dataDir): Promise<{ snapDir: string; logDir: string }> {
  const snapDir = join(dataDir, 'version-2');
  const logV2 = join(logDir, 'version-2');
  mkdirSync(snapDir, { recursive: true });
  mkdirSync(logV2, { recursive: true });
  for (let i = 1; i <= 5; i++) {
    const f = await writeSnap(snapDir, { sessions: [], nodes: SYSTEM_NODES }, BigInt(i * 0x100));
    utimesSync(f, 1700000000, 1700000000);
    const log = join(logV2, `log.${(i * 0x100 - 0xb0).toString(16)}`);
    writeFileSync(log, 'x');
    utimesSync(log, 1700000000, 1700000000);
  }
  return { snapDir, logDir: logV2 };
}

test('keeps the 3 newest snapshots and the logs from the one before the oldest kept', async (t) => {
  const dataDir = tempDir(t, 'cleanup');
  const { snapDir } = await populate(dataDir);
  const r = runZkts(['cleanup', '-n', '3', dataDir]);
  t.is(r.status, 0, r.stderr);
  const removed = r.stdout.trim().split('\n').sort();
  t.deepEqual(
    removed,
    ['log.50', 'log.150', 'snapshot.100', 'snapshot.200'].map((n) => `Removing file: Nov 14, 2023, 10:13:20 PM\t${join(snapDir, n)}`).sort(),
  );
  t.deepEqual(readdirSync(snapDir).sort(), ['log.250', 'log.350', 'log.450', 'snapshot.300', 'snapshot.400', 'snapshot.500']);
  // Nothing left to remove the second time.
  const again = await run([dataDir]);
  t.is(again.status, 0);
  t.is(again.stdout, '');
});

test('separate dataLogDir, default count 3, -n 4', async (t) => {
  const dataDir = tempDir(t, 'cleanup');
  const logDir = tempDir(t, 'cleanup-log');
  const dirs = await populate(dataDir, logDir);
  const r = await run(['-n', '4', dataDir, logDir]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(readdirSync(dirs.snapDir).sort(), ['snapshot.200', 'snapshot.300', 'snapshot.400', 'snapshot.500']);
  t.deepEqual(readdirSync(dirs.logDir).sort(), ['log.150', 'log.250', 'log.350', 'log.450']);
  t.is(r.stdout.trim().split('\n').length, 2);
});

test("a count below 3 or not a number is refused with the reference's message", async (t) => {
  const dataDir = tempDir(t, 'cleanup');
  await populate(dataDir);
  const low = await run(['-n', '2', dataDir]);
  t.is(low.status, 1);
  t.regex(low.stderr, /count should be greater than or equal to 3/);
  const nan = await run(['-n', 'x', dataDir]);
  t.is(nan.status, 1);
  t.regex(nan.stderr, /'x' can not be parsed to integer\./);
  t.is(readdirSync(join(dataDir, 'version-2')).length, 10);
});

test('a directory that does not exist is refused', async (t) => {
  const r = await run([join(tempDir(t, 'cleanup'), 'nope')]);
  t.is(r.status, 1);
  t.regex(r.stderr, /Path '.*nope' does not exist\./);
});

test('without directories, dataDir and dataLogDir come from the config file', async (t) => {
  const dataDir = tempDir(t, 'cleanup');
  const logDir = tempDir(t, 'cleanup-log');
  const dirs = await populate(dataDir, logDir);
  const cfg = join(dataDir, 'zoo.cfg');
  writeFileSync(cfg, `# a comment\ntickTime=2000\n  dataDir = ${dataDir}\ndataLogDir=${logDir}\nclientPort=2181\n`);
  const r = await run(['--config', cfg]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(readdirSync(dirs.logDir).sort(), ['log.250', 'log.350', 'log.450']);
  const missing = await run(['--config', join(dataDir, 'none.cfg')]);
  t.is(missing.status, 1);
  t.regex(missing.stderr, /none\.cfg cannot be read/);
});

test('readDataDirs: last value wins, blanks ignored, other keys ignored', (t) => {
  t.deepEqual(readDataDirs('dataDir=/a\ndataDir=/b\r\ndataLogDir=\nfoo=bar\n#dataLogDir=/x\n'), { dataDir: '/b' });
  t.deepEqual(readDataDirs('dataLogDir : /l\ndataDir=/d'), { dataDir: '/d', dataLogDir: '/l' });
});
