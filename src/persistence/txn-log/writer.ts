// TxnLogWriter: appends txns to `log.<zxid>` files with group commit.
//
// The reference's SyncRequestProcessor appends txns to a buffered stream and flushes + fsyncs once
// its queue runs dry or 1000 txns are waiting. Here the same happens without a thread: appends made
// while a write+fdatasync is in flight wait in memory, and when it completes one write and one
// fdatasync cover all of them. An append's promise resolves only once its record is durable (or
// written, with forceSync off). The bytes match the reference's for the same appends and commit
// points, preallocation included (see padding.ts).
//
// A write or fsync error fails the writer for good: every waiting append is rejected, and so is
// every later one. A failed fsync cannot be retried safely, and the reference exits in that case.

import { AssertionError } from 'node:assert';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { silentLogger, type Logger } from '../../util/logger';
import { encodeTxn, type LoggedTxn } from '../txn';
import {
  adler32,
  ENTRY_BYTES_MAX_DEFAULT,
  ENTRY_ZXID_OFFSET,
  FILE_HEADER_BYTES,
  PREALLOC_BYTES_DEFAULT,
  RECORD_OVERHEAD_BYTES,
  TXN_HEADER_BYTES,
  TxnLogWriterError,
  writeFileHeader,
  writeRecord,
} from './format';
import { makeLogName } from './names';
import { PreallocationModel } from './padding';
import { nodeTxnLogFs, type LogFileHandle, type TxnLogFs } from './writer-fs';

export interface TxnLogWriterOptions {
  logger?: Logger;
  /** zookeeper.forceSync: fdatasync before an append resolves. Default true. */
  forceSync?: boolean;
  /** preAllocSize in bytes (zoo.cfg gives KB). Default 64 MiB; 0 turns preallocation off. */
  preAllocSizeBytes?: number;
  /**
   * zookeeper.txnLogSizeLimitInKb in bytes; <= 0 is off (the default). As the reference, the file
   * length compared after each commit includes the preallocated padding.
   */
  txnLogSizeLimitBytes?: number;
  /** Most txns in one write+fsync (the reference's zookeeper.maxBatchSize). Default 1000. */
  batchTxnsMax?: number;
  /** Most record bytes in one write+fsync. Default 4 MiB (a larger single record goes alone). */
  batchBytesMax?: number;
  /** fsync.warningthresholdms. Default 1000. */
  fsyncWarningThresholdMs?: number;
  /** Appends must carry zxids above this one (e.g. the last logged zxid). Default -1. */
  lastZxid?: bigint;
  /** Longest entry accepted (the reader refuses longer ones). Default 2 * jute.maxbuffer. */
  entryBytesMax?: number;
  fs?: TxnLogFs;
  /** Told about every batch and fsync (the sync_processor_* and fsynctime metrics). */
  observer?: TxnLogObserver;
}

/**
 * Timings of the group commit, in whole milliseconds (differences of a millisecond clock, as the
 * reference measures them). Called synchronously from the writer: keep it cheap.
 */
export interface TxnLogObserver {
  /** A batch of `txns` left the queue; `queued` appends were waiting at that moment, itself included. */
  batchStarted(txns: number, queued: number): void;
  /** One txn of the batch: appended `waitedMs` before its batch started, durable `doneMs` after it was appended. */
  txnDone(waitedMs: number, doneMs: number): void;
  /** The batch's write and fsync took `flushMs`. */
  batchDone(txns: number, flushMs: number): void;
  /** One fdatasync took `ms`. */
  fsynced(ms: number): void;
}

/** A txn already encoded (e.g. a PROPOSAL's data): header + body + digest bytes. */
export interface EncodedTxn {
  zxid: bigint;
  entry: Buffer;
}

export type AppendInput = LoggedTxn | EncodedTxn;

