// Quorum-port packet types (Leader.java constants, identical in 3.8 and 3.9) and small builders.
// A QuorumPacket is the generated Jute record {int type, long zxid, buffer data, vector<Id> authinfo};
// what `data` holds depends on the type (see payloads.ts).

import type { QuorumPacket } from '../../protocol/generated';
import type { Zxid } from '../types';

export const PacketType = {
  REQUEST: 1,
  PROPOSAL: 2,
  ACK: 3,
  COMMIT: 4,
  PING: 5,
  REVALIDATE: 6,
  SYNC: 7,
  INFORM: 8,
  COMMITANDACTIVATE: 9,
  NEWLEADER: 10,
  FOLLOWERINFO: 11,
  UPTODATE: 12,
  DIFF: 13,
  TRUNC: 14,
  SNAP: 15,
  OBSERVERINFO: 16,
  LEADERINFO: 17,
  ACKEPOCH: 18,
  INFORMANDACTIVATE: 19,
} as const;
export type PacketTypeName = keyof typeof PacketType;
export type PacketTypeCode = (typeof PacketType)[PacketTypeName];

const NAMES: Record<number, PacketTypeName> = Object.fromEntries(
  Object.entries(PacketType).map(([name, code]) => [code, name as PacketTypeName]),
);

/** The reference's name for a packet type (Leader.getPacketType), "UNKNOWN<n>" otherwise. */
export function packetTypeName(type: number): string {
  return NAMES[type] ?? `UNKNOWN${type}`;
}

/** The Zab protocol version both sides announce (LearnerInfo.protocolVersion, LEADERINFO data). */
export const ZAB_PROTOCOL_VERSION = 0x10000;

/** A packet without payload or auth (ACK, COMMIT, UPTODATE, DIFF, TRUNC, SNAP, SYNC, ...). */
export function bare(type: PacketTypeCode, zxid: Zxid): QuorumPacket {
  return { type, zxid, data: null, authinfo: null };
}

export function withData(type: PacketTypeCode, zxid: Zxid, data: Buffer | null): QuorumPacket {
  return { type, zxid, data, authinfo: null };
}

/** A one-line description for logs: `PROPOSAL 100000003 (57 bytes)`. */
export function describePacket(p: QuorumPacket): string {
  const z = p.zxid < 0n ? p.zxid.toString() : p.zxid.toString(16);
  const d = p.data === null ? '' : ` (${p.data.length} bytes)`;
  return `${packetTypeName(p.type)} ${z}${d}`;
}
