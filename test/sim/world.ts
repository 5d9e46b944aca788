// One seeded simulation run: builds the servers, clients, network and disks from the scenario,
// injects the faults, heals everything at the end of the chaos window, then waits (in simulated
// time) for liveness: one leader serving with every server in its epoch, and a fresh write
// committed and acknowledged. Safety violations are reported as they happen; liveness failures
// separately.

import { majorityMembers, type QuorumMembers, type Sid } from '../../src/quorum/types';
import { Checker, type Violation } from './checker';
import { Clients, type Session } from './clients';
import { Net } from './network';
import { SIM_RUNTIME, type RuntimePolicy } from './policy';
import { SimPeer, type PeerEnv } from './peer';
import { ZabShell } from './peer-zab';
import { Rng } from './rng';
import { Scheduler } from './scheduler';
import { describeScenario, scenarioFor, type Fault, type FaultTarget, type Scenario } from './scenario';
import { ConfigChecker } from './reconfig-check';
import { membershipKey, RECONFIG_RUNTIME, reconfigScheduleFor, serverSpec, SimConfig, type ReconfigRuntime, type ReconfigSchedule } from './reconfig-peer';
import { prepReconfig } from './reconfig-zab';

export interface RunOptions {
  /** Receives trace lines as they happen (off when absent: no strings are built). */
  readonly trace?: (line: string) => void;
  /** Tamper with the world before it runs (the checkers' own tests break things on purpose). */
  readonly sabotage?: (w: World) => void;
  /** The runtime's choices to copy (default SIM_RUNTIME, see policy.ts). */
  readonly policy?: RuntimePolicy;
  /** Reconfig worlds (sim-reconfig.test.ts): per-server configs and reconfig requests; see reconfig-peer.ts. */
  readonly reconfig?: boolean | ReconfigRuntime;
}

export interface RunResult {
  readonly seed: number;
  readonly violations: readonly Violation[];
  readonly notes: readonly string[];
  readonly stats: {
    readonly simMs: number;
    readonly steps: number;
    readonly epochs: number;
    readonly committed: number;
    readonly acked: number;
    /** Simulated ms from the heal to liveness, null when not reached. */
    readonly liveAfterMs: number | null;
  };
  /** How often each interesting event happened (sync kinds, crashes, abdications, ...). */
  readonly coverage: ReadonlyMap<string, number>;
}

const PROBE_SESSION = 0x7fffn;

export class World implements PeerEnv {
  readonly sched = new Scheduler();
  readonly rng: Rng;
  readonly net: Net;
  readonly checker: Checker;
  readonly members: QuorumMembers;
  readonly configText: string;
  readonly peersBySid = new Map<Sid, SimPeer>();
  readonly clients: Clients;
  private machineIds = 0;
  private readonly coverage = new Map<string, number>();
  private probe: Session | null = null;
  liveAt: number | null = null;
  /** Reconfig worlds only: the config checks and when reconfigs are attempted. */
  readonly configs: ConfigChecker | null = null;
  private readonly reconfigs: ReconfigSchedule | null = null;
  readonly reconfigRuntime: ReconfigRuntime | null = null;

