// multi (14): every op prepared in order under the multi's one zxid, against the outstanding
// changes as the earlier ops leave them. As in the reference, the first failing op becomes an
// ErrorTxn with its code, every later op an ErrorTxn(RUNTIMEINCONSISTENCY), the ops before it keep
// their real sub-txns (the tree turns them into ErrorTxn(0) when it applies a multi holding an
// error), and the records the multi made are rolled back. A multi that cannot be read, or one that
// holds read ops, fails as a whole with MARSHALLINGERROR.
//
// Sub-op types follow 3.8.0's Op classes: a create's type comes from its flags (container flags
// give createContainer, TTL flags createTTL), so a create2 header is prepared as create.

import { type CreateRequest, type CreateTTLRequest, type DeleteRequest, MultiOperationRecord, type SetDataRequest, type CheckVersionRequest, type Txn } from '../../protocol/generated';
import type { DecodeLimits } from '../../protocol/jute/runtime';
import { JuteDecodeError } from '../../protocol/jute/runtime';
import { ErrCode, OpCode } from '../../protocol/opcodes';
import { type SubTxnBody, encodeSubTxn } from '../../persistence/txn';
import { type CreateInput, prepCreate } from './create';
import { prepCheck, prepDelete, prepSetData } from './node-ops';
import { createModeOf } from './path-rules';
import { type OpContext, type OpResult, fatal } from './types';

export type MultiOp =
  | { type: typeof OpCode.create | typeof OpCode.createContainer | typeof OpCode.createTTL; path: string | null; create: CreateInput; ttlRecord: boolean }
  | { type: typeof OpCode.delete; path: string | null; rec: DeleteRequest }
  | { type: typeof OpCode.setData; path: string | null; rec: SetDataRequest }
  | { type: typeof OpCode.check; path: string | null; rec: CheckVersionRequest };

export type MultiOutcome =
  /** The MultiTxn to log (a failed multi included). */
  | { kind: 'txn'; txns: Txn[] }
  /** An ErrorTxn with this code replaces the multi (it still takes the zxid). */
  | { kind: 'error'; err: number };

/** Reads the ops; null when the body does not decode or mixes in read ops. */
export function decodeMultiOps(body: Buffer, limits: DecodeLimits | undefined): MultiOp[] | null {
  let record: MultiOperationRecord;
  try {
    record = MultiOperationRecord.decode(body, limits);
  } catch (e) {
    if (e instanceof JuteDecodeError) return null;
    throw e;
  }
  const ops: MultiOp[] = [];
  for (const { header, body: rec } of record.items) {
    const op = toOp(header.type, rec);
    if (op === null) return null;
    ops.push(op);
  }
  return ops;
}

function toOp(headerType: number, rec: unknown): MultiOp | null {
  switch (headerType) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer: {
      const r = rec as CreateRequest;
      return { type: createOpType(r.flags), path: r.path, create: { ...r, ttl: -1n }, ttlRecord: false };
    }
    case OpCode.createTTL: {
      const r = rec as CreateTTLRequest;
      const type = createOpType(r.flags);
      // Op.create(..., ttl) keeps the TTL only for TTL flags; otherwise it is a plain Create.
      const ttl = type === OpCode.createTTL ? r.ttl : -1n;
      return { type, path: r.path, create: { ...r, ttl }, ttlRecord: type === OpCode.createTTL };
    }
    case OpCode.delete:
      return { type: OpCode.delete, path: (rec as DeleteRequest).path, rec: rec as DeleteRequest };
    case OpCode.setData:
      return { type: OpCode.setData, path: (rec as SetDataRequest).path, rec: rec as SetDataRequest };
    case OpCode.check:
      return { type: OpCode.check, path: (rec as CheckVersionRequest).path, rec: rec as CheckVersionRequest };
    default:
      return null; // getData/getChildren in a multi, or anything else
  }
}

/** Op.Create's opcode: from CreateMode.fromFlag(flags, PERSISTENT). */
function createOpType(flags: number): typeof OpCode.create | typeof OpCode.createContainer | typeof OpCode.createTTL {
  const mode = createModeOf(flags);
  if (mode?.ttl === true) return OpCode.createTTL;
  return mode?.container === true ? OpCode.createContainer : OpCode.create;
}

/** Prepares decoded ops (no null paths: the caller rejects those) under ctx.zxid. */
export function prepMulti(ctx: OpContext, ops: readonly MultiOp[]): MultiOutcome {
  const pending = ctx.changes.pendingFor(ops.map((op) => op.path!));
  const txns: Txn[] = [];
  let failed = false;
  for (const op of ops) {
    if (failed) {
      txns.push(errorSubTxn(ErrCode.RUNTIMEINCONSISTENCY));
      continue;
    }
    const r = prepOp(ctx, op);
    if (r.ok) {
      txns.push({ type: op.type, data: encodeSubTxn(r.body) });
      continue;
    }
    ctx.changes.rollback(ctx.zxid, pending);
    // A failure outside the reference's KeeperExceptions escapes its loop: the multi becomes one error.
    if (r.fatal) return { kind: 'error', err: ErrCode.MARSHALLINGERROR };
    failed = true;
    txns.push(errorSubTxn(r.err));
  }
  return { kind: 'txn', txns };
}

function prepOp(ctx: OpContext, op: MultiOp): OpResult<SubTxnBody> {
  switch (op.type) {
    case OpCode.create:
    case OpCode.createContainer:
    case OpCode.createTTL:
      // A TTL op built from a CreateRequest fails the reference's cast to CreateTTLRequest.
      if (op.type === OpCode.createTTL && !op.ttlRecord) return fatal();
      return prepCreate(ctx, op.type, () => op.create);
    case OpCode.delete:
      return prepDelete(ctx, () => op.rec);
    case OpCode.setData:
      return prepSetData(ctx, () => op.rec);
    case OpCode.check:
      return prepCheck(ctx, () => op.rec);
  }
}

function errorSubTxn(err: number): Txn {
  return { type: OpCode.error, data: encodeSubTxn({ type: OpCode.error, txn: { err } }) };
}
