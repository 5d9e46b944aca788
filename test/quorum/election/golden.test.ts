// The election codecs against bytes Apache ZooKeeper 3.8.0 really sent (captured by
// compat-tests/quorum/election-capture.ts). Expected fields come from the capture scenario
// (server ids, ports, a fresh dataDir, what Java's srvr/log said), not from our decoder.

import test from 'ava';
import { join, resolve } from 'node:path';
import { parseInitialMessage } from '../../../src/quorum/election/initial-message';
import { ElectionWireReader, electionFrame } from '../../../src/quorum/transport/election-wire';
import { checkInitialMessage, checkNotification, loadCase, NOTIFICATION_CASES } from './golden-check';

const dir = join(resolve(__dirname, '..', '..', '..', '..'), 'test', 'quorum', 'election', 'fixtures');

test('Java initial message decodes to its sid and election address, and re-encodes byte for byte', (t) => {
  t.deepEqual(checkInitialMessage(dir), []);
  const { bytes } = loadCase(dir, 'initial-message-v1');
  for (let i = 0; i < bytes.length; i++) t.is(parseInitialMessage(bytes.subarray(0, i)).kind, 'need-more');
});

for (const name of NOTIFICATION_CASES) {
  test(`Java ${name} decodes to the scenario's vote and config, and re-encodes byte for byte`, (t) => {
    t.deepEqual(checkNotification(dir, name), []);
  });
}

test('Java bytes framed as Java frames them come back through the wire reader at any split', (t) => {
  const init = loadCase(dir, 'initial-message-v1').bytes;
  const a = loadCase(dir, 'notification-looking').bytes;
  const b = loadCase(dir, 'notification-leading').bytes;
  const stream = Buffer.concat([init, electionFrame(a), electionFrame(b)]);
  for (let cut = 0; cut <= stream.length; cut++) {
    const r = new ElectionWireReader(true);
    const events = [...r.feed(stream.subarray(0, cut)), ...r.feed(stream.subarray(cut))];
    t.deepEqual(events.map((e) => e.type), ['initial', 'frame', 'frame']);
    const frames = events.filter((e) => e.type === 'frame').map((e) => (e as { payload: Buffer }).payload);
    t.true(frames[0]!.equals(a) && frames[1]!.equals(b));
  }
});
