// Prep of multi: sub-txns under one zxid, ops seeing earlier ops, the failed-multi shape, rollback
// of change records, 3.8.0's sub-op types, and multis that fail as a whole.

import test from 'ava';
import type { CreateRequest } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { Harness, OPEN, errorOf, multiBody, subTxns, txnOf } from './prep-support';

const create = (path: string, flags = 0, data: string | null = null): CreateRequest => ({ path, data: data === null ? null : Buffer.from(data), acl: OPEN, flags });

test('a successful multi: one txn, one zxid, sub-txns in order; sequential names see earlier ops', (t) => {
  const h = new Harness();
  h.mkdirs('/p');
  const out = h.submit(
    OpCode.multi,
    multiBody([
      [OpCode.create, create('/p/s-', 2)],
      [OpCode.create, create('/p/s-', 2)],
      [OpCode.setData, { path: '/p', data: Buffer.from('x'), version: 0 }],
      [OpCode.check, { path: '/p', version: 1 }],
      [OpCode.delete, { path: '/p/s-0000000000', version: 0 }],
    ]),
  );
  const txn = txnOf(out);
  t.is(txn.header.type, OpCode.multi);
  t.is(txn.header.zxid, 2n);
  t.deepEqual(
    subTxns(out).map((s) => s.type),
    [OpCode.create, OpCode.create, OpCode.setData, OpCode.check, OpCode.delete],
  );
  t.like(subTxns(out)[0]!.txn, { path: '/p/s-0000000000', parentCVersion: 1 });
  t.like(subTxns(out)[1]!.txn, { path: '/p/s-0000000001', parentCVersion: 2 });
  t.deepEqual(subTxns(out)[2]!.txn, { path: '/p', data: Buffer.from('x'), version: 1 });
  t.deepEqual(subTxns(out)[3]!.txn, { path: '/p', version: 2 }, 'check carries version + 1');
  const r = h.apply(out);
  t.deepEqual(
    r.multi!.map((m) => m.err),
    [0, 0, 0, 0, 0],
  );
  t.deepEqual(h.tree.getChildren('/p')!.children, ['s-0000000001']);
  t.is(h.tree.getNode('/p/s-0000000001')!.stat.czxid, 2n);
});

test('a failed multi: real sub-txns before the failure, ErrorTxn(code), then ErrorTxn(-2); nothing applies', (t) => {
  const h = new Harness();
  h.mkdirs('/x');
  const out = h.submit(
    OpCode.multi,
    multiBody([
      [OpCode.create, create('/a')],
      [OpCode.create, create('/a/b')],
      [OpCode.create, create('/x')],
      [OpCode.setData, { path: '/x', data: null, version: -1 }],
      [OpCode.delete, { path: '/nope', version: -1 }],
    ]),
  );
  t.is(txnOf(out).header.type, OpCode.multi, 'the multi itself is not an error txn');
  const subs = subTxns(out);
  t.deepEqual(
    subs.map((s) => s.type),
    [OpCode.create, OpCode.create, OpCode.error, OpCode.error, OpCode.error],
  );
  t.deepEqual(
    subs.slice(2).map((s) => s.txn),
    [{ err: ErrCode.NODEEXISTS }, { err: ErrCode.RUNTIMEINCONSISTENCY }, { err: ErrCode.RUNTIMEINCONSISTENCY }],
  );
  t.is(h.prep.outstandingChanges, 0, 'the records of /a and /a/b were rolled back');
  t.is(txnOf(h.create('/a')).header.type, OpCode.create, 'so /a can be created right away');
  const r = h.apply(out);
  t.deepEqual(
    r.multi!.map((m) => m.err),
    [0, 0, ErrCode.NODEEXISTS, ErrCode.RUNTIMEINCONSISTENCY, ErrCode.RUNTIMEINCONSISTENCY],
  );
  t.false(h.tree.has('/a'));
});

