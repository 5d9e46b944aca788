// The simulated network. Two kinds of traffic:
//  * Election notifications behave like datagrams here (QuorumCnxManager drops, replaces and
//    re-sends them around reconnects): each may be lost, duplicated, and is delayed on its own,
//    so they arrive in any order.
//  * Quorum (Zab) connections are TCP: a Pipe per direction delivers in order, never loses data
//    while the connection is open, and stalls while the two hosts are partitioned (TCP keeps
//    retransmitting); what ends a connection is a close (FIN after the data), a reset, or the
//    machines' own read timeouts.
// Partitions are symmetric cuts between pairs of hosts.

import type { Sid } from '../../src/quorum/types';
import type { Rng } from './rng';
import type { Scheduler } from './scheduler';

export interface NetParams {
  /** One-way delay: base + uniform jitter, plus a rare spike. */
  readonly baseDelayMs: number;
  readonly jitterMs: number;
  readonly spikeProbability: number;
  readonly spikeMs: number;
}

export class Net {
  private readonly cuts = new Set<string>();
  private readonly links = new Map<string, ElectionLink>();
  /** Election notifications: probability of loss / duplication (faults change these). */
  lossProbability = 0;
  duplicateProbability = 0;

  constructor(
    private readonly sched: Scheduler,
    private readonly rng: Rng,
    readonly params: NetParams,
  ) {}

  delay(): number {
    const p = this.params;
    let d = p.baseDelayMs + this.rng.next() * p.jitterMs;
    if (this.rng.next() < p.spikeProbability) d += this.rng.next() * p.spikeMs;
    return d;
  }

  reachable(a: Sid, b: Sid): boolean {
    return a === b || !this.cuts.has(key(a, b));
  }

  cut(a: Sid, b: Sid): void {
    if (a !== b) this.cuts.add(key(a, b));
  }

  heal(a: Sid, b: Sid): void {
    this.cuts.delete(key(a, b));
  }

  healAll(): void {
    this.cuts.clear();
  }

  get partitioned(): boolean {
    return this.cuts.size > 0;
  }

  describeCuts(): string {
    return [...this.cuts].join(' ');
  }

  /**
   * One election message. Each directed link works like QuorumCnxManager's sender: one message
   * on the wire at a time and a send queue of one, where a newer message replaces a waiting one
   * (so a burst collapses to its last message, and two servers answering each other cannot flood
   * the network). A message is lost if the hosts are cut when it leaves or would arrive, or by the
   * loss lottery; a duplicate is a stale second copy that arrives later (as after a reconnect).
   */
  datagram(from: Sid, to: Sid, deliver: () => void): void {
    const k = `${from}>${to}`;
    let link = this.links.get(k);
    if (link === undefined) {
      link = { busy: false, waiting: null };
      this.links.set(k, link);
    }
    if (link.busy) {
      link.waiting = deliver;
      return;
    }
    this.transmit(link, from, to, deliver);
  }

  private transmit(link: ElectionLink, from: Sid, to: Sid, deliver: () => void): void {
    link.busy = true;
    const lost = !this.reachable(from, to) || this.rng.next() < this.lossProbability;
    const d = this.delay();
    if (!lost && this.rng.next() < this.duplicateProbability) {
      this.sched.after(d * (1 + this.rng.next() * 5), () => {
        if (this.reachable(from, to)) deliver();
      });
    }
    this.sched.after(d, () => {
      if (!lost && this.reachable(from, to)) deliver();
      link.busy = false;
      const next = link.waiting;
      link.waiting = null;
      if (next !== null) this.transmit(link, from, to, next);
    });
  }

  pipe<T>(from: Sid, to: Sid, deliver: (item: T) => void): Pipe<T> {
    return new Pipe<T>(this, this.sched, from, to, deliver);
  }
}

interface ElectionLink {
  busy: boolean;
  waiting: (() => void) | null;
}

/** How often a stalled pipe looks whether the partition healed. */
const STALL_RETRY_MS = 50;

/** One direction of a TCP connection. */
export class Pipe<T> {
  private queue: { item: T; at: number }[] = [];
  private lastAt = 0;
  private armed = false;
  private openValue = true;

  constructor(
    private readonly net: Net,
    private readonly sched: Scheduler,
    readonly from: Sid,
    readonly to: Sid,
    private readonly deliver: (item: T) => void,
  ) {}

  get open(): boolean {
    return this.openValue;
  }

  send(item: T): void {
    if (!this.openValue) return;
    // In order: nothing overtakes what was sent before it.
    const at = Math.max(this.lastAt, this.sched.now + this.net.delay());
    this.lastAt = at;
    this.queue.push({ item, at });
    this.arm(at);
  }

  /** Nothing more is delivered (the receiver is gone, or the connection was reset). */
  close(): void {
    this.openValue = false;
    this.queue = [];
  }

  private arm(at: number): void {
    if (this.armed) return;
    this.armed = true;
    this.sched.at(at, () => this.pump());
  }

  private pump(): void {
    this.armed = false;
    if (!this.openValue) return;
    if (!this.net.reachable(this.from, this.to)) {
      this.arm(this.sched.now + STALL_RETRY_MS);
      return;
    }
    while (this.openValue && this.queue.length > 0 && this.queue[0]!.at <= this.sched.now) {
      this.deliver(this.queue.shift()!.item);
    }
    if (this.openValue && this.queue.length > 0) this.arm(this.queue[0]!.at);
  }
}

function key(a: Sid, b: Sid): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}
