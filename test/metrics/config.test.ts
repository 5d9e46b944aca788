// zoo.cfg's metricsProvider.* as the reference's PrometheusMetricsProvider.configure reads it:
// httpHost (default 0.0.0.0), httpPort (default 7000, Integer.parseInt), exportJvmInfo (default
// true, Boolean.parseBoolean); a value it would refuse refuses the config.

import test from 'ava';
import { ConfigError, parseZooCfg, toServerOptions } from '../../src/config';
import { silentLogger } from '../../src/util/logger';

const PROMETHEUS = 'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider\n';

function options(extra: string) {
  const { config } = parseZooCfg(`dataDir=/d\nclientPort=2181\n${extra}`, 'zoo.cfg', { cwd: '/srv', readFile: () => undefined });
  return toServerOptions(config, silentLogger);
}

test('no provider, or the default one: no metrics endpoint', (t) => {
  t.is(options('').metrics, undefined);
  t.is(options('metricsProvider.className=org.apache.zookeeper.metrics.impl.DefaultMetricsProvider\n').metrics, undefined);
});

test('the Prometheus provider with the reference defaults', (t) => {
  t.deepEqual(options(PROMETHEUS).metrics, { provider: 'prometheus', httpHost: '0.0.0.0', httpPort: 7000, exportJvmInfo: true });
});

test('httpHost, httpPort and exportJvmInfo are taken as the reference parses them', (t) => {
  const m = options(`${PROMETHEUS}metricsProvider.httpHost=127.0.0.1\nmetricsProvider.httpPort=+9141\nmetricsProvider.exportJvmInfo=FALSE\n`).metrics;
  t.deepEqual(m, { provider: 'prometheus', httpHost: '127.0.0.1', httpPort: 9141, exportJvmInfo: false });
  t.is(options(`${PROMETHEUS}metricsProvider.exportJvmInfo=TRUE\n`).metrics?.exportJvmInfo, true);
  t.is(options(`${PROMETHEUS}metricsProvider.exportJvmInfo=yes\n`).metrics?.exportJvmInfo, false, 'Boolean.parseBoolean: only "true"');
});

test('a port or worker setting the reference cannot parse refuses the config', (t) => {
  for (const [line, key] of [
    ['metricsProvider.httpPort=70x0', 'metricsProvider.httpPort'],
    ['metricsProvider.httpPort=70000', 'metricsProvider.httpPort'],
    ['metricsProvider.httpPort=-1', 'metricsProvider.httpPort'],
    ['metricsProvider.numWorkerThreads=many', 'metricsProvider.numWorkerThreads'],
    ['metricsProvider.workerShutdownTimeoutMs=1.5', 'metricsProvider.workerShutdownTimeoutMs'],
  ] as const) {
    const e = t.throws(() => options(`${PROMETHEUS}${line}\n`), { instanceOf: ConfigError }, line);
    t.true(e?.message.includes(key), `${line}: ${e?.message}`);
  }
});
