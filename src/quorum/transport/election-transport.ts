// The election connection manager (QuorumCnxManager) for Node: one TCP connection per peer on the
// election port, kept only when the larger sid dialled the smaller one; a send queue of one message
// per peer (a newer message replaces an unsent older one); the last message re-sent whenever a
// connection to that peer is (re)established; a bounded receive queue. Bad bytes from a peer close
// that connection only and are logged; nothing a peer sends can throw out of here.

import { connect, type Server, type Socket } from 'node:net';
import { listenOn } from './listen';
import type { Logger } from '../../util/logger';
import { encodeInitialMessage, OBSERVER_ID, PROTOCOL_VERSION_V1, type ElectionAddress } from '../election/initial-message';
import type { Sid } from '../types';
import { electionFrame, ElectionWireReader } from './election-wire';

export interface ElectionTransportOptions {
  readonly myId: Sid;
  /** This server's election address (server.N's host and election port); port 0 picks one (tests). */
  readonly listen: ElectionAddress;
  /** quorumListenOnAllIPs: bind 0.0.0.0 (same port) instead of the configured host. */
  readonly listenOnAllIPs?: boolean;
  /** Election addresses of the other members (participants and observers). */
  readonly peers: ReadonlyMap<Sid, ElectionAddress>;
  readonly logger: Logger;
  /** zookeeper.cnxTimeout: how long a dial may take. */
  readonly connectTimeoutMs?: number;
  /** How long an accepted connection may take to send its initial message. */
  readonly handshakeTimeoutMs?: number;
  /** zookeeper.electionPortBindRetry: bind attempts (0 = forever), one second apart by default. */
  readonly bindRetries?: number;
  readonly bindRetryDelayMs?: number;
  /** Retry delays after a failed dial while a message waits for that peer. */
  readonly redialMinMs?: number;
  readonly redialMaxMs?: number;
  /** RECV_CAPACITY: received messages held for the consumer; the oldest is dropped beyond it. */
  readonly recvQueueMax?: number;
  readonly protocolVersion?: bigint;
}

export type ElectionMessageHandler = (from: Sid, payload: Buffer) => void;

export class ElectionTransportError extends Error {
  override readonly name = 'ElectionTransportError';
  constructor(readonly code: 'ELECTION_PORT_BIND_FAILED' | 'ELECTION_TRANSPORT_CLOSED', message: string) {
    super(message);
  }
}

interface Conn {
  readonly sid: Sid;
  readonly socket: Socket;
  /** Accepted (the peer dialled) rather than dialled by us. */
  readonly inbound: boolean;
  /** A write is waiting for 'drain': hold the next message in the queue meanwhile. */
  blocked: boolean;
}

export class ElectionTransport {
  private readonly o: Required<Omit<ElectionTransportOptions, 'listenOnAllIPs' | 'protocolVersion'>> & { listenOnAllIPs: boolean; protocolVersion: bigint };
  private readonly log: Logger;
  private server: Server | null = null;
  private bound: ElectionAddress | null = null;
  private readonly senders = new Map<Sid, Conn>();
  private readonly queues = new Map<Sid, Buffer | null>();
  private readonly lastSent = new Map<Sid, Buffer>();
  private readonly dialing = new Set<Sid>();
  private readonly redial = new Map<Sid, { failures: number; timer: NodeJS.Timeout | null }>();
  private readonly sockets = new Set<Socket>();
  private readonly dialBack = new Map<Sid, ElectionAddress>();
  private recvQueue: { from: Sid; payload: Buffer }[] = [];
  private drainScheduled = false;
  private handler: ElectionMessageHandler = () => undefined;
  private observerCounter = -1n;
  private closed = false;
  private peersOverride: ReadonlyMap<Sid, ElectionAddress> | null = null;

