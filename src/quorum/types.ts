// Shared quorum vocabulary: server ids, zxids, peer states, votes and quorum membership.
// Election (src/quorum/election) and ZAB (src/quorum/zab) both import from here, so keep it small
// and stable: add, don't rename.

/** A server id (`server.N` / myid). Java's long. */
export type Sid = bigint;
/** `(epoch << 32) | counter` (ZxidUtils). Java's long; -1n means "none". */
export type Zxid = bigint;

const COUNTER_MASK = 0xffffffffn;

/** The high 32 bits of a zxid: the epoch that produced it (ZxidUtils.getEpochFromZxid). */
export function epochOf(zxid: Zxid): bigint {
  return zxid >> 32n;
}

/** The low 32 bits of a zxid: the counter within its epoch (ZxidUtils.getCounterFromZxid). */
export function counterOf(zxid: Zxid): bigint {
  return zxid & COUNTER_MASK;
}

/** ZxidUtils.makeZxid: the counter is masked, the epoch shifted; the result is a signed long. */
export function makeZxid(epoch: bigint, counter: bigint): Zxid {
  return BigInt.asIntN(64, (epoch << 32n) | (counter & COUNTER_MASK));
}

/** Java's Long.MIN_VALUE: observers put it in their own vote (they never propose a leader). */
export const LONG_MIN: bigint = -(1n << 63n);

/**
 * QuorumPeer.ServerState. The numbers are the wire values of a notification's `state` field
 * (FastLeaderElection.buildMsg writes `state.ordinal()`).
 */
export const ServerState = {
  LOOKING: 0,
  FOLLOWING: 1,
  LEADING: 2,
  OBSERVING: 3,
} as const;
export type ServerStateName = keyof typeof ServerState;
export type ServerStateCode = (typeof ServerState)[ServerStateName];

export function serverStateName(code: number): ServerStateName | undefined {
  switch (code) {
    case 0: return 'LOOKING';
    case 1: return 'FOLLOWING';
    case 2: return 'LEADING';
    case 3: return 'OBSERVING';
    default: return undefined;
  }
}

/**
 * A vote (Vote.java): who should lead and why. Ordered by (peerEpoch, zxid, id) when comparing
 * candidates; `electionEpoch` is the voter's logical clock and `state` the voter's own state.
 */
export interface Vote {
  readonly id: Sid;
  readonly zxid: Zxid;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  readonly state: ServerStateName;
}

/**
 * Who votes (participants) and who only listens (observers), plus the majority rule of QuorumMaj.
 * `version` is the config version (hex in config text); 0n for a static zoo.cfg.
 */
export interface QuorumMembers {
  readonly voters: ReadonlySet<Sid>;
  readonly observers: ReadonlySet<Sid>;
  readonly version: bigint;
  /** True when more than half of the voters are in `sids` (non-voters in `sids` do not count). */
  containsQuorum(sids: Iterable<Sid>): boolean;
  /** 1 for a voter, 0 for anyone else (a weight-0 server never wins an election). */
  weightOf(sid: Sid): number;
}

/** QuorumMaj: a strict majority of the voters. */
export function majorityMembers(voters: Iterable<Sid>, observers: Iterable<Sid> = [], version = 0n): QuorumMembers {
  const v = new Set(voters);
  const o = new Set(observers);
  for (const sid of o) {
    if (v.has(sid)) throw new Error(`server ${sid} cannot be both a voter and an observer`);
  }
  const half = Math.floor(v.size / 2);
  return {
    voters: v,
    observers: o,
    version,
    containsQuorum(sids: Iterable<Sid>): boolean {
      // Count distinct voters only: SyncedLearnerTracker drops acks from non-voters before asking.
      const seen = new Set<Sid>();
      for (const sid of sids) if (v.has(sid)) seen.add(sid);
      return seen.size > half;
    },
    weightOf(sid: Sid): number {
      return v.has(sid) ? 1 : 0;
    },
  };
}
