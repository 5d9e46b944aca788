// What a quorum member's client pipeline is wired to while it serves. A standalone server prepares
// writes and logs them itself; a leader prepares them and hands the txns to Zab (the reply waits
// for the commit); a follower or observer prepares nothing: it forwards writes, sync and session
// changes to the leader and answers them when the committed txn comes back.

import type { LoggedTxn } from '../persistence/txn';
import type { ForwardedRequest } from '../quorum/zab/learner-types';
import type { ReconfigHook } from './prep/reconfig';

/** The leader's Zab side, as the pipeline sees it (implemented by the peer's leader runner). */
export interface LeaderLink {
  /** The zxid the next txn takes; asked once per txn by the prep stage. */
  nextZxid(): bigint;
  /** Proposes a prepared txn (numbered with nextZxid()); `committed` is called once a quorum has it. */
  propose(txn: LoggedTxn): void;
  /** With reconfigEnabled: what prep needs to run a reconfig (absent: reconfig stays disabled). */
  readonly reconfig?: ReconfigHook;
}

/** A follower's or observer's Zab side (implemented by the peer's learner runner). */
export interface LearnerLink {
  forward(request: ForwardedRequest): void;
  /** A client reconnected with a session: ask the leader whether it is still valid. */
  revalidate(sessionId: bigint, timeoutMs: number): void;
  /** A local client's session was active (reported to the leader with the next PING). */
  touch(sessionId: bigint, timeoutMs: number): void;
}

export type ServingRole =
  | { readonly kind: 'leader'; readonly link: LeaderLink }
  | { readonly kind: 'follower' | 'observer'; readonly link: LearnerLink };

export type RoleKind = ServingRole['kind'];

/** What a quorum member shows in `conf`, `mntr` and `srvr` beyond a standalone server. */
export interface QuorumStatus {
  readonly serverId: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly electionPort: number;
  readonly quorumPort: number;
  /** LearnerType ordinal: 0 participant, 1 observer. */
  readonly peerType: 0 | 1;
  /** Voting members (quorum_size). */
  readonly quorumSize: number;
  /** QuorumVerifier.toString(): the `membership:` text of `conf`. */
  configText(): string;
  /** QuorumPeer.getDetailedPeerState(), e.g. `following - broadcast`. */
  peerState(): string;
  /** The leader's learner counts and proposal sizes, while leading. */
  leader(): LeaderStatus | null;
  /** A follower's observer master: its synced observers; null without one (observerMasterPort). */
  observerMasterSynced?(): number | null;
}

export interface LeaderStatus {
  readonly learners: number;
  readonly syncedFollowers: number;
  readonly syncedObservers: number;
  readonly syncedNonVotingFollowers: number;
  readonly pendingSyncs: number;
  readonly uptimeMs: number;
  readonly proposalSizes: { readonly last: number; readonly min: number; readonly max: number };
}
