// Payload codecs of the quorum packets: the lenient and strict edges the reference has.

import test from 'ava';
import * as pl from '../../../src/quorum/zab/payloads';
import { packetTypeName } from '../../../src/quorum/zab/packets';

test('LearnerInfo: full, without configVersion, without protocol version; too short is an error', (t) => {
  t.deepEqual(pl.decodeLearnerInfo(pl.encodeLearnerInfo(7n, 0x300000002n)), { sid: 7n, protocolVersion: 0x10000, configVersion: 0x300000002n });
  t.deepEqual(pl.decodeLearnerInfo(Buffer.from('000000000000000700010000', 'hex')), { sid: 7n, protocolVersion: 0x10000, configVersion: null });
  t.deepEqual(pl.decodeLearnerInfo(Buffer.from('0000000000000007', 'hex')), { sid: 7n, protocolVersion: 1, configVersion: null });
  t.throws(() => pl.decodeLearnerInfo(Buffer.from('00000007', 'hex')), { instanceOf: pl.QuorumPayloadError });
});

test('REQUEST: header fields and a body view; under 16 bytes is an error', (t) => {
  const data = pl.encodeRequest({ sessionId: -2n, cxid: -3, opType: 1, body: Buffer.from('abc') });
  t.is(data.toString('hex'), 'fffffffffffffffe' + 'fffffffd' + '00000001' + '616263');
  const r = pl.decodeRequest(data, null);
  t.deepEqual({ ...r, body: r.body.toString() }, { sessionId: -2n, cxid: -3, opType: 1, body: 'abc', authinfo: null });
  t.is(r.body.buffer, data.buffer);
  t.throws(() => pl.decodeRequest(Buffer.alloc(15), null), { message: /REQUEST needs 16 bytes, got 15/ });
  t.throws(() => pl.decodeRequest(null, null), { message: /got null/ });
});

test('PING session table: empty, several, and a partial entry', (t) => {
  t.deepEqual(pl.decodeSessionTouches(null), []);
  t.deepEqual(pl.decodeSessionTouches(Buffer.alloc(0)), []);
  const two = [{ sessionId: 1n, timeoutMs: 4000 }, { sessionId: 0x7fffffffffffffffn, timeoutMs: 40000 }];
  t.deepEqual(pl.decodeSessionTouches(pl.encodeSessionTouches(two)), two);
  t.throws(() => pl.decodeSessionTouches(Buffer.alloc(13)), { instanceOf: pl.QuorumPayloadError });
});

test('REVALIDATE both ways; any non-zero byte is true, as DataInputStream.readBoolean', (t) => {
  t.deepEqual(pl.decodeRevalidateRequest(pl.encodeRevalidateRequest(5n, 6000)), { sessionId: 5n, timeoutMs: 6000 });
  t.deepEqual(pl.decodeRevalidateReply(Buffer.from('000000000000000502', 'hex')), { sessionId: 5n, valid: true });
  t.deepEqual(pl.decodeRevalidateReply(pl.encodeRevalidateReply(5n, false)), { sessionId: 5n, valid: false });
  t.throws(() => pl.decodeRevalidateReply(Buffer.alloc(8)), { instanceOf: pl.QuorumPayloadError });
});

test('ints and activate payloads; packet names as the reference prints them', (t) => {
  t.is(pl.decodeInt(18, pl.encodeInt(-1), 'epoch'), -1);
  t.deepEqual(pl.decodeActivate(19, Buffer.from('0000000000000003ff', 'hex')), { designatedLeader: 3n, proposal: Buffer.from('ff', 'hex') });
  t.is(packetTypeName(17), 'LEADERINFO');
  t.is(packetTypeName(42), 'UNKNOWN42');
});
