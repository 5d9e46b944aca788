// Data directory layout, file names, listing, the validity check and the start-up directory checks.

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import {
  compressionOf,
  consumeInitializeFile,
  type DataDirError,
  dataDirLayout,
  findValidSnapshots,
  isValidSnapshotFile,
  listLogs,
  listSnapshots,
  logFileName,
  logsNeededFrom,
  prepareDataDirs,
  snapshotFileName,
  zxidFromFileName,
} from '../../src/persistence/files';
import { fixture } from './support-snap/snap-fakes';

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-files-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('names parse as the reference parses them: split on ".", second part as a signed hex long', (t) => {
  t.is(zxidFromFileName('snapshot.300000030', 'snapshot'), 0x300000030n);
  t.is(zxidFromFileName('snapshot.300000030.gz', 'snapshot'), 0x300000030n);
  t.is(zxidFromFileName('snapshot.1A.snappy', 'snapshot'), 0x1an);
  t.is(zxidFromFileName('snapshot.1a.tmp', 'snapshot'), 0x1an, 'a left-over temporary file has a zxid too');
  t.is(zxidFromFileName('log.100000001', 'log'), 0x100000001n);
  t.is(zxidFromFileName('log.100000001', 'snapshot'), -1n);
  t.is(zxidFromFileName('snapshot', 'snapshot'), -1n);
  t.is(zxidFromFileName('snapshot.xyz', 'snapshot'), -1n);
  t.is(zxidFromFileName('snapshot.', 'snapshot'), -1n);
  t.is(zxidFromFileName('snapshot.-5', 'snapshot'), -5n, 'Long.parseLong accepts a sign');
  t.is(zxidFromFileName('snapshot.7fffffffffffffff', 'snapshot'), (1n << 63n) - 1n);
  t.is(zxidFromFileName('snapshot.8000000000000000', 'snapshot'), -1n, 'out of range for a signed long');
  t.is(snapshotFileName(0x300000030n, ''), 'snapshot.300000030');
  t.is(snapshotFileName(0n, 'gz'), 'snapshot.0.gz');
  t.is(snapshotFileName(0xabcn, 'snappy'), 'snapshot.abc.snappy');
  t.is(snapshotFileName(-1n, ''), 'snapshot.ffffffffffffffff');
  t.is(logFileName(0x100000001n), 'log.100000001');
  t.is(compressionOf('snapshot.1.gz'), 'gz');
  t.is(compressionOf('snapshot.1.GZ'), 'gz', 'case-insensitive');
  t.is(compressionOf('snapshot.1.snappy'), 'snappy');
  t.is(compressionOf('snapshot.1.gz.tmp'), '', 'by the last part only');
  t.is(compressionOf('snapshot.1'), '');
});

test('layout: version-2 under dataDir and dataLogDir', (t) => {
  t.deepEqual(dataDirLayout('/d'), { snapDir: '/d/version-2', logDir: '/d/version-2' });
  t.deepEqual(dataDirLayout('/d', '/l'), { snapDir: '/d/version-2', logDir: '/l/version-2' });
});

test('listing sorts by zxid numerically, newest snapshot first, oldest log first', async (t) => {
  const dir = tmp(t);
  for (const n of ['snapshot.9', 'snapshot.10', 'snapshot.a.gz', 'snapshot.2.snappy', 'snapshot.junk', 'log.5', 'log.f', 'log.10', 'notes.txt', 'acceptedEpoch']) {
    writeFileSync(join(dir, n), 'x');
  }
  t.deepEqual((await listSnapshots(dir)).map((f) => f.name), ['snapshot.10', 'snapshot.a.gz', 'snapshot.9', 'snapshot.2.snappy']);
  t.deepEqual((await listSnapshots(dir)).map((f) => f.compression), ['', 'gz', '', 'snappy']);
  t.deepEqual((await listLogs(dir)).map((f) => f.name), ['log.5', 'log.f', 'log.10']);
  t.deepEqual(await listSnapshots(join(dir, 'missing')), []);
});

