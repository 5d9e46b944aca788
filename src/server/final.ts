// The final step of the pipeline (the reference's FinalRequestProcessor): after a txn is applied,
// or when a read's turn comes, build the reply body for the request's opcode. Reads are evaluated
// here against the tree, registering watches. Client-visible failures are error codes.

import {
  AddWatchRequest,
  CheckWatchesRequest,
  ErrorResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  MultiOperationRecord,
  MultiResponse,
  RemoveWatchesRequest,
  SyncRequest,
  SyncResponse,
  WhoAmIResponse,
  type Id,
  type MultiResponseItem,
} from '../protocol/generated';
import { type MultiReplyItem, decodePathWatch, encodeMultiResponse, encodePathReply } from '../protocol/fast-codec';
import type { JuteCodec } from '../protocol/jute/runtime';
import { ErrCode, OpCode } from '../protocol/opcodes';
import type { ApplyResult, DataTree, TxnOutcome } from '../tree';
import { checkACL, maskAclForReader } from './acl';
import { userName } from './auth';
import type { Request } from './request';
import { Perms } from '../tree';
import type { ZNode } from '../tree/znode';
import { getChildren2Body, getChildrenBody, getDataBody, statBody } from './read-replies';

/** What the final step needs from the connection that sent the request. */
export interface FinalConnection<W> {
  /** The watcher object registered for this connection. */
  readonly watcher: W;
}

/** The watch registrations reads make (implemented by the watch manager). */
export interface WatchRegistry<W> {
  addDataWatch(path: string, watcher: W): void;
  addChildWatch(path: string, watcher: W): void;
  addWatch(path: string, watcher: W, mode: number): void;
  checkWatches(path: string, type: number, watcher: W): boolean;
  removeWatches(path: string, type: number, watcher: W): boolean;
}

export interface FinalEnv<W> {
  tree: DataTree;
  watches: WatchRegistry<W>;
  skipACL: boolean;
}

export interface Reply {
  err: number;
  /** The encoded body, present only on success (clients decode a body only when err is 0). */
  body: Buffer | null;
}

const ok = <T>(codec: JuteCodec<T>, value: T): Reply => ({ err: 0, body: codec.encode(value) });
const fail = (err: number): Reply => ({ err, body: null });

/**
 * Reply to a write once its txn is applied (error txns carry their code). The bodies are written
 * from the stat bytes the tree took at apply time (fast-codec.ts): the bytes CreateResponse,
 * Create2Response, SetDataResponse, SetACLResponse and MultiResponse encode to.
 */
export function replyForTxn(req: Request, r: ApplyResult, reconfigData?: Buffer | null): Reply {
  if (r.type === OpCode.error) return fail(r.err);
  if (r.err !== 0 && req.type !== OpCode.multi) return fail(r.err);
  switch (req.type) {
    case OpCode.create:
      return { err: 0, body: encodePathReply(r.path ?? null, null) };
    case OpCode.create2:
    case OpCode.createTTL:
    case OpCode.createContainer:
      return { err: 0, body: encodePathReply(r.path ?? null, r.statBytes!) };
    case OpCode.setData:
    case OpCode.setACL:
      // The body is the stat alone: the tree's bytes, as they are.
      return { err: 0, body: r.statBytes! };
    case OpCode.multi:
      return { err: 0, body: encodeMultiResponse((r.multi ?? []).map(multiItem)) };
    case OpCode.reconfig: {
      // GetDataResponse{the new config text, the config node's stat}: a length-prefixed buffer, then the stat bytes.
      const data = reconfigData ?? Buffer.alloc(0);
      const len = Buffer.alloc(4);
      len.writeInt32BE(data.length);
      return { err: 0, body: Buffer.concat([len, data, r.statBytes!]) };
    }
    default:
      // delete, deleteContainer, closeSession, createSession: no body.
      return { err: 0, body: null };
  }
}

