// Differential testing of ZooKeeper servers: a script of client steps runs against a server through
// raw connections on our codecs, every reply and watch event is recorded per client in arrival
// order, and `normalize()` turns the transcript into lines that are equal for two servers that
// behave the same (zxids, times and session ids renamed; passwords dropped; unordered lists
// sorted). `diffTranscripts()` then shows the first difference.
//
// Determinism: steps run strictly one after another (each waits for its reply), so the order of
// entries in one client's log is fixed: an event caused by another client's write is queued on this
// client's connection before that write is answered, hence before any later reply to this client.
// Nothing waits by sleeping: events, closes and session expiry are awaited with bounded waits on
// what the server sends or reports (for expiry: the `dump` four-letter word, or, on a server
// without it, the closeSession txn showing up in lastProcessedZxid).

import { fourLetterWord } from './four-letter-word';
import { createHash } from 'node:crypto';
import { Socket, connect } from 'node:net';
import {
  AddWatchRequest,
  AuthPacket,
  CheckWatchesRequest,
  ConnectRequest,
  ConnectResponse,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  ErrorResponse,
  ExistsRequest,
  ExistsResponse,
  GetACLRequest,
  GetACLResponse,
  GetAllChildrenNumberRequest,
  GetAllChildrenNumberResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  GetEphemeralsRequest,
  GetEphemeralsResponse,
  MultiOperationRecord,
  MultiResponse,
  ReconfigRequest,
  RemoveWatchesRequest,
  ReplyHeader,
  RequestHeader,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  SetSASLResponse,
  SetWatches,
  SetWatches2,
  SyncRequest,
  SyncResponse,
  WatcherEvent,
  WhoAmIResponse,
  type ACL,
  type MultiOperationRecordItem,
} from '../../src/protocol/generated';
import type { JuteCodec } from '../../src/protocol/jute/runtime';
import { FrameDecoder, frame } from '../../src/protocol/frame-decoder';
import { ErrCode, OpCode, opName } from '../../src/protocol/opcodes';

// ---------------------------------------------------------------------------------------------
// Script format

export interface Target {
  host: string;
  port: number;
}

/** Node data: a UTF-8 string, null (no data), raw bytes as hex, or `text` repeated `times`. */
export type DataSpec = string | null | { hex: string } | { repeat: string; times: number };

/**
 * An ACL as `scheme:id:perms` strings; perms are letters from `cdrwa` (or a decimal number), the
 * id is everything between the first and the last colon: `world:anyone:cdrwa`,
 * `digest:bob:fyVmFCwVbTJYrznoSu1koqYEYF0=:r`, `ip:127.0.0.1:rw`, `auth::cdrwa`.
 */
export type AclSpec = string[];

export type CreateKind = 'create' | 'create2' | 'createContainer' | 'createTTL';
export type WatchTypeName = 'children' | 'data' | 'any';

export interface CreateSpec {
  path: string;
  data?: DataSpec;
  /** CreateMode: 0 persistent, 1 ephemeral, 2 persistent seq, 3 ephemeral seq, 4 container, 5/6 TTL. */
  flags?: number;
  acl?: AclSpec;
  /** createTTL only. */
  ttl?: number;
}

export type MultiOp =
  | ({ op: CreateKind } & CreateSpec)
  | { op: 'delete'; path: string; version?: number }
  | { op: 'setData'; path: string; data?: DataSpec; version?: number }
  | { op: 'check'; path: string; version: number }
  | { op: 'getData' | 'getChildren'; path: string };

interface On {
  client: string;
}

export type Step =
  /** Opens a new session. `auth` packets are pipelined behind the ConnectRequest, as the Java client does. */
  | (On & {
      op: 'connect';
      timeoutMs?: number;
      readOnly?: boolean;
      /** Send a pre-3.4 ConnectRequest (no readOnly byte). */
      oldClient?: boolean;
      /** Claim to have seen a zxid the server has not reached: it must refuse (close, no reply). */
      lastZxidSeen?: 'ahead';
      auth?: { scheme: string; data: string }[];
      /**
       * Take over another client's session (its id, password and lastZxidSeen) on this client's
       * own connection, while that client may still be connected.
       */
      resume?: string;
      /** With `resume`: send a wrong password. */
      badPassword?: boolean;
    })
  /**
   * Reconnects the client's session (id, password, lastZxidSeen) on a new socket, dropping the old
   * one if still open; like a real client it pipelines its auth packets and then setWatches (or
   * setWatches2 when it holds persistent watches) behind the ConnectRequest.
   */
  | (On & { op: 'reconnect'; watches?: 'auto' | 'none' | 'setWatches' | 'setWatches2'; pipeline?: boolean })
  /** Abrupt disconnect: the socket is destroyed, the session lives on until it expires. */
  | (On & { op: 'drop' })
  /** Keeps the socket but stops pinging, so the server expires the session while connected. */
  | (On & { op: 'stall' })
  /** Waits (bounded) until the server has expired the session (see Runner.waitExpired). */
  | (On & { op: 'wait-expired' })
  /** Waits (bounded) for `count` events since the previous expect-events, then flushes with a ping. */
  | (On & { op: 'expect-events'; count: number; unordered?: boolean })
  /** Waits (bounded) for the server to close the connection. */
  | (On & { op: 'expect-closed' })
  | (On & { op: 'auth'; scheme: string; data: string })
  | (On & { op: CreateKind } & CreateSpec)
  | (On & { op: 'delete'; path: string; version?: number })
  | (On & { op: 'exists' | 'getData' | 'getChildren' | 'getChildren2'; path: string; watch?: boolean })
  | (On & { op: 'setData'; path: string; data?: DataSpec; version?: number })
  | (On & { op: 'getACL'; path: string })
  | (On & { op: 'setACL'; path: string; acl: AclSpec; version?: number })
  | (On & { op: 'sync'; path: string })
  | (On & { op: 'multi' | 'multiRead'; ops: MultiOp[] })
  | (On & { op: 'getEphemerals'; prefix: string | null })
  | (On & { op: 'getAllChildrenNumber'; path: string })
  | (On & { op: 'whoAmI' })
  | (On & { op: 'addWatch'; path: string; mode: 'persistent' | 'recursive' | number })
  | (On & { op: 'checkWatches' | 'removeWatches'; path: string; type: WatchTypeName | number })
  /** An explicit setWatches/setWatches2 on the live connection. */
  | (On & {
      op: 'setWatches';
      v2?: boolean;
      relativeZxid?: 'last' | 'zero';
      data?: string[];
      exist?: string[];
      child?: string[];
      persistent?: string[];
      recursive?: string[];
    })
  | (On & { op: 'closeSession' })
  | (On & { op: 'reconfig'; joining?: string | null; leaving?: string | null; newMembers?: string | null; curConfigId?: number })
  /** Any opcode with a hand-made body (hex), e.g. a malformed request or an unknown opcode. */
  | (On & { op: 'raw'; opcode: number; body: string; label?: string });

export interface Script {
  name: string;
  description: string;
  /** zoo.cfg keys the server must be started with (on top of the harness defaults). */
  server?: Record<string, string>;
  steps: Step[];
}

// ---------------------------------------------------------------------------------------------
// Transcript

