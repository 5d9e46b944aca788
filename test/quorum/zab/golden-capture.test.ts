// Quorum traffic recorded from a real Apache ZooKeeper 3.8.0 ensemble
// (compat-tests/golden/quorum-capture.ts -> compat-tests/golden/quorum-fixtures): our decoder reads
// every byte at any chunking, each packet re-encodes to the same bytes, our payload builders make
// the same bytes from the decoded values, the SNAP stream loads into our tree, and our learner
// machine, fed the Java leader's packets, answers with the Java learner's packets.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { decodeTxn, encodeTxn } from '../../../src/persistence/txn';
import type { QuorumPacket } from '../../../src/protocol/generated';
import { OpCode } from '../../../src/protocol/opcodes';
import { encodeQuorumPacket } from '../../../src/quorum/transport/quorum-packet-stream';
import { bare, PacketType, packetTypeName, withData } from '../../../src/quorum/zab/packets';
import * as pl from '../../../src/quorum/zab/payloads';
import { repoRoot } from '../../support/golden';
import { decode, reencode, replayLearner } from './support/capture';

const T = PacketType;
const dir = join(repoRoot, 'compat-tests', 'golden', 'quorum-fixtures');

interface Capture {
  name: string;
  learnerSid: number;
  kind: 'SNAP' | 'DIFF';
  learnerToLeader: string;
  leaderToLearner: string;
}
const captures = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { captures: Capture[] }).captures;

for (const cap of captures) {
  const toLearner = readFileSync(join(dir, cap.leaderToLearner));
  const toLeader = readFileSync(join(dir, cap.learnerToLeader));

  test(`${cap.name}: every split offset decodes to the same packets, which re-encode byte for byte`, (t) => {
    for (const bytes of [toLearner, toLeader]) {
      const whole = decode([bytes]);
      t.true(reencode(whole.items).equals(bytes));
      for (let k = 1; k < bytes.length; k++) {
        const split = decode([bytes.subarray(0, k), bytes.subarray(k)]);
        if (!reencode(split.items).equals(bytes)) return t.fail(`split at ${k}`);
      }
      const bytewise = decode([...bytes].map((b) => Buffer.from([b])));
      t.true(reencode(bytewise.items).equals(bytes));
    }
  });

  test(`${cap.name}: the handshake and sync follow the verified order`, (t) => {
    const down = decode([toLearner]).items.map((i) => packetTypeName(i.packet.type));
    const up = decode([toLeader]).items.map((i) => packetTypeName(i.packet.type));
    t.deepEqual(up.slice(0, 3), ['FOLLOWERINFO', 'ACKEPOCH', 'ACK']);
    t.is(down[0], 'LEADERINFO');
    t.is(down[1], cap.kind);
    const nl = down.indexOf('NEWLEADER');
    const utd = down.indexOf('UPTODATE');
    t.true(nl > 1 && utd > nl);
    // Between the sync op and NEWLEADER only PROPOSAL/COMMIT pairs (and PINGs, which learners ignore during sync).
    t.true(down.slice(2, nl).every((x) => x === 'PROPOSAL' || x === 'COMMIT' || x === 'PING'));
  });

  test(`${cap.name}: our payload builders produce the Java bytes`, (t) => {
    const rebuilt = (p: QuorumPacket): QuorumPacket | null => {
      switch (p.type) {
        case T.FOLLOWERINFO: {
          const info = pl.decodeLearnerInfo(p.data!);
          t.is(info.sid, BigInt(cap.learnerSid));
          t.is(info.protocolVersion, 0x10000);
          return withData(T.FOLLOWERINFO, p.zxid, pl.encodeLearnerInfo(info.sid, info.configVersion!));
        }
        case T.LEADERINFO:
          return withData(T.LEADERINFO, p.zxid, pl.encodeInt(pl.decodeInt(T.LEADERINFO, p.data, 'version')));
        case T.ACKEPOCH:
          return withData(T.ACKEPOCH, p.zxid, pl.encodeInt(pl.decodeInt(T.ACKEPOCH, p.data, 'epoch')));
        case T.NEWLEADER:
          // Reconfig is off (the default): the leader sends its static config, version 0, unchanged
          // (ZOOKEEPER-1783's version bump goes through setLastSeenQuorumVerifier, a no-op then).
          t.regex(p.data!.toString(), /^server\.1=127\.0\.0\.1:\d+:\d+:participant;127\.0\.0\.1:\d+\n.*\nversion=0$/s);
          return withData(T.NEWLEADER, p.zxid, p.data);
        case T.UPTODATE:
        case T.ACK:
        case T.COMMIT:
        case T.SNAP:
        case T.DIFF:
          return bare(p.type, p.zxid);
        case T.PROPOSAL: {
          const txn = decodeTxn(p.data!);
          t.is(txn.header.zxid, p.zxid);
          // 3.8.0 leaders append a TxnDigest (version 2) to every txn but error txns.
          t.is(txn.digest?.version, 2);
          return withData(T.PROPOSAL, p.zxid, encodeTxn(txn));
        }
        case T.PING:
          return p.data === null ? bare(T.PING, p.zxid) : withData(T.PING, p.zxid, pl.encodeSessionTouches(pl.decodeSessionTouches(p.data)));
        case T.REQUEST: {
          const r = pl.decodeRequest(p.data, p.authinfo);
          return { type: T.REQUEST, zxid: -1n, data: pl.encodeRequest(r), authinfo: p.authinfo };
        }
        case T.REVALIDATE:
          if (p.data!.length === 12) {
            const r = pl.decodeRevalidateRequest(p.data);
            return withData(T.REVALIDATE, -1n, pl.encodeRevalidateRequest(r.sessionId, r.timeoutMs));
          } else {
            const r = pl.decodeRevalidateReply(p.data);
            return withData(T.REVALIDATE, -1n, pl.encodeRevalidateReply(r.sessionId, r.valid));
          }
        default:
          return null;
      }
    };
    const seen = new Set<string>();
    for (const bytes of [toLearner, toLeader]) {
      for (const { packet } of decode([bytes]).items) {
        const again = rebuilt(packet);
        t.not(again, null, `a builder for ${packetTypeName(packet.type)}`);
        t.true(encodeQuorumPacket(again!).equals(encodeQuorumPacket(packet)), packetTypeName(packet.type));
        seen.add(packetTypeName(packet.type));
      }
    }
    for (const must of ['FOLLOWERINFO', 'LEADERINFO', 'ACKEPOCH', 'NEWLEADER', 'UPTODATE', 'ACK', 'PING', cap.kind]) t.true(seen.has(must), must);
    if (cap.kind === 'SNAP') for (const must of ['PROPOSAL', 'COMMIT', 'REQUEST', 'REVALIDATE']) t.true(seen.has(must), must);
  });

  test(`${cap.name}: our learner machine answers the Java leader as the Java learner did`, (t) => {
    const down = decode([toLearner]).items.map((i) => i.packet);
    const up = decode([toLeader]).items.map((i) => i.packet);
    const r = replayLearner(down, up);
    t.deepEqual(r.failures, []);
    t.deepEqual(r.ours, r.theirs);
    const sent = r.sent;
    // And our PING replies echo the zxid with the same (empty) table when nothing was touched.
    const pings = sent.filter((p) => p.type === T.PING);
    t.true(pings.length > 0);
    t.true(pings.every((p) => p.data !== null && p.data.length === 0));
  });
}

