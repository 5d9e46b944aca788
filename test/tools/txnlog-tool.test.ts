// `zkts txnlog`: the dump of logs written by our TxnLogWriter, text and JSON, and what happens
// with damaged files (CRC errors, a partial last record, bad magic, missing file).

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { encodeSubTxn, type LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { CaptureIO } from '../../src/tools/io';
import { runTxnlog } from '../../src/tools/txnlog-tool';
import { everyTypeTxns, tempDir } from '../persistence/support-txnlog/helpers';
import { runZkts, writeLog } from './support';

const DATE = String.raw`\d{1,2}/\d{1,2}/\d\d, \d{1,2}:\d\d:\d\d [AP]M \S+`;

function run(args: string[]): CaptureIO & { status: number } {
  const io = new CaptureIO();
  const status = runTxnlog(args, io);
  return Object.assign(io, { status });
}

/** The lines without their leading date. */
function undated(stdout: string): string[] {
  return stdout
    .split('\n')
    .slice(1, -1)
    .map((l) => l.replace(new RegExp(`^(CRC ERROR - )?${DATE} `), '$1'));
}

test('dumps every txn type as the reference prints it', async (t) => {
  const file = await writeLog(tempDir(t, 'tool'), everyTypeTxns(0x100000001n));
  const r = run(['-d', file]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stderr, '');
  const lines = r.stdout.split('\n');
  t.is(lines[0], 'ZooKeeper Transactional Log File with dbid 0 txnlog format version 2');
  t.is(lines.at(-2), 'EOF reached after 13 txns.');
  t.is(lines.at(-1), '');
  for (const l of lines.slice(1, -2).filter((x) => x.includes(' session '))) t.regex(l, new RegExp(`^${DATE} session 0x1000001a2b3c0001 cxid 0x[0-9a-f]+ zxid 0x1000000[0-9a-f]{2} `));
  const multi = '\0\0\0\x02/m\0\0\0\x01m\0\0\0\x01\0\0\0\x1f\0\0\0\x05world\0\0\0\x06anyone\0\0\0\0\x04';
  t.deepEqual(undated(r.stdout), [
    'session 0x1000001a2b3c0001 cxid 0x1 zxid 0x100000001 createSession 30000',
    "session 0x1000001a2b3c0001 cxid 0x2 zxid 0x100000002 create /a,hello,[31,s{'world,'anyone}",
    '],false,1',
    "session 0x1000001a2b3c0001 cxid 0x3 zxid 0x100000003 create2 /a/e,,[31,s{'world,'anyone}",
    '],true,1',
    "session 0x1000001a2b3c0001 cxid 0x4 zxid 0x100000004 createContainer /c,,[31,s{'world,'anyone}",
    '],2',
    "session 0x1000001a2b3c0001 cxid 0x5 zxid 0x100000005 createTtl /t,ttl,[31,s{'world,'anyone}",
    '],3,5000',
    'session 0x1000001a2b3c0001 cxid 0x6 zxid 0x100000006 setData /a,world,1',
    "session 0x1000001a2b3c0001 cxid 0x7 zxid 0x100000007 setACL '/a,v{s{31,s{'world,'anyone}}},1",
    "session 0x1000001a2b3c0001 cxid 0x8 zxid 0x100000008 delete '/t",
    "session 0x1000001a2b3c0001 cxid 0x9 zxid 0x100000009 deleteContainer '/c",
    'session 0x1000001a2b3c0001 cxid 0xa zxid 0x10000000a error -101',
    `session 0x1000001a2b3c0001 cxid 0xb zxid 0x10000000b multi create:${multi};check:\0\0\0\x02/a\0\0\0\x01;setData:\0\0\0\x02/m\0\0\0\x02mm\0\0\0\0;delete:\0\0\0\x02/m`,
    'session 0x1000001a2b3c0001 cxid 0xc zxid 0x10000000c reconfig /zookeeper/config,server.1=127.0.0.1:2888:3888;2181',
    'version=1,-1',
    "session 0x1000001a2b3c0001 cxid 0xd zxid 0x10000000d closeSession v{'/a/e}",
    'EOF reached after 13 txns.',
  ]);
});

test('exact lines with the date, through bin/zkts with TZ=UTC', async (t) => {
  const txns = everyTypeTxns(0x100000001n).slice(0, 2);
  for (const x of txns) x.header.time = 1700000000000n;
  const file = await writeLog(tempDir(t, 'tool'), txns);
  const r = runZkts(['txnlog', file]);
  t.is(r.status, 0, r.stderr);
  t.is(
    r.stdout,
    'ZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n' +
      '11/14/23, 10:13:20 PM UTC session 0x1000001a2b3c0001 cxid 0x1 zxid 0x100000001 createSession 30000\n' +
      "11/14/23, 10:13:20 PM UTC session 0x1000001a2b3c0001 cxid 0x2 zxid 0x100000002 create /a,hello,[31,s{'world,'anyone}\n" +
      '],false,1\n' +
      'EOF reached after 2 txns.\n',
  );
});

test('odd values: negative cxid, null path, binary data, bodiless closeSession, empty multi', async (t) => {
  const h = (zxid: bigint, type: number, cxid = 1): LoggedTxn['header'] => ({ clientId: -2n, cxid, zxid, time: 0n, type });
  const txns: LoggedTxn[] = [
    { header: h(1n, OpCode.setData, -1), body: { type: OpCode.setData, txn: { path: null, data: Buffer.from([0x41, 0xed, 0xa0, 0x80, 0xff]), version: -1 } }, digest: null },
    { header: h(2n, OpCode.closeSession), body: { type: OpCode.closeSession, txn: null }, digest: null },
    { header: h(3n, OpCode.multi), body: { type: OpCode.multi, txn: { txns: [] } }, digest: null },
    {
      header: h(4n, OpCode.multi),
      body: { type: OpCode.multi, txn: { txns: [{ type: OpCode.error, data: encodeSubTxn({ type: OpCode.error, txn: { err: 0x0a } }) }] } },
      digest: null,
    },
  ];
  const r = run([await writeLog(tempDir(t, 'tool'), txns)]);
  t.is(r.status, 0, r.stderr);
  t.deepEqual(undated(r.stdout), [
    // Java decodes the encoded surrogate ED A0 80 to a single U+FFFD.
    'session 0xfffffffffffffffe cxid 0xffffffffffffffff zxid 0x1 setData null,A\ufffd\ufffd,-1',
    'session 0xfffffffffffffffe cxid 0x1 zxid 0x2 closeSession ',
    'session 0xfffffffffffffffe cxid 0x1 zxid 0x3 multi ',
    // The sub-txn's data ends in "\n" (err 10), so no second newline.
    'session 0xfffffffffffffffe cxid 0x1 zxid 0x4 multi error:\0\0\0',
    'EOF reached after 4 txns.',
  ]);
});

test('--json: one parsable object per txn with header, decoded body and digest', async (t) => {
  const file = await writeLog(tempDir(t, 'tool'), everyTypeTxns(0x100000001n));
  const r = run(['--json', file]);
  t.is(r.status, 0, r.stderr);
  const objs = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, any>);
  t.is(objs.length, 13);
  const create = objs[1]!;
  t.like(create, { crcValid: true, clientId: String(0x1000001a2b3c0001n), cxid: 2, zxid: String(0x100000002n), type: OpCode.create, typeName: 'create' });
  t.deepEqual(create.body, { path: '/a', data: Buffer.from('hello').toString('hex'), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], ephemeral: false, parentCVersion: 1 });
  t.deepEqual(create.digest, { version: 2, treeDigest: String(0x100000002n ^ 0x5eedn) });
  t.is(objs[4]!.body.ttl, '5000');
  t.is(objs[9]!.digest, null);
  const multi = objs[10]!;
  t.is(multi.typeName, 'multi');
  t.deepEqual(
    multi.body.txns.map((s: any) => [s.typeName, s.body]),
    [
      ['create', { path: '/m', data: '6d', acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], ephemeral: false, parentCVersion: 4 }],
      ['check', { path: '/a', version: 1 }],
      ['setData', { path: '/m', data: '6d6d', version: 0 }],
      ['delete', { path: '/m' }],
    ],
  );
  t.deepEqual(objs[12]!.body, { paths2Delete: ['/a/e'] });
  t.false(r.stdout.includes('EOF reached'));
});

