// Read-only serving (`readonlymode.enabled=true`): a quorum member that has been LOOKING for a
// while (max(2000 ms, tickTime), the peer's timer) serves its current database to clients that
// asked for a read-only connection, as the reference's ReadOnlyZooKeeperServer does. Nothing is
// ever written: state-changing requests are answered with NOTREADONLY, and the sessions it creates
// exist only on this server (the reference's local sessions; they are never logged or forwarded).
//
// The reference (3.8) keeps a session local only with localSessionsEnabled=true; without it, its
// read-only server answers the createSession with a bare NOTREADONLY reply header in place of a
// ConnectResponse, which no client can use. zkts has no global/local session switch, so a
// read-only server always behaves as the reference does with local sessions on.

import type { ConnectRequest } from '../protocol/generated';
import { ErrCode, OpCode } from '../protocol/opcodes';
import { FORWARDED_TYPES } from './learner-waits';
import type { PrepOutcome } from './request';

/**
 * The request types ReadOnlyRequestProcessor answers with NOTREADONLY: exactly what a learner would
 * forward to a leader (FollowerRequestProcessor's list), less the session ops a read-only server
 * does itself. `check` is the top-level one (inside a multi it never arrives alone), `sync` is
 * refused (there is no leader to sync with), `multi` whatever it holds; `multiRead` is a read.
 */
export const NOT_READ_ONLY_TYPES: ReadonlySet<number> = new Set<number>(
  [...FORWARDED_TYPES].filter((t) => t !== OpCode.createSession && t !== OpCode.closeSession),
);

/** What a read-only server does with one request. */
export type ReadOnlyGate =
  /** Answered with NOTREADONLY (no txn, the connection stays open). */
  | 'refuse'
  /** createSession / closeSession: done on this server only, no txn. */
  | 'local-session'
  /** Reads, ping, setWatches, watch removal, whoAmI, unknown types: the ordinary read path. */
  | 'pass';

export function readOnlyGate(type: number): ReadOnlyGate {
  if (NOT_READ_ONLY_TYPES.has(type)) return 'refuse';
  if (type === OpCode.createSession || type === OpCode.closeSession) return 'local-session';
  return 'pass';
}

export const NOT_READ_ONLY: PrepOutcome = { kind: 'reject', err: ErrCode.NOTREADONLY, close: false };

/**
 * The outcome prep gave a request that passed the gate. Prep only makes txns for the refused types
 * and the session ones, so a txn here is a type this list missed: it is refused rather than
 * written, because a read-only server must never change its database.
 */
export function readOnlyOutcome(prepared: PrepOutcome): PrepOutcome {
  return prepared.kind === 'txn' ? NOT_READ_ONLY : prepared;
}

/**
 * ZooKeeperServer.processConnectRequest on a read-only server: a client that did not ask for a
 * read-only connection (the byte false, or absent: a pre-3.4 client) is closed without a response.
 * Null when the connection may proceed.
 */
export function readOnlyClientRefusal(req: ConnectRequest): string | null {
  if (req.readOnly === true) return null;
  return req.readOnly === undefined
    ? 'refusing a session request from an old client (no readOnly byte) in read-only mode'
    : 'refusing a session request from a not-read-only client in read-only mode';
}

/**
 * ReadOnlyZooKeeperServer.validateSession: a reconnect with a session of the quorum (one in the
 * database the read-only server was started over) is closed without a response: only the quorum
 * may renew it. Sessions this server created itself, and unknown ones, go through the ordinary
 * password and liveness check.
 */
export function readOnlyReconnectRefusal(sessionId: bigint, globalSessions: ReadonlyMap<bigint, number>): string | null {
  if (!globalSessions.has(sessionId)) return null;
  return `refusing to renew the quorum session 0x${BigInt.asUintN(64, sessionId).toString(16)} in read-only mode`;
}

/** QuorumPeer.run's grace period before a LOOKING peer serves read-only: max(2000 ms, tickTime). */
export function readOnlyGraceMs(tickTimeMs: number): number {
  return Math.max(2000, tickTimeMs);
}
