// A quorum member's reconfig state beyond the config itself (QuorumPeer at release-3.8.0-1):
// its learner type (participant or observer, updateLearnerType), the reconfigFlag with the vote a
// committed reconfig named (updateVote), so that when the role ends the peer goes straight to the
// designated leader's ensemble without an election (updateServerState), and a config adopted from
// election gossip restarting the round (FastLeaderElection's shuttingDownLE).

import type { QuorumServerSpec } from '../../config/types';
import type { Logger } from '../../util/logger';
import { membersFromServers } from '../election/config-text';
import type { ElectionNode } from '../election/election-node';
import type { Decision } from '../election/runner';
import type { PeerConfig } from '../reconfig/peer-config';
import type { Sid, Zxid } from '../types';

export class PeerReconfigState {
  /** QuorumPeer.learnerType: true for an observer. */
  private observerValue: boolean;
  /** reconfigFlag: a reconfig just committed that says which role to take next. */
  private flagged = false;
  /** The vote updateVote set (the designated leader and the reconfig's zxid); null: keep the current one. */
  private vote: { readonly leader: Sid; readonly zxid: Zxid } | null = null;

  constructor(
    private readonly myId: Sid,
    private readonly config: PeerConfig,
    private readonly election: () => ElectionNode,
    private readonly log: Logger,
  ) {
    this.observerValue = config.members.observers.has(myId);
  }

  get observer(): boolean {
    return this.observerValue;
  }

  /**
   * QuorumPeer.processReconfig: activate a newer config; the learner type follows it, and with a
   * designated leader different from ours the next role is decided already. Returns true when the
   * role or the leader changed (the caller leaves its role).
   */
  process(text: string, designatedLeader: Sid | null, zxid: Zxid | null, currentLeader: Sid): { majorChange: boolean; membersChanged: boolean } {
    const clientBefore = this.clientAddress();
    const a = this.config.activateConfig(text, designatedLeader, currentLeader, this.observerValue);
    if (a === null) return { majorChange: false, membersChanged: false };
    const clientAfter = this.clientAddress();
    if (a.membersChanged && clientAfter !== null && clientAfter !== clientBefore) {
      // ServerCnxnFactory.reconfigure rebinds the client port here; the client listener cannot
      // move yet (it needs a rebind hook in ZkServer), so say so rather than pretend.
      this.log.warn('the new config moves this server\'s client address; it keeps listening on the old one until restarted', { from: clientBefore ?? '(none)', to: clientAfter });
    }
    if (a.roleChange) {
      this.observerValue = a.role === 'observer';
      this.election().driver.setObserver(this.observerValue);
      this.log.info(this.observerValue ? 'becoming an observer' : 'becoming a voting participant');
      this.flagged = true;
    }
    if (designatedLeader === null) {
      // No designated leader (NEWLEADER's config, election gossip): the next role comes from an election.
      this.flagged = false;
    } else if (designatedLeader !== currentLeader) {
      this.vote = { leader: designatedLeader, zxid: zxid ?? 0n };
      this.flagged = true;
      this.log.warn('suggested leader', { leader: String(designatedLeader) });
    }
    return { majorChange: a.majorChange, membersChanged: a.membersChanged };
  }

  private clientAddress(): string | null {
    const c = this.config.servers.find((s) => BigInt(s.id) === this.myId)?.client;
    return c === null || c === undefined ? null : `${c.host}:${c.port}`;
  }

  /**
   * processReconfig(qv, null, null, false) for a config a LOOKING peer saw in a notification: it
   * becomes ours (files, election members, learner type). True when the members differ (the
   * election then restarts its round, as shuttingDownLE does); null when not LOOKING (ignored).
   */
  adoptGossiped(text: string, looking: boolean, currentLeader: Sid): boolean | null {
    if (!looking) return null;
    return this.process(text, null, null, currentLeader).membersChanged;
  }

  /** A newer `.dynamic.next` at start is the last seen config; the election counts its voters too. */
  seenAtStart(servers: readonly QuorumServerSpec[], version: bigint): boolean {
    if (!this.config.seenAtStart(servers, version)) return false;
    this.election().machine.setNextMembers(membersFromServers(servers, version));
    return true;
  }

  /** The peer is LOOKING: a pending designation no longer applies (reconfigFlagClear). */
  clear(): void {
    this.flagged = false;
    this.vote = null;
  }

  /**
   * updateServerState once a role ended: with the flag set, the role the reconfig decided
   * (LEADING if we are the named leader, else FOLLOWING or OBSERVING by learner type); null
   * means LOOKING. The election answers LOOKING peers with this vote meanwhile.
   */
  takeNextRole(current: { readonly leader: Sid; readonly zxid: Zxid }): Decision | null {
    const flagged = this.flagged;
    const vote = this.vote ?? current;
    this.clear();
    if (!flagged) return null;
    const state = vote.leader === this.myId ? 'LEADING' : this.observerValue ? 'OBSERVING' : 'FOLLOWING';
    // new Vote(designatedLeader, zxid): no election epoch or peer epoch yet.
    const d: Decision = { state, vote: { id: vote.leader, zxid: vote.zxid, electionEpoch: -1n, peerEpoch: -1n, state } };
    this.election().driver.assume(state, { ...d.vote, state: 'LOOKING' });
    return d;
  }
}
