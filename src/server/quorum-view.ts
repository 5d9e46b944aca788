// What a quorum member adds to the four-letter words and the metrics, read from the peer's
// QuorumStatus: the `conf` lines and peer state (QuorumZooKeeperServer), and the gauges each role
// registers (QuorumZooKeeperServer, LeaderZooKeeperServer, FollowerZooKeeperServer).

import type { QuorumView } from '../fourletter/view';
import type { LeaderStatus, QuorumStatus, RoleKind } from './roles';

export function quorumView(q: QuorumStatus, leading: boolean): QuorumView {
  const leader = leading ? q.leader() : null;
  return {
    peerState: q.peerState(),
    initLimit: q.initLimit,
    syncLimit: q.syncLimit,
    electionAlg: 3,
    electionPort: q.electionPort,
    quorumPort: q.quorumPort,
    peerType: q.peerType,
    membership: q.configText(),
    proposalSizes: leader === null ? null : leader.proposalSizes,
  };
}

/** Gauge reads for ServerMetrics.registerRoleGauges; a leader's read null (unlisted) while it is not leading. */
export function roleGaugeReads(kind: RoleKind, q: QuorumStatus): Record<string, () => number | null> {
  const lead = (f: (l: LeaderStatus) => number) => (): number | null => {
    const l = q.leader();
    return l === null ? null : f(l);
  };
  return {
    quorum_size: () => q.quorumSize,
    learners: lead((l) => l.learners),
    synced_followers: lead((l) => l.syncedFollowers),
    synced_non_voting_followers: lead((l) => l.syncedNonVotingFollowers),
    // A follower reports its observer master's count, null (not listed) without one.
    synced_observers: kind === 'leader' ? lead((l) => l.syncedObservers) : () => q.observerMasterSynced?.() ?? null,
    pending_syncs: lead((l) => l.pendingSyncs),
    leader_uptime: lead((l) => l.uptimeMs),
    last_proposal_size: lead((l) => l.proposalSizes.last),
    max_proposal_size: lead((l) => l.proposalSizes.max),
    min_proposal_size: lead((l) => l.proposalSizes.min),
  };
}
