// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/txn.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

// Module txn: records of the reference's org.apache.zookeeper.txn.
// Transactions: what the txn log stores and what the leader proposes.

import { Parser } from 'binary-parser';
import type { SmartBuffer } from 'smart-buffer';
import * as rt from '../jute/runtime';
import { ACL, ACL$parser, writeACL } from './data';

/** Appended after a txn body when digests are on: version 2 and the tree digest after the txn. */
export interface TxnDigest {
  version: number;
  treeDigest: bigint;
}

export const TxnDigest$parser: Parser = new Parser()
  .int32be('version')
  .int64be('treeDigest');

export function writeTxnDigest(out: SmartBuffer, v: TxnDigest): void {
  out.writeInt32BE(v.version);
  out.writeBigInt64BE(v.treeDigest);
}

export const TxnDigest: rt.JuteCodec<TxnDigest> = rt.makeCodec<TxnDigest>('TxnDigest', TxnDigest$parser, writeTxnDigest);

/** Precedes every txn (32 bytes). */
export interface TxnHeader {
  clientId: bigint;
  cxid: number;
  zxid: bigint;
  time: bigint;
  type: number;
}

export const TxnHeader$parser: Parser = new Parser()
  .int64be('clientId')
  .int32be('cxid')
  .int64be('zxid')
  .int64be('time')
  .int32be('type');

export function writeTxnHeader(out: SmartBuffer, v: TxnHeader): void {
  out.writeBigInt64BE(v.clientId);
  out.writeInt32BE(v.cxid);
  out.writeBigInt64BE(v.zxid);
  out.writeBigInt64BE(v.time);
  out.writeInt32BE(v.type);
}

export const TxnHeader: rt.JuteCodec<TxnHeader> = rt.makeCodec<TxnHeader>('TxnHeader', TxnHeader$parser, writeTxnHeader);

/** The pre-3.3 create body, without parentCVersion; readers fall back to it. */
export interface CreateTxnV0 {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  ephemeral: boolean;
}

export const CreateTxnV0$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .uint8('ephemeral', { formatter: rt.toBoolean });

export function writeCreateTxnV0(out: SmartBuffer, v: CreateTxnV0): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  {
    const v0 = v.acl;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
  out.writeUInt8(v.ephemeral ? 1 : 0);
}

export const CreateTxnV0: rt.JuteCodec<CreateTxnV0> = rt.makeCodec<CreateTxnV0>('CreateTxnV0', CreateTxnV0$parser, writeCreateTxnV0);

/** create (1) and create2 (15). parentCVersion is the parent's new stored cversion. */
export interface CreateTxn {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  ephemeral: boolean;
  parentCVersion: number;
}

export const CreateTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .uint8('ephemeral', { formatter: rt.toBoolean })
  .int32be('parentCVersion');

export function writeCreateTxn(out: SmartBuffer, v: CreateTxn): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  {
    const v0 = v.acl;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
  out.writeUInt8(v.ephemeral ? 1 : 0);
  out.writeInt32BE(v.parentCVersion);
}

export const CreateTxn: rt.JuteCodec<CreateTxn> = rt.makeCodec<CreateTxn>('CreateTxn', CreateTxn$parser, writeCreateTxn);

export interface CreateTTLTxn {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  parentCVersion: number;
  ttl: bigint;
}

export const CreateTTLTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('parentCVersion')
  .int64be('ttl');

export function writeCreateTTLTxn(out: SmartBuffer, v: CreateTTLTxn): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  {
    const v0 = v.acl;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
  out.writeInt32BE(v.parentCVersion);
  out.writeBigInt64BE(v.ttl);
}

export const CreateTTLTxn: rt.JuteCodec<CreateTTLTxn> = rt.makeCodec<CreateTTLTxn>('CreateTTLTxn', CreateTTLTxn$parser, writeCreateTTLTxn);

export interface CreateContainerTxn {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  parentCVersion: number;
}

export const CreateContainerTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('parentCVersion');

export function writeCreateContainerTxn(out: SmartBuffer, v: CreateContainerTxn): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  {
    const v0 = v.acl;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
  out.writeInt32BE(v.parentCVersion);
}

export const CreateContainerTxn: rt.JuteCodec<CreateContainerTxn> = rt.makeCodec<CreateContainerTxn>('CreateContainerTxn', CreateContainerTxn$parser, writeCreateContainerTxn);

/** delete (2); deleteContainer (20) in 3.9 as well. */
export interface DeleteTxn {
  path: string | null;
}

export const DeleteTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeDeleteTxn(out: SmartBuffer, v: DeleteTxn): void {
  rt.writeUstring(out, v.path);
}

export const DeleteTxn: rt.JuteCodec<DeleteTxn> = rt.makeCodec<DeleteTxn>('DeleteTxn', DeleteTxn$parser, writeDeleteTxn);

