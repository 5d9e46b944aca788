// The leader's txn-log sync source (src/quorum/peer/txn-log-sync.ts) on real log files: which
// files a read opens and from where, the reference's storage size, the snapshot size limit, and
// that a torn, corrupt, gapped or still-being-written log never yields a hole (the planner falls
// back to SNAP). Logs come from our writer and from the reference's own FileTxnLog (the golden
// fixtures written by compat-tests/persistence/txnlog/MakeTxnLogs.java, with their manifests).

import { cpSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { decodeTxn, type LoggedTxn } from '../../../src/persistence/txn';
import { TxnLogWriter } from '../../../src/persistence/txn-log';
import { FileTxnLogSync, parseSnapshotSizeFactor, SNAPSHOT_SIZE_FACTOR_DEFAULT } from '../../../src/quorum/peer/txn-log-sync';
import { planSync, type SyncProposal } from '../../../src/quorum/zab/sync-planner';
import { appendsOf, loadManifests, type ManifestAppend } from '../../persistence/support-txnlog/fixtures';
import { captureLogger, setDataTxn, tempDir } from '../../persistence/support-txnlog/helpers';
import {
  CreateRequest,
  CreateResponse,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  SyncRequest,
  SyncResponse,
} from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import type { ZkTestClient } from '../../support/zk-client';
import { fourLetterWord } from '../../support/four-letter-word';
import { HOST, TestEnsemble } from './support';

const z = (epoch: number, counter: number): bigint => (BigInt(epoch) << 32n) | BigInt(counter);
const PREALLOC = 4096;

/** zxids from..to of one epoch. */
function range(epoch: number, from: number, to: number): bigint[] {
  const out: bigint[] = [];
  for (let c = from; c <= to; c++) out.push(z(epoch, c));
  return out;
}

/** Writes the txns in order, rolling to a new file before each zxid in `rollAt`. Returns what was written. */
async function writeLog(dir: string, zxids: readonly bigint[], rollAt: readonly bigint[] = []): Promise<LoggedTxn[]> {
  const w = new TxnLogWriter(dir, { preAllocSizeBytes: PREALLOC, forceSync: false });
  const txns: LoggedTxn[] = [];
  for (const zx of zxids) {
    if (rollAt.includes(zx)) w.roll();
    const t = setDataTxn(zx, 60);
    txns.push(t);
    await w.append(t);
  }
  await w.close();
  return txns;
}

/** A file that passes the snapshot completeness test (ends in the seal's "/") of `bytes` bytes. */
function fakeSnapshot(dir: string, zxid: bigint, bytes: number): void {
  const b = Buffer.alloc(bytes);
  b.writeUInt32BE(1, bytes - 5);
  b[bytes - 1] = 0x2f;
  writeFileSync(join(dir, `snapshot.${zxid.toString(16)}`), b);
}

interface Setup {
  logDir: string;
  snapDir: string;
  factor?: number;
  upTo: bigint;
}

function source(s: Setup, t: ExecutionContext, lines = captureLogger()): FileTxnLogSync {
  const sync = new FileTxnLogSync({ logDir: s.logDir, snapDir: s.snapDir, snapshotSizeFactor: s.factor ?? 0.33, lastProcessedZxid: () => s.upTo, log: lines.logger });
  t.teardown(() => sync.release());
  return sync;
}

/** The committed log a leader would hold: the given txns as PROPOSAL data. */
const committed = (entries: readonly { zxid: bigint; bytes: Buffer }[]): SyncProposal[] => entries.map((e) => ({ zxid: e.zxid, bytes: e.bytes }));

const logNames = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('log.')).sort();

test('zookeeper.snapshotSizeFactor is read as ZKDatabase reads it', (t) => {
  t.is(parseSnapshotSizeFactor(undefined), SNAPSHOT_SIZE_FACTOR_DEFAULT);
  t.is(parseSnapshotSizeFactor('0.5'), 0.5);
  t.is(parseSnapshotSizeFactor(' 0.25d '), 0.25, 'Double.parseDouble trims and takes a d suffix');
  t.is(parseSnapshotSizeFactor('1'), 1);
  t.is(parseSnapshotSizeFactor('0'), 0, '0: no size limit');
  t.is(parseSnapshotSizeFactor('-1'), -1, 'negative: txn-log sync off');
  t.is(parseSnapshotSizeFactor('1.5'), 0.33, 'above 1 falls back to the default');
  t.is(parseSnapshotSizeFactor('Infinity'), 0.33);
  t.true(Number.isNaN(parseSnapshotSizeFactor('NaN')), 'NaN is kept (and then fails ">= 0": off)');
  const { logger, lines } = captureLogger();
  t.is(parseSnapshotSizeFactor('lots', logger), 0.33);
  t.regex(lines.map((l) => l.message).join('\n'), /Error parsing zookeeper.snapshotSizeFactor/);
});