test('rollback restores the records outstanding before the multi', (t) => {
  const h = new Harness();
  const p = h.create('/p');
  const bump = h.submit(OpCode.multi, multiBody([[OpCode.setData, { path: '/p', data: null, version: 0 }], [OpCode.check, { path: '/p', version: 0 }]]));
  t.deepEqual(
    subTxns(bump).map((s) => s.txn),
    [{ path: '/p', data: null, version: 1 }, { err: ErrCode.BADVERSION }],
  );
  // The pending create of /p (version 0) is what the next request sees again.
  const set = h.submit(OpCode.multi, multiBody([[OpCode.setData, { path: '/p', data: null, version: 0 }]]));
  t.deepEqual(subTxns(set)[0]!.txn, { path: '/p', data: null, version: 1 });
  for (const o of [p, bump, set]) h.apply(o);
  t.is(h.tree.getNode('/p')!.stat.version, 1);
});

test('3.8.0 sub-op types: create2 becomes create; container flags give createContainer', (t) => {
  const h = new Harness();
  const out = h.submit(
    OpCode.multi,
    multiBody([
      [OpCode.create2, create('/a')],
      [OpCode.create, create('/c', 4)],
      [OpCode.createContainer, create('/d', 0)],
    ]),
  );
  t.deepEqual(
    subTxns(out).map((s) => s.type),
    [OpCode.create, OpCode.createContainer, OpCode.create],
  );
});

test('createTTL in a multi: needs TTL flags and a CreateTTLRequest; other flags make it a plain create', (t) => {
  const h = new Harness({ extendedTypesEnabled: true });
  const ok = h.submit(
    OpCode.multi,
    multiBody([
      [OpCode.createTTL, { path: '/t', data: null, acl: OPEN, flags: 5, ttl: 1000n }],
      [OpCode.createTTL, { path: '/u', data: null, acl: OPEN, flags: 0, ttl: 1000n }],
    ]),
  );
  t.deepEqual(
    subTxns(ok).map((s) => s.type),
    [OpCode.createTTL, OpCode.create],
  );
  t.like(subTxns(ok)[0]!.txn, { path: '/t', ttl: 1000n });
  // TTL flags under a create header: the reference fails its cast, and the whole multi.
  const cast = h.submit(OpCode.multi, multiBody([[OpCode.create, create('/v')], [OpCode.create, create('/w', 5)]]));
  t.is(errorOf(cast), ErrCode.MARSHALLINGERROR);
  t.is(h.prep.outstandingChanges, 4, 'only the first multi left records');
});

test('multis that fail as a whole: unreadable, read ops mixed in; an empty multi is an empty MultiTxn', (t) => {
  const h = new Harness();
  const good = multiBody([[OpCode.create, create('/a')]]);
  t.is(errorOf(h.submit(OpCode.multi, good.subarray(0, good.length - 3))), ErrCode.MARSHALLINGERROR);
  t.is(errorOf(h.submit(OpCode.multi, multiBody([[OpCode.create, create('/a')], [OpCode.getData, { path: '/a', watch: false }]]))), ErrCode.MARSHALLINGERROR);
  t.is(errorOf(h.submit(OpCode.multi, multiBody([[OpCode.getChildren, { path: '/', watch: false }]]))), ErrCode.MARSHALLINGERROR);
  const empty = h.submit(OpCode.multi, multiBody([]));
  t.deepEqual(txnOf(empty).body, { type: OpCode.multi, txn: { txns: [] } });
  t.is(h.zxid, 4n);
});

test('a null path in a multi fails with no txn and no zxid', (t) => {
  const h = new Harness();
  const out = h.submit(OpCode.multi, multiBody([[OpCode.delete, { path: null, version: -1 }]]));
  t.deepEqual(out, { kind: 'reject', err: ErrCode.MARSHALLINGERROR, close: false });
  t.is(h.zxid, 0n);
});

test('a multi from a closing session fails at its first op with SESSIONEXPIRED', (t) => {
  const h = new Harness();
  h.closing.add(h.request(0, Buffer.alloc(0)).sessionId);
  const out = h.submit(OpCode.multi, multiBody([[OpCode.create, create('/a')], [OpCode.create, create('/b')]]));
  t.deepEqual(
    subTxns(out).map((s) => s.txn),
    [{ err: ErrCode.SESSIONEXPIRED }, { err: ErrCode.RUNTIMEINCONSISTENCY }],
  );
});
