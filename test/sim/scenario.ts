// Turns a seed into a run: ensemble size, timing, network and disk behaviour, client load, and a
// schedule of faults during a "chaos" window, after which everything heals.

import type { NetParams } from './network';
import type { Timing } from './peer';
import { Rng } from './rng';

export type FaultTarget = 'leader' | 'follower' | 'any';

export type Fault =
  /** Kill a process; it restarts after `downMs` (or at the heal, whichever is first). */
  | { readonly at: number; readonly kind: 'crash'; readonly target: FaultTarget; readonly downMs: number; readonly silent: boolean }
  /** Cut one server off from all others. */
  | { readonly at: number; readonly kind: 'isolate'; readonly target: FaultTarget; readonly durationMs: number }
  /** Split the servers into two random groups. */
  | { readonly at: number; readonly kind: 'split'; readonly durationMs: number }
  /** Election messages get lost and duplicated for a while. */
  | { readonly at: number; readonly kind: 'lossy'; readonly durationMs: number; readonly loss: number; readonly duplicate: number }
  /** Reset a random quorum connection (both ends see it close). */
  | { readonly at: number; readonly kind: 'reset' }
  /** A server's disk becomes slow. */
  | { readonly at: number; readonly kind: 'slowDisk'; readonly target: FaultTarget; readonly durationMs: number; readonly slowMs: number };

export interface Scenario {
  readonly seed: number;
  readonly voters: number;
  readonly observers: number;
  readonly timing: Timing;
  readonly net: NetParams;
  readonly diskLatencyMs: readonly [number, number];
  readonly startJitterMs: number;
  readonly sessions: number;
  readonly writesPerSession: number;
  readonly pipeline: number;
  readonly thinkMs: readonly [number, number];
  /** Faults happen before this; then the network heals and every server is started. */
  readonly chaosEndMs: number;
  readonly faults: readonly Fault[];
  /** After the heal, a leader must be serving with everyone and a write must commit within this. */
  readonly livenessBoundMs: number;
}

export function scenarioFor(seed: number): Scenario {
  const rng = new Rng(seed);
  const voters = rng.chance(0.5) ? 3 : 5;
  const observers = rng.chance(0.15) ? 1 : 0;
  const tickTimeMs = rng.pick([100, 200]);
  const timing: Timing = {
    tickTimeMs,
    initLimit: rng.int(5, 10),
    syncLimit: rng.int(2, 5),
    finalizeWaitMs: 200,
    maxNotificationIntervalMs: 1600,
    // Small committed logs force SNAP and txn-log syncs; 500 is the reference's default.
    commitLogCount: rng.pick([2, 5, 20, 500]),
    txnLogSync: rng.chance(0.5),
    connectRetryMs: tickTimeMs,
  };
  const chaosEndMs = rng.int(2500, 7000);
  const faults: Fault[] = [];
  const count = rng.int(1, 8);
  for (let i = 0; i < count; i++) {
    const at = rng.int(200, chaosEndMs - 100);
    const target: FaultTarget = rng.pick(['leader', 'leader', 'follower', 'any']);
    const roll = rng.next();
    if (roll < 0.4) faults.push({ at, kind: 'crash', target, downMs: rng.int(50, 2500), silent: rng.chance(0.4) });
    else if (roll < 0.58) faults.push({ at, kind: 'isolate', target, durationMs: rng.int(200, 3000) });
    else if (roll < 0.67) faults.push({ at, kind: 'split', durationMs: rng.int(200, 3000) });
    else if (roll < 0.75) faults.push({ at, kind: 'lossy', durationMs: rng.int(300, 3000), loss: rng.range(0.1, 0.6), duplicate: rng.range(0, 0.3) });
    else if (roll < 0.9) faults.push({ at, kind: 'reset' });
    else faults.push({ at, kind: 'slowDisk', target, durationMs: rng.int(200, 2000), slowMs: rng.int(20, 300) });
  }
  faults.sort((a, b) => a.at - b.at);
  return {
    seed,
    voters,
    observers,
    timing,
    net: { baseDelayMs: rng.range(0.2, 2), jitterMs: rng.range(0.5, 8), spikeProbability: 0.02, spikeMs: rng.pick([20, 100, 400]) },
    diskLatencyMs: [0.2, rng.pick([1, 3, 10, 30])],
    startJitterMs: rng.int(0, 300),
    sessions: rng.int(2, 4),
    writesPerSession: rng.int(5, 15),
    pipeline: rng.int(1, 3),
    thinkMs: [10, rng.pick([60, 150, 300])],
    chaosEndMs,
    faults,
    // Election backoff is capped at 1.6 s and Zab gives up after initLimit ticks, so a healed
    // ensemble that is still split needs a few of those rounds at most.
    livenessBoundMs: 30_000,
  };
}

export function describeScenario(s: Scenario): string {
  const t = s.timing;
  const lines = [
    `seed ${s.seed}: ${s.voters} voters, ${s.observers} observers; tickTime ${t.tickTimeMs} initLimit ${t.initLimit} syncLimit ${t.syncLimit} commitLogCount ${t.commitLogCount} txnLogSync ${t.txnLogSync}`,
    `net delay ${s.net.baseDelayMs.toFixed(1)}+${s.net.jitterMs.toFixed(1)} ms (spikes ${s.net.spikeMs} ms); disk ${s.diskLatencyMs[0]}-${s.diskLatencyMs[1]} ms; ${s.sessions} sessions x ${s.writesPerSession} writes, pipeline ${s.pipeline}`,
    `chaos until ${s.chaosEndMs} ms: ${s.faults.map((f) => `${f.kind}@${f.at}${'target' in f ? `(${f.target})` : ''}`).join(' ')}`,
  ];
  return lines.join('\n');
}