test('a peer in the middle of a file: reading starts at that file, the size counts only the later files', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  const all = range(1, 1, 30);
  await writeLog(logDir, all, [z(1, 11), z(1, 21)]);
  t.deepEqual(logNames(logDir), ['log.100000001', 'log.10000000b', 'log.100000015']);
  const s = source({ logDir, snapDir, upTo: z(1, 30) }, t);
  const read = s.open(z(1, 15))!;
  t.is(read.storageBytes, statSync(join(logDir, 'log.100000015')).size, 'only the file after the one being read');
  const got = [...read.proposals];
  t.deepEqual(
    got.map((p) => p.zxid),
    range(1, 11, 30),
    'from the first record of log.10000000b, nothing skipped',
  );
  t.deepEqual(
    got.map((p) => decodeTxn(p.bytes).header.zxid),
    range(1, 11, 30),
    'each entry is the txn with that zxid',
  );
});

test('a peer exactly at a file start also reads the file before it (FileTxnIterator.init)', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  await writeLog(logDir, range(1, 1, 30), [z(1, 11), z(1, 21)]);
  const read = source({ logDir, snapDir, upTo: z(1, 30) }, t).open(z(1, 11))!;
  t.is(read.storageBytes, statSync(join(logDir, 'log.10000000b')).size + statSync(join(logDir, 'log.100000015')).size);
  t.deepEqual(
    [...read.proposals].map((p) => p.zxid),
    range(1, 1, 30),
  );
});

test('planSync over the disk log and the committed log: DIFF with every missing txn; too old or too big: SNAP', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  const txns = await writeLog(logDir, range(1, 1, 30), [z(1, 11), z(1, 21)]);
  // The committed log holds the last 5 txns; the peer stopped at 0x10000000f.
  const tail = committed(txns.slice(25).map((x, i) => ({ zxid: z(1, 26 + i), bytes: readEntry(logDir, x) })));
  const setup: Setup = { logDir, snapDir, upTo: z(1, 30) };
  const plan = (peer: bigint, s: Setup = setup) => planSync({ peerLastZxid: peer, lastProcessedZxid: z(1, 30), committedLog: tail, txnLog: source(s, t) });

  // No snapshot yet: size 0, no limit (as the reference).
  const diff = plan(z(1, 15));
  t.is(diff.kind, 'DIFF');
  t.is(diff.reason, 'txn-log');
  t.is(diff.zxid, z(1, 30));
  t.deepEqual(
    diff.proposals.map((p) => p.zxid),
    range(1, 16, 30),
  );

  // A snapshot of 1000 bytes: limit 330 < the size of log.100000015 (>= 4096 with its padding).
  fakeSnapshot(snapDir, z(1, 10), 1000);
  t.like(plan(z(1, 15)), { kind: 'SNAP', reason: 'txn-log-unusable' });
  // Factor 0: no limit; a big enough snapshot: within the limit.
  t.like(plan(z(1, 15), { ...setup, factor: 0 }), { kind: 'DIFF', reason: 'txn-log' });
  fakeSnapshot(snapDir, z(1, 20), Math.ceil((statSync(join(logDir, 'log.100000015')).size + 1) / 0.33));
  t.like(plan(z(1, 15)), { kind: 'DIFF', reason: 'txn-log' });
  // Negative factor: txn-log sync is off.
  t.like(plan(z(1, 15), { ...setup, factor: -1 }), { kind: 'SNAP', reason: 'unhandled' });

  // The oldest log purged: a peer older than the first remaining log gets a snapshot.
  rmSync(join(logDir, 'log.100000001'));
  t.like(plan(z(1, 5)), { kind: 'SNAP', reason: 'txn-log-unusable' });
  t.like(plan(z(1, 12)), { kind: 'DIFF', reason: 'txn-log' }, 'a peer inside the remaining logs still gets a DIFF');
});

