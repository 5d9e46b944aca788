// Damaged snapshots: a typed SnapshotCorruptError, never silently wrong data.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { readSnapshot, SnapshotCorruptError, SnapshotParser } from '../../src/persistence/snapshot';
import { CaptureSink, fixture, type FixtureFile } from './support-snap/snap-fakes';

const dir = mkdtempSync(join(tmpdir(), 'zkts-snap-corrupt-'));
test.after.always(() => rmSync(dir, { recursive: true, force: true }));

/** Parses `bytes` in memory as a file; returns the error or the sink. */
function parse(bytes: Buffer, chunk = bytes.length): SnapshotCorruptError | CaptureSink {
  const sink = new CaptureSink();
  const p = new SnapshotParser(sink, 'file', { file: 'mem' });
  try {
    for (let i = 0; i < bytes.length && !p.done; i += chunk) p.push(bytes.subarray(i, i + chunk));
    p.end();
    return sink;
  } catch (e) {
    if (e instanceof SnapshotCorruptError) return e;
    throw e;
  }
}

function flipped(bytes: Buffer, at: number, mask = 0xff): Buffer {
  const b = Buffer.from(bytes);
  b[at]! ^= mask;
  return b;
}

for (const name of ['plain', 'nodigest', 'empty']) {
  test(`every single corrupted byte of the reference's ${name} snapshot is detected`, (t) => {
    const f: FixtureFile = fixture(name);
    const bytes = readFileSync(f.path);
    const reasons = new Map<string, number>();
    const missed: number[] = [];
    for (let at = 0; at < bytes.length; at++) {
      // The lowest bit at even offsets, the highest at odd ones (sign bits of lengths included).
      const r = parse(flipped(bytes, at, at % 2 === 0 ? 0x01 : 0x80));
      if (r instanceof SnapshotCorruptError) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
      else missed.push(at);
    }
    t.deepEqual(missed, [], 'no flip goes unnoticed');
    t.log(Object.fromEntries(reasons));
  });
}

test('a truncated snapshot is an error at every length (except right after the first seal)', (t) => {
  const bytes = readFileSync(fixture('plain').path);
  const firstSealEnd = bytes.length - 33; // digest section (20) + second seal (13) follow it
  for (let len = 0; len < bytes.length; len++) {
    const r = parse(bytes.subarray(0, len), 4096);
    if (len === firstSealEnd) {
      t.true(r instanceof CaptureSink, 'ends after the first seal: a file without digest section');
      t.deepEqual((r as CaptureSink).digests, [null]);
    } else {
      t.true(r instanceof SnapshotCorruptError, `length ${len}`);
      t.is((r as SnapshotCorruptError).reason, 'TRUNCATED', `length ${len}`);
    }
  }
});

test('errors name the file, the reason and the uncompressed offset', async (t) => {
  const f = fixture('plain');
  const bytes = readFileSync(f.path);
  const file = join(dir, 'snapshot.300000030');
  writeFileSync(file, flipped(bytes, 0));
  const e1 = await t.throwsAsync(readSnapshot(file, new CaptureSink()), { instanceOf: SnapshotCorruptError });
  t.is(e1!.reason, 'BAD_MAGIC');
  t.is(e1!.file, file);
  t.is(e1!.offset, 0);
  t.regex(e1!.message, /snapshot .*snapshot\.300000030: mismatching magic headers/);

  writeFileSync(file, flipped(bytes, 20000, 0x01)); // inside the /big node's data
  const e2 = await t.throwsAsync(readSnapshot(file, new CaptureSink()), { instanceOf: SnapshotCorruptError });
  t.is(e2!.reason, 'CHECKSUM_MISMATCH');
  t.is(e2!.offset, bytes.length - 33 - 13, 'at the first seal');
  t.regex(e2!.message, /CRC corruption/);

  writeFileSync(file, flipped(bytes, bytes.length - 25, 0x01)); // inside the digest section
  const e3 = await t.throwsAsync(readSnapshot(file, new CaptureSink()), { instanceOf: SnapshotCorruptError });
  t.is(e3!.reason, 'CHECKSUM_MISMATCH');
  t.regex(e3!.message, /second seal/);

  writeFileSync(file, bytes.subarray(0, 5000));
  const e4 = await t.throwsAsync(readSnapshot(file, new CaptureSink()), { instanceOf: SnapshotCorruptError });
  t.is(e4!.reason, 'TRUNCATED');
});

