// `dump`: session expiry sets and ephemerals, in the reference's layout.

import { javaDateToString } from '../tools/java-format';
import { ZK_NOT_SERVING, hex, type CommandContext } from './view';

export function dump({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  const out = ['SessionTracker dump:'];
  if (view.mode === 'follower' || view.mode === 'observer') {
    // A learner's tracker (LearnerSessionTracker) lists the global sessions it serves, by id.
    const sessions = view.localSessions();
    out.push(`Global Sessions(${sessions.length}):`);
    for (const [id, timeoutMs] of sessions) out.push(`0x${hex(id)}\t${timeoutMs}ms`);
  } else {
    const buckets = view.sessionBuckets();
    const size = buckets.reduce((n, b) => n + b.elements.length, 0);
    out.push(`Session Sets (${buckets.length})/(${size}):`);
    for (const b of buckets) {
      out.push(`${b.elements.length} expire at ${javaDateToString(BigInt(b.expiresAtMs))}:`);
      for (const id of b.elements) out.push(`\t0x${hex(id)}`);
    }
  }
  const eph = view.ephemerals();
  out.push('ephemeral nodes dump:', `Sessions with Ephemerals (${eph.length}):`);
  for (const [id, paths] of eph) {
    out.push(`0x${hex(id)}:`);
    for (const p of paths) out.push(`\t${p}`);
  }
  // The NIO factory adds its idle-connection expiry sets here; zkts, like the reference's Netty
  // factory, has no connection expiry queue, so the section stays empty.
  out.push('Connections dump:');
  return out.join('\n') + '\n';
}
