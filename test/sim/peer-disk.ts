// The disk outputs of the Zab machines as simulated disk operations, the way PeerStorage
// (src/quorum/peer) carries them out, and the txn log as a learner-sync source.

import type { Token } from '../../src/quorum/zab/common';
import type { LeaderOutput } from '../../src/quorum/zab/leader-types';
import type { LearnerOutput } from '../../src/quorum/zab/learner-types';
import type { TxnLogSync } from '../../src/quorum/zab/sync-planner';
import type { DiskOp, DurableState } from './disk';
import { zxidHex } from './model';
import type { SimPeer } from './peer';

export type DiskOutput = Extract<LeaderOutput | LearnerOutput, { token: Token }>;

/** The operation for one disk output; `done` runs once it is durable (never after a crash). */
export function diskOp(p: SimPeer, o: DiskOutput, done: () => void): DiskOp {
  switch (o.type) {
    case 'persistTxns':
      return { label: `log ${o.txns.map((t) => zxidHex(t.zxid)).join(',')}`, apply: p.disk.appendTxns(o.txns), done };
    case 'persistEpoch':
      return {
        label: `${o.which}Epoch=${o.epoch}`,
        apply: (d) => {
          const from = o.which === 'accepted' ? d.acceptedEpoch : d.currentEpoch;
          p.env.checker.epochWrite(p.sid, o.which, from, o.epoch, d.acceptedEpoch);
          if (o.which === 'accepted') d.acceptedEpoch = o.epoch;
          else d.currentEpoch = o.epoch;
        },
        done,
      };
    case 'takeSnapshot': {
      // The tree as it is now: the learner takes it synchronously in the reference.
      const snap = { zxid: p.db.lastProcessed, txns: p.db.txns.slice() };
      return { label: `snapshot ${zxidHex(snap.zxid)}`, apply: (d) => d.snapshots.push(snap), done };
    }
    case 'truncateLog':
      return { label: `truncate after ${zxidHex(o.zxid)}`, apply: p.disk.truncate(o.zxid), done };
    case 'loadSnapshot':
      throw new Error('loadSnapshot reads the connection, not the disk');
  }
}

/**
 * The on-disk txn log as a sync source (ZKDatabase.getProposalsFromTxnLog), served only above
 * the newest snapshot. Every snapshot here was taken at NEWLEADER after a SNAP or TRUNC sync, and
 * the log below it may still hold txns that sync superseded (a SNAP cuts only the log above the
 * leader's zxid): read raw, as the reference reads its log files, a leader would send those stale
 * txns in a DIFF (seed 4877 showed it). src/quorum/peer does not sync from the log yet.
 */
export function txnLogOf(d: DurableState): TxnLogSync {
  return {
    snapshotSizeFactor: 0.33,
    snapshotBytes: 0,
    open(fromZxid) {
      const log = d.log;
      const floor = d.snapshots[d.snapshots.length - 1]?.zxid ?? -1n;
      let i = 0;
      while (i < log.length && (log[i]!.zxid < fromZxid || log[i]!.zxid <= floor)) i++;
      return { storageBytes: 0, proposals: log.slice(i) };
    },
  };
}
