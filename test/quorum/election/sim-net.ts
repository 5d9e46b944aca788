// An in-memory network and fake clock for FleMachine: every send becomes a delivery at a random
// later time (so order is random), possibly dropped or duplicated; timers fire in time order.
// Seeded, so any failing run replays from its seed.

import { FleMachine, type FleOutput } from '../../../src/quorum/election/fle-machine';
import type { OutgoingNotification } from '../../../src/quorum/election/notification';
import { majorityMembers, type Sid, type Vote } from '../../../src/quorum/types';
import { prng } from '../../support/prng';
import { asReceived, CONFIG } from './harness';

export interface SimNode {
  readonly sid: Sid;
  readonly lastZxid: bigint;
  readonly currentEpoch: bigint;
  readonly observer: boolean;
  readonly startAtMs: number;
}

export interface SimParams {
  readonly seed: number;
  readonly nodes: readonly SimNode[];
  readonly delayMaxMs: number;
  readonly lossUntilMs: number;
  readonly lossProbability: number;
  readonly duplicateProbability: number;
  /** Restart (fresh machine, same history) this node at this time, if it has not decided yet. */
  readonly restart?: { sid: Sid; atMs: number };
  readonly limitMs: number;
  /**
   * Stands in for Zab once the network is healthy: a server whose leader has no quorum of
   * followers (or a leader without one) goes back to LOOKING this long after deciding, as a
   * learner or leader does when it cannot sync within initLimit.
   */
  readonly recoverAfterMs?: number;
}

/** The leader a quorum of voters (it included) settled on, if any. */
export function establishedLeader(nodes: readonly SimNode[], decisions: SimResult['decisions']): Sid | null {
  const voters = nodes.filter((n) => !n.observer).map((n) => n.sid);
  for (const [sid, d] of decisions) {
    if (d.state !== 'LEADING') continue;
    const backing = voters.filter((v) => v === sid || (decisions.get(v)?.state === 'FOLLOWING' && decisions.get(v)?.vote.id === sid));
    if (backing.length * 2 > voters.length) return sid;
  }
  return null;
}

/** Everyone decided, on the established leader. */
export function settled(nodes: readonly SimNode[], decisions: SimResult['decisions']): boolean {
  const leader = establishedLeader(nodes, decisions);
  return leader !== null && decisions.size === nodes.length && [...decisions.values()].every((d) => d.vote.id === leader);
}

type EvBody = { kind: 'deliver'; from: Sid; to: Sid; n: OutgoingNotification; gen: number } | { kind: 'timer'; sid: Sid; gen: number } | { kind: 'start'; sid: Sid } | { kind: 'restart'; sid: Sid } | { kind: 'check' };
type Ev = { at: number; seq: number } & EvBody;

export interface SimResult {
  decisions: Map<Sid, { state: string; vote: Vote; atMs: number }>;
  endMs: number;
  delivered: number;
}

