// Load generator process: `node dist/bench/load/generator.js '<json GeneratorConfig>'`.
// Sets up the scenario's nodes, runs a warm-up, then a timed window; prints `MEASURE_START` and
// `MEASURE_END` lines at the window's edges (the runner samples the server's CPU there) and one
// `RESULT <json>` line at the end. Exits non-zero on any error or a request that failed.

import { performance } from 'node:perf_hooks';
import { Histogram, type LatencySummary } from './histogram';
import { CreateMode, Frames, Session } from './wire';

export const SCENARIOS = [
  'create',
  'setData',
  'getData',
  'exists',
  'getChildren',
  'mix90',
  'multi10',
  'churn',
  'watchFanout',
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface GeneratorConfig {
  port: number;
  /**
   * Ensembles: the members' client ports. Sessions are dealt round-robin over them (setup and the
   * admin session stay on `port`), and the load starts once every port sees the setup's last node.
   */
  ports?: number[];
  scenario: ScenarioName;
  sessions: number;
  depth: number;
  payload: number;
  warmupMs: number;
  durationMs: number;
  /** watchFanout only. */
  watchers: number;
}

export interface GeneratorResult {
  scenario: ScenarioName;
  ops: number;
  seconds: number;
  opsPerSec: number;
  latencyUs: LatencySummary;
  errors: number;
  /** watchFanout: writer setData/s. */
  writesPerSec?: number;
}

const hist = new Histogram();
let measuring = false;
let ops = 0;
let errors = 0;
let writes = 0;
let running = true;

function out(line: string): void {
  process.stdout.write(line + '\n');
}

async function connectAll(port: number | number[], n: number, parallel = 64): Promise<Session[]> {
  const ports = typeof port === 'number' ? [port] : port;
  const sessions: Session[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, (_v, k) => Session.connect(ports[(i + k) % ports.length]!)));
    sessions.push(...batch);
  }
  return sessions;
}

/**
 * Ensembles: a follower may not have applied the setup yet. A marker created last on the admin
 * session is polled (10 ms apart, 30 s bound) from every session until each one sees it.
 */
async function caughtUp(admin: Session, sessions: Session[]): Promise<void> {
  await must(admin, Frames.create('/bench/ready', Buffer.alloc(0)), 'create /bench/ready', [0, -110]);
  const probe = Frames.exists('/bench/ready');
  const deadline = Date.now() + 30_000;
  for (const s of sessions) {
    while ((await s.call(probe)).err !== 0) {
      if (Date.now() > deadline) throw new Error('a member did not catch up with the setup within 30 s');
      await sleep(10);
    }
  }
}

async function must(s: Session, f: Buffer, what: string, okErrs: number[] = [0]): Promise<void> {
  const r = await s.call(f);
  if (!okErrs.includes(r.err)) throw new Error(`${what}: error ${r.err}`);
}

/** Pipelined closed loop: each session keeps `depth` requests outstanding, `next` picks each frame. */
async function pipelined(cfg: GeneratorConfig, sessions: Session[], next: (s: Session) => Buffer): Promise<void> {
  const onReply = (s: Session, err: number, us: number): void => {
    if (measuring) {
      ops++;
      hist.record(us);
      if (err !== 0) errors++;
    } else if (err !== 0) errors++;
    if (running) s.send(next(s));
  };
  for (const s of sessions) {
    s.onReply = onReply;
    for (let k = 0; k < cfg.depth; k++) s.send(next(s));
  }
  await window(cfg);
  await drain(sessions);
}

async function window(cfg: GeneratorConfig): Promise<number> {
  await sleep(cfg.warmupMs);
  hist.reset();
  ops = 0;
  errors = 0;
  writes = 0;
  out('MEASURE_START');
  const t0 = performance.now();
  measuring = true;
  await sleep(cfg.durationMs);
  measuring = false;
  running = false;
  const seconds = (performance.now() - t0) / 1000;
  out('MEASURE_END');
  measuredSeconds = seconds;
  return seconds;
}
let measuredSeconds = 0;

