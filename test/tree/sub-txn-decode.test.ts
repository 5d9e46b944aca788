// decodeSubTxnFast (the multi apply's sub-txn reader) against decodeSubTxn over the generated
// codecs: the same value for every well-formed record, the same failure (error code) for
// truncated, corrupted and hostile ones (negative, huge and overlong lengths and counts).

import test from 'ava';
import { OpCode } from '../../src/protocol/opcodes';
import { JuteDecodeError } from '../../src/protocol/jute/runtime';
import { type SubTxnBody, decodeSubTxn, encodeSubTxn } from '../../src/persistence/txn';
import { decodeSubTxnFast } from '../../src/tree/sub-txn-decode';
import { prng as rng } from '../support/prng';


function outcome(f: () => unknown): unknown {
  try {
    return f();
  } catch (e) {
    if (e instanceof JuteDecodeError) return `error ${e.code}`;
    throw e;
  }
}

const TEXTS = ['', '/a', '/é/日本', 'x\ud800', '😀', '\0'];

function randomBody(r: () => number): SubTxnBody {
  const text = (): string | null => (r() < 0.1 ? null : TEXTS[Math.floor(r() * TEXTS.length)]! + String(Math.floor(r() * 1000)));
  const data = (): Buffer | null => (r() < 0.15 ? null : Buffer.from(Array.from({ length: Math.floor(r() * 40) }, () => Math.floor(r() * 256))));
  const int = (): number => Math.floor(r() * 2 ** 32) | 0;
  switch (Math.floor(r() * 6)) {
    case 0:
      return { type: OpCode.setData, txn: { path: text(), data: data(), version: int() } };
    case 1:
      return { type: r() < 0.5 ? OpCode.delete : OpCode.deleteContainer, txn: { path: text() } };
    case 2:
      return { type: OpCode.check, txn: { path: text(), version: int() } };
    case 3:
      return { type: OpCode.error, txn: { err: int() } };
    default: {
      const acl =
        r() < 0.1 ? null : Array.from({ length: Math.floor(r() * 4) }, () => ({ perms: int(), id: { scheme: text(), id: text() } }));
      return { type: r() < 0.5 ? OpCode.create : OpCode.create2, txn: { path: text(), data: data(), acl, ephemeral: r() < 0.5, parentCVersion: int() } };
    }
  }
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

test('decodeSubTxnFast reads what decodeSubTxn reads and fails where it fails', (t) => {
  const r = rng(21);
  const cases: Array<[number, Buffer]> = [];
  for (let i = 0; i < 1500; i++) {
    const body = randomBody(r);
    const bytes = encodeSubTxn(body);
    cases.push([body.type, bytes]);
    cases.push([body.type, bytes.subarray(0, Math.floor(r() * bytes.length))]);
    const bad = Buffer.from(bytes);
    for (let k = 0; k < 1 + Math.floor(r() * 3); k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
    cases.push([body.type, bad]);
    // the same bytes read as another kind
    cases.push([[OpCode.setData, OpCode.delete, OpCode.check, OpCode.error, OpCode.create][Math.floor(r() * 5)]!, bytes]);
  }
  for (const type of [OpCode.create, OpCode.setData]) {
    // hostile lengths and ACL counts
    cases.push([type, Buffer.concat([int32(1), Buffer.from('/'), int32(-1), int32(-2)])]);
    cases.push([type, Buffer.concat([int32(1), Buffer.from('/'), int32(-1), int32(0x7fffffff), Buffer.alloc(20)])]);
    cases.push([type, Buffer.concat([int32(1), Buffer.from('/'), int32(-1), int32(3), Buffer.alloc(30)])]);
    cases.push([type, Buffer.concat([int32(1), Buffer.from('/'), int32(0x100000), Buffer.alloc(30)])]);
    cases.push([type, Buffer.concat([int32(-5), Buffer.alloc(30)])]);
  }
  for (const [type, bytes] of cases) {
    t.deepEqual(outcome(() => decodeSubTxnFast(type, bytes)), outcome(() => decodeSubTxn(type, bytes)), `${type} ${bytes.toString('hex')}`);
  }
});

test('kinds it does not read itself go to decodeSubTxn', (t) => {
  const ttl: SubTxnBody = { type: OpCode.createTTL, txn: { path: '/t', data: null, acl: [], parentCVersion: 1, ttl: 10n } };
  t.deepEqual(decodeSubTxnFast(OpCode.createTTL, encodeSubTxn(ttl)), ttl);
  t.throws(() => decodeSubTxnFast(OpCode.getData, Buffer.alloc(8)));
});
