// The tree digest: known values, incremental upkeep against a from-scratch sum, 64-bit wrapping.

import { crc32 } from 'node:zlib';
import test from 'ava';
import type { StatPersisted } from '../../src/protocol/generated';
import { AdHash, DataTree, nodeDigest } from '../../src/tree';
import { prng } from '../support/prng';
import { parseTxn } from './script';

/** The 60-byte block, written independently of the tree's slab layout. */
function block(s: StatPersisted): Buffer {
  const b = Buffer.alloc(60);
  b.writeBigInt64BE(s.czxid, 0);
  b.writeBigInt64BE(s.mzxid, 8);
  b.writeBigInt64BE(s.pzxid, 16);
  b.writeBigInt64BE(s.ctime, 24);
  b.writeBigInt64BE(s.mtime, 32);
  b.writeInt32BE(s.version, 40);
  b.writeInt32BE(s.cversion, 44);
  b.writeInt32BE(s.aversion, 48);
  b.writeBigInt64BE(s.ephemeralOwner, 52);
  return b;
}

/** Sum of the node digests over the snapshot walk (each node once, the root as ""). */
function digestFromScratch(tree: DataTree): bigint {
  let sum = 0n;
  for (const { path, node } of tree.snapshotSource([]).nodes()) {
    if (path.startsWith('/zookeeper/')) continue;
    const crc = crc32(Buffer.concat([Buffer.from(path, 'utf8'), node.data ?? Buffer.alloc(0), block(node.stat)]));
    sum += BigInt(crc);
  }
  return BigInt.asIntN(64, sum);
}

test('the empty tree digest is 0x51c6d660 (the root and /zookeeper with zero stats)', (t) => {
  const tree = new DataTree();
  t.is(tree.treeDigest, 0x51c6d660n);
  t.is(digestFromScratch(tree), 0x51c6d660n);
});

test('create then delete moves the digest by exactly the parent\'s stat change', (t) => {
  const tree = new DataTree();
  tree.applyTxn(parseTxn('1 10 1 create /p - world:anyone:31 p 1'));
  const before = tree.treeDigest;
  const parentBefore = BigInt(nodeDigest('/p', null, block(tree.getNode('/p')!.stat)));
  tree.applyTxn(parseTxn('2 10 1 create /p/c data world:anyone:31 p 1'));
  t.not(tree.treeDigest, before);
  tree.applyTxn(parseTxn('3 10 1 delete /p/c'));
  const parentAfter = BigInt(nodeDigest('/p', null, block(tree.getNode('/p')!.stat)));
  t.is(tree.treeDigest, BigInt.asIntN(64, before - parentBefore + parentAfter));
  // Under /zookeeper/ nothing counts, so a create + delete there leaves the digest as it was.
  const d0 = tree.treeDigest;
  tree.applyTxn(parseTxn('4 10 1 create /zookeeper/quota/x data world:anyone:31 p 1'));
  tree.applyTxn(parseTxn('5 10 1 delete /zookeeper/quota/x'));
  t.is(tree.treeDigest, d0);
});

test('the incrementally kept digest equals a from-scratch sum after a random workload', (t) => {
  const rand = prng(0xd16e57);
  const tree = new DataTree({ extendedTypesEnabled: true });
  const live: string[] = [''];
  let zxid = 1;
  const pick = (): string => live[Math.floor(rand() * live.length)]!;
  for (let i = 0; i < 2000; i++) {
    const z = (zxid++).toString(16);
    const r = rand();
    let line: string;
    if (r < 0.45) {
      const parent = pick();
      const kind = ['p', 'e'][Math.floor(rand() * 2)];
      line = `${z} ${1000 + i} 5 create ${parent}/n${i} ${rand() < 0.2 ? '-' : `v${i}`} world:anyone:31 ${kind} -1`;
      live.push(`${parent}/n${i}`);
    } else if (r < 0.6) {
      line = `${z} ${1000 + i} 5 createContainer ${pick()}/c${i} x world:anyone:31 -1`;
      live.push(`${line.split(' ')[4]}`);
    } else if (r < 0.8) {
      line = `${z} ${1000 + i} 5 setData ${pick() || '/'} ${'q'.repeat(Math.floor(rand() * 40))}x ${i}`;
    } else if (r < 0.9) {
      line = `${z} ${1000 + i} 5 setACL ${pick() || '/'} world:anyone:${1 + Math.floor(rand() * 31)} ${i}`;
    } else {
      // Only leaves: the reference (and we) would leave a non-empty node's children orphaned in the map.
      const leaf = live.filter((p) => p !== '' && tree.getChildren(p)?.children.length === 0)[0];
      if (leaf === undefined) continue;
      line = `${z} ${1000 + i} 5 delete ${leaf}`;
      live.splice(live.indexOf(leaf), 1);
    }
    tree.applyTxn(parseTxn(line));
    if (i % 250 === 0) t.is(tree.treeDigest, digestFromScratch(tree), `after txn ${i}`);
  }
  t.is(tree.treeDigest, digestFromScratch(tree));
});

test('AdHash wraps at 64 bits and add/remove are inverse', (t) => {
  const h = new AdHash();
  h.remove(1);
  t.is(h.value, -1n);
  h.add(1);
  t.is(h.value, 0n);
  for (let i = 0; i < 3; i++) h.add(0xffffffff);
  t.is(h.value, 3n * 0xffffffffn);
  for (let i = 0; i < 3; i++) h.remove(0xffffffff);
  t.is(h.value, 0n);
});

test('with digests off the tree digest stays 0 and snapshots carry no digest section', (t) => {
  const tree = new DataTree({ digestEnabled: false });
  tree.applyTxn(parseTxn('1 10 1 create /a x world:anyone:31 p 1'));
  t.is(tree.treeDigest, 0n);
  t.is(tree.snapshotSource([]).digest(), null);
});

test('the root hashes as "" whichever name changed it', (t) => {
  const b = Buffer.alloc(60);
  t.is(nodeDigest('/', null, b), nodeDigest('', null, b));
  t.is(nodeDigest('/zookeeper/x', 'data', b), 0);
  t.not(nodeDigest('/zookeeper', null, b), 0);
});
