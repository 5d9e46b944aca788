// The Prometheus endpoint, scraped over HTTP on loopback: the reference provider's metric names,
// types, quantiles and labels (zookeeper-prometheus-metrics' PrometheusMetricsProvider.java,
// release-3.8.0-1), the process metrics of exportJvmInfo, and the server's lifecycle around it.

import test from 'ava';
import { get } from 'node:http';
import { createServer, type Server } from 'node:net';
import * as zookeeper from 'node-zookeeper-client';
import { startServer, type EmbeddedServer } from '../../src/index';
import { fourLetterWord } from '../support/four-letter-word';
import { connectedClient } from '../support/node-client';

interface Scrape {
  status: number;
  contentType: string;
  types: Map<string, string>;
  /** `name{labels}` -> value */
  samples: Map<string, number>;
}

function scrape(host: string, port: number, path = '/metrics'): Promise<Scrape> {
  return new Promise((resolve, reject) => {
    const req = get({ host, port, path, timeout: 5000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const types = new Map<string, string>();
        const samples = new Map<string, number>();
        for (const line of text.split('\n')) {
          const t = /^# TYPE (\S+) (\S+)$/.exec(line);
          if (t !== null) types.set(t[1]!, t[2]!);
          else if (line !== '' && !line.startsWith('#')) {
            const m = /^(\S+?(?:\{[^}]*\})?) (\S+)$/.exec(line);
            if (m === null) return reject(new Error(`malformed exposition line: ${line}`));
            samples.set(m[1]!, Number(m[2]));
          }
        }
        resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type']), types, samples });
      });
    });
    req.on('timeout', () => req.destroy(new Error('scrape timed out')));
    req.on('error', reject);
  });
}

async function workload(s: EmbeddedServer): Promise<zookeeper.Client> {
  const c = await connectedClient(s.connectString);
  const call = (f: (cb: (e: unknown) => void) => void): Promise<void> =>
    new Promise((resolve, reject) => f((e) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));
  await call((cb) => c.create('/app', Buffer.from('hello'), cb));
  await call((cb) => c.getData('/app', cb));
  return c;
}

const prometheus = (exportJvmInfo = true) => ({ provider: 'prometheus' as const, httpHost: '127.0.0.1', httpPort: 0, exportJvmInfo });

// Names and kinds as the reference registers them: gauges in ZooKeeperServer.registerMetrics,
// counters and summaries in ServerMetrics (getCounter / getSummary with BASIC or ADVANCED).
const GAUGES = ['znode_count', 'watch_count', 'ephemerals_count', 'approximate_data_size', 'global_sessions', 'num_alive_connections', 'outstanding_requests', 'packets_received', 'packets_sent', 'avg_latency', 'uptime'];
const COUNTERS = ['commit_count', 'bytes_received_count', 'connection_request_count', 'response_bytes', 'watch_bytes', 'stale_sessions_expired', 'digest_mismatches_count'];
const ADVANCED = ['readlatency', 'updatelatency', 'propagation_latency', 'sync_processor_queue_and_flush_time_ms'];
const BASIC = ['fsynctime', 'snapshottime', 'dbinittime', 'sync_processor_batch_size', 'node_changed_watch_count'];

