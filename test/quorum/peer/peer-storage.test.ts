// PeerStorage's two reloads that the peer runtime's sync fixes rely on: after a SNAP that no
// snapshot made durable, and after a TRUNC, which reports the zxid its reload reached (it can end
// below the TRUNC zxid when the snapshot holding the adopted history is dropped).

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ZkDatabase, type ZkDatabaseOptions } from '../../../src/persistence/database';
import { PeerStorage } from '../../../src/quorum/peer/peer-storage';
import { makeZxid } from '../../../src/quorum/types';
import { DataTree } from '../../../src/tree';
import { silentLogger } from '../../../src/util/logger';
import { createRun } from '../zab/support/txns';

async function storageIn(dir: string): Promise<{ storage: PeerStorage; close: () => Promise<void> }> {
  const opts: ZkDatabaseOptions = { dataDir: dir, logger: silentLogger };
  let db = await ZkDatabase.open(opts);
  const owner = { get db() { return db; }, databaseOptions: () => opts, replaceDatabase: (d: ZkDatabase) => void (db = d) };
  const storage = new PeerStorage({ owner: () => owner, log: silentLogger, configText: 'version=0', configVersion: 0n });
  await storage.load();
  return { storage, close: () => db.close() };
}

/** The tree a SNAP stream would bring (its content does not matter here), at `zxid`. */
function leaderTree(zxid: bigint): DataTree {
  const tree = new DataTree();
  tree.lastProcessedZxid = zxid;
  return tree;
}

test('reload drops an adopted SNAP tree that no snapshot saved', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-peer-storage-'));
  const { storage, close } = await storageIn(dir);
  try {
    const at = makeZxid(1n, 5n);
    await storage.adoptSnapshot(leaderTree(at), new Map([[0x42n, 30000]]), at);
    t.is(storage.tree.lastProcessedZxid, at);
    await storage.reload();
    t.is(storage.tree.lastProcessedZxid, 0n, 'only what is on disk is left');
    t.is(storage.db.sessions.size, 0);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a saved SNAP survives the reload; a TRUNC below its label reports the shorter reload', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-peer-storage-'));
  const { storage, close } = await storageIn(dir);
  try {
    // The log holds 0x100000001-2. A SNAP sync into epoch 2 brings history up to 0x100000004,
    // which the log lacks; its NEWLEADER snapshot is labelled 0x200000000, and 0x200000001-2
    // are logged after it (seed 93478 of the simulation, in small).
    await storage.persistTxns(createRun(1n, 1n, 2));
    storage.fastForward();
    const at = makeZxid(2n, 0n);
    await storage.adoptSnapshot(leaderTree(at), new Map(), at);
    await storage.takeSnapshot();
    await storage.persistTxns(createRun(2n, 1n, 2));
    await storage.reload();
    t.is(storage.tree.lastProcessedZxid, makeZxid(2n, 2n), 'the snapshot and the log after it');
    // TRUNC to 0x100000004: the snapshot above it is dropped and the log ends at 0x100000002.
    const reached = await storage.truncateLog(makeZxid(1n, 4n));
    t.is(reached, makeZxid(1n, 2n));
    t.is(storage.tree.lastProcessedZxid, reached);
  } finally {
    await close();
    rmSync(dir, { recursive: true, force: true });
  }
});
