// The four-letter words a standalone server answers on its client port today: enough for
// zkServer.sh-style `status` and health checks. The full set with the reference's layouts is the
// operations work (src/fourletter).

import { REFERENCE_VERSION, ZKTS_VERSION } from '../version';

export interface ServerView {
  mode: 'standalone' | 'leader' | 'follower' | 'observer' | 'read-only';
  zxid: bigint;
  nodeCount: number;
  connections: number;
  outstanding: number;
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
    default:
      return `${word} is not executed because it is not implemented in this zkts build.\n`;
  }
}

function serverStats(v: ServerView, withClients: boolean): string {
  const s = v.stats;
  const avg = s.latencyCount === 0 ? 0 : s.latencyTotalMs / s.latencyCount;
  const lines = [`Zookeeper version: ${REFERENCE_VERSION}-zkts-${ZKTS_VERSION}, built on zkts`];
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
