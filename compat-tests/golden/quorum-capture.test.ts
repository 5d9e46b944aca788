// Runs the quorum traffic recorder (quorum-capture.ts) against a fresh Java 3.8.0 ensemble and
// checks the new recording the way the unit suite checks the committed one: every byte decodes,
// re-encodes identically, and our learner machine answers the Java leader as the Java learner did.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { PacketType, packetTypeName } from '../../src/quorum/zab/packets';
import { decode, reencode, replayLearner } from '../../test/quorum/zab/support/capture';
import { captureQuorumTraffic } from './quorum-capture';

test('a fresh recording of Java quorum traffic decodes, re-encodes and replays into our learner', async (t) => {
  const out = mkdtempSync(join(tmpdir(), 'zkts-qcap-'));
  try {
    const entries = await captureQuorumTraffic(out);
    t.deepEqual(entries.map((e) => e.kind), ['SNAP', 'DIFF']);
    for (const e of entries) {
      const down = readFileSync(join(out, e.leaderToLearner));
      const up = readFileSync(join(out, e.learnerToLeader));
      const d = decode([down]);
      const u = decode([up]);
      t.true(reencode(d.items).equals(down), `${e.name} leader bytes`);
      t.true(reencode(u.items).equals(up), `${e.name} learner bytes`);
      t.is(packetTypeName(d.items[1]!.packet.type), e.kind);
      t.true(d.items.some((i) => i.packet.type === PacketType.UPTODATE));
      const r = replayLearner(d.items.map((i) => i.packet), u.items.map((i) => i.packet));
      t.deepEqual(r.failures, []);
      t.deepEqual(r.ours, r.theirs, e.name);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
