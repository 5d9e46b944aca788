// The leader's view of its own on-disk txn log for syncing a learner that is further behind than
// the in-memory committed log reaches (rule 5 of sync-planner.ts; the reference's
// ZKDatabase.getProposalsFromTxnLog / calculateTxnLogSizeLimit over FileTxnLog.read).
//
// What is read, as the reference does: the log files a reader starting at the learner's zxid opens
// (every file named at or above it plus the newest named below it), from the first record of the
// oldest of them, without skipping (the planner needs the txns below the learner's zxid to tell a
// DIFF from a TRUNC). The size the planner compares with snapshotSize * factor is the reference's
// getStorageSize: the summed length of the selected files *after* the one the first record came
// from (the reference drops a file from its list when it opens it), preallocated padding included.
//
// Where zkts is stricter than the reference, so that a learner is never sent a hole (it would
// then silently miss txns; 3.9.4+ learners refuse such a DIFF):
//   - nothing above the leader's lastProcessedZxid at open() goes out (the log also holds
//     proposals not yet committed, and its tail may be half written);
//   - reading stops at a torn or short record (a file that ends inside a record), at a record the
//     reader rejects as corrupt, and at a zxid that does not follow its predecessor within an
//     epoch. The planner then finds the disk log does not reach its committed log and sends SNAP;
//     the reason is logged here as a warning;
//   - at most `readBytesMax` bytes of entries are read for one sync (the planner is synchronous:
//     this bounds how long one sync holds the event loop); past it, SNAP.
//
// A read holds an open file. It is valid for the current turn of the event loop (the planner uses
// it synchronously): it is closed when it is exhausted or abandoned by the next open(), and at the
// latest on the next turn (setImmediate).

import { statSync } from 'node:fs';
import { newestValidSnapshotSync } from '../../persistence/files';
import { openTxnIterator, type TxnLogIterator, type TxnLogRecord } from '../../persistence/txn-log';
import { silentLogger, type Logger } from '../../util/logger';
import { epochOf, type Zxid } from '../types';
import type { SyncProposal, TxnLogRead, TxnLogSync } from '../zab/sync-planner';

/** zookeeper.snapshotSizeFactor's default (ZKDatabase.DEFAULT_SNAPSHOT_SIZE_FACTOR). */
export const SNAPSHOT_SIZE_FACTOR_DEFAULT = 0.33;
/** Default bound on the entry bytes one sync reads from disk. */
export const SYNC_READ_BYTES_MAX_DEFAULT = 64 * 1024 * 1024;

export interface FileTxnLogSyncOptions {
  /** `<dataLogDir>/version-2`: the txn logs. */
  readonly logDir: string;
  /** `<dataDir>/version-2`: the snapshots (their newest one's size bounds the read). */
  readonly snapDir: string;
  /** From parseSnapshotSizeFactor; negative (or NaN, as in the reference) turns txn-log sync off. */
  readonly snapshotSizeFactor: number;
  /** The leader's applied (committed) position: txns above it are not sent from disk. */
  readonly lastProcessedZxid: () => Zxid;
  readonly log?: Logger;
  /** Bound on entry bytes read per sync; default SYNC_READ_BYTES_MAX_DEFAULT. */
  readonly readBytesMax?: number;
  /** Longest entry / field accepted by the reader (jute.maxbuffer based); reader defaults otherwise. */
  readonly entryBytesMax?: number;
}

// Double.parseDouble after trimming: decimal with optional exponent and float/double suffix, NaN,
// Infinity. (Hexadecimal floating literals are not taken; they fall back to the default.)
const JAVA_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[fFdD]?)$/;

/**
 * zookeeper.snapshotSizeFactor as ZKDatabase's constructor reads it: unset or unparsable -> 0.33
 * (logged as an error), above 1 -> 0.33 (a warning), anything else as given: 0 means no size
 * limit, a negative value (and NaN, which fails the reference's `>= 0`) disables txn-log sync.
 */
export function parseSnapshotSizeFactor(text: string | undefined, log: Logger = silentLogger): number {
  if (text === undefined) return SNAPSHOT_SIZE_FACTOR_DEFAULT;
  const t = text.trim();
  if (!JAVA_DOUBLE.test(t)) {
    log.error('Error parsing zookeeper.snapshotSizeFactor, using default value 0.33', { value: text });
    return SNAPSHOT_SIZE_FACTOR_DEFAULT;
  }
  const v = Number(t.replace(/[fFdD]$/, ''));
  if (v > 1) {
    log.warn('The configured zookeeper.snapshotSizeFactor is invalid (above 1), going to use the default 0.33', { value: text });
    return SNAPSHOT_SIZE_FACTOR_DEFAULT;
  }
  return v;
}

