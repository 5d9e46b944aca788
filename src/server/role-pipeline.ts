// How a request becomes ready to finish, per role. One global order in every role, like the
// reference's chains (Prep -> Sync -> Final): standalone prepares and logs with group commit; a
// leader prepares and proposes to Zab, finishing on commit; a follower or observer forwards
// writes and sync to the leader and finishes on the committed txn; a read-only server refuses
// writes. Split out of zk-server.ts: this is what changes when a role's ordering changes. The
// finish itself is final-step.ts; the shared state is server-core.ts.

import type { LoggedTxn } from '../persistence/txn';
import { ErrCode, OpCode } from '../protocol/opcodes';
import type { ClientConnection } from './connection';
import { finishRequest, recordLatency, sendReply, type SubmitHooks } from './final-step';
import { FORWARDED_TYPES, LOCAL_TYPES, type TxnWait } from './learner-waits';
import { NOT_READ_ONLY, readOnlyGate, readOnlyOutcome } from './read-only';
import type { PrepOutcome, Request } from './request';
import type { LearnerLink } from './roles';
import type { ServerCore } from './server-core';
import { learnerOwner } from './session';
import type { LearnerRequest } from '../quorum/zab/payloads';

const NO_BODY = Buffer.alloc(0);

export function submit(core: ServerCore, conn: ClientConnection | null, req: Request, hooks: SubmitHooks = {}): void {
  if (core.local !== null && conn !== null) {
    const local = submitLocal(core, conn, req);
    if (local === 'handled') return;
    if (local === 'refuse') hooks = { ...hooks, failWith: ErrCode.EPHEMERALONLOCALSESSION };
  }
  const role = core.role;
  if (role.kind === 'read-only') {
    submitReadOnly(core, conn, req, hooks);
    return;
  }
  if (role.kind === 'follower' || role.kind === 'observer') {
    submitToLeader(core, conn, req, hooks, role.link);
    return;
  }
  const started = Date.now();
  let outcome = core.prep.prepare(req);
  // A learner waits for a committed txn for everything it forwards: a refusal becomes an ErrorTxn.
  if (hooks.fromLearner === true && outcome.kind !== 'txn') outcome = learnerErrorTxn(core, req, outcome);
  if (hooks.failWith !== undefined && outcome.kind === 'txn' && outcome.txn.body.type === OpCode.error) outcome.txn.body.txn.err = hooks.failWith;
  const txn: LoggedTxn | null = outcome.kind === 'txn' ? outcome.txn : null;
  // A leader's txns are logged by Zab (its own ACK), not here.
  const leader = role.kind === 'leader' ? role.link : null;
  let durable: Promise<void> | null;
  if (core.track) {
    // PrepRequestProcessor's timings, for the requests zkts's prep turns into txns: the prep
    // itself, then handing the txn to the log. A read only passes through (no clock read).
    const m = core.metrics;
    m.prepProcessorRequestQueued.value++;
    if (txn !== null) {
      const prepped = Date.now();
      m.prepProcessTime.add(prepped - started);
      if (req.type === OpCode.closeSession) m.closeSessionPrepTime.add(prepped - started);
      durable = leader === null ? core.db.append(txn) : null;
      m.syncProcessorRequestQueued.value++;
      m.proposalProcessTime.add(Date.now() - prepped);
    } else {
      durable = null;
    }
  } else {
    durable = txn === null || leader !== null ? null : core.db.append(txn);
  }
  // In arrival order, once durable (pipeline.ts); a read with nothing ahead runs right here.
  const done = core.admit(conn);
  const step = (): void => {
    finishRequest(core, conn, req, outcome, txn, hooks);
    recordLatency(core, started, conn, req, txn !== null);
    done();
  };
  const fail = (e: unknown): void => {
    core.fatal(e);
    done();
  };
  if (txn !== null && leader !== null) {
    // Runs when the quorum has it (committed), in order with everything around it.
    core.commits.set(txn.header.zxid, core.pipeline.pushGated(step, fail));
    leader.propose(txn);
  } else {
    core.pipeline.push(durable, step, fail);
  }
}

/**
 * A follower's or observer's request: writes, sync and session changes go to the leader and are
 * answered when the committed txn (or SYNC) comes back; reads are answered here, in order.
 */