/** Offset of the first record's entry data. */
const FIRST_ENTRY = 16 + 12;

test('a checksum mismatch is printed twice, the first time behind "CRC ERROR - "', async (t) => {
  const file = await writeLog(tempDir(t, 'tool'), everyTypeTxns(0x100000001n).slice(0, 3));
  const bytes = readFileSync(file);
  // The second record: the last byte of "hello" becomes "hellp"; it still decodes.
  const at = bytes.indexOf(Buffer.from('hello'));
  bytes[at + 4] = 'p'.charCodeAt(0);
  writeFileSync(file, bytes);
  const r = run([file]);
  t.is(r.status, 0);
  const lines = undated(r.stdout);
  t.is(lines.length, 8);
  t.regex(lines[1]!, /^CRC ERROR - session .* zxid 0x100000002 create \/a,hellp,/);
  t.regex(lines[3]!, /^session .* zxid 0x100000002 create \/a,hellp,/);
  t.is(lines[7], 'EOF reached after 3 txns.');
  t.regex(r.stderr, /CRC error in the txn at offset \d+ \(zxid 0x100000002\)/);
  const j = run(['--json', file]);
  t.deepEqual(
    j.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { crcValid: boolean }).crcValid),
    [true, false, true],
  );
});

test('a record without its end-of-record byte: printed, then "Last transaction was partial." and status 1', async (t) => {
  const file = await writeLog(tempDir(t, 'tool'), everyTypeTxns(0x100000001n).slice(0, 2));
  const bytes = readFileSync(file);
  const len = bytes.readInt32BE(16 + 8);
  bytes[FIRST_ENTRY + len] = 0x41;
  writeFileSync(file, bytes);
  const r = run([file]);
  t.is(r.status, 1);
  t.is(undated(r.stdout).length, 1);
  t.regex(r.stderr, /Last transaction was partial\./);
});

