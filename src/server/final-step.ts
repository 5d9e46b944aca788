// The last step of every request, whatever the role: apply its txn, send the watch events, then
// the reply (or close the connection); count the bytes and latencies the four-letter words and
// metrics report. Split out of zk-server.ts: this is what changes when a reply's shape or the
// reference's FinalRequestProcessor bookkeeping changes, not when a role's ordering does.

import type { LoggedTxn } from '../persistence/txn';
import { ErrCode, OpCode } from '../protocol/opcodes';
import { Perms } from '../tree';
import { lastOpName } from '../fourletter';
import { REPLY_HEADER_BYTES, eventBytes, recordApplied, recordRead, recordWatchTrigger } from '../metrics/server-hooks';
import { checkACL } from './acl';
import type { ClientConnection } from './connection';
import { replyForRead, replyForTxn } from './final';
import type { PrepOutcome, Request } from './request';
import type { ServerCore } from './server-core';
import { isSessionMovedTxn } from './session';

export const PING_XID = -2;

export interface SubmitHooks {
  /** createSession: the session exists (its txn applied); answer the ConnectRequest. */
  onDone?: () => void;
  /** A learner's request on the leader: it is answered through the committed txn, never here. */
  fromLearner?: boolean;
  /**
   * The request failed before prep with this code (a local session's ephemeral create without
   * upgrading): its ErrorTxn carries it on the leader, and the client gets it on any member.
   */
  failWith?: number;
}

export function finishRequest(
  core: ServerCore,
  conn: ClientConnection | null,
  req: Request,
  outcome: PrepOutcome,
  txn: LoggedTxn | null,
  hooks: SubmitHooks,
): void {
  if (txn !== null) {
    finishTxn(core, conn, req, txn, hooks);
    return;
  }
  if (conn === null) return;
  if (outcome.kind === 'reject') {
    if (outcome.err === ErrCode.SESSIONMOVED) {
      // A read through a server that no longer owns the session: closed without a reply, as a write.
      conn.close('session moved to another server', 'info');
      return;
    }
    // UnimplementedRequestProcessor answers with the request's zxid, which is -1 for a non-txn.
    if (outcome.err === ErrCode.UNIMPLEMENTED) {
      if (core.track) core.metrics.responseSent(REPLY_HEADER_BYTES);
      conn.sendReply(req.cxid, -1n, outcome.err, null);
    } else sendReply(core, conn, req.cxid, outcome.err, null);
    if (outcome.close) conn.close(`request type ${req.type} rejected (${outcome.err})`);
    return;
  }
  switch (req.type) {
    case OpCode.ping:
      sendReply(core, conn, PING_XID, 0, null);
      return;
    case OpCode.setWatches:
    case OpCode.setWatches2:
    {
      const out = core.watches.setWatchesFromRequest(req.type, req.body, conn, core.db.tree);
      for (const ev of out.events) {
        if (core.track) notified(core, eventBytes(ev.path));
        conn.sendEvent(ev.type, ev.path);
      }
      // The reply echoes the request's xid, as FinalRequestProcessor: the 3.8 Java client
      // renumbers its SetWatches packet (-8) with an ordinary xid when it writes it, and drops
      // the connection ("Xid out of order") if the reply carries -8 instead.
      sendReply(core, conn, req.cxid, out.err, null);
      return;
    }
    default: {
      const reply = replyForRead(core.finalEnv, req, { watcher: conn });
      if (core.track && reply.err === 0) recordRead(core.metrics, req.type, req.body, reply.body);
      sendReply(core, conn, req.cxid, reply.err, reply.body);
    }
  }
}

