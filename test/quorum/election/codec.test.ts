// Acceptance rules of the notification and initial-message readers, with bytes built by hand in the
// layouts the reference writes (FastLeaderElection.buildMsg, QuorumCnxManager.startConnection).

import test from 'ava';
import { decodeNotification } from '../../../src/quorum/election/notification';
import { encodeInitialMessage, encodeLegacyInitialMessage, parseInitialMessage, PROTOCOL_VERSION_V2 } from '../../../src/quorum/election/initial-message';
import { ElectionWireReader, electionFrame, ELECTION_FRAME_BYTES_MAX } from '../../../src/quorum/transport/election-wire';

/** state, leader, zxid, electionEpoch [, peerEpoch [, version [, configLength, config]]] */
function msg(size: number, f: { state?: number; leader?: bigint; zxid?: bigint; ee?: bigint; pe?: bigint; version?: number; configLength?: number; config?: string }): Buffer {
  const b = Buffer.alloc(size);
  b.writeInt32BE(f.state ?? 0, 0);
  b.writeBigInt64BE(f.leader ?? 0n, 4);
  b.writeBigInt64BE(f.zxid ?? 0n, 12);
  b.writeBigInt64BE(f.ee ?? 0n, 20);
  if (size >= 36) b.writeBigInt64BE(f.pe ?? 0n, 28);
  if (size >= 40) b.writeInt32BE(f.version ?? 2, 36);
  if (size >= 44) b.writeInt32BE(f.configLength ?? Buffer.byteLength(f.config ?? ''), 40);
  if (f.config !== undefined) b.write(f.config, 44);
  return b;
}

test('28-byte notifications (pre-3.4) take peerEpoch from the zxid epoch', (t) => {
  const d = decodeNotification(msg(28, { state: 1, leader: 3n, zxid: 0x500000007n, ee: 9n }));
  if (!d.ok) return t.fail();
  t.like(d.notification, { state: 1, leader: 3n, zxid: 0x500000007n, electionEpoch: 9n, peerEpoch: 5n, version: 0, config: null });
});

test('40-byte notifications have no version: the last int is ignored', (t) => {
  const d = decodeNotification(msg(40, { leader: 2n, zxid: 7n, ee: 1n, pe: 4n, version: 0x1 }));
  if (!d.ok) return t.fail();
  t.like(d.notification, { peerEpoch: 4n, version: 0, config: null });
});

test('shorter than 28 bytes, or ending inside a field, is refused', (t) => {
  for (const size of [0, 1, 27, 29, 35, 36, 39]) {
    const d = decodeNotification(Buffer.alloc(size));
    t.false(d.ok, `size ${size}`);
  }
  t.is((decodeNotification(Buffer.alloc(27)) as { error: { code: string } }).error.code, 'NOTIFICATION_SHORT');
});

test('version 1 in a longer message carries no config; version 2 needs a config length that fits', (t) => {
  const v1 = decodeNotification(msg(44, { version: 1 }));
  t.true(v1.ok && v1.notification.version === 1 && v1.notification.config === null);
  t.false(decodeNotification(msg(43, { version: 2 })).ok);
  const cfg = 'server.1=127.0.0.1:1:2:participant\nversion=0';
  const good = decodeNotification(msg(44 + cfg.length, { config: cfg }));
  t.true(good.ok && good.notification.config === cfg);
  const extra = decodeNotification(msg(44 + cfg.length + 5, { config: cfg }));
  t.true(extra.ok && extra.notification.config === cfg, 'trailing bytes are ignored');
  const neg = decodeNotification(msg(60, { configLength: -1 }));
  t.true(!neg.ok && neg.error.code === 'NOTIFICATION_BAD_CONFIG_LENGTH');
  const huge = decodeNotification(msg(60, { configLength: 61 }));
  t.true(!huge.ok && huge.error.code === 'NOTIFICATION_BAD_CONFIG_LENGTH');
  const past = decodeNotification(msg(60, { configLength: 20 }));
  t.true(!past.ok && past.error.code === 'NOTIFICATION_TRUNCATED');
  const empty = decodeNotification(msg(44, { configLength: 0 }));
  t.true(empty.ok && empty.notification.config === '');
});