test('the size limit uses the newest snapshot that looks complete (FileSnap.findMostRecentSnapshot)', (t) => {
  const snapDir = tempDir(t, 'tls-snap');
  const s = source({ logDir: snapDir, snapDir, upTo: 0n }, t);
  t.is(s.snapshotBytes, 0, 'no snapshot: 0 (no limit)');
  fakeSnapshot(snapDir, z(1, 5), 700);
  fakeSnapshot(snapDir, z(1, 9), 900);
  t.is(s.snapshotBytes, 900);
  // A newer one without its seal (a crash while writing it), and a temporary file: both passed over.
  writeFileSync(join(snapDir, `snapshot.${z(1, 12).toString(16)}`), Buffer.alloc(5000));
  writeFileSync(join(snapDir, `snapshot.${z(1, 13).toString(16)}.tmp`), readFileSync(join(snapDir, `snapshot.${z(1, 9).toString(16)}`)));
  t.is(s.snapshotBytes, 900);
  // A compressed one is judged by its magic.
  writeFileSync(join(snapDir, `snapshot.${z(1, 14).toString(16)}.gz`), Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.alloc(98)]));
  t.is(s.snapshotBytes, 100);
});

/** The on-disk entry of one txn, read back through a fresh iterator (the bytes the leader would send). */
function readEntry(logDir: string, txn: LoggedTxn): Buffer {
  const s = new FileTxnLogSync({ logDir, snapDir: logDir, snapshotSizeFactor: 0, lastProcessedZxid: () => txn.header.zxid });
  try {
    const read = s.open(txn.header.zxid)!;
    const hit = [...read.proposals].find((p) => p.zxid === txn.header.zxid);
    if (hit === undefined) throw new Error(`no entry for 0x${txn.header.zxid.toString(16)}`);
    return hit.bytes;
  } finally {
    s.release();
  }
}

test('only txns up to the leader\'s lastProcessedZxid go out (the log also holds uncommitted proposals)', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  await writeLog(logDir, range(1, 1, 30));
  const read = source({ logDir, snapDir, upTo: z(1, 18) }, t).open(z(1, 5))!;
  t.deepEqual(
    [...read.proposals].map((p) => p.zxid),
    range(1, 1, 18),
  );
});

test('a torn record in a file that has a successor stops the read: SNAP, a warning, no hole', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  const txns = await writeLog(logDir, range(1, 1, 30), [z(1, 11), z(1, 21)]);
  // Cut log.10000000b inside its 5th record (header 16 bytes, each record 12 + entry + 1).
  const middle = join(logDir, 'log.10000000b');
  const recordBytes = 12 + readEntry(logDir, txns[10]!).length + 1;
  truncateSync(middle, 16 + 4 * recordBytes + 7);
  const capture = captureLogger();
  const s = source({ logDir, snapDir, upTo: z(1, 30) }, t, capture);
  t.deepEqual(
    [...s.open(z(1, 12))!.proposals].map((p) => p.zxid),
    range(1, 11, 14),
    'the read ends at the last whole record, it does not continue in log.100000015',
  );
  t.true(
    capture.lines.some((l) => l.level === 'warn' && /ends inside a record: txn-log sync stops/.test(l.message)),
    capture.lines.map((l) => l.message).join('\n'),
  );
  const tail = committed([{ zxid: z(1, 30), bytes: readEntry(logDir, txns[29]!) }]);
  t.like(planSync({ peerLastZxid: z(1, 12), lastProcessedZxid: z(1, 30), committedLog: tail, txnLog: s }), { kind: 'SNAP', reason: 'txn-log-gap' });
});

test('a corrupt record (checksum) stops the read with a warning instead of failing the leader', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  const txns = await writeLog(logDir, range(1, 1, 10));
  const file = join(logDir, 'log.100000001');
  const bytes = readFileSync(file);
  const recordBytes = 12 + readEntry(logDir, txns[0]!).length + 1;
  // A byte inside the 4th record's entry.
  bytes[16 + 3 * recordBytes + 20] ^= 0xff;
  writeFileSync(file, bytes);
  const capture = captureLogger();
  const s = source({ logDir, snapDir, upTo: z(1, 10) }, t, capture);
  t.deepEqual(
    [...s.open(z(1, 2))!.proposals].map((p) => p.zxid),
    range(1, 1, 3),
  );
  t.true(capture.lines.some((l) => l.level === 'warn' && /corrupt record/.test(l.message)));
  const tail = committed([{ zxid: z(1, 10), bytes: Buffer.alloc(1) }]);
  t.like(planSync({ peerLastZxid: z(1, 2), lastProcessedZxid: z(1, 10), committedLog: tail, txnLog: s }), { kind: 'SNAP', reason: 'txn-log-gap' });
});

