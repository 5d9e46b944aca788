// Plain-data results of applying txns to the tree.

import type { ACL, Stat } from '../protocol/generated';

/** What a watch manager should fire, in the reference's order. The server dispatches these. */
export type TriggerType = 'created' | 'deleted' | 'dataChanged' | 'childrenChanged';

export interface WatchTrigger {
  /**
   * The path as the reference passes it to its watch managers: the root is "/", other paths as
   * in the txn. `deleted` fires the data watches and then the child watches of the path (minus
   * watchers already notified); `childrenChanged` fires the child watches only.
   */
  path: string;
  type: TriggerType;
  /**
   * The ACL the event is checked against before delivery (3.8.4+, and Debian's 3.8.0 with the
   * CVE-2024-23944 fix): the node's, or the parent's for childrenChanged; null or absent = open.
   */
  acl?: readonly ACL[] | null;
}

/** The outcome of one txn or one sub-txn of a multi (the reference's ProcessTxnResult). */
export interface TxnOutcome {
  /** The txn type applied (an error sub-txn reads -1). */
  type: number;
  /** 0 or an ErrCode. */
  err: number;
  /** The path the txn named (create: the created path); undefined for session, error and multi txns. */
  path?: string | undefined;
  /**
   * The client view of the node where the reply carries one (create2/createTTL/createContainer,
   * setData, setACL), as the 68 bytes of an encoded Stat taken when the (sub-)txn was applied.
   */
  statBytes?: Buffer | undefined;
  /** The same stat decoded (made on each read: the server itself only copies the bytes). */
  readonly stat?: Stat | undefined;
}

export interface ApplyResult extends TxnOutcome {
  zxid: bigint;
  /** Per sub-txn outcomes of a multi, in order (only those reached if the multi could not be read). */
  multi?: TxnOutcome[] | undefined;
  /** Watch triggers in firing order (a closeSession yields one pair per ephemeral deleted). */
  triggers: WatchTrigger[];
  /** The txn carried a digest and the tree's digest after applying it differs (the reference logs and counts it). */
  digestMismatch: boolean;
}

export interface DataTreeOptions {
  /** zookeeper.extendedTypesEnabled: owners with 0xFF in the high byte are TTL nodes. The reference's default is false. */
  extendedTypesEnabled?: boolean;
  /** zookeeper.digest.enabled (default true): maintain the tree digest and check txn digests. */
  digestEnabled?: boolean;
}
