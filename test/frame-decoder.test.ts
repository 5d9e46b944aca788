import test from 'ava';
import { frame, FrameDecoder, FrameError } from '../src/protocol/frame-decoder';
import { prng, randomBytes } from './support/prng';

const rand = prng(0x5eed);
const SIZES = [0, 1, 3, 4, 5, 17, 100, 255, 256];
const bodies = SIZES.map((n) => randomBytes(rand, n));
const stream = Buffer.concat(bodies.map(frame));

function decodeChunks(chunks: Buffer[], max?: number): { frames: Buffer[]; error: FrameError | null } {
  const d = new FrameDecoder(max === undefined ? {} : { frameBytesMax: max });
  const frames: Buffer[] = [];
  let error: FrameError | null = null;
  for (const c of chunks) {
    // Copy what the decoder hands out: views are only valid while the chunk is kept.
    error = d.feed(c, (f) => frames.push(Buffer.from(f)));
    if (error) break;
  }
  return { frames, error };
}

test('a stream split once at every byte offset yields the same frames', (t) => {
  for (let k = 0; k <= stream.length; k++) {
    const { frames, error } = decodeChunks([stream.subarray(0, k), stream.subarray(k)]);
    if (error !== null || frames.length !== bodies.length || !frames.every((f, i) => f.equals(bodies[i]!))) {
      return t.fail(`split at ${k} of ${stream.length}: ${frames.length} frames, error ${error?.message}`);
    }
  }
  t.pass();
});

test('a stream split twice at every pair of offsets yields the same frames', (t) => {
  const small = Buffer.concat(bodies.slice(0, 6).map(frame));
  let runs = 0;
  for (let a = 0; a <= small.length; a++) {
    for (let b = a; b <= small.length; b++) {
      const { frames } = decodeChunks([small.subarray(0, a), small.subarray(a, b), small.subarray(b)]);
      runs++;
      if (frames.length !== 6 || !frames.every((f, i) => f.equals(bodies[i]!))) return t.fail(`split at ${a},${b}`);
    }
  }
  t.true(runs > 1000);
});

test('a stream fed one byte at a time yields the same frames', (t) => {
  const chunks = [...stream].map((b) => Buffer.from([b]));
  const { frames, error } = decodeChunks(chunks);
  t.is(error, null);
  t.deepEqual(frames, bodies);
});

test('random chunking of large frames keeps every byte', (t) => {
  const r = prng(42);
  const big = [randomBytes(r, 1_000_000), randomBytes(r, 70_000), randomBytes(r, 1), randomBytes(r, 1_048_575)];
  const s = Buffer.concat(big.map(frame));
  for (let round = 0; round < 5; round++) {
    const chunks: Buffer[] = [];
    for (let off = 0; off < s.length; ) {
      const n = 1 + Math.floor(r() * 200_000);
      chunks.push(s.subarray(off, off + n));
      off += n;
    }
    const { frames, error } = decodeChunks(chunks);
    t.is(error, null);
    t.is(frames.length, big.length);
    frames.forEach((f, i) => t.true(f.equals(big[i]!), `frame ${i} round ${round}`));
  }
});

test('a frame inside one chunk is a view, not a copy', (t) => {
  const d = new FrameDecoder();
  const chunk = frame(Buffer.from('hello'));
  let got: Buffer | undefined;
  d.feed(chunk, (f) => (got = f));
  t.is(got!.buffer, chunk.buffer);
  t.is(d.bufferedBytes, 0);
});

test('a negative length is a typed error; frames before it are delivered', (t) => {
  const bad = Buffer.alloc(4);
  bad.writeInt32BE(-1, 0);
  const { frames, error } = decodeChunks([Buffer.concat([frame(Buffer.from('ok')), bad, frame(Buffer.from('never'))])]);
  t.deepEqual(frames, [Buffer.from('ok')]);
  t.true(error instanceof FrameError);
  t.is(error!.code, 'FRAME_LENGTH_NEGATIVE');
  t.is(error!.length, -1);
});

test('a length above jute.maxbuffer is a typed error without allocating the frame', (t) => {
  const d = new FrameDecoder();
  const header = Buffer.alloc(4);
  header.writeInt32BE(0x7fffffff, 0);
  const error = d.feed(header, () => t.fail('no frame expected'));
  t.is(error?.code, 'FRAME_LENGTH_ABOVE_MAX');
  t.is(error?.frameBytesMax, 1048575);
  t.is(d.bufferedBytes, 0);
  // The decoder stays failed: later input is ignored and the same error is returned.
  t.is(d.feed(frame(Buffer.from('x')), () => t.fail('no frame after an error')), error);
});

test('four-letter words read as a length are above the default maximum', (t) => {
  for (const word of ['ruok', 'stat', 'mntr', 'GET ']) {
    const { error } = decodeChunks([Buffer.from(word)]);
    t.is(error?.code, 'FRAME_LENGTH_ABOVE_MAX', word);
  }
});

test('jute.maxbuffer is configurable: exactly the maximum passes, one more fails', (t) => {
  const body = Buffer.alloc(1000, 7);
  t.is(decodeChunks([frame(body)], 1000).error, null);
  t.deepEqual(decodeChunks([frame(body)], 1000).frames, [body]);
  t.is(decodeChunks([frame(Buffer.alloc(1001))], 1000).error?.code, 'FRAME_LENGTH_ABOVE_MAX');
  t.throws(() => new FrameDecoder({ frameBytesMax: -1 }), { instanceOf: RangeError });
});
