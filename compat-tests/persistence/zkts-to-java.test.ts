// zkts -> Java: the txn stream of the workload is written by zkts's own write path (group-committed
// log, apply when durable, fuzzy background snapshots) into a fresh dataDir. The reference's
// TxnLogToolkit and SnapshotFormatter must read every file, and Apache ZooKeeper 3.8.0 started on
// that dataDir must serve the tree it served when it ran the workload itself.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { ZkDatabase } from '../../src/persistence/database';
import { openTxnIterator } from '../../src/persistence/txn-log';
import type { LoggedTxn } from '../../src/persistence/txn';
import { JAVA_CLASSPATH, startJavaServer } from '../support/java-server';
import { dumpTree, runWorkload } from './workload';

const TOOLS_CP = `${JAVA_CLASSPATH}:/usr/share/java/commons-cli.jar`;
const JAVA_PROPS = {
  'zookeeper.extendedTypesEnabled': 'true',
  'znode.container.checkIntervalMs': '1000',
};

function javaTool(cls: string, ...args: string[]): string {
  return execFileSync('java', ['-cp', TOOLS_CP, cls, ...args], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
}

for (const compression of ['', 'gz', 'snappy'] as const) {
  test(`a dataDir written by zkts (snapshots: ${compression || 'plain'}) is read by the Java tools and served by Java 3.8.0`, async (t) => {
    // 1. The workload on Java, to get its txn stream and the tree it serves.
    const source = await startJavaServer({ config: { snapCount: '100', preAllocSize: '1024' }, properties: JAVA_PROPS });
    let javaView;
    try {
      const keeper = await runWorkload(source.host, source.port, { rounds: 12, reaping: true });
      javaView = await dumpTree(source.host, source.port);
      keeper.destroy();
    } finally {
      await source.stop();
    }
    const txns: LoggedTxn[] = [];
    for (const r of openTxnIterator(join(source.dataDir, 'version-2'), 1n)) txns.push(r.txn);

    // 2. The same txns through zkts's write path into a fresh dataDir.
    const dataDir = mkdtempSync(join(tmpdir(), 'zkts-written-'));
    const db = await ZkDatabase.open({
      dataDir,
      snapCount: 100,
      snapshotCompression: compression,
      tree: { extendedTypesEnabled: true },
      log: { preAllocSizeBytes: 1024 * 1024 },
    });
    // Up to 16 commits in flight, as a busy server would have: batches share fsyncs.
    const inFlight = new Set<Promise<unknown>>();
    for (const x of txns) {
      const p: Promise<unknown> = db.commit(x).finally(() => inFlight.delete(p));
      inFlight.add(p);
      if (inFlight.size >= 16) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await db.snapshotNow();
    await db.close();
    t.is(db.tree.digestMismatches, 0, 'every Java txn digest matched our tree');

    // 3. The reference's tools read every file we wrote.
    const v2 = join(dataDir, 'version-2');
    const files = readdirSync(v2);
    const logs = files.filter((f) => f.startsWith('log.'));
    const snaps = files.filter((f) => f.startsWith('snapshot.') && f !== 'snapshot.0');
    t.true(logs.length >= 2 && snaps.length >= 2, files.join(' '));
    let dumped = 0;
    for (const f of logs) {
      const out = javaTool('org.apache.zookeeper.server.persistence.TxnLogToolkit', '-d', join(v2, f));
      const m = /EOF reached after (\d+) txns\./.exec(out);
      t.truthy(m, `${f}: ${out.slice(-200)}`);
      t.notRegex(out, /CRC|Exception/);
      dumped += Number(m?.[1] ?? 0);
    }
    t.is(dumped, txns.length, 'TxnLogToolkit lists every txn');
    for (const f of snaps) {
      if (compression !== '') t.true(f.endsWith(`.${compression}`), f);
      const out = javaTool('org.apache.zookeeper.server.SnapshotFormatter', join(v2, f));
      t.regex(out, /^ZNode Details \(count=\d+\):/, f);
      t.regex(out, /Last zxid: 0x[0-9a-f]+/, f);
    }

    // 4. Java 3.8.0 starts on our dataDir and serves the identical tree.
    const server = await startJavaServer({ dataDir, properties: JAVA_PROPS });
    try {
      const served = await dumpTree(server.host, server.port);
      t.deepEqual(served, javaView);
      t.log(`${txns.length} txns, ${logs.length} logs, ${snaps.length} snapshots; Java serves the same ${served.length} nodes`);
    } finally {
      await server.stop();
    }
  });
}
