// delete, deleteContainer, setData, setACL and check (the reference's pRequest2Txn cases), each
// with its checks in the reference's order. Records are added only once every check has passed.

import type { CheckVersionTxn, DeleteRequest, DeleteTxn, SetACLRequest, SetACLTxn, SetDataRequest, SetDataTxn, CheckVersionRequest } from '../../protocol/generated';
import { ErrCode, OpCode } from '../../protocol/opcodes';
import { EphemeralType, Perms } from '../../tree';
import { checkACL, fixupACL } from '../acl';
import { type ChangeRecord, duplicate } from './changes';
import { classify } from './create';
import { parentForDelete, validatePath } from './path-rules';
import { checkQuota } from './quota';
import { type OpContext, type OpResult, checkAndIncVersion, checkSession, fail, fatal, ok } from './types';

export type DeleteBody = { type: typeof OpCode.delete; txn: DeleteTxn };

/** session → parent path (special paths refused) → parent exists → DELETE on the parent → node exists → version → no children. */
export function prepDelete(ctx: OpContext, read: () => DeleteRequest): OpResult<DeleteBody> {
  const session = checkSession(ctx);
  if (session !== ErrCode.OK) return fail(session);
  const { path, version } = read();
  if (path === null) return fatal();
  const parentPath = parentForDelete(path);
  if (parentPath === null) return fail(ErrCode.BADARGUMENTS);
  const parent = ctx.changes.live(parentPath);
  if (parent === null) return fail(ErrCode.NONODE);
  if (!checkACL(parent.acl, Perms.DELETE, ctx.authInfo, ctx.acl)) return fail(ErrCode.NOAUTH);
  const node = ctx.changes.live(path);
  if (node === null) return fail(ErrCode.NONODE);
  if (checkAndIncVersion(node.stat!.version, version) === null) return fail(ErrCode.BADVERSION);
  if (node.childCount > 0) return fail(ErrCode.NOTEMPTY);
  addDeleteRecords(ctx, parent, path);
  return ok({ type: OpCode.delete, txn: { path } });
}

/**
 * The ContainerManager's delete (session 0, the body is the raw UTF-8 path): no session or ACL
 * check; the node must be childless and not a session's ephemeral (BADVERSION, as the reference
 * signals a node that stopped being a container). The reference reads a client's op 20 from the
 * whole frame buffer, header included, so the path holds NULs and fails BADARGUMENTS: a client's
 * deleteContainer fails the same way here.
 */
export function prepDeleteContainer(ctx: OpContext, body: Buffer): OpResult<{ type: typeof OpCode.deleteContainer; txn: DeleteTxn }> {
  if (ctx.sessionId !== 0n) return fail(ErrCode.BADARGUMENTS);
  const path = body.toString('utf8');
  const parentPath = parentForDelete(path);
  if (parentPath === null) return fail(ErrCode.BADARGUMENTS);
  const node = ctx.changes.live(path);
  if (node === null) return fail(ErrCode.NONODE);
  if (node.childCount > 0) return fail(ErrCode.NOTEMPTY);
  const type = classify(node.stat!.ephemeralOwner, ctx.env.config.extendedTypesEnabled);
  if (type === null) return fatal();
  if (type === EphemeralType.NORMAL) return fail(ErrCode.BADVERSION);
  const parent = ctx.changes.live(parentPath);
  if (parent === null) return fail(ErrCode.NONODE);
  addDeleteRecords(ctx, parent, path);
  return ok({ type: OpCode.deleteContainer, txn: { path } });
}

function addDeleteRecords(ctx: OpContext, parent: ChangeRecord, path: string): void {
  ctx.changes.add(duplicate(parent, ctx.zxid, { pzxid: ctx.zxid }, parent.childCount - 1));
  ctx.changes.add({ zxid: ctx.zxid, path, stat: null, childCount: -1, acl: null, dataLength: 0 });
}

export type SetDataBody = { type: typeof OpCode.setData; txn: SetDataTxn };

/** session → path valid → exists → WRITE → quota → version. The txn carries the new version. */
export function prepSetData(ctx: OpContext, read: () => SetDataRequest): OpResult<SetDataBody> {
  const session = checkSession(ctx);
  if (session !== ErrCode.OK) return fail(session);
  const { path, data, version } = read();
  if (!validatePath(path)) return fail(ErrCode.BADARGUMENTS);
  const node = ctx.changes.live(path!);
  if (node === null) return fail(ErrCode.NONODE);
  if (!checkACL(node.acl, Perms.WRITE, ctx.authInfo, ctx.acl)) return fail(ErrCode.NOAUTH);
  if (ctx.env.config.enforceQuota) {
    const quota = checkQuota(ctx.env.tree, path!, node.dataLength, data);
    if (quota === ErrCode.MARSHALLINGERROR) return fatal();
    if (quota !== ErrCode.OK) return fail(quota);
  }
  const newVersion = checkAndIncVersion(node.stat!.version, version);
  if (newVersion === null) return fail(ErrCode.BADVERSION);
  const dataLength = data === null ? 0 : data.length;
  ctx.changes.add(duplicate(node, ctx.zxid, { version: newVersion, mtime: ctx.time, mzxid: ctx.zxid }, node.childCount, dataLength));
  return ok({ type: OpCode.setData, txn: { path, data, version: newVersion } });
}

export type SetACLBody = { type: typeof OpCode.setACL; txn: SetACLTxn };

/**
 * session → path valid → ACL fix-up → exists → ADMIN → aversion. The pending record keeps the old
 * ACL (the reference only bumps its aversion), so requests queued behind a setACL are checked
 * against the ACL it replaces.
 */
export function prepSetACL(ctx: OpContext, read: () => SetACLRequest): OpResult<SetACLBody> {
  const session = checkSession(ctx);
  if (session !== ErrCode.OK) return fail(session);
  const { path, acl: requested, version } = read();
  if (!validatePath(path)) return fail(ErrCode.BADARGUMENTS);
  const acl = fixupACL(path!, ctx.authInfo, requested, ctx.acl);
  if (typeof acl === 'number') return acl === ErrCode.MARSHALLINGERROR ? fatal() : fail(acl);
  const node = ctx.changes.live(path!);
  if (node === null) return fail(ErrCode.NONODE);
  if (!checkACL(node.acl, Perms.ADMIN, ctx.authInfo, ctx.acl)) return fail(ErrCode.NOAUTH);
  const newVersion = checkAndIncVersion(node.stat!.aversion, version);
  if (newVersion === null) return fail(ErrCode.BADVERSION);
  ctx.changes.add(duplicate(node, ctx.zxid, { aversion: newVersion }));
  return ok({ type: OpCode.setACL, txn: { path, acl, version: newVersion } });
}

export type CheckBody = { type: typeof OpCode.check; txn: CheckVersionTxn };

/** session → path valid → exists → READ → version. The txn carries version + 1, as the reference's. */
export function prepCheck(ctx: OpContext, read: () => CheckVersionRequest): OpResult<CheckBody> {
  const session = checkSession(ctx);
  if (session !== ErrCode.OK) return fail(session);
  const { path, version } = read();
  if (!validatePath(path)) return fail(ErrCode.BADARGUMENTS);
  const node = ctx.changes.live(path!);
  if (node === null) return fail(ErrCode.NONODE);
  if (!checkACL(node.acl, Perms.READ, ctx.authInfo, ctx.acl)) return fail(ErrCode.NOAUTH);
  const next = checkAndIncVersion(node.stat!.version, version);
  if (next === null) return fail(ErrCode.BADVERSION);
  return ok({ type: OpCode.check, txn: { path, version: next } });
}
