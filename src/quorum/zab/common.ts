// Vocabulary shared by the leader and learner machines: txns as they travel, persist tokens,
// timing options, and the outputs both emit.
//
// The contract with the runtime (the imperative shell that owns sockets, disk and the tree):
//  * Every input carries `nowMs` (a monotonic clock); the machines never read a clock.
//  * Outputs are executed in the order given. Disk outputs (persistTxns, persistEpoch,
//    takeSnapshot, truncateLog, loadSnapshot) may complete later; the runtime then feeds
//    `{type:'persisted', token}`. Disk outputs must be carried out in order among themselves
//    (one disk queue), but the runtime need not wait for them before executing later non-disk
//    outputs: whatever depends on durability (an ACK, an epoch reply) is emitted by the machine
//    only after the token comes back.
//  * `nextWakeMs()` says when the machine next wants a `tick`; ticking earlier or later is
//    harmless (late ticks run every deadline that has passed, in order).

import type { LoggedTxn } from '../../persistence/txn';
import { decodeTxn } from '../../persistence/txn';
import type { DecodeLimits } from '../../protocol/jute/runtime';
import type { Zxid } from '../types';
import type { SyncProposal } from './sync-planner';

/** Identifies one durable action; confirmed by `{type:'persisted', token}`. */
export type Token = number;

/** A txn in flight: its zxid, its PROPOSAL/log-entry bytes and the decoded form. */
export interface ZabTxn extends SyncProposal {
  readonly txn: LoggedTxn;
}

/** Decodes PROPOSAL/INFORM data into a ZabTxn; the zxid is the TxnHeader's (as the reference uses). */
export function txnFromBytes(bytes: Buffer, limits?: DecodeLimits): ZabTxn {
  const txn = decodeTxn(bytes, limits);
  return { zxid: txn.header.zxid, bytes, txn };
}

export interface ZabTiming {
  /** tickTime in ms. */
  readonly tickTimeMs: number;
  /** initLimit in ticks: connect + discovery + sync. */
  readonly initLimit: number;
  /** syncLimit in ticks: liveness once synced. */
  readonly syncLimit: number;
}

export function checkTiming(t: ZabTiming): void {
  for (const k of ['tickTimeMs', 'initLimit', 'syncLimit'] as const) {
    const v = t[k];
    if (!Number.isInteger(v) || v <= 0) throw new RangeError(`${k} must be a positive integer, got ${String(v)}`);
  }
}

/** A log line the runtime may forward to its logger (the machines have no logger). */
export interface LogOutput {
  readonly type: 'log';
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
}

/** Disk and tree outputs both machines use. */
export type DurableOutput =
  /** Append these txns to the txn log and fsync; confirm with the token. */
  | { readonly type: 'persistTxns'; readonly token: Token; readonly txns: readonly ZabTxn[] }
  /** Write `acceptedEpoch` or `currentEpoch` atomically; confirm with the token. */
  | { readonly type: 'persistEpoch'; readonly which: 'accepted' | 'current'; readonly epoch: bigint; readonly token: Token }
  /** Apply a committed txn to the tree (and answer local clients waiting on it). */
  | { readonly type: 'applyCommitted'; readonly txn: ZabTxn };

export function log(level: LogOutput['level'], message: string): LogOutput {
  return { type: 'log', level, message };
}

export function hex(z: Zxid): string {
  return z < 0n ? z.toString() : `0x${z.toString(16)}`;
}
