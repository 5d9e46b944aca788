// The quorum port stream decoder: packets back to back with no length prefix, any chunking, a
// SNAP stream inline, bounded lengths.

import test from 'ava';
import { SnapStreamReader, writeSnapStream } from '../../../src/persistence/snapshot';
import type { QuorumPacket } from '../../../src/protocol/generated';
import {
  encodeQuorumPacket,
  encodeQuorumPackets,
  QuorumPacketDecoder,
  QuorumStreamError,
  type RawStreamConsumer,
} from '../../../src/quorum/transport/quorum-packet-stream';
import { PacketType } from '../../../src/quorum/zab/packets';
import { DataTree } from '../../../src/tree';
import { prng, randomBytes } from '../../support/prng';
import { createRun } from './support/txns';

const rand = prng(0x2888);

const packets: QuorumPacket[] = [
  { type: PacketType.FOLLOWERINFO, zxid: 0x500000000n, data: Buffer.from('0000000000000003000100000000000000000000', 'hex'), authinfo: null },
  { type: PacketType.ACK, zxid: 0x500000001n, data: null, authinfo: null },
  { type: PacketType.PING, zxid: 0x5000000ffn, data: Buffer.alloc(0), authinfo: [] },
  { type: PacketType.REQUEST, zxid: -1n, data: randomBytes(rand, 37), authinfo: [{ scheme: 'digest', id: 'bob:x' }, { scheme: 'ip', id: '127.0.0.1' }] },
  { type: PacketType.PROPOSAL, zxid: 0x500000002n, data: randomBytes(rand, 300), authinfo: null },
  { type: PacketType.REVALIDATE, zxid: -1n, data: randomBytes(rand, 9), authinfo: [{ scheme: 'sasl', id: 'zk\u00e9\u4e2d' }, { scheme: null, id: null }] },
  { type: 99, zxid: -(1n << 63n), data: null, authinfo: null },
];
const stream = encodeQuorumPackets(packets);

function decodeChunks(chunks: Buffer[], decoder = new QuorumPacketDecoder()): { got: QuorumPacket[]; error: QuorumStreamError | null } {
  const got: QuorumPacket[] = [];
  let error: QuorumStreamError | null = null;
  for (const c of chunks) {
    error = decoder.feed(c, (p) => {
      got.push({ ...p, data: p.data === null ? null : Buffer.from(p.data) });
    });
    if (error) break;
  }
  return { got, error };
}

test('a stream split once at every byte offset yields the same packets', (t) => {
  for (let k = 0; k <= stream.length; k++) {
    const { got, error } = decodeChunks([stream.subarray(0, k), stream.subarray(k)]);
    if (error !== null) return t.fail(`split at ${k}: ${error.message}`);
    if (got.length !== packets.length) return t.fail(`split at ${k}: ${got.length} packets`);
    t.deepEqual(got, packets, `split at ${k}`);
  }
});

test('a stream split twice at every pair of offsets yields the same packets', (t) => {
  const small = encodeQuorumPackets(packets.slice(0, 4));
  let runs = 0;
  for (let a = 0; a <= small.length; a++) {
    for (let b = a; b <= small.length; b++) {
      const { got, error } = decodeChunks([small.subarray(0, a), small.subarray(a, b), small.subarray(b)]);
      runs++;
      if (error !== null || got.length !== 4) return t.fail(`split at ${a},${b}`);
    }
  }
  t.true(runs > 1000);
});

test('one byte at a time, and each packet re-encodes to its own bytes', (t) => {
  const { got, error } = decodeChunks([...stream].map((b) => Buffer.from([b])));
  t.is(error, null);
  t.deepEqual(got, packets);
  t.true(encodeQuorumPackets(got).equals(stream));
});

