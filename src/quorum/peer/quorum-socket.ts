// One quorum-port connection (leader <-> learner) as the peer runtime uses it: QuorumPackets out,
// coalesced per tick like the reference's buffered output stream; packets in through the
// incremental decoder, with the raw SNAP stream diverted to whoever asks for it. Bad bytes from
// the other side close this connection only; nothing the peer sends can throw out of here.

import type { Socket } from 'node:net';
import type { QuorumPacket } from '../../protocol/generated';
import type { Logger } from '../../util/logger';
import { encodeQuorumPacket, QuorumPacketDecoder, type PacketHandlerResult } from '../transport/quorum-packet-stream';
import { PacketType } from '../zab/packets';

export interface QuorumSocketHandlers {
  /** A packet; return a consumer to take the raw bytes that follow it (the SNAP stream). */
  packet(p: QuorumPacket): PacketHandlerResult;
  /** The connection is gone (either side); called once. */
  closed(reason: string): void;
}

/** Told as packets enter and leave the send queue (the leader's per-learner queue metrics). */
export interface SendQueueObserver {
  queued(): void;
  /** `packets` left the queue for the socket together. */
  written(packets: number): void;
}

/** Flush the tick's packets once this many bytes are waiting, without waiting for the tick. */
const FLUSH_BYTES = 256 * 1024;

export class QuorumSocket {
  private readonly decoder: QuorumPacketDecoder;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private flushScheduled = false;
  /** Packets sent while a raw stream is being written wait here, in order. */
  private held: Buffer[] | null = null;
  private isClosed = false;
  private handlers: QuorumSocketHandlers | null = null;
  private readTimeoutMs: number | null = null;
  /** Set by the leader for a learner's connection; packets sent before that are not counted. */
  queueObserver: SendQueueObserver | null = null;

  constructor(
    private readonly socket: Socket,
    private readonly log: Logger,
    lengthMax?: number,
  ) {
    this.decoder = new QuorumPacketDecoder(lengthMax === undefined ? {} : { lengthMax });
    socket.setNoDelay(true);
    socket.on('error', (e) => this.close(`socket error: ${e.message}`));
    socket.on('close', () => this.close('connection closed by the other side'));
  }

  get closed(): boolean {
    return this.isClosed;
  }

  get remote(): string {
    return `${this.socket.remoteAddress ?? '?'}:${this.socket.remotePort ?? '?'}`;
  }

  /** Starts reading; packets go to `handlers` from now on. */
  start(handlers: QuorumSocketHandlers): void {
    this.handlers = handlers;
    this.socket.on('data', (chunk: Buffer) => {
      if (this.isClosed) return;
      const err = this.decoder.feed(chunk, (p) => (this.isClosed ? undefined : this.handlers!.packet(own(p))));
      if (err !== null) this.close(`bad quorum stream from ${this.remote}: ${err.message}`);
    });
  }

  /**
   * Java's SO_TIMEOUT on the quorum socket: close the connection once nothing has come in (or
   * gone out: Node's idle timer counts both) for `ms`. A learner blocked reading a SNAP stream
   * asks its machine for no tick, so this is what ends a stream that stops arriving.
   */
  setReadTimeout(ms: number): void {
    if (this.isClosed) return;
    if (this.readTimeoutMs === null) this.socket.on('timeout', () => this.close(`no data from ${this.remote} within ${this.readTimeoutMs} ms`));
    this.readTimeoutMs = ms;
    this.socket.setTimeout(ms);
  }

  send(p: QuorumPacket): void {
    if (this.isClosed) return;
    const bytes = encodeQuorumPacket(p);
    this.queueObserver?.queued();
    if (this.held !== null) {
      this.held.push(bytes);
      return;
    }
    this.queue(bytes);
  }

  /**
   * Writes raw bytes (a SNAP stream) right after what was sent so far, honouring back-pressure;
   * packets sent meanwhile follow it. Resolves once it is all handed to the socket (or the
   * connection closed).
   */
  async sendRaw(chunks: Iterable<Buffer>): Promise<void> {
    if (this.isClosed) return;
    this.flush();
    const held: Buffer[] = [];
    this.held = held;
    try {
      for (const c of chunks) {
        if (this.isClosed) return;
        if (!this.socket.write(c)) await this.drained();
      }
    } finally {
      this.held = null;
      for (const b of held) this.queue(b);
    }
  }

  close(reason: string): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (this.readTimeoutMs !== null) this.socket.setTimeout(0);
    this.flush(true);
    this.socket.end();
    // A peer that never closes its side would hold the socket: destroy it after a grace period.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.log.debug('quorum connection closed', { remote: this.remote, reason });
    this.handlers?.closed(reason);
  }

  private queue(bytes: Buffer): void {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= FLUSH_BYTES) {
      this.flush();
      return;
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(() => this.flush());
    }
  }

  private flush(evenIfClosed = false): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const out = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingBytes);
    this.queueObserver?.written(this.pending.length);
    this.pending = [];
    this.pendingBytes = 0;
    if ((this.isClosed && !evenIfClosed) || this.socket.destroyed) return;
    this.socket.write(out);
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.once('drain', done);
      this.socket.once('close', done);
    });
  }
}

/**
 * Packets from the decoder may be views of a socket chunk. The machines keep PROPOSAL and INFORM
 * data (pending txns, the committed log), so those get their own copy instead of pinning chunks.
 */
function own(p: QuorumPacket): QuorumPacket {
  if (p.data === null) return p;
  switch (p.type) {
    case PacketType.PROPOSAL:
    case PacketType.INFORM:
    case PacketType.INFORMANDACTIVATE:
    case PacketType.REQUEST:
      return { ...p, data: Buffer.from(p.data) };
    default:
      return p;
  }
}