async function drain(sessions: Session[], timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (sessions.some((s) => !s.closed && s.outstanding > 0) && Date.now() < deadline) await sleep(10);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function churn(cfg: GeneratorConfig): Promise<void> {
  const createEph = Frames.create('/bench/e-', Buffer.alloc(cfg.payload, 0x61), CreateMode.ephemeralSequential);
  const loop = async (): Promise<void> => {
    while (running) {
      const t = performance.now();
      const s = await Session.connect(cfg.port);
      const r = await s.call(createEph);
      await s.close();
      if (measuring) {
        ops++;
        hist.record((performance.now() - t) * 1000);
        if (r.err !== 0) errors++;
      }
    }
  };
  const loops = Array.from({ length: cfg.sessions }, () => loop());
  await window(cfg);
  await Promise.all(loops);
}

async function watchFanout(cfg: GeneratorConfig, admin: Session): Promise<void> {
  await must(admin, Frames.create('/bench/w', Buffer.alloc(cfg.payload, 0x61)), 'create /bench/w');
  const watchers = await connectAll(cfg.port, cfg.watchers);
  const rewatch = Frames.getData('/bench/w', true);
  for (const w of watchers) {
    w.onReply = (_s, err) => {
      if (err !== 0) errors++;
    };
    w.onEvent = (s) => {
      if (measuring) ops++;
      if (running) s.send(rewatch);
    };
    w.send(rewatch);
  }
  await drain(watchers);
  const writer = await Session.connect(cfg.port);
  const set = Frames.setData('/bench/w', Buffer.alloc(cfg.payload, 0x62));
  writer.onReply = (s, err, us) => {
    if (measuring) {
      writes++;
      hist.record(us);
    }
    if (err !== 0) errors++;
    if (running) s.send(set);
  };
  writer.send(set);
  await window(cfg);
  await drain([writer, ...watchers]);
  await writer.close();
  for (const w of watchers) w.destroy();
}

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as GeneratorConfig;
  const data = Buffer.alloc(cfg.payload, 0x61);
  const admin = await Session.connect(cfg.port);
  await must(admin, Frames.create('/bench', Buffer.alloc(0)), 'create /bench', [0, -110]);
  const sc = cfg.scenario;
  if (sc === 'churn') {
    await churn(cfg);
  } else if (sc === 'watchFanout') {
    await watchFanout(cfg, admin);
  } else {
    const sessions = await connectAll(cfg.ports ?? cfg.port, cfg.sessions);
    let next: (s: Session) => Buffer;
    if (sc === 'create') {
      const f = Frames.create('/bench/c-', data, CreateMode.persistentSequential);
      next = () => f;
    } else if (sc === 'setData' || sc === 'mix90') {
      const sets = await Promise.all(
        sessions.map(async (_s, i) => {
          await must(admin, Frames.create(`/bench/n${i}`, data), 'create');
          return Frames.setData(`/bench/n${i}`, data);
        }),
      );
      const gets = sessions.map((_s, i) => Frames.getData(`/bench/n${i}`));
      sessions.forEach((s, i) => (s.tag = i));
      if (sc === 'setData') next = (s) => sets[s.tag]!;
      else {
        // 9 reads then 1 write per session, cycling (counter kept in the high part of tag)
        const counters = new Uint32Array(sessions.length);
        next = (s) => (++counters[s.tag]! % 10 === 0 ? sets[s.tag]! : gets[s.tag]!);
      }
    } else if (sc === 'getData' || sc === 'exists') {
      await must(admin, Frames.create('/bench/d', data), 'create /bench/d');
      const f = sc === 'getData' ? Frames.getData('/bench/d') : Frames.exists('/bench/d');
      next = () => f;
    } else if (sc === 'getChildren') {
      await must(admin, Frames.create('/bench/p', Buffer.alloc(0)), 'create /bench/p');
      for (let i = 0; i < 100; i++) await must(admin, Frames.create(`/bench/p/child-${String(i).padStart(4, '0')}`, data), 'create child');
      const f = Frames.getChildren('/bench/p');
      next = () => f;
    } else if (sc === 'multi10') {
      const multis: Buffer[] = [];
      for (let i = 0; i < sessions.length; i++) {
        const paths = Array.from({ length: 10 }, (_v, j) => `/bench/m${i}-${j}`);
        for (const p of paths) await must(admin, Frames.create(p, data), 'create');
        multis.push(Frames.multiSetData(paths, data));
      }
      sessions.forEach((s, i) => (s.tag = i));
      next = (s) => multis[s.tag]!;
    } else {
      throw new Error(`unknown scenario ${String(sc)}`);
    }
    if (cfg.ports !== undefined) await caughtUp(admin, sessions);
    await pipelined(cfg, sessions, next);
    await Promise.all(sessions.map((s) => s.close()));
  }
  await admin.close();
  const result: GeneratorResult = {
    scenario: sc,
    ops,
    seconds: measuredSeconds,
    opsPerSec: ops / measuredSeconds,
    latencyUs: hist.summary(),
    errors,
    ...(sc === 'watchFanout' ? { writesPerSec: writes / measuredSeconds } : {}),
  };
  out('RESULT ' + JSON.stringify(result));
  process.exitCode = errors > 0 ? 3 : 0;
}

if (require.main === module) {
  main().then(
    () => setTimeout(() => process.exit(), 100).unref(),
    (e: unknown) => {
      process.stderr.write(`generator: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
