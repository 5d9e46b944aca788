// The session tracker (the reference's SessionTrackerImpl), as a pure state machine: the shell
// passes the time in and calls expired(now) on a timer; whatever it returns gets a closeSession.

import type { SessionView } from '../request';
import { ExpiryQueue, type ExpiryBucket } from './expiry-queue';
import { initialSessionId, nextSessionId } from './session-id';

export interface SessionTrackerOptions {
  /** Expiry buckets are this wide (the reference uses tickTime). */
  tickTimeMs: number;
  /** The high byte of generated ids (standalone: 1; quorum: myid). */
  serverId: number;
  /** Now, on the clock later calls use; the first expiry bucket is the next tick after it. */
  nowMs: number;
  /** The clock whose low 40 bits seed the ids; defaults to `nowMs`. */
  idClockMs?: number;
}

/** checkSession's verdict: 'unknown' (UNKNOWN_SESSION), 'expired' (closing), 'moved' (another owner). */
export type SessionCheck = 'ok' | 'unknown' | 'expired' | 'moved';

export interface SessionInfo {
  sessionId: bigint;
  timeoutMs: number;
  closing: boolean;
  expiresAtMs: number | undefined;
}

interface Session {
  readonly timeoutMs: number;
  closing: boolean;
  owner: unknown;
}

/**
 * The timeout a connect request gets: raised to `minMs`, then lowered to `maxMs` (in that order,
 * so a misconfigured min > max yields max).
 */
export function negotiateTimeout(requestedMs: number, minMs: number, maxMs: number): number {
  let t = requestedMs;
  if (t < minMs) t = minMs;
  if (t > maxMs) t = maxMs;
  return t;
}

export class SessionTracker implements SessionView {
  private readonly sessions = new Map<bigint, Session>();
  private readonly queue: ExpiryQueue<bigint>;
  private nextId: bigint;

  constructor(options: SessionTrackerOptions) {
    this.queue = new ExpiryQueue<bigint>(options.tickTimeMs, options.nowMs);
    this.nextId = initialSessionId(options.serverId, options.idClockMs ?? options.nowMs);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A new session with the next id, tracked from `now`. */
  create(timeoutMs: number, nowMs: number): bigint {
    const id = this.nextId;
    this.nextId = nextSessionId(id);
    this.add(id, timeoutMs, nowMs);
    return id;
  }

  /**
   * Tracks a session created elsewhere (restored from a snapshot, or created through another
   * server). Returns false if it was already tracked; either way its deadline moves to now + timeout.
   * A known session keeps its original timeout (the reference's trackSession).
   */
  add(sessionId: bigint, timeoutMs: number, nowMs: number): boolean {
    const known = this.sessions.has(sessionId);
    if (!known) this.sessions.set(sessionId, { timeoutMs, closing: false, owner: null });
    this.queue.update(sessionId, timeoutMs, nowMs);
    return !known;
  }

  /**
   * Any packet from the client: pushes the deadline to now + timeout. The reference passes the
   * connection's negotiated timeout, which after a reconnect may differ from the session's own;
   * omitted, the session's timeout is used. False for an unknown or closing session (the
   * reference then drops the connection).
   */
  touch(sessionId: bigint, nowMs: number, timeoutMs?: number): boolean {
    const s = this.sessions.get(sessionId);
    if (s === undefined || s.closing) return false;
    this.queue.update(sessionId, timeoutMs ?? s.timeoutMs, nowMs);
    return true;
  }

  /** Later requests of the session fail with SESSIONEXPIRED; it stays tracked until removed. */
  setClosing(sessionId: bigint): void {
    const s = this.sessions.get(sessionId);
    if (s !== undefined) s.closing = true;
  }

  isValid(sessionId: bigint): boolean {
    const s = this.sessions.get(sessionId);
    return s !== undefined && !s.closing;
  }

  isClosing(sessionId: bigint): boolean {
    return this.sessions.get(sessionId)?.closing === true;
  }

  isTracking(sessionId: bigint): boolean {
    return this.sessions.has(sessionId);
  }

  /** When the session's closeSession txn has been applied. */
  remove(sessionId: bigint): void {
    if (this.sessions.delete(sessionId)) this.queue.remove(sessionId);
  }

  /** The timeout the session was created with. */
  timeoutOf(sessionId: bigint): number | undefined {
    return this.sessions.get(sessionId)?.timeoutMs;
  }

  /**
   * The reference's checkSession: the first connection to use a session owns it; a request from a
   * different owner is SESSIONMOVED. `owner` is compared by identity.
   */
  checkSession(sessionId: bigint, owner: unknown): SessionCheck {
    const s = this.sessions.get(sessionId);
    if (s === undefined) return 'unknown';
    if (s.closing) return 'expired';
    if (s.owner === null) s.owner = owner;
    else if (s.owner !== owner) return 'moved';
    return 'ok';
  }

  /** checkSession under the name prep looks for (PrepSessions.checkOwner). */
  checkOwner(sessionId: bigint, owner: unknown): SessionCheck {
    return this.checkSession(sessionId, owner);
  }

  /** A revalidated session changes hands. False (SESSIONEXPIRED) if unknown or closing. */
  setOwner(sessionId: bigint, owner: unknown): boolean {
    const s = this.sessions.get(sessionId);
    if (s === undefined || s.closing) return false;
    s.owner = owner;
    return true;
  }

  /**
   * Sessions whose bucket is due at `now`, oldest bucket first. Each is marked closing here (as the
   * reference's expiry thread does before it submits the closeSession); they stay tracked until
   * remove(). A session already closing is still returned if its bucket comes due.
   */
  expired(nowMs: number): bigint[] {
    const due = this.queue.pollAll(nowMs);
    for (const id of due) this.setClosing(id);
    return due;
  }

  /** Milliseconds until the next bucket is due (0 if due now): when to call expired() next. */
  waitTimeMs(nowMs: number): number {
    return this.queue.waitTimeMs(nowMs);
  }

  /** Buckets by deadline for dump/cons, ascending, emptied ones included. */
  expiryBuckets(): ExpiryBucket<bigint>[] {
    return this.queue.dump();
  }

  sessionIds(): bigint[] {
    return [...this.sessions.keys()];
  }

  info(sessionId: bigint): SessionInfo | undefined {
    const s = this.sessions.get(sessionId);
    if (s === undefined) return undefined;
    return { sessionId, timeoutMs: s.timeoutMs, closing: s.closing, expiresAtMs: this.queue.deadline(sessionId) };
  }
}
