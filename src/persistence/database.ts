// The durable database of a standalone server (the reference's ZKDatabase + SyncRequestProcessor):
// restore at open; then every txn is appended to the log with group commit and applied to the
// tree only once it is durable, in zxid order. After about snapCount txns (randomized like the
// reference, so ensemble members do not snapshot together) or snapSizeLimit bytes of log, the log
// rolls and a fuzzy snapshot is written in the background without blocking the event loop.

import { performance } from 'node:perf_hooks';
import { OpCode } from '../protocol/opcodes';
import type { ApplyResult, DataTree } from '../tree';
import { silentLogger, type Logger } from '../util/logger';
import { purge, writeSnapshot, type WriteSnapshotResult } from './snapshot';
import { restore, type RestoreOptions, type Restored } from './restore';
import type { DataDirs, SnapshotCompression } from './files';
import { TxnLogWriter, type TxnLogWriterOptions } from './txn-log';
import { encodeTxn, type LoggedTxn } from './txn';

export interface ZkDatabaseOptions extends RestoreOptions {
  /** zookeeper.snapCount (default 100000, minimum 2). */
  snapCount?: number;
  /** zookeeper.snapSizeLimitInKb in bytes; <= 0 is off. Default 4 GiB. */
  snapSizeLimitBytes?: number;
  /** zookeeper.snapshot.compression.method. */
  snapshotCompression?: SnapshotCompression;
  log?: Omit<TxnLogWriterOptions, 'logger' | 'lastZxid'>;
  /** autopurge.snapRetainCount (>= 3) and autopurge.purgeInterval in hours (0 = off). */
  autopurge?: { snapRetainCount: number; purgeIntervalHours: number };
  /** Random source for the snapshot jitter (tests pass a seeded one). */
  random?: () => number;
  /** Told how long each snapshot took to write (the snapshottime metric). */
  onSnapshotWritten?: (ms: number) => void;
}

/** How long opening took (dbinittime): the whole restore, in whole milliseconds. */
export interface OpenTimings {
  dbInitMs: number;
}

export const SNAP_COUNT_DEFAULT = 100_000;
export const SNAP_SIZE_LIMIT_BYTES_DEFAULT = 4 * 1024 * 1024 * 1024;

export class ZkDatabase {
  readonly tree: DataTree;
  readonly sessions: Map<bigint, number>;
  readonly restored: Restored;
  private readonly writer: TxnLogWriter;
  private readonly log: Logger;
  private readonly snapCount: number;
  private readonly snapSizeLimitBytes: number;
  private readonly random: () => number;
  private txnsSinceSnap = 0;
  private bytesSinceSnap = 0;
  private randRoll = 0;
  private randSize = 0;
  private snapshotInFlight: Promise<WriteSnapshotResult | null> | null = null;
  private purgeTimer: NodeJS.Timeout | null = null;
  private lastLoggedZxid: bigint;
  private closed = false;
  /** Snapshots written since open (file names), for operators and tests. */
  readonly snapshotsWritten: string[] = [];
  readonly openTimings: OpenTimings;

  private constructor(restored: Restored, private readonly opts: ZkDatabaseOptions, openTimings: OpenTimings) {
    this.openTimings = openTimings;
    this.restored = restored;
    this.tree = restored.tree;
    this.sessions = restored.sessions;
    this.log = opts.logger ?? silentLogger;
    this.random = opts.random ?? Math.random;
    this.snapCount = Math.max(2, opts.snapCount ?? SNAP_COUNT_DEFAULT);
    this.snapSizeLimitBytes = opts.snapSizeLimitBytes ?? SNAP_SIZE_LIMIT_BYTES_DEFAULT;
    this.lastLoggedZxid = restored.lastProcessedZxid < 0n ? 0n : restored.lastProcessedZxid;
    this.writer = new TxnLogWriter(restored.dirs.logDir, { ...opts.log, logger: this.log, lastZxid: this.lastLoggedZxid });
    this.resetSnapshotTrigger();
    const purgeHours = opts.autopurge?.purgeIntervalHours ?? 0;
    if (purgeHours > 0) {
      this.purgeTimer = setInterval(() => void this.purgeNow(), purgeHours * 3_600_000);
      this.purgeTimer.unref();
    }
  }

  static async open(opts: ZkDatabaseOptions): Promise<ZkDatabase> {
    const started = performance.now();
    const restored = await restore(opts);
    return new ZkDatabase(restored, opts, { dbInitMs: Math.floor(performance.now()) - Math.floor(started) });
  }

  /**
   * A database over a tree that came from elsewhere rather than from disk (a quorum learner's SNAP
   * sync): the txn log continues in the same directories. The caller has closed the previous
   * database and removed any logged txns above the tree's zxid; the tree reaches disk with the
   * next snapshot.
   */
  static adopt(tree: DataTree, sessions: Map<bigint, number>, dirs: DataDirs, opts: ZkDatabaseOptions): ZkDatabase {
    const restored: Restored = {
      tree,
      sessions,
      lastProcessedZxid: tree.lastProcessedZxid,
      dirs,
      snapshot: null,
      skippedSnapshots: [],
      txnsReplayed: 0,
      digestMismatches: 0,
      timings: { snapLoadMs: 0, txnsLoadMs: null, initialSnapshotMs: null },
    };
    return new ZkDatabase(restored, opts, { dbInitMs: 0 });
  }