  constructor(
    readonly scenario: Scenario,
    private readonly traceSink?: (line: string) => void,
    readonly policy: RuntimePolicy = SIM_RUNTIME,
    reconfig: boolean | ReconfigRuntime = false,
  ) {
    this.rng = new Rng(scenario.seed * 31 + 7);
    this.net = new Net(this.sched, this.rng, scenario.net);
    this.checker = new Checker(
      () => this.sched.now,
      (v) => this.trace(null, () => `VIOLATION (${v.kind}): ${v.message}`),
    );
    const voters: Sid[] = [];
    const observers: Sid[] = [];
    for (let i = 1; i <= scenario.voters + scenario.observers; i++) (i <= scenario.voters ? voters : observers).push(BigInt(i));
    this.members = majorityMembers(voters, observers);
    this.configText = [...voters.map((s) => `server.${s}=127.0.0.1:2888:3888:participant`), ...observers.map((s) => `server.${s}=127.0.0.1:2888:3888:observer`), 'version=0'].join('\n');
    const [dmin, dmax] = scenario.diskLatencyMs;
    for (const sid of [...voters, ...observers]) {
      const p = new SimPeer(this, sid, observers.includes(sid), () => this.rng.range(dmin, dmax));
      p.zab = new ZabShell(p);
      this.peersBySid.set(sid, p);
    }
    if (reconfig !== false) {
      const runtime = reconfig === true ? RECONFIG_RUNTIME : reconfig;
      this.reconfigRuntime = runtime;
      const configs = new ConfigChecker(this.checker);
      this.configs = configs;
      this.reconfigs = reconfigScheduleFor(scenario.seed, scenario.chaosEndMs);
      const specs = [...voters.map((s) => serverSpec(Number(s), 'participant')), ...observers.map((s) => serverSpec(Number(s), 'observer'))];
      for (const p of this.peers()) {
        p.cfg = new SimConfig(Number(p.sid), specs, {
          electionMembers: (m, text) => {
            p.fle?.setMembers(m, text);
            if (runtime.learnerTypeFollowsConfig) p.fle?.setObserver(m.observers.has(p.sid));
          },
          activated: (version, m, how) => {
            this.trace(p.sid, () => `config ${version.toString(16)} active: ${membershipKey(m)} (${how})`);
            this.count('config activations');
            configs.activated(p.sid, version, m, how);
          },
        });
      }
    }
    this.clients = new Clients(
      { sched: this.sched, rng: this.rng, checker: this.checker, peers: () => this.peers(), delay: () => this.net.delay(), trace: (sid, msg) => this.trace(sid, msg) },
    );
  }

  get timing(): Scenario['timing'] {
    return this.scenario.timing;
  }

  peer(sid: Sid): SimPeer {
    const p = this.peersBySid.get(sid);
    if (p === undefined) throw new Error(`no server ${sid}`);
    return p;
  }

  peers(): SimPeer[] {
    return [...this.peersBySid.values()];
  }

  trace(sid: Sid | null, msg: () => string): void {
    if (this.traceSink === undefined) return;
    this.traceSink(`${this.sched.now.toFixed(1).padStart(9)} ${sid === null ? '  ' : `s${sid}`} ${msg()}`);
  }

  count(what: string): void {
    this.coverage.set(what, (this.coverage.get(what) ?? 0) + 1);
  }

  nextMachineId(): number {
    return ++this.machineIds;
  }

  applied(peer: SimPeer, session: bigint, seq: number, zxid: bigint): void {
    this.clients.applied(peer, session, seq, zxid);
  }

  sessionRevalidated(peer: SimPeer, session: bigint, valid: boolean): void {
    this.clients.revalidated(peer, session, valid);
  }

  fatal(peer: SimPeer, reason: string): void {
    this.checker.fail('safety', `server ${peer.sid}: ${reason}`);
    peer.crash(peer.disk.queued, false);
    this.restartLater(peer, this.rng.int(100, 500));
  }

  // ---------------------------------------------------------------- the run

  run(): RunResult {
    const s = this.scenario;
    this.trace(null, () => describeScenario(s));
    for (const p of this.peers()) this.sched.at(this.rng.range(0, s.startJitterMs), () => this.boot(p));
    for (let i = 0; i < s.sessions; i++) {
      this.clients.add(BigInt(i + 1), s.writesPerSession, s.pipeline, s.startJitterMs + this.rng.range(0, 500), s.chaosEndMs, [s.thinkMs[0], s.thinkMs[1]]);
    }
    for (const f of s.faults) this.sched.at(f.at, () => this.inject(f));
    for (const at of this.reconfigs?.times ?? []) this.sched.at(at, () => this.requestReconfig());
    this.sched.at(s.chaosEndMs, () => this.heal());
    const deadline = s.chaosEndMs + s.livenessBoundMs;
    try {
      this.sched.run(deadline, () => this.liveAt !== null || this.checker.safetyFailures.length > 0);
      if (this.liveAt === null && this.checker.safetyFailures.length === 0) {
        this.checker.fail('liveness', `no liveness ${s.livenessBoundMs} ms after the heal: ${this.summary()}`);
      }
      const leader = this.peers().find((p) => p.role.kind === 'leading' && p.role.serving && this.liveAt !== null);
      this.clients.finish(this.checker, leader === undefined ? null : leader.db.labels());
    } catch (e) {
      const err = e as Error;
      this.checker.fail('safety', `exception: ${err.stack ?? String(err)}`);
    }
    let acked = 0;
    for (const sess of this.clients.sessions.values()) acked += sess.acked.size;
    return {
      seed: s.seed,
      violations: this.checker.violations,
      notes: this.checker.notes,
      stats: {
        simMs: this.sched.now,
        steps: this.sched.steps,
        epochs: this.checker.establishedEpochs.size,
        committed: this.checker.history.length,
        acked,
        liveAfterMs: this.liveAt === null ? null : this.liveAt - s.chaosEndMs,
      },
      coverage: this.coverage,
    };
  }

