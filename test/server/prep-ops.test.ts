// Prep of delete, deleteContainer, setData, setACL, check, reconfig, createSession, reads and
// unknown opcodes: txn shapes, codes, what takes a zxid and what does not.

import test from 'ava';
import { ReconfigRequest } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { decodeTxn, encodeTxn } from '../../src/persistence/txn';
import { BOB, Harness, OPEN, SID, TIME, checkBody, deleteBody, errorOf, setACLBody, setDataBody, txnOf } from './prep-support';

const READ_ONLY = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
const BOB_ALL = [{ perms: 31, id: BOB }];
const NO_DELETE = [{ perms: 31 & ~8, id: { scheme: 'world', id: 'anyone' } }];

function setup(h: Harness): void {
  h.mkdirs('/a', '/a/b', '/leaf');
  h.apply(h.create('/ro', { acl: READ_ONLY }));
  h.apply(h.create('/nodel', { acl: NO_DELETE }));
  h.apply(h.create('/nodel/c'));
  h.apply(h.create('/bob', { acl: BOB_ALL }));
}

interface Case {
  name: string;
  type: number;
  body: Buffer;
  err: number;
  auth?: typeof BOB[];
}

const failures: Case[] = [
  { name: 'delete: missing node', type: OpCode.delete, body: deleteBody('/nope'), err: ErrCode.NONODE },
  { name: 'delete: missing parent', type: OpCode.delete, body: deleteBody('/x/y'), err: ErrCode.NONODE },
  { name: 'delete: wrong version', type: OpCode.delete, body: deleteBody('/leaf', 3), err: ErrCode.BADVERSION },
  { name: 'delete: children', type: OpCode.delete, body: deleteBody('/a'), err: ErrCode.NOTEMPTY },
  { name: 'delete: BADVERSION before NOTEMPTY', type: OpCode.delete, body: deleteBody('/a', 5), err: ErrCode.BADVERSION },
  { name: 'delete: no DELETE on the parent', type: OpCode.delete, body: deleteBody('/nodel/c'), err: ErrCode.NOAUTH },
  { name: 'delete: the root', type: OpCode.delete, body: deleteBody('/'), err: ErrCode.BADARGUMENTS },
  { name: 'delete: /zookeeper', type: OpCode.delete, body: deleteBody('/zookeeper'), err: ErrCode.BADARGUMENTS },
  { name: 'delete: /zookeeper/quota', type: OpCode.delete, body: deleteBody('/zookeeper/quota'), err: ErrCode.BADARGUMENTS },
  { name: 'delete: /zookeeper/config', type: OpCode.delete, body: deleteBody('/zookeeper/config'), err: ErrCode.BADARGUMENTS },
  { name: 'delete: no slash', type: OpCode.delete, body: deleteBody('leaf'), err: ErrCode.BADARGUMENTS },
  { name: 'delete: a null path', type: OpCode.delete, body: deleteBody(null), err: ErrCode.MARSHALLINGERROR },
  { name: 'delete: a truncated body', type: OpCode.delete, body: deleteBody('/leaf').subarray(0, 6), err: ErrCode.MARSHALLINGERROR },
  { name: 'setData: missing node', type: OpCode.setData, body: setDataBody('/nope', 'x'), err: ErrCode.NONODE },
  { name: 'setData: wrong version', type: OpCode.setData, body: setDataBody('/leaf', 'x', 1), err: ErrCode.BADVERSION },
  { name: 'setData: no WRITE', type: OpCode.setData, body: setDataBody('/ro', 'x'), err: ErrCode.NOAUTH },
  { name: 'setData: NOAUTH before BADVERSION', type: OpCode.setData, body: setDataBody('/ro', 'x', 9), err: ErrCode.NOAUTH },
  { name: 'setData: an invalid path', type: OpCode.setData, body: setDataBody('/leaf/', 'x'), err: ErrCode.BADARGUMENTS },
  { name: 'setData: a relative path', type: OpCode.setData, body: setDataBody('leaf', 'x'), err: ErrCode.BADARGUMENTS },
  { name: 'setData: a null path', type: OpCode.setData, body: setDataBody(null, 'x'), err: ErrCode.BADARGUMENTS },
  { name: 'setACL: no ADMIN', type: OpCode.setACL, body: setACLBody('/bob', OPEN), err: ErrCode.NOAUTH },
  { name: 'setACL: wrong aversion', type: OpCode.setACL, body: setACLBody('/leaf', OPEN, 2), err: ErrCode.BADVERSION },
  { name: 'setACL: an invalid ACL', type: OpCode.setACL, body: setACLBody('/leaf', []), err: ErrCode.INVALIDACL },
  { name: 'setACL: INVALIDACL before NONODE', type: OpCode.setACL, body: setACLBody('/nope', []), err: ErrCode.INVALIDACL },
  { name: 'setACL: missing node', type: OpCode.setACL, body: setACLBody('/nope', OPEN), err: ErrCode.NONODE },
  { name: 'setACL: auth with only an ip id', type: OpCode.setACL, body: setACLBody('/leaf', [{ perms: 31, id: { scheme: 'auth', id: '' } }]), err: ErrCode.INVALIDACL },
  { name: 'check: wrong version', type: OpCode.check, body: checkBody('/leaf', 4), err: ErrCode.BADVERSION },
  { name: 'check: missing node', type: OpCode.check, body: checkBody('/nope', -1), err: ErrCode.NONODE },
  { name: 'check: no READ', type: OpCode.check, body: checkBody('/bob', -1), err: ErrCode.NOAUTH },
  { name: 'check: a truncated body', type: OpCode.check, body: checkBody('/leaf', 0).subarray(0, 3), err: ErrCode.MARSHALLINGERROR },
  { name: 'createSession: a short body', type: OpCode.createSession, body: Buffer.alloc(2), err: ErrCode.MARSHALLINGERROR },
  { name: 'reconfig: disabled', type: OpCode.reconfig, body: ReconfigRequest.encode({ joiningServers: null, leavingServers: 'server.2', newMembers: null, curConfigId: -1n }), err: ErrCode.RECONFIGDISABLED },
];

