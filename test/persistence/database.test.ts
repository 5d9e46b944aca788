// The durable database: commit -> reopen equality, the snapshot trigger, falling back past an
// unreadable snapshot, and refusing to start on a corrupt txn log (never silently wrong data).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ZkDatabase } from '../../src/persistence/database';
import { restore, RestoreError } from '../../src/persistence/restore';
import { TxnLogCorruptError } from '../../src/persistence/txn-log';
import { dumpRestoredTree } from '../support/tree-dump';
import { prng } from '../support/prng';
import { TxnStream } from './support-db/txns';

function tempDir(t: ExecutionContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-db-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Commits `n` creates under /p (pipelined) plus a session; returns the database, closed. */
async function fill(dataDir: string, n: number, snapCount: number): Promise<ZkDatabase> {
  const db = await ZkDatabase.open({ dataDir, snapCount, random: prng(7), log: { preAllocSizeBytes: 64 * 1024 } });
  const s = new TxnStream(db.lastProcessedZxid, 0);
  await db.commit(s.createSession(0x55n, 12_000));
  const root = new TxnStream(s.zxid, (db.tree.getNode('/')?.stat.cversion ?? 0));
  await db.commit(root.create('/p', Buffer.from('parent')));
  const kids = new TxnStream(root.zxid, 0);
  const pending = [];
  for (let i = 0; i < n; i++) pending.push(db.commit(kids.create(`/p/k${i}`, Buffer.from(`v${i}`))));
  await Promise.all(pending);
  await db.snapshotNow();
  await db.close();
  return db;
}

test('committed txns come back after reopening, with the sessions', async (t) => {
  const dir = tempDir(t);
  const db = await fill(dir, 500, 100);
  const before = dumpRestoredTree(db.tree);
  const again = await restore({ dataDir: dir });
  t.deepEqual(dumpRestoredTree(again.tree), before);
  t.is(again.lastProcessedZxid, db.lastProcessedZxid);
  t.is(again.sessions.get(0x55n), 12_000);
  t.is(again.digestMismatches, 0);
  // Triggers that fire while a snapshot is in flight are skipped, as the reference does.
  t.true(db.snapshotsWritten.length >= 2, `snapshots taken: ${db.snapshotsWritten.length}`);
  const logs = readdirSync(join(dir, 'version-2')).filter((f) => f.startsWith('log.'));
  t.true(logs.length >= 3, 'the log rolled at each snapshot');
});

test('an unreadable newest snapshot is skipped with a warning; the previous one plus the logs give the same tree', async (t) => {
  const dir = tempDir(t);
  const db = await fill(dir, 300, 100);
  const before = dumpRestoredTree(db.tree);
  const snaps = readdirSync(join(dir, 'version-2'))
    .filter((f) => f.startsWith('snapshot.'))
    .sort((a, b) => (BigInt('0x' + a.split('.')[1]) < BigInt('0x' + b.split('.')[1]) ? 1 : -1));
  const newest = join(dir, 'version-2', snaps[0]!);
  const bytes = readFileSync(newest);
  bytes[Math.floor(bytes.length / 2)]! ^= 0xff;
  writeFileSync(newest, bytes);
  const warnings: string[] = [];
  const logger = { error: () => undefined, info: () => undefined, debug: () => undefined, warn: (m: string) => void warnings.push(m), child: () => logger };
  const r = await restore({ dataDir: dir, logger });
  t.is(r.skippedSnapshots.length, 1);
  t.is(r.skippedSnapshots[0]!.file, newest);
  t.regex(r.skippedSnapshots[0]!.reason, /checksum|corrupt|seal|Adler/i);
  t.true(warnings.some((w) => w.includes('unreadable snapshot')));
  t.not(r.snapshot?.file, newest);
  t.deepEqual(dumpRestoredTree(r.tree), before);
});

test('a flipped byte in a mid-log record refuses the start, naming the file and offset', async (t) => {
  const dir = tempDir(t);
  await fill(dir, 200, 1_000_000);
  const v2 = join(dir, 'version-2');
  // Keep only snapshot.0 so the whole log is replayed, then corrupt a record in the middle.
  for (const f of readdirSync(v2)) if (f.startsWith('snapshot.') && f !== 'snapshot.0') rmSync(join(v2, f));
  const log = readdirSync(v2).find((f) => f.startsWith('log.'))!;
  const bytes = readFileSync(join(v2, log));
  bytes[2000]! ^= 0x01;
  writeFileSync(join(v2, log), bytes);
  const e = await t.throwsAsync(restore({ dataDir: dir }), { instanceOf: TxnLogCorruptError });
  t.is(e!.file, join(v2, log));
  t.true(e!.offset > 16 && e!.offset <= 2000, `offset ${e!.offset}`);
  t.regex(e!.message, new RegExp(log.replace('.', '\\.')));
});

test('logs without any snapshot refuse to start unless snapshot.trust.empty', async (t) => {
  const dir = tempDir(t);
  const db = await fill(dir, 50, 1_000_000);
  const v2 = join(dir, 'version-2');
  for (const f of readdirSync(v2)) if (f.startsWith('snapshot.')) rmSync(join(v2, f));
  const e = await t.throwsAsync(restore({ dataDir: dir }), { instanceOf: RestoreError });
  t.is(e!.code, 'EMPTY_SNAPSHOT_WITH_LOGS');
  const r = await restore({ dataDir: dir, trustEmptySnapshot: true });
  t.deepEqual(dumpRestoredTree(r.tree), dumpRestoredTree(db.tree));
});

test('an empty dataDir starts an empty database and writes snapshot.0', async (t) => {
  const dir = tempDir(t);
  const r = await restore({ dataDir: dir });
  t.is(r.lastProcessedZxid, 0n);
  t.deepEqual(readdirSync(join(dir, 'version-2')), ['snapshot.0']);
  t.is(r.tree.nodeCount, 5);
});
