// Metrics: the registry (counters, gauges, summaries, keyed sets), the reference's server metric
// catalogue on it, and the Prometheus endpoint. See docs/metrics.md.

export { Counter, CounterSet, SummarySet } from './counter';
export { Summary, SUMMARY_WINDOW, type DetailLevel } from './summary';
export { MetricsRegistry, MNTR_QUANTILES, type Gauge, type GaugeSet, type MetricSample, type MetricsRegistryOptions } from './registry';
export { SERVER_METRICS, SERVER_GAUGES, QUOTA_GAUGE_SETS, ROLE_GAUGES, type CatalogueEntry, type MetricStatus, type ServerGaugeName } from './catalogue';
export { ServerMetrics, type ServerMetricsOptions, type ServerRole, type ResponseSizeStats } from './server-metrics';
export { PrometheusEndpoint, prometheusDump, prometheusRegistry, type PrometheusOptions } from './prometheus';
export { DEFAULT_PROVIDER_CLASS, PROMETHEUS_PROVIDER_CLASS } from './providers';
export { metricsProviderConfig, type MetricsConfigResult } from './config';
export { concurrentHashMapOrder } from './java-order';
export { quotaValues, topNamespace, type QuotaMetric } from './quota';
export { openFileDescriptorCount, maxFileDescriptorCount } from './process';
export { LearnerQueueMetrics, MARKER_PACKET_INTERVAL } from './learner-queue';
