// Session ids, passwords, timeout negotiation and expiry bucketing.
//
// Golden values marked "Java:" come from a throwaway program run on OpenJDK 17 (javac Golden.java):
//   new java.util.Random(id ^ 0xB3415C00L).nextBytes(new byte[16])           for passwords
//   long v = (ms << 24) >>> 8; v |= sid << 56; if (v == Long.MIN_VALUE) v++;  for first ids

import test from 'ava';
import {
  ExpiryQueue,
  SessionTracker,
  checkSessionPassword,
  initialSessionId,
  negotiateTimeout,
  nextSessionId,
  serverIdOfSession,
  sessionPassword,
} from '../../src/server/session';

test('session password: the verified example from a live Java 3.8 server', (t) => {
  t.is(sessionPassword(0x10000076a5f0000n).toString('hex'), '53d89049e4de1fa8e98a0312cdc3bd8c');
});

test('session password: Java java.util.Random goldens, including negative and extreme ids', (t) => {
  const golden: Array<[bigint, string]> = [
    [1n, '054cc74a37327db215e702e20c73f005'],
    [0n, 'f22acd4a97e69d6d20a49bb638eadb38'],
    [-1n, '20f62cb5648dc2d771471c8a2486a9ee'],
    [0x7fffffffffffffffn, '20f62cb5648dc2d771471c8a2486a9ee'],
    [-0x8000000000000000n, 'f22acd4a97e69d6d20a49bb638eadb38'],
    [0x1000123456780005n, '59876e1f1f7fff5e3255ff87021f8cb7'],
    [BigInt.asIntN(64, 0xff00000000000001n), '054cc74a37327db215e702e20c73f005'],
  ];
  for (const [id, hex] of golden) t.is(sessionPassword(id).toString('hex'), hex, `0x${id.toString(16)}`);
});

test('checkSessionPassword: exact bytes, non-zero id', (t) => {
  const id = 0x10000076a5f0000n;
  t.true(checkSessionPassword(id, sessionPassword(id)));
  t.false(checkSessionPassword(id, Buffer.alloc(16)));
  t.false(checkSessionPassword(id, sessionPassword(id).subarray(0, 15)));
  t.false(checkSessionPassword(id, null));
  t.false(checkSessionPassword(0n, sessionPassword(0n)));
});

test('initialSessionId: Java long arithmetic goldens', (t) => {
  const golden: Array<[number, number, bigint]> = [
    [1, 0, 72057594037927936n],
    [1, 1, 72057594037993472n],
    [1, 1700000000000, 111411200000000000n],
    [1, 123456789, 72065684902051840n],
    [3, 987654321012, 280899695695626240n],
    // (128 << 56) is Long.MIN_VALUE, the container marker: bumped by one.
    [128, 0, -9223372036854775807n],
    // 2^40 ms shifts out entirely, so the same bump.
    [128, 2 ** 40, -9223372036854775807n],
    [255, 2 ** 40 - 1, -65536n],
    // A negative clock (System.nanoTime may be negative) spills into the server byte.
    [255, -1, -65536n],
    [1, -5, 144115188075528192n],
    [0, 0, 0n],
    // A server id over 255 is truncated by the shift.
    [300, 7, 3170534137669287936n],
  ];
  for (const [sid, ms, want] of golden) t.is(initialSessionId(sid, ms), want, `sid=${sid} ms=${ms}`);
  t.throws(() => initialSessionId(1, 1.5), { instanceOf: RangeError });
});

test('nextSessionId wraps like a Java long; serverIdOfSession reads the high byte', (t) => {
  t.is(nextSessionId(5n), 6n);
  t.is(nextSessionId(0x7fffffffffffffffn), -0x8000000000000000n);
  t.is(serverIdOfSession(initialSessionId(3, 987654321012)), 3);
  t.is(serverIdOfSession(-65536n), 255);
});

test('negotiateTimeout clamps to [min, max], min first', (t) => {
  t.is(negotiateTimeout(30000, 4000, 40000), 30000);
  t.is(negotiateTimeout(1000, 4000, 40000), 4000);
  t.is(negotiateTimeout(100000, 4000, 40000), 40000);
  t.is(negotiateTimeout(-5, 4000, 40000), 4000);
  t.is(negotiateTimeout(5000, 9000, 6000), 6000);
});

test('ExpiryQueue: deadlines round to the next multiple strictly after now + timeout', (t) => {
  const q = new ExpiryQueue<string>(2000, 10_500);
  t.is(q.roundToNextInterval(10_500), 12_000);
  t.is(q.roundToNextInterval(12_000), 14_000);
  t.is(q.update('a', 5000, 10_500), 16_000);
  t.is(q.update('a', 5000, 10_900), null, 'same bucket: unchanged');
  t.is(q.update('a', 5000, 11_000), 18_000);
  t.deepEqual(q.dump(), [
    { expiresAtMs: 16_000, elements: [] },
    { expiresAtMs: 18_000, elements: ['a'] },
  ]);
  t.is(q.waitTimeMs(10_500), 1500);
  t.is(q.waitTimeMs(13_000), 0);
});

