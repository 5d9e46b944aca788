// The larger JSON bodies: connection info (ServerCnxn.getConnectionInfo), ServerStats as Jackson
// serializes the bean, and the adapters that reuse the four-letter words' `mntr` and `envi`
// renderers so both interfaces show the same keys and values.

import { envi } from '../fourletter/envi';
import { monitorSamples, monitorValues } from '../fourletter/mntr';
import { avg4, type ConnectionView, type ServerView } from '../fourletter/view';
import { JavaDouble, obj, type JsonValue } from './json';
import type { AdminSource } from './source';

/** `[ip]:port` for IPv6, `ip:port` otherwise (Jackson's InetSocketAddress serializer). */
function socketAddress(c: ConnectionView): string {
  return c.remoteAddress.includes(':') ? `[${c.remoteAddress}]:${c.remotePort}` : `${c.remoteAddress}:${c.remotePort}`;
}

/** ServerCnxn.getConnectionInfo(brief): five entries, or all sixteen. */
export function connectionInfo(c: ConnectionView, brief: boolean): Map<string, JsonValue> {
  const m = obj([
    ['remote_socket_address', socketAddress(c)],
    // zkts has no selector: like its `cons`, it reports no interest ops.
    ['interest_ops', 0],
    ['outstanding_requests', c.queued],
    ['packets_received', c.packetsReceived],
    ['packets_sent', c.packetsSent],
  ]);
  if (brief) return m;
  m.set('session_id', c.sessionId);
  m.set('last_operation', c.lastOperation);
  // A java.util.Date: Jackson writes epoch milliseconds.
  m.set('established', c.establishedAtMs);
  m.set('session_timeout', c.timeoutMs);
  m.set('last_cxid', c.lastCxid);
  m.set('last_zxid', c.lastZxid);
  m.set('last_response_time', c.lastResponseMs);
  m.set('last_latency', c.lastLatencyMs);
  m.set('min_latency', c.minLatencyMs);
  m.set('avg_latency', c.avgLatencyMs);
  m.set('max_latency', c.maxLatencyMs);
  return m;
}

/** BufferStats of the client responses: last/min/max bytes, -1 before the first response. */
export function clientResponseStats(v: ServerView): Map<string, JsonValue> {
  const r = v.metrics().clientResponseSize;
  return obj([
    ['last_buffer_size', r.last],
    ['min_buffer_size', r.min],
    ['max_buffer_size', r.max],
  ]);
}

/**
 * ServerStats as the reference's Jackson (snake_case bean properties) writes it. The order is
 * the one Debian's 3.8.0 prints on OpenJDK 17 (fields first, then getters in reflection order).
 */
export function serverStats(v: ServerView, source: AdminSource): Map<string, JsonValue> {
  const s = v.stats;
  return obj([
    ['packets_sent', s.packetsSent],
    ['packets_received', s.packetsReceived],
    ['fsync_threshold_exceed_count', source.fsyncThresholdExceeded()],
    ['client_response_stats', clientResponseStats(v)],
    ['data_dir_size', v.dataDirSize()],
    ['log_dir_size', v.logDirSize()],
    ['provider_null', false],
    ['server_state', v.mode],
    ['last_processed_zxid', v.zxid],
    ['outstanding_requests', v.outstanding],
    ['avg_latency', new JavaDouble(avg4(s.latencyTotalMs, s.latencyCount))],
    ['max_latency', s.latencyMaxMs],
    ['min_latency', s.latencyMinMs],
    ['num_alive_client_connections', v.connections],
    ['uptime', v.uptimeMs],
    ['auth_failed_count', v.metrics().authFailed],
    // Counted only for TLS connections without a client certificate; zkts serves no TLS.
    ['non_mtlsremote_conn_count', 0],
    ['non_mtlslocal_conn_count', 0],
  ]);
}

/**
 * `monitor`: the key/value list `mntr` prints (one source for both: monitorValues), with the
 * metrics that are Java doubles (avg_*) kept as doubles. Null when not serving.
 */
export function monitorEntries(view: ServerView): Map<string, JsonValue> | null {
  if (!view.serving) return null;
  const doubles = new Set(monitorSamples(view).filter((s) => s.double).map((s) => s.key));
  const m = new Map<string, JsonValue>();
  for (const [k, v] of monitorValues(view)) m.set(k, typeof v === 'number' && doubles.has(k) ? new JavaDouble(v) : v);
  return m;
}

/** `environment`: the `envi` entries (Environment.list()), all strings. */
export function environmentEntries(view: ServerView): Map<string, JsonValue> {
  const m = new Map<string, JsonValue>();
  const lines = envi({ view, rest: Buffer.alloc(0) }).split('\n');
  for (const line of lines.slice(1)) {
    const eq = line.indexOf('=');
    if (eq > 0) m.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return m;
}
