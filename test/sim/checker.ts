// The safety checkers, fed as the run goes. A "claim" is a sequence of txns some server holds as
// committed: a leader's history when it is established (a quorum acked NEWLEADER), a learner's
// database when it starts serving (UPTODATE), and any server's database after it applies a
// committed txn while serving. Checked:
//  * one established leader per epoch;
//  * agreement: every claim is a prefix of every longer claim (so all of them are prefixes of the
//    longest one, `history`);
//  * integrity across epochs: whatever was claimed in epoch e is in the initial history of every
//    leader established in a later epoch (in epoch order, not real time: a leader of a lower epoch
//    may complete its establishment after a higher one and is then harmless, it has no quorum);
//  * durable epochs never go backwards, and acceptedEpoch >= currentEpoch.
// Client-side checks (acknowledged writes survive, session FIFO order) are in clients.ts and
// finish() below.

import type { Sid } from '../../src/quorum/types';

export type Seq = readonly string[];

export interface Violation {
  readonly atMs: number;
  readonly kind: 'safety' | 'liveness';
  readonly message: string;
}

export class Checker {
  readonly violations: Violation[] = [];
  /** Things worth knowing that are not failures (e.g. a restart the reference would refuse). */
  readonly notes: string[] = [];
  /** The longest claim so far: every claim must be a prefix of it or extend it. */
  history: string[] = [];
  private readonly leaders = new Map<bigint, Sid>();
  private readonly initial = new Map<bigint, Seq>();
  private readonly longestIn = new Map<bigint, Seq>();

  constructor(
    private readonly now: () => number,
    private readonly onViolation: (v: Violation) => void,
  ) {}

  get safetyFailures(): Violation[] {
    return this.violations.filter((v) => v.kind === 'safety');
  }

  get livenessFailures(): Violation[] {
    return this.violations.filter((v) => v.kind === 'liveness');
  }

  fail(kind: Violation['kind'], message: string): void {
    // One report per distinct message is enough; a broken invariant tends to repeat.
    if (this.violations.some((v) => v.message === message)) return;
    const v = { atMs: this.now(), kind, message };
    this.violations.push(v);
    this.onViolation(v);
  }

  note(message: string): void {
    if (!this.notes.includes(message)) this.notes.push(message);
  }

  /** A quorum acked NEWLEADER of `sid` in `epoch`: its history becomes committed. */
  established(sid: Sid, epoch: bigint, hist: Seq): void {
    const other = this.leaders.get(epoch);
    if (other !== undefined) this.fail('safety', `two leaders established in epoch ${epoch}: ${other} and ${sid}`);
    this.leaders.set(epoch, sid);
    this.initial.set(epoch, hist);
    for (const [e, longest] of this.longestIn) {
      if (e < epoch && !isPrefix(longest, hist)) {
        this.fail('safety', `leader ${sid} of epoch ${epoch} lacks txns committed in epoch ${e}: ${firstDifference(longest, hist)}`);
      }
    }
    this.claim(sid, epoch, hist, 'established');
  }

  /** `sid` holds `seq` as committed under the leader of `epoch`. */
  claim(sid: Sid, epoch: bigint, seq: Seq, what: string): void {
    if (isPrefix(this.history, seq)) this.history = seq.slice();
    else if (!isPrefix(seq, this.history)) {
      this.fail('safety', `server ${sid} (${what}, epoch ${epoch}) diverges from the committed history: ${firstDifference(seq, this.history)}`);
    }
    const longest = this.longestIn.get(epoch);
    if (longest === undefined || longest.length < seq.length) this.longestIn.set(epoch, seq.slice());
    for (const [e, hist] of this.initial) {
      if (e > epoch && !isPrefix(seq, hist)) {
        this.fail('safety', `server ${sid} (${what}) committed in epoch ${epoch} what leader ${this.leaders.get(e)} of epoch ${e} lacks: ${firstDifference(seq, hist)}`);
      }
    }
  }

  epochWrite(sid: Sid, which: 'accepted' | 'current', from: bigint, to: bigint, accepted: bigint): void {
    if (to < from) this.fail('safety', `server ${sid} wrote ${which}Epoch ${to} over ${from}`);
    if (which === 'current' && to > accepted) this.fail('safety', `server ${sid} wrote currentEpoch ${to} above acceptedEpoch ${accepted}`);
  }

  get establishedEpochs(): ReadonlyMap<bigint, Sid> {
    return this.leaders;
  }
}

export function isPrefix(a: Seq, b: Seq): boolean {
  if (a.length > b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Where two sequences part, for messages. */
export function firstDifference(a: Seq, b: Seq): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `position ${i}: ${a[i] ?? '(end)'} vs ${b[i] ?? '(end)'} (lengths ${a.length}, ${b.length})`;
}