export function runSim(p: SimParams): SimResult {
  const rand = prng(p.seed);
  const voters = p.nodes.filter((n) => !n.observer).map((n) => n.sid);
  const observers = p.nodes.filter((n) => n.observer).map((n) => n.sid);
  const members = majorityMembers(voters, observers);
  const machines = new Map<Sid, FleMachine>();
  const gen = new Map<Sid, number>();
  const lastSent = new Map<string, OutgoingNotification>();
  const decisions: SimResult['decisions'] = new Map();
  const events: Ev[] = [];
  let seq = 0;
  let delivered = 0;
  const push = (e: { at: number } & EvBody): void => {
    events.push({ ...e, seq: seq++ });
  };
  const fresh = (n: SimNode): FleMachine => new FleMachine({ myId: n.sid, members, configText: CONFIG, lastZxid: n.lastZxid, currentEpoch: n.currentEpoch, isObserver: n.observer });
  for (const n of p.nodes) {
    machines.set(n.sid, fresh(n));
    gen.set(n.sid, 0);
    push({ at: n.startAtMs, kind: 'start', sid: n.sid });
  }
  if (p.restart) push({ at: p.restart.atMs, kind: 'restart', sid: p.restart.sid });
  if (p.recoverAfterMs !== undefined) push({ at: p.lossUntilMs, kind: 'check' });

  const send = (now: number, from: Sid, to: Sid, n: OutgoingNotification): void => {
    lastSent.set(`${from}>${to}`, n);
    if (now < p.lossUntilMs && rand() < p.lossProbability) return;
    const copies = rand() < p.duplicateProbability ? 2 : 1;
    for (let i = 0; i < copies; i++) push({ at: now + Math.floor(rand() * p.delayMaxMs), kind: 'deliver', from, to, n, gen: gen.get(to)! });
  };
  const apply = (now: number, sid: Sid, out: readonly FleOutput[]): void => {
    for (const o of out) {
      if (o.type === 'send') send(now, sid, o.to, o.n);
      else if (o.type === 'setTimer') push({ at: o.atMs, kind: 'timer', sid, gen: gen.get(sid)! });
      else if (o.type === 'reconnectAll') {
        // A reconnect re-sends the last message to every peer (QuorumCnxManager's resend-last).
        for (const [k, n] of lastSent) if (k.startsWith(`${sid}>`)) send(now, sid, BigInt(k.slice(k.indexOf('>') + 1)), n);
      } else if (o.type === 'decided') decisions.set(sid, { state: o.state, vote: o.vote, atMs: now });
    }
  };

  let now = 0;
  const started = new Set<Sid>();
  const done = (): boolean => (p.recoverAfterMs === undefined ? decisions.size === p.nodes.length : settled(p.nodes, decisions));
  while (events.length > 0 && !done()) {
    let best = 0;
    for (let i = 1; i < events.length; i++) if (events[i]!.at < events[best]!.at || (events[i]!.at === events[best]!.at && events[i]!.seq < events[best]!.seq)) best = i;
    const e = events.splice(best, 1)[0]!;
    now = e.at;
    if (now > p.limitMs) break;
    if (e.kind === 'check') {
      const leader = establishedLeader(p.nodes, decisions);
      for (const [sid, d] of [...decisions]) {
        if ((leader !== null && d.vote.id === leader) || now - d.atMs < p.recoverAfterMs!) continue;
        decisions.delete(sid);
        const m = machines.get(sid)!;
        m.setPeerState('LOOKING');
        apply(now, sid, m.start(now));
      }
      push({ at: now + 500, kind: 'check' });
      continue;
    }
    const m = machines.get(e.kind === 'deliver' ? e.to : e.sid)!;
    switch (e.kind) {
      case 'start':
        started.add(e.sid);
        apply(now, e.sid, m.start(now));
        break;
      case 'restart': {
        // Only a running, undecided server restarts (a decided one would need Zab to notice).
        if (decisions.has(e.sid) || !started.has(e.sid)) break;
        const node = p.nodes.find((n) => n.sid === e.sid)!;
        gen.set(e.sid, gen.get(e.sid)! + 1);
        const r = fresh(node);
        machines.set(e.sid, r);
        apply(now, e.sid, r.start(now));
        // Its peers' connections come back up and re-send their last message (resend-last).
        for (const [k, n] of lastSent) if (k.endsWith(`>${e.sid}`)) send(now, BigInt(k.slice(0, k.indexOf('>'))), e.sid, n);
        break;
      }
      case 'timer':
        if (e.gen === gen.get(e.sid)) apply(now, e.sid, m.onTimer(now, now >= p.lossUntilMs || rand() < 0.5));
        break;
      case 'deliver':
        // Whatever was in flight to a process that restarted died with its connections.
        if (e.gen !== gen.get(e.to)) break;
        delivered++;
        apply(now, e.to, m.onNotification(e.from, asReceived(e.n), now));
        break;
    }
  }
  return { decisions, endMs: now, delivered };
}
