// Shared shapes of the prep step: its environment, the per-request context the op handlers work
// in, and their results (a txn body, or a failure code as a value).

import type { Id } from '../../protocol/generated';
import { ErrCode } from '../../protocol/opcodes';
import type { SubTxnBody, TxnBody } from '../../persistence/txn';
import type { DataTree } from '../../tree';
import type { AclOptions } from '../acl';
import type { SessionView } from '../request';
import type { OutstandingChanges } from './changes';
import type { ReconfigHook } from './reconfig';

export interface PrepConfig {
  /** zookeeper.extendedTypesEnabled: TTL nodes allowed (else TTL creates are UNIMPLEMENTED). */
  extendedTypesEnabled: boolean;
  /** zookeeper.skipACL=yes. */
  skipACL: boolean;
  /** zookeeper.enforceQuota: hard quota limits fail creates and setData with QUOTAEXCEEDED. */
  enforceQuota: boolean;
  /** jute.maxbuffer applied to lengths inside request bodies (the decoder's default when absent). */
  maxBuffer?: number;
  /** Not read: local sessions reach prep through PreparerEnv.sessions (session/local-sessions.ts). */
  localSessions?: false;
  /** reconfigEnabled (default false). Reconfig itself needs a quorum; standalone answers UNIMPLEMENTED. */
  reconfigEnabled?: boolean;
  /** Schemes with an auth provider (default ip and digest, as the reference). */
  authSchemes?: readonly string[];
}

/** The session facts prep needs; `isKnown` (optional) lets an unknown session fail UNKNOWNSESSION as in the reference. */
export interface PrepSessions extends SessionView {
  isKnown?(sessionId: bigint): boolean;
  /** The owner check (SessionTracker.checkSession): the first owner claims the session; another is 'moved'. */
  checkOwner?(sessionId: bigint, owner: unknown): 'ok' | 'unknown' | 'expired' | 'moved';
  /** A createSession's owner (the reference's setOwner in prep). */
  setOwner?(sessionId: bigint, owner: unknown): boolean;
  /** With local sessions: valid as a global session (ephemeral creates); absent = isValid. */
  isValidGlobal?(sessionId: bigint): boolean;
  /** With local sessions: the owner check against the global session; absent = checkOwner. */
  checkGlobalOwner?(sessionId: bigint, owner: unknown): 'ok' | 'unknown' | 'expired' | 'moved';
  /**
   * With local sessions and upgrading off, on the leader: true for a session local to this server.
   * The reference's LeaderRequestProcessor then sets EphemeralOnLocalSession on the request, and
   * prep's validateCreateRequest throws it for an ephemeral create, in a multi too; a learner's
   * forwarded request carries no such mark, so its local sessions fail checkGlobalSession instead.
   */
  refusesEphemeral?(sessionId: bigint): boolean;
}

export interface PreparerEnv {
  tree: DataTree;
  sessions: PrepSessions;
  /** Takes the next zxid (called once per txn, never for reads or rejects). */
  nextZxid(): bigint;
  /** Wall-clock ms for TxnHeader.time. */
  now(): bigint;
  config: PrepConfig;
  /** On a quorum leader with reconfigEnabled: its configs and synced followers, for reconfig. */
  reconfig?: ReconfigHook;
}

/** What an op handler sees: one request, its zxid and time, and the outstanding changes. */
export interface OpContext {
  readonly env: PreparerEnv;
  readonly changes: OutstandingChanges;
  readonly acl: AclOptions;
  readonly sessionId: bigint;
  readonly authInfo: readonly Id[];
  /** Request.owner: undefined skips the owner check (internal requests). */
  readonly owner?: unknown;
  /** The txn's zxid (shared by all ops of a multi). */
  readonly zxid: bigint;
  readonly time: bigint;
}

export type OpBody = TxnBody | SubTxnBody;

/**
 * A handler's outcome. `fatal` marks failures the reference raises as something other than a
 * KeeperException (a null field, a bad cast): inside a multi they fail the whole multi with
 * MARSHALLINGERROR instead of becoming that op's error result.
 */
export type OpResult<B extends OpBody = OpBody> = { ok: true; body: B } | { ok: false; err: number; fatal: boolean };

export function ok<B extends OpBody>(body: B): OpResult<B> {
  return { ok: true, body };
}

export function fail(err: number): { ok: false; err: number; fatal: false } {
  return { ok: false, err, fatal: false };
}

export function fatal(): { ok: false; err: number; fatal: true } {
  return { ok: false, err: ErrCode.MARSHALLINGERROR, fatal: true };
}

/** The reference's checkSession: unknown → UNKNOWNSESSION (when the tracker says so), closing → SESSIONEXPIRED. */
export function checkSession(ctx: OpContext): number {
  const sessions = ctx.env.sessions;
  if (sessions.isValid(ctx.sessionId)) return ownerCheck(ctx, false);
  return sessions.isKnown?.(ctx.sessionId) === false ? ErrCode.UNKNOWNSESSION : ErrCode.SESSIONEXPIRED;
}

/**
 * The reference's checkGlobalSession (ephemeral creates): any invalid session is SESSIONEXPIRED;
 * with local sessions on, a session only local (not upgraded) is invalid here.
 */
export function checkGlobalSession(ctx: OpContext): number {
  const sessions = ctx.env.sessions;
  if (sessions.refusesEphemeral?.(ctx.sessionId) === true) return ErrCode.EPHEMERALONLOCALSESSION;
  const valid = sessions.isValidGlobal !== undefined ? sessions.isValidGlobal(ctx.sessionId) : sessions.isValid(ctx.sessionId);
  return valid ? ownerCheck(ctx, true) : ErrCode.SESSIONEXPIRED;
}

/** A valid session used through another server than its owner: SESSIONMOVED (session/owners.ts). */
function ownerCheck(ctx: OpContext, global: boolean): number {
  const sessions = ctx.env.sessions;
  if (ctx.owner === undefined) return ErrCode.OK;
  const check = global && sessions.checkGlobalOwner !== undefined ? sessions.checkGlobalOwner : sessions.checkOwner;
  if (check === undefined) return ErrCode.OK;
  return check.call(sessions, ctx.sessionId, ctx.owner) === 'moved' ? ErrCode.SESSIONMOVED : ErrCode.OK;
}

/** `current + 1` if `expected` is -1 or equal to `current`, else null (BADVERSION). Int arithmetic wraps as Java's. */
export function checkAndIncVersion(current: number, expected: number): number | null {
  if (expected !== -1 && expected !== current) return null;
  return (current + 1) | 0;
}
