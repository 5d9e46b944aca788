// Choices the peer runtime (src/quorum/peer) makes around the machines, which the simulator's
// servers copy. Three earlier choices broke properties the simulation checks; the runtime now has
// the fixes (ZKTS_TODAY = SIM_RUNTIME), and known-failures.test.ts keeps a seed for each that
// fails with the old choice (BEFORE_FIXES) and passes now. When the runtime changes, change these.

export interface RuntimePolicy {
  /**
   * A role that ends after a SNAP stream was adopted but before the NEWLEADER snapshot made it
   * durable: reload the database from disk, as the reference does (Learner.shutdown calls
   * zk.shutdown(syncMode == SNAP), which clears the database). QuorumPeer.rounds used to keep the
   * adopted tree and only fast-forward it, so the server voted and synced with history that
   * existed only in memory; a later DIFF takes no snapshot, and a crash then lost that history.
   * Now LearnerRunner.snapUnsaved makes QuorumPeer.rounds call PeerStorage.reload().
   */
  readonly reloadAfterUnfinishedSnap: boolean;
  /**
   * Give up on a SNAP stream that stops arriving for initLimit ticks, as the reference's socket
   * timeout does. The learner machine is blocked on loadSnapshot meanwhile and asks for no tick;
   * without a read timeout a leader host that vanishes silently mid-stream leaves the learner
   * waiting for ever. Now LearnerRunner sets one on its QuorumSocket (setReadTimeout).
   */
  readonly snapStreamReadTimeout: boolean;
  /**
   * After TRUNC's reload, a database that ends below the TRUNC zxid ends the sync (the learner
   * disconnects and is synced afresh) instead of going on with a hole. PeerStorage.truncateLog
   * drops every snapshot above the zxid, including the NEWLEADER snapshot of an earlier SNAP sync,
   * labelled with the new epoch's e:0 yet holding only older txns; when the log does not hold them
   * (they came in the SNAP stream) the reload loses them. The reference keeps snapshots on TRUNC.
   * Now PeerStorage.truncateLog returns the zxid reached and LearnerRunner disconnects if short.
   */
  readonly truncRequiresHistory: boolean;
}

/**
 * What src/quorum/peer does today: all three fixes are in (QuorumPeer.rounds reloads after an
 * unsaved SNAP, LearnerRunner sets the socket read timeout and disconnects on a short TRUNC).
 */
export const ZKTS_TODAY: RuntimePolicy = { reloadAfterUnfinishedSnap: true, snapStreamReadTimeout: true, truncRequiresHistory: true };

/** The runtime before those fixes; known-failures.test.ts checks each seed still catches it. */
export const BEFORE_FIXES: RuntimePolicy = { reloadAfterUnfinishedSnap: false, snapStreamReadTimeout: false, truncRequiresHistory: false };

/** What the sweep runs: the runtime as it is. */
export const SIM_RUNTIME: RuntimePolicy = ZKTS_TODAY;
