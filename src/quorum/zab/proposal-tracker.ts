// The leader's outstanding proposals (Leader.outstandingProposals + tryToCommit): acks per
// proposal from voters only, commits strictly in zxid order. Pure bookkeeping; the leader machine
// turns commits into packets and outputs.

import type { QuorumMembers, Sid, Zxid } from '../types';
import type { ZabTxn } from './common';

interface Outstanding {
  readonly txn: ZabTxn;
  readonly acks: Set<Sid>;
  /** Every config whose quorum must ack (Proposal.qvAcksetPairs): the current one, plus a pending reconfig's. */
  readonly verifiers: readonly QuorumMembers[];
}

export type AckResult =
  | { readonly kind: 'ignored'; readonly why: 'new-epoch-zxid' | 'none-outstanding' | 'already-committed' }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'counted'; readonly committed: readonly ZabTxn[] };

export class ProposalTracker {
  // Insertion order is zxid order: proposals arrive with increasing zxids.
  private readonly outstanding = new Map<Zxid, Outstanding>();
  lastProposed: Zxid;
  lastCommitted: Zxid;

  /** The ack sets of the proposals the last ack() committed (Leader.getDesignatedLeader reads a reconfig's). */
  private readonly justCommitted = new Map<Zxid, ReadonlySet<Sid>>();

  /** A proposed, not yet activated config: it must ack every proposal from its reconfig on. */
  private pending: QuorumMembers | null = null;

  constructor(
    private members: QuorumMembers,
    startZxid: Zxid,
  ) {
    this.lastProposed = startZxid;
    this.lastCommitted = startZxid;
  }

  get size(): number {
    return this.outstanding.size;
  }

  /** Outstanding txns above `zxid`, in zxid order (startForwarding queues them to a new follower). */
  above(zxid: Zxid): ZabTxn[] {
    const out: ZabTxn[] = [];
    for (const [z, p] of this.outstanding) if (z > zxid) out.push(p.txn);
    return out;
  }

  /** Who acked `zxid`, when the last ack() committed it. */
  acksOfCommitted(zxid: Zxid): ReadonlySet<Sid> | undefined {
    return this.justCommitted.get(zxid);
  }

  /** The ack sets of the still outstanding proposals above `zxid`, in zxid order. */
  acksAbove(zxid: Zxid): ReadonlySet<Sid>[] {
    const out: ReadonlySet<Sid>[] = [];
    for (const [z, p] of this.outstanding) if (z > zxid) out.push(p.acks);
    return out;
  }

  /**
   * Adds a proposal. `nextConfig` marks a reconfig: from it on (until activated) a proposal needs
   * a quorum of the new config as well (Leader.propose with lastSeenQuorumVerifier).
   */
  add(txn: ZabTxn, nextConfig?: QuorumMembers): void {
    if (txn.zxid <= this.lastProposed) {
      throw new RangeError(`proposal zxid 0x${txn.zxid.toString(16)} is not above the last proposed 0x${this.lastProposed.toString(16)}`);
    }
    if (nextConfig !== undefined) this.pending = nextConfig;
    const verifiers = this.pending === null ? [this.members] : [this.members, this.pending];
    this.outstanding.set(txn.zxid, { txn, acks: new Set(), verifiers });
    this.lastProposed = txn.zxid;
  }

  /**
   * A reconfig committed: its config is the one that counts for new proposals. Proposals already
   * out keep the verifiers they were made with, as the reference's do.
   */
  activate(members: QuorumMembers): void {
    this.members = members;
    if (this.pending !== null && this.pending.version <= members.version) this.pending = null;
  }

  /** Leader.processAck: counts a voter's ack, then commits every proposal that now can, in order. */
  ack(sid: Sid, zxid: Zxid): AckResult {
    if ((zxid & 0xffffffffn) === 0n) return { kind: 'ignored', why: 'new-epoch-zxid' };
    if (this.outstanding.size === 0) return { kind: 'ignored', why: 'none-outstanding' };
    if (this.lastCommitted >= zxid) return { kind: 'ignored', why: 'already-committed' };
    const p = this.outstanding.get(zxid);
    if (p === undefined) return { kind: 'unknown' };
    if (p.verifiers.some((v) => v.voters.has(sid))) p.acks.add(sid);
    return { kind: 'counted', committed: this.commitReady() };
  }

  /**
   * The reference commits the acked proposal only if no earlier one is outstanding, and retries
   * later ones only after a reconfig. Each member acks in log order, so a later proposal cannot
   * reach a quorum first; still, continuing down the queue costs nothing and cannot stall.
   */
  private commitReady(): ZabTxn[] {
    const done: ZabTxn[] = [];
    this.justCommitted.clear();
    for (const [z, p] of this.outstanding) {
      if (!p.verifiers.every((v) => v.containsQuorum(p.acks))) break;
      this.outstanding.delete(z);
      this.justCommitted.set(z, p.acks);
      this.lastCommitted = z;
      done.push(p.txn);
    }
    return done;
  }
}
