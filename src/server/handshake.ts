// A connection's handshake: the ConnectRequest becomes a new session (global through the
// pipeline, or local), a reopened one (checked here, or revalidated by the leader on a learner),
// or a refusal (not serving, read-only rules, a newer zxid, a bad password); and the `auth`
// packet adds ids to the connection. Split out of zk-server.ts: this is what changes with the
// session rules of a role, not with how requests are ordered (role-pipeline.ts).

import { ConnectResponse, type ConnectRequest } from '../protocol/generated';
import { ErrCode, OpCode } from '../protocol/opcodes';
import { REPLY_HEADER_BYTES } from '../metrics/server-hooks';
import { authenticate, javaAuthInfoOrder } from './auth';
import type { ClientConnection } from './connection';
import { readOnlyClientRefusal, readOnlyReconnectRefusal } from './read-only';
import { submit } from './role-pipeline';
import type { ServerCore } from './server-core';
import { LOCAL_OWNER, sessionPassword } from './session';

const AUTH_XID = -4;

export function connectRequest(core: ServerCore, conn: ClientConnection, req: ConnectRequest, readOnlyPresent: boolean): void {
  core.stats.packetsReceived++;
  if (core.track) {
    // The frame: length prefix, protocolVersion, lastZxidSeen, timeOut, sessionId, passwd, readOnly.
    core.metrics.bytesReceivedCount.value += 4 + 4 + 8 + 4 + 8 + 4 + (req.passwd?.length ?? 0) + (readOnlyPresent ? 1 : 0);
    core.metrics.connectionRequestCount.value++;
  }
  if (!core.serving) {
    // A quorum member between roles (electing, syncing): the client must try another server.
    if (core.track) core.metrics.cnxnClosedWithoutZkServerRunning.value++;
    conn.close('ZooKeeperServer not running', 'info');
    return;
  }
  const roRefusal = core.role.kind === 'read-only' ? readOnlyClientRefusal(req) : null;
  if (roRefusal !== null) {
    conn.close(roRefusal, 'info');
    return;
  }
  if (req.lastZxidSeen > core.db.lastProcessedZxid) {
    // The client has seen a newer state than ours: it must try another server.
    conn.close(`client has seen zxid 0x${req.lastZxidSeen.toString(16)}, ours is 0x${core.db.lastProcessedZxid.toString(16)}`, 'info');
    return;
  }
  const tick = core.options.tickTimeMs;
  const min = core.options.minSessionTimeoutMs ?? 2 * tick;
  const max = core.options.maxSessionTimeoutMs ?? 20 * tick;
  const timeout = Math.min(Math.max(req.timeOut, min), max);
  if (req.sessionId === 0n && core.local !== null) {
    createLocalSession(core, conn, timeout, readOnlyPresent);
    return;
  }
  if (req.sessionId === 0n) {
    const id = core.sessions.create(timeout, Date.now());
    conn.timeoutMs = timeout;
    core.bySession.set(id, conn);
    conn.sessionId = id;
    const body = Buffer.allocUnsafe(4);
    body.writeInt32BE(timeout, 0);
    submit(core, conn, { sessionId: id, cxid: 0, type: OpCode.createSession, body, authInfo: conn.authInfo, owner: LOCAL_OWNER }, {
      onDone: () => finishSessionInit(core, conn, id, timeout, readOnlyPresent, true),
    });
    return;
  }
  const roReconnect = core.role.kind === 'read-only' ? readOnlyReconnectRefusal(req.sessionId, core.db.sessions) : null;
  if (roReconnect !== null) {
    conn.close(roReconnect, 'info');
    return;
  }
  // As 3.8, the session's current connection is closed before the password is even checked.
  const prior = core.bySession.get(req.sessionId);
  if (prior !== undefined && prior !== conn) prior.close('session moved to a new connection', 'info');
  if (core.local?.isLocal(req.sessionId) === true) {
    reopenLocalSession(core, conn, req, timeout, readOnlyPresent);
    return;
  }
  const role = core.role;
  if (role.kind === 'follower' || role.kind === 'observer') {
    // Only the leader knows whether a session is alive (LearnerZooKeeperServer.revalidateSession).
    if (req.passwd === null || !req.passwd.equals(sessionPassword(req.sessionId))) {
      finishSessionInit(core, conn, req.sessionId, 0, readOnlyPresent, false);
      return;
    }
    core.revalidations.get(req.sessionId)?.conn.close('session moved to a new connection', 'info');
    core.revalidations.set(req.sessionId, { conn, timeoutMs: timeout, readOnlyPresent });
    role.link.revalidate(req.sessionId, timeout);
    return;
  }
  const valid = core.sessions.isValid(req.sessionId) && req.passwd !== null && req.passwd.equals(sessionPassword(req.sessionId));
  if (valid) {
    // As the reference, a reconnect runs on the newly negotiated timeout.
    conn.timeoutMs = timeout;
    core.sessions.touch(req.sessionId, Date.now(), timeout);
    // LeaderZooKeeperServer.revalidateSession: the leader's own clients now own the session.
    if (role.kind === 'leader') core.sessions.setOwner(req.sessionId, LOCAL_OWNER);
    core.bySession.set(req.sessionId, conn);
    finishSessionInit(core, conn, req.sessionId, timeout, readOnlyPresent, true);
  } else {
    finishSessionInit(core, conn, req.sessionId, 0, readOnlyPresent, false);
  }
}

