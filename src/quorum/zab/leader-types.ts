// Options, inputs and outputs of the leader machine (leader.ts).

import type { Id, QuorumPacket } from '../../protocol/generated';
import type { QuorumMembers, Sid, Zxid } from '../types';
import type { DurableOutput, LogOutput, Token, ZabTiming, ZabTxn } from './common';
import type { LearnerRequest, SessionTouch } from './payloads';
import type { SyncPlan, SyncProposal, TxnLogSync } from './sync-planner';

/** The runtime's handle for one accepted learner connection. */
export type ConnId = number;

export interface LeaderOptions extends ZabTiming {
  readonly sid: Sid;
  /** The current (committed) quorum config: who votes, and its version. */
  readonly members: QuorumMembers;
  readonly acceptedEpoch: bigint;
  readonly currentEpoch: bigint;
  /** The loaded DataTree's lastProcessedZxid. */
  readonly lastProcessedZxid: Zxid;
  /** The last committed txns loaded from disk, oldest first (restore keeps <= commitLogCount). */
  readonly committedLog?: readonly SyncProposal[];
  /** zookeeper.commitLogCount, default 500. */
  readonly commitLogCount?: number;
  /**
   * zookeeper.leader.maxConcurrentSnapSyncs / maxConcurrentDiffSyncs (defaults 10 / 100): observers
   * beyond these are refused while other syncs are in flight (LearnerSyncThrottler); followers are
   * never refused but count toward the limits.
   */
  readonly maxConcurrentSnapSyncs?: number;
  readonly maxConcurrentDiffSyncs?: number;
  /** zookeeper.forceSnapshotSync. */
  readonly forceSnapSync?: boolean;
  /** Sync from the on-disk txn log when the committed log is too short (snapshotSizeFactor >= 0). */
  readonly txnLog?: TxnLogSync;
  /**
   * The NEWLEADER data: the leader's last seen config text (QuorumVerifier.toString()). With
   * reconfig disabled (the default) that is the static config with its own version (0 for a
   * zoo.cfg), as a Java 3.8.0 leader was seen to send; with reconfig enabled the reference first
   * bumps a version-0 config to the new leader's zxid (ZOOKEEPER-1783). Null sends no data.
   */
  readonly newLeaderConfig?: (newLeaderZxid: Zxid) => Buffer | null;
  /**
   * zookeeper.leader.ackLoggingFrequency (default 1000): an ack of a proposal whose zxid is a
   * multiple of this is sampled for ack_latency; <= 0 samples none.
   */
  readonly ackLoggingFrequency?: number;
  /**
   * Leader.processAck sampled an ack (ServerMetrics ACK_LATENCY, keyed by the acking sid, ours
   * included); `txnTimeMs` is the txn header's time. A metrics hook, not an output: it changes
   * nothing on the wire or on disk.
   */
  readonly ackSampled?: (sid: Sid, zxid: Zxid, txnTimeMs: bigint) => void;
  readonly nowMs: number;
  /**
   * reconfigEnabled: a proposed reconfig txn needs quorums of the old and the new config, and its
   * commit goes out as COMMITANDACTIVATE / INFORMANDACTIVATE with an activateConfig output.
   */
  readonly reconfigEnabled?: boolean;
  /**
   * The committed config's version right now, when the runtime can change it outside the machine
   * (the ZOOKEEPER-1783 bump at start). Learners with a newer one are refused. Default: members.version.
   */
  readonly configVersion?: () => bigint;
}

export type LeaderInput =
  /** A learner connected to the quorum port. */
  | { readonly type: 'connected'; readonly conn: ConnId; readonly nowMs: number }
  | { readonly type: 'packet'; readonly conn: ConnId; readonly packet: QuorumPacket; readonly nowMs: number }
  /** The connection closed or failed (not needed after the machine's own `close`). */
  | { readonly type: 'closed'; readonly conn: ConnId; readonly nowMs: number }
  /** A SNAP stream asked for by `sendSnapshot` has been written out; the ACK wait starts now. */
  | { readonly type: 'snapshotSent'; readonly conn: ConnId; readonly nowMs: number }
  | { readonly type: 'persisted'; readonly token: Token; readonly nowMs: number }
  | { readonly type: 'tick'; readonly nowMs: number }
  /** A txn from the leader's request pipeline, with the next zxid (only after `serve`). */
  | { readonly type: 'propose'; readonly txn: ZabTxn; readonly nowMs: number }
  /** A learner's sync request (forwarded as REQUEST op sync) reached the proposal stage. */
  | { readonly type: 'learnerSync'; readonly conn: ConnId; readonly nowMs: number }
  /** The answer to `revalidateSession`. */
  | { readonly type: 'sessionRevalidated'; readonly conn: ConnId; readonly sessionId: bigint; readonly valid: boolean; readonly nowMs: number };

export type LeaderOutput =
  | DurableOutput
  | LogOutput
  | { readonly type: 'send'; readonly to: ConnId; readonly packet: QuorumPacket }
  /** Write the tree as a SNAP stream now (right after the SNAP packet just sent to `to`). */
  | { readonly type: 'sendSnapshot'; readonly to: ConnId; readonly zxid: Zxid }
  /** Drop one learner connection. */
  | { readonly type: 'close'; readonly conn: ConnId; readonly reason: string }
  /** A learner identified itself. */
  | { readonly type: 'learnerIdentified'; readonly conn: ConnId; readonly sid: Sid; readonly observer: boolean }
  /** How a learner is being synced (for logs, metrics and the four-letter words). */
  | { readonly type: 'learnerSyncPlanned'; readonly conn: ConnId; readonly sid: Sid; readonly plan: Omit<SyncPlan, 'proposals'> & { readonly proposalCount: number } }
  /**
   * A quorum acked NEWLEADER: start the leader pipeline. Txns proposed from now on use zxids
   * above `zxid` (= newEpoch << 32), which is also the tree's new lastProcessedZxid.
   */
  | { readonly type: 'serve'; readonly epoch: bigint; readonly zxid: Zxid }
  /** A learner forwarded a client request (REQUEST); hand it to the prep stage. */
  | { readonly type: 'learnerRequest'; readonly conn: ConnId; readonly sid: Sid; readonly request: LearnerRequest }
  /** Session touches from a learner's PING. */
  | { readonly type: 'touchSessions'; readonly sid: Sid; readonly sessions: readonly SessionTouch[] }
  /** Is this global session valid (and if so, make `sid` its owner)? Answer with sessionRevalidated. */
  | { readonly type: 'revalidateSession'; readonly conn: ConnId; readonly sid: Sid; readonly sessionId: bigint; readonly timeoutMs: number }
  /** A reconfig txn was proposed: its config is the last seen one (`.dynamic.next`). */
  | { readonly type: 'configProposed'; readonly config: string }
  /**
   * A reconfig txn committed: activate its config (before the txn is applied). Same shape as the
   * learner's output; a leader never ends its role for it here (zxid null, thenApplies false).
   */
  | { readonly type: 'activateConfig'; readonly config: string; readonly designatedLeader: Sid; readonly zxid: Zxid | null; readonly thenApplies: boolean }
  /** Stop leading (no quorum, timeout, zxid roll-over): every learner was closed; go back to election. */
  | { readonly type: 'abdicate'; readonly reason: string };

export type { Id };
