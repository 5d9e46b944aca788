// What the simulated servers replicate: real txn-log entries (so PROPOSAL data goes through the
// production codec exactly as on a real server), and a "database" that is just the ordered list of
// applied txns plus lastProcessedZxid. Order is all the checkers need; a DataTree would add cost
// without adding anything the safety properties look at.

import { encodeTxn, type LoggedTxn } from '../../src/persistence/txn';
import { OpCode } from '../../src/protocol/opcodes';
import { txnFromBytes, type ZabTxn } from '../../src/quorum/zab/common';
import type { Zxid } from '../../src/quorum/types';

const WORLD_ANYONE = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** The write `seq` of client session `session`, at `zxid`: a create of /s<session>-<seq>. */
export function clientTxn(zxid: Zxid, session: bigint, seq: number): ZabTxn {
  const t: LoggedTxn = {
    header: { clientId: session, cxid: seq, zxid, time: 1_700_000_000_000n, type: OpCode.create },
    body: { type: OpCode.create, txn: { path: `/s${session}-${seq}`, data: null, acl: WORLD_ANYONE, ephemeral: false, parentCVersion: -1 } },
    digest: null,
  };
  return txnFromBytes(encodeTxn(t));
}

const labels = new WeakMap<ZabTxn, string>();

/**
 * A txn's identity for the checkers: zxid, session and sequence number. Two servers holding
 * different txns under one zxid show up as different labels at the same position.
 */
export function label(t: ZabTxn): string {
  let l = labels.get(t);
  if (l === undefined) {
    l = `${t.zxid.toString(16)}:${t.txn.header.clientId}.${t.txn.header.cxid}`;
    labels.set(t, l);
  }
  return l;
}

export function zxidHex(z: Zxid): string {
  return z < 0n ? z.toString() : `0x${z.toString(16)}`;
}

/** The in-memory database of one server: the applied txns, oldest first, and lastProcessedZxid. */
export class Db {
  constructor(
    public txns: ZabTxn[] = [],
    public lastProcessed: Zxid = 0n,
  ) {}

  apply(t: ZabTxn): void {
    this.txns.push(t);
    // The tree's lastProcessedZxid only moves forward (DataTree.processTxn).
    if (t.zxid > this.lastProcessed) this.lastProcessed = t.zxid;
  }

  clone(): Db {
    return new Db(this.txns.slice(), this.lastProcessed);
  }

  labels(): string[] {
    return this.txns.map(label);
  }
}
