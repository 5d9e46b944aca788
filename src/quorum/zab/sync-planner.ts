// How a leader brings one learner up to date (LearnerHandler.syncFollower and
// queueCommittedProposals at release-3.8.0-1), as a pure function of the learner's last zxid and
// the leader's history. The result is what to send: DIFF (then the missing PROPOSAL/COMMIT
// pairs), TRUNC (the learner drops its extra txns, then pairs), or SNAP (the whole tree).
//
// The rules, in order:
//  1. forceSnapSync                                  -> SNAP
//  2. peer == lastProcessedZxid                      -> DIFF(peer), nothing to send
//  3. peer > maxCommittedLog, peer not a new-epoch zxid -> TRUNC(maxCommittedLog)
//  4. minCommittedLog <= peer <= maxCommittedLog      -> walk the committed log (below)
//  5. peer < minCommittedLog, txn-log sync enabled   -> walk the on-disk log up to minCommittedLog,
//     then the committed log; SNAP when the disk log does not reach the peer or leaves a gap
//  6. otherwise (e.g. a new-epoch peer zxid above the log) -> SNAP(lastProcessedZxid)
// The walk skips txns below the peer. Meeting the peer's exact zxid, or the peer's zxid having
// counter 0 (it synced with a new leader and saw nothing since), gives DIFF(maxCommittedLog).
// Meeting a larger zxid first means the peer has txns the leader never committed: in the same
// epoch TRUNC(the txn before it); across epochs a TRUNC cannot be expressed, so SNAP.
// An empty committed log counts as min = max = lastProcessedZxid.

import { counterOf, epochOf, type Zxid } from '../types';

/** A committed txn as the leader keeps it: its zxid and its PROPOSAL data (TxnHeader + txn + digest). */
export interface SyncProposal {
  readonly zxid: Zxid;
  readonly bytes: Buffer;
}

/** What the on-disk txn log offers for a sync (ZKDatabase.getProposalsFromTxnLog). */
export interface TxnLogRead {
  /** On-disk bytes of the log files the read spans (compared with the size limit). */
  readonly storageBytes: number;
  /** Txns in zxid order, from the first record of the oldest log file the read opened (it may be below the requested zxid). */
  readonly proposals: Iterable<SyncProposal>;
}

export interface TxnLogSync {
  /** zookeeper.snapshotSizeFactor (default 0.33); negative disables syncing from the txn log. */
  readonly snapshotSizeFactor: number;
  /** Size of the most recent snapshot file; limit = floor(size * factor), 0 means unlimited. */
  readonly snapshotBytes: number;
  /** Reads the log from `fromZxid`; null when it cannot be read. */
  open(fromZxid: Zxid): TxnLogRead | null;
}

export interface SyncPlanInput {
  /** The learner's last logged zxid, from its ACKEPOCH. */
  readonly peerLastZxid: Zxid;
  /** The leader's DataTree lastProcessedZxid. */
  readonly lastProcessedZxid: Zxid;
  /** The in-memory committed log, oldest first (the last <= commitLogCount committed txns). */
  readonly committedLog: readonly SyncProposal[];
  readonly forceSnapSync?: boolean;
  readonly txnLog?: TxnLogSync;
}

export type SyncKind = 'DIFF' | 'TRUNC' | 'SNAP';

/** Which rule decided, for logs and tests. */
export type SyncReason =
  | 'force-snap'
  | 'in-sync'
  | 'peer-ahead'
  | 'committed-log'
  | 'txn-log'
  | 'cross-epoch'
  | 'txn-log-gap'
  | 'txn-log-unusable'
  | 'unhandled';

export interface SyncPlan {
  readonly kind: SyncKind;
  /** The op packet's zxid: DIFF/TRUNC as decided; SNAP = lastProcessedZxid. */
  readonly zxid: Zxid;
  /** PROPOSAL+COMMIT pairs to queue after the op packet (none for SNAP). */
  readonly proposals: readonly SyncProposal[];
  /** The last zxid the learner will have once these are applied (startForwarding's argument). */
  readonly lastQueuedZxid: Zxid;
  readonly reason: SyncReason;
}

interface Walk {
  op: { kind: 'DIFF' | 'TRUNC'; zxid: Zxid } | null;
  queued: SyncProposal[];
  queuedZxid: Zxid;
  /** The walk stopped because the peer's history forked in an earlier epoch. */
  crossEpoch: boolean;
}

