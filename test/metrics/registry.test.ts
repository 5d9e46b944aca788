// The metrics registry on its own: summary arithmetic and quantiles (against a plain sorted-array
// computation written here), the recent-sample window, keyed sets, reset, and the dump order.

import test from 'ava';
import { Counter, MetricsRegistry, Summary, SUMMARY_WINDOW, concurrentHashMapOrder } from '../../src/metrics';
import { javaDoubleString } from '../../src/fourletter/mntr';
import { prng } from '../support/prng';

/** Dropwizard's UniformSnapshot.getValue, straight from its definition, over a sorted copy. */
function referenceQuantile(values: readonly number[], q: number): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return 0;
  const pos = q * (v.length + 1);
  if (pos < 1) return v[0]!;
  if (pos >= v.length) return v[v.length - 1]!;
  const lo = v[Math.floor(pos) - 1]!;
  const hi = v[Math.floor(pos)]!;
  return lo + (pos - Math.floor(pos)) * (hi - lo);
}

const QS = [0, 0.5, 0.9, 0.95, 0.99, 0.999, 1];

test('summary: count, sum, min, max and the 4-decimal average', (t) => {
  const s = new Summary('x', 'basic');
  t.deepEqual([s.count, s.sum, s.min, s.max, s.avg], [0, 0, 0, 0, 0], 'empty: all zero, as the reference reports');
  for (const v of [5, 1, 7, 1]) s.add(v);
  t.deepEqual([s.count, s.sum, s.min, s.max], [4, 14, 1, 7]);
  t.is(s.avg, 3.5);
  s.add(0);
  t.is(s.avg, 2.8);
  const third = new Summary('y', 'basic');
  for (const v of [1, 1, 2]) third.add(v);
  t.is(third.avg, 1.3333, '4/3 rounded half-up to 4 decimals');
  t.deepEqual(third.quantiles([0.5]), [0], 'a basic summary keeps no samples');
});

test('summary quantiles match a sorted-array computation (random samples, several sizes)', (t) => {
  const rnd = prng(42);
  for (const n of [1, 2, 3, 10, 99, 1000, SUMMARY_WINDOW]) {
    const s = new Summary('lat', 'advanced');
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const v = Math.floor(rnd() * 1000);
      values.push(v);
      s.add(v);
    }
    const got = s.quantiles(QS);
    QS.forEach((q, i) => t.is(got[i], referenceQuantile(values, q), `n=${n} q=${q}`));
  }
});

test('quantiles cover only the most recent window of samples; count and sum cover everything', (t) => {
  const s = new Summary('lat', 'advanced', 8);
  for (let i = 0; i < 8; i++) s.add(1000);
  const recent = [1, 2, 3, 4, 5, 6, 7, 8];
  for (const v of recent) s.add(v);
  t.is(s.count, 16);
  t.is(s.sum, 8000 + 36);
  t.is(s.max, 1000);
  t.is(s.windowCount, 8);
  const got = s.quantiles(QS);
  QS.forEach((q, i) => t.is(got[i], referenceQuantile(recent, q), `q=${q}`));
  t.throws(() => s.quantiles([1.5]), { instanceOf: RangeError });
});

test('reset zeroes counters and summaries (and their windows) but leaves gauges live', (t) => {
  const r = new MetricsRegistry();
  const c = r.counter('hits');
  const s = r.summary('lat', 'advanced');
  let live = 3;
  r.registerGauge('g', () => live);
  c.add(5);
  s.add(9);
  r.reset();
  t.is(c.value, 0);
  t.deepEqual([s.count, s.sum, s.min, s.max, s.windowCount], [0, 0, 0, 0, 0]);
  t.deepEqual(s.quantiles([0.5]), [0]);
  live = 4;
  t.is(r.dump().find((x) => x.key === 'g')?.value, 4);
});

test('a name keeps its detail level; the same name returns the same metric', (t) => {
  const r = new MetricsRegistry();
  const s = r.summary('lat', 'basic');
  t.is(r.summary('lat', 'basic'), s);
  t.throws(() => r.summary('lat', 'advanced'), { message: /another detail level/ });
  r.summarySet('ns', 'advanced');
  t.throws(() => r.summarySet('ns', 'basic'), { message: /another detail level/ });
  t.true(r.counter('c') instanceof Counter);
  t.is(r.counter('c'), r.counter('c'));
});