test('the preallocated zeros and a file cut inside a record both end the dump', async (t) => {
  const file = await writeLog(tempDir(t, 'tool'), everyTypeTxns(0x100000001n).slice(0, 3), 64 * 1024);
  t.regex(run([file]).stdout, /EOF reached after 3 txns\.\n$/);
  const bytes = readFileSync(file);
  const len = bytes.readInt32BE(16 + 8);
  writeFileSync(file, bytes.subarray(0, FIRST_ENTRY + len + 1 + 20));
  const r = run([file]);
  t.is(r.status, 0);
  t.regex(r.stdout, /EOF reached after 1 txns\.\n$/);
});

test('bad files: clear error and non-zero status', (t) => {
  const dir = tempDir(t, 'tool');
  const missing = run([join(dir, 'nope')]);
  t.is(missing.status, 1);
  t.regex(missing.stderr, /File doesn't exist or not readable: .*nope/);

  const notLog = join(dir, 'log.1');
  writeFileSync(notLog, Buffer.from('ZKSN\0\0\0\x02\xff\xff\xff\xff\xff\xff\xff\xff', 'latin1'));
  const magic = run([notLog]);
  t.is(magic.status, 2);
  t.regex(magic.stderr, /Invalid magic number for log\.1/);
  t.is(magic.stdout, '');

  const short = join(dir, 'log.2');
  writeFileSync(short, 'ZKLG');
  const s = run([short]);
  t.is(s.status, 1);
  t.regex(s.stderr, /header needs 16/);

  const badLen = join(dir, 'log.3');
  const b = Buffer.alloc(16 + 12);
  b.writeInt32BE(0x5a4b4c47, 0);
  b.writeInt32BE(2, 4);
  b.writeInt32BE(-5, 16 + 8);
  writeFileSync(badLen, b);
  const l = run([badLen]);
  t.is(l.status, 1);
  t.regex(l.stderr, /unreasonable entry length -5/);

  const usage = run([]);
  t.is(usage.status, 2);
  t.regex(usage.stderr, /Usage: zkts txnlog/);
  t.is(run(['--bogus', 'x']).status, 2);
});

test('an undecodable txn stops the dump with status 1 after the lines before it', async (t) => {
  // A TxnHeader of type 99, which the reference does not log.
  const entry = Buffer.alloc(32);
  entry.writeBigInt64BE(0x100000002n, 12);
  entry.writeInt32BE(99, 28);
  const file = await writeLog(tempDir(t, 'tool'), [...everyTypeTxns(0x100000001n).slice(0, 1), { zxid: 0x100000002n, entry }]);
  const r = run([file]);
  t.is(r.status, 1);
  t.is(undated(r.stdout).length, 1);
  t.regex(r.stderr, /does not decode/);
});
