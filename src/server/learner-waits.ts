// A follower's or observer's forwarded requests waiting for the leader's answer. The leader
// handles one learner's REQUESTs in the order they were sent, so answers come back in that order:
// a write's committed txn (matched by session and cxid, as the reference's CommitProcessor
// matches them), or a SYNC packet for a sync. A committed txn that answers none of ours came from
// another server's client and is applied without a reply.

import type { LoggedTxn } from '../persistence/txn';
import { OpCode } from '../protocol/opcodes';
import { READ_TYPES } from './prep/preparer';

/** What a learner sends to the leader (FollowerRequestProcessor's list). */
export const FORWARDED_TYPES: ReadonlySet<number> = new Set([
  OpCode.create,
  OpCode.create2,
  OpCode.createTTL,
  OpCode.createContainer,
  OpCode.delete,
  OpCode.deleteContainer,
  OpCode.setData,
  OpCode.reconfig,
  OpCode.setACL,
  OpCode.multi,
  OpCode.check,
  OpCode.sync,
  OpCode.createSession,
  OpCode.closeSession,
]);

/**
 * Answered from the local tree, in order with everything else (Request.isValid minus the above):
 * the requests prep answers without a txn, except sync, which a learner forwards.
 */
export const LOCAL_TYPES: ReadonlySet<number> = new Set([...READ_TYPES].filter((t) => t !== OpCode.sync));

export interface TxnWait {
  readonly kind: 'txn';
  readonly sessionId: bigint;
  readonly cxid: number;
  /** Set when the committed txn arrives, just before `open`. */
  txn: LoggedTxn | null;
  readonly open: () => void;
}

export interface SyncWait {
  readonly kind: 'sync';
  readonly open: () => void;
}

export type LearnerWait = TxnWait | SyncWait;

export class LearnerWaits {
  private waits: LearnerWait[] = [];

  get size(): number {
    return this.waits.length;
  }

  add(w: LearnerWait): void {
    this.waits.push(w);
  }

  /** The wait `txn` answers (taken off the list), or null when it answers none of ours. */
  takeTxn(txn: LoggedTxn): TxnWait | null {
    // Normally the oldest wait; a sync ahead of it is answered by its own SYNC packet.
    const i = this.waits.findIndex((w) => w.kind === 'txn');
    const w = this.waits[i];
    if (w === undefined || w.kind !== 'txn') return null;
    if (w.sessionId !== txn.header.clientId || w.cxid !== txn.header.cxid) return null;
    this.waits.splice(i, 1);
    return w;
  }

  /** The oldest pending sync (a SYNC from the leader completes it). */
  takeSync(): SyncWait | null {
    const i = this.waits.findIndex((w) => w.kind === 'sync');
    if (i < 0) return null;
    return this.waits.splice(i, 1)[0] as SyncWait;
  }

  clear(): void {
    this.waits = [];
  }
}
