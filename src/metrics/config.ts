// zoo.cfg's metricsProvider.* -> the server's metrics options, read as the reference's providers
// read them (PrometheusMetricsProvider.configure): httpHost (default 0.0.0.0), httpPort (default
// 7000, Integer.parseInt), exportJvmInfo (default true, Boolean.parseBoolean). Its worker-thread
// settings are checked the same way and have no effect: zkts records summaries inline.

import type { MetricsProviderOptions } from '../server/options';
import { DEFAULT_PROVIDER_CLASS, PROMETHEUS_PROVIDER_CLASS } from './providers';

export interface MetricsConfigResult {
  /** Absent: the default provider (mntr only). */
  options?: MetricsProviderOptions;
  /** Settings whose value the reference would refuse at start (key without the prefix). */
  errors: { key: string; message: string }[];
  /** metricsProvider.* keys that have no effect in zkts (full key names). */
  inactive: string[];
}

const PROMETHEUS_ACTIVE = new Set(['httpHost', 'httpPort', 'exportJvmInfo']);
const INT_SETTINGS = ['httpPort', 'numWorkerThreads', 'maxQueueSize'] as const;

/** Integer.parseInt / Long.parseLong: optional sign, ASCII digits, within range. */
function javaInteger(text: string, bits: 32 | 64): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(text)) return null;
  const v = BigInt(text);
  const max = (1n << BigInt(bits - 1)) - 1n;
  return v > max || v < -max - 1n ? null : v;
}

export function metricsProviderConfig(className: string, settings: Readonly<Record<string, string>>): MetricsConfigResult {
  const keys = Object.keys(settings);
  if (className !== PROMETHEUS_PROVIDER_CLASS) {
    // The default provider reads no settings; another class cannot be loaded (core-keys warns).
    return { errors: [], inactive: keys.map((k) => `metricsProvider.${k}`) };
  }
  const errors: MetricsConfigResult['errors'] = [];
  for (const key of INT_SETTINGS) {
    const raw = settings[key];
    if (raw !== undefined && javaInteger(raw, 32) === null) errors.push({ key, message: `"${raw}" is not an int` });
  }
  const timeout = settings['workerShutdownTimeoutMs'];
  if (timeout !== undefined && javaInteger(timeout, 64) === null) errors.push({ key: 'workerShutdownTimeoutMs', message: `"${timeout}" is not a long` });
  const port = settings['httpPort'] === undefined ? 7000 : Number(javaInteger(settings['httpPort'], 32) ?? 0n);
  if (port < 0 || port > 65535) errors.push({ key: 'httpPort', message: `port out of range: ${port}` });
  return {
    options: {
      provider: 'prometheus',
      httpHost: settings['httpHost'] ?? '0.0.0.0',
      httpPort: port,
      exportJvmInfo: (settings['exportJvmInfo'] ?? 'true').toLowerCase() === 'true',
    },
    errors,
    inactive: keys.filter((k) => !PROMETHEUS_ACTIVE.has(k)).map((k) => `metricsProvider.${k}`),
  };
}

export { DEFAULT_PROVIDER_CLASS, PROMETHEUS_PROVIDER_CLASS };
