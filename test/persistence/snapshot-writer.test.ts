// The writer's behaviour beyond the bytes: it never blocks the event loop, it is fuzzy by design,
// it leaves no temporary file, and every chunking gives the same bytes.

import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import type { SnapshotCompression } from '../../src/persistence/files';
import type { SnapshotNode, SnapshotSource } from '../../src/persistence/snapshot-contract';
import { readSnapshot, serializeSnapshotChunks, SnapshotAbortedError, SnapshotParser, SnapStreamReader, snapStreamChunks, writeSnapshot } from '../../src/persistence/snapshot';
import { CaptureSink, CountingSink, fixture, sourceOf, syntheticSource } from './support-snap/snap-fakes';

function tmp(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-snapw-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const NODES = 200_000;

for (const compression of ['', 'gz', 'snappy'] as SnapshotCompression[]) {
  // Structural, not timed: a 1 ms timer must keep firing at many points spread over the whole
  // serialization, which proves the writer yields between chunks instead of holding the loop. (The
  // gap length itself is a benchmark figure: bench/persistence; it is logged here for information.)
  test.serial(`writing ${NODES} nodes (${compression || 'uncompressed'}) never blocks the event loop`, async (t) => {
    const dir = tmp(t);
    const source = syntheticSource(NODES, 100);
    let serialized = 0;
    const counted: SnapshotSource = {
      sessions: () => source.sessions(),
      aclEntries: () => source.aclEntries(),
      *nodes() {
        for (const n of source.nodes()) {
          serialized++;
          yield n;
        }
      },
      digest: () => source.digest(),
    };
    const seenAt = new Set<number>();
    let last = performance.now();
    let maxGap = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
      if (serialized > 0 && serialized < NODES) seenAt.add(serialized);
    }, 1);
    try {
      last = performance.now();
      const r = await writeSnapshot(counted, dir, 0x100000000n + BigInt(NODES), { compression });
      t.is(r.nodes, NODES);
      t.log(`${compression || 'plain'}: timer fired at ${seenAt.size} points of the write, max gap ${maxGap.toFixed(1)} ms, ${r.bytes} bytes`);
    } finally {
      clearInterval(timer);
    }
    const points = [...seenAt];
    t.true(points.length >= 5, `the timer fired at ${points.length} distinct points while nodes were serialized`);
    t.true(Math.min(...points) < NODES / 4 && Math.max(...points) > (3 * NODES) / 4, 'from early in the write to late in it');
    const sink = new CountingSink();
    const back = await readSnapshot(join(dir, readdirSync(dir)[0]!), sink);
    t.is(back.nodes, NODES);
    const dirs = Math.ceil((NODES - 1) / 1001); // fanout 1000: a directory node per 1000 leaves
    t.is(sink.dataBytes, (NODES - 1 - dirs) * 100);
  });
}

test('fuzzy by design: changes made between chunks show up for nodes not yet written', async (t) => {
  const dir = tmp(t);
  const data = new Map<string, Buffer>();
  const order: string[] = [''];
  for (let i = 0; i < 1000; i++) order.push(`/n${i}`);
  for (const p of order) data.set(p, Buffer.from('old'));
  const stat = { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 0n };
  const source: SnapshotSource = {
    sessions: () => [],
    aclEntries: () => [],
    *nodes(): Generator<SnapshotNode> {
      for (const p of order) yield { path: p, node: { data: data.get(p)!, acl: -1n, stat } };
    },
    digest: () => ({ zxid: 7n, digestVersion: 2, digest: 1n }),
  };
  const writing = writeSnapshot(source, dir, 5n, { compression: '', chunkNodes: 10 });
  // Another event-loop task changes the last node while the writer is between chunks.
  await new Promise((r) => setImmediate(r));
  data.set('/n999', Buffer.from('new'));
  await writing;
  const sink = new CaptureSink();
  await readSnapshot(join(dir, 'snapshot.5'), sink);
  t.is(sink.nodes[0]!.node.data!.toString(), 'old');
  t.is(sink.nodes[1000]!.node.data!.toString(), 'new');
});

