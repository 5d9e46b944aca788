// Prep of ephemeral creates by a session the leader holds locally with upgrading off
// (PrepSessions.refusesEphemeral): the reference's LeaderRequestProcessor marks such a request with
// EphemeralOnLocalSession and validateCreateRequest throws it, so a plain create and the ephemeral
// op of a multi fail with -120, while a session merely not global (a learner's local session)
// fails checkGlobalSession with SESSIONEXPIRED. Persistent creates of the same session pass.

import test from 'ava';
import type { CreateRequest } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { RequestPreparer, type PrepSessions } from '../../src/server/prep';
import type { PrepOutcome } from '../../src/server/request';
import { DataTree } from '../../src/tree';
import { OPEN, createBody, errorOf, multiBody, subTxns, txnOf } from './prep-support';

const LEADER_LOCAL = 0x0300000000000001n;
const LEARNER_LOCAL = 0x0100000000000001n;

function preparer(): RequestPreparer {
  let zxid = 0n;
  const sessions: PrepSessions = {
    // Both are valid sessions; neither is global.
    isValid: (id) => id === LEADER_LOCAL || id === LEARNER_LOCAL,
    isValidGlobal: () => false,
    setClosing: () => undefined,
    refusesEphemeral: (id) => id === LEADER_LOCAL,
  };
  return new RequestPreparer({
    tree: new DataTree({ extendedTypesEnabled: false }),
    sessions,
    nextZxid: () => ++zxid,
    now: () => 1_700_000_000_000n,
    config: { extendedTypesEnabled: false, skipACL: false, enforceQuota: false },
  });
}

const op = (path: string, flags: number): CreateRequest => ({ path, data: null, acl: OPEN, flags });

function prepare(p: RequestPreparer, sessionId: bigint, type: number, body: Buffer): PrepOutcome {
  return p.prepare({ sessionId, cxid: 1, type, body, authInfo: [{ scheme: 'ip', id: '127.0.0.1' }] });
}

/** The error codes of a failed multi's sub-txns (ErrorTxn bodies). */
function multiErrors(out: PrepOutcome): number[] {
  return subTxns(out).map((s) => (s.type === OpCode.error ? (s.txn as { err: number }).err : 0));
}

test('a create of an ephemeral by a leader-local session fails with EPHEMERALONLOCALSESSION', (t) => {
  const p = preparer();
  t.is(errorOf(prepare(p, LEADER_LOCAL, OpCode.create, createBody('/e', { flags: 1 }))), ErrCode.EPHEMERALONLOCALSESSION);
  t.is(errorOf(prepare(p, LEADER_LOCAL, OpCode.create2, createBody('/s', { flags: 3 }))), ErrCode.EPHEMERALONLOCALSESSION, 'ephemeral sequential too');
  t.is(txnOf(prepare(p, LEADER_LOCAL, OpCode.create, createBody('/p'))).header.type, OpCode.create, 'a persistent create passes');
});

test('in a multi the ephemeral op fails with EPHEMERALONLOCALSESSION, the ops after it with RUNTIMEINCONSISTENCY', (t) => {
  const out = prepare(
    preparer(),
    LEADER_LOCAL,
    OpCode.multi,
    multiBody([
      [OpCode.create, op('/a', 0)],
      [OpCode.create, op('/a/e', 1)],
      [OpCode.create, op('/b', 0)],
    ]),
  );
  t.is(txnOf(out).header.type, OpCode.multi);
  t.deepEqual(multiErrors(out), [ErrCode.OK, ErrCode.EPHEMERALONLOCALSESSION, ErrCode.RUNTIMEINCONSISTENCY]);
});

test("a learner's local session (not marked) fails the ephemeral op with SESSIONEXPIRED", (t) => {
  const p = preparer();
  const out = prepare(p, LEARNER_LOCAL, OpCode.multi, multiBody([[OpCode.create, op('/e', 1)]]));
  t.deepEqual(multiErrors(out), [ErrCode.SESSIONEXPIRED]);
  t.is(errorOf(prepare(p, LEARNER_LOCAL, OpCode.create, createBody('/e', { flags: 1 }))), ErrCode.SESSIONEXPIRED);
});
