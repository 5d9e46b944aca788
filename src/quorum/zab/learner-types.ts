// Options, inputs and outputs of the learner machine (learner.ts): a follower or an observer.

import type { Id, QuorumPacket } from '../../protocol/generated';
import type { Sid, Zxid } from '../types';
import type { DurableOutput, LogOutput, Token, ZabTiming } from './common';

export type LearnerKind = 'follower' | 'observer';

export interface LearnerOptions extends ZabTiming {
  readonly sid: Sid;
  readonly kind: LearnerKind;
  readonly acceptedEpoch: bigint;
  readonly currentEpoch: bigint;
  /** The loaded DataTree's lastProcessedZxid (QuorumPeer.getLastLoggedZxid). */
  readonly lastLoggedZxid: Zxid;
  /** The version of the learner's committed quorum config (sent in LearnerInfo). */
  readonly configVersion: bigint;
  readonly nowMs: number;
  /**
   * reconfigEnabled: reconfig txns and COMMITANDACTIVATE / INFORMANDACTIVATE are acted on
   * (configProposed / activateConfig outputs). Off, those packets end the connection as before.
   */
  readonly reconfigEnabled?: boolean;
}

export interface ForwardedRequest {
  readonly sessionId: bigint;
  readonly cxid: number;
  /** The client op code. */
  readonly opType: number;
  /** The request record after the RequestHeader (empty for bodiless ops). */
  readonly body: Buffer;
  /** The client's auth ids; null for createSession. */
  readonly authinfo: Id[] | null;
}

export type LearnerInput =
  | { readonly type: 'packet'; readonly packet: QuorumPacket; readonly nowMs: number }
  | { readonly type: 'persisted'; readonly token: Token; readonly nowMs: number }
  | { readonly type: 'tick'; readonly nowMs: number }
  /** The connection to the leader closed or failed. */
  | { readonly type: 'closed'; readonly nowMs: number }
  /** A client request this server cannot answer alone (writes, sync, global sessions). */
  | { readonly type: 'forwardRequest'; readonly request: ForwardedRequest; readonly nowMs: number }
  /** A client reconnected with a session this server does not own: ask the leader. */
  | { readonly type: 'revalidateSession'; readonly sessionId: bigint; readonly timeoutMs: number; readonly nowMs: number }
  /** A local client session was active; reported to the leader with the next PING reply. */
  | { readonly type: 'touchSession'; readonly sessionId: bigint; readonly timeoutMs: number; readonly nowMs: number };

export type LearnerOutput =
  | DurableOutput
  | LogOutput
  | { readonly type: 'send'; readonly packet: QuorumPacket }
  /**
   * The bytes after the SNAP packet are the leader's tree (a SNAP stream): replace the database
   * with it and set lastProcessedZxid = zxid; confirm with the token once loaded. With reconfig
   * disabled the runtime then puts its own config back into /zookeeper/config (ZOOKEEPER-2819).
   */
  | { readonly type: 'loadSnapshot'; readonly zxid: Zxid; readonly token: Token }
  /** Cut the txn log after `zxid` and reload the database from disk; confirm with the token. */
  | { readonly type: 'truncateLog'; readonly zxid: Zxid; readonly token: Token }
  /** Write a snapshot of the tree (`sync`: fsync it, as after a SNAP); confirm with the token. */
  | { readonly type: 'takeSnapshot'; readonly sync: boolean; readonly token: Token }
  /** The config the leader sent with NEWLEADER (its lastSeenQuorumVerifier text). */
  | { readonly type: 'leaderConfig'; readonly config: Buffer }
  /**
   * A reconfig was proposed (a reconfig PROPOSAL, or NEWLEADER's config): remember it as the last
   * seen config and write `.dynamic.next` (QuorumPeer.setLastSeenQuorumVerifier).
   */
  | { readonly type: 'configProposed'; readonly config: string }
  /**
   * Activate a config (QuorumPeer.processReconfig). `designatedLeader`/`zxid` come with
   * COMMITANDACTIVATE / INFORMANDACTIVATE, null after NEWLEADER. When activation changes this
   * server's role or leader, the runtime ends the role: right away when `thenApplies` is false,
   * else just after the next applyCommitted (the reconfig txn itself), as the reference does.
   */
  | { readonly type: 'activateConfig'; readonly config: string; readonly designatedLeader: Sid | null; readonly zxid: Zxid | null; readonly thenApplies: boolean }
  /** UPTODATE: start serving clients. */
  | { readonly type: 'serve'; readonly epoch: bigint }
  /** SYNC from the leader: complete the oldest pending sync request. */
  | { readonly type: 'syncCompleted' }
  /** REVALIDATE answer from the leader. */
  | { readonly type: 'sessionRevalidated'; readonly sessionId: bigint; readonly valid: boolean }
  /** Stop following: close the connection and go back to leader election. */
  | { readonly type: 'disconnect'; readonly reason: string }
  /** The reference exits the process here (12: COMMIT out of order, 13: bad sync packet). */
  | { readonly type: 'fatal'; readonly exitCode: number; readonly reason: string };

/** ExitCode values the reference uses for these failures. */
export const ExitCode = {
  UNMATCHED_TXN_COMMIT: 12,
  QUORUM_PACKET_ERROR: 13,
} as const;
