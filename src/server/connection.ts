// One client connection (the shell): framing, the four-letter-word sniff, the handshake state,
// coalesced writes. Everything it decodes goes to its host (the server); it decides nothing.

import type { Socket } from 'node:net';
import { ConnectRequest, RequestHeader, WatcherEvent, type Id } from '../protocol/generated';
import { FrameDecoder } from '../protocol/frame-decoder';
import { JuteDecodeError } from '../protocol/jute/runtime';
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
const FOUR_LETTER_BYTES = 4;
/** Bodies up to this size are copied into the header's buffer (fewer writev entries). */
const INLINE_BODY_BYTES_MAX = 256;

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
  private corked = false;

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
    let header: RequestHeader;
    let at: number;
    try {
      const d = RequestHeader.decodeWithLength(frame);
      header = d.value;
      at = d.bytesRead;
    } catch (e) {
      this.close(`malformed request header: ${e instanceof JuteDecodeError ? e.message : String(e)}`);
      return;
    }
    this.host.onRequest(this, header, frame.subarray(at));
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
    // Large bodies (getData, getChildren) go out as they are, after the header, in the same corked
    // writev: the encoder already produced them as their own buffer, a second copy would be waste.
    const inline = body !== null && bodyBytes <= INLINE_BODY_BYTES_MAX;
    const out = Buffer.allocUnsafe(4 + REPLY_HEADER_BYTES + (inline ? bodyBytes : 0));
    out.writeInt32BE(REPLY_HEADER_BYTES + bodyBytes, 0);
    out.writeInt32BE(xid, 4);
    out.writeBigInt64BE(zxid, 8);
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
    this.sendReply(-1, -1n, 0, WatcherEvent.encode({ type, state: 3, path }));
  }

  /** One frame: `head`, then `tail` if any; coalesced with the others of this tick. */
  private write(head: Buffer, tail: Buffer | null): void {
    this.packetsSent++;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(() => {
        this.corked = false;
        this.socket.uncork();
      });
    }
    this.socket.write(head);
    if (tail !== null && tail.length > 0) this.socket.write(tail);
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
