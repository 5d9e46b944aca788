// The prep step (the reference's PrepRequestProcessor): turns each request into a txn to log and
// apply, a read for the final step, or a reject. A write takes its zxid before it is checked, so a
// write that fails still consumes the zxid and is logged as ErrorTxn(code); a body that does not
// decode fails MARSHALLINGERROR the same way. Checks run against the outstanding changes, so
// consecutive writes see each other before they are applied; the final step calls applied(zxid)
// after applying each txn (error txns included) to retire them.

import type { Id } from '../../protocol/generated';
import { CheckVersionRequest, CreateRequest, CreateTTLRequest, DeleteRequest, ReconfigRequest, SetACLRequest, SetDataRequest } from '../../protocol/generated';
import { type DecodeLimits, JuteDecodeError } from '../../protocol/jute/runtime';
import { ErrCode, OpCode } from '../../protocol/opcodes';
import type { LoggedTxn, TxnBody } from '../../persistence/txn';
import type { AclOptions } from '../acl';
import type { PrepOutcome, Request } from '../request';
import { OutstandingChanges } from './changes';
import { prepCreate } from './create';
import { decodeMultiOps, prepMulti } from './multi';
import { prepCheck, prepDelete, prepDeleteContainer, prepSetACL, prepSetData } from './node-ops';
import { prepCloseSession, prepCreateSession } from './session-ops';
import { prepReconfig } from './reconfig';
import { type OpBody, type OpContext, type OpResult, type PreparerEnv, checkSession } from './types';

/** Requests that only need a valid session here and are answered by the final step. */
export const READ_TYPES: ReadonlySet<number> = new Set([
  OpCode.sync,
  OpCode.exists,
  OpCode.getData,
  OpCode.getACL,
  OpCode.getChildren,
  OpCode.getAllChildrenNumber,
  OpCode.getChildren2,
  OpCode.ping,
  OpCode.setWatches,
  OpCode.setWatches2,
  OpCode.checkWatches,
  OpCode.removeWatches,
  OpCode.getEphemerals,
  OpCode.multiRead,
  OpCode.addWatch,
  OpCode.whoAmI,
]);

type SingleHandler = (ctx: OpContext) => OpResult<TxnBody>;

export class RequestPreparer {
  private readonly changes: OutstandingChanges;
  private readonly acl: AclOptions;
  private readonly limits: DecodeLimits | undefined;

  constructor(private readonly env: PreparerEnv) {
    this.changes = new OutstandingChanges(env.tree);
    const { skipACL, authSchemes, maxBuffer } = env.config;
    this.acl = authSchemes === undefined ? { skipACL } : { skipACL, authSchemes };
    this.limits = maxBuffer === undefined ? undefined : { lengthMax: maxBuffer };
  }

  /** Outstanding change records (prepared writes not yet applied). */
  get outstandingChanges(): number {
    return this.changes.size;
  }

  /** The final step applied the txn `zxid`: the changes it made are now in the tree. */
  applied(zxid: bigint): void {
    this.changes.applied(zxid);
  }

  prepare(req: Request): PrepOutcome {
    if (READ_TYPES.has(req.type)) return this.read(req);
    const body = req.body;
    switch (req.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
        return this.single(req, (ctx) => prepCreate(ctx, req.type as 1 | 15 | 19, () => ({ ...CreateRequest.decode(body, this.limits), ttl: -1n })));
      case OpCode.createTTL:
        return this.single(req, (ctx) => prepCreate(ctx, OpCode.createTTL, () => CreateTTLRequest.decode(body, this.limits)));
      case OpCode.delete:
        return this.single(req, (ctx) => prepDelete(ctx, () => DeleteRequest.decode(body, this.limits)));
      case OpCode.deleteContainer:
        return this.single(req, (ctx) => prepDeleteContainer(ctx, body));
      case OpCode.setData:
        return this.single(req, (ctx) => prepSetData(ctx, () => SetDataRequest.decode(body, this.limits)));
      case OpCode.setACL:
        return this.single(req, (ctx) => prepSetACL(ctx, () => SetACLRequest.decode(body, this.limits)));
      case OpCode.createSession:
        return this.single(req, (ctx) => prepCreateSession(ctx, body));
      case OpCode.closeSession:
        return this.single(req, (ctx) => prepCloseSession(ctx));
      case OpCode.check:
        return this.topLevelCheck(req);
      case OpCode.multi:
        return this.multi(req);
      case OpCode.reconfig:
        return this.reconfig(req);
      default:
        // Not a request type the reference accepts: UnimplementedRequestProcessor answers and closes.
        return { kind: 'reject', err: ErrCode.UNIMPLEMENTED, close: true };
    }
  }