export type Entry =
  | {
      kind: 'reply';
      step: number;
      op: string;
      req: string;
      xid: number;
      zxid: bigint;
      err: number;
      body?: unknown;
      bodyHex?: string;
      trailing?: number;
      decodeError?: string;
    }
  | { kind: 'event'; type: number; state: number; path: string | null; zxid: bigint }
  | {
      kind: 'connected';
      step: number;
      reconnect: boolean;
      sessionId: bigint;
      timeout: number;
      readOnly: boolean | undefined;
      respBytes: number;
      /** lastProcessedZxid from a ping right after the handshake (and the pipelined requests). */
      zxid: bigint | null;
    }
  | { kind: 'connect-failed'; step: number; reconnect: boolean; outcome: 'expired' | 'closed' | 'timeout'; respBytes?: number; timeout?: number; sessionId?: bigint }
  | { kind: 'marker'; step: number; what: string; unordered?: boolean }
  | { kind: 'anomaly'; step: number; what: string };

export interface Transcript {
  script: string;
  /** Clients in order of first appearance in the script. */
  clients: string[];
  logs: Record<string, Entry[]>;
  startedAtMs: number;
  finishedAtMs: number;
  steps: number;
}

export interface RunOptions {
  /** Bound for expect-events (default 5 s). */
  eventTimeoutMs?: number;
  /** Bound for expect-closed and for the close after closeSession (default 5 s). */
  closeTimeoutMs?: number;
  /** Extra time allowed for expiry beyond twice the negotiated timeout (default 15 s). */
  expirySlackMs?: number;
  /** Bound for a single reply (default 10 s). */
  replyTimeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding helpers

const PERM_BITS: Record<string, number> = { r: 1, w: 2, c: 4, d: 8, a: 16 };

export function parseAcl(spec: AclSpec): ACL[] {
  return spec.map((s) => {
    const first = s.indexOf(':');
    const last = s.lastIndexOf(':');
    if (first < 0 || last === first) throw new Error(`bad ACL spec ${s}`);
    const p = s.slice(last + 1);
    const perms = /^-?\d+$/.test(p) ? Number(p) : [...p].reduce((acc, ch) => acc | (PERM_BITS[ch] ?? Number.NaN), 0);
    if (Number.isNaN(perms)) throw new Error(`bad perms in ${s}`);
    return { perms, id: { scheme: s.slice(0, first), id: s.slice(first + 1, last) } };
  });
}

export function dataBytes(d: DataSpec | undefined): Buffer | null {
  if (d === undefined) return Buffer.alloc(0);
  if (d === null) return null;
  if (typeof d === 'string') return Buffer.from(d, 'utf8');
  if ('hex' in d) return Buffer.from(d.hex, 'hex');
  return Buffer.from(d.repeat.repeat(d.times), 'utf8');
}

const OPEN_ACL: AclSpec = ['world:anyone:cdrwa'];
const CREATE_OPS: Record<CreateKind, number> = { create: OpCode.create, create2: OpCode.create2, createContainer: OpCode.createContainer, createTTL: OpCode.createTTL };
const DEFAULT_FLAGS: Record<CreateKind, number> = { create: 0, create2: 0, createContainer: 4, createTTL: 5 };

function encodeCreate(kind: CreateKind, c: CreateSpec): Buffer {
  const base = { path: c.path, data: dataBytes(c.data), acl: parseAcl(c.acl ?? OPEN_ACL), flags: c.flags ?? DEFAULT_FLAGS[kind] };
  return kind === 'createTTL' ? CreateTTLRequest.encode({ ...base, ttl: BigInt(c.ttl ?? 0) }) : CreateRequest.encode(base);
}

function multiItem(m: MultiOp): MultiOperationRecordItem {
  const header = (type: number) => ({ type, done: false, err: -1 });
  switch (m.op) {
    case 'create':
    case 'create2':
    case 'createContainer':
    case 'createTTL': {
      const base = { path: m.path, data: dataBytes(m.data), acl: parseAcl(m.acl ?? OPEN_ACL), flags: m.flags ?? DEFAULT_FLAGS[m.op] };
      return { header: header(CREATE_OPS[m.op]), body: m.op === 'createTTL' ? { ...base, ttl: BigInt(m.ttl ?? 0) } : base };
    }
    case 'delete':
      return { header: header(OpCode.delete), body: { path: m.path, version: m.version ?? -1 } };
    case 'setData':
      return { header: header(OpCode.setData), body: { path: m.path, data: dataBytes(m.data), version: m.version ?? -1 } };
    case 'check':
      return { header: header(OpCode.check), body: { path: m.path, version: m.version } };
    case 'getData':
      return { header: header(OpCode.getData), body: { path: m.path, watch: false } };
    case 'getChildren':
      return { header: header(OpCode.getChildren), body: { path: m.path, watch: false } };
  }
}

function watcherType(t: WatchTypeName | number): number {
  return typeof t === 'number' ? t : { children: 1, data: 2, any: 3 }[t];
}

function describeData(d: DataSpec | undefined): string {
  if (d === undefined) return '';
  if (d === null) return ' data=null';
  if (typeof d === 'string') return ` data=${JSON.stringify(d.length > 40 ? d.slice(0, 40) + '…' : d)}`;
  if ('hex' in d) return ` data=hex:${d.hex.slice(0, 40)}`;
  return ` data=${JSON.stringify(d.repeat)}x${d.times}`;
}

function describeMulti(m: MultiOp): string {
  const extra =
    'version' in m && m.version !== undefined ? ` v=${m.version}` : 'flags' in m && m.flags !== undefined ? ` f=${m.flags}` : '';
  return `${m.op} ${m.path}${extra}`;
}

// ---------------------------------------------------------------------------------------------
// A raw connection

interface RawReply {
  xid: number;
  zxid: bigint;
  err: number;
  body: Buffer;
}

type HandshakeOutcome = { kind: 'response'; body: Buffer } | { kind: 'closed' } | { kind: 'timeout' };

class ConnectionLoss extends Error {
  constructor(what: string) {
    super(what);
  }
}

class Conn {
  private readonly socket: Socket;
  private readonly frames = new FrameDecoder({ frameBytesMax: 64 * 1024 * 1024 });
  private readonly pending: { xid: number; onReply: (r: RawReply) => void; resolve: (r: RawReply) => void; reject: (e: Error) => void }[] = [];
  private pingsSent = 0;
  private pingsAnswered = 0;
  private lastPingZxid = 0n;
  private pingWaiters: { seq: number; resolve: (z: bigint) => void; reject: (e: Error) => void }[] = [];
  private handshakeWaiter: ((o: HandshakeOutcome) => void) | null = null;
  private closeWaiters: (() => void)[] = [];
  private pinger: NodeJS.Timeout | null = null;
  private destroyedByUs = false;
  closed = false;
  closedByPeer = false;

  constructor(
    target: Target,
    private readonly onEvent: (e: WatcherEvent, zxid: bigint) => void,
    private readonly onAnomaly: (what: string) => void,
  ) {
    this.socket = connect({ host: target.host, port: target.port });
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => {
      const err = this.frames.feed(chunk, (f) => this.onFrame(Buffer.from(f)));
      if (err) {
        this.onAnomaly(`framing: ${err.message}`);
        this.socket.destroy();
      }
    });
    this.socket.on('error', () => undefined); // 'close' follows
    this.socket.on('close', () => this.onClose());
  }

