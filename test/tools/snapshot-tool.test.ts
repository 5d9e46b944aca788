// `zkts snapshot`: the SnapshotFormatter layout for snapshots written by our writer (plain, gz,
// snappy), -d and --json, the quota stat rewrite, and damaged or missing files.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { CaptureIO } from '../../src/tools/io';
import { runSnapshot } from '../../src/tools/snapshot-tool';
import { tempDir } from '../persistence/support-txnlog/helpers';
import { runZkts, SYSTEM_NODES, writeSnap, type TreeSpec } from './support';

const SESSION_A = 0x1000a8b2c3d0001n;
const SESSION_B = 0x200000000000002n;

const SPEC: TreeSpec = {
  sessions: [
    [SESSION_A, 30000],
    [SESSION_B, 4000],
  ],
  nodes: [
    ...SYSTEM_NODES,
    ['/app', 'hello'],
    ['/app/e1', 'x', { ephemeralOwner: SESSION_A, mzxid: 0x30000002en }],
    ['/app/e2', null, { ephemeralOwner: SESSION_A }],
    ['/app/c', null, { ephemeralOwner: -(1n << 63n) }],
    ['/app/"q"\n', 'quoted'],
  ],
  digest: { zxid: 0x30n, digestVersion: 2, digest: 12345n },
};

async function run(args: string[]): Promise<CaptureIO & { status: number }> {
  const io = new CaptureIO();
  const status = await runSnapshot(args, io, { now: () => 42 });
  return Object.assign(io, { status });
}

/** The path lines of the node walk, in order. */
function paths(stdout: string): string[] {
  const lines = stdout.split('\n');
  return lines.filter((_, i) => i > 0 && lines[i - 1] === '----' && !lines[i]!.startsWith('Session Details') && !lines[i]!.startsWith('Last zxid'));
}

test('text layout: node count, pre-order walk, stats, sessions and last zxid', async (t) => {
  const file = await writeSnap(tempDir(t, 'snaptool'), SPEC, 0x20n);
  const r = await run([file]);
  t.is(r.status, 0, r.stderr);
  t.is(r.stderr, '');
  const lines = r.stdout.split('\n');
  t.is(lines[0], 'ZNode Details (count=10):');
  t.deepEqual(paths(r.stdout).sort(), ['/', '/app', '/app/"q"', '/app/c', '/app/e1', '/app/e2', '/zookeeper', '/zookeeper/config', '/zookeeper/quota'].sort());
  const app = lines.indexOf('/app');
  t.deepEqual(lines.slice(app + 1, app + 11).map((l) => l.replace(/time = .*/, 'time = T')), [
    '  cZxid = 0x00000000000004',
    '  ctime = T',
    '  mZxid = 0x00000000000004',
    '  mtime = T',
    '  pZxid = 0x00000000000004',
    '  cversion = 0',
    '  dataVersion = 0',
    '  aclVersion = 0',
    '  ephemeralOwner = 0x00000000000000',
    '  dataLength = 5',
  ]);
  t.is(lines[lines.indexOf('/app/c') + 9], '  ephemeralOwner = 0x8000000000000000');
  const sessions = lines.indexOf('Session Details (sid, timeout, ephemeralCount):');
  t.true(sessions > 0);
  t.is(lines[sessions - 1], '----');
  t.deepEqual(lines.slice(sessions + 1, sessions + 3).sort(), ['0x1000a8b2c3d0001, 30000, 2', '0x200000000000002, 4000, 0'].sort());
  t.deepEqual(lines.slice(-3), ['----', 'Last zxid: 0x30000002e', '']);
});

test('exact output with dates, through bin/zkts with TZ=UTC', async (t) => {
  const file = await writeSnap(tempDir(t, 'snaptool'), { sessions: [], nodes: [['', null, { ctime: 1700000000000n, mtime: 1700000000000n }]] }, 0x7n);
  const r = runZkts(['snapshot', file]);
  t.is(r.status, 0, r.stderr);
  t.is(
    r.stdout,
    [
      'ZNode Details (count=2):',
      '----',
      '/',
      '  cZxid = 0x00000000000000',
      '  ctime = Tue Nov 14 22:13:20 UTC 2023',
      '  mZxid = 0x00000000000000',
      '  mtime = Tue Nov 14 22:13:20 UTC 2023',
      '  pZxid = 0x00000000000000',
      '  cversion = 0',
      '  dataVersion = 0',
      '  aclVersion = 0',
      '  ephemeralOwner = 0x00000000000000',
      '  dataLength = 0',
      '----',
      'Session Details (sid, timeout, ephemeralCount):',
      '----',
      'Last zxid: 0x7',
      '',
    ].join('\n'),
  );
});

