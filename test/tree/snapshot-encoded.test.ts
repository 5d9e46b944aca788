// The snapshot load's fast path (the parser hands DataTreeLoader.encodedNode the file's bytes; the
// stat is copied into the slab without bigints, the parent comes from a cache) must build exactly
// the tree the generic path (node() with a decoded DataNode) builds, and hold the input's values.

import test from 'ava';
import type { SnapshotNode, SnapshotSink, SnapshotSource } from '../../src/persistence/snapshot-contract';
import { readSnapStream, serializeSnapshotChunks, SnapshotParser } from '../../src/persistence/snapshot';
import type { AclCacheEntry, StatPersisted } from '../../src/protocol/generated';
import { DataTree, type DataTreeOptions } from '../../src/tree';
import { prng, randomBytes } from '../support/prng';

const ACL_ENTRIES: AclCacheEntry[] = [
  { index: 1n, acls: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] },
  { index: 2n, acls: [{ perms: 1, id: { scheme: 'digest', id: 'u:p' } }] },
];
// Owners: none, sessions, a container, TTLs, and values only a broken writer would produce.
const OWNERS = [0n, 0n, 0n, 0x1234n, 0x7fffffffffffffffn, -0x8000000000000000n, -0x7fffff0000000000n, 0xff00000000000005n - (1n << 64n)];

function long(next: () => number): bigint {
  const hi = BigInt(Math.floor(next() * 2 ** 32));
  const lo = BigInt(Math.floor(next() * 2 ** 32));
  return BigInt.asIntN(64, (hi << 32n) | lo);
}

function int(next: () => number): number {
  return Math.floor(next() * 2 ** 32) | 0;
}

/** A random tree in pre-order: deep chains, wide siblings, UTF-8 names, every data shape, one duplicate path. */
function randomNodes(seed: number, count: number): SnapshotNode[] {
  const next = prng(seed);
  const out: SnapshotNode[] = [];
  const paths: string[] = [''];
  const dataSizes = [-1, 0, 1, 100, 1024, 1025, 3000];
  const mk = (path: string): SnapshotNode => {
    const size = dataSizes[Math.floor(next() * dataSizes.length)]!;
    const stat: StatPersisted = {
      czxid: long(next),
      mzxid: long(next),
      ctime: long(next),
      mtime: long(next),
      version: int(next),
      cversion: int(next),
      aversion: int(next),
      ephemeralOwner: path === '' ? 0n : OWNERS[Math.floor(next() * OWNERS.length)]!,
      pzxid: long(next),
    };
    const acl = [-1n, 1n, 2n, 7n][Math.floor(next() * 4)]!;
    return { path, node: { data: size < 0 ? null : randomBytes(next, size), acl, stat } };
  };
  // Pre-order generation: a stack of open parents; each step opens a child of the top or closes it.
  const stack: string[] = [''];
  out.push(mk(''));
  // The system subtree: its nodes are left out of the digest ("/zookeeper" itself is not).
  for (const p of ['/zookeeper', '/zookeeper/quota', '/zookeeper/quota/x', '/zookeeper/config']) out.push(mk(p));
  let i = 0;
  while (out.length < count) {
    const top = stack[stack.length - 1]!;
    if (stack.length > 1 && next() < 0.25) {
      stack.pop();
      continue;
    }
    const name = next() < 0.2 ? `ü€${i}` : `n${i}`;
    i++;
    const path = `${top}/${name}`;
    out.push(mk(path));
    paths.push(path);
    if (next() < 0.4) stack.push(path);
  }
  // The same path again (the reference keeps the last one), then a child under it. The parser
  // wants every parent to be an ancestor in the walk, so the duplicate hangs off the root.
  const dup = paths.filter((p) => p.lastIndexOf('/') === 0)[0]!;
  out.push(mk(dup), mk(`${dup}/after-dup`));
  return out;
}

function sourceOf(nodes: SnapshotNode[]): SnapshotSource {
  return {
    sessions: () => [[5n, 30000]],
    aclEntries: () => ACL_ENTRIES,
    nodes: () => nodes,
    digest: () => null,
  };
}

/** The loader behind a sink that only has the generic methods, so the parser decodes each node. */
function genericSink(tree: DataTreeOptions): { sink: SnapshotSink; finish: () => DataTree } {
  const loader = DataTree.loader(tree);
  const sink: SnapshotSink = {
    session: (id, t) => loader.session(id, t),
    aclEntry: (e) => loader.aclEntry(e),
    node: (p, n) => loader.node(p, n),
    digest: (d) => loader.digest(d),
  };
  return { sink, finish: () => loader.finish() };
}