test('the reference\'s own logs: a DIFF with exactly its entries, its file sizes for the limit', (t) => {
  const m = loadManifests().find((x) => x.scenario === 'size-limit')!;
  const logDir = tempDir(t, 'tls-java');
  const snapDir = tempDir(t, 'tls-snap');
  for (const f of m.files) cpSync(join(m.dir, f.name), join(logDir, f.name));
  const appends = appendsOf(m);
  const last = appends[appends.length - 1]!.zxid;
  const peer = z(3, 0x25);
  const size = (name: string): number => m.files.find((f) => f.name === name)!.size;
  const setup: Setup = { logDir, snapDir, upTo: last };
  const read = source(setup, t).open(peer)!;
  t.is(read.storageBytes, size('log.300000039') + size('log.300000050'), 'getStorageSize: the files after log.300000020');
  const fromFile = appends.filter((a) => a.zxid >= z(3, 0x20));
  t.deepEqual(
    [...read.proposals].map((p) => [p.zxid, p.bytes.toString('hex')]),
    fromFile.map((a) => [a.zxid, a.entry.toString('hex')]),
    'every entry as the reference wrote it, from the start of log.300000020',
  );
  const tail = committed(appends.slice(-10).map((a: ManifestAppend) => ({ zxid: a.zxid, bytes: a.entry })));
  const plan = (s: Setup) => planSync({ peerLastZxid: peer, lastProcessedZxid: last, committedLog: tail, txnLog: source(s, t) });
  const diff = plan(setup);
  t.like(diff, { kind: 'DIFF', reason: 'txn-log', zxid: last });
  t.deepEqual(
    diff.proposals.map((p) => p.bytes.toString('hex')),
    appends.filter((a) => a.zxid > peer).map((a) => a.entry.toString('hex')),
  );
  // limit = floor(snapshot * 0.33): below the storage size -> SNAP, at or above it -> DIFF.
  const storage = size('log.300000039') + size('log.300000050');
  fakeSnapshot(snapDir, z(3, 1), Math.floor((storage - 1) / 0.33));
  t.like(plan(setup), { kind: 'SNAP' });
  fakeSnapshot(snapDir, z(3, 2), Math.ceil(storage / 0.33) + 1);
  t.like(plan(setup), { kind: 'DIFF', reason: 'txn-log' }, 'the newest snapshot decides');
});

test('a zxid gap inside an epoch (the reference\'s basic fixture) stops the read: SNAP rather than a DIFF with a hole', (t) => {
  const m = loadManifests().find((x) => x.scenario === 'basic')!;
  const logDir = tempDir(t, 'tls-java');
  const snapDir = tempDir(t, 'tls-snap');
  for (const f of m.files) cpSync(join(m.dir, f.name), join(logDir, f.name));
  const appends = appendsOf(m);
  const last = appends[appends.length - 1]!.zxid;
  const capture = captureLogger();
  const s = source({ logDir, snapDir, upTo: last }, t, capture);
  const got = [...s.open(z(2, 0x10))!.proposals].map((p) => p.zxid);
  t.deepEqual(got, range(2, 1, 0x6b), 'up to the txn before the gap');
  t.true(capture.lines.some((l) => /skips zxids/.test(l.message)));
  const tail = committed(appends.slice(-5).map((a) => ({ zxid: a.zxid, bytes: a.entry })));
  t.like(planSync({ peerLastZxid: z(2, 0x10), lastProcessedZxid: last, committedLog: tail, txnLog: s }), { kind: 'SNAP', reason: 'txn-log-gap' });
  // Across epochs a jump is normal: a peer in epoch 1 reads on into epoch 2 (and stops at the gap).
  t.deepEqual(
    [...s.open(z(1, 5))!.proposals].map((p) => p.zxid),
    [...range(1, 1, 0xf), ...range(2, 1, 0x6b)],
  );
});

test.serial('a read left unfinished closes its file by the next turn of the event loop', async (t) => {
  const logDir = tempDir(t, 'tls-log');
  const snapDir = tempDir(t, 'tls-snap');
  await writeLog(logDir, range(1, 1, 10));
  const fds = (): number => readdirSync('/proc/self/fd').length;
  const before = fds();
  const s = source({ logDir, snapDir, upTo: z(1, 10) }, t);
  const it = s.open(z(1, 3))!.proposals[Symbol.iterator]();
  t.is(it.next().value?.zxid, z(1, 1));
  t.is(fds(), before + 1, 'the log file is open while the read is in use');
  await new Promise<void>((resolve) => setImmediate(resolve));
  t.is(fds(), before, 'closed on the next turn');
});

