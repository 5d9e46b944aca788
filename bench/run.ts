// zkts next to Apache ZooKeeper 3.8.0 under the same client load, in one run (issue 7):
//
//   npm run bench              # 3 repeats per scenario, 3 s warm-up + 5 s measured, CPU profile pass
//   npm run bench:quick        # 1 repeat, 2 s warm-up + 2 s measured
//   node dist/bench/run.js --only getData,setData --repeats 2 --no-profile --json
//   node dist/bench/run.js --quick --only getChildren --profile getChildren   (default profile: setData,create,getData,getChildren; quick: setData,getData)
//   node dist/bench/run.js --only none --no-profile --resources 1000000     (start-up + resources only)
//
//   node dist/bench/run.js --topology ensemble3           (3-member ensembles + election table only)
//   node dist/bench/run.js --only election --election-trials 10   (just the leader-kill table)
//
// Topologies (--topology standalone | ensemble3 | both, default both): `both` runs the standalone
// rows below, then 3-member ensembles (bench/ensemble/members.ts; all-Java vs all-zkts, same zoo.cfg
// keys, members pinned to the server core, load dealt round-robin over the three client ports, CPU
// and RSS summed over the members) for --ensemble-only (default setData,getData,mix90,create;
// quick setData,getData) × --ensemble-repeats (2; quick 1), and the election table
// (bench/ensemble/election.ts: SIGKILL the leader, time to the next write and to Mode: leader,
// --election-trials per kind, default 10, quick 3). 'election' may be listed in --only.
//
// Standalone: fsync on. Each run gets a fresh dataDir and a fresh
// server process; the server is pinned to core 0 and the load generator (bench/load/generator.ts,
// its own process) to core 1 with taskset when available. Java and zkts alternate per repeat
// (A B A B). Server CPU time (utime+stime from /proc/<pid>/stat) and RSS (VmRSS) are sampled at the
// edges of the measured window. Ratios are zkts/Java per repeat pair: min / median / max.
//
// Resources (bench/resources/resources.ts; --resources a,b sets the sizes, default 100k and 1M, quick
// 100k; --no-resources skips): start-up from empty and from N-znode dataDirs, RSS and heap with N
// znodes loaded (at the first request and after a forced full GC), snapshot load and write times.

import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SCENARIOS, type GeneratorConfig, type GeneratorResult, type ScenarioName } from './load/generator';
import { fmt, median, ratio } from './load/format';
import { topSelfTime, type SelfTime } from './load/profile';
import { resourceTable } from './resources/report';
import { LEAF_BYTES } from './resources/datadir';
import { resourcePass, type SizeResult } from './resources/resources';
import { electionPass, electionTable, type ElectionTrial } from './ensemble/election';
import { startEnsemble } from './ensemble/members';
import {
  HAS_TASKSET,
  LOAD_CORE,
  type ServerKind,
  cpuMicros,
  pinned,
  rssMiB,
  startServer,
  startZkts,
  startupMs,
} from './load/servers';
import { benchArgs } from './args';

interface Options {
  quick: boolean;
  /** 'both' (default): the standalone rows, then the ensemble3 rows and the election table. */
  topology: 'standalone' | 'ensemble3' | 'both';
  only: ScenarioName[];
  /** Scenarios for the 3-member ensembles (default setData,getData,mix90,create; quick setData,getData). */
  ensembleOnly: ScenarioName[];
  ensembleRepeats: number;
  /** Start-up, resources and profiles: the standalone extras (off with --topology ensemble3 or --only election). */
  extras: boolean;
  /** Leader-kill trials per kind; 0 skips the election table. */
  electionTrials: number;
  repeats: number;
  warmupMs: number;
  durationMs: number;
  sessions: number;
  depth: number;
  payload: number;
  watchers: number;
  profile: ScenarioName[];
  /** Znode counts (100-byte leaves) for the resource figures; empty with --no-resources. */
  resources: number[];
  json: boolean;
}

