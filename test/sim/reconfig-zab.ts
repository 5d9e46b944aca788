// The leader side of reconfig in the simulation: the ZabLeader options the peer runtime passes
// with reconfigEnabled (quorum-peer.ts runRole), and the prep stage for a reconfig request, which
// runs planReconfig against the leader's config and proposes the txn prep would build.

import { membersFromServers, quorumConfigText } from '../../src/quorum/election/config-text';
import { majorityMembers, type Sid } from '../../src/quorum/types';
import { planReconfig } from '../../src/quorum/reconfig/plan';
import type { LeaderOptions } from '../../src/quorum/zab/leader-types';
import { ErrCode } from '../../src/protocol/opcodes';
import type { Following, Leading, SimPeer } from './peer';
import type { ZabTxn } from '../../src/quorum/zab/common';
import type { LearnerOutput } from '../../src/quorum/zab/learner-types';
import { chooseRequest, reconfigTxn, type SimConfig } from './reconfig-peer';
import type { Rng } from './rng';
import { zxidHex } from './model';

/** quorum-peer.ts: reconfigEnabled, the live config version, and NEWLEADER's config (ZOOKEEPER-1783 bump). */
export function reconfigLeaderOptions(cfg: SimConfig): Pick<LeaderOptions, 'reconfigEnabled' | 'configVersion' | 'newLeaderConfig'> {
  return {
    reconfigEnabled: true,
    configVersion: () => cfg.pc.version,
    newLeaderConfig: (newLeaderZxid) => {
      const pc = cfg.pc;
      if (pc.version === 0n && pc.lastSeenVersion === 0n) pc.proposed(quorumConfigText(pc.servers, newLeaderZxid));
      return Buffer.from(pc.lastSeenText, 'utf8');
    },
  };
}

/**
 * A client's reconfig reaches the leader's prep stage: the checks of planReconfig (with the
 * leader's committed and last seen configs, and "synced" meaning a serving follower of this
 * epoch), then the txn is proposed like a write. Returns what happened, for the trace.
 */
export function prepReconfig(p: SimPeer, r: Leading, rng: Rng, all: readonly number[], followersInEpoch: () => Sid[]): string {
  const cfg = p.cfg;
  if (cfg === null) return 'no config';
  const pc = cfg.pc;
  const req = chooseRequest(rng, pc.lastSeenServers, all);
  const plan = planReconfig(
    { joiningServers: req.joining, leavingServers: req.leaving, newMembers: req.members, curConfigId: rng.chance(0.2) ? pc.lastSeenVersion : -1n },
    {
      reconfigEnabled: true,
      sessionErr: ErrCode.OK,
      isLeader: true,
      committedVersion: pc.version,
      lastSeenVersion: pc.lastSeenVersion,
      lastSeenServers: pc.lastSeenServers,
      standaloneEnabled: true,
      // Leader.isQuorumSynced: the synced voters of the new config, with the leader if it votes there.
      quorumSynced: (voters) => {
        const synced = new Set<Sid>([p.sid, ...followersInEpoch()]);
        return majorityMembers(voters).containsQuorum(voters.filter((v) => synced.has(v)));
      },
      mayWriteConfig: true,
    },
  );
  const what = `${req.kind} (${req.leaving ?? req.joining ?? req.members})`;
  if (!plan.ok) return `reconfig ${what} refused: ${plan.message}`;
  const zxid = r.m.lastProposed + 1n;
  const txn = reconfigTxn(zxid, plan.servers, Number(zxid & 0x7fffffffn));
  p.env.count(`reconfig proposed (${req.kind})`);
  p.zab.stepLeader(r, { type: 'propose', txn, nowMs: p.env.sched.now });
  proposedUnder(p, r, zxid);
  return `reconfig ${what} proposed at ${zxidHex(zxid)}`;
}

/**
 * The configs a proposal just made must have a quorum of: the committed one, and the last seen one
 * while it is newer (a pending reconfig, including the one just proposed).
 */
export function proposedUnder(p: SimPeer, r: Leading, zxid: bigint): void {
  const cfg = p.cfg;
  if (cfg === null || r.quorums === undefined || r.m.lastProposed !== zxid) return;
  const pc = cfg.pc;
  const configs = [pc.members];
  if (pc.lastSeenVersion > pc.version) configs.push(membersFromServers(pc.lastSeenServers, pc.lastSeenVersion));
  r.quorums.proposed(zxid, configs);
}

/** The leader's activateConfig: a committed reconfig becomes its config. */
export function leaderActivates(p: SimPeer, r: Leading, config: string, designated: Sid): void {
  const cfg = p.cfg;
  if (cfg === null) return;
  p.env.trace(p.sid, () => `activates the committed reconfig (designated leader ${designated})`);
  if (designated !== p.sid) p.env.count('reconfig designates another leader');
  cfg.activate(config, designated, p.sid, false, 'commit at the leader');
  // A leader that left the voters may still commit what it proposed so far (each has quorums of
  // both configs), but nothing it proposes later.
  if (!cfg.members.voters.has(p.sid)) r.nonVoterFrom = r.m.lastProposed;
}

/** Leader.startZkServer: the config sent with NEWLEADER is activated (ZOOKEEPER-1324). */
export function leaderServes(p: SimPeer, r: Leading, zxid: bigint): void {
  const cfg = p.cfg;
  if (cfg === null) return;
  if (cfg.pc.lastSeenVersion > cfg.pc.version) cfg.activate(cfg.pc.lastSeenText, p.sid, p.sid, false, 'leader serving');
  if (!cfg.members.voters.has(p.sid)) r.nonVoterFrom = zxid;
}

/** The leader is about to apply a commit: check it against the acks and its voting status. */
export function leaderCommits(p: SimPeer, r: Leading, zxid: bigint): void {
  r.quorums?.committed(zxid, loggedAt(p.disk.durable.log, zxid));
  if (p.cfg !== null && r.nonVoterFrom !== undefined) p.env.configs?.leaderCommits(p.sid, zxid, p.cfg.members, r.nonVoterFrom);
}

/**
 * A learner's activateConfig, as LearnerRunner: true when the role must end now; a change of role
 * or leader that comes with the commit ends it after the reconfig txn is applied.
 */
export function learnerActivates(p: SimPeer, r: Following, o: Extract<LearnerOutput, { type: 'activateConfig' }>): boolean {
  const cfg = p.cfg;
  if (cfg === null) return false;
  const major = cfg.activate(o.config, o.designatedLeader, r.conn.leaderSid, r.observer, `${o.zxid === null ? 'sync' : 'commit'} from leader ${r.conn.leaderSid}`);
  if (!major) return false;
  p.env.count('reconfig ends a learner role');
  if (!o.thenApplies) return true;
  r.endAfterApply = true;
  return false;
}

/** Is `zxid` in the log? Searched from the end, where a just-committed txn is. */
function loggedAt(log: readonly ZabTxn[], zxid: bigint): boolean {
  for (let i = log.length - 1; i >= 0; i--) {
    const z = log[i]!.zxid;
    if (z === zxid) return true;
    if (z < zxid) return false;
  }
  return false;
}
