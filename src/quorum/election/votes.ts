// Vote arithmetic of FastLeaderElection: which candidate is better, when two recorded votes count as
// the same vote, whether agreeing votes form a quorum, and whether a named leader has confirmed.

import type { QuorumMembers, ServerStateName, Sid, Zxid } from '../types';

/** A candidate: who, with what history. */
export interface Candidate {
  readonly leader: Sid;
  readonly zxid: Zxid;
  readonly peerEpoch: bigint;
}

/**
 * A vote as FastLeaderElection records it in recvset / outofelection (Vote.java). `version` is the
 * sender's notification format (0 when recorded without it): it changes how votes compare.
 */
export interface RecordedVote {
  readonly id: Sid;
  readonly zxid: Zxid;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  readonly state: ServerStateName;
  readonly version: number;
}

/**
 * totalOrderPredicate: does `next` beat `current`? Lexicographic on (peerEpoch, zxid, id); a
 * candidate whose weight is 0 (an observer, a server outside the config) never wins.
 */
export function beats(members: QuorumMembers, next: Candidate, current: Candidate): boolean {
  if (members.weightOf(next.leader) === 0) return false;
  if (next.peerEpoch !== current.peerEpoch) return next.peerEpoch > current.peerEpoch;
  if (next.zxid !== current.zxid) return next.zxid > current.zxid;
  return next.leader > current.leader;
}

/**
 * Vote.equals. While either side is LOOKING every field but the state must match. Between settled
 * votes only (id, peerEpoch) count, since zxid and electionEpoch drift after a sync
 * (ZOOKEEPER-1805); and only the id when exactly one side predates the versioned format
 * (ZOOKEEPER-1732, mixed ensembles during upgrades).
 */
export function sameVote(a: RecordedVote, b: RecordedVote): boolean {
  if (a.state === 'LOOKING' || b.state === 'LOOKING') {
    return a.id === b.id && a.zxid === b.zxid && a.electionEpoch === b.electionEpoch && a.peerEpoch === b.peerEpoch;
  }
  if (a.version > 0 !== b.version > 0) return a.id === b.id;
  return a.id === b.id && a.peerEpoch === b.peerEpoch;
}

/**
 * SyncedLearnerTracker over `votes`: the senders whose vote equals `vote` must be a quorum of the
 * current config and, when a newer one has been seen, of that one too.
 */
export function agreeingQuorum(votes: ReadonlyMap<Sid, RecordedVote>, vote: RecordedVote, configs: readonly QuorumMembers[]): boolean {
  const agreeing: Sid[] = [];
  for (const [sid, v] of votes) if (sameVote(vote, v)) agreeing.push(sid);
  return configs.every((c) => c.containsQuorum(agreeing));
}

/**
 * checkLeader: a quorum backing someone else is not enough, the leader itself must have said
 * LEADING, so peers do not keep electing a crashed leader. Backing ourselves requires our own
 * clock to be that round.
 */
export function leaderConfirmed(votes: ReadonlyMap<Sid, RecordedVote>, leader: Sid, electionEpoch: bigint, myId: Sid, logicalClock: bigint): boolean {
  if (leader !== myId) return votes.get(leader)?.state === 'LEADING';
  return logicalClock === electionEpoch;
}