test('a large PROPOSAL split into many chunks is decoded once the bytes are in', (t) => {
  const r = prng(7);
  const big: QuorumPacket = { type: PacketType.PROPOSAL, zxid: 0x100000001n, data: randomBytes(r, 1_000_000), authinfo: null };
  const s = encodeQuorumPackets([big, packets[1]!, big]);
  const d = new QuorumPacketDecoder();
  const chunks: Buffer[] = [];
  for (let off = 0; off < s.length; ) {
    const n = 1 + Math.floor(r() * 70_000);
    chunks.push(s.subarray(off, off + n));
    off += n;
  }
  const { got, error } = decodeChunks(chunks, d);
  t.is(error, null);
  t.is(got.length, 3);
  t.true(got[0]!.data!.equals(big.data!));
  t.true(got[2]!.data!.equals(big.data!));
  t.is(d.bufferedBytes, 0);
});

test('a packet inside one chunk has data that is a view of the chunk', (t) => {
  const chunk = encodeQuorumPacket(packets[4]!);
  let data: Buffer | null = null;
  new QuorumPacketDecoder().feed(chunk, (p) => {
    data = p.data;
  });
  t.is(data!.buffer, chunk.buffer);
});

/** A leader tree with some nodes, its SNAP stream, and the packets around it. */
function snapFixture(): { bytes: Buffer; before: QuorumPacket[]; after: QuorumPacket[]; tree: DataTree } {
  const tree = new DataTree();
  for (const txn of createRun(1n, 1n, 40)) tree.applyTxn(txn.txn);
  const snapBytes = writeSnapStream(tree.snapshotSource([[0x1234n, 30000]]));
  const before: QuorumPacket[] = [
    { type: PacketType.LEADERINFO, zxid: 0x200000000n, data: Buffer.from([0, 1, 0, 0]), authinfo: null },
    { type: PacketType.SNAP, zxid: tree.lastProcessedZxid, data: null, authinfo: null },
  ];
  const after: QuorumPacket[] = [
    { type: PacketType.PROPOSAL, zxid: 0x100000029n, data: createRun(1n, 41n, 1)[0]!.bytes, authinfo: null },
    { type: PacketType.NEWLEADER, zxid: 0x200000000n, data: Buffer.from('server.1=127.0.0.1:2888:3888:participant\nversion=200000000'), authinfo: null },
    { type: PacketType.UPTODATE, zxid: -1n, data: null, authinfo: null },
  ];
  const bytes = Buffer.concat([encodeQuorumPackets(before), snapBytes, encodeQuorumPackets(after)]);
  return { bytes, before, after, tree };
}

/** Feeds chunks, diverting the bytes after SNAP into a real SnapStreamReader building a tree. */
function decodeWithSnap(chunks: Buffer[]): { got: QuorumPacket[]; trees: DataTree[]; rawEnds: number; error: QuorumStreamError | null } {
  const d = new QuorumPacketDecoder();
  const got: QuorumPacket[] = [];
  const trees: DataTree[] = [];
  let loader: ReturnType<typeof DataTree.loader> | null = null;
  let rawEnds = 0;
  let error: QuorumStreamError | null = null;
  for (const c of chunks) {
    error = d.feed(
      c,
      (p): RawStreamConsumer | undefined => {
        got.push({ ...p, data: p.data === null ? null : Buffer.from(p.data) });
        if (p.type !== PacketType.SNAP) return undefined;
        loader = DataTree.loader();
        return new SnapStreamReader(loader);
      },
      () => {
        rawEnds++;
        trees.push(loader!.finish(got[got.length - 1]!.zxid));
      },
    );
    if (error) break;
  }
  return { got, trees, rawEnds, error };
}