test('compressed snapshots: damage is an error or changes nothing (gzip header fields), never wrong data', async (t) => {
  for (const name of ['gz', 'snappy']) {
    const f = fixture(name);
    const bytes = readFileSync(f.path);
    const file = join(dir, `c-${f.path.slice(f.path.lastIndexOf('/') + 1)}`);
    let errors = 0;
    let harmless = 0;
    const step = Math.max(1, Math.floor(bytes.length / 400));
    for (let at = 0; at < bytes.length; at += step) {
      writeFileSync(file, flipped(bytes, at, 0x10));
      const sink = new CaptureSink();
      try {
        await readSnapshot(file, sink);
        t.deepEqual(sink.tree(), f.tree, `${name}: flip at ${at} read back without error, so it must be harmless`);
        harmless++;
      } catch (e) {
        t.true(e instanceof SnapshotCorruptError, `${name} at ${at}: ${(e as Error).message}`);
        errors++;
      }
    }
    t.true(errors > 0);
    t.log(`${name}: ${errors} detected, ${harmless} harmless`);
    // Cut inside the compressed data (a cut inside gzip's CRC trailer alone loses no data: the
    // seals already proved every byte, and the reader stops at the second seal as the reference).
    for (const keep of [20, Math.floor(bytes.length / 2), bytes.length - 40]) {
      writeFileSync(file, bytes.subarray(0, keep));
      await t.throwsAsync(readSnapshot(file, new CaptureSink()), { instanceOf: SnapshotCorruptError }, `${name} cut to ${keep} bytes`);
    }
  }
});

test('structure checks: null path, missing parent, wrong first node, null ACL list, bad lengths', (t) => {
  const header = Buffer.from('5a4b534e00000002ffffffffffffffff', 'hex');
  const int = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    return b;
  };
  const str = (s: string) => Buffer.concat([int(Buffer.byteLength(s)), Buffer.from(s)]);
  const node = (path: string) => Buffer.concat([str(path), int(-1), Buffer.alloc(8 + 60)]);
  const noSessions = int(0);
  const noAcls = int(0);
  const cases: [string, Buffer, SnapshotCorruptError['reason']][] = [
    ['null path', Buffer.concat([header, noSessions, noAcls, int(-1)]), 'BAD_PATH'],
    ['first node not root', Buffer.concat([header, noSessions, noAcls, node('/a')]), 'BAD_PATH'],
    ['orphan', Buffer.concat([header, noSessions, noAcls, node(''), node('/a'), node('/b/c')]), 'MISSING_PARENT'],
    ['back to an earlier subtree', Buffer.concat([header, noSessions, noAcls, node(''), node('/a'), node('/b'), node('/a/x')]), 'MISSING_PARENT'],
    ['null ACL list', Buffer.concat([header, noSessions, int(1), Buffer.alloc(8), int(-1)]), 'BAD_ACL'],
    ['negative path length', Buffer.concat([header, noSessions, noAcls, int(-7)]), 'BAD_LENGTH'],
    ['data above jute.maxbuffer', Buffer.concat([header, noSessions, noAcls, str(''), int(0x7fffffff)]), 'BAD_LENGTH'],
  ];
  for (const [what, bytes, reason] of cases) {
    const r = parse(bytes);
    t.true(r instanceof SnapshotCorruptError, what);
    t.is((r as SnapshotCorruptError).reason, reason, what);
  }
  // Siblings, deep nesting and returning up several levels are all fine.
  const ok = parse(Buffer.concat([header, noSessions, noAcls, node(''), node('/a'), node('/a/b'), node('/a/b/c'), node('/d'), node('/d/e'), str('/')]));
  t.true(ok instanceof SnapshotCorruptError && ok.reason === 'TRUNCATED', 'only the seal is missing');
});