export class FileTxnLogSync implements TxnLogSync {
  readonly snapshotSizeFactor: number;
  private readonly log: Logger;
  private readonly readBytesMax: number;
  /** The read handed out last, closed when a new one starts or on the next turn. */
  private active: TxnLogIterator | null = null;

  constructor(private readonly o: FileTxnLogSyncOptions) {
    this.snapshotSizeFactor = o.snapshotSizeFactor;
    this.log = (o.log ?? silentLogger).child({ component: 'txn-log-sync' });
    this.readBytesMax = o.readBytesMax ?? SYNC_READ_BYTES_MAX_DEFAULT;
  }

  /** Length of the newest snapshot that looks complete; 0 when there is none (no size limit then, as the reference). */
  get snapshotBytes(): number {
    try {
      return newestValidSnapshotSync(this.o.snapDir)?.bytes ?? 0;
    } catch (e) {
      this.log.error('Unable to get size of most recent snapshot', { error: message(e) });
      return 0;
    }
  }

  open(fromZxid: Zxid): TxnLogRead | null {
    this.release();
    const upTo = this.o.lastProcessedZxid();
    let it: TxnLogIterator;
    let first: IteratorResult<TxnLogRecord>;
    try {
      it = openTxnIterator(this.o.logDir, fromZxid, {
        fastForward: false,
        logger: this.log,
        ...(this.o.entryBytesMax === undefined ? {} : { entryBytesMax: this.o.entryBytesMax, lengthMax: this.o.entryBytesMax }),
      });
    } catch (e) {
      this.log.warn('cannot read the txn log for a learner sync: a snapshot will be sent', { dir: this.o.logDir, error: message(e) });
      return null;
    }
    try {
      first = it.next();
    } catch (e) {
      it.close();
      this.log.warn('the txn log is unreadable where a learner sync needs it: a snapshot will be sent', { from: fromZxid, error: message(e) });
      return null;
    }
    if (first.done === true) {
      it.close();
      this.log.info('no txns in the txn log for a learner sync', { from: fromZxid });
      return { storageBytes: 0, proposals: [] };
    }
    this.active = it;
    const storageBytes = this.storageAfter(it, first.value.file);
    this.log.debug('txn log opened for a learner sync', { from: fromZxid, firstZxid: first.value.zxid, upTo, storageBytes });
    // The planner reads this synchronously; whatever it leaves open is closed on the next turn.
    setImmediate(() => {
      if (this.active === it) this.release();
    }).unref();
    return { storageBytes, proposals: this.proposals(it, first.value, upTo) };
  }

  /** Closes the read handed out last, if it is still open. */
  release(): void {
    this.active?.close();
    this.active = null;
  }

  /** getStorageSize: the lengths of the selected files after the one being read. */
  private storageAfter(it: TxnLogIterator, openFile: string): number {
    const at = it.files.findIndex((f) => f.path === openFile);
    let sum = 0;
    for (const f of it.files.slice(at + 1)) {
      try {
        sum += statSync(f.path).size;
      } catch {
        // Purged meanwhile: File.length() of a missing file is 0 in the reference too.
      }
    }
    return sum;
  }

  private *proposals(it: TxnLogIterator, first: TxnLogRecord, upTo: Zxid): Generator<SyncProposal, void, undefined> {
    let rec = first;
    let prev: Zxid | null = null;
    let readBytes = 0;
    let endsSeen = it.ends.length;
    try {
      for (;;) {
        const z = rec.zxid;
        if (z > upTo) return;
        if (prev !== null && (z <= prev || (epochOf(z) === epochOf(prev) && z !== prev + 1n))) {
          return this.stopped('the txn log skips zxids here', { file: rec.file, offset: rec.offset, previous: prev, next: z });
        }
        readBytes += rec.entry.length;
        if (readBytes > this.readBytesMax) {
          return this.stopped(`reading the txn log for one sync passed ${this.readBytesMax} bytes`, { zxid: z });
        }
        yield { zxid: z, bytes: rec.entry };
        prev = z;
        let next: IteratorResult<TxnLogRecord>;
        try {
          next = it.next();
        } catch (e) {
          return this.stopped('the txn log has a corrupt record', { after: prev, error: message(e) });
        }
        for (; endsSeen < it.ends.length; endsSeen++) {
          const end = it.ends[endsSeen]!;
          if (end.reason === 'torn' || end.reason === 'short-entry') {
            return this.stopped('a txn log file ends inside a record', { file: end.file, offset: end.offset, after: prev, detail: end.detail });
          }
        }
        if (next.done === true) return;
        rec = next.value;
      }
    } finally {
      it.close();
      if (this.active === it) this.active = null;
    }
  }

  private stopped(why: string, fields: Record<string, unknown>): void {
    this.log.warn(`${why}: txn-log sync stops there (a learner that needs more gets a snapshot)`, fields);
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
