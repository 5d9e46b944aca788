// The `data` of each quorum packet type, encoded and decoded as the reference packs them by hand
// (DataOutputStream / ByteBuffer, big-endian). Decoders throw QuorumPayloadError on bytes the
// reference would fail on (an EOF or underflow that ends its handler thread); callers turn that
// into closing the connection, never a crash.

import { Id, LearnerInfo } from '../../protocol/generated';
import type { Sid } from '../types';
import { PacketType, ZAB_PROTOCOL_VERSION } from './packets';

export class QuorumPayloadError extends Error {
  override readonly name = 'QuorumPayloadError';
  constructor(
    readonly packetType: number,
    message: string,
  ) {
    super(message);
  }
}

function need(type: number, data: Buffer | null, bytes: number, what: string): Buffer {
  if (data === null || data.length < bytes) {
    throw new QuorumPayloadError(type, `${what} needs ${bytes} bytes, got ${data === null ? 'null' : data.length}`);
  }
  return data;
}

// ---- FOLLOWERINFO / OBSERVERINFO: LearnerInfo{long sid, int protocolVersion, long configVersion} ----

export interface LearnerInfoPayload {
  sid: Sid;
  protocolVersion: number;
  /** null when the learner sent the short (pre-3.5) form without it. */
  configVersion: bigint | null;
}

export function encodeLearnerInfo(sid: Sid, configVersion: bigint): Buffer {
  return LearnerInfo.encode({ serverid: sid, protocolVersion: ZAB_PROTOCOL_VERSION, configVersion });
}

/**
 * Reads LearnerInfo the way LearnerHandler does: the sid if at least 8 bytes, the protocol version
 * if at least 12 (else 0x1, a pre-Zab-1.0 learner), the config version if at least 20. Null data
 * is handled by the caller (the reference then invents a negative sid).
 */
export function decodeLearnerInfo(data: Buffer): LearnerInfoPayload {
  if (data.length < 8) throw new QuorumPayloadError(PacketType.FOLLOWERINFO, `LearnerInfo of ${data.length} bytes has no sid`);
  return {
    sid: data.readBigInt64BE(0),
    protocolVersion: data.length >= 12 ? data.readInt32BE(8) : 0x1,
    configVersion: data.length >= 20 ? data.readBigInt64BE(12) : null,
  };
}

// ---- LEADERINFO: int protocolVersion; ACKEPOCH: int currentEpoch (-1: already accepted) ----

export function encodeInt(v: number): Buffer {
  const b = Buffer.allocUnsafe(4);
  b.writeInt32BE(v, 0);
  return b;
}

export function decodeInt(type: number, data: Buffer | null, what: string): number {
  return need(type, data, 4, what).readInt32BE(0);
}

// ---- REQUEST: long sessionId, int cxid, int type, then the raw request body ----

export interface LearnerRequest {
  sessionId: bigint;
  cxid: number;
  /** The client op code (OpCode), not a packet type. */
  opType: number;
  /** The request record after the RequestHeader; empty for bodiless ops. A view of the packet data. */
  body: Buffer;
  /** The client's auth ids (null for createSession). */
  authinfo: Id[] | null;
}

export function encodeRequest(r: Omit<LearnerRequest, 'authinfo'>): Buffer {
  const b = Buffer.allocUnsafe(16 + r.body.length);
  b.writeBigInt64BE(r.sessionId, 0);
  b.writeInt32BE(r.cxid, 8);
  b.writeInt32BE(r.opType, 12);
  r.body.copy(b, 16);
  return b;
}

export function decodeRequest(data: Buffer | null, authinfo: Id[] | null): LearnerRequest {
  const d = need(PacketType.REQUEST, data, 16, 'REQUEST');
  return { sessionId: d.readBigInt64BE(0), cxid: d.readInt32BE(8), opType: d.readInt32BE(12), body: d.subarray(16), authinfo };
}

// ---- PING from a learner: (long sessionId, int timeout)* of sessions touched since the last one ----

export interface SessionTouch {
  sessionId: bigint;
  timeoutMs: number;
}

export function encodeSessionTouches(touches: Iterable<SessionTouch>): Buffer {
  const list = [...touches];
  const b = Buffer.allocUnsafe(list.length * 12);
  list.forEach((t, i) => {
    b.writeBigInt64BE(t.sessionId, i * 12);
    b.writeInt32BE(t.timeoutMs, i * 12 + 8);
  });
  return b;
}

export function decodeSessionTouches(data: Buffer | null): SessionTouch[] {
  if (data === null) return [];
  if (data.length % 12 !== 0) {
    throw new QuorumPayloadError(PacketType.PING, `PING session table of ${data.length} bytes is not a whole number of 12-byte entries`);
  }
  const out: SessionTouch[] = [];
  for (let off = 0; off < data.length; off += 12) out.push({ sessionId: data.readBigInt64BE(off), timeoutMs: data.readInt32BE(off + 8) });
  return out;
}

// ---- REVALIDATE: learner -> leader {long sessionId, int timeout}; leader -> learner {long, bool} ----

export function encodeRevalidateRequest(sessionId: bigint, timeoutMs: number): Buffer {
  const b = Buffer.allocUnsafe(12);
  b.writeBigInt64BE(sessionId, 0);
  b.writeInt32BE(timeoutMs, 8);
  return b;
}

export function decodeRevalidateRequest(data: Buffer | null): SessionTouch {
  const d = need(PacketType.REVALIDATE, data, 12, 'REVALIDATE request');
  return { sessionId: d.readBigInt64BE(0), timeoutMs: d.readInt32BE(8) };
}

export function encodeRevalidateReply(sessionId: bigint, valid: boolean): Buffer {
  const b = Buffer.allocUnsafe(9);
  b.writeBigInt64BE(sessionId, 0);
  b.writeUInt8(valid ? 1 : 0, 8);
  return b;
}

export function decodeRevalidateReply(data: Buffer | null): { sessionId: bigint; valid: boolean } {
  const d = need(PacketType.REVALIDATE, data, 9, 'REVALIDATE reply');
  // DataInputStream.readBoolean: any non-zero byte is true.
  return { sessionId: d.readBigInt64BE(0), valid: d[8] !== 0 };
}

// ---- COMMITANDACTIVATE {long leader}; INFORMANDACTIVATE {long leader, proposal bytes} ----

export function decodeActivate(type: number, data: Buffer | null): { designatedLeader: Sid; proposal: Buffer } {
  const d = need(type, data, 8, 'designated leader');
  return { designatedLeader: d.readBigInt64BE(0), proposal: d.subarray(8) };
}

export function encodeLong(v: bigint): Buffer {
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(v, 0);
  return b;
}

