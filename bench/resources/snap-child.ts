// zkts's snapshot load and write times, measured the way the server pays them at start-up, in a
// fresh node process (cold JIT, like a server starting): `restore()` of a dataDir (what
// ZkServer.start runs: find the newest snapshot, parse it into a DataTree, replay logs), then
// `writeSnapshot` of the loaded tree into a scratch directory without fsync. The Java side of the
// comparison is the server's own start-up: ZKDatabase.loadDataBase (mntr zk_max_db_init_time) and
// the snapshot ZooKeeperServer.loadData takes before serving (zk_max_snapshottime), which it
// writes without fsync (takeSnapshot(syncSnap=false)).
//
//   node dist/bench/resources/snap-child.js <dataDir> <scratchDir>   # prints RESULT {...}

import { performance } from 'node:perf_hooks';
import { restore } from '../../src/persistence/restore';
import { writeSnapshot } from '../../src/persistence/snapshot';

export interface SnapTimes {
  nodes: number;
  loadMs: number;
  writeMs: number;
  bytes: number;
}

export async function snapTimes(dataDir: string, scratchDir: string): Promise<SnapTimes> {
  const t0 = performance.now();
  const r = await restore({ dataDir });
  const loadMs = performance.now() - t0;
  if (r.snapshot === null) throw new Error(`no snapshot in ${dataDir}`);
  const t1 = performance.now();
  const w = await writeSnapshot(r.tree.snapshotSource(r.sessions), scratchDir, r.lastProcessedZxid, { compression: '', fsync: false });
  const writeMs = performance.now() - t1;
  return { nodes: r.tree.nodeCount, loadMs, writeMs, bytes: w.bytes };
}

if (require.main === module) {
  const [dataDir, scratch] = process.argv.slice(2);
  if (dataDir === undefined || scratch === undefined) {
    process.stderr.write('usage: snap-child.js <dataDir> <scratchDir>\n');
    process.exit(2);
  }
  snapTimes(dataDir, scratch).then(
    (t) => process.stdout.write(`RESULT ${JSON.stringify(t)}\n`),
    (e: unknown) => {
      process.stderr.write(`snap-child: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(1);
    },
  );
}
