// A quorum member's durable state beyond a standalone server's: the epoch files, the committed log
// a leader syncs learners from, the txns logged but not yet committed (applied when the peer goes
// back to LOOKING, as the reference's fastForwardDataBase), TRUNC and SNAP (which replace the
// database), and the /zookeeper/config node (QuorumVerifier.toString(), as
// ZKDatabase.initConfigInZKDatabase writes it: data version -1, mzxid = the config version).

import { promises as fsp } from 'node:fs';
import { ZkDatabase, type ZkDatabaseOptions } from '../../persistence/database';
import { ACCEPTED_EPOCH_FILE, CURRENT_EPOCH_FILE, loadEpochs, writeEpochFile } from '../../persistence/epoch';
import { listSnapshots } from '../../persistence/files';
import { lastLoggedZxid, truncateTxnLog } from '../../persistence/txn-log';
import { CONFIG_PATH, type DataTree, DataTree as Tree, type DataTreeLoader } from '../../tree';
import type { Logger } from '../../util/logger';
import type { Zxid } from '../types';
import { CommittedLog, COMMIT_LOG_COUNT_DEFAULT } from '../zab/committed-log';
import type { ZabTxn } from '../zab/common';
import type { SyncProposal } from '../zab/sync-planner';

/** The server side that owns the open database (ZkServer). */
export interface DatabaseOwner {
  readonly db: ZkDatabase;
  /** The options the server opens its database with (log writer, snapshots, tree). */
  databaseOptions(): ZkDatabaseOptions;
  /** Only while not serving. */
  replaceDatabase(db: ZkDatabase): void;
}

export interface PeerStorageOptions {
  /** The server holding the database (it exists once restore has run). */
  readonly owner: () => DatabaseOwner;
  readonly log: Logger;
  /** QuorumVerifier.toString() of the static config, and its version. */
  readonly configText: string;
  readonly configVersion: bigint;
  readonly commitLogCount?: number;
}

export class PeerStorage {
  acceptedEpoch = 0n;
  currentEpoch = 0n;
  committedLog: CommittedLog;
  /** Handed to the log and not yet applied, in zxid order. */
  private logged: ZabTxn[] = [];
  private readonly log: Logger;
  /** The config activated by a reconfig, replacing the start-up one in the options. */
  private config: { text: string; version: bigint } | null = null;

  constructor(private readonly o: PeerStorageOptions) {
    this.log = o.log.child({ component: 'peer-storage' });
    this.committedLog = new CommittedLog(o.commitLogCount ?? COMMIT_LOG_COUNT_DEFAULT);
  }

  get db(): ZkDatabase {
    return this.o.owner().db;
  }

  get tree(): DataTree {
    return this.db.tree;
  }

  get snapDir(): string {
    return this.db.restored.dirs.snapDir;
  }

  /** What restore should call for each replayed txn: it becomes part of the committed log. */
  readonly onReplayedTxn = (txn: { header: { zxid: bigint } }, entry: Buffer): void => {
    this.remember({ zxid: txn.header.zxid, bytes: entry });
  };

  /** Start-up (QuorumPeer.loadDataBase): epochs checked against the loaded tree, config node set. */
  async load(): Promise<void> {
    const e = await loadEpochs(this.snapDir, this.tree.lastProcessedZxid);
    this.currentEpoch = e.currentEpoch;
    this.acceptedEpoch = e.acceptedEpoch;
    this.initConfigNode();
  }

  /** ZKDatabase.initConfigInZKDatabase: not a txn; /zookeeper nodes are outside the digest. */
  initConfigNode(tree: DataTree = this.tree): void {
    const c = this.config ?? { text: this.o.configText, version: this.o.configVersion };
    if (!tree.has(CONFIG_PATH)) tree.addConfigNode();
    tree.setData(CONFIG_PATH, Buffer.from(c.text, 'utf8'), -1, c.version, BigInt(Date.now()), []);
  }

  /** A reconfig was activated: the config node holds it from now on (and after a SNAP or reload). */
  setConfig(text: string, version: bigint): void {
    this.config = { text, version };
    this.initConfigNode();
  }

  // ---- disk outputs of the Zab machines ----

  persistTxns(txns: readonly ZabTxn[]): Promise<void> {
    const db = this.db;
    const done: Promise<void>[] = [];
    for (const t of txns) {
      this.logged.push(t);
      done.push(db.appendEncoded(t.zxid, t.bytes));
    }
    return done.length === 1 ? done[0]! : Promise.all(done).then(() => undefined);
  }