  handshake(req: Buffer, timeoutMs: number): Promise<HandshakeOutcome> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.handshakeWaiter = null;
        resolve({ kind: 'timeout' });
      }, timeoutMs);
      this.handshakeWaiter = (o) => {
        clearTimeout(timer);
        resolve(o);
      };
      if (this.closed) {
        this.handshakeWaiter = null;
        clearTimeout(timer);
        resolve({ kind: 'closed' });
        return;
      }
      this.socket.write(frame(req));
    });
  }

  /** Sends a request; `onReply` runs synchronously when the reply frame is read. */
  send(xid: number, type: number, body: Buffer | null, timeoutMs: number, onReply: (r: RawReply) => void = () => undefined): Promise<RawReply> {
    if (this.closed) return Promise.reject(new ConnectionLoss('connection closed'));
    const head = RequestHeader.encode({ xid, type });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.pending.findIndex((p) => p.resolve === done);
        if (i >= 0) this.pending.splice(i, 1);
        reject(new Error(`no reply to xid ${xid} (type ${type}) within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (r: RawReply) => {
        clearTimeout(timer);
        resolve(r);
      };
      this.pending.push({
        xid,
        onReply,
        resolve: done,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.socket.write(frame(body === null ? head : Buffer.concat([head, body])));
    });
  }

  /** Sends a ping and resolves with the zxid of its reply (pings are answered in order). */
  ping(timeoutMs = 10_000): Promise<bigint> {
    if (this.closed) return Promise.reject(new ConnectionLoss('connection closed'));
    const seq = ++this.pingsSent;
    this.socket.write(frame(RequestHeader.encode({ xid: -2, type: OpCode.ping })));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ping reply within ${timeoutMs} ms`)), timeoutMs);
      this.pingWaiters.push({
        seq,
        resolve: (z) => {
          clearTimeout(timer);
          resolve(z);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  startPinger(everyMs: number): void {
    this.stopPinger();
    this.pinger = setInterval(() => {
      if (!this.closed) this.ping().catch(() => undefined);
    }, everyMs);
  }

  stopPinger(): void {
    if (this.pinger !== null) clearInterval(this.pinger);
    this.pinger = null;
  }

  waitClosed(timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.closeWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  destroy(): void {
    this.destroyedByUs = true;
    this.stopPinger();
    this.socket.destroy();
  }

  private onClose(): void {
    this.closed = true;
    this.closedByPeer = !this.destroyedByUs;
    this.stopPinger();
    const hw = this.handshakeWaiter;
    this.handshakeWaiter = null;
    hw?.({ kind: 'closed' });
    for (const p of this.pending.splice(0)) p.reject(new ConnectionLoss('connection closed'));
    for (const w of this.pingWaiters.splice(0)) w.reject(new ConnectionLoss('connection closed'));
    for (const w of this.closeWaiters.splice(0)) w();
  }

  private onFrame(f: Buffer): void {
    if (this.handshakeWaiter !== null) {
      const hw = this.handshakeWaiter;
      this.handshakeWaiter = null;
      hw({ kind: 'response', body: f });
      return;
    }
    if (f.length < 16) {
      this.onAnomaly(`reply frame of ${f.length} bytes (shorter than a ReplyHeader)`);
      this.socket.destroy();
      return;
    }
    const { value: h, bytesRead } = ReplyHeader.decodeWithLength(f);
    const rest = f.subarray(bytesRead);
    if (h.xid === -1) {
      try {
        this.onEvent(WatcherEvent.decode(rest), h.zxid);
      } catch (e) {
        this.onAnomaly(`undecodable event ${rest.toString('hex')}: ${(e as Error).message}`);
      }
      return;
    }
    if (h.xid === -2) {
      this.pingsAnswered++;
      this.lastPingZxid = h.zxid;
      const ready = this.pingWaiters.filter((w) => w.seq <= this.pingsAnswered);
      this.pingWaiters = this.pingWaiters.filter((w) => w.seq > this.pingsAnswered);
      for (const w of ready) w.resolve(this.lastPingZxid);
      return;
    }
    // Auth replies (-4) are answered inline and may overtake others; everything else is FIFO.
    const i = h.xid === -4 ? this.pending.findIndex((p) => p.xid === -4) : 0;
    const p = i >= 0 ? this.pending[i] : undefined;
    if (p === undefined || p.xid !== h.xid) {
      this.onAnomaly(`reply xid ${h.xid} out of order (expected ${p?.xid ?? 'none'})`);
      this.socket.destroy();
      return;
    }
    this.pending.splice(i, 1);
    const r = { xid: h.xid, zxid: h.zxid, err: h.err, body: rest };
    p.onReply(r);
    p.resolve(r);
  }
}

// ---------------------------------------------------------------------------------------------
// The runner

interface Watches {
  data: Set<string>;
  exist: Set<string>;
  child: Set<string>;
  persistent: Set<string>;
  recursive: Set<string>;
}

interface ClientState {
  name: string;
  conn: Conn | null;
  sessionId: bigint;
  passwd: Buffer;
  timeoutMs: number;
  requestedTimeoutMs: number;
  lastZxid: bigint;
  xid: number;
  auths: { scheme: string; data: string }[];
  watches: Watches;
  eventsSinceExpect: number;
  eventWaiters: (() => void)[];
  log: Entry[];
}

const newWatches = (): Watches => ({ data: new Set(), exist: new Set(), child: new Set(), persistent: new Set(), recursive: new Set() });

const AHEAD_ZXID = 0x7fff_0000_0000_0000n;
const EventType = { NodeCreated: 1, NodeDeleted: 2, NodeDataChanged: 3, NodeChildrenChanged: 4 } as const;

/** Sends a four-letter word and returns everything the server writes before closing. */
export function fourLetter(target: Target, word: string, timeoutMs = 5000): Promise<string> {
  return fourLetterWord(target.host, target.port, word, timeoutMs);
}

function decoderFor(op: string): JuteCodec<unknown> | null {
  const table: Record<string, JuteCodec<unknown> | null> = {
    create: CreateResponse,
    create2: Create2Response,
    createContainer: Create2Response,
    createTTL: Create2Response,
    exists: ExistsResponse,
    getData: GetDataResponse,
    setData: SetDataResponse,
    getACL: GetACLResponse,
    setACL: SetACLResponse,
    getChildren: GetChildrenResponse,
    getChildren2: GetChildren2Response,
    sync: SyncResponse,
    multi: MultiResponse,
    multiRead: MultiResponse,
    getEphemerals: GetEphemeralsResponse,
    getAllChildrenNumber: GetAllChildrenNumberResponse,
    whoAmI: WhoAmIResponse,
    addWatch: ErrorResponse,
    reconfig: GetDataResponse,
    sasl: SetSASLResponse,
  };
  return (table[op] as JuteCodec<unknown> | undefined) ?? null;
}

class Runner {
  readonly clients = new Map<string, ClientState>();
  readonly order: string[] = [];
  private stepNo = 0;

  constructor(
    private readonly target: Target,
    private readonly opts: Required<RunOptions>,
  ) {}

  client(name: string): ClientState {
    let c = this.clients.get(name);
    if (c === undefined) {
      c = {
        name,
        conn: null,
        sessionId: 0n,
        passwd: Buffer.alloc(16),
        timeoutMs: 0,
        requestedTimeoutMs: 10_000,
        lastZxid: 0n,
        xid: 1,
        auths: [],
        watches: newWatches(),
        eventsSinceExpect: 0,
        eventWaiters: [],
        log: [],
      };
      this.clients.set(name, c);
      this.order.push(name);
    }
    return c;
  }

  private mark(c: ClientState, what: string, extra: { unordered?: boolean } = {}): void {
    c.log.push({ kind: 'marker', step: this.stepNo, what, ...extra });
  }

  private openConn(c: ClientState): Conn {
    const conn: Conn = new Conn(
      this.target,
      (e, zxid) => {
        if (c.conn !== conn) return;
        c.log.push({ kind: 'event', type: e.type, state: e.state, path: e.path, zxid });
        this.forgetFiredWatch(c, e);
        c.eventsSinceExpect++;
        for (const w of c.eventWaiters.splice(0)) w();
      },
      (what) => c.log.push({ kind: 'anomaly', step: this.stepNo, what }),
    );
    return conn;
  }

  private forgetFiredWatch(c: ClientState, e: WatcherEvent): void {
    const p = e.path ?? '';
    const w = c.watches;
    if (e.type === EventType.NodeCreated || e.type === EventType.NodeDataChanged) {
      w.data.delete(p);
      w.exist.delete(p);
    } else if (e.type === EventType.NodeChildrenChanged) {
      w.child.delete(p);
    } else if (e.type === EventType.NodeDeleted) {
      w.data.delete(p);
      w.exist.delete(p);
      w.child.delete(p);
    }
  }

  /** Sends a request and records the reply (or the connection loss) in the client's log. */
  private async call(c: ClientState, op: string, req: string, type: number, body: Buffer | null, xid?: number): Promise<Entry & { kind: 'reply' }> {
    const id = xid ?? c.xid++;
    const lost = (): Entry & { kind: 'reply' } => {
      const entry: Entry & { kind: 'reply' } = { kind: 'reply', step: this.stepNo, op, req, xid: id, zxid: 0n, err: ErrCode.CONNECTIONLOSS };
      c.log.push(entry);
      return entry;
    };
    if (c.conn === null || c.conn.closed) return lost();
    // The entry is logged synchronously when the frame is read, so that it keeps its place among
    // the events that arrive in the same chunk.
    let entry: (Entry & { kind: 'reply' }) | null = null;
    const onReply = (r: RawReply) => {
      const e: Entry & { kind: 'reply' } = { kind: 'reply', step: this.stepNo, op, req, xid: r.xid, zxid: r.zxid, err: r.err };
      if (r.zxid > c.lastZxid) c.lastZxid = r.zxid;
      if (r.err === 0 && r.body.length > 0) {
        const codec = decoderFor(op);
        if (codec === null) {
          e.bodyHex = r.body.toString('hex');
        } else {
          try {
            const d = codec.decodeWithLength(r.body);
            e.body = d.value;
            if (d.bytesRead !== r.body.length) e.trailing = r.body.length - d.bytesRead;
          } catch (err) {
            e.decodeError = (err as Error).message;
            e.bodyHex = r.body.toString('hex');
          }
        }
      }
      c.log.push(e);
      entry = e;
    };
    const conn = c.conn;
    try {
      await conn.send(id, type, body, this.opts.replyTimeoutMs, onReply);
    } catch (e) {
      if (!(e instanceof ConnectionLoss)) {
        // No reply in time: recorded, and the connection dropped as a client would.
        c.log.push({ kind: 'anomaly', step: this.stepNo, what: `${op} ${req}: ${(e as Error).message}` });
        conn.destroy();
      }
      return lost();
    }
    return entry!;
  }

  private authPacket(a: { scheme: string; data: string }): Buffer {
    return AuthPacket.encode({ type: 0, scheme: a.scheme, auth: Buffer.from(a.data, 'utf8') });
  }

  private connectRequest(c: ClientState, step: { readOnly?: boolean; oldClient?: boolean; lastZxidSeen?: 'ahead' }, resume: boolean): Buffer {
    const req = ConnectRequest.encode({
      protocolVersion: 0,
      lastZxidSeen: step.lastZxidSeen === 'ahead' ? AHEAD_ZXID : resume ? c.lastZxid : 0n,
      timeOut: c.requestedTimeoutMs,
      sessionId: resume ? c.sessionId : 0n,
      passwd: resume ? c.passwd : Buffer.alloc(16),
      ...(step.oldClient ? {} : { readOnly: step.readOnly ?? false }),
    });
    return req;
  }

  /**
   * Opens a socket, sends the ConnectRequest followed (without waiting) by `pipelined` requests,
   * and records the outcome. Returns true if the session is established.
   */
  private async establish(
    c: ClientState,
    reconnect: boolean,
    req: Buffer,
    pipelined: { op: string; req: string; type: number; body: Buffer | null; xid: number }[],
  ): Promise<boolean> {
    // The outcome of the handshake is recorded before anything that arrives after it.
    const base = c.log.length;
    const conn = this.openConn(c);
    c.conn = conn;
    c.eventsSinceExpect = 0;
    const hs = conn.handshake(req, this.opts.replyTimeoutMs);
    const replies = pipelined.map((p) => this.call(c, p.op, p.req, p.type, p.body, p.xid));
    const outcome = await hs;
    if (outcome.kind !== 'response') {
      conn.destroy();
      await Promise.allSettled(replies);
      c.conn = null;
      c.log.splice(base, 0, { kind: 'connect-failed', step: this.stepNo, reconnect, outcome: outcome.kind });
      return false;
    }
    let resp;
    try {
      resp = ConnectResponse.decode(outcome.body);
    } catch (e) {
      c.log.push({ kind: 'anomaly', step: this.stepNo, what: `undecodable ConnectResponse ${outcome.body.toString('hex')}: ${(e as Error).message}` });
      conn.destroy();
      c.conn = null;
      return false;
    }
    if (resp.timeOut <= 0) {
      c.log.splice(base, 0, {
        kind: 'connect-failed',
        step: this.stepNo,
        reconnect,
        outcome: 'expired',
        respBytes: outcome.body.length,
        timeout: resp.timeOut,
        sessionId: resp.sessionId,
      });
      await conn.waitClosed(this.opts.closeTimeoutMs);
      await Promise.allSettled(replies);
      conn.destroy();
      c.conn = null;
      if (!conn.closedByPeer) this.mark(c, 'server left the connection open after refusing the session');
      return false;
    }
    const entry: Entry & { kind: 'connected' } = {
      kind: 'connected',
      step: this.stepNo,
      reconnect,
      sessionId: resp.sessionId,
      timeout: resp.timeOut,
      readOnly: resp.readOnly,
      respBytes: outcome.body.length,
      zxid: null,
    };
    c.log.splice(base, 0, entry);
    c.sessionId = resp.sessionId;
    c.passwd = Buffer.from(resp.passwd ?? Buffer.alloc(16));
    c.timeoutMs = resp.timeOut;
    conn.startPinger(Math.max(100, Math.floor(resp.timeOut / 3)));
    await Promise.allSettled(replies);
    try {
      entry.zxid = await conn.ping(this.opts.replyTimeoutMs);
    } catch {
      entry.zxid = null;
    }
    return true;
  }

  async run(script: Script): Promise<void> {
    for (const step of script.steps) {
      this.stepNo++;
      await this.exec(step);
    }
    // Flush: whatever the server still sends before a ping reply belongs to the transcript.
    for (const name of this.order) {
      const c = this.client(name);
      if (c.conn !== null && !c.conn.closed) {
        try {
          await c.conn.ping(this.opts.replyTimeoutMs);
        } catch {
          // recorded as a close below if the server closed it
        }
      }
    }
  }

  shutdown(): void {
    for (const c of this.clients.values()) c.conn?.destroy();
  }

  private watchesFor(c: ClientState): { v1: boolean; lists: Record<keyof Watches, string[]> } {
    const sorted = (s: Set<string>) => [...s].sort();
    const lists = {
      data: sorted(c.watches.data),
      exist: sorted(c.watches.exist),
      child: sorted(c.watches.child),
      persistent: sorted(c.watches.persistent),
      recursive: sorted(c.watches.recursive),
    };
    return { v1: lists.persistent.length === 0 && lists.recursive.length === 0, lists };
  }

  private setWatchesBody(v2: boolean, relativeZxid: bigint, l: Record<keyof Watches, string[]>): Buffer {
    return v2
      ? SetWatches2.encode({
          relativeZxid,
          dataWatches: l.data,
          existWatches: l.exist,
          childWatches: l.child,
          persistentWatches: l.persistent,
          persistentRecursiveWatches: l.recursive,
        })
      : SetWatches.encode({ relativeZxid, dataWatches: l.data, existWatches: l.exist, childWatches: l.child });
  }

  /**
   * Waits until the server has expired `c`'s session. With `dump` (the reference's 4lw) the session
   * must be gone from its session and ephemeral lists; a server without `dump` is watched through
   * its lastProcessedZxid instead (ping replies on another connection): expiry logs a closeSession
   * txn, and nothing else writes while the script waits.
   */
  private async waitExpired(c: ClientState): Promise<boolean> {
    const deadline = Date.now() + 2 * Math.max(c.timeoutMs, c.requestedTimeoutMs) + this.opts.expirySlackMs;
    const sleep = () => new Promise((r) => setTimeout(r, 100));
    const re = new RegExp(`0x${c.sessionId.toString(16)}(?![0-9a-fA-F])`);
    const dump = async (): Promise<string | null> => {
      try {
        const out = await fourLetter(this.target, 'dump');
        return out.includes('SessionTracker dump:') ? out : null;
      } catch {
        return null;
      }
    };
    if ((await dump()) !== null) {
      while (Date.now() < deadline) {
        const out = await dump();
        if (out !== null && !re.test(out)) return true;
        await sleep();
      }
      return false;
    }
    let probe: Conn | null = null;
    let temporary = false;
    for (const other of this.clients.values()) {
      if (other !== c && other.conn !== null && !other.conn.closed) {
        probe = other.conn;
        break;
      }
    }
    if (probe === null) {
      temporary = true;
      probe = new Conn(this.target, () => undefined, () => undefined);
      const req = ConnectRequest.encode({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false });
      if ((await probe.handshake(req, this.opts.replyTimeoutMs)).kind !== 'response') throw new Error(`step ${this.stepNo}: no probe session for wait-expired`);
    }
    try {
      const base = await probe.ping(this.opts.replyTimeoutMs);
      while (Date.now() < deadline) {
        if ((await probe.ping(this.opts.replyTimeoutMs)) > base) return true;
        await sleep();
      }
      return false;
    } finally {
      if (temporary) {
        await probe.send(1, OpCode.closeSession, null, this.opts.replyTimeoutMs).catch(() => undefined);
        probe.destroy();
      }
    }
  }

  private async exec(step: Step): Promise<void> {
    const c = this.client(step.client);
    switch (step.op) {
      case 'connect': {
        if (c.conn !== null && !c.conn.closed) throw new Error(`step ${this.stepNo}: ${c.name} is already connected`);
        c.sessionId = 0n;
        c.passwd = Buffer.alloc(16);
        c.lastZxid = 0n;
        c.auths = [];
        c.watches = newWatches();
        c.requestedTimeoutMs = step.timeoutMs ?? 10_000;
        if (step.resume !== undefined) {
          const other = this.clients.get(step.resume);
          if (other === undefined || other.sessionId === 0n) throw new Error(`step ${this.stepNo}: ${step.resume} has no session`);
          c.sessionId = other.sessionId;
          c.passwd = Buffer.from(other.passwd);
          if (step.badPassword) c.passwd[0] ^= 0xff;
          c.lastZxid = other.lastZxid;
          c.requestedTimeoutMs = other.requestedTimeoutMs;
        }
        const auths = step.auth ?? [];
        const ok = await this.establish(
          c,
          step.resume !== undefined,
          this.connectRequest(c, step, step.resume !== undefined),
          auths.map((a) => ({ op: 'auth', req: `${a.scheme} ${a.data}`, type: OpCode.auth, body: this.authPacket(a), xid: -4 })),
        );
        if (ok) c.auths = [...auths];
        return;
      }
      case 'reconnect': {
        if (c.sessionId === 0n) throw new Error(`step ${this.stepNo}: ${c.name} has no session to resume`);
        c.conn?.destroy();
        const pipelined: { op: string; req: string; type: number; body: Buffer | null; xid: number }[] = c.auths.map((a) => ({
          op: 'auth',
          req: `${a.scheme} ${a.data}`,
          type: OpCode.auth,
          body: this.authPacket(a),
          xid: -4,
        }));
        const { v1, lists } = this.watchesFor(c);
        const mode = step.watches ?? 'auto';
        const any = Object.values(lists).some((l) => l.length > 0);
        if (mode !== 'none' && any) {
          const v2 = mode === 'setWatches2' || (mode === 'auto' && !v1);
          const sent = v2 ? lists : { data: lists.data, exist: lists.exist, child: lists.child };
          pipelined.push({
            op: v2 ? 'setWatches2' : 'setWatches',
            req: `rel=last ${JSON.stringify(sent)}`,
            type: v2 ? OpCode.setWatches2 : OpCode.setWatches,
            body: this.setWatchesBody(v2, c.lastZxid, lists),
            xid: -8,
          });
        }
        if (step.pipeline === false) {
          const ok = await this.establish(c, true, this.connectRequest(c, {}, true), []);
          if (!ok) return;
          for (const p of pipelined) await this.call(c, p.op, p.req, p.type, p.body, p.xid);
        } else {
          await this.establish(c, true, this.connectRequest(c, {}, true), pipelined);
        }
        return;
      }
      case 'drop': {
        c.conn?.destroy();
        c.conn = null;
        this.mark(c, 'dropped the connection');
        return;
      }
      case 'stall': {
        c.conn?.stopPinger();
        this.mark(c, 'stopped pinging');
        return;
      }
      case 'wait-expired': {
        const gone = await this.waitExpired(c);
        this.mark(c, gone ? 'session expired' : 'TIMEOUT: the session did not expire');
        return;
      }
      case 'expect-events': {
        const deadline = Date.now() + this.opts.eventTimeoutMs;
        while (c.eventsSinceExpect < step.count && Date.now() < deadline && c.conn !== null && !c.conn.closed) {
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, Math.max(1, deadline - Date.now()));
            c.eventWaiters.push(() => {
              clearTimeout(t);
              resolve();
            });
          });
        }
        const got = c.eventsSinceExpect;
        if (c.conn !== null && !c.conn.closed) {
          try {
            await c.conn.ping(this.opts.replyTimeoutMs);
          } catch {
            // closed meanwhile
          }
        }
        const now = c.eventsSinceExpect;
        c.eventsSinceExpect = 0;
        this.mark(c, got >= step.count && now === step.count ? `${step.count} event(s)` : `EVENTS: expected ${step.count}, got ${now}`, {
          unordered: step.unordered ?? false,
        });
        return;
      }
      case 'expect-closed': {
        const closed = c.conn === null ? false : await c.conn.waitClosed(this.opts.closeTimeoutMs);
        this.mark(c, closed && c.conn?.closedByPeer ? 'closed by the server' : 'STILL OPEN: the server did not close the connection');
        c.conn?.destroy();
        c.conn = null;
        return;
      }
      case 'auth': {
        const r = await this.call(c, 'auth', `${step.scheme} ${step.data}`, OpCode.auth, this.authPacket(step), -4);
        if (r.err === 0) c.auths.push({ scheme: step.scheme, data: step.data });
        return;
      }
      case 'create':
      case 'create2':
      case 'createContainer':
      case 'createTTL': {
        const flags = step.flags !== undefined ? ` flags=${step.flags}` : '';
        const ttl = step.ttl !== undefined ? ` ttl=${step.ttl}` : '';
        const acl = step.acl !== undefined ? ` acl=${JSON.stringify(step.acl)}` : '';
        await this.call(c, step.op, `${step.path}${flags}${ttl}${acl}${describeData(step.data)}`, CREATE_OPS[step.op], encodeCreate(step.op, step));
        return;
      }
      case 'delete':
        await this.call(c, 'delete', `${step.path} v=${step.version ?? -1}`, OpCode.delete, DeleteRequest.encode({ path: step.path, version: step.version ?? -1 }));
        return;
      case 'exists':
      case 'getData':
      case 'getChildren':
      case 'getChildren2': {
        const watch = step.watch ?? false;
        const body = { path: step.path, watch };
        const enc = {
          exists: () => ExistsRequest.encode(body),
          getData: () => GetDataRequest.encode(body),
          getChildren: () => GetChildrenRequest.encode(body),
          getChildren2: () => GetChildren2Request.encode(body),
        }[step.op]();
        const r = await this.call(c, step.op, `${step.path}${watch ? ' watch' : ''}`, OpCode[step.op], enc);
        if (watch) {
          if (step.op === 'exists') {
            if (r.err === 0) c.watches.data.add(step.path);
            else if (r.err === ErrCode.NONODE) c.watches.exist.add(step.path);
          } else if (r.err === 0) {
            (step.op === 'getData' ? c.watches.data : c.watches.child).add(step.path);
          }
        }
        return;
      }
      case 'setData':
        await this.call(
          c,
          'setData',
          `${step.path} v=${step.version ?? -1}${describeData(step.data)}`,
          OpCode.setData,
          SetDataRequest.encode({ path: step.path, data: dataBytes(step.data), version: step.version ?? -1 }),
        );
        return;
      case 'getACL':
        await this.call(c, 'getACL', step.path, OpCode.getACL, GetACLRequest.encode({ path: step.path }));
        return;
      case 'setACL':
        await this.call(
          c,
          'setACL',
          `${step.path} v=${step.version ?? -1} acl=${JSON.stringify(step.acl)}`,
          OpCode.setACL,
          SetACLRequest.encode({ path: step.path, acl: parseAcl(step.acl), version: step.version ?? -1 }),
        );
        return;
      case 'sync':
        await this.call(c, 'sync', step.path, OpCode.sync, SyncRequest.encode({ path: step.path }));
        return;
      case 'multi':
      case 'multiRead': {
        const body = MultiOperationRecord.encode({ items: step.ops.map(multiItem), end: { type: -1, done: true, err: -1 } });
        await this.call(c, step.op, `[${step.ops.map(describeMulti).join('; ')}]`, OpCode[step.op], body);
        return;
      }
      case 'getEphemerals':
        await this.call(c, 'getEphemerals', JSON.stringify(step.prefix), OpCode.getEphemerals, GetEphemeralsRequest.encode({ prefixPath: step.prefix }));
        return;
      case 'getAllChildrenNumber':
        await this.call(c, 'getAllChildrenNumber', step.path, OpCode.getAllChildrenNumber, GetAllChildrenNumberRequest.encode({ path: step.path }));
        return;
      case 'whoAmI':
        await this.call(c, 'whoAmI', '', OpCode.whoAmI, null);
        return;
      case 'addWatch': {
        const mode = step.mode === 'persistent' ? 0 : step.mode === 'recursive' ? 1 : step.mode;
        const r = await this.call(c, 'addWatch', `${step.path} mode=${mode}`, OpCode.addWatch, AddWatchRequest.encode({ path: step.path, mode }));
        if (r.err === 0) (mode === 1 ? c.watches.recursive : c.watches.persistent).add(step.path);
        return;
      }
      case 'checkWatches':
      case 'removeWatches': {
        const type = watcherType(step.type);
        const codec = step.op === 'checkWatches' ? CheckWatchesRequest : RemoveWatchesRequest;
        const r = await this.call(c, step.op, `${step.path} type=${type}`, OpCode[step.op], codec.encode({ path: step.path, type }));
        if (step.op === 'removeWatches' && r.err === 0) {
          const w = c.watches;
          if (type === 1 || type === 3) w.child.delete(step.path);
          if (type === 2 || type === 3) {
            w.data.delete(step.path);
            w.exist.delete(step.path);
          }
          if (type === 3) {
            w.persistent.delete(step.path);
            w.recursive.delete(step.path);
          }
        }
        return;
      }
      case 'setWatches': {
        const lists = {
          data: step.data ?? [],
          exist: step.exist ?? [],
          child: step.child ?? [],
          persistent: step.persistent ?? [],
          recursive: step.recursive ?? [],
        };
        const v2 = step.v2 ?? (lists.persistent.length > 0 || lists.recursive.length > 0);
        const rel = step.relativeZxid === 'zero' ? 0n : c.lastZxid;
        const r = await this.call(
          c,
          v2 ? 'setWatches2' : 'setWatches',
          `rel=${step.relativeZxid ?? 'last'} ${JSON.stringify(v2 ? lists : { data: lists.data, exist: lists.exist, child: lists.child })}`,
          v2 ? OpCode.setWatches2 : OpCode.setWatches,
          this.setWatchesBody(v2, rel, lists),
          -8,
        );
        if (r.err === 0) for (const k of Object.keys(lists) as (keyof Watches)[]) for (const p of lists[k]) c.watches[k].add(p);
        return;
      }
      case 'closeSession': {
        await this.call(c, 'closeSession', '', OpCode.closeSession, null);
        const closed = c.conn === null ? false : await c.conn.waitClosed(this.opts.closeTimeoutMs);
        this.mark(c, closed ? 'connection closed after closeSession' : 'STILL OPEN after closeSession');
        c.conn?.destroy();
        c.conn = null;
        // The session id and password stay: a later 'reconnect' tries the closed session.
        c.watches = newWatches();
        c.auths = [];
        return;
      }
      case 'reconfig':
        await this.call(
          c,
          'reconfig',
          JSON.stringify({ joining: step.joining ?? null, leaving: step.leaving ?? null, newMembers: step.newMembers ?? null }),
          OpCode.reconfig,
          ReconfigRequest.encode({
            joiningServers: step.joining ?? null,
            leavingServers: step.leaving ?? null,
            newMembers: step.newMembers ?? null,
            curConfigId: BigInt(step.curConfigId ?? -1),
          }),
        );
        return;
      case 'raw': {
        // The reply is decoded as the opcode's usual response.
        const r = await this.call(c, opName(step.opcode), `opcode=${step.opcode} body=${step.body}`, step.opcode, step.body === '' ? null : Buffer.from(step.body, 'hex'));
        r.op = step.label ?? r.op;
        return;
      }
    }
  }
}

