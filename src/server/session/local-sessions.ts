// Local sessions (zoo.cfg localSessionsEnabled / localSessionsUpgradingEnabled), as the
// reference's UpgradeableSessionTracker with its LocalSessionTracker.
//
// With local sessions on, a quorum member creates every new session itself: no createSession
// goes to the leader and no txn is logged, the member alone decides its expiry, and its
// closeSession stays on the member too. The id is numbered as any session of that member (high
// byte = myid). Reads and writes of a local session work anywhere the leader does not know the
// session: the leader accepts a session it has never heard of when another member numbered it.
// Only an ephemeral needs a global session (its owner must be known to every member when the
// session ends): the first ephemeral create upgrades the session, i.e. the member takes it out of
// its local tracker and sends an ordinary createSession (cxid 0, the session's timeout) ahead of
// the create. Without upgrading, that create fails with EPHEMERALONLOCALSESSION.

import { CreateRequest, MultiOperationRecord } from '../../protocol/generated';
import { OpCode } from '../../protocol/opcodes';
import type { PrepSessions } from '../prep/types';
import type { Request } from '../request';
import { serverIdOfSession } from './session-id';
import { SessionTracker, type SessionCheck } from './tracker';

export interface LocalSessionsOptions {
  tickTimeMs: number;
  /** myid: the high byte of the ids this member hands out. */
  serverId: number;
  nowMs: number;
  /** localSessionsUpgradingEnabled. */
  upgrading: boolean;
}

/** What an ephemeral create of a local session needs first (checkUpgradeSession). */
export type UpgradeNeed = 'none' | 'upgrade' | 'refuse';

export class LocalSessions {
  /** The local sessions and their expiry (the reference's LocalSessionTracker). */
  readonly tracker: SessionTracker;
  /** Sessions whose upgrade createSession has not been committed yet, with their timeouts. */
  private readonly upgrading = new Map<bigint, number>();
  readonly upgradingEnabled: boolean;

  constructor(o: LocalSessionsOptions) {
    this.tracker = new SessionTracker({ tickTimeMs: o.tickTimeMs, serverId: o.serverId, nowMs: o.nowMs });
    this.upgradingEnabled = o.upgrading;
  }

  /** local_sessions in mntr. */
  get size(): number {
    return this.tracker.size;
  }

  create(timeoutMs: number, nowMs: number): bigint {
    return this.tracker.create(timeoutMs, nowMs);
  }

  isLocal(sessionId: bigint): boolean {
    return this.tracker.isTracking(sessionId);
  }

  isUpgrading(sessionId: bigint): boolean {
    return this.upgrading.has(sessionId);
  }

  /** Client activity; false when the session is not one of ours (then it is global). */
  touch(sessionId: bigint, nowMs: number, timeoutMs: number): boolean {
    return this.tracker.touch(sessionId, nowMs, timeoutMs);
  }

  /**
   * Whether `req` (a create, create2 or multi of this local session) creates an ephemeral and so
   * needs the session upgraded first. Only plain creates count, as the reference's check: TTL and
   * container creates are never ephemeral. A body that does not decode needs nothing here; prep
   * answers it.
   */
  need(req: Request): UpgradeNeed {
    if (!this.isLocal(req.sessionId)) return 'none';
    if (req.type !== OpCode.create && req.type !== OpCode.create2 && req.type !== OpCode.multi) return 'none';
    let ephemeral = false;
    try {
      if (req.type === OpCode.multi) {
        for (const { header, body } of MultiOperationRecord.decode(req.body).items) {
          if ((header.type === OpCode.create || header.type === OpCode.create2) && isEphemeralFlag((body as CreateRequest).flags)) {
            ephemeral = true;
            break;
          }
        }
      } else {
        ephemeral = isEphemeralFlag(CreateRequest.decode(req.body).flags);
      }
    } catch {
      return 'none';
    }
    if (!ephemeral) return 'none';
    return this.upgradingEnabled ? 'upgrade' : 'refuse';
  }

  /**
   * UpgradeableSessionTracker.upgradeSession: the session leaves the local tracker and is marked
   * upgrading; returns its timeout, or null when it was not local (already upgraded).
   */
  upgrade(sessionId: bigint): number | null {
    const timeout = this.tracker.timeoutOf(sessionId);
    if (timeout === undefined) return null;
    this.tracker.remove(sessionId);
    this.upgrading.set(sessionId, timeout);
    return timeout;
  }

  /** The session's createSession was committed: it is global now. */
  committed(sessionId: bigint): void {
    this.tracker.remove(sessionId);
    this.upgrading.delete(sessionId);
  }

  remove(sessionId: bigint): void {
    this.tracker.remove(sessionId);
    this.upgrading.delete(sessionId);
  }

  /** Local sessions past their deadline (marked closing); the member closes them itself. */
  expired(nowMs: number): bigint[] {
    return this.tracker.expired(nowMs);
  }
}

/** CreateMode.isEphemeral: EPHEMERAL (1) and EPHEMERAL_SEQUENTIAL (3). */
function isEphemeralFlag(flags: number): boolean {
  return flags === 1 || flags === 3;
}

/**
 * The leader's prep view of sessions with local sessions on (LeaderSessionTracker): its own local
 * sessions first, then the global ones; a session neither knows is valid when another member
 * numbered it (that member's local session), and expired when it carries our own id. Ephemeral
 * creates look at global sessions only (checkGlobalSession).
 */
export function leaderPrepSessions(global: SessionTracker, local: LocalSessions, serverId: number): PrepSessions {
  const foreignLocal = (id: bigint): boolean => !global.isTracking(id) && !local.isLocal(id) && serverIdOfSession(id) !== serverId;
  return {
    isValid: (id) => local.tracker.isValid(id) || global.isValid(id) || foreignLocal(id),
    isValidGlobal: (id) => global.isValid(id),
    setClosing: (id) => {
      local.tracker.setClosing(id);
      global.setClosing(id);
    },
    checkOwner: (id, owner): SessionCheck => {
      if (local.isLocal(id)) return local.tracker.checkSession(id, owner);
      if (global.isTracking(id)) return global.checkSession(id, owner);
      return 'ok';
    },
    checkGlobalOwner: (id, owner): SessionCheck => global.checkSession(id, owner),
    setOwner: (id, owner) => (local.isLocal(id) ? local.tracker.setOwner(id, owner) : global.setOwner(id, owner)),
  };
}
