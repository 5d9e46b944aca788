// QuorumPeer.getDetailedPeerState() and the rest of what `conf`, `srvr` and `mntr` show about a
// quorum member, read from the peer as it is right now.

import type { LeaderStatus, QuorumStatus } from '../../server/roles';
import type { ServerStateName } from '../types';
import type { LeaderRunner } from './leader-runner';
import type { LearnerRunner } from './learner-runner';

export type ZabState = 'election' | 'discovery' | 'synchronization' | 'broadcast';

export interface PeerStatusSource {
  readonly serverId: number;
  readonly initLimit: number;
  readonly syncLimit: number;
  readonly electionPort: number;
  readonly quorumPort: number;
  readonly observer: boolean;
  readonly quorumSize: number;
  readonly configText: string;
  state(): ServerStateName;
  leader(): LeaderRunner | null;
  learner(): LearnerRunner | null;
  /** The follower's observer master, if it runs one. */
  observerMaster?(): { readonly machine: { readonly activeObservers: readonly unknown[] } } | null;
}

export function peerStatus(s: PeerStatusSource): QuorumStatus {
  return {
    serverId: s.serverId,
    initLimit: s.initLimit,
    syncLimit: s.syncLimit,
    electionPort: s.electionPort,
    quorumPort: s.quorumPort,
    // Read when shown: both follow the active config after a reconfig (the quorum_size gauge).
    get peerType() {
      return s.observer ? 1 : 0;
    },
    get quorumSize() {
      return s.quorumSize;
    },
    configText: () => s.configText,
    peerState: () => detailedPeerState(s),
    leader: () => leaderStatus(s.leader()),
    observerMasterSynced: () => {
      const om = s.observerMaster?.() ?? null;
      return om === null ? null : om.machine.activeObservers.length;
    },
  };
}

/** `looking`, `following - broadcast`, `observing - synchronization - snap`, ... */
export function detailedPeerState(s: PeerStatusSource): string {
  const state = s.state();
  let text = state.toLowerCase();
  const zab = zabState(s);
  if (zab !== 'election') text += ` - ${zab}`;
  const mode = syncMode(s);
  if (mode !== null) text += ` - ${mode}`;
  return text;
}

function zabState(s: PeerStatusSource): ZabState {
  if (s.state() === 'LOOKING') return 'election';
  const l = s.leader();
  if (l !== null) {
    switch (l.machine.phase) {
      case 'epoch':
      case 'acceptedPersist':
      case 'epochAck':
        return 'discovery';
      case 'currentPersist':
      case 'newLeaderAck':
        return 'synchronization';
      default:
        return 'broadcast';
    }
  }
  const m = s.learner()?.machine ?? null;
  if (m === null || m.phase === 'registering') return 'discovery';
  return m.phase === 'broadcast' ? 'broadcast' : 'synchronization';
}

/** The reference sets the sync mode when the sync packet arrives and clears it at NEWLEADER. */
function syncMode(s: PeerStatusSource): string | null {
  const m = s.learner()?.machine ?? null;
  if (m === null || (m.phase !== 'firstSync' && m.phase !== 'syncing')) return null;
  return m.syncMode?.toLowerCase() ?? null;
}

function leaderStatus(r: LeaderRunner | null): LeaderStatus | null {
  if (r === null || r.machine.phase !== 'broadcast') return null;
  const rows = r.machine.learners();
  const synced = rows.filter((l) => l.phase === 'broadcast');
  return {
    learners: rows.length,
    syncedFollowers: synced.filter((l) => !l.observer).length,
    syncedObservers: synced.filter((l) => l.observer).length,
    // Non-voting followers exist only with dynamic reconfig.
    syncedNonVotingFollowers: 0,
    pendingSyncs: 0,
    uptimeMs: r.servingSinceMs === null ? 0 : Date.now() - r.servingSinceMs,
    proposalSizes: { ...r.proposalSizes },
  };
}