  private boot(p: SimPeer): void {
    if (p.up) return;
    p.boot();
    // Peers' connections to it come back and re-send their last notification.
    for (const q of this.peers()) if (q !== p) q.resendTo(p.sid);
  }

  private restartLater(p: SimPeer, afterMs: number): void {
    const inc = p.incarnation;
    const at = Math.min(this.sched.now + afterMs, Math.max(this.scenario.chaosEndMs, this.sched.now));
    this.sched.at(at, () => {
      if (p.incarnation === inc && !p.up) this.boot(p);
    });
  }

  private target(t: FaultTarget): SimPeer | null {
    const up = this.peers().filter((p) => p.up);
    if (up.length === 0) return null;
    const leaders = up.filter((p) => p.role.kind === 'leading');
    const followers = up.filter((p) => p.role.kind === 'following');
    if (t === 'leader' && leaders.length > 0) return this.rng.pick(leaders);
    if (t === 'follower' && followers.length > 0) return this.rng.pick(followers);
    return this.rng.pick(up);
  }

  private inject(f: Fault): void {
    const end = (ms: number): number => Math.min(this.sched.now + ms, this.scenario.chaosEndMs);
    switch (f.kind) {
      case 'crash': {
        const p = this.target(f.target);
        if (p === null) return;
        p.crash(this.rng.int(0, p.disk.queued), f.silent);
        this.restartLater(p, f.downMs);
        return;
      }
      case 'isolate': {
        const p = this.target(f.target);
        if (p === null) return;
        this.trace(p.sid, () => `ISOLATED for ${f.durationMs} ms`);
        for (const q of this.peers()) this.net.cut(p.sid, q.sid);
        this.sched.at(end(f.durationMs), () => {
          for (const q of this.peers()) this.net.heal(p.sid, q.sid);
        });
        return;
      }
      case 'split': {
        const all = this.peers();
        const side = new Set(all.filter(() => this.rng.chance(0.5)).map((p) => p.sid));
        this.trace(null, () => `SPLIT {${[...side].join(',')}} from the rest for ${f.durationMs} ms`);
        const pairs: [Sid, Sid][] = [];
        for (const a of all) for (const b of all) if (side.has(a.sid) && !side.has(b.sid)) pairs.push([a.sid, b.sid]);
        for (const [a, b] of pairs) this.net.cut(a, b);
        this.sched.at(end(f.durationMs), () => {
          for (const [a, b] of pairs) this.net.heal(a, b);
        });
        return;
      }
      case 'lossy':
        this.trace(null, () => `LOSSY election traffic for ${f.durationMs} ms (loss ${f.loss.toFixed(2)}, dup ${f.duplicate.toFixed(2)})`);
        this.net.lossProbability = f.loss;
        this.net.duplicateProbability = f.duplicate;
        this.sched.at(end(f.durationMs), () => {
          this.net.lossProbability = 0;
          this.net.duplicateProbability = 0;
        });
        return;
      case 'reset': {
        const conns = this.peers().flatMap((p) => (p.role.kind === 'following' && p.role.conn.learnerOpen ? [p.role.conn] : []));
        if (conns.length === 0) return;
        const c = this.rng.pick(conns);
        this.trace(null, () => `RESET connection ${c.id} (${c.learnerSid} -> ${c.leaderSid})`);
        c.up.close();
        c.down.close();
        const learner = this.peer(c.learnerSid);
        const leader = this.peer(c.leaderSid);
        this.sched.after(this.net.delay(), () => learner.zab.learnerReceivesReset(c));
        this.sched.after(this.net.delay(), () => leader.zab.leaderReceivesReset(c));
        return;
      }
      case 'slowDisk': {
        const p = this.target(f.target);
        if (p === null) return;
        this.trace(p.sid, () => `SLOW DISK (+${f.slowMs} ms) for ${f.durationMs} ms`);
        p.disk.slowMs = f.slowMs;
        this.sched.at(end(f.durationMs), () => (p.disk.slowMs = 0));
        return;
      }
    }
  }

