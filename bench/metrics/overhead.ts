// What metric tracking costs: the same client load (bench/load/generator.ts) against zkts with
// tracking off, on (the default), and on with the Prometheus endpoint scraped once a second.
//
//   npm run bench:metrics                       # getData, setData, mix90; 3 repeats; 2 s + 5 s
//   node dist/bench/metrics/overhead.js --only getData --repeats 5 --duration 10
//
// Each repeat runs the variants back to back in a rotating order (off on prom, on prom off, ...),
// each on a fresh server process and dataDir, server pinned to core 0 and load to core 1 as in
// bench/run.ts. Ratios are per repeat against that repeat's `off` run: throughput (ops/s, higher
// is better) and server CPU per op (lower is better), as median (min–max).

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../compat-tests/support/java-server';
import { SCENARIOS, type GeneratorConfig, type GeneratorResult, type ScenarioName } from '../load/generator';
import { fmt, median, ratio } from '../load/format';
import { LOAD_CORE, SERVER_CORE, cpuMicros, pinned, waitServing } from '../load/servers';
import { exited } from '../../compat-tests/support/process';
import { benchArgs } from '../args';

type Variant = 'off' | 'on' | 'prom';
const VARIANTS: readonly Variant[] = ['off', 'on', 'prom'];

interface Options {
  only: ScenarioName[];
  repeats: number;
  warmupMs: number;
  durationMs: number;
}

function parseOptions(argv: string[]): Options {
  const { val, num } = benchArgs(argv);
  const only = (val('--only')?.split(',') ?? ['getData', 'setData', 'mix90']) as ScenarioName[];
  for (const s of only) if (!SCENARIOS.includes(s)) throw new Error(`unknown scenario ${s} (have ${SCENARIOS.join(', ')})`);
  return { only, repeats: num('--repeats', 3), warmupMs: num('--warmup', 2) * 1000, durationMs: num('--duration', 5) * 1000 };
}

const log = (s: string): void => void process.stderr.write(s + '\n');

interface Server {
  port: number;
  metricsPort: number;
  pid: number;
  stop(): Promise<void>;
}

async function startVariant(variant: Variant): Promise<Server> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'zkts-bench-metrics-'));
  const cfg = join(dir, 'zoo.cfg');
  const lines = [`dataDir=${join(dir, 'data')}`, `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'tickTime=2000', 'forceSync=yes', 'maxClientCnxns=0', 'admin.enableServer=false'];
  if (variant === 'prom') {
    lines.push(
      'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
      'metricsProvider.httpHost=127.0.0.1',
      'metricsProvider.httpPort=0',
    );
  }
  writeFileSync(cfg, lines.join('\n') + '\n');
  const [cmd, args] = pinned(SERVER_CORE, process.execPath, [join(__dirname, 'server-child.js'), cfg, variant === 'off' ? 'off' : 'on']);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out = (out + c.toString()).slice(-5000)));
  const metricsPort = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server (${variant}) did not start in 30 s\n${out}`)), 30_000);
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const m = /SERVING (\d+)\n/.exec(buf);
      if (m !== null) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server (${variant}) exited ${code}\n${out}`));
    });
  });
  await waitServing(port, 30_000, () => child.exitCode === null);
  return {
    port,
    metricsPort,
    pid: child.pid!,
    async stop() {
      child.kill('SIGTERM');
      if (!(await exited(child, 15_000))) {
        child.kill('SIGKILL');
        await exited(child, 5000);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One scrape of /metrics (drains the body); errors are reported, not thrown. */
function scrapeOnce(port: number): Promise<void> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/metrics', timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => {
      log(`scrape failed: ${e.message}`);
      resolve();
    });
  });
}

interface Run {
  opsPerSec: number;
  cpuUsPerOp: number;
}

async function run(o: Options, variant: Variant, scenario: ScenarioName): Promise<Run> {
  const server = await startVariant(variant);
  const scraper = variant === 'prom' ? setInterval(() => void scrapeOnce(server.metricsPort), 1000) : null;
  try {
    const cfg: GeneratorConfig = { port: server.port, scenario, sessions: 16, depth: 16, payload: 100, warmupMs: o.warmupMs, durationMs: o.durationMs, watchers: 1000 };
    const [cmd, args] = pinned(LOAD_CORE, process.execPath, [join(__dirname, '..', 'load', 'generator.js'), JSON.stringify(cfg)]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-5000)));
    let cpu0 = NaN;
    let cpu1 = NaN;
    let result: GeneratorResult | null = null;
    let buf = '';
    child.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line === 'MEASURE_START') cpu0 = cpuMicros(server.pid);
        else if (line === 'MEASURE_END') cpu1 = cpuMicros(server.pid);
        else if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7)) as GeneratorResult;
      }
    });
    const finished = await exited(child, o.warmupMs + o.durationMs + 120_000);
    if (!finished) {
      child.kill('SIGKILL');
      await exited(child, 5000);
      throw new Error(`generator ${scenario} (${variant}) timed out\n${err}`);
    }
    const r = result as GeneratorResult | null;
    if (r === null || child.exitCode !== 0) throw new Error(`generator ${scenario} (${variant}) exited ${child.exitCode}\n${err}`);
    return { opsPerSec: r.opsPerSec, cpuUsPerOp: (cpu1 - cpu0) / Math.max(1, r.ops) };
  } finally {
    if (scraper !== null) clearInterval(scraper);
    await server.stop();
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  log(`metrics overhead: ${o.only.join(', ')}; ${o.repeats} repeats; ${o.warmupMs / 1000} s warm-up + ${o.durationMs / 1000} s measured`);
  const rows: string[] = [];
  for (const scenario of o.only) {
    const runs: Record<Variant, Run[]> = { off: [], on: [], prom: [] };
    for (let rep = 0; rep < o.repeats; rep++) {
      // Rotate the order so that no variant always runs first (or last) in a repeat.
      const order = VARIANTS.map((_, i) => VARIANTS[(i + rep) % VARIANTS.length]!);
      for (const v of order) {
        const r = await run(o, v, scenario);
        runs[v].push(r);
        log(`  ${scenario} #${rep + 1} ${v.padEnd(4)} ${fmt(r.opsPerSec)} ops/s  ${fmt(r.cpuUsPerOp, 1)} µs CPU/op`);
      }
    }
    const per = (v: Variant, f: (r: Run) => number): number[] => runs[v].map((r, i) => f(r) / f(runs.off[i]!));
    rows.push(
      `| ${scenario} | ${fmt(median(runs.off.map((r) => r.opsPerSec)))} | ${ratio(per('on', (r) => r.opsPerSec))} | ${ratio(per('prom', (r) => r.opsPerSec))} | ` +
        `${ratio(per('on', (r) => r.cpuUsPerOp))} | ${ratio(per('prom', (r) => r.cpuUsPerOp))} |`,
    );
  }
  const table = [
    '| scenario | off ops/s (median) | on/off ops/s | prom/off ops/s | on/off CPU/op | prom/off CPU/op |',
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n');
  process.stdout.write(`${table}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