test('ExpiryQueue: poll hands out one bucket per interval; pollAll catches up in one call', (t) => {
  const q = new ExpiryQueue<string>(1000, 0);
  q.update('a', 1500, 0); // 2000
  q.update('b', 2500, 0); // 3000
  q.update('c', 2999, 0); // 3000
  t.deepEqual(q.poll(999), []);
  t.deepEqual(q.poll(5000), [], 'the 1000 bucket is empty');
  t.deepEqual(q.poll(5000), ['a']);
  t.deepEqual(q.poll(5000), ['b', 'c']);
  t.is(q.waitTimeMs(5000), 0);

  const r = new ExpiryQueue<string>(1000, 0);
  r.update('a', 1500, 0);
  r.update('b', 2500, 0);
  r.update('late', 9000, 0); // 10000
  t.deepEqual(r.pollAll(1_000_000_000), ['a', 'b', 'late']);
  t.is(r.waitTimeMs(1_000_000_000), 1000, 'the cursor lands on the next interval');
  t.is(r.remove('a'), 2000, 'polled elements stay known until removed');
  t.is(r.remove('a'), null);
});

const TICK = 2000;

function tracker(nowMs = 0): SessionTracker {
  return new SessionTracker({ tickTimeMs: TICK, serverId: 1, nowMs });
}

test('SessionTracker: ids count up from the initial id', (t) => {
  const s = new SessionTracker({ tickTimeMs: TICK, serverId: 1, nowMs: 0, idClockMs: 1 });
  t.is(s.create(4000, 0), 72057594037993472n);
  t.is(s.create(4000, 0), 72057594037993473n);
  t.is(s.size, 2);
});

test('SessionTracker: a session expires in the bucket after now + timeout, touches move it', (t) => {
  const s = tracker(0);
  const id = s.create(4000, 100); // deadline 6000
  t.deepEqual(s.info(id), { sessionId: id, timeoutMs: 4000, closing: false, expiresAtMs: 6000 });
  t.deepEqual(s.expired(5999), []);
  t.true(s.touch(id, 3000)); // 3000 + 4000 -> 8000
  t.deepEqual(s.expired(6000), []);
  t.is(s.waitTimeMs(6000), 2000);
  t.deepEqual(s.expired(8000), [id]);
  t.true(s.isClosing(id), 'expiry marks the session closing');
  t.false(s.isValid(id));
  t.true(s.isTracking(id), 'tracked until its closeSession is applied');
  t.false(s.touch(id, 8000), 'a closing session is not touched');
  s.remove(id);
  t.false(s.isTracking(id));
  t.is(s.timeoutOf(id), undefined);
});

test('SessionTracker: touch with the connection timeout; unknown sessions', (t) => {
  const s = tracker(0);
  const id = s.create(4000, 0); // 6000
  t.true(s.touch(id, 0, 20000)); // 22000
  t.is(s.info(id)?.expiresAtMs, 22000);
  t.is(s.timeoutOf(id), 4000, 'the session keeps its own timeout');
  t.false(s.touch(42n, 0));
  t.false(s.isValid(42n));
  s.setClosing(42n);
  s.remove(42n);
  t.is(s.size, 1);
});

test('SessionTracker: add() restores sessions; re-adding keeps the timeout but moves the deadline', (t) => {
  const s = tracker(0);
  t.true(s.add(0x100n, 10000, 0)); // 12000
  t.false(s.add(0x100n, 30000, 1000)); // 32000, timeout stays 10000
  t.is(s.timeoutOf(0x100n), 10000);
  t.is(s.info(0x100n)?.expiresAtMs, 32000);
  t.deepEqual(s.expired(31999), []);
  t.deepEqual(s.expired(32000), [0x100n]);
});

test('SessionTracker: sessions due together expire together, oldest bucket first', (t) => {
  const s = tracker(0);
  const a = s.create(4000, 0); // 6000
  const b = s.create(5000, 0); // 6000
  const c = s.create(4000, 3000); // 8000
  t.deepEqual(s.expiryBuckets(), [
    { expiresAtMs: 6000, elements: [a, b] },
    { expiresAtMs: 8000, elements: [c] },
  ]);
  s.remove(b);
  t.deepEqual(s.expired(100_000), [a, c]);
  t.deepEqual(s.expiryBuckets(), []);
});

test('SessionTracker: checkSession ownership and setOwner', (t) => {
  const s = tracker(0);
  const id = s.create(4000, 0);
  const c1 = {};
  const c2 = {};
  t.is(s.checkSession(id, c1), 'ok');
  t.is(s.checkSession(id, c1), 'ok');
  t.is(s.checkSession(id, c2), 'moved');
  t.true(s.setOwner(id, c2));
  t.is(s.checkSession(id, c2), 'ok');
  t.is(s.checkSession(99n, c1), 'unknown');
  s.setClosing(id);
  t.is(s.checkSession(id, c2), 'expired');
  t.false(s.setOwner(id, c1));
});
