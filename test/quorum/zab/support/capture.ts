// Helpers for recorded quorum traffic (compat-tests/golden/quorum-capture.ts): decode a recorded
// byte stream (SNAP streams included) into packets, put it back together, and replay the leader's
// side into our learner machine.

import { SnapStreamReader } from '../../../../src/persistence/snapshot';
import type { QuorumPacket } from '../../../../src/protocol/generated';
import { encodeQuorumPacket, QuorumPacketDecoder } from '../../../../src/quorum/transport/quorum-packet-stream';
import { ZabLearner } from '../../../../src/quorum/zab/learner';
import type { LearnerOutput } from '../../../../src/quorum/zab/learner-types';
import { PacketType } from '../../../../src/quorum/zab/packets';
import * as pl from '../../../../src/quorum/zab/payloads';
import { DataTree } from '../../../../src/tree';

const T = PacketType;

/** A decoded packet, plus the raw SNAP stream bytes when one followed it. */
export interface Item {
  packet: QuorumPacket;
  raw?: Buffer;
}

/** Decodes chunks of one direction; SNAP streams are loaded into DataTrees. Throws on bad bytes. */
export function decode(chunks: Buffer[]): { items: Item[]; trees: DataTree[] } {
  const d = new QuorumPacketDecoder();
  const items: Item[] = [];
  const trees: DataTree[] = [];
  for (const c of chunks) {
    const err = d.feed(c, (p) => {
      const item: Item = { packet: { ...p, data: p.data === null ? null : Buffer.from(p.data) } };
      items.push(item);
      if (p.type !== T.SNAP) return undefined;
      const loader = DataTree.loader();
      const reader = new SnapStreamReader(loader);
      const raw: Buffer[] = [];
      return {
        push(b: Buffer) {
          const rest = reader.push(b);
          raw.push(Buffer.from(rest === null ? b : b.subarray(0, b.length - rest.length)));
          if (rest !== null) {
            reader.end();
            item.raw = Buffer.concat(raw);
            trees.push(loader.finish(p.zxid));
          }
          return rest;
        },
      };
    });
    if (err !== null) throw err;
  }
  if (d.bufferedBytes !== 0 || d.inRawStream) throw new Error('the capture ends inside a packet');
  return { items, trees };
}

/** The bytes again: each packet re-encoded, SNAP streams as they were. */
export function reencode(items: Item[]): Buffer {
  return Buffer.concat(items.flatMap((i) => (i.raw === undefined ? [encodeQuorumPacket(i.packet)] : [encodeQuorumPacket(i.packet), i.raw])));
}

export interface Replay {
  /** Every packet our learner sent. */
  sent: QuorumPacket[];
  /** Protocol packets (no PING/REQUEST/REVALIDATE), hex, ours and the recorded learner's. */
  ours: string[];
  theirs: string[];
  failures: string[];
}

/**
 * Feeds the recorded leader packets (`down`) to a ZabLearner set up like the recorded learner (its
 * FOLLOWERINFO and ACKEPOCH tell sid, epochs and last zxid), completing disk writes at once, and
 * lines up what it sends with what the recorded learner sent (`up`). A 3.8.0 learner also ACKs the
 * committed txns it logs at NEWLEADER; the 3.9 order we follow applies them without an ACK (the
 * leader ignores such ACKs either way), so those are left out of the recorded side.
 */
export function replayLearner(down: QuorumPacket[], up: QuorumPacket[], tickTimeMs = 500): Replay {
  const first = up[0]!;
  const info = pl.decodeLearnerInfo(first.data!);
  const ackEpoch = up[1]!;
  const current = pl.decodeInt(T.ACKEPOCH, ackEpoch.data, 'epoch');
  const accepted = first.zxid >> 32n;
  const m = new ZabLearner({
    sid: info.sid,
    kind: first.type === T.OBSERVERINFO ? 'observer' : 'follower',
    acceptedEpoch: accepted,
    // -1 means the epoch was already accepted; the learner's currentEpoch is then older.
    currentEpoch: current === -1 ? accepted - 1n : BigInt(current),
    lastLoggedZxid: ackEpoch.zxid,
    configVersion: info.configVersion ?? 0n,
    tickTimeMs,
    initLimit: 10,
    syncLimit: 5,
    nowMs: 0,
  });
  const sent: QuorumPacket[] = [];
  const failures: string[] = [];
  const run = (outs: LearnerOutput[]): void => {
    for (const o of outs) {
      if (o.type === 'send') sent.push(o.packet);
      if (o.type === 'disconnect' || o.type === 'fatal') failures.push(`${o.type}: ${o.reason}`);
      if ('token' in o) run(m.step({ type: 'persisted', token: o.token, nowMs: 0 }));
    }
  };
  run(m.start());
  for (const p of down) run(m.step({ type: 'packet', packet: p, nowMs: 0 }));
  const committedInSync = new Set<bigint>();
  const nl = down.findIndex((p) => p.type === T.NEWLEADER);
  for (const p of down.slice(0, nl)) if (p.type === T.COMMIT) committedInSync.add(p.zxid);
  const protocol = (ps: QuorumPacket[], dropSyncAcks: boolean): string[] =>
    ps
      .filter((p) => p.type !== T.PING && p.type !== T.REQUEST && p.type !== T.REVALIDATE)
      .filter((p) => !(dropSyncAcks && p.type === T.ACK && committedInSync.has(p.zxid)))
      .map((p) => encodeQuorumPacket(p).toString('hex'));
  return { sent, ours: protocol(sent, false), theirs: protocol(up, true), failures };
}
