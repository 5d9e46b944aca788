// The metrics provider classes zoo.cfg can name (metricsProvider.className).

export const DEFAULT_PROVIDER_CLASS = 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider';
export const PROMETHEUS_PROVIDER_CLASS = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
