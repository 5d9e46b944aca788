// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/*.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

import type { JuteCodec } from '../jute/runtime';
import { Id, ACL, Stat, StatPersisted, ClientInfo } from './data';
import { FileHeader, DataNode, AclCacheEntry, AclCache, ZxidDigest } from './persistence';
import { ConnectRequest, ConnectResponse, SetWatches, SetWatches2, RequestHeader, MultiHeader, AuthPacket, ReplyHeader, GetDataRequest, SetDataRequest, ReconfigRequest, SetDataResponse, GetSASLRequest, SetSASLRequest, SetSASLResponse, CreateRequest, CreateTTLRequest, DeleteRequest, GetChildrenRequest, GetAllChildrenNumberRequest, GetChildren2Request, CheckVersionRequest, GetMaxChildrenRequest, GetMaxChildrenResponse, SetMaxChildrenRequest, SyncRequest, SyncResponse, GetACLRequest, SetACLRequest, SetACLResponse, AddWatchRequest, WatcherEvent, ErrorResponse, CreateResponse, Create2Response, ExistsRequest, ExistsResponse, GetDataResponse, GetChildrenResponse, GetAllChildrenNumberResponse, GetChildren2Response, GetACLResponse, CheckWatchesRequest, RemoveWatchesRequest, GetEphemeralsRequest, GetEphemeralsResponse, WhoAmIResponse, MultiOperationRecord, MultiResponse } from './proto';
import { LearnerInfo, QuorumPacket, QuorumAuthPacket } from './quorum';
import { TxnDigest, TxnHeader, CreateTxnV0, CreateTxn, CreateTTLTxn, CreateContainerTxn, DeleteTxn, SetDataTxn, CheckVersionTxn, SetACLTxn, SetMaxChildrenTxn, CreateSessionTxn, CloseSessionTxn, ErrorTxn, Txn, MultiTxn } from './txn';

export * from './data';
export * from './persistence';
export * from './proto';
export * from './quorum';
export * from './txn';

/** Every codec by record name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const codecs: Readonly<Record<string, JuteCodec<any>>> = {
  Id,
  ACL,
  Stat,
  StatPersisted,
  ClientInfo,
  FileHeader,
  DataNode,
  AclCacheEntry,
  AclCache,
  ZxidDigest,
  ConnectRequest,
  ConnectResponse,
  SetWatches,
  SetWatches2,
  RequestHeader,
  MultiHeader,
  AuthPacket,
  ReplyHeader,
  GetDataRequest,
  SetDataRequest,
  ReconfigRequest,
  SetDataResponse,
  GetSASLRequest,
  SetSASLRequest,
  SetSASLResponse,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  GetChildrenRequest,
  GetAllChildrenNumberRequest,
  GetChildren2Request,
  CheckVersionRequest,
  GetMaxChildrenRequest,
  GetMaxChildrenResponse,
  SetMaxChildrenRequest,
  SyncRequest,
  SyncResponse,
  GetACLRequest,
  SetACLRequest,
  SetACLResponse,
  AddWatchRequest,
  WatcherEvent,
  ErrorResponse,
  CreateResponse,
  Create2Response,
  ExistsRequest,
  ExistsResponse,
  GetDataResponse,
  GetChildrenResponse,
  GetAllChildrenNumberResponse,
  GetChildren2Response,
  GetACLResponse,
  CheckWatchesRequest,
  RemoveWatchesRequest,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  WhoAmIResponse,
  MultiOperationRecord,
  MultiResponse,
  LearnerInfo,
  QuorumPacket,
  QuorumAuthPacket,
  TxnDigest,
  TxnHeader,
  CreateTxnV0,
  CreateTxn,
  CreateTTLTxn,
  CreateContainerTxn,
  DeleteTxn,
  SetDataTxn,
  CheckVersionTxn,
  SetACLTxn,
  SetMaxChildrenTxn,
  CreateSessionTxn,
  CloseSessionTxn,
  ErrorTxn,
  Txn,
  MultiTxn,
};
