// Shared shapes of the prep step: its environment, the per-request context the op handlers work
// in, and their results (a txn body, or a failure code as a value).

import type { Id } from '../../protocol/generated';
import { ErrCode } from '../../protocol/opcodes';
import type { SubTxnBody, TxnBody } from '../../persistence/txn';
import type { DataTree } from '../../tree';
import type { AclOptions } from '../acl';
import type { SessionView } from '../request';
import type { OutstandingChanges } from './changes';

export interface PrepConfig {
  /** zookeeper.extendedTypesEnabled: TTL nodes allowed (else TTL creates are UNIMPLEMENTED). */
  extendedTypesEnabled: boolean;
  /** zookeeper.skipACL=yes. */
  skipACL: boolean;
  /** zookeeper.enforceQuota: hard quota limits fail creates and setData with QUOTAEXCEEDED. */
  enforceQuota: boolean;
  /** jute.maxbuffer applied to lengths inside request bodies (the decoder's default when absent). */
  maxBuffer?: number;
  /** Local sessions are not supported: every session is global. */
  localSessions?: false;
  /** reconfigEnabled (default false). Reconfig itself needs a quorum; standalone answers UNIMPLEMENTED. */
  reconfigEnabled?: boolean;
  /** Schemes with an auth provider (default ip and digest, as the reference). */
  authSchemes?: readonly string[];
}

/** The session facts prep needs; `isKnown` (optional) lets an unknown session fail UNKNOWNSESSION as in the reference. */
export interface PrepSessions extends SessionView {
  isKnown?(sessionId: bigint): boolean;
}

export interface PreparerEnv {
  tree: DataTree;
  sessions: PrepSessions;
  /** Takes the next zxid (called once per txn, never for reads or rejects). */
  nextZxid(): bigint;
  /** Wall-clock ms for TxnHeader.time. */
  now(): bigint;
  config: PrepConfig;
}

/** What an op handler sees: one request, its zxid and time, and the outstanding changes. */
export interface OpContext {
  readonly env: PreparerEnv;
  readonly changes: OutstandingChanges;
  readonly acl: AclOptions;
  readonly sessionId: bigint;
  readonly authInfo: readonly Id[];
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
  if (sessions.isValid(ctx.sessionId)) return ErrCode.OK;
  return sessions.isKnown?.(ctx.sessionId) === false ? ErrCode.UNKNOWNSESSION : ErrCode.SESSIONEXPIRED;
}

/** The reference's checkGlobalSession (ephemeral creates): any invalid session is SESSIONEXPIRED. */
export function checkGlobalSession(ctx: OpContext): number {
  return ctx.env.sessions.isValid(ctx.sessionId) ? ErrCode.OK : ErrCode.SESSIONEXPIRED;
}

/** `current + 1` if `expected` is -1 or equal to `current`, else null (BADVERSION). Int arithmetic wraps as Java's. */
export function checkAndIncVersion(current: number, expected: number): number | null {
  if (expected !== -1 && expected !== current) return null;
  return (current + 1) | 0;
}
