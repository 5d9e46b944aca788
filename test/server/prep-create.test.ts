// Prep of create / create2 / createContainer / createTTL: txn shapes, the reference's check order
// and codes, sequence numbers through outstanding changes, quotas.

import test from 'ava';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { sequenceSuffix } from '../../src/server/prep';
import { CONTAINER_EPHEMERAL_OWNER, ttlToEphemeralOwner } from '../../src/tree';
import { BOB, Harness, OPEN, SID, TIME, createBody, createTTLBody, deleteBody, errorOf, setDataBody, txnOf } from './prep-support';

test('create: header from the request, zxid and clock; CreateTxn carries the fixed-up ACL and parentCVersion', (t) => {
  const h = new Harness();
  const out = h.create('/a', { data: 'hi', cxid: 7 });
  const txn = txnOf(out);
  t.deepEqual(txn.header, { clientId: SID, cxid: 7, zxid: 1n, time: TIME, type: OpCode.create });
  t.deepEqual(txn.body, { type: OpCode.create, txn: { path: '/a', data: Buffer.from('hi'), acl: OPEN, ephemeral: false, parentCVersion: 1 } });
  t.is(txn.digest, null);
  t.is(h.apply(out).err, 0);
  t.is(h.tree.getData('/a')!.data!.toString(), 'hi');
});

test('create2, createContainer and createTTL log their own txn types; owners follow the flags', (t) => {
  const h = new Harness({ extendedTypesEnabled: true });
  const c2 = txnOf(h.create('/c2', { type: OpCode.create2, flags: 1 }));
  t.is(c2.header.type, OpCode.create2);
  t.like(c2.body.txn, { path: '/c2', ephemeral: true });
  const cc = txnOf(h.create('/cc', { type: OpCode.createContainer, flags: 4 }));
  t.is(cc.body.type, OpCode.createContainer);
  const ttl = txnOf(h.submit(OpCode.createTTL, createTTLBody('/t', 5000n)));
  t.deepEqual(ttl.body, { type: OpCode.createTTL, txn: { path: '/t', data: null, acl: OPEN, parentCVersion: 3, ttl: 5000n } });
  for (const zxid of [1n, 2n, 3n]) h.prep.applied(zxid);
  for (const txn of [c2, cc, ttl]) h.tree.applyTxn(txn);
  t.is(h.tree.getNode('/c2')!.stat.ephemeralOwner, SID);
  t.is(h.tree.getNode('/cc')!.stat.ephemeralOwner, CONTAINER_EPHEMERAL_OWNER);
  t.is(h.tree.getNode('/t')!.stat.ephemeralOwner, ttlToEphemeralOwner(5000n));
});

const BOB_ONLY = [{ perms: 31, id: BOB }];

interface Case {
  name: string;
  setup?: (h: Harness) => void;
  run: (h: Harness) => ReturnType<Harness['submit']>;
  err: number;
  extended?: boolean;
}

