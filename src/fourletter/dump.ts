// `dump`: session expiry sets and ephemerals, in the reference's layout (DumpCommand: the session
// tracker's dumpSessions, then ZKDatabase.dumpEphemerals, then the factory's connections).
//
// Which tracker prints what (3.8.0):
//   standalone, read-only, leader without local sessions: `Session Sets (buckets)/(sessions):`
//     and each expiry bucket (SessionTrackerImpl over its ExpiryQueue);
//   leader with local sessions (LeaderSessionTracker): `Local ` + the local tracker's sets, then
//     `Global ` + the global tracker's sets;
//   follower/observer (LearnerSessionTracker): with local sessions `Local ` + the local tracker's
//     sets first; then `Global Sessions(n):` and one `0x<id>\t<timeout>ms` line per committed
//     global session of the whole ensemble (the database's map), in ascending signed-id order.

import { javaDateToString } from '../tools/java-format';
import { ZK_NOT_SERVING, hex, type CommandContext } from './view';

type Buckets = { expiresAtMs: number; elements: bigint[] }[];

export function dump({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  const out = ['SessionTracker dump:'];
  const local = view.localSessionBuckets();
  if (local !== null) out.push(...sessionSets('Local ', local));
  if (view.mode === 'follower' || view.mode === 'observer') {
    const sessions = [...view.globalSessionTimeouts()].sort((a, b) => signedCompare(a[0], b[0]));
    out.push(`Global Sessions(${sessions.length}):`);
    for (const [id, timeoutMs] of sessions) out.push(`0x${hex(id)}\t${timeoutMs}ms`);
  } else {
    out.push(...sessionSets(local !== null ? 'Global ' : '', view.sessionBuckets()));
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

/** SessionTrackerImpl.dumpSessions: `Session ` + ExpiryQueue.dump, after the caller's prefix. */
function sessionSets(prefix: string, buckets: Buckets): string[] {
  const size = buckets.reduce((n, b) => n + b.elements.length, 0);
  const out = [`${prefix}Session Sets (${buckets.length})/(${size}):`];
  for (const b of buckets) {
    out.push(`${b.elements.length} expire at ${javaDateToString(BigInt(b.expiresAtMs))}:`);
    for (const id of b.elements) out.push(`\t0x${hex(id)}`);
  }
  return out;
}

/** The order of Java's TreeSet<Long>: signed 64-bit (ids of myid >= 128 are negative there). */
function signedCompare(a: bigint, b: bigint): number {
  const x = BigInt.asIntN(64, a);
  const y = BigInt.asIntN(64, b);
  return x < y ? -1 : x > y ? 1 : 0;
}