test('GET /metrics: the reference names with their Prometheus types, quantiles and labels', async (t) => {
  const s = await startServer({ metrics: prometheus() });
  t.teardown(() => s.stop());
  const addr = s.server.metricsAddress;
  if (addr === null) return t.fail('no metrics endpoint');
  t.is(addr.host, '127.0.0.1');
  const c = await workload(s);
  t.teardown(() => c.close());
  const r = await scrape(addr.host, addr.port);
  t.is(r.status, 200);
  t.regex(r.contentType, /^text\/plain; version=0\.0\.4/);
  for (const g of GAUGES) t.is(r.types.get(g), 'gauge', g);
  for (const n of COUNTERS) t.is(r.types.get(n), 'counter', n);
  for (const n of [...ADVANCED, ...BASIC]) t.is(r.types.get(n), 'summary', n);
  // ADVANCED summaries: quantiles 0.5, 0.9, 0.99; BASIC ones: 0.5 only; both with _count and _sum.
  for (const n of ADVANCED) {
    for (const q of ['0.5', '0.9', '0.99']) t.true(r.samples.has(`${n}{quantile="${q}"}`), `${n} ${q}`);
    t.true(r.samples.has(`${n}_count`) && r.samples.has(`${n}_sum`), n);
  }
  t.true(Number.isNaN(r.samples.get('jvm_pause_time_ms{quantile="0.5"}')), 'never observed: NaN, not a made-up 0');
  t.is(r.samples.get('jvm_pause_time_ms_count'), 0);
  for (const n of BASIC) {
    t.true(r.samples.has(`${n}{quantile="0.5"}`), n);
    t.false(r.samples.has(`${n}{quantile="0.9"}`), n);
  }
  t.is(r.samples.get('updatelatency_count'), 2, 'createSession and the create');
  t.is(r.samples.get('readlatency_count'), 1);
  t.true(r.samples.get('znode_count')! >= 5);
  t.true(r.samples.get('bytes_received_count')! > 0);
  // Summary sets carry the label `key` (PrometheusLabelledSummary's LABELS).
  t.is(r.types.get('write_per_namespace'), 'summary');
  t.true(r.samples.has('write_per_namespace{key="app",quantile="0.5"}'));
  t.is(r.samples.get('write_per_namespace_count{key="app"}'), 1);
  t.is(r.samples.get('read_per_namespace_sum{key="app"}'), '/app'.length + 5 + 68);
  // exportJvmInfo: the process metrics.
  t.is(r.types.get('process_cpu_user_seconds_total'), 'counter');
  t.is(r.types.get('process_start_time_seconds'), 'gauge');
  const missing = await scrape(addr.host, addr.port, '/other');
  t.is(missing.status, 404);
});

test('exportJvmInfo=false leaves the process metrics out', async (t) => {
  const s = await startServer({ metrics: prometheus(false) });
  t.teardown(() => s.stop());
  const addr = s.server.metricsAddress!;
  const r = await scrape(addr.host, addr.port);
  t.is(r.types.get('znode_count'), 'gauge');
  t.false([...r.types.keys()].some((n) => n.startsWith('process_') || n.startsWith('nodejs_')));
});

test('with Prometheus, srst leaves the values alone and mntr prints the Prometheus samples (as the reference)', async (t) => {
  const s = await startServer({ metrics: prometheus(false) });
  t.teardown(() => s.stop());
  const c = await workload(s);
  t.teardown(() => c.close());
  const addr = s.server.metricsAddress!;
  const before = await scrape(addr.host, addr.port);
  await fourLetterWord(s.host, s.port, 'srst', 5000);
  const after = await scrape(addr.host, addr.port);
  t.is(after.samples.get('updatelatency_count'), before.samples.get('updatelatency_count'));
  t.true(after.samples.get('bytes_received_count')! >= before.samples.get('bytes_received_count')!);
  const text = await fourLetterWord(s.host, s.port, 'mntr', 5000);
  t.regex(text, /^zk_version\t/);
  t.regex(text, /\nzk_readlatency\{quantile="0\.5"\}\t\d+\.\d+\n/);
  t.regex(text, /\nzk_updatelatency_count\t2\.0\n/);
  t.regex(text, /\nzk_znode_count\t\d+\.0\n/);
});

test('the stopped server frees the metrics port; without a provider no endpoint exists', async (t) => {
  const s = await startServer({ metrics: prometheus(false) });
  const { host, port } = s.server.metricsAddress!;
  await s.stop();
  await t.throwsAsync(scrape(host, port), { code: 'ECONNREFUSED' });
  const plain = await startServer();
  t.teardown(() => plain.stop());
  t.is(plain.server.metricsAddress, null);
});

test('a metrics port already taken stops the server from starting', async (t) => {
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const port = (blocker.address() as { port: number }).port;
  await t.throwsAsync(startServer({ metrics: { ...prometheus(false), httpPort: port } }), { message: /Prometheus metrics provider.*EADDRINUSE/ });
});
