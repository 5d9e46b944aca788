// The logged transaction: TxnHeader + body (chosen by the header type) + optional TxnDigest.
// The same bytes are a txn-log entry and the data of a quorum PROPOSAL.
//
// Decoding follows the reference's reader: a create body that ends early is the pre-3.3 form
// (parentCVersion becomes -1), a closeSession without body is from before 3.6 (null), a digest that
// is absent or cut short is null, and any top-level type it does not log is refused.

import { SmartBuffer } from 'smart-buffer';
import {
  CheckVersionTxn,
  CloseSessionTxn,
  CreateContainerTxn,
  CreateSessionTxn,
  CreateTTLTxn,
  CreateTxn,
  CreateTxnV0,
  DeleteTxn,
  ErrorTxn,
  MultiTxn,
  SetACLTxn,
  SetDataTxn,
  TxnDigest,
  TxnHeader,
  writeTxnDigest,
  writeTxnHeader,
} from '../protocol/generated';
import { type DecodeLimits, JuteDecodeError } from '../protocol/jute/runtime';
import { OpCode, opName } from '../protocol/opcodes';

export type TxnBody =
  | { type: typeof OpCode.createSession; txn: CreateSessionTxn }
  /** null: a log written before closeSession carried the ephemerals to delete. */
  | { type: typeof OpCode.closeSession; txn: CloseSessionTxn | null }
  | { type: typeof OpCode.create | typeof OpCode.create2; txn: CreateTxn }
  | { type: typeof OpCode.createTTL; txn: CreateTTLTxn }
  | { type: typeof OpCode.createContainer; txn: CreateContainerTxn }
  | { type: typeof OpCode.delete | typeof OpCode.deleteContainer; txn: DeleteTxn }
  | { type: typeof OpCode.setData | typeof OpCode.reconfig; txn: SetDataTxn }
  | { type: typeof OpCode.setACL; txn: SetACLTxn }
  | { type: typeof OpCode.error; txn: ErrorTxn }
  | { type: typeof OpCode.multi; txn: MultiTxn };

/** The body types allowed inside a MultiTxn (each sub-txn's `data` holds one of these). */
export type SubTxnBody =
  | { type: typeof OpCode.create | typeof OpCode.create2; txn: CreateTxn }
  | { type: typeof OpCode.createTTL; txn: CreateTTLTxn }
  | { type: typeof OpCode.createContainer; txn: CreateContainerTxn }
  | { type: typeof OpCode.delete | typeof OpCode.deleteContainer; txn: DeleteTxn }
  | { type: typeof OpCode.setData; txn: SetDataTxn }
  | { type: typeof OpCode.check; txn: CheckVersionTxn }
  | { type: typeof OpCode.error; txn: ErrorTxn };

export interface LoggedTxn {
  header: TxnHeader;
  body: TxnBody;
  digest: TxnDigest | null;
}

export class TxnFormatError extends Error {
  override readonly name = 'TxnFormatError';
  constructor(
    message: string,
    readonly zxid: bigint | null,
  ) {
    super(message);
  }
}

/** Encodes header + body + digest: the bytes of a log entry (before checksum and framing). */
export function encodeTxn(t: LoggedTxn): Buffer {
  const out = new SmartBuffer({ size: 256 });
  if (t.header.type !== t.body.type) throw new RangeError(`txn header type ${t.header.type} does not match body type ${t.body.type}`);
  writeTxnHeader(out, t.header);
  writeBody(out, t.body);
  if (t.digest !== null) writeTxnDigest(out, t.digest);
  return out.toBuffer();
}

function writeBody(out: SmartBuffer, b: TxnBody | SubTxnBody): void {
  switch (b.type) {
    case OpCode.createSession:
      return CreateSessionTxn.write(out, b.txn);
    case OpCode.closeSession:
      if (b.txn !== null) CloseSessionTxn.write(out, b.txn);
      return;
    case OpCode.create:
    case OpCode.create2:
      return CreateTxn.write(out, b.txn);
    case OpCode.createTTL:
      return CreateTTLTxn.write(out, b.txn);
    case OpCode.createContainer:
      return CreateContainerTxn.write(out, b.txn);
    case OpCode.delete:
    case OpCode.deleteContainer:
      return DeleteTxn.write(out, b.txn);
    case OpCode.setData:
    case OpCode.reconfig:
      return SetDataTxn.write(out, b.txn);
    case OpCode.setACL:
      return SetACLTxn.write(out, b.txn);
    case OpCode.check:
      return CheckVersionTxn.write(out, b.txn);
    case OpCode.error:
      return ErrorTxn.write(out, b.txn);
    case OpCode.multi:
      return MultiTxn.write(out, b.txn);
  }
}