function parseOptions(argv: string[]): Options {
  const quick = argv.includes('--quick');
  const { val, num } = benchArgs(argv);
  const topology = val('--topology') ?? 'both';
  if (topology !== 'standalone' && topology !== 'ensemble3' && topology !== 'both') throw new Error(`topology ${topology}: use standalone, ensemble3 or both`);
  const onlyArg = val('--only');
  // 'election' in --only is the leader-kill table; `--only election` runs nothing else.
  const onlyList = onlyArg === 'none' ? [] : (onlyArg?.split(',') ?? null);
  const justElection = onlyList !== null && onlyList.length === 1 && onlyList[0] === 'election';
  const only = (onlyList?.filter((x) => x !== 'election') ?? [...SCENARIOS]) as ScenarioName[];
  const ensembleOnly = (val('--ensemble-only')?.split(',') ?? (onlyList !== null ? only : quick ? ['setData', 'getData'] : ['setData', 'getData', 'mix90', 'create'])) as ScenarioName[];
  for (const s of [...only, ...ensembleOnly, ...(val('--profile')?.split(',') ?? [])] as ScenarioName[]) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (have ${SCENARIOS.join(', ')}, election)`);
  const wantElection = onlyList === null || onlyList.includes('election');
  const electionTrials = wantElection && topology !== 'standalone' ? num('--election-trials', quick ? 3 : 10) : 0;
  return {
    quick,
    topology,
    only: topology === 'ensemble3' || justElection ? [] : only,
    ensembleOnly: topology === 'standalone' || justElection ? [] : ensembleOnly,
    ensembleRepeats: num('--ensemble-repeats', quick ? 1 : 2),
    electionTrials,
    extras: topology !== 'ensemble3' && !justElection,
    repeats: num('--repeats', quick ? 1 : 3),
    warmupMs: num('--warmup', quick ? 2 : 3) * 1000,
    durationMs: num('--duration', quick ? 2 : 5) * 1000,
    sessions: num('--sessions', 16),
    depth: num('--depth', 16),
    payload: num('--payload', 100),
    watchers: num('--watchers', 1000),
    profile: argv.includes('--no-profile') || topology === 'ensemble3' || justElection ? [] : ((val('--profile')?.split(',') ?? (quick ? ['setData', 'getData'] : ['setData', 'create', 'getData', 'getChildren'])) as ScenarioName[]),
    resources: argv.includes('--no-resources') || topology === 'ensemble3' || justElection
      ? []
      : (val('--resources')?.split(',').map((x) => {
          const n = Number(x);
          if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--resources ${x}: not a positive integer`);
          return n;
        }) ?? (quick ? [100_000] : [100_000, 1_000_000])),
    json: argv.includes('--json'),
  };
}

interface RunResult {
  kind: ServerKind;
  gen: GeneratorResult;
  cpuUsPerOp: number;
  serverCpuPct: number;
  loadCpuPct: number;
  rssMiB: number;
}

const log = (s: string): void => void process.stderr.write(s + '\n');