/** A sub-txn outcome as its MultiResponse item (the reference's FinalRequestProcessor mapping). */
function multiItem(o: TxnOutcome): MultiReplyItem {
  switch (o.type) {
    case OpCode.check:
      return { type: OpCode.check, err: 0 };
    case OpCode.create:
      return { type: OpCode.create, err: 0, path: o.path ?? null };
    case OpCode.create2:
    case OpCode.createTTL:
    case OpCode.createContainer:
      return { type: OpCode.create2, err: 0, path: o.path ?? null, stat: o.statBytes! };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type: OpCode.delete, err: 0 };
    case OpCode.setData:
      return { type: OpCode.setData, err: 0, stat: o.statBytes! };
    default:
      return { type: OpCode.error, err: o.err };
  }
}

/** Evaluates a read (or a watch operation) in its turn. Decoding failures are MARSHALLINGERROR. */
export function replyForRead<W>(env: FinalEnv<W>, req: Request, conn: FinalConnection<W>): Reply {
  try {
    return evaluateRead(env, req, conn);
  } catch {
    return fail(ErrCode.MARSHALLINGERROR);
  }
}

function canRead(env: FinalEnv<unknown>, path: string, perm: number, ids: readonly Id[]): number {
  const acl = env.tree.aclForPath(path);
  if (acl === null) return ErrCode.NONODE;
  return checkACL(acl, perm, ids, { skipACL: env.skipACL }) ? 0 : ErrCode.NOAUTH;
}

/** The node at `path` if it exists and `ids` may read it, else NONODE / NOAUTH. */
function readableNode(env: FinalEnv<unknown>, path: string, ids: readonly Id[]): ZNode | number {
  const node = env.tree.rawNode(path);
  if (node === undefined) return ErrCode.NONODE;
  return checkACL(env.tree.aclOf(node), Perms.READ, ids, { skipACL: env.skipACL }) ? node : ErrCode.NOAUTH;
}