/** A txn's turn: into the tree, its watch events out, then its client's answer. */
function finishTxn(core: ServerCore, conn: ClientConnection | null, req: Request, txn: LoggedTxn, hooks: SubmitHooks): void {
  const result = core.db.apply(txn);
  core.prep.applied(txn.header.zxid);
  if (core.track) recordApplied(core.metrics, core.db.tree, txn, Date.now(), result, req.body, req.type);
  const skipACL = core.options.skipACL ?? false;
  for (const t of result.triggers) {
    const deliveries = core.watches.trigger(t);
    if (deliveries.length === 0) continue;
    if (core.track) recordWatchTrigger(core.metrics, t.type, deliveries.length);
    const bytes = core.track ? eventBytes(deliveries[0]!.event.path) : 0;
    for (const { watcher, event } of deliveries) {
      // A watcher without READ on the node does not get the event (its one-shot watch is spent).
      if (!checkACL(t.acl ?? null, Perms.READ, watcher.authInfo, { skipACL })) continue;
      core.stats.packetsSent++;
      if (core.track) notified(core, bytes);
      watcher.sendEvent(event.type, event.path);
    }
  }
  if (req.type === OpCode.closeSession) {
    core.sessions.remove(req.sessionId);
    core.local?.remove(req.sessionId);
    const owner = core.bySession.get(req.sessionId);
    if (conn === null) {
      owner?.close('session expired', 'info');
      return;
    }
  }
  if (req.type === OpCode.createSession) {
    // A local session's upgrade is done: it is global now.
    core.local?.committed(req.sessionId);
    hooks.onDone?.();
    return;
  }
  if (conn === null) return;
  if (isSessionMovedTxn(txn)) {
    // FinalRequestProcessor (ZOOKEEPER-710): the client has moved on; no reply, the connection closes.
    conn.close('session moved to another server', 'info');
    return;
  }
  if (hooks.failWith !== undefined && txn.body.type === OpCode.error) {
    // A learner: the leader logged its own refusal; the client gets the member's reason.
    sendReply(core, conn, req.cxid, hooks.failWith, null);
    return;
  }
  const reply = replyForTxn(req, result, txn.body.type === OpCode.reconfig ? txn.body.txn.data : undefined);
  sendReply(core, conn, req.cxid, reply.err, reply.body);
  if (req.type === OpCode.closeSession) conn.close('client closed the session', 'debug');
}

export function sendReply(core: ServerCore, conn: ClientConnection, xid: number, err: number, body: Buffer | null): void {
  core.stats.packetsSent++;
  if (core.track) {
    const m = core.metrics;
    const bytes = REPLY_HEADER_BYTES + (body === null ? 0 : body.length);
    m.responseSent(bytes);
    // FinalRequestProcessor counts every reply but the ping's; a reply to a connection that
    // closed meanwhile is stale.
    if (xid !== PING_XID) m.responseBytes.value += bytes;
    if (!conn.isOpen) m.staleReplies.value++;
  }
  conn.sendReply(xid, core.db.lastProcessedZxid, err, body);
}

/** A watch notification of `bytes` (header and event) went out. */
function notified(core: ServerCore, bytes: number): void {
  core.metrics.watchBytes.value += bytes;
  core.metrics.responseSent(bytes);
}

export function recordLatency(core: ServerCore, started: number, conn: ClientConnection | null, req: Request, isTxn: boolean): void {
  // As FinalRequestProcessor: requests without a connection (session expiry, container
  // deletion) update no server statistics.
  if (conn === null) return;
  const now = Date.now();
  const ms = now - started;
  // ServerCnxn.updateStatsForResponse: the connection's last operation and its latencies.
  const c = core.connectionStats(conn);
  if (req.cxid >= 0) c.lastCxid = req.cxid;
  c.lastZxid = core.db.lastProcessedZxid;
  c.lastOp = lastOpName(req.type);
  c.lastResponseMs = now;
  c.lastLatencyMs = ms;
  if (c.minLatencyMs < 0 || ms < c.minLatencyMs) c.minLatencyMs = ms;
  if (ms > c.maxLatencyMs) c.maxLatencyMs = ms;
  c.count++;
  c.totalLatencyMs += ms;
  if (core.track) (isTxn ? core.metrics.updateLatency : core.metrics.readLatency).add(ms);
  const s = core.stats;
  if (s.latencyCount === 0 || ms < s.latencyMinMs) s.latencyMinMs = ms;
  if (ms > s.latencyMaxMs) s.latencyMaxMs = ms;
  s.latencyTotalMs += ms;
  s.latencyCount++;
}