test('the SNAP stream goes to the raw consumer at every split offset; packets resume after it', (t) => {
  const f = snapFixture();
  for (let k = 0; k <= f.bytes.length; k += k < 200 || k > f.bytes.length - 200 ? 1 : 7) {
    const r = decodeWithSnap([f.bytes.subarray(0, k), f.bytes.subarray(k)]);
    if (r.error !== null) return t.fail(`split at ${k}: ${r.error.message}`);
    if (r.rawEnds !== 1 || r.got.length !== 5) return t.fail(`split at ${k}: ${r.got.length} packets, ${r.rawEnds} stream ends`);
  }
  const whole = decodeWithSnap([...f.bytes].map((b) => Buffer.from([b])));
  t.deepEqual(whole.got, [...f.before, ...f.after]);
  t.is(whole.trees.length, 1);
  t.is(whole.trees[0]!.treeDigest, f.tree.treeDigest);
  t.is(whole.trees[0]!.lastProcessedZxid, f.tree.lastProcessedZxid);
});

test('lengths are bounded: negative, above the limit, and the decoder stays failed', (t) => {
  const head = (type: number, dataLen: number): Buffer => {
    const b = Buffer.alloc(16);
    b.writeInt32BE(type, 0);
    b.writeBigInt64BE(1n, 4);
    b.writeInt32BE(dataLen, 12);
    return b;
  };
  const d1 = new QuorumPacketDecoder({ lengthMax: 1000 });
  const e1 = d1.feed(Buffer.concat([encodeQuorumPacket(packets[1]!), head(2, 1001)]), () => undefined);
  t.is(e1?.code, 'QUORUM_LENGTH_ABOVE_MAX');
  t.is(e1?.offset, encodeQuorumPacket(packets[1]!).length + 12);
  t.is(d1.feed(Buffer.alloc(10), () => t.fail('no packets after a failure')), e1);

  t.is(new QuorumPacketDecoder().feed(head(2, -2), () => undefined)?.code, 'QUORUM_LENGTH_NEGATIVE');

  const authCount = Buffer.concat([head(1, -1), Buffer.from([0x7f, 0, 0, 0])]);
  t.is(new QuorumPacketDecoder().feed(authCount, () => undefined)?.code, 'QUORUM_LENGTH_ABOVE_MAX');

  const idLen = Buffer.concat([head(1, -1), Buffer.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xf0])]);
  t.is(new QuorumPacketDecoder().feed(idLen, () => undefined)?.code, 'QUORUM_LENGTH_NEGATIVE');

  // Exactly at the limit is fine.
  const atMax: QuorumPacket = { type: 2, zxid: 1n, data: Buffer.alloc(1000), authinfo: null };
  t.is(new QuorumPacketDecoder({ lengthMax: 1000 }).feed(encodeQuorumPacket(atMax), () => undefined), null);
  t.throws(() => new QuorumPacketDecoder({ lengthMax: -1 }), { instanceOf: RangeError });
});

test('a raw consumer that fails stops the stream with QUORUM_RAW_STREAM_FAILED', (t) => {
  const f = snapFixture();
  const d = new QuorumPacketDecoder();
  const corrupt = Buffer.from(f.bytes);
  // The stream must end with the signature "BenWasHere"; spoil its last letter.
  const sig = corrupt.indexOf('BenWasHere');
  t.true(sig > 0);
  corrupt[sig + 9] = 'X'.charCodeAt(0);
  const err = d.feed(corrupt, (p) => (p.type === PacketType.SNAP ? new SnapStreamReader(DataTree.loader()) : undefined));
  t.is(err?.code, 'QUORUM_RAW_STREAM_FAILED');
  t.true((err as { cause?: unknown }).cause instanceof Error);
});

test('incomplete input is held, not an error', (t) => {
  const d = new QuorumPacketDecoder();
  const s = encodeQuorumPacket(packets[3]!);
  t.is(d.feed(s.subarray(0, s.length - 1), () => t.fail('incomplete')), null);
  t.is(d.bufferedBytes, s.length - 1);
  let n = 0;
  t.is(d.feed(s.subarray(s.length - 1), () => void n++), null);
  t.is(n, 1);
  t.is(d.bufferedBytes, 0);
});
