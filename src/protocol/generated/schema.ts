// GENERATED FILE - DO NOT EDIT.
// Produced by jute/compiler from jute/idl/*.jute; change the .jute file and run `npm run jute:gen`.
// `npm run jute:check` (run in CI) fails if this file differs from what the compiler emits.

import type { JuteSchema } from '../jute/schema';

/** Field layout of every declaration, for generic tooling (golden-vector tests, dumps). */
export const juteSchema: JuteSchema = {
  Id: {
    kind: 'record',
    module: 'data',
    fields: [
      { name: 'scheme', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'id', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  ACL: {
    kind: 'record',
    module: 'data',
    fields: [
      { name: 'perms', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'id', type: {'kind':'ref','name':'Id'}, optional: false },
    ],
  },
  Stat: {
    kind: 'record',
    module: 'data',
    fields: [
      { name: 'czxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'mzxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'ctime', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'mtime', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'cversion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'aversion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'ephemeralOwner', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'dataLength', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'numChildren', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'pzxid', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  StatPersisted: {
    kind: 'record',
    module: 'data',
    fields: [
      { name: 'czxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'mzxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'ctime', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'mtime', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'cversion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'aversion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'ephemeralOwner', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'pzxid', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  ClientInfo: {
    kind: 'record',
    module: 'data',
    fields: [
      { name: 'authScheme', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'user', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  FileHeader: {
    kind: 'record',
    module: 'persistence',
    fields: [
      { name: 'magic', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'dbid', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  DataNode: {
    kind: 'record',
    module: 'persistence',
    fields: [
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'stat', type: {'kind':'ref','name':'StatPersisted'}, optional: false },
    ],
  },
  AclCacheEntry: {
    kind: 'record',
    module: 'persistence',
    fields: [
      { name: 'index', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'acls', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
    ],
  },
  AclCache: {
    kind: 'record',
    module: 'persistence',
    fields: [
      { name: 'entries', type: {'kind':'vector','element':{'kind':'ref','name':'AclCacheEntry'}}, optional: false },
    ],
  },
  ZxidDigest: {
    kind: 'record',
    module: 'persistence',
    fields: [
      { name: 'zxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'digestVersion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'digest', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  ConnectRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'protocolVersion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'lastZxidSeen', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'timeOut', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'sessionId', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'passwd', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'readOnly', type: {'kind':'primitive','name':'boolean'}, optional: true },
    ],
  },
  ConnectResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'protocolVersion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'timeOut', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'sessionId', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'passwd', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'readOnly', type: {'kind':'primitive','name':'boolean'}, optional: true },
    ],
  },
  SetWatches: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'relativeZxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'dataWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'existWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'childWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
    ],
  },
  SetWatches2: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'relativeZxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'dataWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'existWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'childWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'persistentWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'persistentRecursiveWatches', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
    ],
  },
  RequestHeader: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'xid', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  MultiHeader: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'done', type: {'kind':'primitive','name':'boolean'}, optional: false },
      { name: 'err', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  AuthPacket: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'scheme', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'auth', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  ReplyHeader: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'xid', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'zxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'err', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  GetDataRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'watch', type: {'kind':'primitive','name':'boolean'}, optional: false },
    ],
  },
  SetDataRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  ReconfigRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'joiningServers', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'leavingServers', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'newMembers', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'curConfigId', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  SetDataResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  GetSASLRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'token', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  SetSASLRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'token', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  SetSASLResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'token', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  CreateRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'flags', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CreateTTLRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'flags', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'ttl', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  DeleteRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  GetChildrenRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'watch', type: {'kind':'primitive','name':'boolean'}, optional: false },
    ],
  },
  GetAllChildrenNumberRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  GetChildren2Request: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'watch', type: {'kind':'primitive','name':'boolean'}, optional: false },
    ],
  },
  CheckVersionRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  GetMaxChildrenRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  GetMaxChildrenResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'max', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  SetMaxChildrenRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'max', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  SyncRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  SyncResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  GetACLRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  SetACLRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  SetACLResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  AddWatchRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'mode', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  WatcherEvent: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'state', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  ErrorResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'err', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CreateResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  Create2Response: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  ExistsRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'watch', type: {'kind':'primitive','name':'boolean'}, optional: false },
    ],
  },
  ExistsResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  GetDataResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  GetChildrenResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'children', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
    ],
  },
  GetAllChildrenNumberResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'totalNumber', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  GetChildren2Response: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'children', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  GetACLResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'stat', type: {'kind':'ref','name':'Stat'}, optional: false },
    ],
  },
  CheckWatchesRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  RemoveWatchesRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  GetEphemeralsRequest: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'prefixPath', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  GetEphemeralsResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'ephemerals', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
    ],
  },
  WhoAmIResponse: {
    kind: 'record',
    module: 'proto',
    fields: [
      { name: 'clientInfo', type: {'kind':'vector','element':{'kind':'ref','name':'ClientInfo'}}, optional: false },
    ],
  },
  MultiOperationRecord: {
    kind: 'sequence',
    module: 'proto',
    header: 'MultiHeader',
    tagField: 'type',
    doneField: 'done',
    cases: [
      { tags: [1, 15, 19], body: 'CreateRequest' },
      { tags: [21], body: 'CreateTTLRequest' },
      { tags: [2], body: 'DeleteRequest' },
      { tags: [5], body: 'SetDataRequest' },
      { tags: [13], body: 'CheckVersionRequest' },
      { tags: [8], body: 'GetChildrenRequest' },
      { tags: [4], body: 'GetDataRequest' },
    ],
  },
  MultiResponse: {
    kind: 'sequence',
    module: 'proto',
    header: 'MultiHeader',
    tagField: 'type',
    doneField: 'done',
    cases: [
      { tags: [1], body: 'CreateResponse' },
      { tags: [15], body: 'Create2Response' },
      { tags: [2, 13], body: null },
      { tags: [5], body: 'SetDataResponse' },
      { tags: [8], body: 'GetChildrenResponse' },
      { tags: [4], body: 'GetDataResponse' },
      { tags: [-1], body: 'ErrorResponse' },
    ],
  },
  LearnerInfo: {
    kind: 'record',
    module: 'quorum',
    fields: [
      { name: 'serverid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'protocolVersion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'configVersion', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  QuorumPacket: {
    kind: 'record',
    module: 'quorum',
    fields: [
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'zxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'authinfo', type: {'kind':'vector','element':{'kind':'ref','name':'Id'}}, optional: false },
    ],
  },
  QuorumAuthPacket: {
    kind: 'record',
    module: 'quorum',
    fields: [
      { name: 'magic', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'status', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'token', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  TxnDigest: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'treeDigest', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  TxnHeader: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'clientId', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'cxid', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'zxid', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'time', type: {'kind':'primitive','name':'long'}, optional: false },
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CreateTxnV0: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'ephemeral', type: {'kind':'primitive','name':'boolean'}, optional: false },
    ],
  },
  CreateTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'ephemeral', type: {'kind':'primitive','name':'boolean'}, optional: false },
      { name: 'parentCVersion', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CreateTTLTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'parentCVersion', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'ttl', type: {'kind':'primitive','name':'long'}, optional: false },
    ],
  },
  CreateContainerTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'parentCVersion', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  DeleteTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
    ],
  },
  SetDataTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CheckVersionTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  SetACLTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'acl', type: {'kind':'vector','element':{'kind':'ref','name':'ACL'}}, optional: false },
      { name: 'version', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  SetMaxChildrenTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'path', type: {'kind':'primitive','name':'ustring'}, optional: false },
      { name: 'max', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CreateSessionTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'timeOut', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  CloseSessionTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'paths2Delete', type: {'kind':'vector','element':{'kind':'primitive','name':'ustring'}}, optional: false },
    ],
  },
  ErrorTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'err', type: {'kind':'primitive','name':'int'}, optional: false },
    ],
  },
  Txn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'type', type: {'kind':'primitive','name':'int'}, optional: false },
      { name: 'data', type: {'kind':'primitive','name':'buffer'}, optional: false },
    ],
  },
  MultiTxn: {
    kind: 'record',
    module: 'txn',
    fields: [
      { name: 'txns', type: {'kind':'vector','element':{'kind':'ref','name':'Txn'}}, optional: false },
    ],
  },
};