test('-d prints the data in base64; gz and snappy files read the same', async (t) => {
  const dir = tempDir(t, 'snaptool');
  const plain = await run(['-d', await writeSnap(dir, SPEC, 0x20n)]);
  t.is(plain.status, 0, plain.stderr);
  const lines = plain.stdout.split('\n');
  t.is(lines[lines.indexOf('/app') + 10], `  data = ${Buffer.from('hello').toString('base64')}`);
  t.is(lines[lines.indexOf('/app/e2') + 10], '  data = ');
  t.false(plain.stdout.includes('dataLength'));
  for (const c of ['gz', 'snappy'] as const) {
    const r = await run(['-d', await writeSnap(dir, SPEC, 0x20n, c)]);
    t.is(r.status, 0, r.stderr);
    t.is(r.stdout, plain.stdout, c);
  }
});

test('--json: the ncdu export layout, valid JSON, names escaped', async (t) => {
  const file = await writeSnap(tempDir(t, 'snaptool'), SPEC, 0x20n);
  for (const flag of ['--json', '-json']) {
    const r = await run([flag, file]);
    t.is(r.status, 0, r.stderr);
    t.false(r.stdout.endsWith('\n'));
    t.true(r.stdout.startsWith('[1,0,{"progname":"SnapshotFormatter.java","progver":"0.01","timestamp":42},[{"name":"/","asize":0,"dsize":0,"dev":0,"ino":1001},'));
    const doc = JSON.parse(r.stdout) as unknown[];
    t.is(doc.length, 4);
    const names: string[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) x.forEach(walk);
      else names.push((x as { name: string }).name);
    };
    walk(doc[3]);
    t.deepEqual(names.slice().sort(), ['/', 'app', '"q"\n', 'c', 'e1', 'e2', 'zookeeper', 'config', 'quota'].sort());
    t.true(r.stdout.includes('{"name":"\\"q\\"\\n","asize":6,"dsize":6,"dev":0,"ino":'));
  }
});

test("quota stat nodes show the counts the reference's loader recomputes", async (t) => {
  const spec: TreeSpec = {
    sessions: [],
    nodes: [
      ...SYSTEM_NODES,
      ['/zookeeper/quota/app', null],
      ['/zookeeper/quota/app/zookeeper_limits', 'count=10,bytes=-1'],
      ['/zookeeper/quota/app/zookeeper_stats', 'count=1,bytes=999999'],
      ['/app', 'abc'],
      ['/app/x', 'defg'],
    ],
  };
  const r = await run(['-d', await writeSnap(tempDir(t, 'snaptool'), spec, 0x9n)]);
  t.is(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.is(lines[lines.indexOf('/zookeeper/quota/app/zookeeper_stats') + 10], `  data = ${Buffer.from('count=2,bytes=7').toString('base64')}`);
  t.is(lines[lines.indexOf('/zookeeper/quota/app/zookeeper_limits') + 10], `  data = ${Buffer.from('count=10,bytes=-1').toString('base64')}`);
});

test('a bad checksum is printed anyway with a warning; other damage is an error', async (t) => {
  const dir = tempDir(t, 'snaptool');
  const file = await writeSnap(dir, SPEC, 0x20n);
  const good = await run([file]);
  const bytes = readFileSync(file);
  const at = bytes.indexOf(Buffer.from('hello'));
  bytes[at] = 'j'.charCodeAt(0);
  writeFileSync(file, bytes);
  const crc = await run([file]);
  t.is(crc.status, 0);
  t.is(crc.stdout, good.stdout);
  t.regex(crc.stderr, /warning: .*CRC/);

  writeFileSync(file, bytes.subarray(0, at));
  const cut = await run([file]);
  t.is(cut.status, 1);
  t.is(cut.stdout, '');
  t.regex(cut.stderr, /ends|truncated/i);

  const notSnap = join(dir, 'snapshot.1');
  writeFileSync(notSnap, Buffer.alloc(64, 1));
  const magic = await run([notSnap]);
  t.is(magic.status, 1);
  t.regex(magic.stderr, /magic/i);
});

test('usage errors: missing file, directory, -d with --json, no file', async (t) => {
  const dir = tempDir(t, 'snaptool');
  const missing = await run([join(dir, 'snapshot.5')]);
  t.is(missing.status, 2);
  t.regex(missing.stderr, /File '.*snapshot\.5' does not exist\./);
  const isDir = await run([dir]);
  t.is(isDir.status, 2);
  t.regex(isDir.stderr, /is a directory\. it must be a file\./);
  const file = await writeSnap(dir, SPEC, 0x20n);
  const both = await run(['-d', '--json', file]);
  t.is(both.status, 2);
  t.regex(both.stderr, /Cannot specify both data dump \(-d\) and json mode \(-json\) in same call/);
  t.is((await run([])).status, 2);
  t.is((await run([file, file])).status, 2);
});