function evaluateRead<W>(env: FinalEnv<W>, req: Request, conn: FinalConnection<W>): Reply {
  const { tree, watches } = env;
  switch (req.type) {
    // The four hot reads decode in place and encode straight from the tree (read-replies.ts):
    // same bytes as ExistsRequest.decode ... GetChildren2Response.encode, without the detours.
    case OpCode.exists: {
      const r = decodePathWatch(req.body, 'ExistsRequest');
      const path = r.path ?? '';
      if (path.includes('\0')) return fail(ErrCode.BADARGUMENTS);
      // The watch is set even when the node is missing: that is how NodeCreated is delivered.
      if (r.watch) watches.addDataWatch(path, conn.watcher);
      const node = tree.rawNode(path);
      return node === undefined ? fail(ErrCode.NONODE) : { err: 0, body: statBody(tree, node) };
    }
    case OpCode.getData: {
      const r = decodePathWatch(req.body, 'GetDataRequest');
      const path = r.path ?? '';
      const node = readableNode(env, path, req.authInfo);
      if (typeof node === 'number') return fail(node);
      if (r.watch) watches.addDataWatch(path, conn.watcher);
      return { err: 0, body: getDataBody(tree, node) };
    }
    case OpCode.getChildren:
    case OpCode.getChildren2: {
      const r = decodePathWatch(req.body, req.type === OpCode.getChildren ? 'GetChildrenRequest' : 'GetChildren2Request');
      const path = r.path ?? '';
      const node = readableNode(env, path, req.authInfo);
      if (typeof node === 'number') return fail(node);
      if (r.watch) watches.addChildWatch(path, conn.watcher);
      return { err: 0, body: req.type === OpCode.getChildren ? getChildrenBody(node) : getChildren2Body(tree, node) };
    }
    case OpCode.getACL: {
      const path = GetACLRequest.decode(req.body).path ?? '';
      const err = canRead(env, path, Perms.READ | Perms.ADMIN, req.authInfo);
      if (err !== 0) return fail(err);
      const got = tree.getACL(path)!;
      const admin = checkACL(tree.getNode(path)!.acl, Perms.ADMIN, req.authInfo, { skipACL: env.skipACL });
      return ok(GetACLResponse, { acl: maskAclForReader(got.acl, admin), stat: got.stat });
    }
    case OpCode.getAllChildrenNumber: {
      const path = GetAllChildrenNumberRequest.decode(req.body).path ?? '';
      const err = canRead(env, path, Perms.READ, req.authInfo);
      if (err !== 0) return fail(err);
      return ok(GetAllChildrenNumberResponse, { totalNumber: tree.getAllChildrenNumber(path) });
    }
    case OpCode.sync:
      return ok(SyncResponse, { path: SyncRequest.decode(req.body).path });
    case OpCode.multiRead:
      return multiRead(env, req, conn);
    case OpCode.addWatch: {
      const r = AddWatchRequest.decode(req.body);
      watches.addWatch(r.path ?? '', conn.watcher, r.mode);
      return ok(ErrorResponse, { err: 0 });
    }
    case OpCode.checkWatches: {
      const r = CheckWatchesRequest.decode(req.body);
      return watches.checkWatches(r.path ?? '', r.type, conn.watcher) ? { err: 0, body: null } : fail(ErrCode.NOWATCHER);
    }
    case OpCode.removeWatches: {
      const r = RemoveWatchesRequest.decode(req.body);
      return watches.removeWatches(r.path ?? '', r.type, conn.watcher) ? { err: 0, body: null } : fail(ErrCode.NOWATCHER);
    }
    case OpCode.whoAmI:
      return ok(WhoAmIResponse, { clientInfo: req.authInfo.map((id) => ({ authScheme: id.scheme, user: userName(id) })) });
    case OpCode.getEphemerals: {
      const prefix = GetEphemeralsRequest.decode(req.body).prefixPath;
      const all = tree.getEphemerals(req.sessionId);
      const p = prefix?.trim() ?? '';
      const ephemerals = p === '' || p === '/' ? all : all.filter((x) => x.startsWith(prefix!));
      return ok(GetEphemeralsResponse, { ephemerals });
    }
    default:
      return fail(ErrCode.UNIMPLEMENTED);
  }
}

function getChildren<W>(
  env: FinalEnv<W>,
  path: string,
  watch: boolean,
  ids: readonly Id[],
  conn: FinalConnection<W>,
): number | { children: string[]; stat: import('../protocol/generated').Stat } {
  const err = canRead(env, path, Perms.READ, ids);
  if (err !== 0) return err;
  if (watch) env.watches.addChildWatch(path, conn.watcher);
  return env.tree.getChildren(path)!;
}

function multiRead<W>(env: FinalEnv<W>, req: Request, conn: FinalConnection<W>): Reply {
  const ops = MultiOperationRecord.decode(req.body);
  const items: MultiResponseItem[] = [];
  for (const op of ops.items) {
    const body = op.body as { path: string | null; watch: boolean };
    const path = body.path ?? '';
    if (op.header.type === OpCode.getData) {
      // Sub-reads in a multiRead never set watches.
      const err = canRead(env, path, Perms.READ, req.authInfo);
      if (err !== 0) items.push({ header: { type: OpCode.error, done: false, err }, body: { err } });
      else {
        const got = env.tree.getData(path)!;
        items.push({ header: { type: OpCode.getData, done: false, err: 0 }, body: { data: got.data, stat: got.stat } });
      }
    } else if (op.header.type === OpCode.getChildren) {
      const got = getChildren(env, path, false, req.authInfo, conn);
      if (typeof got === 'number') items.push({ header: { type: OpCode.error, done: false, err: got }, body: { err: got } });
      else items.push({ header: { type: OpCode.getChildren, done: false, err: 0 }, body: { children: got.children } });
    } else {
      throw new Error('multiRead holds a write');
    }
  }
  return ok(MultiResponse, { items, end: { type: -1, done: true, err: -1 } });
}
