// Malformed input never allocates by a declared length: each case is a typed JuteDecodeError.

import test from 'ava';
import { CreateRequest, GetChildrenResponse, MultiOperationRecord, MultiResponse, Stat, SyncRequest } from '../src/protocol/generated';
import { JuteDecodeError } from '../src/protocol/jute/runtime';

const create = CreateRequest.encode({
  path: '/a',
  data: Buffer.from('xyz'),
  acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  flags: 0,
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof JuteDecodeError) return e.code;
    throw e;
  }
  return 'no error';
}

test('every truncation of a record is a typed error', (t) => {
  for (let n = 0; n < create.length; n++) {
    const code = codeOf(() => CreateRequest.decode(create.subarray(0, n)));
    t.true(['JUTE_TRUNCATED', 'JUTE_LENGTH_BEYOND_INPUT'].includes(code), `cut at ${n}: ${code}`);
  }
});

test('string lengths: below -1, above jute.maxbuffer, beyond the input', (t) => {
  const b = Buffer.from(create);
  b.writeInt32BE(-2, 0);
  t.is(codeOf(() => CreateRequest.decode(b)), 'JUTE_LENGTH_NEGATIVE');
  b.writeInt32BE(0x100000, 0);
  t.is(codeOf(() => CreateRequest.decode(b)), 'JUTE_LENGTH_ABOVE_MAX');
  b.writeInt32BE(1000, 0);
  t.is(codeOf(() => CreateRequest.decode(b)), 'JUTE_LENGTH_BEYOND_INPUT');
  // A lower configured jute.maxbuffer applies.
  t.is(codeOf(() => CreateRequest.decode(create, { lengthMax: 1 })), 'JUTE_LENGTH_ABOVE_MAX');
  const err = t.throws(() => CreateRequest.decode(b), { instanceOf: JuteDecodeError });
  t.is(err?.record, 'CreateRequest');
  t.is(err?.offset, 0);
});

test('vector counts are checked against the smallest possible element before reading', (t) => {
  const b = Buffer.alloc(8);
  b.writeInt32BE(2, 0); // two strings need at least 8 bytes; 4 remain
  t.is(codeOf(() => GetChildrenResponse.decode(b)), 'JUTE_LENGTH_BEYOND_INPUT');
  b.writeInt32BE(1, 0);
  t.deepEqual(GetChildrenResponse.decode(b), { children: [''] });
  b.writeInt32BE(-7, 0);
  t.is(codeOf(() => GetChildrenResponse.decode(b)), 'JUTE_LENGTH_NEGATIVE');
  b.writeInt32BE(0x7fffffff, 0);
  t.is(codeOf(() => GetChildrenResponse.decode(b)), 'JUTE_LENGTH_ABOVE_MAX');
});

test('null and -1 lengths round-trip byte for byte', (t) => {
  const v = { path: null, data: null, acl: null, flags: -1 };
  const bytes = CreateRequest.encode(v);
  t.is(bytes.toString('hex'), 'ffffffff' + 'ffffffff' + 'ffffffff' + 'ffffffff');
  t.deepEqual(CreateRequest.decode(bytes), v);
  t.true(CreateRequest.encode(CreateRequest.decode(bytes)).equals(bytes));
});

test('a multi op header with an unknown type is a typed error', (t) => {
  const bad = MultiOperationRecord.encode({ items: [], end: { type: 99, done: false, err: -1 } });
  t.is(codeOf(() => MultiOperationRecord.decode(bad)), 'JUTE_UNKNOWN_TAG');
  t.is(codeOf(() => MultiResponse.decode(bad)), 'JUTE_UNKNOWN_TAG');
  // A missing terminator runs into the end of input.
  t.is(codeOf(() => MultiResponse.decode(Buffer.alloc(0))), 'JUTE_TRUNCATED');
});

test('encoding rejects values that do not fit their Jute type', (t) => {
  const stat = Stat.decode(Buffer.alloc(68));
  t.throws(() => Stat.encode({ ...stat, version: 2 ** 31 }), { instanceOf: RangeError });
  t.throws(() => Stat.encode({ ...stat, czxid: 2n ** 63n }), { instanceOf: RangeError });
});

test('malformed UTF-8 decodes as the reference reader does (CESU-8 surrogates: one U+FFFD each)', (t) => {
  // What Java 17's new String(bytes, UTF_8) gives for the bytes Java's writer produces for U+1F600
  // (fixture SyncRequest/supplementary): two 3-byte surrogate sequences, each one replacement char.
  const cesu = Buffer.from([0, 0, 0, 13, ...Buffer.from('/emoji-'), 0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]);
  t.is(SyncRequest.decode(cesu).path, '/emoji-\ufffd\ufffd');
  // Valid UTF-8 (including a real 4-byte sequence) is unaffected.
  t.is(SyncRequest.decode(SyncRequest.encode({ path: '/ключ' })).path, '/ключ');
  const four = Buffer.from([0, 0, 0, 5, 0x2f, 0xf0, 0x9f, 0x98, 0x80]);
  t.is(SyncRequest.decode(four).path, '/\u{1F600}');
});
