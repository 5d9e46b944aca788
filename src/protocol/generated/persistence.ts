// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/persistence.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

// Module persistence: records of the reference's org.apache.zookeeper.server.persistence.
// On-disk records: file headers, and the pieces of a snapshot the reference packs by hand.

import { Parser } from 'binary-parser';
import type { SmartBuffer } from 'smart-buffer';
import * as rt from '../jute/runtime';
import { ACL, ACL$parser, writeACL, StatPersisted, StatPersisted$parser, writeStatPersisted } from './data';

/** First 16 bytes of every txn log ("ZKLG", dbid 0) and snapshot ("ZKSN", dbid -1). */
export interface FileHeader {
  magic: number;
  version: number;
  dbid: bigint;
}

export const FileHeader$parser: Parser = new Parser()
  .int32be('magic')
  .int32be('version')
  .int64be('dbid');

export function writeFileHeader(out: SmartBuffer, v: FileHeader): void {
  out.writeInt32BE(v.magic);
  out.writeInt32BE(v.version);
  out.writeBigInt64BE(v.dbid);
}

export const FileHeader: rt.JuteCodec<FileHeader> = rt.makeCodec<FileHeader>('FileHeader', FileHeader$parser, writeFileHeader);

/** One node in a snapshot, after its path: data, ACL cache index (-1 = open ACL), persisted stat. */
export interface DataNode {
  data: Buffer | null;
  acl: bigint;
  stat: StatPersisted;
}

export const DataNode$parser: Parser = new Parser()
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .int64be('acl')
  .nest('stat', { type: StatPersisted$parser });

export function writeDataNode(out: SmartBuffer, v: DataNode): void {
  rt.writeBuffer(out, v.data);
  out.writeBigInt64BE(v.acl);
  writeStatPersisted(out, v.stat);
}

export const DataNode: rt.JuteCodec<DataNode> = rt.makeCodec<DataNode>('DataNode', DataNode$parser, writeDataNode);

/** The snapshot's ACL cache: a count, then index + ACL list per entry. */
export interface AclCacheEntry {
  index: bigint;
  acls: ACL[] | null;
}

export const AclCacheEntry$parser: Parser = new Parser()
  .int64be('index')
  .nest('acls', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector });

export function writeAclCacheEntry(out: SmartBuffer, v: AclCacheEntry): void {
  out.writeBigInt64BE(v.index);
  {
    const v0 = v.acls;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
}

export const AclCacheEntry: rt.JuteCodec<AclCacheEntry> = rt.makeCodec<AclCacheEntry>('AclCacheEntry', AclCacheEntry$parser, writeAclCacheEntry);

export interface AclCache {
  entries: AclCacheEntry[] | null;
}

export const AclCache$parser: Parser = new Parser()
  .nest('entries', { type: rt.vectorParser(AclCacheEntry$parser, 12), formatter: rt.toVector });

export function writeAclCache(out: SmartBuffer, v: AclCache): void {
  {
    const v0 = v.entries;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeAclCacheEntry(out, e0);
      }
    }
  }
}

export const AclCache: rt.JuteCodec<AclCache> = rt.makeCodec<AclCache>('AclCache', AclCache$parser, writeAclCache);

/** The digest section of a snapshot (digest version 2 and later). */
export interface ZxidDigest {
  zxid: bigint;
  digestVersion: number;
  digest: bigint;
}

export const ZxidDigest$parser: Parser = new Parser()
  .int64be('zxid')
  .int32be('digestVersion')
  .int64be('digest');

export function writeZxidDigest(out: SmartBuffer, v: ZxidDigest): void {
  out.writeBigInt64BE(v.zxid);
  out.writeInt32BE(v.digestVersion);
  out.writeBigInt64BE(v.digest);
}

export const ZxidDigest: rt.JuteCodec<ZxidDigest> = rt.makeCodec<ZxidDigest>('ZxidDigest', ZxidDigest$parser, writeZxidDigest);
