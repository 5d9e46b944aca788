// Snapshots written by Apache ZooKeeper 3.8.0 itself (test/persistence/support-snap/fixtures,
// made by compat-tests/persistence/snapshot/MakeSnapshots.java) against our reader and writer.

import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import test from 'ava';
import { readSnapshot, readSnapStream, writeSnapshot, writeSnapStream, XerialSnappyDecoder } from '../../src/persistence/snapshot';
import { snapshotFileName } from '../../src/persistence/files';
import { CaptureSink, fixture, loadSnapManifest, sourceOf } from './support-snap/snap-fakes';

const manifest = loadSnapManifest();

function unsnappy(b: Buffer): Buffer {
  const d = new XerialSnappyDecoder();
  const out = d.push(b);
  d.end();
  return Buffer.concat(out);
}

function uncompressed(path: string): Buffer {
  const b = readFileSync(path);
  if (path.endsWith('.gz')) return gunzipSync(b);
  if (path.endsWith('.snappy')) return unsnappy(b);
  return b;
}

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-snap-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('the fixtures are the ones the manifest describes', (t) => {
  t.true(manifest.length >= 5);
  for (const f of manifest) {
    const bytes = readFileSync(f.path);
    t.is(bytes.length, f.bytes, f.name);
    t.is(createHash('sha256').update(bytes).digest('hex'), f.sha256, f.name);
  }
  t.is(fixture('empty').bytes, 457, 'the minimal standalone snapshot is 457 bytes');
});

for (const f of manifest) {
  test(`reads the reference's ${f.name} snapshot (${basename(f.path)})`, async (t) => {
    const sink = new CaptureSink();
    const r = await readSnapshot(f.path, sink);
    t.is(r.zxid, f.zxid);
    t.deepEqual(r.digest, f.digest);
    t.deepEqual(sink.digests, [f.digest]);
    t.deepEqual(sink.sessions, f.tree.sessions);
    t.deepEqual(sink.aclEntries, f.tree.aclEntries);
    t.is(sink.nodes.length, f.tree.nodes.length);
    t.deepEqual(sink.nodes, f.tree.nodes);
    t.is(r.trailingBytes, 0);
    t.is(r.bytes, uncompressed(f.path).length);
  });
}

test('null and empty data stay distinct; non-ASCII paths and ACL ids survive', async (t) => {
  const sink = new CaptureSink();
  await readSnapshot(fixture('plain').path, sink);
  const byPath = new Map(sink.nodes.map((n) => [n.path, n.node]));
  t.is(byPath.get('/app/null')!.data, null);
  t.deepEqual(byPath.get('/app/empty')!.data, Buffer.alloc(0));
  t.is(byPath.get('/ünïcødé/日本語')!.data!.toString('utf8'), '日本');
  t.true(sink.aclEntries.some((e) => e.acls!.some((a) => a.id.id === 'üser:häsh')));
  t.is(byPath.get('/container')!.stat.ephemeralOwner, -(1n << 63n));
  t.true(byPath.get('/big')!.data!.length > 32 * 1024, 'spans more than one snappy block');
});

for (const f of manifest) {
  test(`our writer reproduces the reference's ${f.name} snapshot`, async (t) => {
    const dir = tmp(t);
    const compression = f.path.endsWith('.gz') ? 'gz' : f.path.endsWith('.snappy') ? 'snappy' : '';
    // Small chunks, so the seals and records fall across chunk boundaries.
    const r = await writeSnapshot(sourceOf(f.tree, f.digest), dir, f.zxid, { compression, chunkBytes: 1000, chunkNodes: 7 });
    t.is(basename(r.file), basename(f.path));
    t.is(basename(r.file), snapshotFileName(f.zxid, compression));
    t.is(r.nodes, f.tree.nodes.length);
    const ours = readFileSync(r.file);
    if (compression === '') {
      t.true(ours.equals(readFileSync(f.path)), 'byte-identical');
    } else {
      t.true(uncompressed(r.file).equals(uncompressed(f.path)), 'identical once decompressed');
    }
    t.is(r.rawBytes, uncompressed(f.path).length);
    t.is(r.bytes, ours.length);
  });
}

test('the SNAP sync stream is the snapshot body without header and seals, then "BenWasHere"', (t) => {
  const f = fixture('plain');
  const file = readFileSync(f.path);
  const stream = writeSnapStream(sourceOf(f.tree, f.digest), { chunkBytes: 500 });
  const signature = Buffer.from([0, 0, 0, 10, ...Buffer.from('BenWasHere')]);
  t.true(stream.subarray(stream.length - signature.length).equals(signature));
  const body = stream.subarray(0, stream.length - signature.length);
  t.true(file.subarray(16, 16 + body.length).equals(body), 'sections 2-5 are the same bytes');
  t.deepEqual([...file.subarray(16 + body.length - 5, 16 + body.length)], [0, 0, 0, 1, 0x2f], 'ends with the "/" end marker');

  const sink = new CaptureSink();
  const next = Buffer.from('next packet');
  const r = readSnapStream(Buffer.concat([stream, next]), sink);
  t.is(r.bytesRead, stream.length);
  t.deepEqual(sink.tree(), f.tree);
  t.deepEqual(sink.digests, [null]);
});