  get lastProcessedZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  /** The highest zxid handed to the log (durable or not): the next txn takes the one after it. */
  get lastAppendedZxid(): bigint {
    return this.lastLoggedZxid;
  }

  /**
   * Logs `txn` and applies it once durable. Txns must be committed in zxid order; results
   * resolve in that order too (group-commit batches resolve in append order).
   */
  async commit(txn: LoggedTxn): Promise<ApplyResult> {
    await this.append(txn);
    return this.apply(txn);
  }

  /**
   * Logs `txn`; resolves once it is durable. The caller applies it with `apply` in zxid order —
   * the server does so in its final step, in request order with the reads around it, so that no
   * read observes a txn before that txn's watch events are sent (as the reference's pipeline).
   */
  append(txn: LoggedTxn): Promise<void> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    if (txn.header.zxid <= this.lastLoggedZxid) {
      throw new RangeError(`zxid 0x${txn.header.zxid.toString(16)} is not above the last logged 0x${this.lastLoggedZxid.toString(16)}`);
    }
    this.lastLoggedZxid = txn.header.zxid;
    const entry = encodeTxn(txn);
    this.maybeSnapshot(entry.length);
    return this.writer.append({ zxid: txn.header.zxid, entry });
  }

  /**
   * Like append, for a txn already encoded as its log entry (a PROPOSAL's data: header, body and
   * digest), so a quorum member logs the bytes it was sent without encoding them again.
   */
  appendEncoded(zxid: bigint, entry: Buffer): Promise<void> {
    if (this.closed) return Promise.reject(new Error('database is closed'));
    if (zxid <= this.lastLoggedZxid) {
      throw new RangeError(`zxid 0x${zxid.toString(16)} is not above the last logged 0x${this.lastLoggedZxid.toString(16)}`);
    }
    this.lastLoggedZxid = zxid;
    this.maybeSnapshot(entry.length);
    return this.writer.append({ zxid, entry });
  }

  /** Applies a durable txn to the tree and the session table. Txns must come in zxid order. */
  apply(txn: LoggedTxn): ApplyResult {
    if (txn.header.type === OpCode.createSession && txn.body.type === OpCode.createSession) {
      this.sessions.set(txn.header.clientId, txn.body.txn.timeOut);
    } else if (txn.header.type === OpCode.closeSession) {
      this.sessions.delete(txn.header.clientId);
    }
    return this.tree.applyTxn(txn);
  }

  private resetSnapshotTrigger(): void {
    this.randRoll = Math.floor(this.random() * (this.snapCount / 2));
    this.randSize = this.snapSizeLimitBytes > 0 ? Math.floor(this.random() * (this.snapSizeLimitBytes / 2)) : 0;
  }

  /** The reference's shouldSnapshot: counted before the txn that crosses the threshold is logged. */
  private maybeSnapshot(entryBytes: number): void {
    this.txnsSinceSnap++;
    this.bytesSinceSnap += entryBytes;
    const byCount = this.txnsSinceSnap > this.snapCount / 2 + this.randRoll;
    const bySize = this.snapSizeLimitBytes > 0 && this.bytesSinceSnap > this.snapSizeLimitBytes / 2 + this.randSize;
    if (!byCount && !bySize) return;
    this.resetSnapshotTrigger();
    this.txnsSinceSnap = 0;
    this.bytesSinceSnap = 0;
    this.writer.roll();
    if (this.snapshotInFlight !== null) {
      this.log.warn('too busy to snap, skipping');
      return;
    }
    // As the reference, the snapshot covers what is applied once the txns before this one are in.
    void this.snapshotNow();
  }

  /** Writes a snapshot named after the last applied zxid; resolves when it is durable. */
  snapshotNow(): Promise<WriteSnapshotResult | null> {
    if (this.snapshotInFlight !== null) return this.snapshotInFlight;
    const zxid = this.tree.lastProcessedZxid;
    const started = performance.now();
    const run = writeSnapshot(this.tree.snapshotSource(this.sessions), this.restored.dirs.snapDir, zxid, {
      compression: this.opts.snapshotCompression ?? '',
      logger: this.log,
    })
      .then((r) => {
        this.snapshotsWritten.push(r.file);
        this.opts.onSnapshotWritten?.(Math.floor(performance.now()) - Math.floor(started));
        this.log.info('snapshot written', { file: r.file, nodes: r.nodes, bytes: r.bytes });
        return r;
      })
      .catch((e: unknown) => {
        this.log.error('snapshot failed', { zxid, error: e instanceof Error ? e.message : String(e) });
        return null;
      })
      .finally(() => {
        this.snapshotInFlight = null;
      });
    this.snapshotInFlight = run;
    return run;
  }

  async purgeNow(): Promise<void> {
    const keep = this.opts.autopurge?.snapRetainCount ?? 3;
    try {
      const r = await purge(this.opts.dataDir, this.opts.dataLogDir, keep);
      this.log.info('purged old snapshots and logs', { deleted: r.deleted.length });
    } catch (e) {
      this.log.error('purge failed', { error: e instanceof Error ? e.message : String(e) });
    }
  }

  get logStats(): TxnLogWriter['stats'] {
    return this.writer.stats;
  }

  /** Waits for pending appends and any snapshot in flight, then closes the log. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.purgeTimer !== null) clearInterval(this.purgeTimer);
    await this.writer.close();
    if (this.snapshotInFlight !== null) await this.snapshotInFlight;
  }
}