for (const c of failures) {
  test(`${c.name} → ErrorTxn ${c.err}`, (t) => {
    const h = new Harness();
    setup(h);
    const zxid = h.zxid;
    const out = h.submit(c.type, c.body);
    t.is(errorOf(out), c.err);
    t.is(txnOf(out).header.zxid, zxid + 1n);
    t.is(h.prep.outstandingChanges, 0);
    const result = h.apply(out);
    t.is(result.err, c.err, 'the tree reports the error when applying');
  });
}

test('delete: DeleteTxn; the pending delete is seen by the next requests', (t) => {
  const h = new Harness();
  setup(h);
  const del = h.submit(OpCode.delete, deleteBody('/a/b', 0));
  t.deepEqual(txnOf(del).body, { type: OpCode.delete, txn: { path: '/a/b' } });
  const again = h.submit(OpCode.delete, deleteBody('/a/b'));
  t.is(errorOf(again), ErrCode.NONODE);
  const parent = h.submit(OpCode.delete, deleteBody('/a'));
  t.is(txnOf(parent).header.type, OpCode.delete, 'the parent lost its only child');
  for (const o of [del, again, parent]) h.apply(o);
  t.false(h.tree.has('/a'));
  t.is(h.prep.outstandingChanges, 0);
});

test('setData: the txn carries the new version; queued setData calls see each other', (t) => {
  const h = new Harness();
  setup(h);
  const first = h.submit(OpCode.setData, setDataBody('/leaf', 'one', 0));
  t.deepEqual(txnOf(first).body, { type: OpCode.setData, txn: { path: '/leaf', data: Buffer.from('one'), version: 1 } });
  const second = h.submit(OpCode.setData, setDataBody('/leaf', 'two', 1));
  t.like(txnOf(second).body.txn, { version: 2 });
  const stale = h.submit(OpCode.setData, setDataBody('/leaf', 'three', 1));
  t.is(errorOf(stale), ErrCode.BADVERSION);
  for (const o of [first, second, stale]) h.apply(o);
  const got = h.tree.getData('/leaf')!;
  t.is(got.data!.toString(), 'two');
  t.is(got.stat.version, 2);
  t.is(got.stat.mtime, TIME);
});

