// The server's own periodic requests: session expiry (global and local) on every tick, and the
// reference's ContainerManager sweep. Split out of zk-server.ts, which only owns the timers:
// these decide which role may expire what and turn it into internal requests (no connection).

import { OpCode } from '../protocol/opcodes';
import { ttlOfEphemeralOwner } from '../tree';
import { dropLocalSession, submit } from './role-pipeline';
import type { ServerCore } from './server-core';

export function expireSessions(core: ServerCore): void {
  expireLocalSessions(core);
  // Only a standalone server or a leader expires sessions; learners report activity to it. A
  // read-only server expires the sessions it created (local: the closeSession writes nothing).
  const kind = core.role.kind;
  if (kind !== 'standalone' && kind !== 'leader' && kind !== 'read-only') return;
  for (const id of core.sessions.expired(Date.now())) {
    core.log.info('session expired', { sessionId: id });
    if (core.track) core.metrics.staleSessionsExpired.value++;
    core.sessions.setClosing(id);
    submit(core, null, { sessionId: id, cxid: 0, type: OpCode.closeSession, body: Buffer.alloc(0), authInfo: [] });
  }
}

/** Every serving member expires its own local sessions: nothing is logged, the connection closes. */
function expireLocalSessions(core: ServerCore): void {
  const local = core.local;
  if (local === null) return;
  for (const id of local.expired(Date.now())) {
    core.log.info('local session expired', { sessionId: id });
    if (core.track) core.metrics.staleSessionsExpired.value++;
    dropLocalSession(core, id);
    core.bySession.get(id)?.close('session expired', 'info');
  }
}

/**
 * The reference's ContainerManager: empty containers that ever had a child (stored cversion > 0,
 * or older than maxNeverUsedIntervalMs) and empty TTL nodes past their TTL since the last change
 * are deleted with internal deleteContainer requests (session 0, body = the raw path).
 */
export function checkContainers(core: ServerCore): void {
  if (core.role.kind !== 'standalone' && core.role.kind !== 'leader') return;
  const tree = core.db.tree;
  const now = BigInt(Date.now());
  const neverUsedMs = BigInt(core.options.containerMaxNeverUsedIntervalMs ?? 0);
  const candidates: string[] = [];
  for (const path of tree.containerPaths) {
    const n = tree.getNode(path);
    if (n === null || n.numChildren > 0) continue;
    if (n.stat.cversion > 0 || (neverUsedMs !== 0n && now - n.stat.mtime > neverUsedMs)) candidates.push(path);
  }
  for (const path of tree.ttlPaths) {
    const n = tree.getNode(path);
    if (n === null || n.numChildren > 0) continue;
    const ttl = ttlOfEphemeralOwner(n.stat.ephemeralOwner);
    if (ttl !== 0n && now - n.stat.mtime > ttl) candidates.push(path);
  }
  for (const path of candidates) {
    core.log.info('deleting candidate container', { path });
    submit(core, null, { sessionId: 0n, cxid: 0, type: OpCode.deleteContainer, body: Buffer.from(path, 'utf8'), authInfo: [] });
  }
}