export interface TxnLogWriterStats {
  txnsAppended: number;
  txnsWritten: number;
  batches: number;
  batchTxnsLast: number;
  bytesWritten: number;
  fsyncs: number;
  fsyncTimeMsLast: number;
  fsyncTimeMsMax: number;
  fsyncTimeMsTotal: number;
  fsyncThresholdExceeded: number;
  filesCreated: number;
  currentFile: string | null;
  /** Length of the current file, padding included (what the reference's getCurrentLogSize reports). */
  currentFileBytes: number;
  /** Lengths of the files this writer rolled away from plus the current one (getTotalLogSize). */
  totalLogBytes: number;
}

interface Pending {
  zxid: bigint;
  entry: Buffer;
  /** performance.now() at append, when an observer wants timings (0 otherwise). */
  appendedAt: number;
  resolve: () => void;
  reject: (e: unknown) => void;
}

const ROLL = 'roll' as const;
type QueueItem = Pending | typeof ROLL;

interface OpenFile {
  name: string;
  handle: LogFileHandle;
  model: PreallocationModel;
  /** Bytes of header and records written so far. */
  dataBytes: number;
  /** Length on disk: the larger of the data and the padding. */
  lengthBytes: number;
  /** The directory entry is not yet fsynced. */
  created: boolean;
}

const ZERO_BYTE = Buffer.alloc(1);

export class TxnLogWriter {
  private readonly log: Logger;
  private readonly fs: TxnLogFs;
  private readonly forceSync: boolean;
  private readonly preAllocBytes: number;
  private readonly sizeLimitBytes: number;
  private readonly batchTxnsMax: number;
  private readonly batchBytesMax: number;
  private readonly fsyncWarnMs: number;
  private readonly entryBytesMax: number;
  private readonly observer: TxnLogObserver | null;

  private readonly queue: QueueItem[] = [];
  private lastZxid: bigint;
  private file: OpenFile | null = null;
  private rollRequested = false;
  private scheduled: NodeJS.Immediate | null = null;
  /** A drain loop is running (cleared synchronously when it ends, unlike `draining`). */
  private active = false;
  private draining: Promise<void> | null = null;
  private failure: unknown = null;
  private closed = false;
  private rolledBytes = 0;
  private readonly counters = {
    txnsAppended: 0,
    txnsWritten: 0,
    batches: 0,
    batchTxnsLast: 0,
    bytesWritten: 0,
    fsyncs: 0,
    fsyncTimeMsLast: 0,
    fsyncTimeMsMax: 0,
    fsyncTimeMsTotal: 0,
    fsyncThresholdExceeded: 0,
    filesCreated: 0,
  };

  /** `dir`: the version-2 directory of dataLogDir. */
  constructor(
    readonly dir: string,
    options: TxnLogWriterOptions = {},
  ) {
    this.log = options.logger ?? silentLogger;
    this.fs = options.fs ?? nodeTxnLogFs;
    this.forceSync = options.forceSync ?? true;
    this.preAllocBytes = options.preAllocSizeBytes ?? PREALLOC_BYTES_DEFAULT;
    this.sizeLimitBytes = options.txnLogSizeLimitBytes ?? 0;
    this.batchTxnsMax = options.batchTxnsMax ?? 1000;
    this.batchBytesMax = options.batchBytesMax ?? 4 * 1024 * 1024;
    this.fsyncWarnMs = options.fsyncWarningThresholdMs ?? 1000;
    this.entryBytesMax = options.entryBytesMax ?? ENTRY_BYTES_MAX_DEFAULT;
    this.lastZxid = options.lastZxid ?? -1n;
    this.observer = options.observer ?? null;
    if (this.batchTxnsMax < 1 || this.batchBytesMax < 1) throw new RangeError('batch limits must be positive');
    if (this.preAllocBytes < 0) throw new RangeError('preAllocSizeBytes must be >= 0');
  }

