// Applying txns: watch triggers, stat rules, multi atomicity, sessions, replay tolerance, digests.
// Txns are written in the script language of ./script.ts: "<zxid hex> <time> <client hex> <op> args".

import test from 'ava';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { DataTree } from '../../src/tree';
import { parseTxn } from './script';

function treeWith(lines: string[], tree = new DataTree()): DataTree {
  for (const l of lines) tree.applyTxn(parseTxn(l));
  return tree;
}


/** Path and type of each trigger, in order (the ACL each carries is checked separately). */
const pt = (ts: readonly { path: string; type: string }[]) => ts.map(({ path, type }) => ({ path, type }));

test('create fires NodeCreated on the path then NodeChildrenChanged on the parent ("/" for the root)', (t) => {
  const tree = new DataTree();
  const r1 = tree.applyTxn(parseTxn('1 10 1 create /a - world:anyone:31 p 1'));
  t.deepEqual(pt(r1.triggers), [
    { path: '/a', type: 'created' },
    { path: '/', type: 'childrenChanged' },
  ]);
  const r2 = tree.applyTxn(parseTxn('2 11 1 create /a/b - world:anyone:31 p 1'));
  t.deepEqual(pt(r2.triggers), [
    { path: '/a/b', type: 'created' },
    { path: '/a', type: 'childrenChanged' },
  ]);
  // Each trigger carries the ACL its event is checked against: the node's, the parent's for children.
  const r3 = tree.applyTxn(parseTxn('3 12 1 create /a/c - digest:bob:x:1 p 2'));
  t.deepEqual(r3.triggers.map((x) => x.acl), [
    [{ perms: 1, id: { scheme: 'digest', id: 'bob:x' } }],
    [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
  ]);
});

test('delete fires deleted then the parent childrenChanged; setData fires dataChanged; setACL and failures fire nothing', (t) => {
  const tree = treeWith(['1 10 1 create /a - world:anyone:31 p 1', '2 10 1 create /a/b - world:anyone:31 p 1']);
  t.deepEqual(pt(tree.applyTxn(parseTxn('3 11 1 setData /a/b x 1')).triggers), [{ path: '/a/b', type: 'dataChanged' }]);
  t.deepEqual(tree.applyTxn(parseTxn('4 11 1 setACL /a/b world:anyone:1 1')).triggers, []);
  t.deepEqual(pt(tree.applyTxn(parseTxn('5 12 1 delete /a/b')).triggers), [
    { path: '/a/b', type: 'deleted' },
    { path: '/a', type: 'childrenChanged' },
  ]);
  const missing = tree.applyTxn(parseTxn('6 12 1 delete /a/b'));
  t.is(missing.err, ErrCode.NONODE);
  t.deepEqual(missing.triggers, []);
  t.deepEqual(tree.applyTxn(parseTxn('7 12 1 error -101')).triggers, []);
  t.deepEqual(tree.applyTxn(parseTxn('8 12 1 createSession 3000')).triggers, []);
});

test('stored cversion counts creates only; clients see 2*stored - numChildren; the next sequence number uses stored', (t) => {
  const tree = treeWith([
    '1 10 1 create /p - world:anyone:31 p 1',
    '2 10 1 create /p/s-0000000000 - world:anyone:31 p 1',
    '3 10 1 create /p/s-0000000001 - world:anyone:31 p 2',
    '4 10 1 create /p/s-0000000002 - world:anyone:31 p 3',
    '5 10 1 delete /p/s-0000000001',
  ]);
  t.is(tree.getNode('/p')!.stat.cversion, 3);
  t.is(tree.clientStat('/p')!.cversion, 4);
  t.is(tree.clientStat('/p')!.numChildren, 2);
  // A V0 create (parentCVersion -1) increments the stored value.
  treeWith(['6 10 1 create /p/v0 - world:anyone:31 p -1'], tree);
  t.is(tree.getNode('/p')!.stat.cversion, 4);
});

test('pzxid: the last child create sets it; a delete raises it only when its zxid is larger', (t) => {
  const tree = treeWith(['1 10 1 create /p - world:anyone:31 p 1', '5 10 1 create /p/a - world:anyone:31 p 1', '6 10 1 create /p/b - world:anyone:31 p 2']);
  t.is(tree.getNode('/p')!.stat.pzxid, 6n);
  // Replayed out of order (a fuzzy snapshot already holds zxid 6): a delete at zxid 4 leaves pzxid alone.
  tree.applyTxn(parseTxn('4 10 1 delete /p/a'));
  t.is(tree.getNode('/p')!.stat.pzxid, 6n);
  tree.applyTxn(parseTxn('9 10 1 delete /p/b'));
  t.is(tree.getNode('/p')!.stat.pzxid, 9n);
  t.is(tree.getNode('/p')!.stat.cversion, 2, 'deletes never touch the stored cversion');
});

test('containers and TTL nodes: stored owner markers, clients see owner 0, indexed separately', (t) => {
  const tree = treeWith(
    ['1 10 7 createContainer /c - world:anyone:31 1', '2 10 7 createTTL /t - world:anyone:31 2 60000', '3 10 7 create /e - world:anyone:31 e 3'],
    new DataTree({ extendedTypesEnabled: true }),
  );
  t.is(tree.getNode('/c')!.stat.ephemeralOwner, -0x8000000000000000n);
  t.is(BigInt.asUintN(64, tree.getNode('/t')!.stat.ephemeralOwner), 0xff0000000000ea60n);
  t.is(tree.clientStat('/c')!.ephemeralOwner, 0n);
  t.is(tree.clientStat('/t')!.ephemeralOwner, 0n);
  t.is(tree.clientStat('/e')!.ephemeralOwner, 7n);
  t.deepEqual([...tree.containerPaths], ['/c']);
  t.deepEqual([...tree.ttlPaths], ['/t']);
  t.deepEqual(tree.getEphemerals(7n), ['/e']);
});

test('a failed multi changes nothing: sub-results are OK before the failing op, its code, then RUNTIMEINCONSISTENCY', (t) => {
  const tree = treeWith(['1 10 1 create /m - world:anyone:31 p 1']);
  const before = { digest: tree.treeDigest, count: tree.nodeCount, stat: tree.clientStat('/m') };
  const r = tree.applyTxn(parseTxn('2 11 1 multi create /m/a x world:anyone:31 p 1 | error -103 | setData /m y 1'));
  t.is(r.type, OpCode.multi);
  t.is(r.err, ErrCode.BADVERSION);
  t.deepEqual(
    r.multi!.map((s) => [s.type, s.err]),
    [
      [OpCode.error, ErrCode.OK],
      [OpCode.error, ErrCode.BADVERSION],
      [OpCode.error, ErrCode.RUNTIMEINCONSISTENCY],
    ],
  );
  t.deepEqual(r.triggers, []);
  t.is(tree.treeDigest, before.digest);
  t.is(tree.nodeCount, before.count);
  t.deepEqual(tree.clientStat('/m'), before.stat);
  t.is(tree.lastProcessedZxid, 2n, 'the failed multi still consumed its zxid');
});

test('a successful multi applies in order and reports triggers in sub-op order', (t) => {
  const tree = treeWith(['1 10 1 create /m - world:anyone:31 p 1']);
  const r = tree.applyTxn(parseTxn('2 11 1 multi create /m/a x world:anyone:31 p 1 | setData /m y 1 | check /m 1 | delete /m/a'));
  t.is(r.err, ErrCode.OK);
  t.deepEqual(pt(r.triggers), [
    { path: '/m/a', type: 'created' },
    { path: '/m', type: 'childrenChanged' },
    { path: '/m', type: 'dataChanged' },
    { path: '/m/a', type: 'deleted' },
    { path: '/m', type: 'childrenChanged' },
  ]);
  t.is(r.multi![1]!.stat!.version, 1);
  t.is(r.multi![2]!.path, '/m');
});

test('closeSession deletes the listed paths, then the session\'s other ephemerals, with triggers for each', (t) => {
  const tree = treeWith([
    '1 10 5 createSession 3000',
    '2 10 5 create /x - world:anyone:31 p 1',
    '3 10 5 create /x/e1 - world:anyone:31 e 1',
    '4 10 5 create /x/e2 - world:anyone:31 e 2',
    '5 10 6 create /x/other - world:anyone:31 e 3',
  ]);
  const r = tree.applyTxn(parseTxn('6 11 5 closeSession /x/e2,/x/gone'));
  t.is(r.err, ErrCode.OK);
  t.deepEqual(pt(r.triggers), [
    { path: '/x/e2', type: 'deleted' },
    { path: '/x', type: 'childrenChanged' },
    { path: '/x/e1', type: 'deleted' },
    { path: '/x', type: 'childrenChanged' },
  ]);
  t.deepEqual(tree.getChildren('/x')!.children, ['other']);
  t.deepEqual(tree.getEphemerals(5n), []);
  // A pre-3.6 closeSession (no body) uses the tree's own index.
  const old = tree.applyTxn(parseTxn('7 12 6 closeSession'));
  t.deepEqual(old.triggers.map((x) => x.path), ['/x/other', '/x']);
});

test('replay tolerance: NODEEXISTS on create raises the parent cversion/pzxid only forward; create2 does not', (t) => {
  const tree = treeWith(['1 10 1 create /p - world:anyone:31 p 1', '2 10 1 create /p/a - world:anyone:31 p 1']);
  const r = tree.applyTxn(parseTxn('3 10 1 create /p/a - world:anyone:31 p 5'));
  t.is(r.err, ErrCode.NODEEXISTS);
  t.is(tree.getNode('/p')!.stat.cversion, 5);
  t.is(tree.getNode('/p')!.stat.pzxid, 3n);
  tree.applyTxn(parseTxn('4 10 1 create /p/a - world:anyone:31 p 2'));
  t.is(tree.getNode('/p')!.stat.cversion, 5, 'never lowered');
  tree.applyTxn(parseTxn('5 10 1 create2 /p/a - world:anyone:31 p 9'));
  t.is(tree.getNode('/p')!.stat.cversion, 5, 'create2 gets no fix-up in the reference');
  const noParent = tree.applyTxn(parseTxn('6 10 1 create /q/a - world:anyone:31 p 1'));
  t.is(noParent.err, ErrCode.NONODE);
});

test('lastProcessedZxid only moves forward and the digest log follows each txn', (t) => {
  const tree = treeWith(['5 10 1 create /a - world:anyone:31 p 1']);
  t.is(tree.lastProcessedZxid, 5n);
  t.deepEqual(tree.lastProcessedZxidDigest, { zxid: 5n, digestVersion: 2, digest: tree.treeDigest });
  tree.applyTxn(parseTxn('3 10 1 setData /a x 1'));
  t.is(tree.lastProcessedZxid, 5n);
});

test('txn digests: a matching digest passes, a wrong one is counted, another version is skipped', (t) => {
  const probe = treeWith(['1 10 1 create /a - world:anyone:31 p 1']);
  const tree = new DataTree();
  const good = parseTxn('1 10 1 create /a - world:anyone:31 p 1');
  good.digest = { version: 2, treeDigest: probe.treeDigest };
  t.false(tree.applyTxn(good).digestMismatch);
  const bad = parseTxn('2 10 1 setData /a x 1');
  bad.digest = { version: 2, treeDigest: 12345n };
  t.true(tree.applyTxn(bad).digestMismatch);
  const other = parseTxn('3 10 1 setData /a y 2');
  other.digest = { version: 1, treeDigest: 12345n };
  t.false(tree.applyTxn(other).digestMismatch);
  t.is(tree.digestMismatches, 1);
});

test('the empty tree: 5 nodes (root twice), the system nodes, /zookeeper/config read-only with aversion -1', (t) => {
  const tree = new DataTree();
  t.is(tree.nodeCount, 5);
  t.is(tree.getAllChildrenNumber('/'), 3);
  t.is(tree.approximateDataSize, 44);
  t.deepEqual(tree.getChildren('/')!.children, ['zookeeper']);
  t.deepEqual(tree.getChildren('/zookeeper')!.children.sort(), ['config', 'quota']);
  t.is(tree.getNode('/zookeeper/config')!.stat.aversion, -1);
  t.deepEqual(tree.aclForPath('/zookeeper/config'), [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }]);
  t.is(tree.getNode('/')!.aclIndex, -1);
  t.is(tree.getData('/')!.data!.length, 0, 'special nodes hold empty, not null, data');
  t.is(tree.getData('nope'), null, 'reads do not validate paths');
});

