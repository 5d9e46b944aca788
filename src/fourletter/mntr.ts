// `mntr` (MonitorCommand): `zk_<key>\t<value>` lines. As the reference: version and server_state
// first (ZooKeeperServer.dumpMonitorValues), then everything the metrics registry holds, in the
// order the reference's provider lists it (src/metrics: gauges, counters, summaries, sets, each in
// its hash map's order). Which metrics zkts measures, and why the others read 0: docs/metrics.md.

import type { MetricSample } from '../metrics/registry';
import { FULL_VERSION, ZK_NOT_SERVING, type CommandContext, type ServerView } from './view';

export type MonitorValue = string | number;

/**
 * The ordered key/value list behind `mntr` (also the AdminServer's `monitor`). Keys carry no
 * `zk_` prefix; doubles (avg_*) are plain numbers here, see `monitorSamples` for their type.
 */
export function monitorValues(view: ServerView): [string, MonitorValue][] {
  const out: [string, MonitorValue][] = [
    ['version', FULL_VERSION],
    ['server_state', view.mode],
  ];
  // A read-only server is a plain ZooKeeperServer: no peer state.
  if (view.quorum !== undefined && view.mode !== 'read-only') out.push(['peer_state', view.quorum.peerState]);
  for (const s of view.monitor()) out.push([s.key, s.value]);
  return out;
}

/** The registry's part of `monitorValues`, with each value's Java type (double or long). */
export function monitorSamples(view: ServerView): MetricSample[] {
  return view.monitor();
}

export function mntr({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  let out = `zk_version\t${FULL_VERSION}\nzk_server_state\t${view.mode}\n`;
  // QuorumZooKeeperServer.dumpMonitorValues adds the detailed peer state right after.
  if (view.quorum !== undefined && view.mode !== 'read-only') out += `zk_peer_state\t${view.quorum.peerState}\n`;
  for (const s of view.monitor()) out += `zk_${s.key}\t${s.double ? javaDoubleString(s.value) : javaLongString(s.value)}\n`;
  return out;
}

/** A long as Java prints it; a fraction here would be a bug upstream, so it is rounded, not shown. */
function javaLongString(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Math.round(v));
}

/**
 * Java's Double.toString: plain decimal with at least one fraction digit for 1e-3 <= |x| < 1e7,
 * otherwise "d.dddE<n>" (e.g. 1.25E7); NaN and Infinity as Java spells them.
 */
export function javaDoubleString(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) return Number.isInteger(x) ? `${x}.0` : String(x);
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exp.startsWith('+') ? exp.slice(1) : exp}`;
}