test('setACL: needs ADMIN, bumps aversion; queued requests still see the ACL it replaces (as the reference)', (t) => {
  const h = new Harness();
  setup(h);
  const acl = h.submit(OpCode.setACL, setACLBody('/leaf', READ_ONLY, 0));
  t.deepEqual(txnOf(acl).body, { type: OpCode.setACL, txn: { path: '/leaf', acl: READ_ONLY, version: 1 } });
  const write = h.submit(OpCode.setData, setDataBody('/leaf', 'x'));
  t.is(txnOf(write).header.type, OpCode.setData, 'the pending record keeps the old (open) ACL');
  t.is(errorOf(h.submit(OpCode.setACL, setACLBody('/leaf', OPEN, 0))), ErrCode.BADVERSION, 'but sees the new aversion');
  h.apply(acl);
  h.apply(write);
  h.prep.applied(h.zxid);
  t.is(errorOf(h.submit(OpCode.setData, setDataBody('/leaf', 'y'))), ErrCode.NOAUTH);
  const byBob = h.submit(OpCode.setACL, setACLBody('/bob', READ_ONLY), { auth: [BOB] });
  t.is(txnOf(byBob).header.type, OpCode.setACL);
  const bySuper = h.submit(OpCode.setACL, setACLBody('/bob', OPEN), { auth: [{ scheme: 'super', id: '' }] });
  t.is(txnOf(bySuper).header.type, OpCode.setACL);
});

test('skipACL lets every permission check pass', (t) => {
  const h = new Harness({ skipACL: true });
  setup(h);
  t.is(txnOf(h.submit(OpCode.setData, setDataBody('/ro', 'x'))).header.type, OpCode.setData);
  t.is(txnOf(h.submit(OpCode.setACL, setACLBody('/bob', OPEN))).header.type, OpCode.setACL);
});

test('a passing top-level check is answered OK without a txn or a zxid; a failing one is an ErrorTxn', (t) => {
  const h = new Harness();
  setup(h);
  const zxid = h.zxid;
  t.deepEqual(h.submit(OpCode.check, checkBody('/leaf', 0)), { kind: 'reject', err: ErrCode.OK, close: false });
  t.deepEqual(h.submit(OpCode.check, checkBody('/leaf', -1)), { kind: 'reject', err: ErrCode.OK, close: false });
  t.is(h.zxid, zxid, 'no zxid taken');
  const failed = h.submit(OpCode.check, checkBody('/leaf', 1));
  t.is(errorOf(failed), ErrCode.BADVERSION);
  t.is(txnOf(failed).header.zxid, zxid + 1n);
  h.closing.add(SID);
  t.is(errorOf(h.submit(OpCode.check, checkBody('/leaf', 0))), ErrCode.SESSIONEXPIRED);
});

test('deleteContainer: internal (session 0), raw UTF-8 path, no ACL check; NOTEMPTY, BADVERSION for ephemerals; a client gets BADARGUMENTS', (t) => {
  const h = new Harness();
  h.apply(h.create('/c', { type: OpCode.createContainer, flags: 4, acl: READ_ONLY }));
  h.apply(h.create('/full', { type: OpCode.createContainer, flags: 4 }));
  h.apply(h.create('/full/x'));
  h.apply(h.create('/eph', { flags: 1 }));
  const internal = { session: 0n, cxid: 0, auth: [] };
  const out = h.submit(OpCode.deleteContainer, Buffer.from('/c'), internal);
  t.deepEqual(txnOf(out).header, { clientId: 0n, cxid: 0, zxid: h.zxid, time: TIME, type: OpCode.deleteContainer });
  t.deepEqual(txnOf(out).body.txn, { path: '/c' });
  t.is(errorOf(h.submit(OpCode.deleteContainer, Buffer.from('/c'), internal)), ErrCode.NONODE);
  t.is(errorOf(h.submit(OpCode.deleteContainer, Buffer.from('/full'), internal)), ErrCode.NOTEMPTY);
  t.is(errorOf(h.submit(OpCode.deleteContainer, Buffer.from('/eph'), internal)), ErrCode.BADVERSION);
  t.is(errorOf(h.submit(OpCode.deleteContainer, Buffer.from('/zookeeper'), internal)), ErrCode.BADARGUMENTS);
  t.is(errorOf(h.submit(OpCode.deleteContainer, Buffer.from('/full/x'))), ErrCode.BADARGUMENTS);
  h.apply(out);
  t.false(h.tree.has('/c'));
});

