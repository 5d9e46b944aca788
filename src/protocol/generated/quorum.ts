// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/quorum.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

// Module quorum: records of the reference's org.apache.zookeeper.server.quorum.
// Records spoken between ensemble members on the quorum port (2888).

import { Parser } from 'binary-parser';
import type { SmartBuffer } from 'smart-buffer';
import * as rt from '../jute/runtime';
import { Id, Id$parser, writeId } from './data';

/** Sent by a learner in FOLLOWERINFO / OBSERVERINFO. */
export interface LearnerInfo {
  serverid: bigint;
  protocolVersion: number;
  configVersion: bigint;
}

export const LearnerInfo$parser: Parser = new Parser()
  .int64be('serverid')
  .int32be('protocolVersion')
  .int64be('configVersion');

export function writeLearnerInfo(out: SmartBuffer, v: LearnerInfo): void {
  out.writeBigInt64BE(v.serverid);
  out.writeInt32BE(v.protocolVersion);
  out.writeBigInt64BE(v.configVersion);
}

export const LearnerInfo: rt.JuteCodec<LearnerInfo> = rt.makeCodec<LearnerInfo>('LearnerInfo', LearnerInfo$parser, writeLearnerInfo);

/** Every quorum message; written back to back on the socket with no length prefix. */
export interface QuorumPacket {
  type: number;
  zxid: bigint;
  data: Buffer | null;
  authinfo: Id[] | null;
}

export const QuorumPacket$parser: Parser = new Parser()
  .int32be('type')
  .int64be('zxid')
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('authinfo', { type: rt.vectorParser(Id$parser, 8), formatter: rt.toVector });

export function writeQuorumPacket(out: SmartBuffer, v: QuorumPacket): void {
  out.writeInt32BE(v.type);
  out.writeBigInt64BE(v.zxid);
  rt.writeBuffer(out, v.data);
  {
    const v0 = v.authinfo;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeId(out, e0);
      }
    }
  }
}

export const QuorumPacket: rt.JuteCodec<QuorumPacket> = rt.makeCodec<QuorumPacket>('QuorumPacket', QuorumPacket$parser, writeQuorumPacket);

/** Quorum SASL handshake. */
export interface QuorumAuthPacket {
  magic: bigint;
  status: number;
  token: Buffer | null;
}

export const QuorumAuthPacket$parser: Parser = new Parser()
  .int64be('magic')
  .int32be('status')
  .nest('token', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeQuorumAuthPacket(out: SmartBuffer, v: QuorumAuthPacket): void {
  out.writeBigInt64BE(v.magic);
  out.writeInt32BE(v.status);
  rt.writeBuffer(out, v.token);
}

export const QuorumAuthPacket: rt.JuteCodec<QuorumAuthPacket> = rt.makeCodec<QuorumAuthPacket>('QuorumAuthPacket', QuorumAuthPacket$parser, writeQuorumAuthPacket);
