// Start-up load: the newest readable snapshot, then every logged txn after it, as the reference's
// FileTxnSnapLog.restore does. Unreadable snapshots are skipped with a warning (up to 100 are
// tried); a corrupt txn log refuses the start with the file and offset; a dataDir with logs but no
// snapshot refuses unless zookeeper.snapshot.trust.empty is set.

import { performance } from 'node:perf_hooks';
import { OpCode } from '../protocol/opcodes';
import { DataTree } from '../tree';
import type { DataTreeOptions } from '../tree/types';
import { silentLogger, type Logger } from '../util/logger';
import { consumeInitializeFile, prepareDataDirs, type DataDirs } from './files';
import { findValidSnapshots, readSnapshot, SnapshotCorruptError, writeSnapshot } from './snapshot';
import { lastLoggedZxid, openTxnIterator } from './txn-log';
import type { LoggedTxn } from './txn';

/** How many valid-looking snapshots the reference tries before giving up. */
export const SNAPSHOTS_TRIED_MAX = 100;

export interface RestoreOptions {
  dataDir: string;
  dataLogDir?: string;
  tree?: DataTreeOptions;
  logger?: Logger;
  /** zookeeper.snapshot.trust.empty: start from logs alone when no snapshot exists. */
  trustEmptySnapshot?: boolean;
  /** zookeeper.db.autocreate (default true): an empty dataDir starts an empty database. */
  autocreateDb?: boolean;
  /** Called for every replayed txn after it is applied (e.g. to fill the leader's committed log). */
  onTxn?: (txn: LoggedTxn, entry: Buffer) => void;
}

export interface Restored {
  tree: DataTree;
  /** Session id -> timeout (ms) of the sessions alive at the zxid reached. */
  sessions: Map<bigint, number>;
  /** The zxid reached: -1 when the database is possibly missing data (empty, not trusted). */
  lastProcessedZxid: bigint;
  dirs: DataDirs;
  snapshot: { file: string; zxid: bigint } | null;
  /** Snapshots that could not be read, newest first, with the reason. */
  skippedSnapshots: { file: string; reason: string }[];
  txnsReplayed: number;
  digestMismatches: number;
  /** How long the start-up steps took, for the metrics (startup_snap_load_time and friends). */
  timings: RestoreTimings;
}

/** Milliseconds (whole, as the reference's elapsed-time clock gives them); null: the step did not run. */
export interface RestoreTimings {
  /** Finding and reading the newest valid snapshot (also when there is none). */
  snapLoadMs: number;
  /** Replaying the txn logs after the snapshot. */
  txnsLoadMs: number | null;
  /** Writing snapshot.0 for an empty database. */
  initialSnapshotMs: number | null;
}

const elapsedMs = (from: number): number => Math.floor(performance.now()) - Math.floor(from);

export class RestoreError extends Error {
  override readonly name = 'RestoreError';
  constructor(
    readonly code: 'NO_VALID_SNAPSHOT' | 'EMPTY_SNAPSHOT_WITH_LOGS',
    message: string,
    readonly dir: string,
  ) {
    super(message);
  }
}

export async function restore(opts: RestoreOptions): Promise<Restored> {
  const log = opts.logger ?? silentLogger;
  const dirs = await prepareDataDirs({ dataDir: opts.dataDir, ...(opts.dataLogDir ? { dataLogDir: opts.dataLogDir } : {}) });
  const sessions = new Map<bigint, number>();
  const skippedSnapshots: Restored['skippedSnapshots'] = [];
  const snapStart = performance.now();
  const loaded = await loadNewestSnapshot(dirs.snapDir, opts, sessions, skippedSnapshots, log);
  const timings: RestoreTimings = { snapLoadMs: elapsedMs(snapStart), txnsLoadMs: null, initialSnapshotMs: null };
  // The reference deletes <dataLogDir>/initialize on every start; its presence trusts an empty DB.
  const initialized = await consumeInitializeFile(dirs.logDir);
  const base = { dirs, sessions, skippedSnapshots, timings };
  if (loaded === null) {
    const tree = new DataTree(opts.tree);
    if (lastLoggedZxid(dirs.logDir) !== -1n) {
      if (opts.trustEmptySnapshot !== true) {
        throw new RestoreError(
          'EMPTY_SNAPSHOT_WITH_LOGS',
          `no snapshot found in ${dirs.snapDir} but the txn logs in ${dirs.logDir} are not empty: refusing to start ` +
            '(set zookeeper.snapshot.trust.empty=true to rebuild from the logs alone, as during an upgrade)',
          dirs.snapDir,
        );
      }
      log.warn('no snapshot found; rebuilding from the txn logs alone (snapshot.trust.empty)', { snapDir: dirs.snapDir });
      return { ...base, ...timedReplay(tree, dirs.logDir, sessions, opts, log, timings), snapshot: null };
    }
    if (initialized || opts.autocreateDb !== false) {
      const snapWrite = performance.now();
      await writeSnapshot(tree.snapshotSource(sessions), dirs.snapDir, 0n, { compression: '' });
      timings.initialSnapshotMs = elapsedMs(snapWrite);
      log.info('empty database: wrote snapshot.0', { snapDir: dirs.snapDir });
      return { ...base, tree, lastProcessedZxid: 0n, snapshot: null, txnsReplayed: 0, digestMismatches: 0 };
    }
    log.warn('unexpected empty data tree, setting zxid to -1', { snapDir: dirs.snapDir });
    tree.lastProcessedZxid = -1n;
    return { ...base, tree, lastProcessedZxid: -1n, snapshot: null, txnsReplayed: 0, digestMismatches: 0 };
  }
  const replayed = timedReplay(loaded.tree, dirs.logDir, sessions, opts, log, timings);
  const pending = loaded.tree.digestFromLoadedSnapshot;
  if (pending !== null) {
    log.warn('the txn logs end before the snapshot digest zxid: the restored state may be inconsistent', {
      zxid: replayed.lastProcessedZxid,
      digestZxid: pending.zxid,
    });
  }
  return { ...base, ...replayed, snapshot: { file: loaded.file, zxid: loaded.zxid } };
}

