// The snapshot contract: source -> loader reproduces the tree; the walk is fuzzy but never breaks;
// a fuzzy snapshot plus replay of the txns after its zxid converges on the live tree; the digest
// section is checked where the reference checks it.

import test from 'ava';
import type { SnapshotSource } from '../../src/persistence/snapshot-contract';
import type { LoggedTxn } from '../../src/persistence/txn';
import { DataTree, SnapshotTreeError } from '../../src/tree';
import type { DataTreeOptions } from '../../src/tree';
import { prng } from '../support/prng';
import { parseTxn } from './script';

function load(source: SnapshotSource, options: DataTreeOptions = {}, snapshotZxid?: bigint): DataTree {
  const sink = DataTree.loader(options);
  for (const [id, to] of source.sessions()) sink.session(id, to);
  for (const e of source.aclEntries()) sink.aclEntry(e);
  for (const n of source.nodes()) sink.node(n.path, n.node);
  sink.digest(source.digest());
  return sink.finish(snapshotZxid);
}

/** Everything observable about a tree, in a comparable form. */
function fingerprint(tree: DataTree): unknown {
  const nodes = [...tree.snapshotSource([]).nodes()]
    .map(({ path, node }) => ({ path, data: node.data?.toString('hex') ?? null, acl: tree.aclForPath(path), stat: node.stat, client: tree.clientStat(path) }))
    .sort((a, b) => (a.path < b.path ? -1 : 1));
  const eph = [...tree.ephemeralIndex].map(([k, v]) => [k, [...v].sort()] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1));
  return {
    nodes,
    digest: tree.treeDigest,
    count: tree.nodeCount,
    size: tree.computeApproximateDataSize(),
    acls: tree.aclCacheSize,
    eph,
    containers: [...tree.containerPaths].sort(),
    ttls: [...tree.ttlPaths].sort(),
  };
}

/**
 * A seeded workload of creates (all kinds), setData, setACL and leaf deletes, as logged txns. Each
 * create carries the parent's next cversion, as the request layer writes it (replay relies on it).
 */
function workload(seed: number, n: number, firstZxid = 1): LoggedTxn[] {
  const rand = prng(seed);
  const scratch = new DataTree({ extendedTypesEnabled: true });
  const live: string[] = [''];
  const out: LoggedTxn[] = [];
  let zxid = firstZxid;
  for (let i = 0; i < n; i++) {
    const r = rand();
    const parent = live[Math.floor(rand() * live.length)]!;
    const z = zxid.toString(16);
    const acl = ['world:anyone:31', 'digest:u:p:31', 'world:anyone:1'][Math.floor(rand() * 3)];
    let line: string;
    if (r < 0.5) {
      const op = ['create p', 'create e', 'createContainer', 'createTTL'][Math.floor(rand() * 4)]!;
      const path = `${parent}/n${i}`;
      const pcv = scratch.getNode(parent)!.stat.cversion + 1;
      if (op === 'create p' || op === 'create e') line = `${z} ${i} 3 create ${path} d${i} ${acl} ${op.slice(-1)} ${pcv}`;
      else if (op === 'createContainer') line = `${z} ${i} 3 createContainer ${path} d${i} ${acl} ${pcv}`;
      else line = `${z} ${i} 3 createTTL ${path} - ${acl} ${pcv} ${1 + i}`;
      live.push(path);
    } else if (r < 0.75) {
      line = `${z} ${i} 3 setData ${parent || '/'} v${i} ${i}`;
    } else if (r < 0.85) {
      line = `${z} ${i} 3 setACL ${parent || '/'} ${acl} ${i}`;
    } else {
      const victim = live[live.length - 1]!;
      if (victim === '' || scratch.getNode(victim)!.numChildren > 0) continue;
      live.pop();
      line = `${z} ${i} 3 delete ${victim}`;
    }
    const txn = parseTxn(line);
    scratch.applyTxn(txn);
    out.push(txn);
    zxid++;
  }
  return out;
}

test('source -> loader reproduces the tree: nodes, stats, ACLs, indexes, sizes and digest', (t) => {
  const options = { extendedTypesEnabled: true };
  const tree = new DataTree(options);
  for (const txn of workload(0x5a, 1500)) tree.applyTxn(txn);
  tree.applyTxn(parseTxn('ffff 1 3 setData / rootdata 7'));
  const sessions: Array<[bigint, number]> = [[3n, 30000], [0x1234567890n, 5000]];
  const loaded = load(tree.snapshotSource(sessions), options, tree.lastProcessedZxid);
  t.deepEqual(fingerprint(loaded), fingerprint(tree));
  t.is(loaded.lastProcessedZxid, tree.lastProcessedZxid);
  t.is(loaded.digestMismatches, 0, 'the file digest matched at the snapshot zxid');
  t.is(loaded.digestFromLoadedSnapshot, null);
  // The loader keeps the sessions it was given.
  const sink = DataTree.loader();
  for (const [id, to] of sessions) sink.session(id, to);
  t.deepEqual([...sink.sessions], sessions);
});

test('the digest section: {0, 2, 0} before any txn, then (zxid, digest) of the last txn applied', (t) => {
  const tree = new DataTree();
  t.deepEqual(tree.snapshotSource([]).digest(), { zxid: 0n, digestVersion: 2, digest: 0n });
  tree.applyTxn(parseTxn('7 1 1 create /a - world:anyone:31 p 1'));
  t.deepEqual(tree.snapshotSource([]).digest(), { zxid: 7n, digestVersion: 2, digest: tree.treeDigest });
});