test('an aborted write leaves neither the snapshot nor its temporary file', async (t) => {
  const dir = tmp(t);
  const ac = new AbortController();
  const writing = writeSnapshot(syntheticSource(50_000, 100), dir, 9n, { compression: 'gz', chunkNodes: 1000, signal: ac.signal });
  setImmediate(() => ac.abort());
  await t.throwsAsync(writing, { instanceOf: SnapshotAbortedError });
  t.deepEqual(readdirSync(dir), []);
});

test('a source that throws mid-way leaves no file behind', async (t) => {
  const dir = tmp(t);
  const bad: SnapshotSource = {
    ...syntheticSource(10, 1),
    *nodes() {
      yield* syntheticSource(5, 1).nodes();
      throw new Error('tree went away');
    },
  };
  await t.throwsAsync(writeSnapshot(bad, dir, 3n, { compression: 'snappy' }), { message: 'tree went away' });
  t.deepEqual(readdirSync(dir), []);
});

test('the digest section is written only when the source has one', async (t) => {
  const dir = tmp(t);
  const f = fixture('plain');
  const r = await writeSnapshot(sourceOf(f.tree, null), dir, f.zxid, { compression: '', fsync: false });
  t.true(readFileSync(r.file).equals(readFileSync(fixture('nodigest').path)));
  t.is(r.digest, null);
  t.false(existsSync(`${r.file}.tmp`));
});

test('every chunking produces the same bytes, and the parser accepts them split at every offset', (t) => {
  const f = fixture('plain');
  const expected = readFileSync(f.path);
  for (const limits of [{ chunkNodes: 1 }, { chunkBytes: 1 }, { chunkBytes: 100_000 }, {}]) {
    const chunks = Array.from(serializeSnapshotChunks(sourceOf(f.tree, f.digest), 'file', limits));
    t.true(Buffer.concat(chunks).equals(expected), JSON.stringify(limits));
  }
  // Split the reference's file into two parts at every offset, then into 1-byte pieces.
  for (let at = 0; at <= expected.length; at += at < 2000 || at > expected.length - 2000 ? 1 : 97) {
    const sink = new CaptureSink();
    const p = new SnapshotParser(sink, 'file');
    p.push(expected.subarray(0, at));
    p.push(expected.subarray(at));
    p.end();
    if (sink.nodes.length !== f.tree.nodes.length) t.fail(`split at ${at}`);
  }
  const sink = new CaptureSink();
  const p = new SnapshotParser(sink, 'file');
  for (let i = 0; i < expected.length; i++) p.push(expected.subarray(i, i + 1));
  t.deepEqual(p.end().digest, f.digest);
  t.deepEqual(sink.tree(), f.tree);
});

test('SNAP stream reader: bytes after the signature are handed back, whatever the split', (t) => {
  const f = fixture('plain');
  const stream = Buffer.concat(Array.from(snapStreamChunks(sourceOf(f.tree, null), { chunkBytes: 300 })));
  const after = Buffer.from('QUORUM-PACKET');
  const wire = Buffer.concat([stream, after]);
  for (let at = 0; at <= wire.length; at += at > stream.length - 40 ? 1 : 211) {
    const sink = new CaptureSink();
    const r = new SnapStreamReader(sink);
    let rest = r.push(wire.subarray(0, at));
    if (rest === null) rest = r.push(wire.subarray(at));
    else rest = Buffer.concat([rest, wire.subarray(at)]);
    t.true(r.done);
    if (!rest!.equals(after)) t.fail(`split at ${at}: rest ${rest!.toString()}`);
    if (sink.nodes.length !== f.tree.nodes.length) t.fail(`split at ${at}: ${sink.nodes.length} nodes`);
  }
  const cut = new SnapStreamReader(new CaptureSink());
  t.is(cut.push(stream.subarray(0, stream.length - 3)), null);
  t.throws(() => cut.end(), { message: /ends in the signature section/ });
  const wrongSig = Buffer.from(stream);
  wrongSig[wrongSig.length - 1] = 0x21;
  t.throws(() => new SnapStreamReader(new CaptureSink()).push(wrongSig), { message: /missing signature/ });
});
