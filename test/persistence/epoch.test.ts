// acceptedEpoch / currentEpoch / myid: contents, atomic replacement, start-up rules.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { decideEpochs, EpochError, firstLine, loadEpochs, parseJavaLong, readEpochFile, readMyId, writeEpochFile } from '../../src/persistence/epoch';

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-epoch-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const zxid = (epoch: bigint, counter: bigint) => (epoch << 32n) | counter;

test('epoch files hold the decimal value and nothing else, and are replaced atomically', async (t) => {
  const dir = tmp(t);
  await writeEpochFile(dir, 'acceptedEpoch', 7n);
  t.is(readFileSync(join(dir, 'acceptedEpoch'), 'latin1'), '7');
  await writeEpochFile(dir, 'acceptedEpoch', 12345678901n);
  t.is(readFileSync(join(dir, 'acceptedEpoch'), 'latin1'), '12345678901');
  await writeEpochFile(dir, 'currentEpoch', -1n);
  t.is(readFileSync(join(dir, 'currentEpoch'), 'latin1'), '-1');
  t.deepEqual(readdirSync(dir).sort(), ['acceptedEpoch', 'currentEpoch'], 'no temporary left behind');
  t.is(await readEpochFile(dir, 'acceptedEpoch'), 12345678901n);
  t.is(await readEpochFile(dir, 'missing'), null);
});

test('reading follows BufferedReader.readLine + Long.parseLong', async (t) => {
  const dir = tmp(t);
  writeFileSync(join(dir, 'currentEpoch'), '5\n');
  t.is(await readEpochFile(dir, 'currentEpoch'), 5n, 'a trailing newline (a hand-written file) is fine');
  writeFileSync(join(dir, 'currentEpoch'), '6\r\njunk');
  t.is(await readEpochFile(dir, 'currentEpoch'), 6n);
  writeFileSync(join(dir, 'currentEpoch'), ' 6');
  const e1 = await t.throwsAsync(readEpochFile(dir, 'currentEpoch'), { instanceOf: EpochError });
  t.is(e1!.code, 'EPOCH_FILE_INVALID');
  t.regex(e1!.message, /^Found  6 in .*currentEpoch$/);
  writeFileSync(join(dir, 'currentEpoch'), '');
  const e2 = await t.throwsAsync(readEpochFile(dir, 'currentEpoch'), { instanceOf: EpochError });
  t.regex(e2!.message, /^Found null in /);
  t.is(parseJavaLong('+9'), 9n);
  t.is(parseJavaLong('9223372036854775807'), (1n << 63n) - 1n);
  t.is(parseJavaLong('9223372036854775808'), undefined);
  t.is(firstLine('a\rb'), 'a');
});

test('a left-over currentEpoch.tmp does not corrupt the file, and the next write replaces it', async (t) => {
  const dir = tmp(t);
  await writeEpochFile(dir, 'currentEpoch', 3n);
  writeFileSync(join(dir, 'currentEpoch.tmp'), '4'); // crash after writing the tmp, before the rename
  t.is(await readEpochFile(dir, 'currentEpoch'), 3n);
  writeFileSync(join(dir, 'currentEpoch.tmp'), '4garbage-half-writ');
  t.is(await readEpochFile(dir, 'currentEpoch'), 3n);
  await writeEpochFile(dir, 'currentEpoch', 5n);
  t.is(readFileSync(join(dir, 'currentEpoch'), 'latin1'), '5');
  t.false(existsSync(join(dir, 'currentEpoch.tmp')));
});

test('start-up: missing files are created from the epoch of the last zxid', (t) => {
  const d = decideEpochs(zxid(4n, 9n), { currentEpoch: null, currentEpochTmp: null, acceptedEpoch: null });
  t.deepEqual(d, {
    ok: true,
    currentEpoch: 4n,
    acceptedEpoch: 4n,
    writes: [
      { name: 'currentEpoch', value: 4n },
      { name: 'acceptedEpoch', value: 4n },
    ],
  });
  const fresh = decideEpochs(0n, { currentEpoch: null, currentEpochTmp: null, acceptedEpoch: null });
  t.true(fresh.ok && fresh.currentEpoch === 0n && fresh.acceptedEpoch === 0n);
});