test('snap-session: the SNAP stream from Java loads into our tree with the client writes in it', (t) => {
  const cap = captures.find((c) => c.kind === 'SNAP')!;
  const { items, trees } = decode([readFileSync(join(dir, cap.leaderToLearner))]);
  t.is(trees.length, 1);
  const snap = items.find((i) => i.packet.type === T.SNAP)!;
  t.is(trees[0]!.lastProcessedZxid, snap.packet.zxid);
  // The writes after the snapshot arrive as PROPOSALs and apply on top of it.
  const tree = trees[0]!;
  // Each carries the Java leader's tree digest after that txn; ours must be the same number.
  let compared = 0;
  for (const i of items) {
    if (i.packet.type !== T.PROPOSAL) continue;
    const txn = decodeTxn(i.packet.data!);
    tree.applyTxn(txn);
    t.is(tree.treeDigest, txn.digest!.treeDigest, `digest after ${i.packet.zxid.toString(16)}`);
    compared++;
  }
  t.true(tree.digestEnabled && compared >= 5);
  const paths: string[] = [];
  for (const n of tree.snapshotSource([]).nodes()) paths.push(n.path);
  t.true(paths.includes('/golden'));
  t.true(paths.includes('/golden/leader'));
  t.true(paths.includes('/golden/moved'));
  t.is(tree.digestMismatches, 0, 'the Java leader\'s txn digests match our tree after each txn');
  // createSession forwarded by the learner: a 4-byte timeout body, no auth.
  const up = decode([readFileSync(join(dir, cap.learnerToLeader))]).items.map((i) => i.packet);
  const cs = up.filter((p) => p.type === T.REQUEST).map((p) => pl.decodeRequest(p.data, p.authinfo)).find((r) => r.opType === OpCode.createSession)!;
  t.is(cs.body.length, 4);
  t.is(cs.authinfo, null);
});