  /**
   * Appends one txn; resolves once its record is durable. Zxids must increase strictly from one
   * call to the next (a programmer error otherwise, thrown synchronously).
   */
  append(txn: AppendInput): Promise<void> {
    const { zxid, entry } = 'entry' in txn ? txn : { zxid: txn.header.zxid, entry: encodeTxn(txn) };
    if (zxid <= this.lastZxid) {
      throw new AssertionError({ message: `txn log: zxid 0x${zxid.toString(16)} is not above 0x${this.lastZxid.toString(16)}` });
    }
    if (entry.length < TXN_HEADER_BYTES || entry.length > this.entryBytesMax) {
      throw new AssertionError({ message: `txn log: entry of ${entry.length} bytes for zxid 0x${zxid.toString(16)}` });
    }
    if (entry.readBigInt64BE(ENTRY_ZXID_OFFSET) !== zxid) {
      throw new AssertionError({ message: `txn log: entry header does not carry zxid 0x${zxid.toString(16)}` });
    }
    if (this.closed) return Promise.reject(new TxnLogWriterError('TXNLOG_CLOSED', 'txn log writer is closed'));
    if (this.failure !== null) return Promise.reject(this.failedError());
    this.lastZxid = zxid;
    this.counters.txnsAppended++;
    const appendedAt = this.observer === null ? 0 : performance.now();
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ zxid, entry, appendedAt, resolve, reject });
      this.kick();
    });
  }

  /** The next append starts a new file (the reference rolls after deciding to snapshot). */
  roll(): void {
    if (this.queue.length > 0 && this.queue[this.queue.length - 1] === ROLL) return;
    this.queue.push(ROLL);
  }

  /** Writes out what is queued, then closes the file. Later appends are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.scheduled !== null) {
      clearImmediate(this.scheduled);
      this.scheduled = null;
      this.startDrain();
    }
    if (this.draining !== null) await this.draining;
    await this.closeFile();
  }

  get stats(): TxnLogWriterStats {
    const current = this.file?.lengthBytes ?? 0;
    return {
      ...this.counters,
      currentFile: this.file?.name ?? null,
      currentFileBytes: current,
      totalLogBytes: this.rolledBytes + current,
    };
  }

  /** The zxid of the last accepted append. */
  get lastAppendedZxid(): bigint {
    return this.lastZxid;
  }

  private kick(): void {
    if (this.active || this.scheduled !== null) return;
    // Wait for the rest of this turn of the event loop so that appends made by the same batch of
    // I/O callbacks share the first write (the reference drains its whole queue the same way).
    this.scheduled = setImmediate(() => {
      this.scheduled = null;
      this.startDrain();
    });
  }

  private startDrain(): void {
    if (this.active) return;
    this.active = true;
    this.draining = this.drain();
  }

  private async drain(): Promise<void> {
    try {
      while (this.failure === null) {
        const queued = this.queue.length;
        const batch = this.takeBatch();
        if (batch.length === 0) return;
        const started = this.observer === null ? 0 : performance.now();
        this.observer?.batchStarted(batch.length, queued);
        try {
          await this.writeBatch(batch);
        } catch (e) {
          this.fail(e, batch);
          return;
        }
        if (this.observer !== null) this.observeBatch(this.observer, batch, started);
        this.counters.txnsWritten += batch.length;
        for (const p of batch) p.resolve();
      }
    } finally {
      // Synchronously, before the resolved appends' continuations run: an append they make must
      // start a new drain.
      this.active = false;
    }
  }

  private observeBatch(o: TxnLogObserver, batch: readonly Pending[], started: number): void {
    const now = Math.floor(performance.now());
    const start = Math.floor(started);
    o.batchDone(batch.length, now - start);
    for (const p of batch) {
      const appended = Math.floor(p.appendedAt);
      o.txnDone(start - appended, now - appended);
    }
  }

  private takeBatch(): Pending[] {
    while (this.queue[0] === ROLL) {
      this.queue.shift();
      this.rollRequested = true;
    }
    let n = 0;
    let bytes = 0;
    while (n < this.queue.length && n < this.batchTxnsMax) {
      const item = this.queue[n]!;
      if (item === ROLL) break;
      const size = item.entry.length + RECORD_OVERHEAD_BYTES;
      if (n > 0 && bytes + size > this.batchBytesMax) break;
      bytes += size;
      n++;
    }
    return this.queue.splice(0, n) as Pending[];
  }

  private async writeBatch(batch: Pending[]): Promise<void> {
    if (this.file === null || this.rollRequested) {
      this.rollRequested = false;
      await this.closeFile();
      await this.openFile(batch[0]!.zxid);
    }
    const file = this.file!;
    // The file header is already on disk: openFile creates the file with it.
    let total = 0;
    for (const p of batch) total += p.entry.length + RECORD_OVERHEAD_BYTES;
    const out = Buffer.allocUnsafe(total);
    let at = 0;
    for (const p of batch) {
      file.model.append(p.entry.length);
      at = writeRecord(out, at, p.entry, adler32(p.entry));
    }
    file.model.commit();

    const writeAt = file.dataBytes;
    const dataEnd = writeAt + total;
    const padded = file.model.paddedBytes;
    // The reference extends the file by writing one zero byte at its new end; the same here, once
    // per batch, and only where the records themselves do not reach.
    if (padded > file.lengthBytes && padded > dataEnd) await file.handle.write(ZERO_BYTE, padded - 1);
    await file.handle.write(out, writeAt);
    file.dataBytes = dataEnd;
    file.lengthBytes = Math.max(file.lengthBytes, padded, dataEnd);
    this.counters.bytesWritten += total;
    this.counters.batches++;
    this.counters.batchTxnsLast = batch.length;

    if (this.forceSync) {
      await this.timedDatasync(file);
      if (file.created) {
        await this.fs.syncDir(this.dir);
        file.created = false;
      }
    }
    if (this.sizeLimitBytes > 0 && file.lengthBytes > this.sizeLimitBytes) {
      this.log.debug('txn log size limit reached', { file: file.name, bytes: file.lengthBytes });
      this.rollRequested = true;
    }
  }

  private async timedDatasync(file: OpenFile): Promise<void> {
    const started = performance.now();
    await file.handle.datasync();
    const ms = performance.now() - started;
    this.observer?.fsynced(Math.floor(ms));
    const c = this.counters;
    c.fsyncs++;
    c.fsyncTimeMsLast = ms;
    c.fsyncTimeMsTotal += ms;
    if (ms > c.fsyncTimeMsMax) c.fsyncTimeMsMax = ms;
    if (ms > this.fsyncWarnMs) {
      c.fsyncThresholdExceeded++;
      this.log.warn('fsync of the txn log took long: this adds to every write latency', {
        file: file.name,
        fsyncMs: Math.round(ms),
        fileBytes: file.lengthBytes,
      });
    }
  }

  private async openFile(zxid: bigint): Promise<void> {
    const name = makeLogName(zxid);
    this.log.info('creating new txn log file', { file: name });
    const header = Buffer.allocUnsafe(FILE_HEADER_BYTES);
    writeFileHeader(header, 0);
    const { handle, existed } = await this.fs.create(join(this.dir, name), header);
    if (existed) this.log.warn('txn log file existed and was overwritten', { file: name });
    this.counters.filesCreated++;
    this.file = {
      name,
      handle,
      model: new PreallocationModel(this.preAllocBytes, FILE_HEADER_BYTES),
      dataBytes: FILE_HEADER_BYTES,
      lengthBytes: FILE_HEADER_BYTES,
      created: true,
    };
  }

  private async closeFile(): Promise<void> {
    const file = this.file;
    if (file === null) return;
    this.file = null;
    this.rolledBytes += file.lengthBytes;
    await file.handle.close();
  }

  private fail(error: unknown, batch: Pending[]): void {
    this.failure = error;
    this.log.error('txn log write failed: the log is unusable until restart', { error: String(error) });
    const rejected = this.failedError();
    for (const p of batch) p.reject(rejected);
    for (const item of this.queue.splice(0)) if (item !== ROLL) item.reject(rejected);
    const file = this.file;
    this.file = null;
    if (file !== null) file.handle.close().catch(() => undefined);
  }

  private failedError(): TxnLogWriterError {
    return new TxnLogWriterError('TXNLOG_FAILED', `txn log writer failed: ${String(this.failure)}`, this.failure);
  }
}