/** Runs `script` against `target`; resolves with everything each client received. */
export async function runScript(script: Script, target: Target, options: RunOptions = {}): Promise<Transcript> {
  const opts: Required<RunOptions> = {
    eventTimeoutMs: options.eventTimeoutMs ?? 5000,
    closeTimeoutMs: options.closeTimeoutMs ?? 5000,
    expirySlackMs: options.expirySlackMs ?? 15_000,
    replyTimeoutMs: options.replyTimeoutMs ?? 10_000,
  };
  const runner = new Runner(target, opts);
  for (const s of script.steps) runner.client(s.client);
  const startedAtMs = Date.now();
  try {
    await runner.run(script);
  } finally {
    runner.shutdown();
  }
  const logs: Record<string, Entry[]> = {};
  for (const name of runner.order) logs[name] = runner.client(name).log;
  return { script: script.name, clients: [...runner.order], logs, startedAtMs, finishedAtMs: Date.now(), steps: script.steps.length };
}

// ---------------------------------------------------------------------------------------------
// Normalization

export interface NormalizedTranscript {
  script: string;
  /** Per client, one rendered line per entry. */
  clients: Record<string, string[]>;
}

const ERR_NAMES = new Map<number, string>(Object.entries(ErrCode).map(([k, v]) => [v, k]));
const EVENT_NAMES = new Map<number, string>([
  [-1, 'None'],
  [1, 'NodeCreated'],
  [2, 'NodeDeleted'],
  [3, 'NodeDataChanged'],
  [4, 'NodeChildrenChanged'],
  [5, 'DataWatchRemoved'],
  [6, 'ChildWatchRemoved'],
  [7, 'PersistentWatchRemoved'],
]);
const errName = (e: number): string => ERR_NAMES.get(e) ?? `ERR(${e})`;

