// One client connection (the shell): framing, the four-letter-word sniff, the handshake state,
// coalesced writes. Everything it decodes goes to its host (the server); it decides nothing.

import type { Socket } from 'node:net';
import { ConnectRequest, type Id, type RequestHeader } from '../protocol/generated';
import { encodeNotificationFrame } from '../protocol/fast-codec';
import { FrameDecoder } from '../protocol/frame-decoder';
import type { Logger } from '../util/logger';

export interface ConnectionHost {
  /** A ConnectRequest arrived; `readOnlyPresent` says whether the client sent the trailing byte. */
  onConnectRequest(conn: ClientConnection, req: ConnectRequest, readOnlyPresent: boolean): void;
  /** A request after the handshake. `body` is a view of the frame after the RequestHeader. */
  onRequest(conn: ClientConnection, header: RequestHeader, body: Buffer): void;
  onClosed(conn: ClientConnection): void;
  /** The answer to a four-letter word, or null if `word` is not one. `rest`: the bytes after it (stmk). */
  fourLetterWord(word: string, conn: ClientConnection, rest: Buffer): string | null;
}

type State = 'new' | 'handshake' | 'established' | 'closed';

let nextConnectionId = 1;
const REPLY_HEADER_BYTES = 16;
const REQUEST_HEADER_BYTES = 8;
const FOUR_LETTER_BYTES = 4;
/** Bodies up to this size are copied into the header's buffer (one allocation, one queue entry). */
const INLINE_BODY_BYTES_MAX = 256;
/** A tick's frames for one connection up to this many bytes are joined into one write; above, writev. */
const JOIN_BYTES_MAX = 256 * 1024;
/** Server-sent events always carry SyncConnected. */
const SYNC_CONNECTED = 3;

// Output is coalesced per tick: frames queue on their connection, and one nextTick (for all
// connections, not one each) writes each connection's queue with a single socket call. A watch
// trigger that notifies a thousand connections thus costs one nextTick and one write per socket.
const dirty: ClientConnection[] = [];
let flushScheduled = false;

function flushAll(): void {
  flushScheduled = false;
  // Frames queued while flushing (none today: writes do not call back synchronously) would wait
  // for the next round, so take the list as it is now.
  const list = dirty.splice(0, dirty.length);
  for (const c of list) c.flush();
}

// The last notification frame built: a trigger fans one (type, path) out to every watcher in a
// row, and the frame depends on nothing else, so they all share these bytes (never written to).
let lastEvent: { type: number; path: string; frame: Buffer } | null = null;

// Replies in a row mostly carry the same zxid (the last one applied): keep its two halves, so a
// reply header costs no bigint arithmetic.
let zxidMemo = 0n;
let zxidHigh = 0;
let zxidLow = 0;

function writeZxid(out: Buffer, at: number, zxid: bigint): void {
  if (zxid !== zxidMemo) {
    const u = BigInt.asUintN(64, zxid);
    zxidHigh = Number(u >> 32n);
    zxidLow = Number(u & 0xffffffffn);
    zxidMemo = zxid;
  }
  out.writeUInt32BE(zxidHigh, at);
  out.writeUInt32BE(zxidLow, at + 4);
}

function notificationFrame(type: number, path: string): Buffer {
  const last = lastEvent;
  if (last !== null && last.type === type && last.path === path) return last.frame;
  const frame = encodeNotificationFrame(type, SYNC_CONNECTED, path);
  lastEvent = { type, path, frame };
  return frame;
}