test('getEphemerals: all for a null, blank or "/" prefix, else a plain string prefix', (t) => {
  const tree = treeWith([
    '1 10 9 create /app - world:anyone:31 p 1',
    '2 10 9 create /app/e - world:anyone:31 e 1',
    '3 10 9 create /apple - world:anyone:31 e 2',
    '4 10 9 create /b - world:anyone:31 e 3',
  ]);
  t.deepEqual(tree.getEphemerals(9n).sort(), ['/app/e', '/apple', '/b']);
  t.deepEqual(tree.getEphemerals(9n, ' / ').sort(), ['/app/e', '/apple', '/b']);
  t.deepEqual(tree.getEphemerals(9n, '  ').sort(), ['/app/e', '/apple', '/b']);
  t.deepEqual(tree.getEphemerals(9n, '/app').sort(), ['/app/e', '/apple']);
  t.deepEqual(tree.getEphemerals(8n), []);
});

test('an unparsable quota stats node is left alone and counted instead of failing the txn', (t) => {
  const tree = treeWith([
    '1 10 1 create /q - world:anyone:31 p 1',
    '2 10 1 create /zookeeper/quota/q - world:anyone:31 p 1',
    '3 10 1 create /zookeeper/quota/q/zookeeper_limits count=5,bytes=-1 world:anyone:31 p 1',
    '4 10 1 create /zookeeper/quota/q/zookeeper_stats x world:anyone:31 p 2',
    '5 10 1 setData /zookeeper/quota/q/zookeeper_stats garbage 1',
  ]);
  const r = tree.applyTxn(parseTxn('6 10 1 create /q/a - world:anyone:31 p 1'));
  t.is(r.err, ErrCode.OK);
  t.is(tree.quotaStatErrors, 1);
  t.is(tree.getData('/zookeeper/quota/q/zookeeper_stats')!.data!.toString(), 'garbage');
});