  constructor(options: ElectionTransportOptions) {
    this.o = {
      connectTimeoutMs: 5000,
      handshakeTimeoutMs: 5000,
      bindRetries: 3,
      bindRetryDelayMs: 1000,
      redialMinMs: 100,
      redialMaxMs: 5000,
      recvQueueMax: 100,
      ...options,
      listenOnAllIPs: options.listenOnAllIPs ?? false,
      protocolVersion: options.protocolVersion ?? PROTOCOL_VERSION_V1,
    };
    this.log = options.logger.child({ component: 'election-transport', sid: String(options.myId) });
  }

  /** The address actually listened on (after start()). */
  get address(): ElectionAddress {
    if (this.bound === null) throw new Error('the election transport is not listening');
    return this.bound;
  }

  onMessage(handler: ElectionMessageHandler): void {
    this.handler = handler;
  }

  /** Binds the election port, retrying as electionPortBindRetry says. */
  async start(): Promise<ElectionAddress> {
    // quorumListenOnAllIPs: Java binds the wildcard InetSocketAddress(port), which is [::] (IPv4 and
    // IPv6) where the host has IPv6 and 0.0.0.0 otherwise; Node does the same without a host.
    const host = this.o.listenOnAllIPs ? undefined : this.o.listen.host;
    for (let attempt = 1; ; attempt++) {
      try {
        const server = await listenOn({ host, port: this.o.listen.port, exclusive: true }, (s) => this.accepted(s));
        const a = server.address();
        if (a === null || typeof a !== 'object') throw new Error('no address');
        this.server = server;
        this.bound = { host: this.o.listen.host, port: a.port };
        this.log.info('accepting election connections', { address: `${a.address.includes(':') ? `[${a.address}]` : a.address}:${a.port}` });
        return this.bound;
      } catch (e) {
        const why = e instanceof Error ? e.message : String(e);
        this.log.error('cannot listen on the election address', { address: `${host ?? '*'}:${this.o.listen.port}`, attempt, error: why });
        if (this.closed || (this.o.bindRetries !== 0 && attempt >= this.o.bindRetries)) {
          throw new ElectionTransportError('ELECTION_PORT_BIND_FAILED', `cannot listen on election address ${host ?? '*'}:${this.o.listen.port} after ${attempt} attempt(s): ${why} (zookeeper.electionPortBindRetry)`);
        }
        await new Promise((r) => setTimeout(r, this.o.bindRetryDelayMs));
      }
    }
  }

  /** toSend: a message to ourselves goes straight to the receive queue; others are queued and dialled. */
  send(to: Sid, payload: Buffer): void {
    if (this.closed) return;
    if (to === this.o.myId) {
      this.enqueueReceived(to, payload);
      return;
    }
    this.queues.set(to, payload);
    this.connectOne(to);
    this.pump(to);
  }

  /**
   * A reconfig changed the members: later dials use these addresses (QuorumCnxManager reads the
   * verifier's view at each connectOne). Open connections stay; a removed peer is simply no
   * longer sent to by the election.
   */
  setPeers(peers: ReadonlyMap<Sid, ElectionAddress>): void {
    this.peersOverride = new Map(peers);
  }

  /** connectAll: dial every peer we have ever queued for that has no connection. */
  connectAll(): void {
    for (const sid of this.queues.keys()) this.connectOne(sid);
  }

  /** haveDelivered, exactly as the reference words it: true once any peer's queue is empty. */
  haveDelivered(): boolean {
    for (const q of this.queues.values()) if (q === null) return true;
    return false;
  }

  connectedTo(sid: Sid): boolean {
    return this.senders.has(sid);
  }

  connectedPeers(): Sid[] {
    return [...this.senders.keys()];
  }

  /** The live connection to `sid` (diagnostics and tests). */
  connectionInfo(sid: Sid): { localPort: number; remotePort: number; inbound: boolean } | undefined {
    const c = this.senders.get(sid);
    if (c === undefined) return undefined;
    return { localPort: c.socket.localPort ?? 0, remotePort: c.socket.remotePort ?? 0, inbound: c.inbound };
  }

