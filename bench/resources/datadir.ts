// Builds a dataDir holding N znodes of 100 bytes for the memory and start-up figures: one snapshot
// written by zkts's own snapshot code, in the on-disk format both servers read, so the same
// directory (copied per run) is what Apache ZooKeeper and zkts start from. Much faster than
// creating 1M znodes through a client, and the bytes are identical for both servers.
//
// Shape: /bench/a<i>/n<j>, 1000 leaves of 100 bytes per parent, open ACL (one ACL-cache entry, as
// client creates with OPEN_ACL_UNSAFE produce), no sessions. Nodes are numbered in creation order
// (zxid 1 is /bench, then each parent followed by its leaves), and the stats say so: czxid = mzxid
// = the node's zxid, a parent's cversion = its child count and pzxid = its last child's zxid. The
// tree goes through DataTree.loader(), which computes the tree digest the way the reference does;
// the snapshot records it at the last zxid, so a Java server checks it on load (mntr reports
// zk_digest_mismatches_count).
//
//   node dist/bench/resources/datadir.js <dataDir> <leaves>     # prints RESULT {...} on stdout

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeSnapshot } from '../../src/persistence/snapshot';
import type { SnapshotSource } from '../../src/persistence/snapshot-contract';
import type { DataNode, StatPersisted } from '../../src/protocol/generated';
import { DataTree } from '../../src/tree';

export const LEAF_BYTES = 100;
export const FANOUT = 1000;
const TIME0 = 1_700_000_000_000n;
const ACL_INDEX = 1n;
const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export interface DataDirInfo {
  dataDir: string;
  /** The snapshot file (snapshot.<zxid hex>, uncompressed). */
  file: string;
  leaves: number;
  /** All znodes in the snapshot, the root and /zookeeper ones included. */
  nodes: number;
  zxid: bigint;
  bytes: number;
  /** Building the tree in memory, and writing + fsyncing the snapshot. */
  buildMs: number;
  writeMs: number;
}

/** Leaf k's 100 bytes: "<k>:" then letters, so no two leaves have the same data. */
export function leafData(k: number): Buffer {
  const b = Buffer.allocUnsafe(LEAF_BYTES);
  const prefix = `${k}:`;
  for (let m = 0; m < LEAF_BYTES; m++) b[m] = m < prefix.length ? prefix.charCodeAt(m) : 0x61 + ((k + m * 7) % 26);
  return b;
}

function stat(zxid: bigint, cversion: number, pzxid: bigint): StatPersisted {
  const time = TIME0 + zxid;
  return { czxid: zxid, mzxid: zxid, ctime: time, mtime: time, version: 0, cversion, aversion: 0, ephemeralOwner: 0n, pzxid };
}

/** The zxid of the last node created for `leaves` leaves: /bench, the parents, the leaves. */
export function lastZxid(leaves: number): bigint {
  return BigInt(1 + Math.ceil(leaves / FANOUT) + leaves);
}

/** Every node in pre-order: the system nodes of an empty tree, then /bench and its subtree. */
function* benchNodes(leaves: number): Generator<{ path: string; node: DataNode }> {
  const parents = Math.ceil(leaves / FANOUT);
  const empty = Buffer.alloc(0);
  const system = new DataTree().snapshotSource([]);
  for (const n of system.nodes()) {
    // The root gained one child, /bench, at zxid 1 (the system nodes are not counted, as in the reference).
    if (n.path === '') yield { path: '', node: { ...n.node, stat: { ...n.node.stat, cversion: 1, pzxid: 1n } } };
    else yield n;
  }
  const benchPzxid = parents === 0 ? 1n : lastZxid(leaves) - BigInt(leaves - (parents - 1) * FANOUT);
  yield { path: '/bench', node: { data: empty, acl: ACL_INDEX, stat: stat(1n, parents, benchPzxid) } };
  let zxid = 1n;
  let k = 0;
  for (let i = 0; i < parents; i++) {
    const kids = Math.min(FANOUT, leaves - k);
    const parentZxid = ++zxid;
    const parent = `/bench/a${i}`;
    yield { path: parent, node: { data: empty, acl: ACL_INDEX, stat: stat(parentZxid, kids, parentZxid + BigInt(kids)) } };
    for (let j = 0; j < kids; j++, k++) {
      const z = ++zxid;
      yield { path: `${parent}/n${j}`, node: { data: leafData(k), acl: ACL_INDEX, stat: stat(z, 0, z) } };
    }
  }
}

/** Builds the tree in memory (digest included) and writes it as `<dataDir>/version-2/snapshot.<zxid>`. */
export async function writeDataDir(dataDir: string, leaves: number): Promise<DataDirInfo> {
  if (!Number.isSafeInteger(leaves) || leaves < 0) throw new Error(`leaves ${leaves}: not a non-negative integer`);
  const zxid = lastZxid(leaves);
  const t0 = performance.now();
  const loader = DataTree.loader();
  loader.aclEntry({ index: ACL_INDEX, acls: OPEN_ACL });
  for (const { path, node } of benchNodes(leaves)) loader.node(path, node);
  loader.digest(null);
  const tree = loader.finish(zxid);
  // Records (zxid, digest) as after applying the last txn, so the snapshot carries a checked digest.
  tree.logZxidDigest(zxid);
  const buildMs = performance.now() - t0;
  const snapDir = join(dataDir, 'version-2');
  mkdirSync(snapDir, { recursive: true });
  const source: SnapshotSource = tree.snapshotSource([]);
  const t1 = performance.now();
  const w = await writeSnapshot(source, snapDir, zxid, { compression: '', fsync: true });
  const writeMs = performance.now() - t1;
  return { dataDir, file: w.file, leaves, nodes: w.nodes, zxid, bytes: w.bytes, buildMs, writeMs };
}

if (require.main === module) {
  const [dir, n] = process.argv.slice(2);
  if (dir === undefined || n === undefined) {
    process.stderr.write('usage: datadir.js <dataDir> <leaves>\n');
    process.exit(2);
  }
  writeDataDir(dir, Number(n)).then(
    (info) => process.stdout.write(`RESULT ${JSON.stringify({ ...info, zxid: info.zxid.toString() })}\n`),
    (e: unknown) => {
      process.stderr.write(`datadir: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
