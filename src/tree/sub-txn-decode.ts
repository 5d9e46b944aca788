// Decoding a multi's sub-txns when the multi is applied. The generic decoders (decodeSubTxn over
// the generated binary-parser codecs) cost more per record than applying it does, so the kinds a
// multi usually holds are read here with JuteReader: the same values, and the same failures
// (test/tree/sub-txn-decode.test.ts compares both over random and malformed records). Anything
// else goes to decodeSubTxn.

import type { ACL } from '../protocol/generated';
import { JuteReader } from '../protocol/fast-codec';
import { OpCode } from '../protocol/opcodes';
import { type SubTxnBody, decodeSubTxn } from '../persistence/txn';

/** ACL: perms + two length-prefixed strings at least. */
const ACL_BYTES_MIN = 12;

function readAcls(r: JuteReader): ACL[] | null {
  const n = r.count(ACL_BYTES_MIN);
  if (n === -1) return null;
  const out = new Array<ACL>(n);
  for (let i = 0; i < n; i++) {
    const perms = r.int();
    const scheme = r.ustring();
    out[i] = { perms, id: { scheme, id: r.ustring() } };
  }
  return out;
}

/** One sub-txn body, as decodeSubTxn(type, data) returns it (or throws). */
export function decodeSubTxnFast(type: number, data: Buffer): SubTxnBody {
  switch (type) {
    case OpCode.setData: {
      const r = new JuteReader(data, 'SetDataTxn');
      const path = r.ustring();
      const value = r.buffer();
      return { type, txn: { path, data: value, version: r.int() } };
    }
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, txn: { path: new JuteReader(data, 'DeleteTxn').ustring() } };
    case OpCode.check: {
      const r = new JuteReader(data, 'CheckVersionTxn');
      const path = r.ustring();
      return { type, txn: { path, version: r.int() } };
    }
    case OpCode.error:
      return { type, txn: { err: new JuteReader(data, 'ErrorTxn').int() } };
    case OpCode.create:
    case OpCode.create2: {
      const r = new JuteReader(data, 'CreateTxn');
      const path = r.ustring();
      const value = r.buffer();
      const acl = readAcls(r);
      const ephemeral = r.bool();
      return { type, txn: { path, data: value, acl, ephemeral, parentCVersion: r.int() } };
    }
    default:
      return decodeSubTxn(type, data);
  }
}
