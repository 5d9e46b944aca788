// A harness for the prep tests: a real DataTree, a scripted session table, a zxid counter and a
// fixed clock; txns the preparer emits can be applied to the tree (retiring their change records).

import {
  type ACL,
  CheckVersionRequest,
  CreateRequest,
  CreateTTLRequest,
  DeleteRequest,
  type Id,
  MultiOperationRecord,
  type MultiOperationRecordItem,
  SetACLRequest,
  SetDataRequest,
} from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { type LoggedTxn, decodeSubTxn, decodeTxn, encodeTxn } from '../../src/persistence/txn';
import { RequestPreparer, type PrepConfig } from '../../src/server/prep';
import type { PrepOutcome, Request } from '../../src/server/request';
import { type ApplyResult, DataTree } from '../../src/tree';

export const SID = 0x100000000001n;
export const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
export const IP: Id = { scheme: 'ip', id: '127.0.0.1' };
export const BOB: Id = { scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' };
export const TIME = 1_700_000_000_000n;

export interface SubmitOptions {
  session?: bigint;
  auth?: Id[];
  cxid?: number;
}

export class Harness {
  readonly tree: DataTree;
  readonly prep: RequestPreparer;
  readonly known = new Set<bigint>([SID]);
  readonly closing = new Set<bigint>();
  zxid = 0n;
  time = TIME;
  private cxid = 0;

  constructor(config: Partial<PrepConfig> = {}) {
    this.tree = new DataTree({ extendedTypesEnabled: config.extendedTypesEnabled ?? false });
    this.prep = new RequestPreparer({
      tree: this.tree,
      sessions: {
        isValid: (id) => this.known.has(id) && !this.closing.has(id),
        setClosing: (id) => void this.closing.add(id),
        isKnown: (id) => this.known.has(id),
      },
      nextZxid: () => ++this.zxid,
      now: () => this.time,
      config: { extendedTypesEnabled: false, skipACL: false, enforceQuota: false, localSessions: false, ...config },
    });
  }

  request(type: number, body: Buffer, o: SubmitOptions = {}): Request {
    return { sessionId: o.session ?? SID, cxid: o.cxid ?? ++this.cxid, type, body, authInfo: o.auth ?? [IP] };
  }

  submit(type: number, body: Buffer, o: SubmitOptions = {}): PrepOutcome {
    return this.prep.prepare(this.request(type, body, o));
  }

  /** Applies a txn outcome to the tree (after a round trip through the log encoding) and retires its records. */
  apply(outcome: PrepOutcome): ApplyResult {
    const txn = txnOf(outcome);
    const result = this.tree.applyTxn(decodeTxn(encodeTxn(txn)));
    this.prep.applied(txn.header.zxid);
    return result;
  }

  run(type: number, body: Buffer, o: SubmitOptions = {}): ApplyResult {
    return this.apply(this.submit(type, body, o));
  }

  create(path: string, o: { flags?: number; acl?: ACL[]; data?: string | null; type?: number } & SubmitOptions = {}): PrepOutcome {
    return this.submit(o.type ?? OpCode.create, createBody(path, o), o);
  }

  mkdirs(...paths: string[]): void {
    for (const p of paths) {
      const r = this.apply(this.create(p));
      if (r.err !== 0) throw new Error(`create ${p}: ${r.err}`);
    }
  }
}

export function txnOf(outcome: PrepOutcome): LoggedTxn {
  if (outcome.kind !== 'txn') throw new Error(`expected a txn, got ${JSON.stringify(outcome)}`);
  return outcome.txn;
}

/** The code of an ErrorTxn outcome (throws for anything else). */
export function errorOf(outcome: PrepOutcome): number {
  const txn = txnOf(outcome);
  if (txn.body.type !== OpCode.error || txn.header.type !== OpCode.error) throw new Error(`not an error txn: type ${txn.header.type}`);
  return txn.body.txn.err;
}

export function createBody(path: string | null, o: { flags?: number; acl?: ACL[] | null; data?: string | null } = {}): Buffer {
  return CreateRequest.encode({ path, data: dataOf(o.data), acl: o.acl === undefined ? OPEN : o.acl, flags: o.flags ?? 0 });
}

export function createTTLBody(path: string, ttl: bigint, flags = 5, acl: ACL[] = OPEN): Buffer {
  return CreateTTLRequest.encode({ path, data: null, acl, flags, ttl });
}

export function deleteBody(path: string | null, version = -1): Buffer {
  return DeleteRequest.encode({ path, version });
}

export function setDataBody(path: string | null, data: string | null, version = -1): Buffer {
  return SetDataRequest.encode({ path, data: dataOf(data), version });
}

export function setACLBody(path: string | null, acl: ACL[] | null, version = -1): Buffer {
  return SetACLRequest.encode({ path, acl, version });
}

export function checkBody(path: string | null, version: number): Buffer {
  return CheckVersionRequest.encode({ path, version });
}

export function multiBody(items: Array<[number, MultiOperationRecordItem['body']]>): Buffer {
  return MultiOperationRecord.encode({
    items: items.map(([type, body]) => ({ header: { type, done: false, err: -1 }, body })),
    end: { type: -1, done: true, err: -1 },
  });
}

/** The sub-txns of a multi outcome, decoded. */
export function subTxns(outcome: PrepOutcome): Array<{ type: number; txn: unknown }> {
  const txn = txnOf(outcome);
  if (txn.body.type !== OpCode.multi) throw new Error(`not a multi txn: ${txn.body.type}`);
  return (txn.body.txn.txns ?? []).map((s) => {
    const b = decodeSubTxn(s.type, s.data ?? Buffer.alloc(0));
    return { type: s.type, txn: b.txn };
  });
}

function dataOf(d: string | null | undefined): Buffer | null {
  return d === null || d === undefined ? null : Buffer.from(d);
}