function killTree(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Runs the generator against a running server; samples the server at the window's edges. */
/** What the runner samples: one server process, or every member of an ensemble (CPU and RSS summed). */
interface Target {
  kind: ServerKind;
  pids: number[];
}
const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

function runGenerator(server: Target, cfg: GeneratorConfig, timeoutMs: number): Promise<RunResult> {
  const [cmd, args] = pinned(LOAD_CORE, process.execPath, [join(__dirname, 'load', 'generator.js'), JSON.stringify(cfg)]);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    let err = '';
    let cpu0 = NaN;
    let gen0 = NaN;
    let t0 = 0n;
    let cpu1 = NaN;
    let gen1 = NaN;
    let wall = 0;
    let rss = NaN;
    let result: GeneratorResult | null = null;
    const timer = setTimeout(() => {
      killTree(child);
      reject(new Error(`generator ${cfg.scenario} timed out after ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-5000)));
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'MEASURE_START') {
          cpu0 = sum(server.pids.map(cpuMicros));
          gen0 = cpuMicros(child.pid!);
          t0 = process.hrtime.bigint();
        } else if (line === 'MEASURE_END') {
          cpu1 = sum(server.pids.map(cpuMicros));
          gen1 = cpuMicros(child.pid!);
          wall = Number(process.hrtime.bigint() - t0) / 1000;
          rss = sum(server.pids.map(rssMiB));
        } else if (line.startsWith('RESULT ')) {
          result = JSON.parse(line.slice(7)) as GeneratorResult;
        }
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result === null || code !== 0) {
        reject(new Error(`generator ${cfg.scenario} on ${server.kind} exited ${code}\n${err}`));
        return;
      }
      resolve({
        kind: server.kind,
        gen: result,
        cpuUsPerOp: (cpu1 - cpu0) / Math.max(1, result.ops),
        serverCpuPct: (100 * (cpu1 - cpu0)) / wall,
        loadCpuPct: (100 * (gen1 - gen0)) / wall,
        rssMiB: rss,
      });
    });
  });
}

function genConfig(o: Options, port: number, scenario: ScenarioName): GeneratorConfig {
  return {
    port,
    scenario,
    sessions: o.sessions,
    depth: o.depth,
    payload: o.payload,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    watchers: o.watchers,
  };
}

async function oneRun(o: Options, kind: ServerKind, scenario: ScenarioName): Promise<RunResult> {
  const server = await startServer(kind);
  try {
    return await runGenerator({ kind, pids: [server.pid] }, genConfig(o, server.port, scenario), o.warmupMs + o.durationMs + 120_000);
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
}

/** One run on a fresh 3-member ensemble; the load is dealt over all three client ports. */
async function oneEnsembleRun(o: Options, kind: ServerKind, scenario: ScenarioName): Promise<RunResult> {
  const e = await startEnsemble(kind);
  try {
    const ports = e.clientPorts();
    return await runGenerator({ kind, pids: e.pids() }, { ...genConfig(o, ports[0]!, scenario), ports }, o.warmupMs + o.durationMs + 120_000);
  } finally {
    await e.stop();
  }
}

/** Raw write(100 B) + fdatasync rate of the temp dir's disk for `ms`. */
function fsyncRate(ms = 2000): number {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-bench-fsync-'));
  const fd = openSync(join(dir, 'f'), 'w');
  const b = Buffer.alloc(100, 1);
  const end = Date.now() + ms;
  let n = 0;
  const t0 = process.hrtime.bigint();
  while (Date.now() < end) {
    writeSync(fd, b);
    fdatasyncSync(fd);
    n++;
  }
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(fd);
  rmSync(dir, { recursive: true, force: true });
  return n / s;
}

async function profilePass(o: Options, scenario: ScenarioName): Promise<SelfTime[]> {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-bench-prof-'));
  const server = await startZkts({ cpuProfDir: dir });
  try {
    await runGenerator({ kind: 'zkts', pids: [server.pid] }, genConfig(o, server.port, scenario), o.warmupMs + o.durationMs + 120_000);
  } finally {
    await server.stop();
    rmSync(server.dataDir, { recursive: true, force: true });
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) throw new Error(`no .cpuprofile written in ${dir} (did zkts exit cleanly on SIGTERM?)`);
  const newest = files.map((f) => join(dir, f)).sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0]!;
  const top = topSelfTime(newest, 10, join(__dirname, '..', '..'));
  log(`  profile kept at ${newest}`);
  return top;
}

const ms = (us: number): string => fmt(us / 1000, 2);

type Results = Map<ScenarioName, Record<ServerKind, RunResult[]>>;

/** Each scenario × repeats, Java then zkts per repeat (A B A B). */
async function loadPass(scenarios: ScenarioName[], repeats: number, run: (kind: ServerKind, sc: ScenarioName) => Promise<RunResult>, label: string): Promise<Results> {
  const results: Results = new Map();
  for (const sc of scenarios) {
    const runs: Record<ServerKind, RunResult[]> = { java: [], zkts: [] };
    for (let r = 0; r < repeats; r++) {
      for (const kind of ['java', 'zkts'] as ServerKind[]) {
        const res = await run(kind, sc);
        runs[kind].push(res);
        log(
          `  ${label}${sc.padEnd(12)} ${kind.padEnd(4)} #${r + 1}: ${fmt(res.gen.opsPerSec).padStart(9)} ops/s  p50 ${ms(res.gen.latencyUs.p50)} ms  p99 ${ms(res.gen.latencyUs.p99)} ms  ` +
            `cpu ${fmt(res.cpuUsPerOp, 1)} µs/op (server ${fmt(res.serverCpuPct)}%, load ${fmt(res.loadCpuPct)}%)  rss ${fmt(res.rssMiB)} MiB`,
        );
      }
    }
    results.set(sc, runs);
  }
  return results;
}

function scenarioTables(o: Options, results: Results, topology: string, p: (s?: string) => void): void {
  for (const [sc, runs] of results) {
    p(`${sc}${sc === 'watchFanout' ? ` (${o.watchers} watchers; ops = events delivered; latency = writer setData)` : sc === 'churn' ? ' (ops = connect+create ephemeral+close cycles)' : ''}`);
    p();
    p('| server | ops/s | p50 ms | p99 ms | p99.9 ms | max ms | CPU µs/op | RSS MiB |');
    p('|---|---:|---:|---:|---:|---:|---:|---:|');
    for (const kind of ['java', 'zkts'] as ServerKind[]) {
      const rs = runs[kind];
      const m = (f: (x: RunResult) => number): number => median(rs.map(f));
      p(
        `| ${kind} | ${fmt(m((x) => x.gen.opsPerSec))} | ${ms(m((x) => x.gen.latencyUs.p50))} | ${ms(m((x) => x.gen.latencyUs.p99))} | ${ms(m((x) => x.gen.latencyUs.p999))} | ${ms(m((x) => x.gen.latencyUs.max))} | ${fmt(m((x) => x.cpuUsPerOp), 1)} | ${fmt(m((x) => x.rssMiB))} |`,
      );
    }
    const rat = (f: (x: RunResult) => number): string => ratio(runs.zkts.map((z, i) => f(z) / f(runs.java[i]!)));
    p(`| zkts/Java | ${rat((x) => x.gen.opsPerSec)} | ${rat((x) => x.gen.latencyUs.p50)} | ${rat((x) => x.gen.latencyUs.p99)} | ${rat((x) => x.gen.latencyUs.p999)} | ${rat((x) => x.gen.latencyUs.max)} | ${rat((x) => x.cpuUsPerOp)} | ${rat((x) => x.rssMiB)} |`);
    p();
  }
  p(`Summary (${topology}), zkts/Java, median (min–max) over repeats:`);
  p();
  p('| scenario | Java ops/s | zkts ops/s | ops/s ratio | p99 ratio | CPU/op ratio | RSS ratio |');
  p('|---|---:|---:|---:|---:|---:|---:|');
  for (const [sc, runs] of results) {
    const rat = (f: (x: RunResult) => number): string => ratio(runs.zkts.map((z, i) => f(z) / f(runs.java[i]!)));
    p(
      `| ${sc} | ${fmt(median(runs.java.map((x) => x.gen.opsPerSec)))} | ${fmt(median(runs.zkts.map((x) => x.gen.opsPerSec)))} | ${rat((x) => x.gen.opsPerSec)} | ${rat((x) => x.gen.latencyUs.p99)} | ${rat((x) => x.cpuUsPerOp)} | ${rat((x) => x.rssMiB)} |`,
    );
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const started = Date.now();
  log(`zkts vs Apache ZooKeeper 3.8.0, topology ${o.topology}, fsync on; ${o.repeats} repeat(s), ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s`);
  log(`load: ${o.sessions} sessions × ${o.depth} outstanding, ${o.payload} B payloads; taskset ${HAS_TASKSET ? 'server core 0, load core 1' : 'not available: unpinned'}`);
  const fsync = fsyncRate();
  log(`raw write(100 B)+fdatasync: ${fmt(fsync)} /s`);

  const startup: Record<ServerKind, number[]> = { java: [], zkts: [] };
  for (let r = 0; r < (o.extras ? o.repeats : 0); r++) {
    for (const kind of (r % 2 ? ['zkts', 'java'] : ['java', 'zkts']) as ServerKind[]) startup[kind].push(await startupMs(kind));
  }
  if (o.extras) log(`start-up to first served request: java ${startup.java.map((x) => fmt(x)).join('/')} ms, zkts ${startup.zkts.map((x) => fmt(x)).join('/')} ms`);

  let resources: SizeResult[] = [];
  if (o.resources.length > 0) {
    log(`resources: dataDirs of ${o.resources.join(', ')} znodes of ${LEAF_BYTES} B, ${o.repeats} repeat(s)`);
    resources = await resourcePass(o.resources, o.repeats);
  }

  const results = await loadPass(o.only, o.repeats, (kind, sc) => oneRun(o, kind, sc), '');
  const ensemble = await loadPass(o.ensembleOnly, o.ensembleRepeats, (kind, sc) => oneEnsembleRun(o, kind, sc), 'ensemble3 ');
  let election: Record<ServerKind, ElectionTrial[]> | null = null;
  if (o.electionTrials > 0) {
    log(`election: ${o.electionTrials} leader kills per kind`);
    election = await electionPass(o.electionTrials, log);
  }

  const profiles: Partial<Record<ScenarioName, SelfTime[]>> = {};
  if (o.profile.length > 0) {
    for (const sc of o.profile) {
      log(`profiling zkts under ${sc}`);
      profiles[sc] = await profilePass(o, sc);
    }
  }

  // ---- report ----
  const lines: string[] = [];
  const p = (s = ''): void => void lines.push(s);
  if (!o.extras) p(`Raw write(100 B)+fdatasync: ${fmt(fsync)}/s.`);
  if (results.size > 0) {
    if (o.extras) p(`Raw write(100 B)+fdatasync: ${fmt(fsync)}/s. Start-up to first served request (empty dataDir), median: Java ${fmt(median(startup.java))} ms, zkts ${fmt(median(startup.zkts))} ms.`);
    p();
    scenarioTables(o, results, 'standalone', p);
  }
  if (ensemble.size > 0) {
    p();
    p(`3-member ensembles (sessions dealt round-robin over the three client ports; CPU and RSS summed over the members; ${o.ensembleRepeats} repeat(s)):`);
    p();
    scenarioTables(o, ensemble, 'ensemble3', p);
  }
  if (election !== null) {
    p();
    for (const l of electionTable(election)) p(l);
  }
  p();
  if (o.extras) for (const l of resourceTable(startup, resources)) p(l);
  for (const [sc, top] of Object.entries(profiles)) {
    p();
    p(`zkts CPU profile under ${sc}, top 10 self time:`);
    p();
    p('| self % | function | location |');
    p('|---:|---|---|');
    for (const t of top!) p(`| ${fmt(t.pct, 1)} | ${t.fn} | ${t.where} |`);
  }
  p();
  p(`(total bench time ${fmt((Date.now() - started) / 1000)} s)`);
  process.stdout.write(lines.join('\n') + '\n');
  if (o.json) {
    process.stdout.write(
      JSON.stringify({ options: o, fsyncPerSec: fsync, startupMs: startup, resources, results: Object.fromEntries(results), ensemble3: Object.fromEntries(ensemble), election, profiles }, null, 1) + '\n',
    );
  }
}

if (require.main === module) {
  const hard = setTimeout(() => {
    log('bench: hard time limit (30 min) reached');
    process.exit(4);
  }, 30 * 60_000); // the default run (standalone + ensembles) takes ~20 min on a busy machine
  hard.unref();
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      log(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