function fingerprint(tree: DataTree): unknown {
  const nodes = [...tree.snapshotSource([]).nodes()].map(({ path, node }) => ({
    path,
    data: node.data?.toString('hex') ?? null,
    acl: node.acl,
    stat: node.stat,
    client: tree.clientStat(path),
  }));
  return {
    nodes,
    digest: tree.treeDigest,
    count: tree.nodeCount,
    size: tree.computeApproximateDataSize(),
    acls: tree.aclCacheSize,
    eph: [...tree.ephemeralIndex].map(([k, v]) => [k, [...v].sort()]),
    containers: [...tree.containerPaths].sort(),
    ttls: [...tree.ttlPaths].sort(),
  };
}

for (const options of [{}, { extendedTypesEnabled: true }] as DataTreeOptions[]) {
  test(`encoded and generic loads build the same tree (extendedTypes ${options.extendedTypesEnabled === true})`, (t) => {
    const nodes = randomNodes(options.extendedTypesEnabled === true ? 11 : 7, 3000);
    const bytes = Buffer.concat([...serializeSnapshotChunks(sourceOf(nodes), 'sync')]);

    const fast = DataTree.loader(options);
    t.is(typeof fast.encodedNode, 'function'); // the fast path is what readSnapStream will use
    readSnapStream(bytes, fast);
    const fastTree = fast.finish();
    const slow = genericSink(options);
    readSnapStream(bytes, slow.sink);
    const slowTree = slow.finish();

    t.deepEqual(fingerprint(fastTree), fingerprint(slowTree));
    // And both hold the input: the last record for each path wins.
    const last = new Map(nodes.map((n) => [n.path, n.node]));
    t.is(fastTree.nodeCount, new Set(nodes.map((n) => n.path)).size + 1); // + the "/" alias
    for (const [path, node] of last) {
      t.deepEqual(fastTree.persistedStatOf(fastTree.rawNode(path)!), node.stat, path);
      t.deepEqual(fastTree.getData(path)?.data?.toString('hex') ?? null, node.data?.toString('hex') ?? null, path);
    }
  });
}

test('the encoded load finds parents across chunk boundaries and deep returns (1-byte and odd chunks)', (t) => {
  const nodes = randomNodes(3, 400);
  const bytes = Buffer.concat([...serializeSnapshotChunks(sourceOf(nodes), 'sync')]);
  const expected = genericSink({});
  readSnapStream(bytes, expected.sink);
  const want = fingerprint(expected.finish());
  for (const size of [1, 7, 333]) {
    const loader = DataTree.loader({});
    const parser = new SnapshotParser(loader, 'sync');
    let rest: Buffer | null = null;
    for (let at = 0; at < bytes.length && rest === null; at += size) rest = parser.push(bytes.subarray(at, at + size));
    t.not(rest, null);
    parser.end();
    t.deepEqual(fingerprint(loader.finish()), want, `chunks of ${size}`);
  }
});

test('the encoded load refuses a node whose parent is missing, as the generic one does', (t) => {
  const next = prng(1);
  const stat = (): StatPersisted => ({ czxid: 1n, mzxid: 1n, ctime: long(next), mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: 1n });
  const loader = DataTree.loader({});
  const buf = Buffer.alloc(60);
  const enc = (path: string): void => loader.encodedNode(path, buf, 0, 4, -1, -1, 0);
  enc('');
  enc('/a');
  t.throws(() => enc('/b/c'), { message: /no parent for "\/b\/c"/ });
  t.throws(() => enc('/ab/c'), { message: /no parent/ }); // "/a" cached: a prefix is not a parent
  t.truthy(stat());
});

test('an owner the extended types reject fails both loads the same way', (t) => {
  const nodes = randomNodes(5, 20);
  nodes[5]!.node.stat.ephemeralOwner = -1n; // 0xff.. with a TTL above the limit
  const bytes = Buffer.concat([...serializeSnapshotChunks(sourceOf(nodes), 'sync')]);
  const fast = t.throws(() => readSnapStream(bytes, DataTree.loader({ extendedTypesEnabled: true })));
  const slow = t.throws(() => readSnapStream(bytes, genericSink({ extendedTypesEnabled: true }).sink));
  t.is(fast?.message, slow?.message);
  t.regex(fast?.message ?? '', /invalid ephemeralOwner 0xffffffffffffffff/);
});