test('dump: avg/min/max/cnt/sum per summary, p50..p999 only for advanced ones, keyed sets as <key>_<name>', (t) => {
  const r = new MetricsRegistry();
  r.summary('b', 'basic').add(2);
  const a = r.summary('a', 'advanced');
  for (const v of [1, 2, 3, 4]) a.add(v);
  r.summarySet('read_per_namespace', 'basic').add('app', 10);
  r.counterSet('quota_exceeded_error_per_namespace').add('app', 2);
  const d = new Map(r.dump().map((x) => [x.key, x]));
  for (const k of ['avg_b', 'min_b', 'max_b', 'cnt_b', 'sum_b']) t.true(d.has(k), k);
  t.false(d.has('p50_b'));
  t.is(d.get('avg_a')?.double, true);
  t.is(d.get('cnt_a')?.double, false);
  t.is(d.get('p50_a')?.value, Math.round(referenceQuantile([1, 2, 3, 4], 0.5)));
  t.is(d.get('p999_a')?.value, 4);
  t.is(d.get('cnt_app_read_per_namespace')?.value, 1);
  t.is(d.get('app_quota_exceeded_error_per_namespace')?.value, 2);
  r.registerGauge('gone', () => null);
  t.false(new Set(r.dump().map((x) => x.key)).has('gone'), 'a gauge without a value is left out');
});

// Apache ZooKeeper 3.8.0's mntr (Debian's build, standalone), its gauges in the order it printed
// them: ZooKeeperServer.registerMetrics registers them in SERVER_GAUGES order into a
// ConcurrentHashMap, whose iteration gives this.
const JAVA_GAUGE_ORDER = [
  'ephemerals_count', 'num_alive_connections', 'avg_latency', 'outstanding_requests', 'znode_count', 'global_sessions',
  'non_mtls_remote_conn_count', 'last_client_response_size', 'packets_sent', 'packets_received', 'max_client_response_size',
  'connection_drop_probability', 'watch_count', 'auth_failed_count', 'min_latency', 'max_file_descriptor_count',
  'approximate_data_size', 'open_file_descriptor_count', 'local_sessions', 'uptime', 'max_latency',
  'outstanding_tls_handshake', 'min_client_response_size', 'non_mtls_local_conn_count',
];
const REGISTRATION_ORDER = [
  'avg_latency', 'max_latency', 'min_latency', 'packets_received', 'packets_sent', 'num_alive_connections',
  'outstanding_requests', 'uptime', 'znode_count', 'watch_count', 'ephemerals_count', 'approximate_data_size',
  'global_sessions', 'local_sessions', 'open_file_descriptor_count', 'max_file_descriptor_count',
  'connection_drop_probability', 'last_client_response_size', 'max_client_response_size', 'min_client_response_size',
  'outstanding_tls_handshake', 'auth_failed_count', 'non_mtls_remote_conn_count', 'non_mtls_local_conn_count',
];

test('the dump lists a kind in the order the reference\'s ConcurrentHashMap iterates it', (t) => {
  t.deepEqual(concurrentHashMapOrder(REGISTRATION_ORDER), JAVA_GAUGE_ORDER);
  const r = new MetricsRegistry();
  for (const g of REGISTRATION_ORDER) r.registerGauge(g, () => 1);
  t.deepEqual(r.dump().map((x) => x.key), JAVA_GAUGE_ORDER);
  t.deepEqual(concurrentHashMapOrder([]), []);
  t.deepEqual(concurrentHashMapOrder(['a', 'a']), ['a'], 'repeats are ignored');
});

test('a reserved name keeps its place in the order without being printed', (t) => {
  const r = new MetricsRegistry();
  for (const g of REGISTRATION_ORDER) {
    if (g === 'uptime') r.reserve('gauge', g);
    else r.registerGauge(g, () => 1);
  }
  t.deepEqual(r.dump().map((x) => x.key), JAVA_GAUGE_ORDER.filter((g) => g !== 'uptime'));
});

test('doubles print as Java\'s Double.toString', (t) => {
  t.is(javaDoubleString(0), '0.0');
  t.is(javaDoubleString(3), '3.0');
  t.is(javaDoubleString(1.3333), '1.3333');
  t.is(javaDoubleString(0.001), '0.001');
  t.is(javaDoubleString(12_500_000), '1.25E7');
  t.is(javaDoubleString(1e7), '1.0E7');
  t.is(javaDoubleString(0.0001), '1.0E-4');
  t.is(javaDoubleString(NaN), 'NaN');
});
