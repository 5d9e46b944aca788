// Snapshots written by OUR writer, read by Apache ZooKeeper 3.8.0's own code: SnapshotFormatter
// (zkSnapShotToolkit.sh) must list our nodes, and FileSnap.deserialize (what the server runs at
// start-up, checking both seals and the digest section) must load them; our SNAP sync stream must
// load as a learner reads it. Also re-runs the golden generator and requires it to reproduce the
// committed fixtures byte for byte.

import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import test from 'ava';
import type { SnapshotCompression } from '../../../src/persistence/files';
import { writeSnapshot, writeSnapStream } from '../../../src/persistence/snapshot';
import type { SnapshotSource } from '../../../src/persistence/snapshot-contract';
import { fixture, repoRoot, snapFixturesDir, sourceOf, syntheticSource } from '../../../test/persistence/support-snap/snap-fakes';

const run = promisify(execFile);
const JARS = ['zookeeper', 'zookeeper-jute', 'snappy-java', 'slf4j-api', 'slf4j-nop'].map((j) => `/usr/share/java/${j}.jar`).join(':');

const work = mkdtempSync(join(tmpdir(), 'zkts-snap-compat-'));
const classes = join(work, 'classes');
mkdirSync(classes);
let compiled: Promise<void> | undefined;
function compile(): Promise<void> {
  compiled ??= run('javac', ['-d', classes, '-cp', JARS, join(repoRoot, 'compat-tests/persistence/snapshot/MakeSnapshots.java')]).then(() => undefined);
  return compiled;
}
test.after.always(() => rmSync(work, { recursive: true, force: true }));

/** The escaping MakeSnapshots.json uses: printable ASCII as is, everything else \uXXXX. */
function javaJson(s: string): string {
  let out = '"';
  for (const ch of s) {
    for (let i = 0; i < ch.length; i++) {
      const c = ch.charCodeAt(i);
      if (ch === '"' || ch === '\\') out += `\\${ch}`;
      else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
      else out += ch[i];
    }
  }
  return `${out}"`;
}

interface Case {
  name: string;
  source: () => SnapshotSource;
  zxid: bigint;
  paths: () => string[];
  /** Expected tree digest, when the content is the reference's own tree. */
  treeDigest?: bigint;
}

const full = fixture('plain');
const SYNTH_NODES = 5000;
const cases: Case[] = [
  {
    name: 'reference tree',
    source: () => sourceOf(full.tree, full.digest),
    zxid: full.zxid,
    paths: () => full.tree.nodes.map((n) => n.path),
    treeDigest: full.digest!.digest,
  },
  {
    name: `${SYNTH_NODES} synthetic nodes`,
    source: () => syntheticSource(SYNTH_NODES, 100, { fanout: 300, sessions: 3, digest: { zxid: 0x500000001n, digestVersion: 2, digest: 42n } }),
    zxid: 0x500000001n,
    paths: () => Array.from(syntheticSource(SYNTH_NODES, 100, { fanout: 300 }).nodes(), (n) => n.path),
  },
];

