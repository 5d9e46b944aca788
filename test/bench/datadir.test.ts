// The bench's generated dataDir (bench/resources/datadir.ts): zkts restores it with every znode,
// its snapshot records the digest of what it holds at the last zxid, and it is the state that the
// same creates applied one by one as txns would leave (equal tree digests, which cover every
// node's path, data and stat).

import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { FANOUT, LEAF_BYTES, lastZxid, leafData, writeDataDir } from '../../bench/resources/datadir';
import { restore } from '../../src/persistence/restore';
import { readSnapshot } from '../../src/persistence/snapshot';
import type { LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { DataTree } from '../../src/tree';

const LEAVES = 2 * FANOUT + 345; // two full parents and a partial one
const TIME0 = 1_700_000_000_000n;
const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function withDir(t: { teardown(f: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-datadir-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('zkts restores the generated dataDir with every znode and a checked digest', async (t) => {
  const dir = withDir(t);
  const info = await writeDataDir(dir, LEAVES);
  t.deepEqual(readdirSync(join(dir, 'version-2')), [`snapshot.${lastZxid(LEAVES).toString(16)}`]);
  // root, /zookeeper, /zookeeper/quota, /zookeeper/config, /bench, 3 parents, the leaves
  t.is(info.nodes, 4 + 1 + 3 + LEAVES);

  const r = await restore({ dataDir: dir });
  t.is(r.lastProcessedZxid, lastZxid(LEAVES));
  t.is(r.digestMismatches, 0);
  t.is(r.tree.getChildren('/bench')!.children.length, 3);
  t.is(r.tree.getChildren('/bench/a2')!.children.length, 345);
  const leaf = r.tree.getData('/bench/a1/n7')!;
  t.is(leaf.data!.length, LEAF_BYTES);
  t.deepEqual(leaf.data, leafData(FANOUT + 7));

  const file = await readSnapshot(info.file, { session() {}, aclEntry() {}, node() {}, digest() {} });
  t.is(file.nodes, info.nodes);
  t.not(file.digest, null);
  t.is(file.digest!.zxid, lastZxid(LEAVES));
  t.is(file.digest!.digest, r.tree.treeDigest);
});

test('the generated tree is what the same creates applied as txns produce', async (t) => {
  const dir = withDir(t);
  await writeDataDir(dir, LEAVES);
  const generated = (await restore({ dataDir: dir })).tree;

  const built = new DataTree();
  let zxid = 0n;
  const create = (path: string, data: Buffer): void => {
    zxid++;
    const txn: LoggedTxn = {
      header: { clientId: 0n, cxid: 0, zxid, time: TIME0 + zxid, type: OpCode.create },
      body: { type: OpCode.create, txn: { path, data, acl: OPEN_ACL, ephemeral: false, parentCVersion: -1 } },
      digest: null,
    };
    t.is(built.applyTxn(txn).err, 0, path);
  };
  create('/bench', Buffer.alloc(0));
  for (let i = 0, k = 0; k < LEAVES; i++) {
    create(`/bench/a${i}`, Buffer.alloc(0));
    for (let j = 0; j < FANOUT && k < LEAVES; j++, k++) create(`/bench/a${i}/n${j}`, leafData(k));
  }
  t.is(zxid, lastZxid(LEAVES));
  t.is(generated.nodeCount, built.nodeCount);
  t.deepEqual(generated.getData('/bench/a2')!.stat, built.getData('/bench/a2')!.stat);
  t.deepEqual(generated.getData('/bench')!.stat, built.getData('/bench')!.stat);
  t.deepEqual(generated.getData('/')!.stat, built.getData('/')!.stat);
  t.is(generated.treeDigest, built.treeDigest);
});

test('a bad leaf count is refused', async (t) => {
  const dir = withDir(t);
  await t.throwsAsync(writeDataDir(dir, -1), { message: /not a non-negative integer/ });
  await t.throwsAsync(writeDataDir(dir, 1.5), { message: /not a non-negative integer/ });
});
