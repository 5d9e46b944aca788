// The socket side of LearnerHandler, shared by the leader shell and a follower's observer master:
// both number their learner connections, run each over a QuorumSocket, keep the AdminServer's
// per-connection counters, and carry out the same send / SNAP-stream / close outputs of their
// machines. What differs (which packets count, the log texts) comes in as options.

import type { Socket } from 'node:net';
import type { QuorumPacket } from '../../protocol/generated';
import { snapStreamChunks } from '../../persistence/snapshot';
import type { SnapshotSource } from '../../persistence/snapshot-contract';
import type { Logger } from '../../util/logger';
import { javaSocketAddress, LearnerConnStats } from '../../admin/quorum-admin';
import { PacketType } from '../zab/packets';
import type { Zxid } from '../types';
import { QuorumSocket } from './quorum-socket';

/** What a connection tells its machine (the common part of LeaderInput and ObserverMasterInput). */
export type LearnerConnEvent =
  | { readonly type: 'connected'; readonly conn: number }
  | { readonly type: 'packet'; readonly conn: number; readonly packet: QuorumPacket }
  | { readonly type: 'closed'; readonly conn: number }
  | { readonly type: 'snapshotSent'; readonly conn: number };

/** The outputs both machines emit for their connections (carried out by LearnerConns.execute). */
export type LearnerConnOutput =
  | { readonly type: 'send'; readonly to: number; readonly packet: QuorumPacket }
  | { readonly type: 'sendSnapshot'; readonly to: number; readonly zxid: Zxid }
  | { readonly type: 'close'; readonly conn: number; readonly reason: string };

export function isConnOutput(out: { readonly type: string }): out is LearnerConnOutput {
  return out.type === 'send' || out.type === 'sendSnapshot' || out.type === 'close';
}

export interface LearnerConnsOptions {
  readonly log: Logger;
  /** Largest packet field accepted from a learner. */
  readonly lengthMax?: number | undefined;
  /** Who is on the other end, for the log texts ('learner', 'observer'). */
  readonly peerName: string;
  /** How the machine closing a connection is logged (the leader warns, the observer master informs). */
  readonly closeLevel: 'info' | 'warn';
  /** The machine closing a connection, as logged. */
  readonly closeText: string;
  /** Does a packet read on `conn` now count in the stats (LearnerHandler's main loop reads it)? */
  counts(conn: number): boolean;
  /** Hands an event to the machine. */
  input(event: LearnerConnEvent): void;
  /** The server's tree as it is now, for SNAP streams (fuzzy: it keeps changing). */
  snapshotSource(): SnapshotSource;
  lastProcessedZxid(): Zxid;
}

export class LearnerConns {
  private readonly conns = new Map<number, QuorumSocket>();
  /** LearnerHandler's per-connection counters (the AdminServer's `observers`). */
  private readonly stats = new Map<number, LearnerConnStats>();
  private nextConn = 1;

  constructor(private readonly o: LearnerConnsOptions) {}

  socket(conn: number): QuorumSocket | undefined {
    return this.conns.get(conn);
  }

  statsOf(conn: number): LearnerConnStats | undefined {
    return this.stats.get(conn);
  }

  /** A learner connected: number it, start reading, and tell the machine. */
  accept(socket: Socket): void {
    const conn = this.nextConn++;
    const qs = new QuorumSocket(socket, this.o.log, this.o.lengthMax);
    this.conns.set(conn, qs);
    const stats = new LearnerConnStats(javaSocketAddress(socket.remoteAddress, socket.remotePort));
    this.stats.set(conn, stats);
    this.o.log.info(`${this.o.peerName} connected`, { conn, remote: qs.remote });
    qs.start({
      packet: (p) => {
        if (this.o.counts(conn)) {
          stats.packetsReceived++;
          if (p.type === PacketType.REQUEST) stats.requests++;
        }
        this.o.input({ type: 'packet', conn, packet: p });
      },
      closed: (reason) => {
        // A connection the machine closed itself is already gone from the map.
        if (this.conns.get(conn) !== qs) return;
        this.conns.delete(conn);
        this.stats.delete(conn);
        this.o.log.info(`${this.o.peerName} connection closed`, { conn, reason });
        this.o.input({ type: 'closed', conn });
      },
    });
    this.o.input({ type: 'connected', conn });
  }

  execute(out: LearnerConnOutput): void {
    switch (out.type) {
      case 'send':
        return this.send(out.to, out.packet);
      case 'sendSnapshot':
        return this.sendSnapshot(out.to, out.zxid);
      case 'close':
        return this.close(out.conn, out.reason);
    }
  }

  send(to: number, packet: QuorumPacket): void {
    // LEADERINFO and SNAP bypass the reference's queue, so its packets_sent leaves them out.
    if (packet.type !== PacketType.LEADERINFO && packet.type !== PacketType.SNAP) this.stats.get(to)?.sent(packet.zxid);
    this.conns.get(to)?.send(packet);
  }

  /** The machine closes a connection (its own `closed` event is not wanted then). */
  close(conn: number, reason: string): void {
    const qs = this.conns.get(conn);
    this.o.log[this.o.closeLevel](this.o.closeText, { conn, reason });
    this.conns.delete(conn);
    this.stats.delete(conn);
    qs?.close(reason);
  }

  closeAll(reason: string): void {
    for (const qs of this.conns.values()) qs.close(reason);
    this.conns.clear();
    this.stats.clear();
  }

  /**
   * The SNAP packet went out just before this: stream the tree right behind it. The tree is at the
   * SNAP zxid now (commits are applied as the machine emits them); it may move on while the stream
   * is written, which the learner tolerates (later PROPOSAL/COMMIT or INFORM packets re-apply).
   */
  sendSnapshot(conn: number, zxid: Zxid): void {
    const qs = this.conns.get(conn);
    const treeZxid = this.o.lastProcessedZxid();
    if (treeZxid !== zxid) this.o.log.warn('SNAP zxid differs from the tree', { conn, snapZxid: zxid, treeZxid });
    const done = (): void => this.o.input({ type: 'snapshotSent', conn });
    if (qs === undefined) return done();
    qs.sendRaw(snapStreamChunks(this.o.snapshotSource())).then(done, (e: unknown) => qs.close(`SNAP stream failed: ${e instanceof Error ? e.message : String(e)}`));
  }
}
