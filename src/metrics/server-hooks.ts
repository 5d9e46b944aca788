// What the server reports to its ServerMetrics at each step, kept here so the server's own code
// stays one call per step. Each function does only number updates and, for the per-namespace
// sets, one Map lookup; none allocates per call beyond the namespace string.

import type { LoggedTxn } from '../persistence/txn';
import type { TxnLogObserver } from '../persistence/txn-log';
import type { Restored } from '../persistence/restore';
import { MultiOperationRecord } from '../protocol/generated';
import { ErrCode, OpCode } from '../protocol/opcodes';
import type { ApplyResult, DataTree, TriggerType } from '../tree';
import { topNamespace } from './quota';
import type { ServerMetrics } from './server-metrics';

/** The reference's DataTree.STAT_OVERHEAD_BYTES: six longs and five ints of a Stat. */
const STAT_OVERHEAD_BYTES = 6 * 8 + 5 * 4;
/** ReplyHeader: xid, zxid, err. */
export const REPLY_HEADER_BYTES = 16;
/** A Stat on the wire (in GetChildren2Response). */
const STAT_BYTES = STAT_OVERHEAD_BYTES;

/** The group-commit timings, as the reference's SyncRequestProcessor and FileTxnLog record them. */
export function txnLogObserver(m: ServerMetrics): TxnLogObserver {
  return {
    batchStarted(txns, queued) {
      m.syncProcessorQueueSize.add(queued);
      m.syncProcessorBatchSize.add(txns);
    },
    txnDone(waitedMs, doneMs) {
      m.syncProcessorQueueTime.add(waitedMs);
      m.syncProcessorQueueAndFlushTime.add(doneMs);
    },
    batchDone(_txns, flushMs) {
      m.syncProcessorQueueFlushTime.add(flushMs);
    },
    fsynced(ms) {
      m.fsyncTime.add(ms);
    },
  };
}

/** Start-up: dbinittime, the snapshot/txn load times, the txns replayed, the initial snapshot. */
export function recordStartup(m: ServerMetrics, dbInitMs: number, restored: Restored): void {
  m.dbInitTime.add(dbInitMs);
  const t = restored.timings;
  m.startupSnapLoadTime.add(t.snapLoadMs);
  if (t.txnsLoadMs !== null) {
    m.startupTxnsLoaded.add(restored.txnsReplayed);
    m.startupTxnsLoadTime.add(t.txnsLoadMs);
  }
  if (t.initialSnapshotMs !== null) m.snapshotTime.add(t.initialSnapshotMs);
  m.digestMismatchesCount.value += restored.digestMismatches;
}

/** One watch trigger delivered to `watchers` connections (WatchManager.triggerWatch). */
export function recordWatchTrigger(m: ServerMetrics, type: TriggerType, watchers: number): void {
  switch (type) {
    case 'created':
      m.nodeCreatedWatchCount.add(watchers);
      return;
    case 'deleted':
      m.nodeDeletedWatchCount.add(watchers);
      return;
    case 'dataChanged':
      m.nodeChangedWatchCount.add(watchers);
      return;
    case 'childrenChanged':
      m.nodeChildrenWatchCount.add(watchers);
      return;
  }
}

/** Bytes of a notification frame's body (ReplyHeader + WatcherEvent), as watch_bytes counts them. */
export function eventBytes(path: string): number {
  return REPLY_HEADER_BYTES + 4 + 4 + 4 + Buffer.byteLength(path, 'utf8');
}

/**
 * A txn applied: propagation_latency (txn time to now), write_per_namespace (DataTree's
 * updateWriteStat for every node created, deleted or changed), digest mismatches, and quota
 * rejections per namespace. Single-node txns carry their path and data; the others (multi,
 * closeSession) are read from the tree's triggers.
 */
