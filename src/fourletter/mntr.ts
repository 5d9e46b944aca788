// `mntr` (MonitorCommand): `zk_<key>\t<value>` lines. The reference prints version and
// server_state, then its metrics registry in hash order; zkts prints the metrics it measures
// for real, with the reference's names, in the order the reference happens to use for them.
// Metrics zkts has no counterpart for are left out rather than printed as made-up zeros.

import { readFileSync, readdirSync } from 'node:fs';
import { FULL_VERSION, ZK_NOT_SERVING, avg4, javaDouble, type CommandContext, type SummaryView } from './view';

export function mntr({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  const m = view.metrics();
  const s = view.stats;
  const out: [string, string | number][] = [
    ['version', FULL_VERSION],
    ['server_state', view.mode],
    ['ephemerals_count', m.ephemeralsCount],
    ['num_alive_connections', view.connections],
    ['avg_latency', javaDouble(avg4(s.latencyTotalMs, s.latencyCount))],
    ['outstanding_requests', view.outstanding],
    ['znode_count', view.nodeCount],
    ['global_sessions', m.globalSessions],
    ['packets_sent', s.packetsSent],
    ['packets_received', s.packetsReceived],
    ['watch_count', m.watchCount],
    ['auth_failed_count', m.authFailed],
    ['min_latency', s.latencyMinMs],
  ];
  const fds = fileDescriptors();
  if (fds !== null) out.push(['max_file_descriptor_count', fds.max]);
  out.push(['approximate_data_size', m.approximateDataSize]);
  if (fds !== null) out.push(['open_file_descriptor_count', fds.open]);
  out.push(
    // Standalone zkts has no local sessions (localSessionsEnabled is a quorum feature).
    ['local_sessions', 0],
    ['uptime', view.uptimeMs],
    ['max_latency', s.latencyMaxMs],
    ['connection_rejected', m.connectionRejected],
  );
  out.push(...summary('readlatency', m.readLatency), ...summary('updatelatency', m.updateLatency));
  return out.map(([k, v]) => `zk_${k}\t${v}\n`).join('');
}

/** A summary metric: avg_/min_/max_/cnt_/sum_ and the p50/p95/p99/p999 quantiles. */
function summary(name: string, s: SummaryView): [string, string | number][] {
  return [
    [`avg_${name}`, javaDouble(avg4(s.sum, s.count))],
    [`min_${name}`, s.min],
    [`max_${name}`, s.max],
    [`cnt_${name}`, s.count],
    [`sum_${name}`, s.sum],
    [`p50_${name}`, s.quantile(0.5)],
    [`p95_${name}`, s.quantile(0.95)],
    [`p99_${name}`, s.quantile(0.99)],
    [`p999_${name}`, s.quantile(0.999)],
  ];
}

/** Open descriptors and the soft limit, as the reference reports them on Unix (null elsewhere). */
function fileDescriptors(): { open: number; max: number } | null {
  try {
    const open = readdirSync('/proc/self/fd').length;
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const line = limits.split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line?.slice('Max open files'.length).trim().split(/\s+/)[0];
    const max = soft === undefined || soft === 'unlimited' ? -1 : Number(soft);
    return { open, max };
  } catch {
    return null;
  }
}
