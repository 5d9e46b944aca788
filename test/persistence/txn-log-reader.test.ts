// The txn-log reader: where files end (zero padding, EOF, torn records at every byte), what is
// corruption (and named by file and offset), and which files a read from some zxid opens.

import { copyFileSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import test from 'ava';
import { encodeTxn } from '../../src/persistence/txn';
import {
  filesFrom,
  listLogFiles,
  openTxnIterator,
  TxnLogCorruptError,
  TxnLogWriter,
  zxidFromName,
  type TxnLogFileEndReason,
  type TxnLogRecord,
} from '../../src/persistence/txn-log';
import { adler32 } from '../../src/persistence/txn-log/format';
import { captureLogger, everyTypeTxns, setDataTxn, tempDir } from './support-txnlog/helpers';
import type { ExecutionContext } from 'ava';

/** Writes zxids first..last (one commit each, rolling before each zxid in `rollAt`). */
async function writeLog(dir: string, first: bigint, last: bigint, opts: { preAllocSizeBytes?: number; rollAt?: bigint[]; dataBytes?: number } = {}): Promise<void> {
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: opts.preAllocSizeBytes ?? 8192, forceSync: false });
  for (let z = first; z <= last; z++) {
    if (opts.rollAt?.includes(z)) w.roll();
    await w.append(setDataTxn(z, opts.dataBytes ?? 100));
  }
  await w.close();
}

function readAll(dir: string, from = 0n, logger = captureLogger().logger): { records: TxnLogRecord[]; ends: ReturnType<typeof openTxnIterator>['ends'] } {
  const it = openTxnIterator(dir, from, { logger });
  const records = [...it];
  return { records, ends: it.ends };
}

function recordOffsets(dir: string): { zxid: bigint; start: number; end: number }[] {
  return readAll(dir).records.map((r) => ({ zxid: r.zxid, start: r.offset, end: r.offset + r.entry.length + 13 }));
}

test('every top-level txn type round-trips through the writer and the reader', async (t) => {
  const dir = tempDir(t);
  const txns = everyTypeTxns(0x100000001n);
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: 4096 });
  await Promise.all(txns.map((x) => w.append(x)));
  await w.close();
  const { records } = readAll(dir);
  t.deepEqual(
    records.map((r) => r.txn),
    txns,
  );
  records.forEach((r, i) => t.true(r.entry.equals(encodeTxn(txns[i]!))));
});

test('a file without preallocation ends at EOF; a padded one at its first zero-length record', async (t) => {
  const bare = tempDir(t);
  await writeLog(bare, 1n, 5n, { preAllocSizeBytes: 0 });
  t.deepEqual(
    readAll(bare).ends.map((e) => e.reason),
    ['eof'],
  );
  const padded = tempDir(t);
  await writeLog(padded, 1n, 5n);
  const { records, ends } = readAll(padded);
  t.is(records.length, 5);
  t.is(ends[0]!.reason, 'zero-length');
  t.is(ends[0]!.offset, recordOffsets(padded)[4]!.end);
  t.is(ends[0]!.lastZxid, 5n);
});

for (const mode of ['cut', 'zeroed'] as const) {
  test(`a torn last record (${mode} at every byte offset) leaves exactly the complete records`, async (t) => {
    const dir = tempDir(t);
    await writeLog(dir, 1n, 4n, { preAllocSizeBytes: mode === 'cut' ? 0 : 8192, dataBytes: 300 });
    const path = join(dir, 'log.1');
    const pristine = readFileSync(path);
    const last = recordOffsets(dir)[3]!;
    for (let at = last.start; at < last.end; at++) {
      let expected: TxnLogFileEndReason;
      if (mode === 'cut') {
        writeFileSync(path, pristine.subarray(0, at));
        expected = at === last.start ? 'eof' : 'torn';
      } else {
        const b = Buffer.from(pristine);
        b.fill(0, at, last.end);
        writeFileSync(path, b);
        // Zeroing from inside the length field can leave no length at all (the padding marker).
        expected = b.readInt32BE(last.start + 8) === 0 ? 'zero-length' : 'torn';
      }
      const { logger, lines } = captureLogger();
      const { records, ends } = readAll(dir, 0n, logger);
      t.deepEqual(
        records.map((r) => r.zxid),
        [1n, 2n, 3n],
        `${mode} at ${at}`,
      );
      const end = ends[0]!;
      t.is(end.offset, last.start, `${mode} at ${at}: ends where the torn record starts`);
      t.is(end.reason, expected, `${mode} at ${at}`);
      t.is(lines.some((l) => l.level === 'warn'), expected === 'torn', `${mode} at ${at}: warned iff torn`);
      if (end.reason === 'torn') {
        const warn = lines.find((l) => l.level === 'warn');
        t.truthy(warn, `${mode} at ${at}: warned`);
        t.is(warn!.fields.file, path);
        t.is(warn!.fields.offset, last.start);
        t.is(warn!.fields.lastZxid, 3n);
      }
    }
  });
}