test('createSession: CreateSessionTxn with the 4-byte timeout; no session check', (t) => {
  const h = new Harness();
  const body = Buffer.alloc(4);
  body.writeInt32BE(30000);
  const out = h.submit(OpCode.createSession, body, { session: 0x55n, cxid: 0 });
  t.deepEqual(txnOf(out).header, { clientId: 0x55n, cxid: 0, zxid: 1n, time: TIME, type: OpCode.createSession });
  t.deepEqual(txnOf(out).body.txn, { timeOut: 30000 });
});

test('reads and pings only check the session; an invalid one is answered with its code', (t) => {
  const h = new Harness();
  for (const type of [OpCode.getData, OpCode.exists, OpCode.getChildren2, OpCode.sync, OpCode.ping, OpCode.multiRead, OpCode.whoAmI, OpCode.setWatches2, OpCode.addWatch]) {
    t.deepEqual(h.submit(type, Buffer.alloc(0)), { kind: 'read' });
  }
  t.deepEqual(h.submit(OpCode.getData, Buffer.alloc(0), { session: 77n }), { kind: 'reject', err: ErrCode.UNKNOWNSESSION, close: false });
  h.closing.add(SID);
  t.deepEqual(h.submit(OpCode.sync, Buffer.alloc(0)), { kind: 'reject', err: ErrCode.SESSIONEXPIRED, close: false });
  t.is(h.zxid, 0n);
});

test('opcodes the reference does not accept are UNIMPLEMENTED and close the connection', (t) => {
  const h = new Harness();
  for (const type of [999, 10, OpCode.auth, OpCode.sasl, OpCode.error, OpCode.notification]) {
    t.deepEqual(h.submit(type, Buffer.alloc(0)), { kind: 'reject', err: ErrCode.UNIMPLEMENTED, close: true });
  }
  t.is(h.zxid, 0n);
});

test('reconfig: a body that does not decode fails MARSHALLINGERROR with no txn; enabled on standalone → UNIMPLEMENTED', (t) => {
  const h = new Harness();
  t.deepEqual(h.submit(OpCode.reconfig, Buffer.alloc(3)), { kind: 'reject', err: ErrCode.MARSHALLINGERROR, close: false });
  t.is(h.zxid, 0n);
  const enabled = new Harness({ reconfigEnabled: true });
  const body = ReconfigRequest.encode({ joiningServers: null, leavingServers: null, newMembers: null, curConfigId: -1n });
  t.is(errorOf(enabled.submit(OpCode.reconfig, body)), ErrCode.UNIMPLEMENTED);
  enabled.closing.add(SID);
  t.is(errorOf(enabled.submit(OpCode.reconfig, body)), ErrCode.SESSIONEXPIRED);
});

test('every txn the preparer emits survives the log encoding unchanged', (t) => {
  const h = new Harness();
  setup(h);
  const outs = [
    h.create('/n', { data: 'd' }),
    h.submit(OpCode.setData, setDataBody('/n', null)),
    h.submit(OpCode.setACL, setACLBody('/n', READ_ONLY)),
    h.submit(OpCode.delete, deleteBody('/n', 9)),
    h.submit(OpCode.closeSession, Buffer.alloc(0)),
  ];
  for (const o of outs) {
    const txn = txnOf(o);
    t.deepEqual(decodeTxn(encodeTxn(txn)), txn);
  }
});