  async persistEpoch(which: 'accepted' | 'current', epoch: bigint): Promise<void> {
    await writeEpochFile(this.snapDir, which === 'accepted' ? ACCEPTED_EPOCH_FILE : CURRENT_EPOCH_FILE, epoch);
    if (which === 'accepted') this.acceptedEpoch = epoch;
    else this.currentEpoch = epoch;
  }

  async takeSnapshot(): Promise<void> {
    const r = await this.db.snapshotNow();
    if (r === null) throw new Error('the snapshot could not be written (see the log)');
  }

  /** A committed txn reached the tree: keep it for DIFF syncs, and it is no longer pending. */
  applied(t: ZabTxn): void {
    this.remember(t);
    while (this.logged.length > 0 && this.logged[0]!.zxid <= t.zxid) this.logged.shift();
  }

  /**
   * TRUNC: cut the log after `zxid`, drop snapshots beyond it, and reload from disk. Resolves to
   * the zxid the reload reached, which the learner checks against `zxid` (it can end below it).
   */
  async truncateLog(zxid: Zxid): Promise<Zxid> {
    const dirs = this.db.restored.dirs;
    await this.db.close();
    truncateTxnLog(dirs.logDir, zxid, { logger: this.log });
    await this.dropSnapshotsAbove(zxid);
    await this.reopen();
    return this.tree.lastProcessedZxid;
  }

  /**
   * A learner's role ended after a SNAP stream became the database but before a snapshot made it
   * durable: drop the in-memory tree and load what is on disk (ZooKeeperServer.shutdown(true)
   * clears the database; the next loadData reads the disk).
   */
  async reload(): Promise<void> {
    await this.db.close();
    await this.reopen();
  }

  /** A tree loader with the database's tree options, for a SNAP stream. */
  treeLoader(): DataTreeLoader {
    return Tree.loader(this.o.owner().databaseOptions().tree);
  }

  /**
   * SNAP: the received tree becomes the database. Logged txns above it can only be ones the leader
   * never committed (it would have sent DIFF or TRUNC otherwise); they are cut so a restart
   * cannot replay them over the new tree.
   */
  async adoptSnapshot(tree: DataTree, sessions: Map<bigint, number>, zxid: Zxid): Promise<void> {
    const dirs = this.db.restored.dirs;
    await this.db.close();
    if (lastLoggedZxid(dirs.logDir) > zxid) truncateTxnLog(dirs.logDir, zxid, { logger: this.log });
    await this.dropSnapshotsAbove(zxid);
    // ZOOKEEPER-2819: with reconfig off, the local config replaces the leader's.
    this.initConfigNode(tree);
    this.o.owner().replaceDatabase(ZkDatabase.adopt(tree, sessions, dirs, this.o.owner().databaseOptions()));
    this.logged = [];
    this.committedLog = new CommittedLog(this.committedLog.countMax);
  }

  /**
   * Back to LOOKING (ZooKeeperServer.shutdown -> fastForwardDataBase): txns this server logged but
   * never saw committed are applied, so the election sees everything on disk. Call once the disk
   * queue is idle.
   */
  fastForward(): number {
    let n = 0;
    for (const t of this.logged) {
      if (t.zxid <= this.tree.lastProcessedZxid) continue;
      this.db.apply(t.txn);
      this.remember(t);
      n++;
    }
    this.logged = [];
    if (n > 0) this.log.info('applied logged txns that were never committed here', { count: n, zxid: this.tree.lastProcessedZxid });
    return n;
  }

  /** The committed log as the leader machine takes it. */
  committedProposals(): SyncProposal[] {
    return this.committedLog.toArray();
  }

  private remember(p: SyncProposal): void {
    const last = this.committedLog.last();
    if (last === undefined || p.zxid > last.zxid) this.committedLog.add({ zxid: p.zxid, bytes: p.bytes });
  }

  private async reopen(): Promise<void> {
    this.committedLog = new CommittedLog(this.committedLog.countMax);
    this.logged = [];
    const db = await ZkDatabase.open({ ...this.o.owner().databaseOptions(), onTxn: this.onReplayedTxn });
    this.initConfigNode(db.tree);
    this.o.owner().replaceDatabase(db);
    this.log.info('database reloaded', { zxid: db.lastProcessedZxid });
  }

  private async dropSnapshotsAbove(zxid: Zxid): Promise<void> {
    for (const s of await listSnapshots(this.snapDir)) {
      if (s.zxid <= zxid) continue;
      this.log.warn('removing a snapshot newer than the leader\'s history', { file: s.name });
      await fsp.unlink(s.path);
    }
  }
}