export function planSync(input: SyncPlanInput): SyncPlan {
  const { peerLastZxid: peer, lastProcessedZxid, committedLog } = input;
  const peerNewEpoch = counterOf(peer) === 0n;
  const minCommitted = committedLog.length === 0 ? lastProcessedZxid : committedLog[0]!.zxid;
  const maxCommitted = committedLog.length === 0 ? lastProcessedZxid : committedLog[committedLog.length - 1]!.zxid;
  const snap = (reason: SyncReason): SyncPlan => ({ kind: 'SNAP', zxid: lastProcessedZxid, proposals: [], lastQueuedZxid: lastProcessedZxid, reason });

  if (input.forceSnapSync === true) return snap('force-snap');
  if (lastProcessedZxid === peer) return { kind: 'DIFF', zxid: peer, proposals: [], lastQueuedZxid: peer, reason: 'in-sync' };
  if (peer > maxCommitted && !peerNewEpoch) {
    return { kind: 'TRUNC', zxid: maxCommitted, proposals: [], lastQueuedZxid: maxCommitted, reason: 'peer-ahead' };
  }
  if (minCommitted <= peer && peer <= maxCommitted) {
    const w = walk(committedLog, peer, null, maxCommitted, null);
    return fromWalk(w, 'committed-log', snap);
  }
  const txnLog = input.txnLog;
  if (peer < minCommitted && txnLog !== undefined && txnLog.snapshotSizeFactor >= 0) {
    const read = openTxnLog(txnLog, peer);
    if (read === null) return snap('txn-log-unusable');
    const fromDisk = walk(read, peer, minCommitted, maxCommitted, null);
    if (fromDisk.crossEpoch) return snap('cross-epoch');
    if (fromDisk.queuedZxid < minCommitted) return snap('txn-log-gap');
    // Continue from where the disk log ended; the op packet decision carries over.
    const rest = walk(committedLog, fromDisk.queuedZxid, null, maxCommitted, fromDisk.op);
    return fromWalk({ ...rest, queued: [...fromDisk.queued, ...rest.queued] }, 'txn-log', snap);
  }
  return snap('unhandled');
}

function fromWalk(w: Walk, reason: SyncReason, snap: (r: SyncReason) => SyncPlan): SyncPlan {
  if (w.crossEpoch) return snap('cross-epoch');
  // No op decided (cannot happen with a well-formed log, see the reference's "should never
  // happen" branch): fall back to a snapshot like it does.
  if (w.op === null) return snap(reason);
  return { kind: w.op.kind, zxid: w.op.zxid, proposals: w.queued, lastQueuedZxid: w.queuedZxid, reason };
}

/** queueCommittedProposals: `maxZxid` bounds the walk (the disk log stops at minCommittedLog). */
function walk(
  log: Iterable<SyncProposal>,
  peer: Zxid,
  maxZxid: Zxid | null,
  lastCommittedZxid: Zxid,
  opSoFar: Walk['op'],
): Walk {
  const peerNewEpoch = counterOf(peer) === 0n;
  let op = opSoFar;
  let queuedZxid = peer;
  let prevZxid: Zxid = -1n;
  const queued: SyncProposal[] = [];
  for (const p of log) {
    const z = p.zxid;
    if (maxZxid !== null && z > maxZxid) break;
    if (z < peer) {
      prevZxid = z;
      continue;
    }
    if (op === null) {
      if (z === peer) {
        op = { kind: 'DIFF', zxid: lastCommittedZxid };
        continue;
      }
      if (peerNewEpoch) {
        op = { kind: 'DIFF', zxid: lastCommittedZxid };
      } else if (z > peer) {
        if (epochOf(z) !== epochOf(peer)) return { op, queued, queuedZxid, crossEpoch: true };
        op = { kind: 'TRUNC', zxid: prevZxid };
      }
    }
    if (z <= queuedZxid) continue;
    queued.push(p);
    queuedZxid = z;
  }
  if (op === null && peerNewEpoch) op = { kind: 'DIFF', zxid: lastCommittedZxid };
  return { op, queued, queuedZxid, crossEpoch: false };
}

/** getProposalsFromTxnLog's checks: size limit, and the log must start at or before the peer. */
function openTxnLog(t: TxnLogSync, peer: Zxid): Iterable<SyncProposal> | null {
  const sizeLimit = Math.floor(t.snapshotBytes * t.snapshotSizeFactor);
  const read = t.open(peer);
  if (read === null) return null;
  if (sizeLimit > 0 && read.storageBytes > sizeLimit) return null;
  const it = read.proposals[Symbol.iterator]();
  const first = it.next();
  if (first.done === true) return null;
  if (first.value.zxid > peer) return null;
  return {
    *[Symbol.iterator]() {
      yield first.value;
      for (let n = it.next(); n.done !== true; n = it.next()) yield n.value;
    },
  };
}
