// create / create2 / createContainer / createTTL (the reference's pRequest2TxnCreate), checks in
// its order: flags → TTL enabled and valid → session → parent path → ACL fix-up → parent exists →
// CREATE on the parent → sequence suffix → path valid → not existing → parent not ephemeral →
// quota. On success the parent's record gains a child, a cversion and a pzxid, and the new node
// gets a record.

import type { ACL, CreateContainerTxn, CreateTTLTxn, CreateTxn, StatPersisted } from '../../protocol/generated';
import { ErrCode, OpCode } from '../../protocol/opcodes';
import { CONTAINER_EPHEMERAL_OWNER, EphemeralType, InvalidEphemeralOwnerError, Perms, TTL_MAX_MS, ephemeralTypeOf, ttlToEphemeralOwner } from '../../tree';
import { checkACL, fixupACL } from '../acl';
import { duplicate } from './changes';
import { type CreateMode, createModeOf, parentForCreate, sequenceSuffix, validatePath } from './path-rules';
import { checkQuota } from './quota';
import { type OpContext, type OpResult, checkGlobalSession, checkSession, fail, fatal, ok } from './types';

/** The fields of CreateRequest / CreateTTLRequest (ttl -1 for a CreateRequest). */
export interface CreateInput {
  path: string | null;
  data: Buffer | null;
  acl: ACL[] | null;
  flags: number;
  ttl: bigint;
}

export type CreateType = typeof OpCode.create | typeof OpCode.create2 | typeof OpCode.createContainer | typeof OpCode.createTTL;

export type CreateBody =
  | { type: typeof OpCode.create | typeof OpCode.create2; txn: CreateTxn }
  | { type: typeof OpCode.createContainer; txn: CreateContainerTxn }
  | { type: typeof OpCode.createTTL; txn: CreateTTLTxn };

export function prepCreate(ctx: OpContext, type: CreateType, read: () => CreateInput): OpResult<CreateBody> {
  const input = read();
  const mode = createModeOf(input.flags);
  if (mode === null) return fail(ErrCode.BADARGUMENTS);
  const invalid = validateCreateRequest(ctx, mode, input.ttl);
  if (invalid !== ErrCode.OK) return fail(invalid);
  if (input.path === null) return fatal();
  const parentPath = parentForCreate(input.path);
  if (parentPath === null) return fail(ErrCode.BADARGUMENTS);

  const acl = fixupACL(input.path, ctx.authInfo, input.acl, ctx.acl);
  if (typeof acl === 'number') return acl === ErrCode.MARSHALLINGERROR ? fatal() : fail(acl);
  const parent = ctx.changes.live(parentPath);
  if (parent === null) return fail(ErrCode.NONODE);
  if (!checkACL(parent.acl, Perms.CREATE, ctx.authInfo, ctx.acl)) return fail(ErrCode.NOAUTH);
  const parentStat = parent.stat!;
  const path = mode.sequential ? input.path + sequenceSuffix(parentStat.cversion) : input.path;
  if (!validatePath(path)) return fail(ErrCode.BADARGUMENTS);
  if (ctx.changes.live(path) !== null) return fail(ErrCode.NODEEXISTS);
  const parentType = classify(parentStat.ephemeralOwner, ctx.env.config.extendedTypesEnabled);
  if (parentType === null) return fatal();
  if (parentType === EphemeralType.NORMAL) return fail(ErrCode.NOCHILDRENFOREPHEMERALS);
  const newCversion = (parentStat.cversion + 1) | 0;
  if (ctx.env.config.enforceQuota) {
    const quota = checkQuota(ctx.env.tree, path, null, input.data);
    if (quota === ErrCode.MARSHALLINGERROR) return fatal();
    if (quota !== ErrCode.OK) return fail(quota);
  }

  const body = createBody(type, path, input, acl, mode, newCversion);
  ctx.changes.add(duplicate(parent, ctx.zxid, { cversion: newCversion, pzxid: ctx.zxid }, parent.childCount + 1));
  ctx.changes.add({
    zxid: ctx.zxid,
    path,
    stat: createStat(ctx.zxid, ctx.time, ephemeralOwner(ctx, mode, input.ttl)),
    childCount: 0,
    acl,
    dataLength: input.data === null ? 0 : input.data.length,
  });
  return ok(body);
}

/** TTL allowed and in range, no TTL on other modes, then the session (a global one for ephemerals). */
function validateCreateRequest(ctx: OpContext, mode: CreateMode, ttl: bigint): number {
  if (mode.ttl && !ctx.env.config.extendedTypesEnabled) return ErrCode.UNIMPLEMENTED;
  if (mode.ttl ? ttl <= 0n || ttl > TTL_MAX_MS : ttl >= 0n) return ErrCode.BADARGUMENTS;
  return mode.ephemeral ? checkGlobalSession(ctx) : checkSession(ctx);
}

function createBody(type: CreateType, path: string, input: CreateInput, acl: ACL[], mode: CreateMode, parentCVersion: number): CreateBody {
  switch (type) {
    case OpCode.createContainer:
      return { type, txn: { path, data: input.data, acl, parentCVersion } };
    case OpCode.createTTL:
      return { type, txn: { path, data: input.data, acl, parentCVersion, ttl: input.ttl } };
    case OpCode.create:
    case OpCode.create2:
      return { type, txn: { path, data: input.data, acl, ephemeral: mode.ephemeral, parentCVersion } };
  }
}

/**
 * The owner the new node's record carries. It follows the flags, not the opcode: flag 4 sent with
 * create gives a container record over a plain CreateTxn, as in the reference.
 */
function ephemeralOwner(ctx: OpContext, mode: CreateMode, ttl: bigint): bigint {
  if (mode.container) return CONTAINER_EPHEMERAL_OWNER;
  if (mode.ttl) return ttlToEphemeralOwner(ttl);
  return mode.ephemeral ? ctx.sessionId : 0n;
}

/** EphemeralType.get; null where the reference throws (an extended owner with an unknown feature). */
export function classify(owner: bigint, extendedTypesEnabled: boolean): string | null {
  try {
    return ephemeralTypeOf(owner, extendedTypesEnabled);
  } catch (e) {
    if (e instanceof InvalidEphemeralOwnerError) return null;
    throw e;
  }
}

/** DataTree.createStat. */
function createStat(zxid: bigint, time: bigint, owner: bigint): StatPersisted {
  return { czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion: 0, aversion: 0, ephemeralOwner: owner, pzxid: zxid };
}