export class ClientConnection {
  readonly id = nextConnectionId++;
  readonly remoteAddress: string;
  readonly remotePort: number;
  sessionId = 0n;
  /** The negotiated session timeout, used to touch the session on every packet. */
  timeoutMs = 0;
  /** The identities this connection acts with (ip first, then auth packets). */
  authInfo: Id[] = [];
  /**
   * `authInfo` in the order the reference's hash set iterates it (whoAmI, `auth` ACLs), computed
   * when the ids change rather than per request. Requests share this array: it is never mutated.
   */
  orderedAuthInfo: readonly Id[] = [];
  /** Requests received and not yet answered (xid > 0), for throttling and `cons`. */
  outstanding = 0;
  readonly establishedAtMs = Date.now();
  packetsReceived = 0;
  packetsSent = 0;
  private state: State = 'new';
  private readonly frames: FrameDecoder;
  private sniffed: Buffer | null = Buffer.alloc(0);
  /** Frames that arrived behind the ConnectRequest before the session exists. */
  private held: Buffer[] = [];
  /** Frames written this tick, not yet handed to the socket. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(
    private readonly socket: Socket,
    private readonly host: ConnectionHost,
    private readonly log: Logger,
    frameBytesMax: number,
  ) {
    this.remoteAddress = normalizeAddress(socket.remoteAddress ?? '');
    this.remotePort = socket.remotePort ?? 0;
    this.frames = new FrameDecoder({ frameBytesMax });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.log.debug('connection error', { peer: this.peer, error: e.message }));
    socket.on('close', () => this.onSocketClosed());
  }

  get peer(): string {
    return `${this.remoteAddress}:${this.remotePort}`;
  }

  get isOpen(): boolean {
    return this.state !== 'closed';
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    if (this.sniffed !== null) {
      // Before anything else, the first four bytes may be a four-letter word (the reference reads
      // them as a frame length and checks them against its command table first).
      const head = Buffer.concat([this.sniffed, chunk]);
      if (head.length < FOUR_LETTER_BYTES) {
        this.sniffed = head;
        return;
      }
      this.sniffed = null;
      const word = head.subarray(0, FOUR_LETTER_BYTES).toString('latin1');
      const answer = this.host.fourLetterWord(word, this, head.subarray(FOUR_LETTER_BYTES));
      if (answer !== null) {
        this.socket.end(answer);
        this.state = 'closed';
        return;
      }
      this.state = 'handshake';
      chunk = head;
    }
    const err = this.frames.feed(chunk, (frame) => this.onFrame(frame));
    if (err !== null) this.close(`bad frame: ${err.message}`);
  }

  private onFrame(frame: Buffer): void {
    if (this.state === 'closed') return;
    this.packetsReceived++;
    if (!this.connectSeen) {
      this.connectSeen = true;
      this.onConnectFrame(frame);
      return;
    }
    if (this.state !== 'established') {
      // The reference stops reading until the session exists; keep the bytes (one copy) meanwhile.
      this.held.push(Buffer.from(frame));
      return;
    }
    this.onRequestFrame(frame);
  }

  private connectSeen = false;

  private onConnectFrame(frame: Buffer): void {
    let req: ConnectRequest;
    let readOnlyPresent: boolean;
    try {
      const d = ConnectRequest.decodeWithLength(frame);
      req = d.value;
      readOnlyPresent = req.readOnly !== undefined;
    } catch (e) {
      this.close(`malformed ConnectRequest: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    this.host.onConnectRequest(this, req, readOnlyPresent);
  }

  private onRequestFrame(frame: Buffer): void {
    // RequestHeader is two ints (xid, type): read in place rather than through the generic decoder.
    if (frame.length < REQUEST_HEADER_BYTES) {
      this.close(`malformed request header: RequestHeader: input ends inside the record (${frame.length} bytes)`);
      return;
    }
    const header: RequestHeader = { xid: frame.readInt32BE(0), type: frame.readInt32BE(4) };
    this.host.onRequest(this, header, frame.subarray(REQUEST_HEADER_BYTES));
  }

  /** The session exists: requests that queued behind the handshake are processed now, in order. */
  established(sessionId: bigint): void {
    if (this.state === 'closed') return;
    this.sessionId = sessionId;
    this.state = 'established';
    const held = this.held;
    this.held = [];
    for (const f of held) {
      if (this.state !== 'established') break;
      this.onRequestFrame(f);
    }
  }

  /** Writes one frame: int length + ReplyHeader + body; coalesced with the others of this tick. */
  sendReply(xid: number, zxid: bigint, err: number, body: Buffer | null): void {
    if (this.state === 'closed') return;
    const bodyBytes = body === null ? 0 : body.length;
    // Larger bodies (getData, getChildren) queue as they are, after the header: the flush joins the
    // tick's frames in one copy anyway (or writes them as they are when large).
    const inline = body !== null && bodyBytes <= INLINE_BODY_BYTES_MAX;
    const out = Buffer.allocUnsafe(4 + REPLY_HEADER_BYTES + (inline ? bodyBytes : 0));
    out.writeInt32BE(REPLY_HEADER_BYTES + bodyBytes, 0);
    out.writeInt32BE(xid, 4);
    writeZxid(out, 8, zxid);
    out.writeInt32BE(err, 16);
    if (inline) body.copy(out, 20);
    this.write(out, inline ? null : body);
  }

  /** Writes a raw frame body (the ConnectResponse). */
  sendFrame(body: Buffer): void {
    if (this.state === 'closed') return;
    const out = Buffer.allocUnsafe(4);
    out.writeInt32BE(body.length, 0);
    this.write(out, body);
  }

  /** A watch notification: xid -1, zxid -1 (as 3.8), state SyncConnected. */
  sendEvent(type: number, path: string): void {
    if (this.state === 'closed') return;
    this.write(notificationFrame(type, path), null);
  }

  /** One frame: `head`, then `tail` if any; coalesced with the others of this tick. */
  private write(head: Buffer, tail: Buffer | null): void {
    this.packetsSent++;
    if (this.pending.length === 0) {
      dirty.push(this);
      if (!flushScheduled) {
        flushScheduled = true;
        process.nextTick(flushAll);
      }
    }
    this.pending.push(head);
    this.pendingBytes += head.length;
    if (tail !== null && tail.length > 0) {
      this.pending.push(tail);
      this.pendingBytes += tail.length;
    }
  }

  /** Hands this tick's frames to the socket: one write (joined), or one writev when they are large. */
  flush(): void {
    const frames = this.pending;
    if (frames.length === 0) return;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    if (this.socket.destroyed) return;
    if (frames.length === 1) {
      this.socket.write(frames[0]!);
    } else if (bytes <= JOIN_BYTES_MAX) {
      this.socket.write(Buffer.concat(frames, bytes));
    } else {
      this.socket.cork();
      for (const f of frames) this.socket.write(f);
      this.socket.uncork();
    }
  }

  /** Stops reading (back-pressure) or resumes. */
  setReading(on: boolean): void {
    if (on) this.socket.resume();
    else this.socket.pause();
  }

  /** Closes after what was written is flushed; logs the reason once. */
  close(reason: string, level: 'info' | 'warn' | 'debug' = 'warn'): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.log[level]('closing connection', { peer: this.peer, sessionId: this.sessionId, reason });
    // What was queued this tick (e.g. the reply before a close) goes out before the FIN.
    this.flush();
    this.socket.end();
    // A peer that never closes its side would hold the socket: destroy it after a grace period.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  private onSocketClosed(): void {
    this.state = 'closed';
    this.host.onClosed(this);
  }
}

function normalizeAddress(a: string): string {
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}