test('the walk survives nodes deleted and created between yields, skipping vanished subtrees', (t) => {
  const tree = new DataTree();
  const setup = ['1 1 1 create /a - world:anyone:31 p 1', '2 1 1 create /a/x - world:anyone:31 p 1', '3 1 1 create /b - world:anyone:31 p 2'];
  for (const l of setup) tree.applyTxn(parseTxn(l));
  for (let i = 0; i < 50; i++) tree.applyTxn(parseTxn(`${(10 + i).toString(16)} 1 1 create /b/c${i} - world:anyone:31 p ${i + 1}`));
  const seen: string[] = [];
  let zxid = 0x100;
  for (const { path } of tree.snapshotSource([]).nodes()) {
    seen.push(path);
    if (path === '/a') {
      // Delete /a's child before it is reached, then /a itself, and add a new subtree under /b.
      tree.applyTxn(parseTxn(`${(zxid++).toString(16)} 1 1 delete /a/x`));
      tree.applyTxn(parseTxn(`${(zxid++).toString(16)} 1 1 delete /a`));
      tree.applyTxn(parseTxn(`${(zxid++).toString(16)} 1 1 create /b/late - world:anyone:31 p 99`));
    }
    if (path.startsWith('/b/c')) tree.applyTxn(parseTxn(`${(zxid++).toString(16)} 1 1 delete /b/c${49 - Number(path.slice(4))}`));
  }
  t.false(seen.includes('/a/x'));
  t.true(seen.includes('/b'));
  t.is(new Set(seen).size, seen.length, 'no node twice');
  t.true(seen.filter((p) => p.startsWith('/b/c')).length < 50);
});

test('a fuzzy snapshot plus replay of the txns after its zxid converges on the live tree', (t) => {
  const options = { extendedTypesEnabled: true };
  const txns = workload(0xf022, 3000);
  const live = new DataTree(options);
  for (const txn of txns.slice(0, 1500)) live.applyTxn(txn);
  const snapZxid = live.lastProcessedZxid;
  // Write the snapshot while txns keep applying: a few txns between every yielded node.
  const source = live.snapshotSource([]);
  const sink = DataTree.loader(options);
  for (const e of source.aclEntries()) sink.aclEntry(e);
  let next = 1500;
  for (const n of source.nodes()) {
    sink.node(n.path, n.node);
    for (let k = 0; k < 2 && next < 2500; k++) live.applyTxn(txns[next++]!);
  }
  sink.digest(source.digest());
  while (next < 2500) live.applyTxn(txns[next++]!);
  const restored = sink.finish(snapZxid);
  t.not(restored.digestFromLoadedSnapshot, null, 'fuzzy: the file digest is checked during replay');
  for (const txn of txns.slice(0, 2500)) if (txn.header.zxid > snapZxid) restored.applyTxn(txn);
  t.is(restored.digestFromLoadedSnapshot, null);
  t.is(restored.digestMismatches, 0);
  for (const txn of txns.slice(2500)) {
    live.applyTxn(txn);
    restored.applyTxn(txn);
  }
  t.deepEqual(fingerprint(restored), fingerprint(live));
});

test('a file digest that does not match the loaded tree is counted at the snapshot zxid', (t) => {
  const tree = new DataTree();
  tree.applyTxn(parseTxn('5 1 1 create /a x world:anyone:31 p 1'));
  const source = tree.snapshotSource([]);
  const tampered: SnapshotSource = { ...source, digest: () => ({ zxid: 5n, digestVersion: 2, digest: 42n }) };
  t.is(load(tampered, {}, 5n).digestMismatches, 1);
  // Older than the snapshot zxid: cannot be checked, dropped.
  const old: SnapshotSource = { ...source, digest: () => ({ zxid: 4n, digestVersion: 2, digest: 42n }) };
  const fromOld = load(old, {}, 5n);
  t.is(fromOld.digestMismatches, 0);
  t.is(fromOld.digestFromLoadedSnapshot, null);
});

test('the loader refuses a node whose parent has not been loaded, and a file without a root', (t) => {
  const tree = new DataTree();
  const nodes = [...tree.snapshotSource([]).nodes()];
  const sink = DataTree.loader();
  sink.node(nodes[0]!.path, nodes[0]!.node);
  t.throws(() => sink.node('/missing/child', nodes[0]!.node), { instanceOf: SnapshotTreeError });
  t.throws(() => DataTree.loader().finish(), { instanceOf: SnapshotTreeError });
});

test('after a load the ACL index continues above the largest loaded index', (t) => {
  const tree = new DataTree();
  tree.applyTxn(parseTxn('1 1 1 create /a - digest:u:p:31 p 1'));
  const source = tree.snapshotSource([]);
  const sink = DataTree.loader();
  for (const e of source.aclEntries()) sink.aclEntry({ ...e, index: e.index === 1n ? 1n : 40n });
  for (const n of source.nodes()) sink.node(n.path, n.path === '/a' ? { ...n.node, acl: 40n } : n.node);
  sink.digest(source.digest());
  const loaded = sink.finish(1n);
  loaded.applyTxn(parseTxn('2 1 1 create /b - world:anyone:7 p 2'));
  t.is(loaded.getNode('/b')!.aclIndex, 41);
  t.is(loaded.getNode('/a')!.aclIndex, 40);
});
