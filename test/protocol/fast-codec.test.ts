// The hand-written hot-path codecs (src/protocol/fast-codec.ts) against the generated codecs, which
// define the wire format: same bytes out for every value, same values (or the same failure) in for
// every input, over random and edge cases: non-ASCII, surrogate pairs and lone surrogates (written
// as Java's per-code-unit CESU-8), NUL, empty strings, malformed lengths.

import test from 'ava';
import { SmartBuffer } from 'smart-buffer';
import {
  Create2Response,
  CreateResponse,
  ExistsRequest,
  MultiResponse,
  Stat,
  type MultiResponseItem,
  GetChildren2Request,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  ReplyHeader,
  WatcherEvent,
} from '../../src/protocol/generated';
import {
  type MultiReplyItem,
  bufferBytes,
  decodePathWatch,
  encodeMultiResponse,
  encodeNotificationFrame,
  encodePathReply,
  encodeUstringVector,
  putBuffer,
} from '../../src/protocol/fast-codec';
import { JuteDecodeError, writeBuffer, type JuteCodec } from '../../src/protocol/jute/runtime';
import { prng as rng } from '../support/prng';


// Code units from every encoding class: ASCII (NUL included), 2-byte, 3-byte, high and low surrogates.
const UNIT_POOLS: Array<[number, number]> = [
  [0x00, 0x7f],
  [0x80, 0x7ff],
  [0x800, 0xd7ff],
  [0xd800, 0xdbff],
  [0xdc00, 0xdfff],
  [0xe000, 0xffff],
];

function randomString(r: () => number, maxLen: number): string {
  const len = Math.floor(r() * (maxLen + 1));
  const asciiOnly = r() < 0.5;
  let s = '';
  for (let i = 0; i < len; i++) {
    if (asciiOnly) {
      s += String.fromCharCode(0x20 + Math.floor(r() * 0x5f));
      continue;
    }
    if (r() < 0.2) {
      // a well-formed supplementary character
      s += String.fromCodePoint(0x10000 + Math.floor(r() * 0xfffff));
      continue;
    }
    const [lo, hi] = UNIT_POOLS[Math.floor(r() * UNIT_POOLS.length)]!;
    s += String.fromCharCode(lo + Math.floor(r() * (hi - lo + 1)));
  }
  return s;
}

const EDGE_STRINGS = ['', '\0', 'a', 'zk/child-0001', 'é', '€', '\u07ff', '\u0800', '\uffff', '😀', '\ud83d', '\ude00', '\ude00\ud83d', 'x\ud800y', '😀😀'];

test('encodeUstringVector writes what GetChildrenResponse.encode writes, edge and random names', (t) => {
  const r = rng(7);
  const lists: string[][] = [[], EDGE_STRINGS, ...EDGE_STRINGS.map((s) => [s])];
  for (let i = 0; i < 500; i++) lists.push(Array.from({ length: Math.floor(r() * 40) }, () => randomString(r, 30)));
  for (const names of lists) {
    const want = GetChildrenResponse.encode({ children: names });
    t.deepEqual(encodeUstringVector(names, names.length), want, JSON.stringify(names));
    t.deepEqual(encodeUstringVector(new Set(names), new Set(names).size, true), GetChildrenResponse.encode({ children: [...new Set(names)] }));
  }
});

test('encodeUstringVector refuses a count that does not match the items', (t) => {
  t.throws(() => encodeUstringVector(['a', 'b'], 3), { instanceOf: RangeError });
});

test('a notification frame is the length, ReplyHeader(-1, -1, 0) and the WatcherEvent, as the generic encoders write them', (t) => {
  const r = rng(11);
  const paths = [...EDGE_STRINGS, '/', '/a/b/c'];
  for (let i = 0; i < 300; i++) paths.push('/' + randomString(r, 60));
  for (const path of paths) {
    for (const type of [1, 2, 3, 4, -1]) {
      const body = Buffer.concat([ReplyHeader.encode({ xid: -1, zxid: -1n, err: 0 }), WatcherEvent.encode({ type, state: 3, path })]);
      const len = Buffer.alloc(4);
      len.writeInt32BE(body.length, 0);
      t.deepEqual(encodeNotificationFrame(type, 3, path), Buffer.concat([len, body]));
    }
  }
});

test('putBuffer writes what the generated writeBuffer writes, for null, empty, latin1-string and Buffer data', (t) => {
  const r = rng(3);
  const values: Array<Buffer | null> = [null, Buffer.alloc(0), Buffer.from([0]), Buffer.from([0xff, 0x80, 0x7f])];
  for (let i = 0; i < 200; i++) values.push(Buffer.from(Array.from({ length: Math.floor(r() * 2000) }, () => Math.floor(r() * 256))));
  for (const v of values) {
    const sb = new SmartBuffer();
    writeBuffer(sb, v);
    const want = sb.toBuffer();
    for (const stored of v === null ? [null] : [v, v.toString('latin1')]) {
      const out = Buffer.alloc(bufferBytes(stored) + 3, 0xee);
      const end = putBuffer(out, 1, stored);
      t.is(end, 1 + want.length);
      t.deepEqual(out.subarray(1, end), want);
      t.is(out[0], 0xee, 'nothing written before the offset');
      t.is(out[end], 0xee, 'nothing written after the end');
    }
  }
});

const PATH_WATCH_CODECS: Array<[string, JuteCodec<{ path: string | null; watch: boolean }>]> = [
  ['GetDataRequest', GetDataRequest],
  ['ExistsRequest', ExistsRequest],
  ['GetChildrenRequest', GetChildrenRequest],
  ['GetChildren2Request', GetChildren2Request],
];