test('longs are signed: Long.MIN_VALUE fields of an observer vote survive', (t) => {
  const min = -(1n << 63n);
  const d = decodeNotification(msg(44, { state: 3, leader: min, zxid: min, pe: min }));
  t.true(d.ok && d.notification.leader === min && d.notification.zxid === min && d.notification.peerEpoch === min);
});

function initial(version: bigint, sid: bigint, text: string, lenOverride?: number): Buffer {
  const t = Buffer.from(text, 'utf8');
  const b = Buffer.alloc(20 + t.length);
  b.writeBigInt64BE(version, 0);
  b.writeBigInt64BE(sid, 8);
  b.writeInt32BE(lenOverride ?? t.length, 16);
  t.copy(b, 20);
  return b;
}

test('initial message: legacy bare sid, V1, V2 with several addresses, wildcards left out', (t) => {
  const legacy = Buffer.alloc(8);
  legacy.writeBigInt64BE(7n, 0);
  t.deepEqual(parseInitialMessage(legacy), { kind: 'ok', message: { protocolVersion: null, sid: 7n, addresses: [] }, consumed: 8 });
  t.deepEqual(encodeLegacyInitialMessage(7n), legacy);
  const v2 = initial(-65535n, 4n, '10.0.0.1:3888|[::1]:3889|0.0.0.0:3890');
  const r = parseInitialMessage(v2);
  t.deepEqual(r, { kind: 'ok', message: { protocolVersion: -65535n, sid: 4n, addresses: [{ host: '10.0.0.1', port: 3888 }, { host: '::1', port: 3889 }] }, consumed: v2.length });
  // NetUtils.formatInetAddr prints IPv6 with Inet6Address.getHostAddress: every group written out.
  t.deepEqual(encodeInitialMessage(4n, [{ host: '10.0.0.1', port: 3888 }, { host: '::1', port: 3889 }], PROTOCOL_VERSION_V2), initial(-65535n, 4n, '10.0.0.1:3888|[0:0:0:0:0:0:0:1]:3889'));
  // V1 sends only the first address.
  t.deepEqual(encodeInitialMessage(4n, [{ host: '10.0.0.1', port: 3888 }, { host: '10.0.0.2', port: 3888 }]), initial(-65536n, 4n, '10.0.0.1:3888'));
});

test('initial message: unknown versions, bad lengths and bad addresses are errors', (t) => {
  for (const [what, b] of [
    ['version', initial(-5n, 1n, 'a:1')],
    ['zero length', initial(-65536n, 1n, '', 0)],
    ['negative length', initial(-65536n, 1n, 'a:1', -3)],
    ['over 2048', initial(-65536n, 1n, 'a:1', 2049)],
    ['no port', initial(-65536n, 1n, 'localhost')],
    ['three parts', initial(-65536n, 1n, 'a:1:2')],
    ['port text', initial(-65536n, 1n, 'a:x1')],
    ['bracket', initial(-65536n, 1n, '[::1')],
  ] as const) {
    t.is(parseInitialMessage(b).kind, 'error', what);
  }
  // Length 2048 is allowed (needs the bytes first).
  t.is(parseInitialMessage(initial(-65536n, 1n, 'a:1', 2048)).kind, 'need-more');
});

test('frames: lengths 1..524288 pass; 0, negative and larger close the connection', (t) => {
  const ok = new ElectionWireReader(false).feed(electionFrame(Buffer.alloc(ELECTION_FRAME_BYTES_MAX, 1)));
  t.deepEqual(ok.map((e) => e.type), ['frame']);
  for (const len of [0, -1, ELECTION_FRAME_BYTES_MAX + 1]) {
    const b = Buffer.alloc(8);
    b.writeInt32BE(len, 0);
    const r = new ElectionWireReader(false);
    const ev = r.feed(b);
    t.deepEqual(ev.map((e) => e.type), ['error'], `length ${len}`);
    t.deepEqual(r.feed(electionFrame(Buffer.from([1]))), [], 'a failed reader ignores later input');
  }
  t.throws(() => electionFrame(Buffer.alloc(0)));
  // Frames before a bad length are still delivered.
  const bad = Buffer.alloc(4);
  bad.writeInt32BE(0, 0);
  t.deepEqual(new ElectionWireReader(false).feed(Buffer.concat([electionFrame(Buffer.from([9])), bad])).map((e) => e.type), ['frame', 'error']);
});