test('validity check: seal tail for plain files, magic for gz and snappy', async (t) => {
  const dir = tmp(t);
  const put = (name: string, b: Buffer | string): string => {
    writeFileSync(join(dir, name), b);
    return join(dir, name);
  };
  for (const name of ['plain', 'gz', 'snappy', 'empty']) {
    const f = fixture(name);
    t.true(await isValidSnapshotFile(f.path), name);
  }
  const plain = readFileSync(fixture('plain').path);
  t.false(await isValidSnapshotFile(put('snapshot.1', plain.subarray(0, plain.length - 1))), 'cut short');
  t.false(await isValidSnapshotFile(put('snapshot.2', Buffer.from([0, 0, 0, 0, 1, 0x2f]))), 'under 10 bytes');
  t.true(await isValidSnapshotFile(put('snapshot.3', Buffer.from([9, 9, 9, 9, 9, 0, 0, 0, 1, 0x2f]))), '10 bytes ending in the seal marker (a cheap check only)');
  t.false(await isValidSnapshotFile(put('snapshot.4.gz', plain)), 'not gzip');
  t.false(await isValidSnapshotFile(put('snapshot.5.snappy', readFileSync(fixture('gz').path))), 'not snappy-java');
  t.false(await isValidSnapshotFile(put('snapshot.6.gz', Buffer.from([0x1f]))), 'one byte');
  t.false(await isValidSnapshotFile(put('snapshot.zz', plain)), 'no zxid in the name');
  t.false(await isValidSnapshotFile(join(dir, 'snapshot.77')), 'missing');
  t.true(await isValidSnapshotFile(put('snapshot.7.tmp', plain)), 'a complete left-over .tmp passes the cheap check...');
  t.deepEqual((await findValidSnapshots(dir, 100)).map((f) => f.name), ['snapshot.3'], '...but is never listed (unlike the reference)');
  put('snapshot.8', plain);
  t.deepEqual((await findValidSnapshots(dir, 1)).map((f) => f.name), ['snapshot.8']);
});

test('prepareDataDirs creates version-2 dirs, or refuses when autocreate is off', async (t) => {
  const root = tmp(t);
  const dirs = await prepareDataDirs({ dataDir: join(root, 'data'), dataLogDir: join(root, 'log') });
  t.true(existsSync(dirs.snapDir) && existsSync(dirs.logDir));
  const e = await t.throwsAsync<DataDirError>(prepareDataDirs({ dataDir: join(root, 'other'), autocreate: false }));
  t.is(e!.code, 'DATADIR_MISSING');
  t.is(e!.dir, join(root, 'other', 'version-2'));
  t.regex(e!.message, /Missing data directory .*other\/version-2/);
});

test('separate log and snap dirs: misplaced files are refused with the directory named', async (t) => {
  const root = tmp(t);
  const dataDir = join(root, 'data');
  const dataLogDir = join(root, 'log');
  await prepareDataDirs({ dataDir, dataLogDir });
  writeFileSync(join(dataLogDir, 'version-2', 'snapshot.5'), 'x');
  const e1 = await t.throwsAsync<DataDirError>(prepareDataDirs({ dataDir, dataLogDir }));
  t.is(e1!.code, 'LOGDIR_HAS_SNAPSHOTS');
  t.is(e1!.dir, join(dataLogDir, 'version-2'));
  t.regex(e1!.message, /Log directory .*log\/version-2 has snapshot files \(snapshot\.5\)/);
  rmSync(join(dataLogDir, 'version-2', 'snapshot.5'));
  writeFileSync(join(dataDir, 'version-2', 'log.1'), 'x');
  const e2 = await t.throwsAsync<DataDirError>(prepareDataDirs({ dataDir, dataLogDir }));
  t.is(e2!.code, 'SNAPDIR_HAS_LOGS');
  t.regex(e2!.message, /Snapshot directory .*data\/version-2 has log files/);
  // One directory for both is normal.
  writeFileSync(join(dataDir, 'version-2', 'snapshot.0'), 'x');
  await t.notThrowsAsync(prepareDataDirs({ dataDir }));
});

test('the initialize file next to version-2 of the log dir is consumed once', async (t) => {
  const root = tmp(t);
  const { logDir } = await prepareDataDirs({ dataDir: root });
  t.false(await consumeInitializeFile(logDir));
  writeFileSync(join(root, 'initialize'), '');
  t.true(await consumeInitializeFile(logDir));
  t.false(existsSync(join(root, 'initialize')));
  t.false(await consumeInitializeFile(logDir));
});

test('logs needed from a snapshot: the newest log starting at or before it, and every later one', (t) => {
  const logs = [0x1n, 0x50n, 0x100n, 0x180n].map((zxid) => ({ path: '', name: logFileName(zxid), zxid }));
  const names = (z: bigint) => logsNeededFrom(logs, z).map((f) => f.name);
  t.deepEqual(names(0x120n), ['log.100', 'log.180']);
  t.deepEqual(names(0x100n), ['log.100', 'log.180']);
  t.deepEqual(names(0x0n), ['log.1', 'log.50', 'log.100', 'log.180'], 'snapshot older than every log: all of them');
  t.deepEqual(names(0x500n), ['log.180']);
});
