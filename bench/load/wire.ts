// A lean pipelined ZooKeeper session for the load generator. Requests are pre-encoded frames
// (constant xid: the server only echoes it, and replies on a session come back in order), so
// sending one costs a socket write and a timestamp in a ring; a reply is read in place (xid, err)
// without decoding its body.

import { Socket, connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  ConnectRequest,
  CreateRequest,
  ExistsRequest,
  GetChildrenRequest,
  GetDataRequest,
  MultiHeader,
  RequestHeader,
  SetDataRequest,
} from '../../src/protocol/generated';
import { FrameDecoder, frame } from '../../src/protocol/frame-decoder';
import { OpCode } from '../../src/protocol/opcodes';

const XID = 1;
const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export const CreateMode = { persistent: 0, ephemeral: 1, persistentSequential: 2, ephemeralSequential: 3 } as const;

function request(type: number, body: Buffer | null): Buffer {
  const head = RequestHeader.encode({ xid: XID, type });
  return frame(body === null ? head : Buffer.concat([head, body]));
}

export const Frames = {
  create: (path: string, data: Buffer, flags: number = CreateMode.persistent): Buffer =>
    request(OpCode.create, CreateRequest.encode({ path, data, acl: OPEN_ACL, flags })),
  setData: (path: string, data: Buffer): Buffer => request(OpCode.setData, SetDataRequest.encode({ path, data, version: -1 })),
  getData: (path: string, watch = false): Buffer => request(OpCode.getData, GetDataRequest.encode({ path, watch })),
  exists: (path: string): Buffer => request(OpCode.exists, ExistsRequest.encode({ path, watch: false })),
  getChildren: (path: string): Buffer => request(OpCode.getChildren, GetChildrenRequest.encode({ path, watch: false })),
  multiSetData: (paths: string[], data: Buffer): Buffer => {
    const parts: Buffer[] = [];
    for (const path of paths) {
      parts.push(MultiHeader.encode({ type: OpCode.setData, done: false, err: -1 }));
      parts.push(SetDataRequest.encode({ path, data, version: -1 }));
    }
    parts.push(MultiHeader.encode({ type: -1, done: true, err: -1 }));
    return request(OpCode.multi, Buffer.concat(parts));
  },
  ping: (): Buffer => frame(RequestHeader.encode({ xid: -2, type: OpCode.ping })),
  closeSession: (): Buffer => request(OpCode.closeSession, null),
};

const PING = Frames.ping();
const CLOSE = Frames.closeSession();

/** A reply: `err` from the ReplyHeader; `latencyUs` since the matching send. */
export type ReplyHandler = (s: Session, err: number, latencyUs: number) => void;

export class Session {
  sessionId = 0n;
  /** Called for each reply to a `send`; a `call` takes its reply instead while one is waiting. */
  onReply: ReplyHandler = () => {};
  /** Called for each watch event (xid -1). */
  onEvent: (s: Session) => void = () => {};
  onClose: (s: Session) => void = () => {};
  closed = false;
  /** Caller's per-session state. */
  tag = 0;
  private readonly decoder = new FrameDecoder({ frameBytesMax: 64 * 1024 * 1024 });
  private ring = new Float64Array(64);
  private head = 0;
  private size = 0;
  private readonly waiters: ((r: { err: number; body: Buffer }) => void)[] = [];
  private pinger: NodeJS.Timeout | null = null;
  private readonly handleFrame = (f: Buffer): void => this.onFrame(f);

  private constructor(private readonly socket: Socket) {}

  get outstanding(): number {
    return this.size;
  }

  static connect(port: number, timeoutMs = 10_000, sessionTimeoutMs = 30_000): Promise<Session> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.setNoDelay(true);
      const s = new Session(socket);
      let connecting = true;
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('connect timed out'));
      }, timeoutMs);
      socket.on('error', (e) => {
        if (connecting) {
          clearTimeout(timer);
          connecting = false;
          reject(e);
        }
      });
      socket.on('close', () => {
        s.closed = true;
        if (s.pinger) clearInterval(s.pinger);
        if (connecting) {
          clearTimeout(timer);
          connecting = false;
          reject(new Error('closed during connect'));
        }
        s.onClose(s);
      });
      socket.on('data', (chunk: Buffer) => {
        if (connecting) {
          // ConnectResponse: protocolVersion, timeOut, sessionId, passwd (+ readOnly)
          const err = s.decoder.feed(chunk, (f) => {
            if (!connecting) return s.onFrame(f);
            connecting = false;
            clearTimeout(timer);
            const timeOut = f.readInt32BE(4);
            if (timeOut <= 0) {
              socket.destroy();
              reject(new Error('session refused'));
              return;
            }
            s.sessionId = f.readBigInt64BE(8);
            s.pinger = setInterval(() => s.ping(), Math.max(500, Math.floor(timeOut / 3)));
            s.pinger.unref();
            resolve(s);
          });
          if (err) socket.destroy(err);
          return;
        }
        socket.cork();
        const err = s.decoder.feed(chunk, s.handleFrame);
        socket.uncork();
        if (err) socket.destroy(err);
      });
      socket.write(
        frame(
          ConnectRequest.encode({
            protocolVersion: 0,
            lastZxidSeen: 0n,
            timeOut: sessionTimeoutMs,
            sessionId: 0n,
            passwd: Buffer.alloc(16),
            readOnly: false,
          }),
        ),
      );
    });
  }

  /** Sends a pre-encoded request frame (it must not be modified afterwards). */
  send(f: Buffer): void {
    if (this.closed) return;
    if (this.size === this.ring.length) this.grow();
    this.ring[(this.head + this.size) % this.ring.length] = performance.now();
    this.size++;
    this.socket.write(f);
  }

  /** One request, awaited; calls may overlap each other but not `send` traffic (setup only). */
  call(f: Buffer, timeoutMs = 30_000): Promise<{ err: number; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('request timed out')), timeoutMs);
      this.waiters.push((r) => {
        clearTimeout(t);
        resolve(r);
      });
      this.send(f);
    });
  }

  /** closeSession, awaited (bounded), then the socket. */
  async close(timeoutMs = 5000): Promise<void> {
    if (this.closed) return;
    try {
      await this.call(CLOSE, timeoutMs);
    } catch {
      // closing anyway
    }
    this.destroy();
  }

  destroy(): void {
    this.closed = true;
    if (this.pinger) clearInterval(this.pinger);
    this.socket.destroy();
  }

  private ping(): void {
    if (!this.closed) this.socket.write(PING);
  }

  private grow(): void {
    const next = new Float64Array(this.ring.length * 2);
    for (let i = 0; i < this.size; i++) next[i] = this.ring[(this.head + i) % this.ring.length]!;
    this.ring = next;
    this.head = 0;
  }

  private onFrame(f: Buffer): void {
    const xid = f.readInt32BE(0);
    if (xid === -1) return this.onEvent(this);
    if (xid === -2) return;
    const err = f.readInt32BE(12);
    const sentAt = this.ring[this.head]!;
    this.head = (this.head + 1) % this.ring.length;
    this.size--;
    const latencyUs = (performance.now() - sentAt) * 1000;
    if (this.waiters.length > 0) {
      this.waiters.shift()!({ err, body: Buffer.from(f.subarray(16)) });
      return;
    }
    this.onReply(this, err, latencyUs);
  }
}