/** Learner: the leader's answer to a reconnect's REVALIDATE. */
export function sessionRevalidated(core: ServerCore, sessionId: bigint, valid: boolean): void {
  const r = core.revalidations.get(sessionId);
  if (r === undefined) return;
  core.revalidations.delete(sessionId);
  if (!r.conn.isOpen) return;
  if (valid) {
    r.conn.timeoutMs = r.timeoutMs;
    core.sessions.add(sessionId, r.timeoutMs, Date.now());
    core.bySession.set(sessionId, r.conn);
  }
  finishSessionInit(core, r.conn, sessionId, r.timeoutMs, r.readOnlyPresent, valid);
}

function finishSessionInit(core: ServerCore, conn: ClientConnection, id: bigint, timeout: number, readOnlyPresent: boolean, valid: boolean): void {
  const res = ConnectResponse.encode({
    protocolVersion: 0,
    timeOut: valid ? timeout : 0,
    sessionId: valid ? id : 0n,
    passwd: valid ? sessionPassword(id) : Buffer.alloc(16),
    // Only a read-only server says true (ZooKeeperServer.finishSessionInit).
    ...(readOnlyPresent ? { readOnly: core.role.kind === 'read-only' } : {}),
  });
  core.stats.packetsSent++;
  conn.sendFrame(res);
  if (!valid) {
    conn.close('session expired or password mismatch', 'info');
    return;
  }
  conn.established(id);
}

// ---- local sessions (localSessionsEnabled; session/local-sessions.ts) ----

/** A new session numbered and tracked here; no createSession goes to the leader, nothing is logged. */
function createLocalSession(core: ServerCore, conn: ClientConnection, timeout: number, readOnlyPresent: boolean): void {
  const id = core.local!.create(timeout, Date.now());
  core.local!.tracker.setOwner(id, LOCAL_OWNER);
  conn.timeoutMs = timeout;
  conn.sessionId = id;
  core.bySession.set(id, conn);
  core.log.info('local session created', { sessionId: id });
  finishSessionInit(core, conn, id, timeout, readOnlyPresent, true);
}

/** A reconnect with one of our local sessions is answered here (LearnerZooKeeperServer.revalidateSession). */
function reopenLocalSession(core: ServerCore, conn: ClientConnection, req: ConnectRequest, timeout: number, readOnlyPresent: boolean): void {
  const ok = req.passwd !== null && req.passwd.equals(sessionPassword(req.sessionId)) && core.local!.touch(req.sessionId, Date.now(), timeout);
  if (ok) {
    conn.timeoutMs = timeout;
    core.bySession.set(req.sessionId, conn);
  }
  finishSessionInit(core, conn, req.sessionId, ok ? timeout : 0, readOnlyPresent, ok);
}

/** The `auth` packet: its ids join the connection's, or the connection is refused and closed. */
export function handleAuth(core: ServerCore, conn: ClientConnection, body: Buffer): void {
  const r = authenticate(body, { remoteAddress: conn.remoteAddress, superDigest: core.options.superDigest });
  if (r.ok) {
    for (const id of r.ids) if (!conn.authInfo.some((x) => x.scheme === id.scheme && x.id === id.id)) conn.authInfo.push(id);
    conn.orderedAuthInfo = javaAuthInfoOrder(conn.authInfo);
    if (core.track) core.metrics.responseSent(REPLY_HEADER_BYTES);
    conn.sendReply(AUTH_XID, 0n, 0, null);
  } else if (r.reason === 'malformed') {
    conn.close('malformed auth packet');
  } else {
    core.authFailed++;
    if (core.track) core.metrics.responseSent(REPLY_HEADER_BYTES);
    conn.sendReply(AUTH_XID, 0n, ErrCode.AUTHFAILED, null);
    conn.close(`authentication failed (${r.reason})`, 'info');
  }
}
