// Choices the peer runtime (src/quorum/peer) makes around the machines, which the simulator's
// servers copy. Three of today's choices break properties the simulation checks; the sweep runs
// with the fixes proposed for them (SIM_RUNTIME), and known-failures.test.ts keeps a seed for each
// that fails with today's choice (ZKTS_TODAY). When the runtime changes, change these.

export interface RuntimePolicy {
  /**
   * A role that ends after a SNAP stream was adopted but before the NEWLEADER snapshot made it
   * durable: reload the database from disk, as the reference does (Learner.shutdown calls
   * zk.shutdown(syncMode == SNAP), which clears the database). QuorumPeer.rounds today keeps the
   * adopted tree and only fast-forwards it, so the server votes and syncs with history that
   * exists only in memory; a later DIFF takes no snapshot, and a crash then loses that history.
   */
  readonly reloadAfterUnfinishedSnap: boolean;
  /**
   * Give up on a SNAP stream that stops arriving for initLimit ticks, as the reference's socket
   * timeout does. The learner machine is blocked on loadSnapshot meanwhile and asks for no tick,
   * and LearnerRunner/QuorumSocket set no read timeout today: a leader host that vanishes
   * silently mid-stream leaves the learner waiting for ever.
   */
  readonly snapStreamReadTimeout: boolean;
  /**
   * After TRUNC's reload, a database that ends below the TRUNC zxid ends the sync (the learner
   * disconnects and is synced afresh) instead of going on with a hole. PeerStorage.truncateLog
   * drops every snapshot above the zxid, including the NEWLEADER snapshot of an earlier SNAP sync,
   * labelled with the new epoch's e:0 yet holding only older txns; when the log does not hold them
   * (they came in the SNAP stream) the reload loses them. The reference keeps snapshots on TRUNC.
   */
  readonly truncRequiresHistory: boolean;
}

/** What src/quorum/peer does today. */
export const ZKTS_TODAY: RuntimePolicy = { reloadAfterUnfinishedSnap: false, snapStreamReadTimeout: false, truncRequiresHistory: false };

/** What the sweep runs: today's runtime with the fixes proposed for its known failures. */
export const SIM_RUNTIME: RuntimePolicy = { reloadAfterUnfinishedSnap: true, snapStreamReadTimeout: true, truncRequiresHistory: true };