function submitToLeader(core: ServerCore, conn: ClientConnection | null, req: Request, hooks: SubmitHooks, link: LearnerLink): void {
  const started = Date.now();
  const done = core.admit(conn);
  const fail = (e: unknown): void => {
    core.fatal(e);
    done();
  };
  if (!FORWARDED_TYPES.has(req.type)) {
    // Not a known request type: UnimplementedRequestProcessor, as everywhere.
    const outcome: PrepOutcome = LOCAL_TYPES.has(req.type) ? { kind: 'read' } : { kind: 'reject', err: ErrCode.UNIMPLEMENTED, close: true };
    const step = (): void => {
      finishRequest(core, conn, req, outcome, null, hooks);
      recordLatency(core, started, conn, req, false);
      done();
    };
    core.pipeline.push(null, step, fail);
    return;
  }
  if (req.type === OpCode.sync) {
    const step = (): void => {
      finishRequest(core, conn, req, { kind: 'read' }, null, hooks);
      recordLatency(core, started, conn, req, false);
      done();
    };
    core.learnerWaits.add({ kind: 'sync', open: core.pipeline.pushGated(step, fail) });
  } else {
    let wait: TxnWait | null = null;
    const step = (): void => {
      const txn = wait!.txn!;
      finishRequest(core, conn, req, { kind: 'txn', txn }, txn, hooks);
      recordLatency(core, started, conn, req, true);
      done();
    };
    wait = { kind: 'txn', sessionId: req.sessionId, cxid: req.cxid, txn: null, open: core.pipeline.pushGated(step, fail) };
    core.learnerWaits.add(wait);
  }
  // createSession carries no auth ids (ZooKeeperServer.createSession builds it without them).
  const authinfo = req.type === OpCode.createSession ? null : [...req.authInfo];
  link.forward({ sessionId: req.sessionId, cxid: req.cxid, opType: req.type, body: req.body, authinfo });
}

/**
 * A read-only server's request (src/server/read-only.ts): writes and sync get NOTREADONLY, the
 * session's create/close happen here only, the rest is read; all answered in arrival order.
 */
function submitReadOnly(core: ServerCore, conn: ClientConnection | null, req: Request, hooks: SubmitHooks): void {
  const started = Date.now();
  const gate = readOnlyGate(req.type);
  const outcome = gate === 'refuse' ? NOT_READ_ONLY : gate === 'pass' ? readOnlyOutcome(core.prep.prepare(req)) : null;
  const done = core.admit(conn);
  const step = (): void => {
    if (outcome !== null) finishRequest(core, conn, req, outcome, null, hooks);
    else if (req.type === OpCode.createSession) hooks.onDone?.();
    else closeReadOnlySession(core, conn, req);
    recordLatency(core, started, conn, req, false);
    done();
  };
  core.pipeline.push(null, step, (e) => {
    core.fatal(e);
    done();
  });
}

/** closeSession of a session only this (read-only) server knows: no txn, the connection closes. */
function closeReadOnlySession(core: ServerCore, conn: ClientConnection | null, req: Request): void {
  core.sessions.remove(req.sessionId);
  const owner = core.bySession.get(req.sessionId);
  if (conn === null) {
    owner?.close('session expired', 'info');
    return;
  }
  sendReply(core, conn, req.cxid, ErrCode.OK, null);
  conn.close('client closed the session', 'debug');
}

/** What prep refused (no txn) for a learner's request still needs a committed answer. */
function learnerErrorTxn(core: ServerCore, req: Request, outcome: PrepOutcome): PrepOutcome {
  const err = outcome.kind === 'reject' ? outcome.err : ErrCode.UNIMPLEMENTED;
  return {
    kind: 'txn',
    txn: {
      header: { clientId: req.sessionId, cxid: req.cxid, zxid: core.nextZxid(), time: BigInt(Date.now()), type: OpCode.error },
      body: { type: OpCode.error, txn: { err } },
      digest: null,
    },
  };
}