interface StatLike {
  czxid: bigint;
  mzxid: bigint;
  ctime: bigint;
  mtime: bigint;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: bigint;
  dataLength: number;
  numChildren: number;
  pzxid: bigint;
}

function isStat(v: unknown): v is StatLike {
  return typeof v === 'object' && v !== null && 'czxid' in v && 'mzxid' in v && 'pzxid' in v && 'ctime' in v;
}

function walkStats(v: unknown, f: (s: StatLike) => void): void {
  if (isStat(v)) return f(v);
  if (Array.isArray(v)) return v.forEach((x) => walkStats(x, f));
  if (typeof v === 'object' && v !== null && !Buffer.isBuffer(v)) for (const x of Object.values(v)) walkStats(x, f);
}

function renderData(b: Buffer | null): string {
  if (b === null) return 'null';
  const s = b.toString('utf8');
  // eslint-disable-next-line no-control-regex
  if (Buffer.from(s, 'utf8').equals(b) && !/[\u0000-\u0008\u000b-\u001f\u007f\ufffd]/.test(s)) {
    return s.length > 120 ? `${s.slice(0, 60)}…(${b.length} bytes sha1 ${createHash('sha1').update(b).digest('hex').slice(0, 12)})` : s;
  }
  return b.length > 64 ? `hex(${b.length} bytes sha1 ${createHash('sha1').update(b).digest('hex').slice(0, 12)})` : `hex:${b.toString('hex')}`;
}

