// `srvr` and `stat` (the reference's StatCommand): the version, for `stat` the brief connection
// lines, then ServerStats.toString() and the node count.

import { connectionLine } from './cons';
import { FULL_VERSION, ZK_NOT_SERVING, avg4, hex, javaDouble, type CommandContext, type ServerView } from './view';

export function srvr({ view }: CommandContext): string {
  return serverStats(view, false);
}

export function stat({ view }: CommandContext): string {
  return serverStats(view, true);
}

function serverStats(v: ServerView, withClients: boolean): string {
  if (!v.serving) return `${ZK_NOT_SERVING}\n`;
  const lines = [`Zookeeper version: ${FULL_VERSION}`];
  if (v.mode === 'read-only') lines.push('READ-ONLY mode; serving only read-only clients');
  if (withClients) {
    lines.push('Clients:');
    for (const c of v.connectionList()) lines.push(connectionLine(c, true));
    lines.push('');
  }
  lines.push(...statsLines(v), `Node count: ${v.nodeCount}`);
  const sizes = v.mode === 'leader' ? v.quorum?.proposalSizes : null;
  if (sizes !== null && sizes !== undefined) lines.push(`Proposal sizes last/min/max: ${sizes.last}/${sizes.min}/${sizes.max}`);
  return lines.join('\n') + '\n';
}

/** ServerStats.toString(), without its trailing newline. */
export function statsLines(v: ServerView): string[] {
  const s = v.stats;
  return [
    `Latency min/avg/max: ${s.latencyMinMs}/${javaDouble(avg4(s.latencyTotalMs, s.latencyCount))}/${s.latencyMaxMs}`,
    `Received: ${s.packetsReceived}`,
    `Sent: ${s.packetsSent}`,
    `Connections: ${v.connections}`,
    `Outstanding: ${v.outstanding}`,
    `Zxid: 0x${hex(v.zxid)}`,
    `Mode: ${v.mode}`,
  ];
}