test('a checksum mismatch in the middle is a TxnLogCorruptError naming file and offset', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, 1n, 9n);
  const path = join(dir, 'log.1');
  const bad = recordOffsets(dir)[4]!;
  const bytes = readFileSync(path);
  bytes[bad.start + 12 + 40] ^= 0x01; // inside the entry's body
  writeFileSync(path, bytes);
  const it = openTxnIterator(dir, 0n);
  const got: bigint[] = [];
  const e = t.throws(() => {
    for (const r of it) got.push(r.zxid);
  }, { instanceOf: TxnLogCorruptError });
  t.deepEqual(got, [1n, 2n, 3n, 4n], 'the good records before it were returned');
  t.is(e!.file, path);
  t.is(e!.offset, bad.start);
  t.is(e!.reason, 'crc-mismatch');
  t.is(e!.zxid, 5n);
  t.is(e!.lastGoodZxid, 4n);
  t.regex(e!.message, /CRC check failed/);
});

test("a record whose 'B' is missing ends its file there, as the reference does; the next file is read", async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, 1n, 9n, { rollAt: [6n] });
  const path = join(dir, 'log.1');
  const rec = recordOffsets(dir)[2]!;
  const bytes = readFileSync(path);
  bytes[rec.end - 1] = 0x41;
  writeFileSync(path, bytes);
  const { logger, lines } = captureLogger();
  const { records, ends } = readAll(dir, 0n, logger);
  t.deepEqual(
    records.map((r) => r.zxid),
    [1n, 2n, 6n, 7n, 8n, 9n],
  );
  t.deepEqual(
    ends.map((e) => [basename(e.file), e.reason, e.offset]),
    [
      ['log.1', 'torn', rec.start],
      ['log.6', 'zero-length', recordOffsets(dir).find((r) => r.zxid === 9n)!.end],
    ],
  );
  t.is(lines.filter((l) => l.level === 'warn').length, 1);
});

test('a checksummed entry that ends early ends its file (short-entry); one that is malformed is corruption', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, 1n, 3n, { rollAt: [3n] });
  const path = join(dir, 'log.1');
  const rec = recordOffsets(dir)[1]!;
  const bytes = readFileSync(path);
  // Rewrite record 2 with its entry cut inside the body, checksum and framing intact.
  const entry = bytes.subarray(rec.start + 12, rec.end - 1);
  const short = Buffer.from(entry.subarray(0, 40));
  const framed = Buffer.alloc(13 + short.length);
  framed.writeUInt32BE(adler32(short), 4);
  framed.writeInt32BE(short.length, 8);
  short.copy(framed, 12);
  framed[framed.length - 1] = 0x42;
  const rewritten = Buffer.concat([bytes.subarray(0, rec.start), framed, Buffer.alloc(bytes.length - rec.start - framed.length)]);
  writeFileSync(path, rewritten);
  const { records, ends } = readAll(dir);
  t.deepEqual(
    records.map((r) => r.zxid),
    [1n, 3n],
  );
  t.is(ends[0]!.reason, 'short-entry');

  // A negative string length inside the body: the reference's "Unreasonable length", an abort.
  const bad = Buffer.from(entry);
  bad.writeInt32BE(-5, 32); // the path length of the setData body
  const framed2 = Buffer.alloc(13 + bad.length);
  framed2.writeUInt32BE(adler32(bad), 4);
  framed2.writeInt32BE(bad.length, 8);
  bad.copy(framed2, 12);
  framed2[framed2.length - 1] = 0x42;
  framed2.copy(rewritten, rec.start);
  writeFileSync(path, rewritten);
  const e = t.throws(() => readAll(dir), { instanceOf: TxnLogCorruptError });
  t.is(e!.reason, 'bad-entry');
  t.is(e!.offset, rec.start);
});

test('a top-level check txn is an unsupported type (the reference refuses to start)', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, 1n, 2n);
  const path = join(dir, 'log.1');
  const rec = recordOffsets(dir)[1]!;
  const bytes = readFileSync(path);
  const entry = Buffer.from(bytes.subarray(rec.start + 12, rec.end - 1));
  entry.writeInt32BE(13, 28); // TxnHeader.type
  bytes.writeUInt32BE(adler32(entry), rec.start + 4);
  entry.copy(bytes, rec.start + 12);
  writeFileSync(path, bytes);
  const e = t.throws(() => readAll(dir), { instanceOf: TxnLogCorruptError });
  t.is(e!.reason, 'unsupported-type');
  t.is(e!.zxid, 2n);
});

