// The reconfig worlds' extra checks: every server that activates config version v activates the
// same membership, and an established leader votes in the config it leads with. The checks of
// checker.ts (one established leader per epoch, agreement of committed prefixes, nothing
// committed lost) keep running unchanged: with configs changing, two quorums that commit
// conflicting txns would show up there as diverging claims.

import type { QuorumMembers, Sid } from '../../src/quorum/types';
import type { Checker } from './checker';
import { membershipKey } from './reconfig-peer';

export class ConfigChecker {
  /** Version -> membership and who activated it first. */
  private readonly seen = new Map<bigint, { key: string; by: Sid; how: string }>();
  activations = 0;

  constructor(private readonly checker: Checker) {}

  activated(sid: Sid, version: bigint, members: QuorumMembers, how: string): void {
    this.activations++;
    const key = membershipKey(members);
    const first = this.seen.get(version);
    if (first === undefined) {
      this.seen.set(version, { key, by: sid, how });
      return;
    }
    if (first.key !== key) {
      this.checker.fail('safety', `config ${version.toString(16)}: server ${sid} activated ${key} (${how}) but server ${first.by} activated ${first.key} (${first.how})`);
    }
  }

  /**
   * Leader.allowedToCommit: a leader that no longer votes in its active config (it activated one
   * without itself at serve time or by committing a reconfig) hands over and commits nothing it
   * proposes afterwards. `from` is its last proposed zxid when it stopped voting. (The reference
   * also leaves the earlier outstanding proposals to the next leader; zkts commits those that
   * already have quorums of both configs, which is safe.)
   */
  leaderCommits(sid: Sid, zxid: bigint, members: QuorumMembers, from: bigint | null): void {
    if (from !== null && zxid > from && !members.voters.has(sid)) {
      this.checker.fail('safety', `leader ${sid} committed 0x${zxid.toString(16)} after it stopped voting at 0x${from.toString(16)} (${membershipKey(members)}, version ${members.version.toString(16)})`);
    }
  }

  get versions(): number {
    return this.seen.size;
  }
}

/**
 * One leader role's commits, checked against the acks it actually received: a proposal needs a
 * quorum of every config in force when it was made (the committed one, and a proposed one while a
 * reconfig is pending: Proposal.qvAcksetPairs). Two disjoint quorums of configs in force could
 * otherwise commit conflicting txns; this catches a tracker that counts the wrong config before
 * any divergence shows up.
 */
export class CommitQuorums {
  private readonly need = new Map<bigint, readonly QuorumMembers[]>();
  private readonly acks = new Map<bigint, Set<Sid>>();

  constructor(
    private readonly checker: Checker,
    private readonly leader: Sid,
  ) {}

  proposed(zxid: bigint, configs: readonly QuorumMembers[]): void {
    this.need.set(zxid, configs);
  }

  acked(sid: Sid, zxid: bigint): void {
    let s = this.acks.get(zxid);
    if (s === undefined) this.acks.set(zxid, (s = new Set()));
    s.add(sid);
  }

  /** `selfLogged`: the leader's own log holds the txn (it acks itself once it is durable). */
  committed(zxid: bigint, selfLogged: boolean): void {
    const configs = this.need.get(zxid);
    if (configs === undefined) return;
    const acks = new Set(this.acks.get(zxid) ?? []);
    if (selfLogged) acks.add(this.leader);
    for (const c of configs) {
      if (!c.containsQuorum(acks)) {
        this.checker.fail('safety', `leader ${this.leader} committed 0x${zxid.toString(16)} without a quorum of config ${c.version.toString(16)} (${membershipKey(c)}); acks from ${[...acks].join(',') || 'nobody'}`);
      }
    }
    this.need.delete(zxid);
    this.acks.delete(zxid);
  }
}
