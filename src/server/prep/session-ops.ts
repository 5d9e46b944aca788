// createSession and closeSession. Neither checks the session (the expirer closes sessions it does
// not own). closeSession lists the session's ephemerals as the queued writes leave them, in the
// reference's order: a java.util.HashSet copied from the tree's set, then updated by walking the
// outstanding changes (a pending delete removes its path, a pending node owned by the session adds
// its path).

import type { CloseSessionTxn, CreateSessionTxn } from '../../protocol/generated';
import { OpCode } from '../../protocol/opcodes';
import { JavaHashSet } from '../../util/java-hash-set';
import { type OpContext, type OpResult, fatal, ok } from './types';

export type CreateSessionBody = { type: typeof OpCode.createSession; txn: CreateSessionTxn };

/** The body is the 4-byte session timeout the connection layer puts there. */
export function prepCreateSession(ctx: OpContext, body: Buffer): OpResult<CreateSessionBody> {
  if (body.length < 4) return fatal();
  // The server the session was created through owns it (null: the first user claims it).
  if (ctx.owner !== undefined) ctx.env.sessions.setOwner?.(ctx.sessionId, ctx.owner);
  return ok({ type: OpCode.createSession, txn: { timeOut: body.readInt32BE(0) } });
}

export type CloseSessionBody = { type: typeof OpCode.closeSession; txn: CloseSessionTxn };

/** Marks the session closing and lists the ephemerals its txn deletes (records added for each). */
export function prepCloseSession(ctx: OpContext): OpResult<CloseSessionBody> {
  const { sessionId, changes } = ctx;
  const paths = closingEphemerals(ctx);
  for (const path of paths) {
    changes.add({ zxid: ctx.zxid, path, stat: null, childCount: 0, acl: null, dataLength: 0 });
  }
  ctx.env.sessions.setClosing(sessionId);
  return ok({ type: OpCode.closeSession, txn: { paths2Delete: paths } });
}

/**
 * The tree's ephemerals of the session plus pending ones minus pending deletes, in HashSet order.
 * The tree's set is rebuilt from its insertion order, which gives Java's order unless the session
 * once held many more ephemerals than now (Java's table never shrinks).
 */
function closingEphemerals(ctx: OpContext): string[] {
  const source = JavaHashSet.of(ctx.env.tree.getEphemerals(ctx.sessionId));
  const set = JavaHashSet.cloneOf(source);
  for (const rec of ctx.changes.records()) {
    if (rec.stat === null) set.delete(rec.path);
    else if (rec.stat.ephemeralOwner === ctx.sessionId) set.add(rec.path);
  }
  return [...set];
}