test('stored data is a copy: mutating the txn buffer afterwards changes nothing', (t) => {
  const tree = new DataTree();
  for (const size of [5, 5000]) {
    const txn = parseTxn(`1 10 1 create /d${size} a*${size} world:anyone:31 p 1`);
    const body = txn.body as { txn: { data: Buffer } };
    tree.applyTxn(txn);
    body.txn.data.fill(0x7a);
    t.is(tree.getData(`/d${size}`)!.data!.toString(), 'a'.repeat(size));
  }
});

test('read helpers: getNode (no data), watchZxids, getACL, getAllChildrenNumber', (t) => {
  const tree = treeWith(['1 10 4 create /r abc digest:u:p:31 p 1', '2 11 4 create /r/e - world:anyone:31 e 1', '3 12 4 setData /r abcd 1']);
  const info = tree.getNode('/r')!;
  t.like(info, { aclIndex: 2, numChildren: 1, dataLength: 4, ephemeralType: 'void' });
  t.is(info.stat.cversion, 1);
  t.is(tree.getNode('/r/e')!.ephemeralType, 'normal');
  t.deepEqual(tree.watchZxids('/r'), { mzxid: 3n, pzxid: 2n });
  t.is(tree.watchZxids('/none'), null);
  t.deepEqual(tree.getACL('/r')!.acl, [{ perms: 31, id: { scheme: 'digest', id: 'u:p' } }]);
  t.is(tree.getACL('/r')!.stat.version, 1);
  t.is(tree.getAllChildrenNumber('/r'), 1);
  t.is(tree.getAllChildrenNumber(''), 6, 'the stored root name also counts the "/" alias');
  t.is(tree.getAllChildrenNumber('/nope'), 0);
});

test('the digest log keeps (zxid, digest) at multiples of 128', (t) => {
  const tree = new DataTree();
  for (let z = 1; z <= 300; z++) tree.applyTxn(parseTxn(`${z.toString(16)} 1 1 createSession 1000`));
  t.deepEqual(
    tree.digestLog().map((d) => d.zxid),
    [128n, 256n],
  );
});
