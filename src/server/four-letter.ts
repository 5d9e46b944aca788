// The four-letter words a standalone server answers on its client port today: enough for
// zkServer.sh-style `status` and health checks. The full set with the reference's layouts is the
// operations work (src/fourletter).

import { arch, hostname, release, tmpdir, userInfo } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { javaDateToString } from '../tools/java-format';
import { REFERENCE_VERSION, ZKTS_VERSION } from '../version';

/** The version line the reference prints (Version.getFullVersion()); clients such as kazoo parse it. */
export const FULL_VERSION = `${REFERENCE_VERSION}-zkts-${ZKTS_VERSION}, built on zkts`;

export interface ServerView {
  mode: 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';
  zxid: bigint;
  nodeCount: number;
  connections: number;
  outstanding: number;
  /** Session expiry buckets, ascending (for `dump`). */
  sessionBuckets(): { expiresAtMs: number; elements: bigint[] }[];
  /** Sessions holding ephemerals, with their paths (for `dump`). */
  ephemerals(): [bigint, string[]][];
  stats: {
    packetsReceived: number;
    packetsSent: number;
    latencyMinMs: number;
    latencyMaxMs: number;
    latencyTotalMs: number;
    latencyCount: number;
  };
}

/** Every word the reference knows; a known word outside the whitelist gets the refusal line. */
const KNOWN = new Set(['ruok', 'stat', 'srvr', 'conf', 'cons', 'crst', 'dump', 'envi', 'srst', 'wchs', 'wchc', 'wchp', 'mntr', 'isro', 'gtmk', 'stmk', 'dirs', 'hash']);

export function fourLetterAnswer(word: string, view: ServerView, whitelist: readonly string[], _conn: unknown): string | null {
  if (!KNOWN.has(word)) return null;
  const allowed = whitelist.includes('*') || whitelist.includes(word) || word === 'srvr';
  if (!allowed) return `${word} is not executed because it is not in the whitelist.\n`;
  switch (word) {
    case 'ruok':
      return 'imok';
    case 'isro':
      return view.mode === 'read-only' ? 'ro' : 'rw';
    case 'srvr':
      return serverStats(view, false);
    case 'stat':
      return serverStats(view, true);
    case 'envi':
      return environment();
    case 'dump':
      return dump(view);
    default:
      return `${word} is not executed because it is not implemented in this zkts build.\n`;
  }
}

function serverStats(v: ServerView, withClients: boolean): string {
  const s = v.stats;
  const avg = s.latencyCount === 0 ? 0 : s.latencyTotalMs / s.latencyCount;
  const lines = [`Zookeeper version: ${FULL_VERSION}`];
  if (withClients) lines.push('Clients:', '');
  lines.push(
    `Latency min/avg/max: ${s.latencyMinMs}/${avg.toFixed(4)}/${s.latencyMaxMs}`,
    `Received: ${s.packetsReceived}`,
    `Sent: ${s.packetsSent}`,
    `Connections: ${v.connections}`,
    `Outstanding: ${v.outstanding}`,
    `Zxid: 0x${v.zxid.toString(16)}`,
    `Mode: ${v.mode}`,
    `Node count: ${v.nodeCount}`,
  );
  return lines.join('\n') + '\n';
}

/** `envi`: the reference's keys, in its order, with this process's values. */
function environment(): string {
  const mb = (n: number): string => `${Math.floor(n / (1024 * 1024))}MB`;
  const mem = process.memoryUsage();
  const heap = getHeapStatistics();
  const entries: [string, string][] = [
    ['zookeeper.version', FULL_VERSION],
    ['host.name', hostname()],
    ['java.version', `node ${process.version}`],
    ['java.vendor', 'zkts'],
    ['java.home', process.execPath],
    ['java.class.path', process.argv[1] ?? '<NA>'],
    ['java.library.path', '<NA>'],
    ['java.io.tmpdir', tmpdir()],
    ['java.compiler', '<NA>'],
    ['os.name', process.platform === 'linux' ? 'Linux' : process.platform],
    ['os.arch', arch() === 'x64' ? 'amd64' : arch()],
    ['os.version', release()],
    ['user.name', userInfo().username],
    ['user.home', userInfo().homedir],
    ['user.dir', process.cwd()],
    ['os.memory.free', mb(mem.heapTotal - mem.heapUsed)],
    ['os.memory.max', mb(heap.heap_size_limit)],
    ['os.memory.total', mb(mem.heapTotal)],
  ];
  return `Environment:\n${entries.map(([k, v]) => `${k}=${v}`).join('\n')}\n`;
}

/** `dump`: session expiry sets and ephemerals, in the reference's layout. */
function dump(view: ServerView): string {
  const buckets = view.sessionBuckets();
  const size = buckets.reduce((n, b) => n + b.elements.length, 0);
  const out = ['SessionTracker dump:', `Session Sets (${buckets.length})/(${size}):`];
  for (const b of buckets) {
    out.push(`${b.elements.length} expire at ${javaDateToString(BigInt(b.expiresAtMs))}:`);
    for (const id of b.elements) out.push(`\t0x${id.toString(16)}`);
  }
  const eph = view.ephemerals();
  out.push('ephemeral nodes dump:', `Sessions with Ephemerals (${eph.length}):`);
  for (const [id, paths] of eph) {
    out.push(`0x${id.toString(16)}:`);
    for (const p of paths) out.push(`\t${p}`);
  }
  out.push('Connections dump:');
  return out.join('\n') + '\n';
}
