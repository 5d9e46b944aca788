// The running Adler-32 (JS for small inputs, zlib + combine for large ones) and the snappy-java
// stream framing.

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ADLER32 from 'adler-32';
import test from 'ava';
import { XerialSnappyDecoder, XerialSnappyEncoder, XerialSnappyError } from '../../src/persistence/snapshot';
import { Adler32, adler32Combine } from '../../src/persistence/snapshot/checksum';
import { XERIAL_BLOCK_BYTES } from '../../src/persistence/snapshot/xerial-snappy';
import { prng } from '../support/prng';
import { fixture } from './support-snap/snap-fakes';

const reference = (b: Uint8Array) => BigInt(ADLER32.buf(b, 1) >>> 0);

test('running Adler-32 equals one pass over the whole input, for any split and size', (t) => {
  const rnd = prng(7);
  for (let round = 0; round < 60; round++) {
    const len = Math.floor(rnd() * 700_000);
    const bytes = round % 5 === 0 ? Buffer.alloc(len, 0xff) : randomBytes(len);
    const a = new Adler32();
    for (let at = 0; at < len; ) {
      const n = Math.floor(rnd() * 300_000);
      a.update(bytes.subarray(at, at + n));
      at += n;
    }
    t.is(a.value(), reference(bytes), `round ${round}, ${len} bytes`);
  }
  t.is(new Adler32().value(), 1n, 'empty input: 1, as java.util.zip.Adler32');
});

test('combine: adler(A+B) from adler(A), adler(B), |B|', (t) => {
  const a = randomBytes(1000);
  const b = randomBytes(70_000);
  const whole = Number(reference(Buffer.concat([a, b])));
  t.is(adler32Combine(Number(reference(a)), Number(reference(b)), b.length), whole);
  t.is(adler32Combine(1, Number(reference(b)), b.length), Number(reference(b)), 'A empty');
});

test('snappy-java framing: 16-byte header, then int32 length + snappy block per 32 KiB of input', (t) => {
  const enc = new XerialSnappyEncoder();
  const input = randomBytes(XERIAL_BLOCK_BYTES * 2 + 100);
  const out = Buffer.concat([...enc.push(input.subarray(0, 10)), ...enc.push(input.subarray(10)), ...enc.end()]);
  t.deepEqual([...out.subarray(0, 16)], [0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00, 0, 0, 0, 1, 0, 0, 0, 1]);
  const dec = new XerialSnappyDecoder();
  const blocks = dec.push(out);
  dec.end();
  t.deepEqual(blocks.map((b) => b.length), [XERIAL_BLOCK_BYTES, XERIAL_BLOCK_BYTES, 100], 'blocks of 32 KiB as SnappyOutputStream');
  t.true(Buffer.concat(blocks).equals(input));
});

test('snappy-java decoding: the reference file, byte-by-byte input, concatenated streams, damage', (t) => {
  const file = readFileSync(fixture('snappy').path);
  const plain = readFileSync(fixture('plain').path);
  const dec = new XerialSnappyDecoder();
  const parts: Buffer[] = [];
  for (let i = 0; i < file.length; i++) parts.push(...dec.push(file.subarray(i, i + 1)));
  dec.end();
  t.true(Buffer.concat(parts).equals(plain));

  const twice = new XerialSnappyDecoder();
  const both = Buffer.concat(twice.push(Buffer.concat([file, file])));
  twice.end();
  t.true(both.equals(Buffer.concat([plain, plain])), 'a second header where a block length would be');

  const cut = new XerialSnappyDecoder();
  cut.push(file.subarray(0, file.length - 10));
  t.throws(() => cut.end(), { instanceOf: XerialSnappyError, message: /ends inside a snappy block/ });
  t.throws(() => new XerialSnappyDecoder().push(Buffer.from('not snappy at all!')), { instanceOf: XerialSnappyError, message: /bad magic/ });
  const badLen = Buffer.from(file);
  badLen.writeInt32BE(-5, 16);
  t.throws(() => new XerialSnappyDecoder().push(badLen), { instanceOf: XerialSnappyError, message: /invalid snappy block length -5/ });
  const none = new XerialSnappyDecoder();
  t.throws(() => none.end(), { message: /no snappy-java stream header/ });
});
