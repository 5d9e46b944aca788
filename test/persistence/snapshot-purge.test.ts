// Retention as the reference's PurgeTxnLog: keep N valid snapshots and the logs they need.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { prepareDataDirs } from '../../src/persistence/files';
import { purge, PurgeError } from '../../src/persistence/snapshot';
import { fixture } from './support-snap/snap-fakes';

const validPlain = readFileSync(fixture('empty').path);
const validGz = readFileSync(fixture('gz').path);

async function setup(t: { teardown(f: () => void): void }, separate: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'zkts-purge-'));
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const dataDir = join(root, 'data');
  const dataLogDir = separate ? join(root, 'log') : undefined;
  const dirs = await prepareDataDirs({ dataDir, dataLogDir });
  return { dataDir, dataLogDir, ...dirs };
}

test('retainCount below 3 is refused', async (t) => {
  const e = await t.throwsAsync(purge('/nonexistent', undefined, 2), { instanceOf: PurgeError });
  t.regex(e!.message, /count should be greater than or equal to 3/);
  await t.throwsAsync(purge('/nonexistent', undefined, 0), { instanceOf: PurgeError });
});

for (const separate of [false, true]) {
  test(`keeps the N newest valid snapshots and the logs they need (${separate ? 'separate log dir' : 'one dir'})`, async (t) => {
    const d = await setup(t, separate);
    const snap = (name: string, bytes: Buffer = validPlain) => writeFileSync(join(d.snapDir, name), bytes);
    const log = (name: string) => writeFileSync(join(d.logDir, name), 'log');
    log('log.1');
    log('log.30');
    log('log.55'); // starts before the oldest retained snapshot (0x60): may hold txns after it
    log('log.70');
    log('log.a0');
    log('log.junk'); // no zxid: -1 < 0x60, deleted as by the reference
    snap('snapshot.20');
    snap('snapshot.40');
    snap('snapshot.60');
    snap('snapshot.80.gz', validGz);
    snap('snapshot.90', validPlain.subarray(0, 100)); // not valid: not counted, newer so kept
    snap('snapshot.a0');
    snap('snapshot.10.tmp', validPlain.subarray(0, 50)); // older left-over temporary: deleted
    snap('snapshot.b0.tmp', validPlain); // a newer one (a write in progress): neither counted nor deleted
    writeFileSync(join(d.snapDir, 'acceptedEpoch'), '1');
    writeFileSync(join(d.snapDir, 'currentEpoch'), '1');

    const r = await purge(d.dataDir, d.dataLogDir, 3);
    t.is(r.oldestRetainedZxid, 0x60n);
    t.deepEqual(r.failed, []);
    const left = (dir: string) => readdirSync(dir).sort();
    if (separate) {
      t.deepEqual(left(d.logDir), ['log.55', 'log.70', 'log.a0']);
      t.deepEqual(left(d.snapDir), ['acceptedEpoch', 'currentEpoch', 'snapshot.60', 'snapshot.80.gz', 'snapshot.90', 'snapshot.a0', 'snapshot.b0.tmp']);
    } else {
      t.deepEqual(left(d.snapDir), ['acceptedEpoch', 'currentEpoch', 'log.55', 'log.70', 'log.a0', 'snapshot.60', 'snapshot.80.gz', 'snapshot.90', 'snapshot.a0', 'snapshot.b0.tmp']);
    }
    t.is(r.deleted.length, 6, "log.1, log.30, log.junk, snapshot.10.tmp, snapshot.20, snapshot.40");
  });
}

test('the log starting exactly at the oldest retained snapshot is the only older-or-equal one kept', async (t) => {
  const d = await setup(t, false);
  for (const n of ['log.10', 'log.40', 'log.50']) writeFileSync(join(d.logDir, n), 'log');
  for (const n of ['snapshot.30', 'snapshot.40', 'snapshot.45', 'snapshot.60']) writeFileSync(join(d.snapDir, n), validPlain);
  await purge(d.dataDir, undefined, 3);
  t.deepEqual(readdirSync(d.snapDir).sort(), ['log.40', 'log.50', 'snapshot.40', 'snapshot.45', 'snapshot.60']);
});

test('fewer valid snapshots than N: nothing older than the oldest is needed, and with none nothing is touched', async (t) => {
  const d = await setup(t, false);
  writeFileSync(join(d.logDir, 'log.1'), 'log');
  writeFileSync(join(d.snapDir, 'snapshot.5'), validPlain.subarray(0, 20));
  const none = await purge(d.dataDir, undefined, 3);
  t.is(none.oldestRetainedZxid, null);
  t.deepEqual(none.deleted, []);
  writeFileSync(join(d.snapDir, 'snapshot.8'), validPlain);
  const r = await purge(d.dataDir, undefined, 5);
  t.is(r.oldestRetainedZxid, 0x8n);
  t.deepEqual(readdirSync(d.snapDir).sort(), ['log.1', 'snapshot.8'], 'the invalid older snapshot goes, log.1 is needed');
  t.true(existsSync(join(d.snapDir, 'log.1')));
});
