// `cons`: one full line per connection (ServerCnxn.dumpConnectionInfo), each followed by an
// empty line... as the reference: println after each line, then one more println.

import { ZK_NOT_SERVING, hex, type CommandContext, type ConnectionView } from './view';

export function cons({ view }: CommandContext): string {
  if (!view.serving) return `${ZK_NOT_SERVING}\n`;
  return view.connectionList().map((c) => connectionLine(c, false) + '\n').join('') + '\n';
}

/** ` /ip:port[ops](queued=…,recved=…,sent=…[,sid=…])`; zkts has no selector interest ops: always 0. */
export function connectionLine(c: ConnectionView, brief: boolean): string {
  let s = ` /${c.remoteAddress}:${c.remotePort}[0](queued=${c.queued},recved=${c.packetsReceived},sent=${c.packetsSent}`;
  if (!brief && c.sessionId !== 0n) {
    s += `,sid=0x${hex(c.sessionId)},lop=${c.lastOperation},est=${c.establishedAtMs},to=${c.timeoutMs}`;
    if (c.lastCxid >= 0) s += `,lcxid=0x${hex(c.lastCxid)}`;
    s += `,lzxid=0x${hex(c.lastZxid)},lresp=${c.lastResponseMs},llat=${c.lastLatencyMs}`;
    s += `,minlat=${c.minLatencyMs},avglat=${c.avgLatencyMs},maxlat=${c.maxLatencyMs}`;
  }
  return s + ')';
}
