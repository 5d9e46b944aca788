// Prep of closeSession: the ephemerals it deletes (tree + pending creates - pending deletes, in
// java.util.HashSet order as the reference lists them), the closing mark, and the Java HashSet
// emulation itself. Expected orders below were produced by JDK 17.

import test from 'ava';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { JavaHashSet } from '../../src/server/prep';
import { javaStringHash } from '../../src/util/java-hash';
import { Harness, SID, deleteBody, errorOf, setDataBody, txnOf } from './prep-support';

const OTHER = 0x200000000002n;

test('closeSession: CloseSessionTxn with the ephemerals in the reference order, pending changes included', (t) => {
  const h = new Harness();
  h.known.add(OTHER);
  h.mkdirs('/e');
  for (let i = 0; i < 12; i++) h.apply(h.create(`/e/n${i}`, { flags: 1 }));
  h.apply(h.create('/e/theirs', { flags: 1, session: OTHER }));
  const late = h.create('/e/late', { flags: 1 });
  const gone = h.submit(OpCode.delete, deleteBody('/e/n3'));
  const foreign = h.create('/e/other-late', { flags: 1, session: OTHER });
  const touched = h.submit(OpCode.setData, setDataBody('/e/n5', 'x'));

  const close = h.submit(OpCode.closeSession, Buffer.alloc(0), { cxid: 9 });
  const txn = txnOf(close);
  t.deepEqual(txn.header, { clientId: SID, cxid: 9, zxid: h.zxid, time: h.time, type: OpCode.closeSession });
  t.deepEqual(txn.body.txn, {
    paths2Delete: ['/e/n9', '/e/n5', '/e/n6', '/e/n7', '/e/n8', '/e/n10', '/e/n11', '/e/n1', '/e/late', '/e/n2', '/e/n4', '/e/n0'],
  });
  t.true(h.closing.has(SID), 'the session is marked closing');
  t.is(errorOf(h.create('/e/after')), ErrCode.SESSIONEXPIRED);
  t.is(errorOf(h.submit(OpCode.setData, setDataBody('/e/n0', 'y'), { session: OTHER })), ErrCode.NONODE, 'the ephemerals are pending deletes');

  for (const o of [late, gone, foreign, touched, close]) h.apply(o);
  t.deepEqual(h.tree.getChildren('/e')!.children.sort(), ['other-late', 'theirs']);
  t.deepEqual(h.tree.getEphemerals(SID), []);
});

test('closeSession of a session without ephemerals lists nothing; it needs no valid session', (t) => {
  const h = new Harness();
  const out = h.submit(OpCode.closeSession, Buffer.alloc(0), { session: 0x77n });
  t.deepEqual(txnOf(out).body, { type: OpCode.closeSession, txn: { paths2Delete: [] } });
  t.is(h.prep.outstandingChanges, 0);
});

test('javaStringHash is String.hashCode over UTF-16 code units', (t) => {
  t.is(javaStringHash(''), 0);
  t.is(javaStringHash('hello'), 99162322);
  t.is(javaStringHash('/e/late'), 1701264127);
  t.is(javaStringHash('Aa'), javaStringHash('BB'));
  t.is(javaStringHash('\u4e2d\u6587/x'), 621186211);
});

test('JavaHashSet: iteration order, removal, clone pre-sizing and growth', (t) => {
  const s = JavaHashSet.of(['/x', '/y']);
  t.deepEqual([...s], ['/x', '/y']);
  t.is(s.capacity, 16);
  const clone = JavaHashSet.cloneOf(s);
  t.is(clone.capacity, 4, 'tableSizeFor(2 / 0.75 + 1)');
  t.deepEqual([...clone], ['/x', '/y']);
  const big = JavaHashSet.of(Array.from({ length: 13 }, (_, i) => `/n${i}`));
  t.is(big.capacity, 32, 'doubled past 12 entries');
  t.true(big.delete('/n3'));
  t.false(big.delete('/n3'));
  t.false(big.add('/n4'));
  t.is(big.size, 12);
  t.is(JavaHashSet.cloneOf(JavaHashSet.of([])).capacity, 0, 'an empty clone allocates on first add');
});