async function loadNewestSnapshot(
  snapDir: string,
  opts: RestoreOptions,
  sessions: Map<bigint, number>,
  skipped: Restored['skippedSnapshots'],
  log: Logger,
): Promise<{ tree: DataTree; file: string; zxid: bigint } | null> {
  const candidates = await findValidSnapshots(snapDir, SNAPSHOTS_TRIED_MAX);
  if (candidates.length === 0) return null;
  for (const snap of candidates) {
    const loader = DataTree.loader(opts.tree);
    const fileSessions = new Map<bigint, number>();
    const sink = {
      session: (id: bigint, timeoutMs: number) => void fileSessions.set(id, timeoutMs),
      aclEntry: loader.aclEntry.bind(loader),
      node: loader.node.bind(loader),
      encodedNode: loader.encodedNode.bind(loader),
      digest: loader.digest.bind(loader),
    };
    try {
      const r = await readSnapshot(snap.path, sink, { logger: log });
      const tree = loader.finish(snap.zxid);
      for (const [id, t] of fileSessions) sessions.set(id, t);
      log.info('snapshot loaded', { file: snap.path, zxid: snap.zxid, nodes: r.nodes, sessions: fileSessions.size });
      return { tree, file: snap.path, zxid: snap.zxid };
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      log.warn('unreadable snapshot skipped; trying the previous one', { file: snap.path, reason });
      skipped.push({ file: snap.path, reason });
      if (!(e instanceof SnapshotCorruptError) && !(e instanceof Error)) throw e;
    }
  }
  throw new RestoreError('NO_VALID_SNAPSHOT', `not able to find a valid snapshot in ${snapDir} (${skipped.length} tried)`, snapDir);
}

function timedReplay(
  tree: DataTree,
  logDir: string,
  sessions: Map<bigint, number>,
  opts: RestoreOptions,
  log: Logger,
  timings: RestoreTimings,
): ReturnType<typeof replay> {
  const started = performance.now();
  const r = replay(tree, logDir, sessions, opts, log);
  timings.txnsLoadMs = elapsedMs(started);
  return r;
}

function replay(
  tree: DataTree,
  logDir: string,
  sessions: Map<bigint, number>,
  opts: RestoreOptions,
  log: Logger,
): { tree: DataTree; lastProcessedZxid: bigint; txnsReplayed: number; digestMismatches: number } {
  const it = openTxnIterator(logDir, tree.lastProcessedZxid + 1n, { logger: log });
  let highest = tree.lastProcessedZxid;
  let count = 0;
  let mismatches = 0;
  try {
    for (const rec of it) {
      const t = rec.txn;
      if (t.header.zxid < highest && highest !== 0n) {
        log.error('txn log goes backwards', { highestZxid: highest, nextZxid: t.header.zxid, type: t.header.type });
      } else {
        highest = t.header.zxid;
      }
      if (t.header.type === OpCode.createSession && t.body.type === OpCode.createSession) {
        sessions.set(t.header.clientId, t.body.txn.timeOut);
      } else if (t.header.type === OpCode.closeSession) {
        sessions.delete(t.header.clientId);
      }
      // Replay tolerates NoNode/NodeExists, as the reference does over a fuzzy snapshot.
      const r = tree.applyTxn(t);
      if (r.digestMismatch) mismatches++;
      opts.onTxn?.(t, rec.entry);
      count++;
    }
  } finally {
    it.close();
  }
  log.info('txns replayed', { count, zxid: highest });
  return { tree, lastProcessedZxid: highest, txnsReplayed: count, digestMismatches: mismatches };
}