test('bad lengths, a bad magic and a short header are corruption', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, 1n, 3n);
  const path = join(dir, 'log.1');
  const pristine = readFileSync(path);
  const rec = recordOffsets(dir)[1]!;
  for (const length of [-1, -7, 2 * 0xfffff + 1, 0x7fffffff]) {
    const b = Buffer.from(pristine);
    b.writeInt32BE(length, rec.start + 8);
    writeFileSync(path, b);
    const e = t.throws(() => readAll(dir), { instanceOf: TxnLogCorruptError }, `length ${length}`);
    t.is(e!.reason, 'bad-length');
    t.is(e!.offset, rec.start);
  }
  const magic = Buffer.from(pristine);
  magic.write('ZKSN', 0, 'latin1');
  writeFileSync(path, magic);
  t.is(t.throws(() => readAll(dir), { instanceOf: TxnLogCorruptError })!.reason, 'bad-magic');
  // A headerless newest log is a crash while creating it: nothing in it was acknowledged, so it
  // reads as an empty tail (the reference refuses to start; we recover without losing anything).
  for (const size of [0, 15]) {
    writeFileSync(path, pristine.subarray(0, size));
    t.deepEqual(readAll(dir).records, [], `${size} bytes, newest file`);
  }
  // Followed by a later log, a short file is corruption.
  writeFileSync(join(dir, 'log.7fffffff'), pristine);
  for (const size of [0, 15]) {
    writeFileSync(path, pristine.subarray(0, size));
    t.is(t.throws(() => readAll(dir), { instanceOf: TxnLogCorruptError })!.reason, 'short-header', `${size} bytes, not the newest`);
  }
});

test('zxidFromName follows the reference (split on dots, signed 64-bit hex)', (t) => {
  const cases: [string, bigint][] = [
    ['log.1', 1n],
    ['log.1a2B', 0x1a2bn],
    ['log.100000001', 0x100000001n],
    ['log.1a.bak', 0x1an],
    ['log.+10', 0x10n],
    ['log.-1', -1n],
    ['log.', -1n],
    ['log', -1n],
    ['log..1', -1n],
    ['log.xyz', -1n],
    ['snapshot.1', -1n],
    ['log.7fffffffffffffff', 0x7fffffffffffffffn],
    ['log.8000000000000000', -1n],
  ];
  for (const [name, want] of cases) t.is(zxidFromName(name), want, name);
});

async function threeFiles(t: ExecutionContext): Promise<string> {
  const dir = tempDir(t);
  // log.1: 1..10, log.b: 11..20, log.15: 21..30
  await writeLog(dir, 1n, 30n, { rollAt: [11n, 21n] });
  writeFileSync(join(dir, 'snapshot.5'), 'not a log');
  return dir;
}

test('a read from a middle zxid opens the newest file named below it and continues across files', async (t) => {
  const dir = await threeFiles(t);
  const names = (from: bigint) => filesFrom(listLogFiles(dir), from).map((f) => f.name);
  t.deepEqual(names(0n), ['log.1', 'log.b', 'log.15']);
  t.deepEqual(names(15n), ['log.b', 'log.15']);
  // A file named exactly fromZxid does not stop the search: its predecessor is read too.
  t.deepEqual(names(0xbn), ['log.1', 'log.b', 'log.15']);
  t.deepEqual(names(0x100n), ['log.15']);

  const zxids = (from: bigint) => readAll(dir, from).records.map((r) => r.zxid);
  t.deepEqual(zxids(15n), Array.from({ length: 16 }, (_, i) => BigInt(15 + i)));
  t.deepEqual(zxids(0xbn), Array.from({ length: 20 }, (_, i) => BigInt(11 + i)));
  t.deepEqual(zxids(1n).length, 30);
  t.deepEqual(zxids(31n), []);
  const { records } = readAll(dir, 20n);
  t.deepEqual(
    records.slice(0, 2).map((r) => [r.zxid, basename(r.file)]),
    [
      [20n, 'log.b'],
      [21n, 'log.15'],
    ],
  );
});

test('records below the start are still checked (a bad one aborts even when skipped)', async (t) => {
  const dir = await threeFiles(t);
  const path = join(dir, 'log.b');
  const rec = recordOffsets(dir).find((r) => r.zxid === 12n)!;
  const bytes = readFileSync(path);
  bytes[rec.start + 30] ^= 0xff;
  writeFileSync(path, bytes);
  const e = t.throws(() => readAll(dir, 0x15n), { instanceOf: TxnLogCorruptError });
  t.is(e!.file, path);
  t.is(e!.reason, 'crc-mismatch');
});

test('breaking out of the iteration closes the file; a copy of a log reads the same', async (t) => {
  const dir = await threeFiles(t);
  const it = openTxnIterator(dir, 0n);
  for (const r of it) if (r.zxid === 3n) break;
  t.true(it.next().done);
  const copy = tempDir(t);
  for (const f of listLogFiles(dir)) copyFileSync(f.path, join(copy, f.name));
  truncateSync(join(copy, 'log.15'), 16);
  t.is(readAll(copy).records.length, 20, 'a header-only newest file holds nothing');
});