const cases: Case[] = [
  { name: 'unknown flags', run: (h) => h.create('/a', { flags: 7 }), err: ErrCode.BADARGUMENTS },
  { name: 'TTL flags without extended types', run: (h) => h.submit(OpCode.createTTL, createTTLBody('/a', 100n)), err: ErrCode.UNIMPLEMENTED },
  { name: 'TTL flags on create without extended types', run: (h) => h.create('/a', { flags: 6 }), err: ErrCode.UNIMPLEMENTED },
  { name: 'TTL 0', extended: true, run: (h) => h.submit(OpCode.createTTL, createTTLBody('/a', 0n)), err: ErrCode.BADARGUMENTS },
  { name: 'TTL over 2^40-1', extended: true, run: (h) => h.submit(OpCode.createTTL, createTTLBody('/a', 0x10000000000n)), err: ErrCode.BADARGUMENTS },
  { name: 'TTL on a non-TTL mode', extended: true, run: (h) => h.submit(OpCode.createTTL, createTTLBody('/a', 10n, 0)), err: ErrCode.BADARGUMENTS },
  { name: 'TTL flags on create (no ttl)', extended: true, run: (h) => h.create('/a', { flags: 5 }), err: ErrCode.BADARGUMENTS },
  { name: 'a closing session', setup: (h) => h.closing.add(SID), run: (h) => h.create('/a'), err: ErrCode.SESSIONEXPIRED },
  { name: 'an unknown session, persistent', run: (h) => h.create('/a', { session: 99n }), err: ErrCode.UNKNOWNSESSION },
  { name: 'an unknown session, ephemeral', run: (h) => h.create('/a', { session: 99n, flags: 1 }), err: ErrCode.SESSIONEXPIRED },
  { name: 'a path without a slash', run: (h) => h.create('a'), err: ErrCode.BADARGUMENTS },
  { name: 'a NUL in the path', run: (h) => h.create('/a\u0000b'), err: ErrCode.BADARGUMENTS },
  { name: 'a null path', run: (h) => h.submit(OpCode.create, createBody(null)), err: ErrCode.MARSHALLINGERROR },
  { name: 'an empty ACL', run: (h) => h.create('/a', { acl: [] }), err: ErrCode.INVALIDACL },
  { name: 'a null ACL', run: (h) => h.submit(OpCode.create, createBody('/a', { acl: null })), err: ErrCode.INVALIDACL },
  { name: 'INVALIDACL before NONODE', run: (h) => h.create('/missing/a', { acl: [] }), err: ErrCode.INVALIDACL },
  { name: 'a missing parent', run: (h) => h.create('/missing/a'), err: ErrCode.NONODE },
  { name: 'a missing parent before a bad name', run: (h) => h.create('/missing/'), err: ErrCode.NONODE },
  { name: 'no CREATE on the parent', setup: (h) => void h.apply(h.create('/p', { acl: BOB_ONLY })), run: (h) => h.create('/p/a'), err: ErrCode.NOAUTH },
  {
    name: 'NOAUTH before NODEEXISTS',
    setup: (h) => {
      h.apply(h.create('/p', { acl: BOB_ONLY }));
      h.apply(h.create('/p/a', { auth: [BOB] }));
    },
    run: (h) => h.create('/p/a'),
    err: ErrCode.NOAUTH,
  },
  { name: 'a trailing slash', setup: (h) => h.mkdirs('/p'), run: (h) => h.create('/p/'), err: ErrCode.BADARGUMENTS },
  { name: 'a "." segment', setup: (h) => h.mkdirs('/p'), run: (h) => h.create('/p/.'), err: ErrCode.BADARGUMENTS },
  { name: 'a control character', run: (h) => h.create('/a\u0007'), err: ErrCode.BADARGUMENTS },
  { name: 'an existing node', setup: (h) => h.mkdirs('/a'), run: (h) => h.create('/a'), err: ErrCode.NODEEXISTS },
  { name: 'creating the root', run: (h) => h.create('/'), err: ErrCode.NODEEXISTS },
  { name: 'an ephemeral parent', setup: (h) => void h.apply(h.create('/e', { flags: 1 })), run: (h) => h.create('/e/c'), err: ErrCode.NOCHILDRENFOREPHEMERALS },
  { name: 'a truncated body', run: (h) => h.submit(OpCode.create, createBody('/a').subarray(0, 9)), err: ErrCode.MARSHALLINGERROR },
];

for (const c of cases) {
  test(`create fails with an ErrorTxn for ${c.name}`, (t) => {
    const h = new Harness({ extendedTypesEnabled: c.extended ?? false });
    c.setup?.(h);
    const before = h.zxid;
    const out = c.run(h);
    t.is(errorOf(out), c.err);
    t.is(txnOf(out).header.zxid, before + 1n, 'a failed write still takes a zxid');
    t.is(h.prep.outstandingChanges, 0, 'a failed write leaves no records');
  });
}

test('create with the caller allowed by a digest ACL; auth ACLs expand to the caller', (t) => {
  const h = new Harness();
  h.apply(h.create('/p', { acl: BOB_ONLY }));
  const out = h.create('/p/a', { auth: [BOB], acl: [{ perms: 31, id: { scheme: 'auth', id: '' } }] });
  t.deepEqual(txnOf(out).body.txn, { path: '/p/a', data: null, acl: BOB_ONLY, ephemeral: false, parentCVersion: 1 });
});

test('sequential names use the parent stored cversion as seen through outstanding creates', (t) => {
  const h = new Harness();
  h.mkdirs('/p');
  const first = txnOf(h.create('/p/s-', { flags: 2 }));
  const second = txnOf(h.create('/p/s-', { flags: 2 }));
  t.is((first.body.txn as { path: string }).path, '/p/s-0000000000');
  t.is((second.body.txn as { path: string }).path, '/p/s-0000000001');
  t.is((second.body.txn as { parentCVersion: number }).parentCVersion, 2);
  h.tree.applyTxn(first);
  h.tree.applyTxn(second);
  h.prep.applied(second.header.zxid);
  t.is(h.prep.outstandingChanges, 0);
  // A delete does not move the stored cversion: 3 creates + 1 delete → the next suffix is 3.
  h.apply(h.create('/p/x'));
  h.apply(h.submit(OpCode.delete, deleteBody('/p/x')));
  t.is((txnOf(h.create('/p/s-', { flags: 3 })).body.txn as { path: string }).path, '/p/s-0000000003');
});

