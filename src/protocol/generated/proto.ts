// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/proto.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

// Module proto: records of the reference's org.apache.zookeeper.proto.
// The client protocol on the client port: handshake, headers, and one request/response pair per operation.

import { Parser } from 'binary-parser';
import type { SmartBuffer } from 'smart-buffer';
import * as rt from '../jute/runtime';
import { ACL, ACL$parser, writeACL, ClientInfo, ClientInfo$parser, writeClientInfo, Stat, Stat$parser, writeStat } from './data';

/**
 * Handshake. Clients since 3.4 append a readOnly byte; older clients stop after passwd, and the
 * server answers without the byte in that case.
 */
export interface ConnectRequest {
  protocolVersion: number;
  lastZxidSeen: bigint;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer | null;
  readOnly?: boolean;
}

export const ConnectRequest$parser: Parser = new Parser()
  .int32be('protocolVersion')
  .int64be('lastZxidSeen')
  .int32be('timeOut')
  .int64be('sessionId')
  .nest('passwd', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('readOnly', { type: rt.optionalParser('uint8'), formatter: rt.optionalValue(rt.toBoolean) });

export function writeConnectRequest(out: SmartBuffer, v: ConnectRequest): void {
  out.writeInt32BE(v.protocolVersion);
  out.writeBigInt64BE(v.lastZxidSeen);
  out.writeInt32BE(v.timeOut);
  out.writeBigInt64BE(v.sessionId);
  rt.writeBuffer(out, v.passwd);
  if (v.readOnly !== undefined) {
    out.writeUInt8(v.readOnly ? 1 : 0);
  }
}

export const ConnectRequest: rt.JuteCodec<ConnectRequest> = rt.makeCodec<ConnectRequest>('ConnectRequest', ConnectRequest$parser, writeConnectRequest);

export interface ConnectResponse {
  protocolVersion: number;
  timeOut: number;
  sessionId: bigint;
  passwd: Buffer | null;
  readOnly?: boolean;
}

export const ConnectResponse$parser: Parser = new Parser()
  .int32be('protocolVersion')
  .int32be('timeOut')
  .int64be('sessionId')
  .nest('passwd', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('readOnly', { type: rt.optionalParser('uint8'), formatter: rt.optionalValue(rt.toBoolean) });

export function writeConnectResponse(out: SmartBuffer, v: ConnectResponse): void {
  out.writeInt32BE(v.protocolVersion);
  out.writeInt32BE(v.timeOut);
  out.writeBigInt64BE(v.sessionId);
  rt.writeBuffer(out, v.passwd);
  if (v.readOnly !== undefined) {
    out.writeUInt8(v.readOnly ? 1 : 0);
  }
}

export const ConnectResponse: rt.JuteCodec<ConnectResponse> = rt.makeCodec<ConnectResponse>('ConnectResponse', ConnectResponse$parser, writeConnectResponse);

/** Watch re-registration after a reconnect (answered with xid -8). */
export interface SetWatches {
  relativeZxid: bigint;
  dataWatches: Array<string | null> | null;
  existWatches: Array<string | null> | null;
  childWatches: Array<string | null> | null;
}

export const SetWatches$parser: Parser = new Parser()
  .int64be('relativeZxid')
  .nest('dataWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('existWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('childWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector });

export function writeSetWatches(out: SmartBuffer, v: SetWatches): void {
  out.writeBigInt64BE(v.relativeZxid);
  {
    const v0 = v.dataWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.existWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.childWatches;
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

export const SetWatches: rt.JuteCodec<SetWatches> = rt.makeCodec<SetWatches>('SetWatches', SetWatches$parser, writeSetWatches);

export interface SetWatches2 {
  relativeZxid: bigint;
  dataWatches: Array<string | null> | null;
  existWatches: Array<string | null> | null;
  childWatches: Array<string | null> | null;
  persistentWatches: Array<string | null> | null;
  persistentRecursiveWatches: Array<string | null> | null;
}

export const SetWatches2$parser: Parser = new Parser()
  .int64be('relativeZxid')
  .nest('dataWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('existWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('childWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('persistentWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('persistentRecursiveWatches', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector });

export function writeSetWatches2(out: SmartBuffer, v: SetWatches2): void {
  out.writeBigInt64BE(v.relativeZxid);
  {
    const v0 = v.dataWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.existWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.childWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.persistentWatches;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  {
    const v0 = v.persistentRecursiveWatches;
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

export const SetWatches2: rt.JuteCodec<SetWatches2> = rt.makeCodec<SetWatches2>('SetWatches2', SetWatches2$parser, writeSetWatches2);

/** Precedes every request body: the client's xid (or a special one) and the opcode. */
export interface RequestHeader {
  xid: number;
  type: number;
}

export const RequestHeader$parser: Parser = new Parser()
  .int32be('xid')
  .int32be('type');

export function writeRequestHeader(out: SmartBuffer, v: RequestHeader): void {
  out.writeInt32BE(v.xid);
  out.writeInt32BE(v.type);
}

export const RequestHeader: rt.JuteCodec<RequestHeader> = rt.makeCodec<RequestHeader>('RequestHeader', RequestHeader$parser, writeRequestHeader);

/** Precedes each op inside multi requests and responses; done marks the terminator. */
export interface MultiHeader {
  type: number;
  done: boolean;
  err: number;
}

export const MultiHeader$parser: Parser = new Parser()
  .int32be('type')
  .uint8('done', { formatter: rt.toBoolean })
  .int32be('err');

export function writeMultiHeader(out: SmartBuffer, v: MultiHeader): void {
  out.writeInt32BE(v.type);
  out.writeUInt8(v.done ? 1 : 0);
  out.writeInt32BE(v.err);
}

export const MultiHeader: rt.JuteCodec<MultiHeader> = rt.makeCodec<MultiHeader>('MultiHeader', MultiHeader$parser, writeMultiHeader);

/** Opcode 100, xid -4. */
export interface AuthPacket {
  type: number;
  scheme: string | null;
  auth: Buffer | null;
}

export const AuthPacket$parser: Parser = new Parser()
  .int32be('type')
  .nest('scheme', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('auth', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeAuthPacket(out: SmartBuffer, v: AuthPacket): void {
  out.writeInt32BE(v.type);
  rt.writeUstring(out, v.scheme);
  rt.writeBuffer(out, v.auth);
}

export const AuthPacket: rt.JuteCodec<AuthPacket> = rt.makeCodec<AuthPacket>('AuthPacket', AuthPacket$parser, writeAuthPacket);

/** Precedes every reply body. The body is present only when err is 0. */
export interface ReplyHeader {
  xid: number;
  zxid: bigint;
  err: number;
}

export const ReplyHeader$parser: Parser = new Parser()
  .int32be('xid')
  .int64be('zxid')
  .int32be('err');

export function writeReplyHeader(out: SmartBuffer, v: ReplyHeader): void {
  out.writeInt32BE(v.xid);
  out.writeBigInt64BE(v.zxid);
  out.writeInt32BE(v.err);
}

export const ReplyHeader: rt.JuteCodec<ReplyHeader> = rt.makeCodec<ReplyHeader>('ReplyHeader', ReplyHeader$parser, writeReplyHeader);

export interface GetDataRequest {
  path: string | null;
  watch: boolean;
}

export const GetDataRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .uint8('watch', { formatter: rt.toBoolean });

export function writeGetDataRequest(out: SmartBuffer, v: GetDataRequest): void {
  rt.writeUstring(out, v.path);
  out.writeUInt8(v.watch ? 1 : 0);
}

export const GetDataRequest: rt.JuteCodec<GetDataRequest> = rt.makeCodec<GetDataRequest>('GetDataRequest', GetDataRequest$parser, writeGetDataRequest);

export interface SetDataRequest {
  path: string | null;
  data: Buffer | null;
  version: number;
}

export const SetDataRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .int32be('version');

export function writeSetDataRequest(out: SmartBuffer, v: SetDataRequest): void {
  rt.writeUstring(out, v.path);
  rt.writeBuffer(out, v.data);
  out.writeInt32BE(v.version);
}

export const SetDataRequest: rt.JuteCodec<SetDataRequest> = rt.makeCodec<SetDataRequest>('SetDataRequest', SetDataRequest$parser, writeSetDataRequest);

export interface ReconfigRequest {
  joiningServers: string | null;
  leavingServers: string | null;
  newMembers: string | null;
  curConfigId: bigint;
}

export const ReconfigRequest$parser: Parser = new Parser()
  .nest('joiningServers', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('leavingServers', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('newMembers', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int64be('curConfigId');

export function writeReconfigRequest(out: SmartBuffer, v: ReconfigRequest): void {
  rt.writeUstring(out, v.joiningServers);
  rt.writeUstring(out, v.leavingServers);
  rt.writeUstring(out, v.newMembers);
  out.writeBigInt64BE(v.curConfigId);
}

export const ReconfigRequest: rt.JuteCodec<ReconfigRequest> = rt.makeCodec<ReconfigRequest>('ReconfigRequest', ReconfigRequest$parser, writeReconfigRequest);

export interface SetDataResponse {
  stat: Stat;
}

export const SetDataResponse$parser: Parser = new Parser()
  .nest('stat', { type: Stat$parser });

export function writeSetDataResponse(out: SmartBuffer, v: SetDataResponse): void {
  writeStat(out, v.stat);
}

export const SetDataResponse: rt.JuteCodec<SetDataResponse> = rt.makeCodec<SetDataResponse>('SetDataResponse', SetDataResponse$parser, writeSetDataResponse);

export interface GetSASLRequest {
  token: Buffer | null;
}

export const GetSASLRequest$parser: Parser = new Parser()
  .nest('token', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeGetSASLRequest(out: SmartBuffer, v: GetSASLRequest): void {
  rt.writeBuffer(out, v.token);
}

export const GetSASLRequest: rt.JuteCodec<GetSASLRequest> = rt.makeCodec<GetSASLRequest>('GetSASLRequest', GetSASLRequest$parser, writeGetSASLRequest);

export interface SetSASLRequest {
  token: Buffer | null;
}

export const SetSASLRequest$parser: Parser = new Parser()
  .nest('token', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeSetSASLRequest(out: SmartBuffer, v: SetSASLRequest): void {
  rt.writeBuffer(out, v.token);
}

export const SetSASLRequest: rt.JuteCodec<SetSASLRequest> = rt.makeCodec<SetSASLRequest>('SetSASLRequest', SetSASLRequest$parser, writeSetSASLRequest);

export interface SetSASLResponse {
  token: Buffer | null;
}

export const SetSASLResponse$parser: Parser = new Parser()
  .nest('token', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer });

export function writeSetSASLResponse(out: SmartBuffer, v: SetSASLResponse): void {
  rt.writeBuffer(out, v.token);
}

export const SetSASLResponse: rt.JuteCodec<SetSASLResponse> = rt.makeCodec<SetSASLResponse>('SetSASLResponse', SetSASLResponse$parser, writeSetSASLResponse);

/** create (1), create2 (15) and createContainer (19). */
export interface CreateRequest {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  flags: number;
}

export const CreateRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('flags');

export function writeCreateRequest(out: SmartBuffer, v: CreateRequest): void {
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
  out.writeInt32BE(v.flags);
}

export const CreateRequest: rt.JuteCodec<CreateRequest> = rt.makeCodec<CreateRequest>('CreateRequest', CreateRequest$parser, writeCreateRequest);

/** createTTL (21). */
export interface CreateTTLRequest {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  flags: number;
  ttl: bigint;
}

export const CreateTTLRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('flags')
  .int64be('ttl');

export function writeCreateTTLRequest(out: SmartBuffer, v: CreateTTLRequest): void {
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
  out.writeInt32BE(v.flags);
  out.writeBigInt64BE(v.ttl);
}

export const CreateTTLRequest: rt.JuteCodec<CreateTTLRequest> = rt.makeCodec<CreateTTLRequest>('CreateTTLRequest', CreateTTLRequest$parser, writeCreateTTLRequest);

export interface DeleteRequest {
  path: string | null;
  version: number;
}

export const DeleteRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('version');

export function writeDeleteRequest(out: SmartBuffer, v: DeleteRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.version);
}

export const DeleteRequest: rt.JuteCodec<DeleteRequest> = rt.makeCodec<DeleteRequest>('DeleteRequest', DeleteRequest$parser, writeDeleteRequest);

export interface GetChildrenRequest {
  path: string | null;
  watch: boolean;
}

export const GetChildrenRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .uint8('watch', { formatter: rt.toBoolean });

export function writeGetChildrenRequest(out: SmartBuffer, v: GetChildrenRequest): void {
  rt.writeUstring(out, v.path);
  out.writeUInt8(v.watch ? 1 : 0);
}

export const GetChildrenRequest: rt.JuteCodec<GetChildrenRequest> = rt.makeCodec<GetChildrenRequest>('GetChildrenRequest', GetChildrenRequest$parser, writeGetChildrenRequest);

export interface GetAllChildrenNumberRequest {
  path: string | null;
}

export const GetAllChildrenNumberRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeGetAllChildrenNumberRequest(out: SmartBuffer, v: GetAllChildrenNumberRequest): void {
  rt.writeUstring(out, v.path);
}

export const GetAllChildrenNumberRequest: rt.JuteCodec<GetAllChildrenNumberRequest> = rt.makeCodec<GetAllChildrenNumberRequest>('GetAllChildrenNumberRequest', GetAllChildrenNumberRequest$parser, writeGetAllChildrenNumberRequest);

export interface GetChildren2Request {
  path: string | null;
  watch: boolean;
}

export const GetChildren2Request$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .uint8('watch', { formatter: rt.toBoolean });

export function writeGetChildren2Request(out: SmartBuffer, v: GetChildren2Request): void {
  rt.writeUstring(out, v.path);
  out.writeUInt8(v.watch ? 1 : 0);
}

export const GetChildren2Request: rt.JuteCodec<GetChildren2Request> = rt.makeCodec<GetChildren2Request>('GetChildren2Request', GetChildren2Request$parser, writeGetChildren2Request);

export interface CheckVersionRequest {
  path: string | null;
  version: number;
}

export const CheckVersionRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('version');

export function writeCheckVersionRequest(out: SmartBuffer, v: CheckVersionRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.version);
}

export const CheckVersionRequest: rt.JuteCodec<CheckVersionRequest> = rt.makeCodec<CheckVersionRequest>('CheckVersionRequest', CheckVersionRequest$parser, writeCheckVersionRequest);

/** The max-children records exist in the protocol but no server operation uses them. */
export interface GetMaxChildrenRequest {
  path: string | null;
}

export const GetMaxChildrenRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeGetMaxChildrenRequest(out: SmartBuffer, v: GetMaxChildrenRequest): void {
  rt.writeUstring(out, v.path);
}

export const GetMaxChildrenRequest: rt.JuteCodec<GetMaxChildrenRequest> = rt.makeCodec<GetMaxChildrenRequest>('GetMaxChildrenRequest', GetMaxChildrenRequest$parser, writeGetMaxChildrenRequest);

export interface GetMaxChildrenResponse {
  max: number;
}

export const GetMaxChildrenResponse$parser: Parser = new Parser()
  .int32be('max');

export function writeGetMaxChildrenResponse(out: SmartBuffer, v: GetMaxChildrenResponse): void {
  out.writeInt32BE(v.max);
}

export const GetMaxChildrenResponse: rt.JuteCodec<GetMaxChildrenResponse> = rt.makeCodec<GetMaxChildrenResponse>('GetMaxChildrenResponse', GetMaxChildrenResponse$parser, writeGetMaxChildrenResponse);

export interface SetMaxChildrenRequest {
  path: string | null;
  max: number;
}

export const SetMaxChildrenRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('max');

export function writeSetMaxChildrenRequest(out: SmartBuffer, v: SetMaxChildrenRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.max);
}

export const SetMaxChildrenRequest: rt.JuteCodec<SetMaxChildrenRequest> = rt.makeCodec<SetMaxChildrenRequest>('SetMaxChildrenRequest', SetMaxChildrenRequest$parser, writeSetMaxChildrenRequest);

export interface SyncRequest {
  path: string | null;
}

export const SyncRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeSyncRequest(out: SmartBuffer, v: SyncRequest): void {
  rt.writeUstring(out, v.path);
}

export const SyncRequest: rt.JuteCodec<SyncRequest> = rt.makeCodec<SyncRequest>('SyncRequest', SyncRequest$parser, writeSyncRequest);

export interface SyncResponse {
  path: string | null;
}

export const SyncResponse$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeSyncResponse(out: SmartBuffer, v: SyncResponse): void {
  rt.writeUstring(out, v.path);
}

export const SyncResponse: rt.JuteCodec<SyncResponse> = rt.makeCodec<SyncResponse>('SyncResponse', SyncResponse$parser, writeSyncResponse);

export interface GetACLRequest {
  path: string | null;
}

export const GetACLRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeGetACLRequest(out: SmartBuffer, v: GetACLRequest): void {
  rt.writeUstring(out, v.path);
}

export const GetACLRequest: rt.JuteCodec<GetACLRequest> = rt.makeCodec<GetACLRequest>('GetACLRequest', GetACLRequest$parser, writeGetACLRequest);

export interface SetACLRequest {
  path: string | null;
  acl: ACL[] | null;
  version: number;
}

export const SetACLRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .int32be('version');

export function writeSetACLRequest(out: SmartBuffer, v: SetACLRequest): void {
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

export const SetACLRequest: rt.JuteCodec<SetACLRequest> = rt.makeCodec<SetACLRequest>('SetACLRequest', SetACLRequest$parser, writeSetACLRequest);

export interface SetACLResponse {
  stat: Stat;
}

export const SetACLResponse$parser: Parser = new Parser()
  .nest('stat', { type: Stat$parser });

export function writeSetACLResponse(out: SmartBuffer, v: SetACLResponse): void {
  writeStat(out, v.stat);
}

export const SetACLResponse: rt.JuteCodec<SetACLResponse> = rt.makeCodec<SetACLResponse>('SetACLResponse', SetACLResponse$parser, writeSetACLResponse);

/** mode 0 = persistent, 1 = persistent recursive. */
export interface AddWatchRequest {
  path: string | null;
  mode: number;
}

export const AddWatchRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('mode');

export function writeAddWatchRequest(out: SmartBuffer, v: AddWatchRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.mode);
}

export const AddWatchRequest: rt.JuteCodec<AddWatchRequest> = rt.makeCodec<AddWatchRequest>('AddWatchRequest', AddWatchRequest$parser, writeAddWatchRequest);

/** A notification, sent with xid -1. */
export interface WatcherEvent {
  type: number;
  state: number;
  path: string | null;
}

export const WatcherEvent$parser: Parser = new Parser()
  .int32be('type')
  .int32be('state')
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeWatcherEvent(out: SmartBuffer, v: WatcherEvent): void {
  out.writeInt32BE(v.type);
  out.writeInt32BE(v.state);
  rt.writeUstring(out, v.path);
}

export const WatcherEvent: rt.JuteCodec<WatcherEvent> = rt.makeCodec<WatcherEvent>('WatcherEvent', WatcherEvent$parser, writeWatcherEvent);

export interface ErrorResponse {
  err: number;
}

export const ErrorResponse$parser: Parser = new Parser()
  .int32be('err');

export function writeErrorResponse(out: SmartBuffer, v: ErrorResponse): void {
  out.writeInt32BE(v.err);
}

export const ErrorResponse: rt.JuteCodec<ErrorResponse> = rt.makeCodec<ErrorResponse>('ErrorResponse', ErrorResponse$parser, writeErrorResponse);

export interface CreateResponse {
  path: string | null;
}

export const CreateResponse$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeCreateResponse(out: SmartBuffer, v: CreateResponse): void {
  rt.writeUstring(out, v.path);
}

export const CreateResponse: rt.JuteCodec<CreateResponse> = rt.makeCodec<CreateResponse>('CreateResponse', CreateResponse$parser, writeCreateResponse);

export interface Create2Response {
  path: string | null;
  stat: Stat;
}

export const Create2Response$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .nest('stat', { type: Stat$parser });

export function writeCreate2Response(out: SmartBuffer, v: Create2Response): void {
  rt.writeUstring(out, v.path);
  writeStat(out, v.stat);
}

export const Create2Response: rt.JuteCodec<Create2Response> = rt.makeCodec<Create2Response>('Create2Response', Create2Response$parser, writeCreate2Response);

export interface ExistsRequest {
  path: string | null;
  watch: boolean;
}

export const ExistsRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .uint8('watch', { formatter: rt.toBoolean });

export function writeExistsRequest(out: SmartBuffer, v: ExistsRequest): void {
  rt.writeUstring(out, v.path);
  out.writeUInt8(v.watch ? 1 : 0);
}

export const ExistsRequest: rt.JuteCodec<ExistsRequest> = rt.makeCodec<ExistsRequest>('ExistsRequest', ExistsRequest$parser, writeExistsRequest);

export interface ExistsResponse {
  stat: Stat;
}

export const ExistsResponse$parser: Parser = new Parser()
  .nest('stat', { type: Stat$parser });

export function writeExistsResponse(out: SmartBuffer, v: ExistsResponse): void {
  writeStat(out, v.stat);
}

export const ExistsResponse: rt.JuteCodec<ExistsResponse> = rt.makeCodec<ExistsResponse>('ExistsResponse', ExistsResponse$parser, writeExistsResponse);

export interface GetDataResponse {
  data: Buffer | null;
  stat: Stat;
}

export const GetDataResponse$parser: Parser = new Parser()
  .nest('data', { type: rt.lengthPrefixedParser, formatter: rt.toBuffer })
  .nest('stat', { type: Stat$parser });

export function writeGetDataResponse(out: SmartBuffer, v: GetDataResponse): void {
  rt.writeBuffer(out, v.data);
  writeStat(out, v.stat);
}

export const GetDataResponse: rt.JuteCodec<GetDataResponse> = rt.makeCodec<GetDataResponse>('GetDataResponse', GetDataResponse$parser, writeGetDataResponse);

export interface GetChildrenResponse {
  children: Array<string | null> | null;
}

export const GetChildrenResponse$parser: Parser = new Parser()
  .nest('children', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector });

export function writeGetChildrenResponse(out: SmartBuffer, v: GetChildrenResponse): void {
  {
    const v0 = v.children;
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

export const GetChildrenResponse: rt.JuteCodec<GetChildrenResponse> = rt.makeCodec<GetChildrenResponse>('GetChildrenResponse', GetChildrenResponse$parser, writeGetChildrenResponse);

export interface GetAllChildrenNumberResponse {
  totalNumber: number;
}

export const GetAllChildrenNumberResponse$parser: Parser = new Parser()
  .int32be('totalNumber');

export function writeGetAllChildrenNumberResponse(out: SmartBuffer, v: GetAllChildrenNumberResponse): void {
  out.writeInt32BE(v.totalNumber);
}

export const GetAllChildrenNumberResponse: rt.JuteCodec<GetAllChildrenNumberResponse> = rt.makeCodec<GetAllChildrenNumberResponse>('GetAllChildrenNumberResponse', GetAllChildrenNumberResponse$parser, writeGetAllChildrenNumberResponse);

export interface GetChildren2Response {
  children: Array<string | null> | null;
  stat: Stat;
}

export const GetChildren2Response$parser: Parser = new Parser()
  .nest('children', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector })
  .nest('stat', { type: Stat$parser });

export function writeGetChildren2Response(out: SmartBuffer, v: GetChildren2Response): void {
  {
    const v0 = v.children;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        rt.writeUstring(out, e0);
      }
    }
  }
  writeStat(out, v.stat);
}

export const GetChildren2Response: rt.JuteCodec<GetChildren2Response> = rt.makeCodec<GetChildren2Response>('GetChildren2Response', GetChildren2Response$parser, writeGetChildren2Response);

export interface GetACLResponse {
  acl: ACL[] | null;
  stat: Stat;
}

export const GetACLResponse$parser: Parser = new Parser()
  .nest('acl', { type: rt.vectorParser(ACL$parser, 12), formatter: rt.toVector })
  .nest('stat', { type: Stat$parser });

export function writeGetACLResponse(out: SmartBuffer, v: GetACLResponse): void {
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
  writeStat(out, v.stat);
}

export const GetACLResponse: rt.JuteCodec<GetACLResponse> = rt.makeCodec<GetACLResponse>('GetACLResponse', GetACLResponse$parser, writeGetACLResponse);

/** type: 1 children, 2 data, 3 any. */
export interface CheckWatchesRequest {
  path: string | null;
  type: number;
}

export const CheckWatchesRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('type');

export function writeCheckWatchesRequest(out: SmartBuffer, v: CheckWatchesRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.type);
}

export const CheckWatchesRequest: rt.JuteCodec<CheckWatchesRequest> = rt.makeCodec<CheckWatchesRequest>('CheckWatchesRequest', CheckWatchesRequest$parser, writeCheckWatchesRequest);

export interface RemoveWatchesRequest {
  path: string | null;
  type: number;
}

export const RemoveWatchesRequest$parser: Parser = new Parser()
  .nest('path', { type: rt.lengthPrefixedParser, formatter: rt.toUstring })
  .int32be('type');

export function writeRemoveWatchesRequest(out: SmartBuffer, v: RemoveWatchesRequest): void {
  rt.writeUstring(out, v.path);
  out.writeInt32BE(v.type);
}

export const RemoveWatchesRequest: rt.JuteCodec<RemoveWatchesRequest> = rt.makeCodec<RemoveWatchesRequest>('RemoveWatchesRequest', RemoveWatchesRequest$parser, writeRemoveWatchesRequest);

export interface GetEphemeralsRequest {
  prefixPath: string | null;
}

export const GetEphemeralsRequest$parser: Parser = new Parser()
  .nest('prefixPath', { type: rt.lengthPrefixedParser, formatter: rt.toUstring });

export function writeGetEphemeralsRequest(out: SmartBuffer, v: GetEphemeralsRequest): void {
  rt.writeUstring(out, v.prefixPath);
}

export const GetEphemeralsRequest: rt.JuteCodec<GetEphemeralsRequest> = rt.makeCodec<GetEphemeralsRequest>('GetEphemeralsRequest', GetEphemeralsRequest$parser, writeGetEphemeralsRequest);

export interface GetEphemeralsResponse {
  ephemerals: Array<string | null> | null;
}

export const GetEphemeralsResponse$parser: Parser = new Parser()
  .nest('ephemerals', { type: rt.vectorParser(rt.lengthPrefixedParser, 4), formatter: rt.toUstringVector });

export function writeGetEphemeralsResponse(out: SmartBuffer, v: GetEphemeralsResponse): void {
  {
    const v0 = v.ephemerals;
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

export const GetEphemeralsResponse: rt.JuteCodec<GetEphemeralsResponse> = rt.makeCodec<GetEphemeralsResponse>('GetEphemeralsResponse', GetEphemeralsResponse$parser, writeGetEphemeralsResponse);

export interface WhoAmIResponse {
  clientInfo: ClientInfo[] | null;
}

export const WhoAmIResponse$parser: Parser = new Parser()
  .nest('clientInfo', { type: rt.vectorParser(ClientInfo$parser, 8), formatter: rt.toVector });

export function writeWhoAmIResponse(out: SmartBuffer, v: WhoAmIResponse): void {
  {
    const v0 = v.clientInfo;
    if (v0 === null) {
      out.writeInt32BE(-1);
    } else {
      out.writeInt32BE(v0.length);
      for (const e0 of v0) {
        writeClientInfo(out, e0);
      }
    }
  }
}

export const WhoAmIResponse: rt.JuteCodec<WhoAmIResponse> = rt.makeCodec<WhoAmIResponse>('WhoAmIResponse', WhoAmIResponse$parser, writeWhoAmIResponse);

/**
 * multi (14) and multiRead (22) request body: a header before each op, then a terminator header
 * {type -1, done true, err -1}. The header type selects the body.
 */
export type MultiOperationRecordBody = CreateRequest | CreateTTLRequest | DeleteRequest | SetDataRequest | CheckVersionRequest | GetChildrenRequest | GetDataRequest;

export interface MultiOperationRecordItem {
  header: MultiHeader;
  /** null for the tags that carry no body. */
  body: MultiOperationRecordBody | null;
}

export interface MultiOperationRecord {
  items: MultiOperationRecordItem[];
  /** The terminating header (done = true). */
  end: MultiHeader;
}

const MultiOperationRecord$none = 1000000;
// Header type -> choice key: the first tag of its case, or the no-body key.
const MultiOperationRecord$choice: ReadonlyMap<number, number> = new Map([
  [1, 1],
  [15, 1],
  [19, 1],
  [21, 21],
  [2, 2],
  [5, 5],
  [13, 13],
  [8, 8],
  [4, 4],
]);

const MultiOperationRecord$item: Parser = new Parser()
  .nest('header', { type: MultiHeader$parser })
  .choice('body', {
    tag: function (this: { header: MultiHeader }): number {
      const h = this.header;
      if (h.done) return MultiOperationRecord$none;
      return MultiOperationRecord$choice.get(h.type) ?? rt.unknownTag(h.type, -1);
    },
    choices: {
      [MultiOperationRecord$none]: new Parser(),
      [1]: CreateRequest$parser,
      [21]: CreateTTLRequest$parser,
      [2]: DeleteRequest$parser,
      [5]: SetDataRequest$parser,
      [13]: CheckVersionRequest$parser,
      [8]: GetChildrenRequest$parser,
      [4]: GetDataRequest$parser,
    },
    formatter: function (this: { header: MultiHeader }, body: MultiOperationRecordBody): MultiOperationRecordBody | null {
      return MultiOperationRecord$choice.get(this.header.type) === MultiOperationRecord$none || this.header.done ? null : body;
    },
  });

export const MultiOperationRecord$parser: Parser = new Parser().array('items', {
  type: MultiOperationRecord$item,
  readUntil: (item: MultiOperationRecordItem) => item.header.done,
});

export function MultiOperationRecord$finish(raw: { items: MultiOperationRecordItem[] }): MultiOperationRecord {
  const items = raw.items;
  const end = items.pop()!.header;
  return { items, end };
}

export function writeMultiOperationRecord(out: SmartBuffer, v: MultiOperationRecord): void {
  for (const item of v.items) {
    writeMultiHeader(out, item.header);
    const body = item.body;
    switch (item.header.type) {
      case 1: case 15: case 19:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeCreateRequest(out, body as CreateRequest);
        break;
      case 21:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeCreateTTLRequest(out, body as CreateTTLRequest);
        break;
      case 2:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeDeleteRequest(out, body as DeleteRequest);
        break;
      case 5:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeSetDataRequest(out, body as SetDataRequest);
        break;
      case 13:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeCheckVersionRequest(out, body as CheckVersionRequest);
        break;
      case 8:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeGetChildrenRequest(out, body as GetChildrenRequest);
        break;
      case 4:
        if (body === null) throw new RangeError('MultiOperationRecord: header type ' + item.header.type + ' needs a body');
        writeGetDataRequest(out, body as GetDataRequest);
        break;
      default:
        throw new RangeError('MultiOperationRecord: no body is defined for header type ' + item.header.type);
    }
  }
  writeMultiHeader(out, v.end);
}

export const MultiOperationRecord: rt.JuteCodec<MultiOperationRecord> = rt.makeCodec<MultiOperationRecord>('MultiOperationRecord', MultiOperationRecord$parser, writeMultiOperationRecord, MultiOperationRecord$finish);

/**
 * multi / multiRead response body: one header per result (err carries an error result's code),
 * then the same terminator.
 */
export type MultiResponseBody = CreateResponse | Create2Response | SetDataResponse | GetChildrenResponse | GetDataResponse | ErrorResponse;

export interface MultiResponseItem {
  header: MultiHeader;
  /** null for the tags that carry no body. */
  body: MultiResponseBody | null;
}

export interface MultiResponse {
  items: MultiResponseItem[];
  /** The terminating header (done = true). */
  end: MultiHeader;
}

const MultiResponse$none = 1000000;
// Header type -> choice key: the first tag of its case, or the no-body key.
const MultiResponse$choice: ReadonlyMap<number, number> = new Map([
  [1, 1],
  [15, 15],
  [2, MultiResponse$none],
  [13, MultiResponse$none],
  [5, 5],
  [8, 8],
  [4, 4],
  [-1, -1],
]);

const MultiResponse$item: Parser = new Parser()
  .nest('header', { type: MultiHeader$parser })
  .choice('body', {
    tag: function (this: { header: MultiHeader }): number {
      const h = this.header;
      if (h.done) return MultiResponse$none;
      return MultiResponse$choice.get(h.type) ?? rt.unknownTag(h.type, -1);
    },
    choices: {
      [MultiResponse$none]: new Parser(),
      [1]: CreateResponse$parser,
      [15]: Create2Response$parser,
      [5]: SetDataResponse$parser,
      [8]: GetChildrenResponse$parser,
      [4]: GetDataResponse$parser,
      [-1]: ErrorResponse$parser,
    },
    formatter: function (this: { header: MultiHeader }, body: MultiResponseBody): MultiResponseBody | null {
      return MultiResponse$choice.get(this.header.type) === MultiResponse$none || this.header.done ? null : body;
    },
  });

export const MultiResponse$parser: Parser = new Parser().array('items', {
  type: MultiResponse$item,
  readUntil: (item: MultiResponseItem) => item.header.done,
});

export function MultiResponse$finish(raw: { items: MultiResponseItem[] }): MultiResponse {
  const items = raw.items;
  const end = items.pop()!.header;
  return { items, end };
}

export function writeMultiResponse(out: SmartBuffer, v: MultiResponse): void {
  for (const item of v.items) {
    writeMultiHeader(out, item.header);
    const body = item.body;
    switch (item.header.type) {
      case 1:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeCreateResponse(out, body as CreateResponse);
        break;
      case 15:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeCreate2Response(out, body as Create2Response);
        break;
      case 2: case 13:
        break;
      case 5:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeSetDataResponse(out, body as SetDataResponse);
        break;
      case 8:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeGetChildrenResponse(out, body as GetChildrenResponse);
        break;
      case 4:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeGetDataResponse(out, body as GetDataResponse);
        break;
      case -1:
        if (body === null) throw new RangeError('MultiResponse: header type ' + item.header.type + ' needs a body');
        writeErrorResponse(out, body as ErrorResponse);
        break;
      default:
        throw new RangeError('MultiResponse: no body is defined for header type ' + item.header.type);
    }
  }
  writeMultiHeader(out, v.end);
}

export const MultiResponse: rt.JuteCodec<MultiResponse> = rt.makeCodec<MultiResponse>('MultiResponse', MultiResponse$parser, writeMultiResponse, MultiResponse$finish);