/** setData (5) and reconfig (16). */
export interface SetDataTxn {
  path: string | null;
  data: Buffer | null;
  version: number;
}

export const SetDataTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .int32be('version');

export function writeSetDataTxn(out: SmartBuffer, v: SetDataTxn): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  out.writeInt32BE(v.version);
}

export const SetDataTxn: rt.JuteCodec<SetDataTxn> = rt.makeCodec<SetDataTxn>('SetDataTxn', SetDataTxn$parser, writeSetDataTxn);

/** Only inside a multi. */
export interface CheckVersionTxn {
  path: string | null;
  version: number;
}

export const CheckVersionTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('version');

export function writeCheckVersionTxn(out: SmartBuffer, v: CheckVersionTxn): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.version);
}

export const CheckVersionTxn: rt.JuteCodec<CheckVersionTxn> = rt.makeCodec<CheckVersionTxn>('CheckVersionTxn', CheckVersionTxn$parser, writeCheckVersionTxn);

export interface SetACLTxn {
  path: string | null;
  acl: ACL[] | null;
  version: number;
}

export const SetACLTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('version');

export function writeSetACLTxn(out: SmartBuffer, v: SetACLTxn): void {
  rt.writeUstring(out, v.path);
  {
    const v0 = v.acl;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeACL(out, e0);
      }
    }
  }
  out.writeInt32BE(v.version);
}

export const SetACLTxn: rt.JuteCodec<SetACLTxn> = rt.makeCodec<SetACLTxn>('SetACLTxn', SetACLTxn$parser, writeSetACLTxn);

/** Unused by the server; kept for completeness of the format. */
export interface SetMaxChildrenTxn {
  path: string | null;
  max: number;
}

export const SetMaxChildrenTxn$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('max');

export function writeSetMaxChildrenTxn(out: SmartBuffer, v: SetMaxChildrenTxn): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.max);
}

export const SetMaxChildrenTxn: rt.JuteCodec<SetMaxChildrenTxn> = rt.makeCodec<SetMaxChildrenTxn>('SetMaxChildrenTxn', SetMaxChildrenTxn$parser, writeSetMaxChildrenTxn);

export interface CreateSessionTxn {
  timeOut: number;
}

export const CreateSessionTxn$parser: Parser = new Parser()
  .int32be('timeOut');

export function writeCreateSessionTxn(out: SmartBuffer, v: CreateSessionTxn): void {
  out.writeInt32BE(v.timeOut);
}

export const CreateSessionTxn: rt.JuteCodec<CreateSessionTxn> = rt.makeCodec<CreateSessionTxn>('CreateSessionTxn', CreateSessionTxn$parser, writeCreateSessionTxn);

/** Ephemerals to delete; absent in logs from before 3.6. */
export interface CloseSessionTxn {
  paths2Delete: Array<string | null> | null;
}

export const CloseSessionTxn$parser: Parser = new Parser()
  .nest('paths2Delete', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector });

export function writeCloseSessionTxn(out: SmartBuffer, v: CloseSessionTxn): void {
  {
    const v0 = v.paths2Delete;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
}

export const CloseSessionTxn: rt.JuteCodec<CloseSessionTxn> = rt.makeCodec<CloseSessionTxn>('CloseSessionTxn', CloseSessionTxn$parser, writeCloseSessionTxn);

/** A failed write still takes a zxid and is logged as this. */
export interface ErrorTxn {
  err: number;
}

export const ErrorTxn$parser: Parser = new Parser()
  .int32be('err');

export function writeErrorTxn(out: SmartBuffer, v: ErrorTxn): void {
  out.writeInt32BE(v.err);
}

export const ErrorTxn: rt.JuteCodec<ErrorTxn> = rt.makeCodec<ErrorTxn>('ErrorTxn', ErrorTxn$parser, writeErrorTxn);

/** One sub-txn of a multi: its type and serialized body (no digest). */
export interface Txn {
  type: number;
  data: Buffer | null;
}

export const Txn$parser: Parser = new Parser()
  .int32be('type')
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeTxn(out: SmartBuffer, v: Txn): void {
  out.writeInt32BE(v.type);
  rt.writeBuffer(out, v.data);
}

export const Txn: rt.JuteCodec<Txn> = rt.makeCodec<Txn>('Txn', Txn$parser, writeTxn);

export interface MultiTxn {
  txns: Txn[] | null;
}

export const MultiTxn$parser: Parser = new Parser()
  .nest('txns', { type: rt.vectorParser(Txn$parser, 8), formatter: rt.toVector });

export function writeMultiTxn(out: SmartBuffer, v: MultiTxn): void {
  {
    const v0 = v.txns;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeTxn(out, e0);
      }
    }
  }
}

export const MultiTxn: rt.JuteCodec<MultiTxn> = rt.makeCodec<MultiTxn>('MultiTxn', MultiTxn$parser, writeMultiTxn);