class Normalizer {
  private readonly zxids = new Map<bigint, string>();
  private readonly sessionNames = new Map<bigint, string>();
  private readonly badTimes = new Set<bigint>();
  private readonly lo: bigint;
  private readonly hi: bigint;

  constructor(
    t: Transcript,
    private readonly sessions: Set<bigint>,
  ) {
    this.lo = BigInt(t.startedAtMs - 120_000);
    this.hi = BigInt(t.finishedAtMs + 120_000);
    // Each zxid is one txn with one time, and times do not go backwards as zxids grow.
    const timeOf = new Map<bigint, bigint>();
    for (const name of t.clients)
      for (const e of t.logs[name]!)
        if (e.kind === 'reply')
          walkStats(e.body, (s) => {
            for (const [z, tm] of [
              [s.czxid, s.ctime],
              [s.mzxid, s.mtime],
            ] as const) {
              if (z <= 0n) continue;
              const seen = timeOf.get(z);
              if (seen !== undefined && seen !== tm) this.badTimes.add(z);
              timeOf.set(z, tm);
            }
          });
    const byZxid = [...timeOf.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    for (let i = 1; i < byZxid.length; i++) if (byZxid[i]![1] < byZxid[i - 1]![1]) this.badTimes.add(byZxid[i]![0]);
  }

  zx(v: bigint): string {
    if (v === 0n || v === -1n) return String(v);
    let n = this.zxids.get(v);
    if (n === undefined) {
      n = `z${this.zxids.size + 1}`;
      this.zxids.set(v, n);
    }
    return n;
  }

  sess(v: bigint): string {
    if (v === 0n) return '0';
    if (!this.sessions.has(v)) return `0x${BigInt.asUintN(64, v).toString(16)}`;
    let n = this.sessionNames.get(v);
    if (n === undefined) {
      n = `S${this.sessionNames.size + 1}`;
      this.sessionNames.set(v, n);
    }
    return n;
  }

  time(v: bigint, zxid: bigint): string {
    if (v === 0n) return '0';
    if (v < this.lo || v > this.hi) return `T?${v}`;
    return this.badTimes.has(zxid) ? 'T!' : 'T';
  }

  stat(s: StatLike): string {
    return (
      `{cz=${this.zx(s.czxid)} mz=${this.zx(s.mzxid)} pz=${this.zx(s.pzxid)} ct=${this.time(s.ctime, s.czxid)} mt=${this.time(s.mtime, s.mzxid)}` +
      ` v=${s.version} cv=${s.cversion} av=${s.aversion} eo=${this.sess(s.ephemeralOwner)} dl=${s.dataLength} nc=${s.numChildren}}`
    );
  }

  value(v: unknown, key = ''): unknown {
    if (v === null || v === undefined) return v ?? null;
    if (Buffer.isBuffer(v)) return renderData(v);
    if (typeof v === 'bigint') return key === 'sessionId' || key === 'ephemeralOwner' ? this.sess(v) : String(v);
    if (isStat(v)) return this.stat(v);
    if (Array.isArray(v)) {
      const items = v.map((x) => this.value(x));
      // Child names, ephemerals and auth infos come from unordered sets on the server.
      if (key === 'children' || key === 'ephemerals' || key === 'clientInfo') return [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      return items;
    }
    if (typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'passwd') continue;
        out[k] = this.value(x, k);
      }
      return out;
    }
    return v;
  }