for (const c of cases) {
  for (const compression of ['', 'gz', 'snappy'] as SnapshotCompression[]) {
    const label = `${c.name}, ${compression === '' ? 'uncompressed' : compression}`;

    test(`SnapshotFormatter lists the nodes of our snapshot: ${label}`, async (t) => {
      const dir = mkdtempSync(join(work, 'fmt-'));
      const w = await writeSnapshot(c.source(), dir, c.zxid, { compression, chunkBytes: 64 * 1024 });
      const { stdout } = await run('java', ['-cp', JARS, 'org.apache.zookeeper.server.SnapshotFormatter', '-d', w.file], { maxBuffer: 64 * 1024 * 1024 });
      const paths = c.paths();
      t.true(stdout.startsWith(`ZNode Details (count=${paths.length + 1}):`), stdout.slice(0, 80));
      const listed = stdout.split('\n----\n').map((block) => block.split('\n')[0]!);
      // The formatter walks its own HashSets, so compare as sets.
      const expected = paths.map((p) => (p === '' ? '/' : p)).sort();
      t.deepEqual(listed.filter((l) => l.startsWith('/')).sort(), expected);
      t.regex(stdout, new RegExp(`Last zxid: 0x${c.zxid.toString(16)}\\n?$`));
    });

    test(`FileSnap.deserialize loads our snapshot with good seals: ${label}`, async (t) => {
      await compile();
      const dir = mkdtempSync(join(work, 'verify-'));
      const w = await writeSnapshot(c.source(), dir, c.zxid, { compression });
      t.deepEqual(readdirSync(dir), [w.file.slice(dir.length + 1)], 'only the final file, no temporary left');
      const { stdout } = await run('java', ['-cp', `${classes}:${JARS}`, 'MakeSnapshots', 'verify', dir], { maxBuffer: 64 * 1024 * 1024 });
      const lines = stdout.trim().split('\n');
      t.is(lines[0], `zxid ${c.zxid.toString(16)}`);
      const digest = (await c.source()).digest()!;
      t.is(lines[2], `digest ${digest.zxid.toString(16)} ${digest.digest}`, 'digest section read back');
      if (c.treeDigest !== undefined) {
        t.is(lines[3], `treeDigest ${c.treeDigest}`, 'the reference recomputes the same tree digest from our nodes');
        t.is(lines[4], 'digestMismatches 0', 'and FileSnap compared it with the digest section');
      }
      const nodes = lines.filter((l) => l.startsWith('node ')).map((l) => l.split(' ')[1]);
      t.deepEqual(nodes.sort(), c.paths().map(javaJson).sort());
    });
  }
}

test('the check has teeth: one flipped byte and the reference refuses our file', async (t) => {
  await compile();
  const dir = mkdtempSync(join(work, 'flip-'));
  const w = await writeSnapshot(sourceOf(full.tree, full.digest), dir, full.zxid, { compression: '' });
  const bytes = readFileSync(w.file);
  bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
  writeFileSync(w.file, bytes);
  const err = await t.throwsAsync(run('java', ['-cp', `${classes}:${JARS}`, 'MakeSnapshots', 'verify', dir]));
  t.regex(String((err as { stderr?: string }).stderr), /Not able to find valid snapshots/);
});

test('a wrong digest is reported by the reference as a mismatch', async (t) => {
  await compile();
  const dir = mkdtempSync(join(work, 'digest-'));
  const wrong = { ...full.digest!, digest: full.digest!.digest + 1n };
  await writeSnapshot(sourceOf(full.tree, wrong), dir, full.zxid, { compression: '' });
  const { stdout } = await run('java', ['-cp', `${classes}:${JARS}`, 'MakeSnapshots', 'verify', dir]);
  t.regex(stdout, /digestMismatches 1/);
});

test('a learner reads our SNAP sync stream', async (t) => {
  await compile();
  const file = join(work, 'snap-stream.bin');
  writeFileSync(file, writeSnapStream(sourceOf(full.tree, null)));
  const { stdout } = await run('java', ['-cp', `${classes}:${JARS}`, 'MakeSnapshots', 'verify-stream', file]);
  const lines = stdout.trim().split('\n');
  t.is(lines[0], `sessions ${full.tree.sessions.length}`);
  t.is(lines[1], `treeDigest ${full.digest!.digest}`);
  t.deepEqual(lines.slice(2).map((l) => l.slice('node '.length)).sort(), full.tree.nodes.map((n) => javaJson(n.path)).sort());
});

test('the Java generator reproduces the committed snapshot fixtures byte for byte', async (t) => {
  const out = join(work, 'regen');
  execFileSync('bash', ['compat-tests/persistence/snapshot/generate.sh', out], { cwd: repoRoot, stdio: 'pipe', timeout: 120_000 });
  const list = (root: string): string[] =>
    readdirSync(root, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? readdirSync(join(root, e.name)).map((f) => `${e.name}/${f}`) : [e.name]))
      .sort();
  t.deepEqual(list(out), list(snapFixturesDir));
  const differing = list(snapFixturesDir).filter((f) => !readFileSync(join(out, f)).equals(readFileSync(join(snapFixturesDir, f))));
  t.deepEqual(differing, []);
});
