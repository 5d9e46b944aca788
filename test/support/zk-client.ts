// A minimal ZooKeeper client on our own codecs, for tests: it speaks the wire protocol directly so
// tests can drive Apache ZooKeeper and zkts the same way, including things stock clients hide
// (raw replies, abrupt disconnects that leave a session to expire).

import { Socket, connect } from 'node:net';
import {
  ConnectRequest,
  ConnectResponse,
  ReplyHeader,
  RequestHeader,
  WatcherEvent,
} from '../../src/protocol/generated';
import type { JuteCodec } from '../../src/protocol/jute/runtime';
import { FrameDecoder, frame } from '../../src/protocol/frame-decoder';
import { OpCode } from '../../src/protocol/opcodes';

export interface Reply<T> {
  xid: number;
  zxid: bigint;
  err: number;
  body: T | null;
}

export interface ConnectOptions {
  timeoutMs?: number;
  sessionId?: bigint;
  passwd?: Buffer;
  readOnly?: boolean;
  lastZxidSeen?: bigint;
  /** Give up on connecting after this long. */
  connectTimeoutMs?: number;
}

interface Pending {
  xid: number;
  decode: JuteCodec<unknown> | null;
  resolve: (r: Reply<unknown>) => void;
  reject: (e: Error) => void;
}

export class ZkTestClient {
  sessionId = 0n;
  passwd: Buffer = Buffer.alloc(16);
  negotiatedTimeoutMs = 0;
  /** The ConnectResponse's readOnly flag (undefined when the server sent none). */
  connectedReadOnly: boolean | undefined = undefined;
  /** Resolves when the connection is closed, by either side. */
  readonly whenClosed: Promise<void>;
  private markClosed!: () => void;
  lastZxid = 0n;
  readonly events: WatcherEvent[] = [];
  private xid = 1;
  private readonly pending: Pending[] = [];
  private readonly frames = new FrameDecoder({ frameBytesMax: 16 * 1024 * 1024 });
  private pinger: NodeJS.Timeout | null = null;
  private closed = false;
  private onConnect: ((body: Buffer) => void) | null = null;
  private eventWaiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    this.whenClosed = new Promise((resolve) => (this.markClosed = resolve));
  }

  static async connect(host: string, port: number, opts: ConnectOptions = {}): Promise<ZkTestClient> {
    const socket = connect({ host, port });
    socket.setNoDelay(true);
    const client = new ZkTestClient(socket);
    await client.handshake(opts);
    return client;
  }

  private handshake(opts: ConnectOptions): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.socket.destroy();
        reject(new Error('connect timed out'));
      }, opts.connectTimeoutMs ?? 15_000);
      this.socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      this.socket.on('close', () => {
        this.failAll(new Error('connection closed'));
        this.markClosed();
        // Closed before the ConnectResponse (a refused session): fail now, not at the timeout.
        if (this.onConnect !== null) {
          clearTimeout(timer);
          reject(new Error('connection closed before the ConnectResponse'));
        }
      });
      this.socket.on('data', (chunk) => {
        const err = this.frames.feed(chunk, (f) => this.onFrame(f));
        if (err) this.socket.destroy(err);
      });
      this.onConnect = (body) => {
        clearTimeout(timer);
        const r = ConnectResponse.decode(body);
        if (r.timeOut === 0) {
          this.socket.destroy();
          reject(new Error('session expired'));
          return;
        }
        this.sessionId = r.sessionId;
        this.passwd = Buffer.from(r.passwd ?? Buffer.alloc(16));
        this.negotiatedTimeoutMs = r.timeOut;
        this.connectedReadOnly = r.readOnly;
        this.pinger = setInterval(() => this.ping(), Math.max(100, Math.floor(r.timeOut / 3)));
        resolve();
      };
      const req = ConnectRequest.encode({
        protocolVersion: 0,
        lastZxidSeen: opts.lastZxidSeen ?? 0n,
        timeOut: opts.timeoutMs ?? 30_000,
        sessionId: opts.sessionId ?? 0n,
        passwd: opts.passwd ?? Buffer.alloc(16),
        readOnly: opts.readOnly ?? false,
      });
      this.socket.write(frame(req));
    });
  }

  private onFrame(f: Buffer): void {
    if (this.onConnect !== null) {
      const cb = this.onConnect;
      this.onConnect = null;
      cb(Buffer.from(f));
      return;
    }
    const { value: h, bytesRead } = ReplyHeader.decodeWithLength(f);
    if (h.zxid > this.lastZxid) this.lastZxid = h.zxid;
    const rest = Buffer.from(f.subarray(bytesRead));
    if (h.xid === -1) {
      this.events.push(WatcherEvent.decode(rest));
      const waiters = this.eventWaiters;
      this.eventWaiters = [];
      waiters.forEach((w) => w());
      return;
    }
    if (h.xid === -2) return;
    const p = this.pending.shift();
    if (p === undefined || p.xid !== h.xid) {
      this.socket.destroy(new Error(`xid out of order: got ${h.xid}, expected ${p?.xid}`));
      return;
    }
    const body = h.err === 0 && p.decode !== null && rest.length > 0 ? p.decode.decode(rest) : null;
    p.resolve({ xid: h.xid, zxid: h.zxid, err: h.err, body });
  }

  private failAll(e: Error): void {
    this.closed = true;
    if (this.pinger) clearInterval(this.pinger);
    for (const p of this.pending.splice(0)) p.reject(e);
  }

  private ping(): void {
    if (this.closed) return;
    this.socket.write(frame(RequestHeader.encode({ xid: -2, type: OpCode.ping })));
  }

  /** Sends one request; resolves with the decoded reply (body only when err is 0). */
  request<T>(type: number, body: Buffer | null, decode: JuteCodec<T> | null, xid?: number): Promise<Reply<T>> {
    if (this.closed) return Promise.reject(new Error('connection closed'));
    const id = xid ?? this.xid++;
    const head = RequestHeader.encode({ xid: id, type });
    this.socket.write(frame(body === null ? head : Buffer.concat([head, body])));
    return new Promise((resolve, reject) => {
      this.pending.push({ xid: id, decode: decode as JuteCodec<unknown> | null, resolve: resolve as (r: Reply<unknown>) => void, reject });
    });
  }

  /** Waits (bounded) until at least `n` watch events have arrived. */
  async waitForEvents(n: number, timeoutMs = 10_000): Promise<WatcherEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.events.length < n) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${n} events (have ${this.events.length})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.eventWaiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Ends the session cleanly (closeSession), then the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.request(OpCode.closeSession, null, null);
    } finally {
      this.destroy();
    }
  }

  /** Drops the connection without closing the session: the server expires it later. */
  destroy(): void {
    this.closed = true;
    if (this.pinger) clearInterval(this.pinger);
    this.socket.destroy();
  }
}

/**
 * A request's outcome within `timeoutMs`: the reply, or the connection ending without one (what a
 * server does to a request it drops, e.g. from a connection whose session moved elsewhere).
 */
export async function replyOrClose<T>(p: Promise<Reply<T>>, timeoutMs: number): Promise<Reply<T> | 'closed without a reply'> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply and no close within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([p, bound]);
  } catch (e) {
    if (e instanceof Error && e.message === 'connection closed') return 'closed without a reply';
    throw e;
  } finally {
    clearTimeout(timer);
  }
}