  private read(req: Request): PrepOutcome {
    const err = checkSession(this.context(req, -1n, 0n));
    return err === ErrCode.OK ? { kind: 'read' } : { kind: 'reject', err, close: false };
  }

  /** One write: zxid and time first, then the handler; any failure becomes an ErrorTxn under that zxid. */
  private single(req: Request, handler: SingleHandler): PrepOutcome {
    const ctx = this.context(req, this.env.nextZxid(), this.env.now());
    const r = runDecoding(() => handler(ctx));
    return r.ok ? this.txn(req, ctx, r.body) : this.errorTxn(req, ctx, r.err);
  }

  /**
   * A top-level check. The reference logs a type-13 txn for a passing check that its own loader
   * cannot replay, and never answers it; here a passing check is answered OK with no txn (and no
   * zxid). A failing check is logged as the reference logs it: ErrorTxn(code) under a new zxid.
   */
  private topLevelCheck(req: Request): PrepOutcome {
    const time = this.env.now();
    const probe = this.context(req, -1n, time);
    const r = runDecoding(() => prepCheck(probe, () => CheckVersionRequest.decode(req.body, this.limits)));
    if (r.ok) return { kind: 'reject', err: ErrCode.OK, close: false };
    return this.errorTxn(req, this.context(req, this.env.nextZxid(), time), r.err);
  }

  private multi(req: Request): PrepOutcome {
    const ops = decodeMultiOps(req.body, this.limits);
    // The reference derives parent paths before it builds a header: a null path fails with no txn.
    if (ops !== null && ops.some((op) => op.path === null)) return { kind: 'reject', err: ErrCode.MARSHALLINGERROR, close: false };
    const ctx = this.context(req, this.env.nextZxid(), this.env.now());
    if (ops === null) return this.errorTxn(req, ctx, ErrCode.MARSHALLINGERROR);
    const out = prepMulti(ctx, ops);
    if (out.kind === 'error') return this.errorTxn(req, ctx, out.err);
    return this.txn(req, ctx, { type: OpCode.multi, txn: { txns: out.txns } });
  }

  /**
   * reconfig: a body that does not decode fails before the reference takes a zxid (no txn).
   * Disabled → ErrorTxn(RECONFIGDISABLED); enabled on a standalone server → session check, then
   * ErrorTxn(UNIMPLEMENTED). On a quorum leader (env.reconfig set) the new config is planned in
   * prep/reconfig.ts.
   */
  private reconfig(req: Request): PrepOutcome {
    let body: ReconfigRequest;
    try {
      body = ReconfigRequest.decode(req.body, this.limits);
    } catch (e) {
      if (e instanceof JuteDecodeError) return { kind: 'reject', err: ErrCode.MARSHALLINGERROR, close: false };
      throw e;
    }
    const ctx = this.context(req, this.env.nextZxid(), this.env.now());
    if (this.env.config.reconfigEnabled !== true) return this.errorTxn(req, ctx, ErrCode.RECONFIGDISABLED);
    // A quorum leader runs it (prep/reconfig.ts); anything else answers UNIMPLEMENTED after the session check.
    const r = prepReconfig(ctx, body, this.env.reconfig);
    return r.ok ? this.txn(req, ctx, r.body) : this.errorTxn(req, ctx, r.err);
  }

  private context(req: Request, zxid: bigint, time: bigint): OpContext {
    const authInfo: readonly Id[] = req.authInfo;
    return { env: this.env, changes: this.changes, acl: this.acl, sessionId: req.sessionId, authInfo, zxid, time, ...(req.owner === undefined ? {} : { owner: req.owner }) };
  }

  private txn(req: Request, ctx: OpContext, body: TxnBody): PrepOutcome {
    // TODO: emit TxnDigest{2, tree digest after the txn} once prep can compute it; the field is
    // optional on disk and on the wire, and a wrong digest would be worse than none.
    const txn: LoggedTxn = {
      header: { clientId: req.sessionId, cxid: req.cxid, zxid: ctx.zxid, time: ctx.time, type: body.type },
      body,
      digest: null,
    };
    return { kind: 'txn', txn };
  }

  private errorTxn(req: Request, ctx: OpContext, err: number): PrepOutcome {
    return this.txn(req, ctx, { type: OpCode.error, txn: { err } });
  }
}

/** Runs a handler; a request body that does not decode is MARSHALLINGERROR. */
function runDecoding<B extends OpBody>(run: () => OpResult<B>): OpResult<B> {
  try {
    return run();
  } catch (e) {
    if (e instanceof JuteDecodeError) return { ok: false, err: ErrCode.MARSHALLINGERROR, fatal: true };
    throw e;
  }
}
