// Java -> zkts: Apache ZooKeeper 3.8.0 runs a workload that logs every txn type, rolls logs and
// takes snapshots; zkts restores the dataDir and must hold the identical tree: every path, data,
// ACL and Stat field as Java reported them to a client, plus the live sessions.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { restore } from '../../src/persistence/restore';
import { startJavaServer } from '../support/java-server';
import { dumpRestoredTree } from '../../test/support/tree-dump';
import { dumpTree, runWorkload } from './workload';

for (const compression of ['', 'snappy'] as const) {
  test(`a dataDir written by Java 3.8.0 (snapshots: ${compression || 'plain'}) restores to the identical tree`, async (t) => {
    const server = await startJavaServer({
      config: { snapCount: '100', preAllocSize: '1024' },
      properties: {
        'zookeeper.extendedTypesEnabled': 'true',
        'znode.container.checkIntervalMs': '1000',
        'zookeeper.snapshot.compression.method': compression,
      },
    });
    let keeperSession = 0n;
    let javaView;
    try {
      const keeper = await runWorkload(server.host, server.port, { rounds: 12, reaping: true });
      keeperSession = keeper.sessionId;
      javaView = await dumpTree(server.host, server.port);
      // The keeper's session stays open: it must come back as a live session with its ephemeral.
    } finally {
      await server.stop();
    }
    const files = readdirSync(join(server.dataDir, 'version-2'));
    const logs = files.filter((f) => f.startsWith('log.'));
    const snaps = files.filter((f) => f.startsWith('snapshot.') && f !== 'snapshot.0');
    t.true(logs.length >= 2, `logs rolled: ${logs.join(' ')}`);
    t.true(snaps.length >= 2, `snapshots taken: ${snaps.join(' ')}`);
    if (compression === 'snappy') t.true(snaps.every((f) => f.endsWith('.snappy')), snaps.join(' '));

    const restored = await restore({ dataDir: server.dataDir, tree: { extendedTypesEnabled: true } });
    t.true(restored.txnsReplayed > 0);
    t.is(restored.digestMismatches, 0);
    t.deepEqual(restored.skippedSnapshots, []);
    const ours = dumpRestoredTree(restored.tree);
    t.is(ours.length, javaView.length);
    t.deepEqual(ours, javaView);
    t.true(restored.sessions.has(keeperSession), 'the live session is restored');
    t.deepEqual(restored.tree.getEphemerals(keeperSession), ['/app/eph-live']);
    t.log(
      `${javaView.length} nodes identical; ${logs.length} logs, ${snaps.length} snapshots; snapshot ${restored.snapshot?.file} ` +
        `+ ${restored.txnsReplayed} txns replayed to zxid 0x${restored.lastProcessedZxid.toString(16)}`,
    );
  });
}
