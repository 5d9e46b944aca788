// Differential: `zkts txnlog -d <file>` against the reference's TxnLogToolkit -d on the same file,
// same TZ and locale. Stdout must be identical byte for byte and the exit statuses equal: for the
// committed Java-written fixtures, and for logs of ours with awkward content (binary data, escapes,
// null fields, negative ids) and damage (CRC error, partial last record, file cut short, bad magic).

import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { encodeSubTxn, type LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { everyTypeTxns } from '../../test/persistence/support-txnlog/helpers';
import { writeLog } from '../../test/tools/support';
import { eachLimited, repoRoot, runJava, runZkts, TXNLOG_TOOLKIT } from './support';

const FIXTURES = join(repoRoot, 'test', 'persistence', 'support-txnlog', 'fixtures');

/** The first line where the two outputs differ, for the failure message. */
function firstDifference(a: Buffer, b: Buffer): string {
  const la = a.toString('utf8').split('\n');
  const lb = b.toString('utf8').split('\n');
  for (let i = 0; i < Math.max(la.length, lb.length); i++) {
    if (la[i] !== lb[i]) return `line ${i + 1}:\n  java: ${JSON.stringify(la[i])}\n  zkts: ${JSON.stringify(lb[i])}`;
  }
  return 'identical';
}

/** Compares both dumps of `file`; returns the reference's stdout and status. */
async function same(t: ExecutionContext, file: string, label = file): Promise<{ stdout: string; status: number; stderr: string }> {
  const [java, zkts] = await Promise.all([runJava(TXNLOG_TOOLKIT, ['-d', file]), runZkts(['txnlog', '-d', file])]);
  t.true(java.stdout.equals(zkts.stdout), `${label}: ${firstDifference(java.stdout, zkts.stdout)}\njava stderr: ${java.stderr.slice(0, 500)}`);
  t.is(zkts.status, java.status, `${label}: exit status (java stderr: ${java.stderr.split('\n')[0]}; zkts stderr: ${zkts.stderr.trim()})`);
  return { stdout: java.stdout.toString('utf8'), status: java.status, stderr: java.stderr };
}

test('the committed Java-written logs dump identically', async (t) => {
  const files = readdirSync(FIXTURES).flatMap((s) =>
    readdirSync(join(FIXTURES, s))
      .filter((n) => n.startsWith('log.'))
      .map((n) => join(FIXTURES, s, n)),
  );
  t.true(files.length >= 7);
  await eachLimited(files, 4, async (f) => {
    const r = await same(t, f);
    t.is(r.status, 0, f);
    t.regex(r.stdout, /^ZooKeeper Transactional Log File with dbid 0 txnlog format version 2\n(.|\n)*EOF reached after [1-9]\d* txns\.\n$/, f);
  });
});

const ACL = [
  { perms: 31, id: { scheme: 'world', id: 'anyone' } },
  { perms: 3, id: { scheme: 'digest', id: 'u:p,%}\n' } },
];

/** Txns with content that exercises every formatting rule. */
function awkwardTxns(): LoggedTxn[] {
  let zxid = 0x500000001n;
  const out: LoggedTxn[] = [];
  const times = [0n, 1700000000000n, 32503680000000n, -86400000n, 1699999999999n];
  const add = (type: number, body: LoggedTxn['body'], clientId = 0x1234n, cxid = 7): void => {
    const z = zxid++;
    // A bodiless closeSession (pre-3.6) never had a digest after it: the reference would read the digest as the body.
    const digest = out.length % 2 === 0 && body.txn !== null ? { version: 2, treeDigest: -z } : null;
    out.push({ header: { clientId, cxid, zxid: z, time: times[out.length % times.length]!, type }, body, digest });
  };
  const binary = Buffer.from([0x00, 0x41, 0xed, 0xa0, 0x80, 0xc3, 0xa9, 0xff, 0xf0, 0x9f, 0x98, 0x80, 0xe2, 0x82, 0x0a]);
  add(OpCode.createSession, { type: OpCode.createSession, txn: { timeOut: -1 } }, -1n, -1);
  add(OpCode.create, { type: OpCode.create, txn: { path: '/ü,n}i%c\nö', data: binary, acl: ACL, ephemeral: true, parentCVersion: -7 } }, -(1n << 63n), -2147483648);
  add(OpCode.create2, { type: OpCode.create2, txn: { path: null, data: null, acl: null, ephemeral: false, parentCVersion: 0 } });
  add(OpCode.createContainer, { type: OpCode.createContainer, txn: { path: '/c', data: Buffer.from('line\n'), acl: [], parentCVersion: 1 } });
  add(OpCode.createTTL, { type: OpCode.createTTL, txn: { path: '/t', data: binary, acl: ACL, parentCVersion: 2, ttl: (1n << 40n) - 1n } });
  add(OpCode.setData, { type: OpCode.setData, txn: { path: '/日本', data: Buffer.alloc(0), version: 2147483647 } });
  add(OpCode.setACL, { type: OpCode.setACL, txn: { path: 'p,%}\r\0', acl: ACL, version: -1 } });
  add(OpCode.setACL, { type: OpCode.setACL, txn: { path: null, acl: null, version: 0 } });
  add(OpCode.delete, { type: OpCode.delete, txn: { path: '' } });
  add(OpCode.error, { type: OpCode.error, txn: { err: -2147483648 } });
  add(OpCode.closeSession, { type: OpCode.closeSession, txn: null });
  add(OpCode.closeSession, { type: OpCode.closeSession, txn: { paths2Delete: ['/a,b', '/c}', '%'] } });
  add(OpCode.closeSession, { type: OpCode.closeSession, txn: { paths2Delete: null } });
  add(OpCode.multi, { type: OpCode.multi, txn: { txns: [] } });
  add(OpCode.multi, {
    type: OpCode.multi,
    txn: {
      txns: [
        { type: OpCode.createTTL, data: encodeSubTxn({ type: OpCode.createTTL, txn: { path: '/m/t', data: binary, acl: ACL, parentCVersion: 1, ttl: 60000n } }) },
        { type: OpCode.check, data: encodeSubTxn({ type: OpCode.check, txn: { path: '/a', version: -1 } }) },
        { type: OpCode.addWatch, data: null },
        { type: OpCode.error, data: encodeSubTxn({ type: OpCode.error, txn: { err: 10 } }) },
      ],
    },
  });
  add(OpCode.reconfig, { type: OpCode.reconfig, txn: { path: '/zookeeper/config', data: Buffer.from('server.1=a:1:2;3\nversion=1\n'), version: -1 } });
  return [...out, ...everyTypeTxns(zxid)];
}

test('logs of ours with awkward content and damage dump identically', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-txnlog-compat-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const txns = awkwardTxns();
  const file = await writeLog(dir, txns, 64 * 1024);
  const bytes = readFileSync(file);
  const variants: [string, Buffer][] = [['intact', bytes]];

  // A CRC error inside the data of the second record (it still decodes).
  const crc = Buffer.from(bytes);
  const firstLen = crc.readInt32BE(16 + 8);
  const second = 16 + 12 + firstLen + 1;
  const secondLen = crc.readInt32BE(second + 8);
  crc[second + 12 + secondLen - 3] ^= 0x01;
  variants.push(['crc-error', crc]);

  // The third record's end-of-record byte damaged: printed, then "Last transaction was partial.".
  const partial = Buffer.from(bytes);
  const third = second + 12 + secondLen + 1;
  partial[third + 12 + partial.readInt32BE(third + 8)] = 0x41;
  variants.push(['partial', partial]);

  // Cut inside the fourth record, and cut after a complete record (no padding at all).
  variants.push(['cut', bytes.subarray(0, third + 12 + partial.readInt32BE(third + 8) + 1 + 20)]);
  variants.push(['no-padding', bytes.subarray(0, third)]);
  variants.push(['header-only', bytes.subarray(0, 16)]);

  // Not a txn log.
  const magic = Buffer.from(bytes.subarray(0, 64));
  magic.write('ZKSN', 0, 'latin1');
  variants.push(['bad-magic', magic]);

  // What the reference does with each (so a pass is not two identical failures).
  const expected: Record<string, { status: number; tail: RegExp }> = {
    intact: { status: 0, tail: new RegExp(`EOF reached after ${txns.length} txns\\.\\n$`) },
    'crc-error': { status: 0, tail: new RegExp(`EOF reached after ${txns.length} txns\\.\\n$`) },
    partial: { status: 1, tail: /zxid 0x500000003 create2 null,,null,false,0\n$/ },
    cut: { status: 0, tail: /EOF reached after 3 txns\.\n$/ },
    'no-padding': { status: 0, tail: /EOF reached after 2 txns\.\n$/ },
    'header-only': { status: 0, tail: /version 2\nEOF reached after 0 txns\.\n$/ },
    'bad-magic': { status: 2, tail: /^$/ },
  };
  const paths = variants.map(([name, b]) => {
    const p = join(dir, `log.${name}`);
    writeFileSync(p, b);
    return [name, p] as const;
  });
  await eachLimited(paths, 4, async ([name, p]) => {
    const r = await same(t, p, name);
    t.is(r.status, expected[name]!.status, `${name}: ${r.stderr.slice(0, 800)}`);
    t.regex(r.stdout, expected[name]!.tail, name);
  });
  t.regex(readFileSync(paths[1]![1]).length > 0 ? (await runJava(TXNLOG_TOOLKIT, ['-d', paths[1]![1]])).stdout.toString('utf8') : '', /\nCRC ERROR - /);
});
