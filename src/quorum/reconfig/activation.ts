// What activating a new config means for one server (QuorumPeer.processReconfig,
// updateLearnerType, updateVote at release-3.8.0-1), as a pure decision: does this server's role
// change, does its leader change, and so must it leave the current role and elect again?

import type { QuorumServerSpec } from '../../config/types';
import type { PeerRole } from '../../config/types';

export interface ActivationInput {
  readonly myId: number;
  readonly prevServers: readonly QuorumServerSpec[];
  readonly prevVersion: bigint;
  readonly nextServers: readonly QuorumServerSpec[];
  readonly nextVersion: bigint;
  /** The role this server runs as now: participant (leader/follower) or observer. */
  readonly myRole: PeerRole;
  /** The leader this server follows (or is). */
  readonly currentLeader: bigint;
  /** COMMITANDACTIVATE / INFORMANDACTIVATE name one; null when the config came from NEWLEADER. */
  readonly designatedLeader: bigint | null;
}

export interface Activation {
  /** False when the config is not newer (a repeat of a config already active): nothing to do. */
  readonly applies: boolean;
  /** The role this server takes under the new config (a server left out stays a non-voting participant). */
  readonly role: PeerRole;
  readonly roleChange: boolean;
  readonly leaderChange: boolean;
  /** roleChange || leaderChange: the reference throws out of its role and elects again. */
  readonly majorChange: boolean;
}

export function decideActivation(a: ActivationInput): Activation {
  const none: Activation = { applies: false, role: a.myRole, roleChange: false, leaderChange: false, majorChange: false };
  if (a.nextVersion <= a.prevVersion || sameMembers(a.prevServers, a.nextServers)) return { ...none, applies: a.nextVersion > a.prevVersion };
  const me = a.nextServers.find((s) => s.id === a.myId);
  // updateLearnerType: listed as observer -> observer; as voter -> participant; absent -> participant.
  const role: PeerRole = me?.role ?? 'participant';
  const roleChange = role !== a.myRole;
  let leaderChange: boolean;
  if (a.designatedLeader !== null) {
    leaderChange = a.designatedLeader !== a.currentLeader;
  } else {
    // No designated leader: the leader changes unless it votes, at the same address, in both.
    const before = a.prevServers.find((s) => BigInt(s.id) === a.currentLeader && s.role === 'participant');
    const after = a.nextServers.find((s) => BigInt(s.id) === a.currentLeader && s.role === 'participant');
    leaderChange = before === undefined || after === undefined || quorumAddress(before) !== quorumAddress(after);
  }
  return { applies: true, role, roleChange, leaderChange, majorChange: roleChange || leaderChange };
}

/** QuorumMaj.equals: the same members with the same addresses and roles (versions aside). */
export function sameMembers(a: readonly QuorumServerSpec[], b: readonly QuorumServerSpec[]): boolean {
  if (a.length !== b.length) return false;
  const key = (s: QuorumServerSpec): string => `${s.id}=${quorumAddress(s)}:${s.role}`;
  const ka = new Set(a.map(key));
  return b.every((s) => ka.has(key(s)));
}

function quorumAddress(s: QuorumServerSpec): string {
  return s.addresses.map((x) => `${x.host}:${x.quorumPort}:${x.electionPort}`).join('|');
}