/** The generated decoder's outcome: the value, or the error code it fails with. */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (e) {
    if (e instanceof JuteDecodeError) return `error ${e.code}`;
    throw e;
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

test('decodePathWatch reads what the four generated {path, watch} decoders read, and fails where they fail', (t) => {
  const r = rng(5);
  const inputs: Buffer[] = [
    Buffer.alloc(0),
    Buffer.from([0, 0]),
    int32(0),
    Buffer.concat([int32(0), Buffer.from([1])]),
    Buffer.concat([int32(-1), Buffer.from([0])]),
    int32(-1),
    Buffer.concat([int32(-2), Buffer.from([1])]),
    Buffer.concat([int32(0x100000), Buffer.alloc(8)]),
    Buffer.concat([int32(0x7fffffff), Buffer.alloc(8)]),
    Buffer.concat([int32(3), Buffer.from('abc')]),
    Buffer.concat([int32(3), Buffer.from('ab')]),
    Buffer.concat([int32(2), Buffer.from('/a'), Buffer.from([2]), Buffer.from('trailing')]),
    // CESU-8 surrogates and other malformed UTF-8: replaced as Java's decoder does
    Buffer.concat([int32(6), Buffer.from([0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80]), Buffer.from([1])]),
    Buffer.concat([int32(3), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from([0])]),
  ];
  for (let i = 0; i < 300; i++) {
    const path = r() < 0.1 ? null : randomString(r, 40);
    const good = GetDataRequest.encode({ path, watch: r() < 0.5 });
    inputs.push(good);
    // truncations and random corruption of a good record
    inputs.push(good.subarray(0, Math.floor(r() * good.length)));
    const bad = Buffer.from(good);
    bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
    inputs.push(bad);
    inputs.push(Buffer.from(Array.from({ length: Math.floor(r() * 12) }, () => Math.floor(r() * 256))));
  }
  for (const input of inputs) {
    for (const [name, codec] of PATH_WATCH_CODECS) {
      const want = outcome(() => codec.decode(input));
      t.deepEqual(outcome(() => decodePathWatch(input, name)), want, `${name} ${input.toString('hex')}`);
    }
  }
});

test('decodePathWatch honours a smaller jute.maxbuffer as the generated decoder does', (t) => {
  const input = GetDataRequest.encode({ path: '/some/longer/path', watch: true });
  t.is(outcome(() => decodePathWatch(input, 'GetDataRequest', 4)), outcome(() => GetDataRequest.decode(input, { lengthMax: 4 })));
  t.is(outcome(() => decodePathWatch(input, 'GetDataRequest', 4)), 'error JUTE_LENGTH_ABOVE_MAX');
});

function randomStat(r: () => number): Stat {
  const long = (): bigint => BigInt.asIntN(64, (BigInt(Math.floor(r() * 2 ** 32)) << 32n) | BigInt(Math.floor(r() * 2 ** 32)));
  const int = (): number => Math.floor(r() * 2 ** 32) | 0;
  return {
    czxid: long(),
    mzxid: long(),
    ctime: long(),
    mtime: long(),
    version: int(),
    cversion: int(),
    aversion: int(),
    ephemeralOwner: long(),
    dataLength: int(),
    numChildren: int(),
    pzxid: long(),
  };
}

test('encodePathReply writes CreateResponse / Create2Response bytes', (t) => {
  const r = rng(13);
  const paths: Array<string | null> = [null, ...EDGE_STRINGS];
  for (let i = 0; i < 200; i++) paths.push('/' + randomString(r, 50));
  for (const path of paths) {
    t.deepEqual(encodePathReply(path, null), CreateResponse.encode({ path }));
    const stat = randomStat(r);
    t.deepEqual(encodePathReply(path, Stat.encode(stat)), Create2Response.encode({ path, stat }));
  }
  t.throws(() => encodePathReply('/a', Buffer.alloc(60)), { instanceOf: RangeError });
});

test('encodeMultiResponse writes what MultiResponse.encode writes for every write-multi item kind', (t) => {
  const r = rng(17);
  for (let n = 0; n < 300; n++) {
    const fast: MultiReplyItem[] = [];
    const generic: MultiResponseItem[] = [];
    const count = Math.floor(r() * 12);
    for (let i = 0; i < count; i++) {
      const k = Math.floor(r() * 6);
      const path = r() < 0.1 ? null : '/' + randomString(r, 30);
      const stat = randomStat(r);
      const err = -Math.floor(r() * 130);
      if (k === 0) {
        fast.push({ type: 1, err: 0, path });
        generic.push({ header: { type: 1, done: false, err: 0 }, body: { path } });
      } else if (k === 1) {
        fast.push({ type: 15, err: 0, path, stat: Stat.encode(stat) });
        generic.push({ header: { type: 15, done: false, err: 0 }, body: { path, stat } });
      } else if (k === 2) {
        fast.push({ type: 5, err: 0, stat: Stat.encode(stat) });
        generic.push({ header: { type: 5, done: false, err: 0 }, body: { stat } });
      } else if (k === 3 || k === 4) {
        const type = k === 3 ? 2 : 13;
        fast.push({ type, err: 0 });
        generic.push({ header: { type, done: false, err: 0 }, body: null });
      } else {
        fast.push({ type: -1, err });
        generic.push({ header: { type: -1, done: false, err }, body: { err } });
      }
    }
    t.deepEqual(encodeMultiResponse(fast), MultiResponse.encode({ items: generic, end: { type: -1, done: true, err: -1 } }));
  }
  t.throws(() => encodeMultiResponse([{ type: 4, err: 0 }]), { instanceOf: RangeError });
  t.throws(() => encodeMultiResponse([{ type: 5, err: 0 }]), { instanceOf: RangeError });
});
