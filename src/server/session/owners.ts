// Session ownership on an ensemble (the reference's SessionTracker owner and SESSIONMOVED).
//
// The leader remembers, for each global session, which server the session's client is attached
// to: the learner that created or last revalidated it, or the leader itself for its own clients.
// A request that reaches the leader through any other server comes from a connection the client
// has already left (ZOOKEEPER-710: a slow follower forwards an old request after the client moved
// on), so prep fails it with SESSIONMOVED. The failed write is still logged as ErrorTxn(-118);
// whichever server holds the client's connection then answers nothing and closes it.

import type { LoggedTxn } from '../../persistence/txn';
import { ErrCode, OpCode } from '../../protocol/opcodes';

/**
 * The owner of every request from this server's own client connections (the reference's one
 * shared `ServerCnxn.me`): a client that reconnects to the same server keeps its ownership.
 */
export const LOCAL_OWNER: unique symbol = Symbol('this server');

/**
 * The owner of requests a learner forwards. The reference uses the LearnerHandler object; a key
 * per learner id behaves the same while that learner stays connected, and a learner that
 * reconnects revalidates its clients' sessions anyway.
 */
export function learnerOwner(sid: bigint | number): string {
  return `learner:${sid}`;
}

/**
 * True when a committed txn carries SESSIONMOVED: an ErrorTxn(-118), or a multi in which one op
 * failed with it (FinalRequestProcessor rethrows it from the multi's results).
 */
export function isSessionMovedTxn(txn: LoggedTxn): boolean {
  const body = txn.body;
  if (body.type === OpCode.error) return body.txn.err === ErrCode.SESSIONMOVED;
  if (body.type === OpCode.multi) {
    // Sub-txns are kept encoded: an ErrorTxn is one int, the error code.
    return (body.txn.txns ?? []).some((t) => t.type === OpCode.error && t.data !== null && t.data.length >= 4 && t.data.readInt32BE(0) === ErrCode.SESSIONMOVED);
  }
  return false;
}