  body(op: string, body: unknown): string {
    if (body === undefined) return '';
    if ((op === 'multi' || op === 'multiRead') && typeof body === 'object' && body !== null && 'items' in body) {
      const m = body as { items: { header: { type: number; done: boolean; err: number }; body: unknown }[]; end: { type: number; done: boolean; err: number } };
      const items = m.items.map((i) => `${i.header.type}/${errName(i.header.err)}${i.body === null ? '' : ' ' + JSON.stringify(this.value(i.body))}`);
      return ` [${items.join('; ')}] end=${m.end.type}/${m.end.done}/${m.end.err}`;
    }
    return ' ' + JSON.stringify(this.value(body));
  }

  entry(e: Entry): string {
    switch (e.kind) {
      case 'reply': {
        let s = `#${e.step} ${e.op}${e.req ? ' ' + e.req : ''} -> ${errName(e.err)} @${this.zx(e.zxid)}`;
        if (e.xid < 0) s += ` xid=${e.xid}`;
        s += this.body(e.op, e.body);
        if (e.bodyHex !== undefined) s += ` body=hex:${e.bodyHex}`;
        if (e.trailing !== undefined) s += ` TRAILING ${e.trailing} bytes`;
        if (e.decodeError !== undefined) s += ` UNDECODABLE (${e.decodeError})`;
        return s;
      }
      case 'event':
        return `  event ${EVENT_NAMES.get(e.type) ?? e.type} ${e.path} state=${e.state} zxid=${this.zx(e.zxid)}`;
      case 'connected':
        return `#${e.step} ${e.reconnect ? 'reconnected' : 'connected'} ${this.sess(e.sessionId)} timeout=${e.timeout} readOnly=${e.readOnly} bytes=${e.respBytes} @${e.zxid === null ? 'none' : this.zx(e.zxid)}`;
      case 'connect-failed':
        return (
          `#${e.step} ${e.reconnect ? 'reconnect' : 'connect'} failed: ${e.outcome}` +
          (e.respBytes !== undefined ? ` (timeout=${e.timeout} session=${this.sess(e.sessionId ?? 0n)} bytes=${e.respBytes})` : '')
        );
      case 'marker':
        return `#${e.step} -- ${e.what}`;
      case 'anomaly':
        return `#${e.step} !! ${e.what}`;
    }
  }
}

