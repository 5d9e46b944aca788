// The Prometheus endpoint (the reference's PrometheusMetricsProvider): `GET /metrics` on
// httpHost:httpPort in the Prometheus text format, rendered by prom-client. Values are collected
// from the server's registry when scraped, so nothing is counted twice per request.
//
// As the reference exports them: gauges as `gauge`, counters as `counter` (no _total suffix, as
// its simpleclient 0.9 did), summaries as `summary` with quantile 0.5 (basic) or 0.5/0.9/0.99
// (advanced) plus _count and _sum, and the keyed sets with the label `key`. exportJvmInfo's
// counterpart is prom-client's default process and Node.js runtime metrics.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { collectDefaultMetrics, Registry, type Metric } from 'prom-client';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import type { MetricSample, MetricsRegistry } from './registry';
import type { Summary } from './summary';

export interface PrometheusOptions {
  /** metricsProvider.httpHost; the reference's default is 0.0.0.0. */
  httpHost: string;
  /** metricsProvider.httpPort (default 7000); 0 picks a free port. */
  httpPort: number;
  /** metricsProvider.exportJvmInfo (default true): the process and runtime metrics. */
  exportJvmInfo: boolean;
}

const BASIC_QUANTILES = [0.5] as const;
const ADVANCED_QUANTILES = [0.5, 0.9, 0.99] as const;

type Labels = Record<string, string | number>;
interface Value {
  value: number;
  labels?: Labels;
  metricName?: string;
}
type PromType = 'gauge' | 'counter' | 'summary';

/** A family prom-client renders: it only reads name, help, type and what get() returns. */
function family(name: string, type: PromType, values: () => Value[]): Metric {
  const f = {
    name,
    help: name,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help: name, type, aggregator: 'sum', values: values() }),
    reset: () => undefined,
  };
  return f as unknown as Metric;
}

function summaryValues(s: Summary, name: string, labels: Labels): Value[] {
  const qs = s.detail === 'advanced' ? ADVANCED_QUANTILES : BASIC_QUANTILES;
  // With no sample in the window a quantile is unknown: NaN, as the reference's simpleclient says.
  const got = s.windowCount === 0 ? qs.map(() => NaN) : s.quantiles(qs);
  const out: Value[] = qs.map((q, i) => ({ value: got[i]!, labels: { ...labels, quantile: q } }));
  out.push({ metricName: `${name}_count`, value: s.count, labels }, { metricName: `${name}_sum`, value: s.sum, labels });
  return out;
}

/** A prom-client registry whose families read `metrics` when scraped. */
export function prometheusRegistry(metrics: MetricsRegistry, exportJvmInfo: boolean): Registry {
  const reg = new Registry();
  for (const g of metrics.allGauges()) reg.registerMetric(family(g.name, 'gauge', () => [{ value: g.read() ?? 0 }]));
  for (const g of metrics.allGaugeSets()) {
    reg.registerMetric(family(g.name, 'gauge', () => [...g.read()].map(([key, value]) => ({ value, labels: { key } }))));
  }
  for (const c of metrics.allCounters()) reg.registerMetric(family(c.name, 'counter', () => [{ value: c.value }]));
  for (const set of metrics.allCounterSets()) {
    reg.registerMetric(family(set.name, 'counter', () => [...set.byKey].map(([key, c]) => ({ value: c.value, labels: { key } }))));
  }
  for (const s of metrics.allSummaries()) reg.registerMetric(family(s.name, 'summary', () => summaryValues(s, s.name, {})));
  for (const set of metrics.allSummarySets()) {
    reg.registerMetric(family(set.name, 'summary', () => [...set.byKey].flatMap(([key, s]) => summaryValues(s, set.name, { key }))));
  }
  if (exportJvmInfo) collectDefaultMetrics({ register: reg });
  return reg;
}

/**
 * What mntr prints while the Prometheus provider is active: the reference's provider dumps its
 * Prometheus samples there (`readlatency{quantile="0.5"}`, `readlatency_count`, ... all as
 * doubles) instead of the avg_/min_/max_ keys. The process metrics are not part of it here.
 */
export function prometheusDump(metrics: MetricsRegistry): MetricSample[] {
  const out: MetricSample[] = [];
  const push = (name: string, value: number, labels: Labels = {}): void => {
    const parts = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    out.push({ key: parts.length === 0 ? name : `${name}{${parts.join(',')}}`, value, double: true });
  };
  const summary = (s: Summary, name: string, labels: Labels): void => {
    for (const v of summaryValues(s, name, labels)) push(v.metricName ?? name, v.value, v.labels);
  };
  for (const g of metrics.allGauges()) push(g.name, g.read() ?? 0);
  for (const g of metrics.allGaugeSets()) for (const [key, v] of g.read()) push(g.name, v, { key });
  for (const c of metrics.allCounters()) push(c.name, c.value);
  for (const set of metrics.allCounterSets()) for (const [key, c] of set.byKey) push(set.name, c.value, { key });
  for (const s of metrics.allSummaries()) summary(s, s.name, {});
  for (const set of metrics.allSummarySets()) for (const [key, s] of set.byKey) summary(s, set.name, { key });
  return out;
}

export class PrometheusEndpoint {
  private constructor(
    private readonly server: Server,
    readonly registry: Registry,
  ) {}

  /** Listens on httpHost:httpPort; rejects if the port cannot be bound (the server must not start then). */
  static async start(metrics: MetricsRegistry, opts: PrometheusOptions, logger: Logger = silentLogger): Promise<PrometheusEndpoint> {
    const registry = prometheusRegistry(metrics, opts.exportJvmInfo);
    const server = createServer((req, res) => void serve(registry, req, res, logger));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.httpPort, opts.httpHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => logger.warn('metrics endpoint error', { error: e.message }));
    const ep = new PrometheusEndpoint(server, registry);
    logger.info('serving /metrics', { host: opts.httpHost, port: ep.address.port, exportJvmInfo: opts.exportJvmInfo });
    return ep;
  }

  get address(): { host: string; port: number } {
    const a = this.server.address();
    if (a === null || typeof a === 'string') throw new Error('metrics endpoint is not listening');
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function serve(registry: Registry, req: IncomingMessage, res: ServerResponse, logger: Logger): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (path !== '/metrics') {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not Found\n');
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('Method Not Allowed\n');
    return;
  }
  try {
    const body = await registry.metrics();
    res.writeHead(200, { 'Content-Type': registry.contentType });
    res.end(req.method === 'HEAD' ? undefined : body);
  } catch (e) {
    logger.error('metrics collection failed', { error: e instanceof Error ? e.message : String(e) });
    res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' }).end('metrics collection failed\n');
  }
}
