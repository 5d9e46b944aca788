// A client request as the pipeline sees it, after framing and the RequestHeader.

import type { Id } from '../protocol/generated';

export interface Request {
  /** 0 for server-internal requests (expiry, container reaping). */
  sessionId: bigint;
  /** The client's xid (cxid in the txn header); 0 for internal requests. */
  cxid: number;
  /** Opcode (OpCode). */
  type: number;
  /** The request body after the RequestHeader: a view of the frame, decoded by whoever needs it. */
  body: Buffer;
  /** The connection's identities (ip:<addr> first, then digest/super/... from auth packets). */
  authInfo: readonly Id[];
  /**
   * Who the request came through (session/owners.ts): checked against the session's owner
   * (SESSIONMOVED). Absent for internal requests, which no owner check applies to; null claims
   * nothing (a local session's upgrade, as the reference's owner-less request).
   */
  owner?: unknown;
}

/** What prep decides for one request. */
export type PrepOutcome =
  /** A txn to log and apply (error txns included: a failed write still takes a zxid). */
  | { kind: 'txn'; txn: import('../persistence/txn').LoggedTxn }
  /** A read: answered by the final step against the tree, in order. */
  | { kind: 'read' }
  /** Answered with `err` and no txn (e.g. a top-level check, an unknown opcode); `close` ends the connection. */
  | { kind: 'reject'; err: number; close: boolean };

/** The session facts prep needs (the session tracker implements it). */
export interface SessionView {
  /** Known and not closing. */
  isValid(sessionId: bigint): boolean;
  /** Marks the session closing: later requests from it fail with SESSIONEXPIRED. */
  setClosing(sessionId: bigint): void;
}
