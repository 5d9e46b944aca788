// Reconfiguration in the simulation: each server's config is the production PeerConfig (the
// committed config survives a crash as the dynamic file does; the last seen, proposed one does
// not, since zkts does not read `.dynamic.next` at start-up), the reconfig txn is the one prep
// builds (SetDataTxn on /zookeeper/config with the txn's zxid as version), and the checks for a
// request are planReconfig's. Only worlds built with a ReconfigSchedule use any of this, so the
// plain seeds run exactly as before.

import type { QuorumServerSpec } from '../../src/config/types';
import { parseServerLine } from '../../src/config/servers';
import { encodeTxn, type LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { quorumConfigText } from '../../src/quorum/election/config-text';
import { PeerConfig } from '../../src/quorum/reconfig/peer-config';
import { txnFromBytes, type ZabTxn } from '../../src/quorum/zab/common';
import type { QuorumMembers, Sid, Zxid } from '../../src/quorum/types';
import { silentLogger } from '../../src/util/logger';
import { Rng } from './rng';

/** The session id reconfig txns carry (no client session of the sim uses it). */
export const RECONFIG_SESSION = 0x7ffen;

/** Distinct ports per server, so -add passes the reference's address-clash check. */
export function serverSpec(sid: number, role: 'participant' | 'observer'): QuorumServerSpec {
  const r = parseServerLine(sid, `127.0.0.1:${2000 + sid}:${3000 + sid}:${role};127.0.0.1:${4000 + sid}`, false);
  if (!r.ok) throw new Error(`bad server spec for ${sid}: ${r.error}`);
  return r.value;
}

/** The server string of a `-add` (`server.N=...`). */
export function joinString(sid: number, role: 'participant' | 'observer'): string {
  return `server.${sid}=127.0.0.1:${2000 + sid}:${3000 + sid}:${role};127.0.0.1:${4000 + sid}`;
}

/** The reconfig txn prep makes: SetDataTxn{/zookeeper/config, config with version = zxid, -1}. */
export function reconfigTxn(zxid: Zxid, servers: readonly QuorumServerSpec[], seq: number): ZabTxn {
  const data = Buffer.from(quorumConfigText(servers, zxid), 'utf8');
  const t: LoggedTxn = {
    header: { clientId: RECONFIG_SESSION, cxid: seq, zxid, time: 1_700_000_000_000n, type: OpCode.reconfig },
    body: { type: OpCode.reconfig, txn: { path: '/zookeeper/config', data, version: -1 } },
    digest: null,
  };
  return txnFromBytes(encodeTxn(t));
}

/** Membership as one comparable string: voters and observers, ascending. */
export function membershipKey(m: QuorumMembers): string {
  const asc = (a: Sid, b: Sid): number => (a < b ? -1 : a > b ? 1 : 0);
  return `voters ${[...m.voters].sort(asc).join(',')} observers ${[...m.observers].sort(asc).join(',')}`;
}

/**
 * The peer runtime's choices around reconfig that the simulated servers copy (as policy.ts does
 * for the others). Both are what the reference does; reconfig-known.test.ts keeps a seed that
 * fails without each.
 */
export interface ReconfigRuntime {
  /**
   * updateLearnerType: activating a config that turns this server from observer to participant
   * (or back) changes the role its next election decides (FleMachine.setObserver). Without it an
   * observer made a voter keeps deciding OBSERVING, its vote never counts, and a LOOKING voter can
   * be left without a quorum of FOLLOWING/LEADING votes for ever.
   */
  readonly learnerTypeFollowsConfig: boolean;
  /**
   * A LOOKING server that adopts a newer config with other members from a notification starts its
   * round again (restartLeaderElection); else it keeps the round it is in.
   */
  readonly restartOnNewerConfig: boolean;
}

export const RECONFIG_RUNTIME: ReconfigRuntime = { learnerTypeFollowsConfig: true, restartOnNewerConfig: true };

export interface SimConfigHooks {
  /** The election must count with these members from now on. */
  electionMembers(members: QuorumMembers, text: string): void;
  /** A config was activated here (for the checker). */
  activated(version: bigint, members: QuorumMembers, how: string): void;
}

/** One server's config: the production PeerConfig, re-created at each restart from the committed one. */
export class SimConfig {
  pc: PeerConfig;

  constructor(
    private readonly myId: number,
    servers: readonly QuorumServerSpec[],
    private readonly hooks: SimConfigHooks,
  ) {
    this.pc = this.make(servers, 0n);
  }

  private make(servers: readonly QuorumServerSpec[], version: bigint): PeerConfig {
    return new PeerConfig({
      myId: this.myId,
      servers,
      version,
      reconfigEnabled: true,
      configFile: null,
      log: silentLogger,
      hooks: { electionMembers: (m, text) => this.hooks.electionMembers(m, text), configNode: () => undefined },
    });
  }

  /** A restart reads back the committed (activated) config only. */
  restart(): void {
    this.pc = this.make(this.pc.servers, this.pc.version);
  }

  get members(): QuorumMembers {
    return this.pc.members;
  }

  /** processReconfig; true when this server's role or leader changes (it must leave its role). */
  activate(text: string, designated: Sid | null, currentLeader: Sid, observing: boolean, how: string): boolean {
    const before = this.pc.version;
    const major = this.pc.activate(text, designated, currentLeader, observing);
    if (this.pc.version !== before) this.hooks.activated(this.pc.version, this.pc.members, how);
    return major;
  }
}

export type ReconfigKind = 'remove' | 'add' | 'toObserver' | 'toParticipant' | 'members';

/** When reconfigs are attempted; what each one does is chosen then, from the leader's config. */
export interface ReconfigSchedule {
  readonly times: readonly number[];
  readonly rng: Rng;
}

/** A separate seed stream: the plain scenario's draws are untouched. */
export function reconfigScheduleFor(seed: number, chaosEndMs: number): ReconfigSchedule {
  const rng = new Rng(seed * 7919 + 104_729);
  const n = rng.int(1, 5);
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(rng.int(300, chaosEndMs - 100));
  times.sort((a, b) => a - b);
  return { times, rng };
}

/**
 * The request a client sends, given the leader's last seen servers and every sid of the
 * ensemble: remove a voter, add a missing server back, flip a participant to observer or back,
 * or replace the whole list (-members) with one of those changes applied.
 */
export function chooseRequest(
  rng: Rng,
  lastSeen: readonly QuorumServerSpec[],
  all: readonly number[],
): { kind: ReconfigKind; joining: string | null; leaving: string | null; members: string | null } {
  const ids = new Set(lastSeen.map((s) => s.id));
  const voters = lastSeen.filter((s) => s.role === 'participant').map((s) => s.id);
  const observers = lastSeen.filter((s) => s.role === 'observer').map((s) => s.id);
  const missing = all.filter((id) => !ids.has(id));
  const kinds: ReconfigKind[] = ['remove', 'toObserver', 'members'];
  if (missing.length > 0) kinds.push('add', 'add');
  if (observers.length > 0) kinds.push('toParticipant');
  const kind = rng.pick(kinds);
  switch (kind) {
    case 'remove':
      return { kind, joining: null, leaving: String(rng.pick(voters)), members: null };
    case 'add':
      return { kind, joining: joinString(rng.pick(missing), rng.chance(0.8) ? 'participant' : 'observer'), leaving: null, members: null };
    case 'toObserver':
      return { kind, joining: joinString(rng.pick(voters), 'observer'), leaving: null, members: null };
    case 'toParticipant':
      return { kind, joining: joinString(rng.pick(observers), 'participant'), leaving: null, members: null };
    case 'members': {
      // Everyone currently listed, minus one voter, plus one missing server, or both at once (a
      // swap: the old and new voters' quorums can then be disjoint, which only the double quorum
      // of a pending reconfig keeps safe).
      const shape = missing.length === 0 ? 'drop' : rng.pick(['drop', 'add', 'swap'] as const);
      const drop = shape === 'add' ? -1 : rng.pick(voters);
      const keep = lastSeen.filter((s) => s.id !== drop).map((s) => joinString(s.id, s.role === 'observer' ? 'observer' : 'participant'));
      if (shape !== 'drop') keep.push(joinString(rng.pick(missing), 'participant'));
      return { kind, joining: null, leaving: null, members: keep.join(',') };
    }
  }
}