  private heal(): void {
    this.trace(null, () => 'HEAL: network whole, every server started');
    this.net.healAll();
    this.net.lossProbability = 0;
    this.net.duplicateProbability = 0;
    for (const p of this.peers()) {
      p.disk.slowMs = 0;
      if (!p.up) this.boot(p);
    }
    const now = this.sched.now;
    // The probe writes one at a time until a write is acknowledged (a write lost with its
    // connection is not retried, like a real client's; the next one is a new write).
    this.probe = this.clients.add(PROBE_SESSION, 1_000, 1, now, now + this.scenario.livenessBoundMs, [20, 100]);
    const check = (): void => {
      if (this.isLive()) {
        this.liveAt = this.sched.now;
        this.trace(null, () => `LIVE after ${(this.sched.now - now).toFixed(1)} ms`);
        return;
      }
      this.sched.after(50, check);
    };
    this.sched.after(50, check);
  }

  /**
   * One serving leader, every server serving in its epoch, and the probe write acknowledged. A
   * server whose acceptedEpoch is above the leader's epoch is let off: it refuses that leader
   * ("Leaders epoch ... is less than accepted epoch") and, as in the reference, can only rejoin
   * after the next election; a quorum without it is still required.
   */
  private isLive(): boolean {
    if (this.probe === null || this.probe.acked.size === 0) return false;
    const leaders = this.peers().filter((p) => p.role.kind === 'leading' && p.role.serving);
    if (leaders.length !== 1) return false;
    const l = leaders[0]!.role;
    if (l.kind !== 'leading') return false;
    const serving = this.peers().filter((p) => p.role === l || (p.role.kind === 'following' && p.role.serving && p.role.m.newEpoch === l.m.epoch));
    const leader = leaders[0]!;
    const members = leader.cfg === null ? this.members : leader.cfg.members;
    if (!members.containsQuorum(serving.map((p) => p.sid))) return false;
    // With reconfig, a server the leader's config leaves out has no role to be live in.
    const out = this.peers().filter((p) => !serving.includes(p) && (leader.cfg === null || members.voters.has(p.sid) || members.observers.has(p.sid)));
    if (out.some((p) => p.disk.durable.acceptedEpoch <= l.m.epoch)) return false;
    for (const p of out) this.checker.note(`server ${p.sid} stays out of epoch ${l.m.epoch}: it accepted epoch ${p.disk.durable.acceptedEpoch} (as in the reference)`);
    return true;
  }

  /** A client's reconfig reaches the serving leader, if there is one (reconfig-zab.ts). */
  private requestReconfig(): void {
    const leaders = this.peers().filter((p) => p.up && p.role.kind === 'leading' && p.role.serving);
    const p = leaders[0];
    if (p === undefined || p.role.kind !== 'leading' || this.reconfigs === null) return;
    const r = p.role;
    const all = this.peers().map((q) => Number(q.sid));
    const inEpoch = (): Sid[] => this.peers().filter((q) => q.role.kind === 'following' && q.role.serving && !q.role.observer && q.role.conn.leaderSid === p.sid && q.role.m.newEpoch === r.m.epoch).map((q) => q.sid);
    const what = prepReconfig(p, r, this.reconfigs.rng, all, inEpoch);
    this.trace(p.sid, () => what);
  }

  summary(): string {
    return this.peers()
      .map((p) => {
        const r = p.role;
        const extra = r.kind === 'leading' ? ` epoch ${r.m.epoch} ${r.m.phase}${r.serving ? ' serving' : ''}` : r.kind === 'following' ? ` epoch ${r.m.newEpoch} ${r.m.phase}` : r.kind === 'connecting' ? ` to ${r.leader}` : '';
        return `s${p.sid}=${r.kind}${extra}`;
      })
      .join(' ');
  }
}

export function runSeed(seed: number, o: RunOptions = {}): RunResult {
  const w = new World(scenarioFor(seed), o.trace, o.policy, o.reconfig ?? false);
  o.sabotage?.(w);
  return w.run();
}
