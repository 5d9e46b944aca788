// A thin shell that ties the pure FleMachine to an election transport and a clock: received
// payloads are decoded and fed in, outputs are carried out (sends, the one timer, reconnects), and
// a decision resolves lookForLeader(). The driver keeps answering LOOKING peers after the decision,
// which is what a peer runtime needs while it leads or follows.

import { performance } from 'node:perf_hooks';
import type { Logger } from '../../util/logger';
import type { ServerStateName, Sid, Vote, Zxid } from '../types';
import { FleMachine, type DecidedState, type FleOutput } from './fle-machine';
import { decodeNotification, encodeNotification } from './notification';

/** What the driver needs from a transport (ElectionTransport, or a simulated network). */
export interface ElectionLink {
  send(to: Sid, payload: Buffer): void;
  connectAll(): void;
  haveDelivered(): boolean;
  onMessage(handler: (from: Sid, payload: Buffer) => void): void;
}

/** Time for the shell: a monotonic clock and one-shot timers. */
export interface ElectionClock {
  nowMs(): number;
  /** Calls `fn` at `atMs` (or soon after); returns a cancel function. */
  at(atMs: number, fn: () => void): () => void;
}

export const realElectionClock: ElectionClock = {
  nowMs: () => performance.now(),
  at(atMs, fn) {
    // Node rounds timer delays to whole milliseconds and may fire a fraction early; aim 1 ms late.
    const t = setTimeout(fn, Math.max(0, Math.ceil(atMs - performance.now()) + 1));
    return () => clearTimeout(t);
  },
};

export interface Decision {
  readonly state: DecidedState;
  readonly vote: Vote;
}

export interface ElectionDriverOptions {
  readonly machine: FleMachine;
  readonly link: ElectionLink;
  readonly logger: Logger;
  readonly clock?: ElectionClock;
  /**
   * A peer carried a newer config while we were LOOKING (dynamic reconfig is the runtime's call).
   * Returning true (the members changed) restarts the running round, as the reference does.
   */
  readonly onNewerConfig?: (from: Sid, version: bigint, config: string) => boolean | void;
}

export class ElectionDriver {
  private readonly machine: FleMachine;
  private readonly link: ElectionLink;
  private readonly log: Logger;
  private readonly clock: ElectionClock;
  private readonly onNewerConfig: ElectionDriverOptions['onNewerConfig'];
  private cancelTimer: (() => void) | null = null;
  private waiting: { resolve: (d: Decision) => void; reject: (e: Error) => void } | null = null;
  private stopped = false;

  constructor(o: ElectionDriverOptions) {
    this.machine = o.machine;
    this.link = o.link;
    this.log = o.logger.child({ component: 'election', sid: String(o.machine.myId) });
    this.clock = o.clock ?? realElectionClock;
    this.onNewerConfig = o.onNewerConfig;
    this.link.onMessage((from, payload) => this.received(from, payload));
  }

  get state(): ServerStateName {
    return this.machine.state;
  }

  /** Starts a round and resolves with its decision. */
  lookForLeader(history?: { lastZxid: Zxid; currentEpoch: bigint }): Promise<Decision> {
    if (this.stopped) return Promise.reject(new Error('the election driver is stopped'));
    if (this.waiting !== null) return Promise.reject(new Error('an election round is already running'));
    const p = new Promise<Decision>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.log.info('new election', { logicalClock: String(this.machine.logicalClock + 1n) });
    this.apply(this.machine.start(this.clock.nowMs(), history));
    return p;
  }

  /** The peer changed state outside the election (e.g. a follower lost its leader). */
  setPeerState(state: ServerStateName): void {
    this.apply(this.machine.setPeerState(state));
  }

  /** QuorumPeer.updateServerState after a reconfig named the leader: take the role without a round. */
  assume(state: DecidedState, vote: Vote): void {
    this.apply(this.machine.assume(state, vote));
  }

  /** The learner type changed with a reconfig (participant <-> observer). */
  setObserver(observer: boolean): void {
    this.machine.setObserver(observer);
  }

  updateElectionVote(newEpoch: bigint): void {
    this.machine.updateElectionVote(newEpoch);
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = null;
    const w = this.waiting;
    this.waiting = null;
    w?.reject(new Error('election stopped before a decision'));
  }

  private received(from: Sid, payload: Buffer): void {
    if (this.stopped) return;
    const d = decodeNotification(payload);
    if (!d.ok) {
      this.log.warn('dropping a malformed notification', { peer: String(from), bytes: payload.length, code: d.error.code, error: d.error.message });
      return;
    }
    const n = d.notification;
    this.log.debug('notification', { peer: String(from), state: n.state, leader: String(n.leader), zxid: n.zxid, round: n.electionEpoch, peerEpoch: n.peerEpoch, myState: this.machine.state });
    this.apply(this.machine.onNotification(from, n, this.clock.nowMs()));
  }

  private apply(outputs: readonly FleOutput[]): void {
    for (const o of outputs) {
      switch (o.type) {
        case 'send':
          this.link.send(o.to, encodeNotification(o.n));
          break;
        case 'setTimer': {
          this.cancelTimer?.();
          this.cancelTimer = this.clock.at(o.atMs, () => {
            this.cancelTimer = null;
            if (!this.stopped) this.apply(this.machine.onTimer(this.clock.nowMs(), this.link.haveDelivered()));
          });
          break;
        }
        case 'clearTimer':
          this.cancelTimer?.();
          this.cancelTimer = null;
          break;
        case 'reconnectAll':
          this.link.connectAll();
          break;
        case 'newerConfig':
          this.log.info('a peer has a newer config', { peer: String(o.from), version: o.version });
          if (this.onNewerConfig?.(o.from, o.version, o.config) === true && this.waiting !== null && !this.stopped) {
            this.log.info('restarting leader election with the new config');
            this.apply(this.machine.restart(this.clock.nowMs()));
          }
          break;
        case 'decided': {
          this.log.info('election decided', { state: o.state, leader: String(o.vote.id), zxid: o.vote.zxid, electionEpoch: String(o.vote.electionEpoch), peerEpoch: String(o.vote.peerEpoch) });
          const w = this.waiting;
          this.waiting = null;
          w?.resolve({ state: o.state, vote: o.vote });
          break;
        }
      }
    }
  }
}

export interface RunElectionOptions extends ElectionDriverOptions {
  /** Reject when no decision comes within this time (default: wait forever). */
  readonly timeoutMs?: number;
}

/**
 * One election round over an already started link. The driver stays attached, so the caller can
 * keep it (returned alongside the decision) to answer LOOKING peers while leading or following.
 */
export async function runElection(o: RunElectionOptions): Promise<Decision & { driver: ElectionDriver }> {
  const driver = new ElectionDriver(o);
  const round = driver.lookForLeader();
  if (o.timeoutMs === undefined) return { ...(await round), driver };
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      driver.stop();
      reject(new Error(`no election decision within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
  });
  try {
    return { ...(await Promise.race([round, timeout])), driver };
  } finally {
    clearTimeout(timer);
  }
}