/**
 * Renames zxids (z1, z2… in order of first appearance, walking the steps in script order; 0 and -1
 * kept), session ids (S1…, likewise; ephemeralOwner values equal to a session too) and times ('T',
 * checked for consistency with their zxids); drops passwords; sorts unordered lists.
 */
export function normalize(t: Transcript): NormalizedTranscript {
  const sessions = new Set<bigint>();
  for (const name of t.clients) for (const e of t.logs[name]!) if (e.kind === 'connected') sessions.add(e.sessionId);
  const n = new Normalizer(t, sessions);
  // Render in global step order (an event belongs to the step of the entry before it), so names
  // follow the script rather than the order of the clients.
  const order: { client: string; index: number; step: number; seq: number }[] = [];
  for (const name of t.clients) {
    let step = 0;
    t.logs[name]!.forEach((e, index) => {
      if (e.kind !== 'event') step = e.step;
      order.push({ client: name, index, step, seq: order.length });
    });
  }
  order.sort((a, b) => a.step - b.step || a.seq - b.seq);
  const rendered: Record<string, string[]> = {};
  for (const name of t.clients) rendered[name] = new Array<string>(t.logs[name]!.length);
  for (const o of order) rendered[o.client]![o.index] = n.entry(t.logs[o.client]![o.index]!);
  const clients: Record<string, string[]> = {};
  for (const name of t.clients) {
    const lines: string[] = [];
    t.logs[name]!.forEach((e, i) => {
      if (e.kind === 'marker' && e.unordered) {
        // Sort the run of events just before this marker.
        let j = lines.length;
        while (j > 0 && lines[j - 1]!.startsWith('  event ')) j--;
        const run = lines.splice(j).sort();
        lines.push(...run);
      }
      lines.push(rendered[name]![i]!);
    });
    clients[name] = lines;
  }
  return { script: t.script, clients };
}

/** Problems in a transcript that make it unusable as a reference (timeouts, anomalies). */
export function transcriptProblems(n: NormalizedTranscript): string[] {
  const out: string[] = [];
  for (const [name, lines] of Object.entries(n.clients))
    for (const l of lines) if (/ -- (TIMEOUT|EVENTS:|STILL OPEN)| !! |T\?|T!|TRAILING|UNDECODABLE/.test(l)) out.push(`${name}: ${l}`);
  return out;
}

/** Renders a normalized transcript for reading. */
export function renderTranscript(n: NormalizedTranscript): string {
  return Object.entries(n.clients)
    .map(([name, lines]) => `[${name}]\n${lines.map((l) => '  ' + l).join('\n')}`)
    .join('\n');
}

/** The first difference between two normalized transcripts, readable; null if they are equal. */
export function diffTranscripts(a: NormalizedTranscript, b: NormalizedTranscript, labels: [string, string] = ['a', 'b']): string | null {
  const names = [...new Set([...Object.keys(a.clients), ...Object.keys(b.clients)])];
  let best: { name: string; index: number; step: number } | null = null;
  const stepOf = (lines: string[], i: number): number => {
    for (let j = Math.min(i, lines.length - 1); j >= 0; j--) {
      const m = /^#(\d+) /.exec(lines[j]!);
      if (m) return Number(m[1]);
    }
    return 0;
  };
  for (const name of names) {
    const la = a.clients[name] ?? [];
    const lb = b.clients[name] ?? [];
    const len = Math.max(la.length, lb.length);
    for (let i = 0; i < len; i++) {
      if (la[i] !== lb[i]) {
        const step = Math.min(stepOf(la, i), stepOf(lb, i));
        if (best === null || step < best.step) best = { name, index: i, step };
        break;
      }
    }
  }
  if (best === null) return null;
  const la = a.clients[best.name] ?? [];
  const lb = b.clients[best.name] ?? [];
  const i = best.index;
  const context = (lines: string[]) =>
    lines
      .slice(Math.max(0, i - 4), i + 3)
      .map((l, k) => `${Math.max(0, i - 4) + k === i ? '>' : ' '} ${l}`)
      .join('\n');
  const w = Math.max(labels[0].length, labels[1].length);
  return (
    `script ${a.script}: client ${best.name} differs at entry ${i} (around step ${best.step}):\n` +
    `  ${labels[0].padEnd(w)}: ${la[i] ?? '<nothing>'}\n` +
    `  ${labels[1].padEnd(w)}: ${lb[i] ?? '<nothing>'}\n` +
    `--- ${labels[0]} (${best.name}) ---\n${context(la)}\n--- ${labels[1]} (${best.name}) ---\n${context(lb)}`
  );
}

/** Number of steps in a list of scripts. */
export function countSteps(scripts: readonly Script[]): number {
  return scripts.reduce((n, s) => n + s.steps.length, 0);
}
