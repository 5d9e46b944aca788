// TRUNC (cut right after the target record, delete later logs) and lastLoggedZxid.

import { existsSync, readdirSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import test from 'ava';
import {
  lastLoggedZxid,
  openTxnIterator,
  truncateTxnLog,
  TxnLogTruncateError,
  TxnLogWriter,
} from '../../src/persistence/txn-log';
import { setDataTxn, tempDir } from './support-txnlog/helpers';

async function writeLog(dir: string, zxids: bigint[], rollAt: bigint[] = []): Promise<void> {
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: 8192, forceSync: false });
  for (const z of zxids) {
    if (rollAt.includes(z)) w.roll();
    await w.append(setDataTxn(z));
  }
  await w.close();
}

const range = (a: number, b: number): bigint[] => Array.from({ length: b - a + 1 }, (_, i) => BigInt(a + i));
const zxidsIn = (dir: string): bigint[] => [...openTxnIterator(dir, 0n)].map((r) => r.zxid);

test('truncate cuts right after the target record and deletes the later logs', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, range(1, 30), [11n, 21n]);
  const target = [...openTxnIterator(dir, 0n)].find((r) => r.zxid === 15n)!;
  const res = truncateTxnLog(dir, 15n);
  t.is(res.file, join(dir, 'log.b'));
  t.is(res.lengthBytes, target.offset + target.entry.length + 13);
  t.deepEqual(res.deleted.map((p) => basename(p)), ['log.15']);
  t.deepEqual(readdirSync(dir).sort(), ['log.1', 'log.b']);
  t.is(statSync(join(dir, 'log.b')).size, res.lengthBytes, 'the padding after it is gone too');
  t.deepEqual(zxidsIn(dir), range(1, 15));
  t.is(lastLoggedZxid(dir), 15n);

  // A writer afterwards starts a new file after the cut.
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: 8192, lastZxid: 15n });
  await w.append(setDataTxn(16n));
  await w.close();
  t.deepEqual(zxidsIn(dir), range(1, 16));
  t.deepEqual(readdirSync(dir).sort(), ['log.1', 'log.10', 'log.b']);
});

test('truncate to the last record of a file, to the very last record, and to the first', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, range(1, 20), [11n]);
  truncateTxnLog(dir, 20n);
  t.deepEqual(zxidsIn(dir), range(1, 20));
  t.deepEqual(readdirSync(dir).sort(), ['log.1', 'log.b']);
  truncateTxnLog(dir, 10n);
  t.deepEqual(readdirSync(dir), ['log.1']);
  t.deepEqual(zxidsIn(dir), range(1, 10));
  truncateTxnLog(dir, 1n);
  t.deepEqual(zxidsIn(dir), [1n]);
  t.is(statSync(join(dir, 'log.1')).size, 16 + 13 + setDataTxnEntryBytes());
});

test('a target between two files keeps the records at or below it only', async (t) => {
  const dir = tempDir(t);
  await writeLog(dir, [...range(1, 5), ...range(8, 10)], [8n]);
  const res = truncateTxnLog(dir, 6n);
  t.is(res.file, null, 'log.8 would be left without records: it is removed');
  t.deepEqual(res.deleted.map((p) => basename(p)), ['log.8']);
  t.deepEqual(zxidsIn(dir), range(1, 5));
  t.is(lastLoggedZxid(dir), 5n);
});

test('truncate fails without logs or beyond the last logged zxid, as the reference does', async (t) => {
  const dir = tempDir(t);
  t.is(t.throws(() => truncateTxnLog(dir, 5n), { instanceOf: TxnLogTruncateError })!.reason, 'no-logs');
  await writeLog(dir, range(1, 5));
  t.is(t.throws(() => truncateTxnLog(dir, 6n), { instanceOf: TxnLogTruncateError })!.reason, 'beyond-end');
  t.deepEqual(zxidsIn(dir), range(1, 5), 'nothing changed');
});

test('lastLoggedZxid: -1 without logs, the last record otherwise, the newest name for a file without records', async (t) => {
  const dir = tempDir(t);
  t.is(lastLoggedZxid(dir), -1n);
  await writeLog(dir, range(1, 12), [8n]);
  t.is(lastLoggedZxid(dir), 12n);
  // The reference reports the newest file's name even when the file holds no record.
  writeFileSync(join(dir, 'log.20'), Buffer.from('5a4b4c47000000020000000000000000', 'hex'));
  t.is(lastLoggedZxid(dir), 0x20n);
  // And it stops (with a warning, no error) at a record it cannot read.
  writeFileSync(join(dir, 'log.20'), Buffer.from('5a4b4c4700000002000000000000000000000000deadbeeffffffffb', 'hex'));
  t.is(lastLoggedZxid(dir), 0x20n);
  truncateSync(join(dir, 'log.20'), 0);
  t.is(lastLoggedZxid(dir), 0x20n);
  t.true(existsSync(join(dir, 'log.20')));
});

function setDataTxnEntryBytes(): number {
  // setDataTxn(z) with 100 data bytes and a digest: header 32 + path 4+11 + data 4+100 + version 4 + digest 12.
  return 32 + 15 + 104 + 4 + 12;
}