export function recordApplied(m: ServerMetrics, tree: DataTree, txn: LoggedTxn, nowMs: number, result: ApplyResult, reqBody: Buffer, reqType: number): void {
  const latency = nowMs - Number(txn.header.time);
  if (latency >= 0) m.propagationLatency.add(latency);
  if (result.digestMismatch) m.digestMismatchesCount.value++;
  if (result.err === ErrCode.OK) {
    const b = txn.body;
    switch (b.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createTTL:
      case OpCode.createContainer:
      case OpCode.setData:
        writeStat(m, b.txn.path, b.txn.data === null ? 0 : b.txn.data.length);
        break;
      case OpCode.delete:
      case OpCode.deleteContainer:
        writeStat(m, b.txn.path, 0);
        break;
      default:
        for (const t of result.triggers) {
          if (t.type === 'childrenChanged') continue;
          writeStat(m, t.path, t.type === 'deleted' ? 0 : (tree.dataLength(t.path) ?? 0));
        }
    }
  }
  if (result.err === ErrCode.QUOTAEXCEEDED || result.multi?.some((o) => o.err === ErrCode.QUOTAEXCEEDED) === true) {
    for (const path of quotaRejectedPaths(reqType, reqBody, result)) {
      const ns = topNamespace(path);
      if (ns !== null) m.quotaExceededErrorPerNamespace.add(ns, 1);
    }
  }
}

function writeStat(m: ServerMetrics, path: string | null, bytes: number): void {
  if (path === null) return;
  const ns = topNamespace(path);
  if (ns !== null) m.writePerNamespace.add(ns, path.length + bytes);
}

/** The paths of the ops a quota check refused (rare: decoding the request again is fine). */
function quotaRejectedPaths(type: number, body: Buffer, result: ApplyResult): string[] {
  try {
    if (type === OpCode.multi) {
      const ops = MultiOperationRecord.decode(body).items;
      const out: string[] = [];
      result.multi?.forEach((o, i) => {
        const p = (ops[i]?.body as { path?: string | null } | undefined)?.path;
        if (o.err === ErrCode.QUOTAEXCEEDED && typeof p === 'string') out.push(p);
      });
      return out;
    }
    const p = leadingPath(body);
    return p === null ? [] : [p];
  } catch {
    return [];
  }
}

/** The path a request body starts with (create, setData, getData, exists, getChildren...). */
function leadingPath(body: Buffer): string | null {
  if (body.length < 4) return null;
  const len = body.readInt32BE(0);
  if (len < 0 || 4 + len > body.length) return null;
  return body.toString('utf8', 4, 4 + len);
}

/**
 * A successful read: read_per_namespace (DataTree's updateReadStat): the path's length, the
 * bytes read (data, or the children's names) and the Stat overhead. Only the reads the
 * reference's DataTree counts: getData, exists, getChildren, getChildren2.
 *
 * This runs for every read, so it reads the path in place: the namespace is looked up by its
 * bytes (SummarySet.summaryForBytes), nothing is decoded.
 */
export function recordRead(m: ServerMetrics, type: number, reqBody: Buffer, reply: Buffer | null): void {
  if (reply === null) return;
  if (type !== OpCode.getData && type !== OpCode.exists && type !== OpCode.getChildren && type !== OpCode.getChildren2) return;
  const n = reqBody.length;
  if (n < 6) return;
  const end = 4 + ((reqBody[0]! << 24) | (reqBody[1]! << 16) | (reqBody[2]! << 8) | reqBody[3]!);
  // An absolute path with a first component ("/" alone has no namespace).
  if (end < 6 || end > n || reqBody[4] !== 0x2f) return;
  let nsEnd = 5;
  while (nsEnd < end && reqBody[nsEnd] !== 0x2f) nsEnd++;
  let bytes = 0;
  if (type !== OpCode.exists && reply.length >= 4) {
    // getData: the data's length first; getChildren(2): the names' count, then each name's length
    // and bytes (then a Stat for getChildren2).
    const first = (reply[0]! << 24) | (reply[1]! << 16) | (reply[2]! << 8) | reply[3]!;
    if (type === OpCode.getData) bytes = Math.max(0, first);
    else bytes = reply.length - 4 - 4 * Math.max(0, first) - (type === OpCode.getChildren2 ? STAT_BYTES : 0);
  }
  // The path's length in bytes: Java's String.length for the ASCII paths clients use (a non-ASCII
  // path counts a little more here than there).
  m.readPerNamespace.summaryForBytes(reqBody, 5, nsEnd).add(end - 4 + bytes + STAT_OVERHEAD_BYTES);
}