  /** Sockets not yet closed, in any phase (diagnostics and tests). */
  openSocketCount(): number {
    return this.sockets.size;
  }

  /** Closes the connection to `sid` as a network failure would (tests, and a runtime evicting a peer). */
  dropConnection(sid: Sid): void {
    this.senders.get(sid)?.socket.destroy();
    this.senders.delete(sid);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.redial.values()) if (r.timer) clearTimeout(r.timer);
    this.redial.clear();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.senders.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((r) => server.close(() => r()));
  }

  // --- dialling ---------------------------------------------------------------------------------

  private connectOne(sid: Sid): void {
    if (this.closed || this.senders.has(sid) || this.dialing.has(sid)) return;
    const backoff = this.redial.get(sid);
    if (backoff?.timer) return; // a retry is already scheduled
    // An address a peer announced is used for the dial-back it asked for, then the config again.
    const addr = this.dialBack.get(sid) ?? (this.peersOverride ?? this.o.peers).get(sid);
    this.dialBack.delete(sid);
    if (addr === undefined) {
      this.log.warn('no election address for server', { peer: String(sid) });
      return;
    }
    this.dialing.add(sid);
    const socket = connect({ host: addr.host, port: addr.port });
    this.track(socket);
    socket.setNoDelay(true);
    const timer = setTimeout(() => socket.destroy(new Error(`connect timeout after ${this.o.connectTimeoutMs} ms`)), this.o.connectTimeoutMs);
    socket.once('error', (e) => {
      clearTimeout(timer);
      if (this.dialing.delete(sid)) this.dialFailed(sid, addr, e);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      this.dialing.delete(sid);
      this.redial.delete(sid);
      socket.write(encodeInitialMessage(this.o.myId, [this.advertised()], this.o.protocolVersion));
      if (sid > this.o.myId) {
        // We lost the challenge: the peer closes this and dials us back.
        this.log.info('have smaller server identifier, so dropping the connection', { peer: String(sid) });
        socket.end();
        return;
      }
      this.establish(sid, socket, new ElectionWireReader(false), [], false);
    });
  }

  private dialFailed(sid: Sid, addr: ElectionAddress, e: Error): void {
    const r = this.redial.get(sid) ?? { failures: 0, timer: null };
    r.failures += 1;
    this.redial.set(sid, r);
    const delay = Math.min(this.o.redialMinMs * 2 ** Math.min(r.failures - 1, 20), this.o.redialMaxMs);
    this.log.warn('cannot open channel to server at election address', { peer: String(sid), address: `${addr.host}:${addr.port}`, error: e.message, retryInMs: delay });
    if (this.closed || this.queues.get(sid) == null) return;
    r.timer = setTimeout(() => {
      r.timer = null;
      if (this.queues.get(sid) != null) this.connectOne(sid);
    }, delay);
  }

  private advertised(): ElectionAddress {
    return this.bound ?? this.o.listen;
  }

  // --- accepting --------------------------------------------------------------------------------

  private accepted(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.track(socket);
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress ?? '?'}:${socket.remotePort ?? '?'}`;
    const reader = new ElectionWireReader(true);
    const timer = setTimeout(() => {
      this.log.warn('no initial message in time; closing the election connection', { remote, timeoutMs: this.o.handshakeTimeoutMs });
      socket.destroy();
    }, this.o.handshakeTimeoutMs);
    const onData = (chunk: Buffer): void => {
      const events = reader.feed(chunk);
      const first = events[0];
      if (first === undefined) return;
      clearTimeout(timer);
      socket.off('data', onData);
      if (first.type === 'error') {
        this.log.error('bad initial message on an election connection; closing it', { remote, error: first.error.message });
        socket.destroy();
        return;
      }
      if (first.type !== 'initial') return;
      let sid = first.message.sid;
      if (sid === OBSERVER_ID) sid = this.observerCounter--;
      this.handshaken(sid, socket, reader, events.slice(1), first.message.addresses[0], remote);
    };
    socket.on('data', onData);
    socket.once('close', () => clearTimeout(timer));
  }

  private handshaken(sid: Sid, socket: Socket, reader: ElectionWireReader, early: ReturnType<ElectionWireReader['feed']>, addr: ElectionAddress | undefined, remote: string): void {
    if (sid < this.o.myId) {
      // Only larger -> smaller survives: drop theirs (and our old one) and dial them ourselves.
      this.senders.get(sid)?.socket.destroy();
      this.senders.delete(sid);
      socket.destroy();
      if (addr !== undefined) this.dialBack.set(sid, addr);
      // The peer is evidently up: dial it now, as the reference does, rather than when the backoff
      // of an earlier failed dial ends (seconds later, long enough for the others to elect
      // without our vote).
      const r = this.redial.get(sid);
      if (r?.timer) clearTimeout(r.timer);
      this.redial.delete(sid);
      this.connectOne(sid);
      return;
    }
    if (sid === this.o.myId) {
      this.log.warn('an election connection claims our own server id; configuration error?', { remote });
      socket.destroy();
      return;
    }
    this.establish(sid, socket, reader, early, true);
  }

  // --- an established connection ----------------------------------------------------------------

  private establish(sid: Sid, socket: Socket, reader: ElectionWireReader, early: ReturnType<ElectionWireReader['feed']>, inbound: boolean): void {
    const old = this.senders.get(sid);
    if (old !== undefined && old.socket !== socket) old.socket.destroy();
    const conn: Conn = { sid, socket, inbound, blocked: false };
    this.senders.set(sid, conn);
    if (!this.queues.has(sid)) this.queues.set(sid, null);
    this.log.info('election connection established', { peer: String(sid) });
    socket.on('error', (e) => this.log.warn('election connection broken', { peer: String(sid), error: e.message }));
    socket.once('close', () => {
      if (this.senders.get(sid) === conn) this.senders.delete(sid);
    });
    socket.on('drain', () => {
      conn.blocked = false;
      this.pump(sid);
    });
    const handle = (events: ReturnType<ElectionWireReader['feed']>): void => {
      for (const ev of events) {
        if (ev.type === 'frame') this.enqueueReceived(sid, ev.payload);
        else if (ev.type === 'error') {
          this.log.error('malformed election frame; closing the connection', { peer: String(sid), error: ev.error.message });
          socket.destroy();
          return;
        }
      }
    };
    socket.on('data', (c: Buffer) => handle(reader.feed(c)));
    handle(early);
    // SendWorker.run: with nothing new to say, repeat the last message, which may have been lost.
    const last = this.lastSent.get(sid);
    if (this.queues.get(sid) == null && last !== undefined) this.write(conn, last);
    this.pump(sid);
  }

  private pump(sid: Sid): void {
    const conn = this.senders.get(sid);
    const next = this.queues.get(sid);
    if (conn === undefined || conn.blocked || next == null || conn.socket.destroyed) return;
    this.queues.set(sid, null);
    this.lastSent.set(sid, next);
    this.write(conn, next);
  }

  private write(conn: Conn, payload: Buffer): void {
    if (!conn.socket.write(electionFrame(payload))) conn.blocked = true;
  }

  private enqueueReceived(from: Sid, payload: Buffer): void {
    this.recvQueue.push({ from, payload });
    if (this.recvQueue.length > this.o.recvQueueMax) this.recvQueue.shift();
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    // Delivered on a later turn, never inside send(): the consumer may be mid-step.
    setImmediate(() => {
      this.drainScheduled = false;
      const batch = this.recvQueue;
      this.recvQueue = [];
      for (const m of batch) {
        if (this.closed) return;
        try {
          this.handler(m.from, m.payload);
        } catch (e) {
          this.log.error('election message handler failed', { peer: String(m.from), error: e instanceof Error ? e.message : String(e) });
        }
      }
    });
  }

  private track(socket: Socket): void {
    // Errors are reported where they matter (dial, established connection); never let one throw.
    socket.on('error', () => undefined);
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }
}
