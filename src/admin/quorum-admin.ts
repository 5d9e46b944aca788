// What the AdminServer's quorum commands read from the Zab side of a member: the learner handlers
// of the observers a leader (or a follower's observer master) feeds, for `observers` and
// `observer_connection_stat_reset`, and the leader's id and address, for `leader`.
//
// The leader and observer-master runners register a QuorumAdmin per server; the admin source
// looks it up with the same key. The key is the server's own ServerMetrics object: each server has
// exactly one, and both the admin source and the runners already hold it.

import { obj, type JsonValue } from './json';

/** LearnerHandler.getLearnerHandlerInfo(), as the reference's LinkedHashMap lists it. */
export interface LearnerHandlerInfo {
  /** Socket.getRemoteSocketAddress().toString(): "/127.0.0.1:45678". */
  readonly remoteAddress: string;
  readonly sid: bigint;
  /** When the handler was created (a java.util.Date: Jackson writes epoch milliseconds). */
  readonly establishedMs: number;
  readonly queuedPackets: number;
  readonly queuedPacketsSize: number;
  readonly packetsReceived: number;
  readonly packetsSent: number;
  readonly requests: number;
  /** The zxid of the last packet sent with a zxid > 0; -1 before (and after a reset). */
  readonly lastZxid: bigint;
}

export function learnerHandlerJson(i: LearnerHandlerInfo): Map<string, JsonValue> {
  return obj([
    ['remote_socket_address', i.remoteAddress],
    ['sid', i.sid],
    ['established', i.establishedMs],
    ['queued_packets', i.queuedPackets],
    ['queued_packets_size', i.queuedPacketsSize],
    ['packets_received', i.packetsReceived],
    ['packets_sent', i.packetsSent],
    ['requests', i.requests],
    ['last_zxid', i.lastZxid],
  ]);
}

/** Java's InetSocketAddress.toString() for a socket without a resolved host name. */
export function javaSocketAddress(ip: string | undefined, port: number | undefined): string {
  const host = ip === undefined ? '?' : ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return `/${host}:${port ?? 0}`;
}

/**
 * One learner connection's counters, kept by the runner that owns the socket (LearnerHandler's
 * packetsReceived / packetsSent / requestsReceived / lastZxid). The runners write all packets
 * out every tick, so nothing stays queued between reads: queued_packets and its size read 0.
 */
export class LearnerConnStats {
  readonly establishedMs = Date.now();
  packetsReceived = 0;
  packetsSent = 0;
  requests = 0;
  lastZxid = -1n;

  constructor(readonly remoteAddress: string) {}

  sent(zxid: bigint): void {
    this.packetsSent++;
    if (zxid > 0n) this.lastZxid = zxid;
  }

  /** LearnerHandler.resetObserverConnectionStats. */
  reset(): void {
    this.packetsReceived = 0;
    this.packetsSent = 0;
    this.requests = 0;
    this.lastZxid = -1n;
  }

  info(sid: bigint): LearnerHandlerInfo {
    return {
      remoteAddress: this.remoteAddress,
      sid,
      establishedMs: this.establishedMs,
      queuedPackets: 0,
      queuedPacketsSize: 0,
      packetsReceived: this.packetsReceived,
      packetsSent: this.packetsSent,
      requests: this.requests,
      lastZxid: this.lastZxid,
    };
  }
}

export interface QuorumAdmin {
  /** 'leader' while leading; 'observerMaster' for a follower serving observers. */
  readonly kind: 'leader' | 'observerMaster';
  /** The synced observers' handlers (Leader.getObservingLearnersInfo / ObserverMaster.getActiveObservers). */
  observers(): LearnerHandlerInfo[];
  resetObserverConnectionStats(): void;
  /** Leader only: QuorumPeer's leader id and address (`leader`). */
  readonly leaderId?: bigint;
  readonly leaderAddress?: string;
}

const registered = new WeakMap<object, QuorumAdmin[]>();

/** Registers `a` for the server `key` stands for; returns the unregister function. */
export function registerQuorumAdmin(key: object, a: QuorumAdmin): () => void {
  const list = registered.get(key) ?? [];
  list.push(a);
  registered.set(key, list);
  return () => {
    const now = registered.get(key);
    const i = now?.indexOf(a) ?? -1;
    if (i >= 0) now!.splice(i, 1);
  };
}

/** The server's current leader, else its observer master, else null. */
export function quorumAdminOf(key: object): QuorumAdmin | null {
  const list = registered.get(key) ?? [];
  return list.find((a) => a.kind === 'leader') ?? list.find((a) => a.kind === 'observerMaster') ?? null;
}