/** Decodes the bytes of a log entry (or a PROPOSAL's data). */
export function decodeTxn(bytes: Buffer, limits?: DecodeLimits): LoggedTxn {
  const { value: header, bytesRead: at } = TxnHeader.decodeWithLength(bytes, limits);
  const rest = bytes.subarray(at);
  let body: TxnBody;
  let used: number;
  try {
    ({ body, used } = decodeBody(header.type, rest, limits));
  } catch (e) {
    if (e instanceof JuteDecodeError) {
      throw new TxnFormatError(`txn 0x${header.zxid.toString(16)} (${opName(header.type)}): ${e.message}`, header.zxid);
    }
    throw e;
  }
  const tail = rest.subarray(used);
  let digest: TxnDigest | null = null;
  if (tail.length >= 12) digest = TxnDigest.decode(tail, limits);
  return { header, body, digest };
}

function decodeBody(type: number, b: Buffer, limits?: DecodeLimits): { body: TxnBody; used: number } {
  switch (type) {
    case OpCode.createSession: {
      const r = CreateSessionTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.closeSession: {
      if (b.length === 0) return { body: { type, txn: null }, used: 0 };
      try {
        const r = CloseSessionTxn.decodeWithLength(b, limits);
        return { body: { type, txn: r.value }, used: r.bytesRead };
      } catch (e) {
        // As the reference: a body that does not parse is an old bodiless closeSession.
        if (e instanceof JuteDecodeError && (e.code === 'JUTE_TRUNCATED' || e.code === 'JUTE_LENGTH_BEYOND_INPUT')) {
          return { body: { type, txn: null }, used: 0 };
        }
        throw e;
      }
    }
    case OpCode.create:
    case OpCode.create2: {
      try {
        const r = CreateTxn.decodeWithLength(b, limits);
        return { body: { type, txn: r.value }, used: r.bytesRead };
      } catch (e) {
        if (type !== OpCode.create || !(e instanceof JuteDecodeError) || e.code !== 'JUTE_TRUNCATED') throw e;
        const r = CreateTxnV0.decodeWithLength(b, limits);
        return { body: { type, txn: { ...r.value, parentCVersion: -1 } }, used: r.bytesRead };
      }
    }
    case OpCode.createTTL: {
      const r = CreateTTLTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.createContainer: {
      const r = CreateContainerTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.delete:
    case OpCode.deleteContainer: {
      const r = DeleteTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.setData:
    case OpCode.reconfig: {
      const r = SetDataTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.setACL: {
      const r = SetACLTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.error: {
      const r = ErrorTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    case OpCode.multi: {
      const r = MultiTxn.decodeWithLength(b, limits);
      return { body: { type, txn: r.value }, used: r.bytesRead };
    }
    default:
      throw new TxnFormatError(`unsupported txn type ${type} (${opName(type)}): the reference refuses to load it`, null);
  }
}

/** Decodes one sub-txn of a MultiTxn. */
export function decodeSubTxn(type: number, data: Buffer, limits?: DecodeLimits): SubTxnBody {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
      return { type, txn: CreateTxn.decode(data, limits) };
    case OpCode.createTTL:
      return { type, txn: CreateTTLTxn.decode(data, limits) };
    case OpCode.createContainer:
      return { type, txn: CreateContainerTxn.decode(data, limits) };
    case OpCode.delete:
    case OpCode.deleteContainer:
      return { type, txn: DeleteTxn.decode(data, limits) };
    case OpCode.setData:
      return { type, txn: SetDataTxn.decode(data, limits) };
    case OpCode.check:
      return { type, txn: CheckVersionTxn.decode(data, limits) };
    case OpCode.error:
      return { type, txn: ErrorTxn.decode(data, limits) };
    default:
      throw new TxnFormatError(`unsupported sub-txn type ${type} (${opName(type)}) in a multi`, null);
  }
}

/** Encodes one sub-txn body for MultiTxn.txns[i].data. */
export function encodeSubTxn(b: SubTxnBody): Buffer {
  const out = new SmartBuffer({ size: 128 });
  writeBody(out, b);
  return out.toBuffer();
}