test('start-up: a currentEpoch behind the last zxid uses currentEpoch.tmp, else fails', (t) => {
  const last = zxid(5n, 1n);
  const fixed = decideEpochs(last, { currentEpoch: '4', currentEpochTmp: '5', acceptedEpoch: '5' });
  t.deepEqual(fixed, { ok: true, currentEpoch: 5n, acceptedEpoch: 5n, writes: [{ name: 'currentEpoch', value: 5n }] });
  const bad = decideEpochs(last, { currentEpoch: '4', currentEpochTmp: null, acceptedEpoch: '5' });
  t.false(bad.ok);
  if (!bad.ok) {
    t.is(bad.error.code, 'CURRENT_EPOCH_BEHIND_ZXID');
    t.regex(bad.error.message, /The current epoch, 4, is older than the last zxid, 21474836481/);
  }
  const badTmp = decideEpochs(last, { currentEpoch: '4', currentEpochTmp: 'x', acceptedEpoch: '5' });
  t.true(!badTmp.ok && badTmp.error.code === 'EPOCH_FILE_INVALID');
  const ignoredTmp = decideEpochs(last, { currentEpoch: '5', currentEpochTmp: 'garbage', acceptedEpoch: '6' });
  t.true(ignoredTmp.ok, 'the tmp is only read when needed');
});

test('start-up: acceptedEpoch below currentEpoch fails (after the reference has written what it writes)', (t) => {
  const d = decideEpochs(zxid(3n, 1n), { currentEpoch: null, currentEpochTmp: null, acceptedEpoch: '2' });
  t.false(d.ok);
  if (!d.ok) {
    t.is(d.error.code, 'ACCEPTED_EPOCH_BEHIND_CURRENT');
    t.regex(d.error.message, /The accepted epoch, 2 is less than the current epoch, 3/);
    t.deepEqual(d.writes, [{ name: 'currentEpoch', value: 3n }]);
  }
  t.true(decideEpochs(zxid(3n, 1n), { currentEpoch: '3', currentEpochTmp: null, acceptedEpoch: '9' }).ok);
});

test('loadEpochs performs the writes and throws the error', async (t) => {
  const dir = tmp(t);
  t.deepEqual(await loadEpochs(dir, zxid(2n, 5n)), { currentEpoch: 2n, acceptedEpoch: 2n });
  t.is(readFileSync(join(dir, 'currentEpoch'), 'latin1'), '2');
  t.is(readFileSync(join(dir, 'acceptedEpoch'), 'latin1'), '2');
  writeFileSync(join(dir, 'currentEpoch.tmp'), '3');
  const e = await t.throwsAsync(loadEpochs(dir, zxid(3n, 1n)), { instanceOf: EpochError });
  t.is(e!.code, 'ACCEPTED_EPOCH_BEHIND_CURRENT');
  t.is(readFileSync(join(dir, 'currentEpoch'), 'latin1'), '3', 'the tmp value was made current first');
  t.false(existsSync(join(dir, 'currentEpoch.tmp')));
  await writeEpochFile(dir, 'acceptedEpoch', 3n);
  t.deepEqual(await loadEpochs(dir, zxid(3n, 1n)), { currentEpoch: 3n, acceptedEpoch: 3n });
});

test('myid: first line as a long; absent is null', async (t) => {
  const dir = tmp(t);
  t.is(await readMyId(dir), null);
  writeFileSync(join(dir, 'myid'), '3\n');
  t.is(await readMyId(dir), 3n);
  writeFileSync(join(dir, 'myid'), 'three');
  const e = await t.throwsAsync(readMyId(dir), { instanceOf: EpochError });
  t.is(e!.code, 'MYID_INVALID');
  t.regex(e!.message, /serverid three is not a number/);
});
