// TxnLogWriter: group commit, durability of every resolved append, preallocation, rolling, limits
// and failure handling.

import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { encodeTxn } from '../../src/persistence/txn';
import { openTxnIterator, paddedFileSize, TxnLogWriter, TxnLogWriterError } from '../../src/persistence/txn-log';
import { prng as makePrng } from '../support/prng';
import { RecordingFs, setDataTxn, tempDir, until } from './support-txnlog/helpers';

const small = { preAllocSizeBytes: 64 * 1024 };

test('a fresh log with one small record is the header, the record and 64 MiB of zeros', async (t) => {
  const dir = tempDir(t);
  const w = new TxnLogWriter(dir);
  await w.append(setDataTxn(1n));
  await w.close();
  const path = join(dir, 'log.1');
  t.is(statSync(path).size, 67_108_880);
  const head = Buffer.alloc(4096);
  const fd = openSync(path, 'r');
  readSync(fd, head, 0, 4096, 0);
  closeSync(fd);
  t.is(head.subarray(0, 16).toString('hex'), '5a4b4c47000000020000000000000000');
  const entry = encodeTxn(setDataTxn(1n));
  t.is(head.readUInt32BE(16), 0, 'checksum high word');
  t.is(head.readInt32BE(24), entry.length);
  t.true(head.subarray(28, 28 + entry.length).equals(entry));
  t.is(head[28 + entry.length], 0x42);
  t.true(head.subarray(29 + entry.length).every((b) => b === 0));
});

test('paddedFileSize follows the reference (within 4 KiB of the end: grow; past the end: round)', (t) => {
  const p = 64 * 1024 * 1024;
  t.is(paddedFileSize(16, 16, p), 16 + p);
  t.is(paddedFileSize(1000, 16 + p, p), 16 + p);
  t.is(paddedFileSize(16 + p - 4096, 16 + p, p), 16 + 2 * p);
  t.is(paddedFileSize(16 + p + 10, 16 + p, p), 2 * p);
  t.is(paddedFileSize(5000, 16, 0), 16, 'preallocation off');
});

test('appends made while an fsync is in flight share the next write and fsync', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs });
  fs.holdDatasync = true;
  const resolved: number[] = [];
  const first = w.append(setDataTxn(1n)).then(() => resolved.push(1));
  await until(() => fs.heldCount === 1);
  const rest = Array.from({ length: 99 }, (_, i) => w.append(setDataTxn(BigInt(i + 2))).then(() => resolved.push(i + 2)));
  await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(resolved, [], 'nothing resolves before its fsync');
  fs.holdDatasync = false;
  fs.release();
  await Promise.all([first, ...rest]);
  t.is(fs.count('datasync-done'), 2, 'two fsyncs for 100 appends');
  t.is(fs.count('write'), 3, 'the padding byte, then one write per batch');
  t.deepEqual(resolved, Array.from({ length: 100 }, (_, i) => i + 1), 'in append order');
  t.is(w.stats.batches, 2);
  t.is(w.stats.batchTxnsLast, 99);
  t.is(w.stats.fsyncs, 2);
  await w.close();
  t.is([...openTxnIterator(dir, 0n)].length, 100);
});

test('every append resolves only after an fsync covering its record completed (random load)', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs });
  const next = makePrng(7);
  const seen: { zxid: bigint; durable: number }[] = [];
  const all: Promise<void>[] = [];
  let zxid = 1n;
  for (let round = 0; round < 60; round++) {
    const burst = 1 + Math.floor(next() * 40);
    for (let i = 0; i < burst; i++) {
      const z = zxid++;
      all.push(w.append(setDataTxn(z, 50 + Math.floor(next() * 400))).then(() => void seen.push({ zxid: z, durable: fs.durableBytes(join(dir, 'log.1')) })));
    }
    if (next() < 0.5) await new Promise((r) => setImmediate(r));
    if (next() < 0.2) await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(all);
  await w.close();
  const ends = new Map([...openTxnIterator(dir, 0n)].map((r) => [r.zxid, r.offset + r.entry.length + 13]));
  t.is(ends.size, Number(zxid - 1n));
  for (const s of seen) t.true(ends.get(s.zxid)! <= s.durable, `0x${s.zxid.toString(16)} durable when resolved`);
  t.true(w.stats.fsyncs < ends.size / 2, `group commit: ${w.stats.fsyncs} fsyncs for ${ends.size} txns`);
});

test('a batch holds at most batchTxnsMax txns and about batchBytesMax bytes', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs, batchTxnsMax: 10 });
  await Promise.all(Array.from({ length: 35 }, (_, i) => w.append(setDataTxn(BigInt(i + 1)))));
  t.is(w.stats.batches, 4);
  t.is(fs.count('datasync-done'), 4);
  await w.close();

  const dir2 = tempDir(t);
  const w2 = new TxnLogWriter(dir2, { ...small, batchBytesMax: 1000 });
  await Promise.all(Array.from({ length: 20 }, (_, i) => w2.append(setDataTxn(BigInt(i + 1), 200))));
  // An entry of 200 data bytes makes a record of about 280 bytes: three per batch.
  t.is(w2.stats.batches, 7);
  await w2.close();
  t.is([...openTxnIterator(dir2, 0n)].length, 20);
});

test('forceSync off writes without fsync', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs, forceSync: false });
  await Promise.all([1n, 2n, 3n].map((z) => w.append(setDataTxn(z))));
  await w.close();
  t.is(fs.count('datasync-start'), 0);
  t.is(fs.count('syncdir'), 0);
  t.is(w.stats.fsyncs, 0);
  t.is([...openTxnIterator(dir, 0n)].length, 3);
});

