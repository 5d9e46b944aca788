// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/data.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

// Module data: records of the reference's org.apache.zookeeper.data.
// Records shared by clients and servers: identities, ACL entries and node statistics.

import { Parser } from 'binary-parser';
import type { SmartBuffer } from 'smart-buffer';
import * as rt from '../jute/runtime';

/** An identity: the auth scheme ("world", "digest", "ip", "sasl", "x509", "super") and the id in it. */
export interface Id {
  scheme: string | null;
  id: string | null;
}

export const Id$parser: Parser = new Parser()
  .nest('scheme', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('id', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeId(out: SmartBuffer, v: Id): void {
  rt.writeUstring(out, v.scheme);
  rt.writeUstring(out, v.id);
}

export const Id: rt.JuteCodec<Id> = rt.makeCodec<Id>('Id', Id$parser, writeId);

/** One ACL entry: a permission bit set (READ 1, WRITE 2, CREATE 4, DELETE 8, ADMIN 16) for an identity. */
export interface ACL {
  perms: number;
  id: Id;
}

export const ACL$parser: Parser = new Parser()
  .int32be('perms')
  .nest('id', { type: Id$parser });

export function writeACL(out: SmartBuffer, v: ACL): void {
  out.writeInt32BE(v.perms);
  writeId(out, v.id);
}

export const ACL: rt.JuteCodec<ACL> = rt.makeCodec<ACL>('ACL', ACL$parser, writeACL);

/** The node statistics a client sees (68 bytes on the wire). */
export interface Stat {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

export const Stat$parser: Parser = new Parser()
  .int64be('czxid')
  .int64be('mzxid')
  .int64be('ctime')
  .int64be('mtime')
  .int32be('version')
  .int32be('cversion')
  .int32be('aversion')
  .int64be('ephemeralOwner')
  .int32be('dataLength')
  .int32be('numChildren')
  .int64be('pzxid');

export function writeStat(out: SmartBuffer, v: Stat): void {
  out.writeBigInt64BE(v.czxid);
  out.writeBigInt64BE(v.mzxid);
  out.writeBigInt64BE(v.ctime);
  out.writeBigInt64BE(v.mtime);
  out.writeInt32BE(v.version);
  out.writeInt32BE(v.cversion);
  out.writeInt32BE(v.aversion);
  out.writeBigInt64BE(v.ephemeralOwner);
  out.writeInt32BE(v.dataLength);
  out.writeInt32BE(v.numChildren);
  out.writeBigInt64BE(v.pzxid);
}

export const Stat: rt.JuteCodec<Stat> = rt.makeCodec<Stat>('Stat', Stat$parser, writeStat);

/** The statistics kept on disk (snapshots): Stat without the two derived counts (60 bytes). */
export interface StatPersisted {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  pzxid: bigint;
}

export const StatPersisted$parser: Parser = new Parser()
  .int64be('czxid')
  .int64be('mzxid')
  .int64be('ctime')
  .int64be('mtime')
  .int32be('version')
  .int32be('cversion')
  .int32be('aversion')
  .int64be('ephemeralOwner')
  .int64be('pzxid');

export function writeStatPersisted(out: SmartBuffer, v: StatPersisted): void {
  out.writeBigInt64BE(v.czxid);
  out.writeBigInt64BE(v.mzxid);
  out.writeBigInt64BE(v.ctime);
  out.writeBigInt64BE(v.mtime);
  out.writeInt32BE(v.version);
  out.writeInt32BE(v.cversion);
  out.writeInt32BE(v.aversion);
  out.writeBigInt64BE(v.ephemeralOwner);
  out.writeBigInt64BE(v.pzxid);
}

export const StatPersisted: rt.JuteCodec<StatPersisted> = rt.makeCodec<StatPersisted>('StatPersisted', StatPersisted$parser, writeStatPersisted);

/** One entry of a whoAmI answer. */
export interface ClientInfo {
  authScheme: string | null;
  user: string | null;
}

export const ClientInfo$parser: Parser = new Parser()
  .nest('authScheme', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('user', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeClientInfo(out: SmartBuffer, v: ClientInfo): void {
  rt.writeUstring(out, v.authScheme);
  rt.writeUstring(out, v.user);
}

export const ClientInfo: rt.JuteCodec<ClientInfo> = rt.makeCodec<ClientInfo>('ClientInfo', ClientInfo$parser, writeClientInfo);