test('a sequential create may end in "/": the name is only the number', (t) => {
  const h = new Harness();
  h.mkdirs('/p');
  h.apply(h.create('/p/a'));
  t.is((txnOf(h.create('/p/', { flags: 2 })).body.txn as { path: string }).path, '/p/0000000001');
  t.is(sequenceSuffix(7), '0000000007');
  t.is(sequenceSuffix(-1), '-000000001');
  t.is(sequenceSuffix(-2147483648), '-2147483648');
  t.is(sequenceSuffix(2147483647), '2147483647');
});

test('outstanding changes: a pending create blocks a second one, allows children; a pending delete allows a re-create', (t) => {
  const h = new Harness();
  const a = h.create('/a');
  const dup = h.create('/a');
  t.is(errorOf(dup), ErrCode.NODEEXISTS);
  const child = h.create('/a/b');
  t.is(txnOf(child).header.type, OpCode.create);
  t.is(h.prep.outstandingChanges, 4, 'a parent and a node record per create');
  for (const o of [a, dup, child]) h.apply(o);
  t.is(h.prep.outstandingChanges, 0);
  t.true(h.tree.has('/a/b'));

  const del = h.submit(OpCode.delete, deleteBody('/a/b'));
  const write = h.submit(OpCode.setData, setDataBody('/a/b', 'x'));
  t.is(errorOf(write), ErrCode.NONODE, 'the pending delete hides the node');
  const again = h.create('/a/b', { data: 'new' });
  t.is(txnOf(again).header.type, OpCode.create);
  for (const o of [del, write, again]) h.apply(o);
  t.is(h.tree.getData('/a/b')!.data!.toString(), 'new');
});

test('an ephemeral parent is seen through a pending create', (t) => {
  const h = new Harness();
  t.is(txnOf(h.create('/e', { flags: 1 })).header.type, OpCode.create);
  t.is(errorOf(h.create('/e/c')), ErrCode.NOCHILDRENFOREPHEMERALS);
  // A container parent is fine.
  h.create('/c', { type: OpCode.createContainer, flags: 4 });
  t.is(txnOf(h.create('/c/x')).header.type, OpCode.create);
});

function quotaHarness(limits: string): Harness {
  const h = new Harness({ enforceQuota: true });
  h.mkdirs('/q', '/q/a', '/zookeeper/quota/q');
  h.apply(h.create('/zookeeper/quota/q/zookeeper_limits', { data: limits }));
  h.apply(h.create('/zookeeper/quota/q/zookeeper_stats', { data: 'count=0,bytes=0' }));
  return h;
}

test('quota: a hard count limit fails creates with QUOTAEXCEEDED; a soft one does not', (t) => {
  const hard = quotaHarness('count=-1,bytes=-1;countHardLimit=3');
  t.is(hard.tree.getData('/zookeeper/quota/q/zookeeper_stats')!.data!.toString(), 'count=2,bytes=0');
  hard.apply(hard.create('/q/b'));
  t.is(errorOf(hard.create('/q/c')), ErrCode.QUOTAEXCEEDED);
  t.is(txnOf(hard.create('/elsewhere')).header.type, OpCode.create);
  const soft = quotaHarness('count=1,bytes=-1');
  t.is(txnOf(soft.create('/q/b')).header.type, OpCode.create);
});

test('quota: a hard byte limit counts the change in size on setData; bad limits text is MARSHALLINGERROR', (t) => {
  const h = quotaHarness('count=-1,bytes=-1;byteHardLimit=10');
  h.apply(h.create('/q/a/x', { data: '12345' }));
  t.is(errorOf(h.create('/q/a/y', { data: '123456' })), ErrCode.QUOTAEXCEEDED);
  t.is(h.run(OpCode.setData, setDataBody('/q/a/x', '1234567890')).err, 0);
  t.is(errorOf(h.submit(OpCode.setData, setDataBody('/q/a', 'x'))), ErrCode.QUOTAEXCEEDED);
  const bad = quotaHarness('count');
  t.is(errorOf(bad.create('/q/b', { data: 'x' })), ErrCode.MARSHALLINGERROR);
});