test('a new file is made durable in its directory once', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs });
  await w.append(setDataTxn(1n));
  await w.append(setDataTxn(2n));
  w.roll();
  await w.append(setDataTxn(3n));
  await w.close();
  t.is(fs.count('syncdir'), 2, 'one per file');
  const kinds = fs.events.map((e) => e.kind);
  t.true(kinds.indexOf('syncdir') > kinds.indexOf('datasync-done'), 'after the first fsync of the file');
});

test('roll(): the next append starts log.<its zxid>; appends before it stay in the old file', async (t) => {
  const dir = tempDir(t);
  const w = new TxnLogWriter(dir, small);
  const a = [w.append(setDataTxn(1n)), w.append(setDataTxn(2n))];
  w.roll();
  w.roll(); // a second roll before any append changes nothing
  const b = [w.append(setDataTxn(3n)), w.append(setDataTxn(4n))];
  await Promise.all([...a, ...b]);
  t.is(w.stats.currentFile, 'log.3');
  w.roll();
  await w.append(setDataTxn(0x1an));
  await w.close();
  t.deepEqual(readdirSync(dir).sort(), ['log.1', 'log.1a', 'log.3']);
  const files = [...openTxnIterator(dir, 0n)].map((r) => [r.zxid, r.file.slice(dir.length + 1)]);
  t.deepEqual(files, [
    [1n, 'log.1'],
    [2n, 'log.1'],
    [3n, 'log.3'],
    [4n, 'log.3'],
    [0x1an, 'log.1a'],
  ]);
});

test('a writer on a directory with logs starts a new file at its first append', async (t) => {
  const dir = tempDir(t);
  const w1 = new TxnLogWriter(dir, small);
  await w1.append(setDataTxn(1n));
  await w1.append(setDataTxn(2n));
  await w1.close();
  const before = readFileSync(join(dir, 'log.1'));
  const w2 = new TxnLogWriter(dir, { ...small, lastZxid: 2n });
  t.throws(() => w2.append(setDataTxn(2n)), { name: 'AssertionError' });
  await w2.append(setDataTxn(3n));
  await w2.close();
  t.deepEqual(readdirSync(dir).sort(), ['log.1', 'log.3']);
  t.true(readFileSync(join(dir, 'log.1')).equals(before), 'the old file is untouched');
  t.deepEqual(
    [...openTxnIterator(dir, 0n)].map((r) => r.zxid),
    [1n, 2n, 3n],
  );
});

test('txnLogSizeLimitBytes rolls after the commit that makes the (padded) file larger', async (t) => {
  const dir = tempDir(t);
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: 4096, txnLogSizeLimitBytes: 10 * 1024 });
  for (let z = 1n; z <= 200n; z++) await w.append(setDataTxn(z, 100));
  await w.close();
  const files = readdirSync(dir).sort((a, b) => (BigInt(`0x${a.slice(4)}`) < BigInt(`0x${b.slice(4)}`) ? -1 : 1));
  t.true(files.length >= 4, files.join(' '));
  for (const f of files.slice(0, -1)) t.true(statSync(join(dir, f)).size > 10 * 1024, `${f} rolled once above the limit`);
  t.is([...openTxnIterator(dir, 0n)].length, 200);
});

test('zxids must increase and entries must carry the zxid they are appended under', (t) => {
  const w = new TxnLogWriter(tempDir(t), small);
  void w.append(setDataTxn(5n));
  t.throws(() => w.append(setDataTxn(5n)), { name: 'AssertionError', message: /not above/ });
  t.throws(() => w.append(setDataTxn(4n)), { name: 'AssertionError' });
  t.throws(() => w.append({ zxid: 7n, entry: encodeTxn(setDataTxn(6n)) }), { name: 'AssertionError', message: /does not carry/ });
  t.throws(() => w.append({ zxid: 8n, entry: Buffer.alloc(10) }), { name: 'AssertionError', message: /entry of 10 bytes/ });
  return w.close();
});

test('a failed write rejects the batch, everything queued and every later append', async (t) => {
  const dir = tempDir(t);
  const fs = new RecordingFs();
  const w = new TxnLogWriter(dir, { ...small, fs });
  await w.append(setDataTxn(1n));
  fs.failWritesWith = Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
  const failing = [w.append(setDataTxn(2n)), w.append(setDataTxn(3n))];
  for (const p of failing) {
    const e = await t.throwsAsync(p, { instanceOf: TxnLogWriterError });
    t.is(e?.code, 'TXNLOG_FAILED');
  }
  const later = await t.throwsAsync(w.append(setDataTxn(4n)), { instanceOf: TxnLogWriterError });
  t.regex(later!.message, /EIO/);
  await w.close();
});

test('close() writes what is queued; appends after it are rejected', async (t) => {
  const dir = tempDir(t);
  const w = new TxnLogWriter(dir, small);
  const queued = [1n, 2n, 3n].map((z) => w.append(setDataTxn(z)));
  await w.close();
  await Promise.all(queued);
  const e = await t.throwsAsync(w.append(setDataTxn(4n)), { instanceOf: TxnLogWriterError });
  t.is(e?.code, 'TXNLOG_CLOSED');
  t.is([...openTxnIterator(dir, 0n)].length, 3);
  t.is(w.stats.txnsWritten, 3);
  t.is(w.stats.currentFile, null);
});

test('an existing file of the same name is overwritten, as the reference does', async (t) => {
  const dir = tempDir(t);
  writeFileSync(join(dir, 'log.1'), Buffer.alloc(100_000, 7));
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: 0 });
  await w.append(setDataTxn(1n));
  await w.close();
  const bytes = readFileSync(join(dir, 'log.1'));
  t.is(bytes.length, 16 + 13 + encodeTxn(setDataTxn(1n)).length, 'no preallocation: just the header and the record');
  t.true(existsSync(join(dir, 'log.1')));
});