/**
 * A client request of a local session that needs more than the usual path: its closeSession
 * stays here ('handled'); an ephemeral create first upgrades the session (a createSession ahead
 * of it), or, when upgrading is off, goes on to fail with EPHEMERALONLOCALSESSION ('refuse': as
 * the reference, it is still prepared, and logged as an ErrorTxn). A multi is not singled out:
 * its ephemeral op fails in prep (checkGlobalSession), as a forwarded multi does in the reference.
 */
function submitLocal(core: ServerCore, conn: ClientConnection, req: Request): 'handled' | 'go' | 'refuse' {
  const local = core.local!;
  if (!local.isLocal(req.sessionId)) return 'go';
  if (req.type === OpCode.closeSession) {
    inOrder(core, conn, req, () => {
      dropLocalSession(core, req.sessionId);
      sendReply(core, conn, req.cxid, ErrCode.OK, null);
      conn.close('client closed the session', 'debug');
    });
    return 'handled';
  }
  const need = local.need(req);
  if (need === 'refuse') return req.type === OpCode.multi ? 'go' : 'refuse';
  if (need === 'upgrade') {
    const timeout = local.upgrade(req.sessionId)!;
    core.log.info('upgrading local session to global', { sessionId: req.sessionId });
    // The leader tracks it as global from here (its prep's trackSession); a learner forwards it.
    if (core.role.kind === 'leader') core.sessions.add(req.sessionId, timeout, Date.now());
    const body = Buffer.allocUnsafe(4);
    body.writeInt32BE(timeout, 0);
    // No owner: the first request that uses it claims it, as the reference's owner-less upgrade.
    submit(core, null, { sessionId: req.sessionId, cxid: 0, type: OpCode.createSession, body, authInfo: [], owner: null });
  }
  return 'go';
}

/** Runs `step` for a request answered on this server, in order with everything before it. */
function inOrder(core: ServerCore, conn: ClientConnection, req: Request, step: () => void): void {
  const started = Date.now();
  const done = core.admit(conn);
  core.pipeline.push(
    null,
    () => {
      step();
      recordLatency(core, started, conn, req, false);
      done();
    },
    (e) => {
      core.fatal(e);
      done();
    },
  );
}

export function dropLocalSession(core: ServerCore, sessionId: bigint): void {
  core.local?.remove(sessionId);
  core.log.info('local session closed', { sessionId });
}

// ---- what the quorum hands the pipelines (called through ZkServer by src/quorum/peer) ----

/**
 * A txn the quorum committed, in zxid order. A leader runs the step that proposed it; a learner
 * answers its own client's request or, for another server's client, applies it in turn. While
 * syncing (not serving) it goes straight into the tree.
 */
export function committed(core: ServerCore, txn: LoggedTxn): void {
  const role = core.role;
  if (role.kind === 'leader') {
    const open = core.commits.get(txn.header.zxid);
    if (open !== undefined) {
      core.commits.delete(txn.header.zxid);
      open();
      return;
    }
  } else if (role.kind === 'follower' || role.kind === 'observer') {
    const wait = core.learnerWaits.takeTxn(txn);
    if (wait !== null) {
      wait.txn = txn;
      wait.open();
      return;
    }
    // Everything still queued here waits for one of our own writes, which comes after this txn.
    const req: Request = { sessionId: txn.header.clientId, cxid: txn.header.cxid, type: txn.header.type, body: NO_BODY, authInfo: [] };
    finishRequest(core, null, req, { kind: 'txn', txn }, txn, {});
    return;
  }
  core.db.apply(txn);
}

/** Leader: a learner forwarded a client request (REQUEST), with that client's auth ids. */
export function learnerRequest(core: ServerCore, sid: bigint, r: LearnerRequest): void {
  if (core.role.kind !== 'leader') return;
  if (r.opType === OpCode.createSession && r.body.length >= 4) {
    // PrepRequestProcessor tracks a learner's new session before it is committed.
    core.sessions.add(r.sessionId, r.body.readInt32BE(0), Date.now());
    core.sessions.setOwner(r.sessionId, learnerOwner(sid));
  }
  const owner = learnerOwner(sid);
  submit(core, null, { sessionId: r.sessionId, cxid: r.cxid, type: r.opType, body: r.body, authInfo: r.authinfo ?? [], owner }, { fromLearner: true });
}