// ---- in-process ensemble: the runtime wires the txn log into the leader ----

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
/** More than the committed log holds (commitLogCount 500). */
const BEHIND = 600;

async function childrenAndData(c: ZkTestClient): Promise<Map<string, string>> {
  t0(await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse));
  const kids = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/', watch: false }), GetChildrenResponse);
  const out = new Map<string, string>();
  const names = (kids.body?.children ?? []).filter((n): n is string => n !== null && n !== 'zookeeper').sort();
  const datas = await Promise.all(names.map((n) => c.request(OpCode.getData, GetDataRequest.encode({ path: `/${n}`, watch: false }), GetDataResponse)));
  names.forEach((n, i) => out.set(n, (datas[i]!.body?.data ?? Buffer.alloc(0)).toString()));
  return out;
}

function t0(r: { err: number }): void {
  if (r.err !== ErrCode.OK) throw new Error(`request failed: ${r.err}`);
}

test.serial(`a follower ${BEHIND} txns behind (past the committed log) is synced from the leader's txn log by DIFF`, async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  const leaderLog = captureLogger();
  try {
    await e.start(3, { logger: leaderLog.logger });
    await Promise.all([e.start(1), e.start(2)]);
    t.is(await e.settled(), 3);
    const c3 = await e.client(3);
    t0(await c3.request(OpCode.create, CreateRequest.encode({ path: '/before', data: Buffer.from('b'), acl: OPEN_ACL, flags: 0 }), CreateResponse));
    await e.stop(1);
    for (let i = 0; i < BEHIND; i++) {
      t0(await c3.request(OpCode.create, CreateRequest.encode({ path: `/n${i}`, data: Buffer.from(`v${i}`), acl: OPEN_ACL, flags: 0 }), CreateResponse));
    }
    await e.start(1);
    await e.settled();
    const history = e.peer(1).history.join('; ');
    t.true(e.peer(1).history.includes('follower synced by DIFF'), history);
    t.false(/synced by SNAP/.test(history), history);
    const plans = leaderLog.lines.filter((l) => l.message === 'syncing learner' && l.fields.learner === '1');
    const last = plans[plans.length - 1];
    t.like(last?.fields, { kind: 'DIFF', reason: 'txn-log' }, JSON.stringify(plans.map((p) => p.fields), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v)));
    t.true(Number(last?.fields.proposals) >= BEHIND, `proposals sent: ${String(last?.fields.proposals)}`);
    const onLeader = await childrenAndData(c3);
    t.is(onLeader.size, BEHIND + 1);
    t.deepEqual(await childrenAndData(await e.client(1)), onLeader, 'the follower has every node with its data');
    t.is(e.peer(1).lastProcessedZxid, e.peer(3).lastProcessedZxid);

    // The leader's per-learner queue summaries: the DIFF queued every missing PROPOSAL and COMMIT
    // at once, so one packet left with at least 2 * BEHIND still queued behind it, and its 1st and
    // 1001st packets carried timing markers.
    const mntr = async (sid: number): Promise<Map<string, number>> =>
      new Map(
        (await fourLetterWord(HOST, e.member(sid).clientPort, 'mntr'))
          .split('\n')
          .filter((l) => l.includes('\t'))
          .map((l) => [l.split('\t')[0]!, Number(l.split('\t')[1])] as const),
      );
    const lm = await mntr(3);
    t.true(lm.get('zk_max_1_learner_handler_qp_size')! >= 2 * BEHIND, `max queue ${lm.get('zk_max_1_learner_handler_qp_size')}`);
    t.true(lm.get('zk_cnt_1_learner_handler_qp_size')! >= 2 * BEHIND + 2, 'a sample per packet sent to learner 1');
    t.true(lm.get('zk_cnt_1_learner_handler_qp_time_ms')! >= 2, 'markers after the 1st and the 1001st packet');
    t.true(lm.has('zk_p99_2_learner_handler_qp_time_ms'), 'learner 2 has its own set');
    t.false([...(await mntr(2)).keys()].some((k) => k.includes('learner_handler')), 'followers have no learner handlers');
  } finally {
    await e.close();
  }
});
