// Decoding a checksummed log entry, with the reference's split between "the entry ends early"
// and "the entry is bad".
//
// The reference (SerializeUtils.deserializeTxn inside FileTxnIterator.next) lets an EOFException
// escape when a body needs more bytes than the entry has, and the iterator treats any
// EOFException as the end of the file: the rest of that file is skipped and reading goes on with
// the next file. Any other IOException (an unsupported txn type, a negative or oversized length)
// aborts. ../txn.ts's decodeTxn reports both as TxnFormatError, so on failure the body is decoded
// once more here to learn which of the two the reference would have seen.

import {
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
  TxnHeader,
} from '../../protocol/generated';
import { JuteDecodeError, type DecodeLimits, type JuteCodec } from '../../protocol/jute/runtime';
import { OpCode } from '../../protocol/opcodes';
import { decodeTxn, TxnFormatError, type LoggedTxn } from '../txn';
import { ENTRY_ZXID_OFFSET, TXN_HEADER_BYTES } from './format';

export type EntryDecodeResult =
  | { ok: true; txn: LoggedTxn }
  /** The reference would read past the end of the entry: an EOFException, i.e. end of the file. */
  | { ok: false; endsEarly: true; detail: string }
  | { ok: false; endsEarly: false; reason: 'unsupported-type' | 'bad-entry'; detail: string };

const BODY_CODECS: ReadonlyMap<number, JuteCodec<unknown>> = new Map<number, JuteCodec<unknown>>([
  [OpCode.createSession, CreateSessionTxn],
  [OpCode.closeSession, CloseSessionTxn],
  [OpCode.create, CreateTxn],
  [OpCode.create2, CreateTxn],
  [OpCode.createTTL, CreateTTLTxn],
  [OpCode.createContainer, CreateContainerTxn],
  [OpCode.delete, DeleteTxn],
  [OpCode.deleteContainer, DeleteTxn],
  [OpCode.setData, SetDataTxn],
  [OpCode.reconfig, SetDataTxn],
  [OpCode.setACL, SetACLTxn],
  [OpCode.error, ErrorTxn],
  [OpCode.multi, MultiTxn],
]);

function endsEarly(e: unknown): boolean {
  return e instanceof JuteDecodeError && (e.code === 'JUTE_TRUNCATED' || e.code === 'JUTE_LENGTH_BEYOND_INPUT');
}

/** The zxid an entry claims in its header, or null when it is too short to have one. */
export function claimedZxid(entry: Buffer): bigint | null {
  return entry.length >= ENTRY_ZXID_OFFSET + 8 ? entry.readBigInt64BE(ENTRY_ZXID_OFFSET) : null;
}

export function decodeEntry(entry: Buffer, limits: DecodeLimits): EntryDecodeResult {
  try {
    return { ok: true, txn: decodeTxn(entry, limits) };
  } catch (e) {
    if (e instanceof JuteDecodeError) {
      // Only the TxnHeader comes through unwrapped.
      return endsEarly(e) ? { ok: false, endsEarly: true, detail: e.message } : { ok: false, endsEarly: false, reason: 'bad-entry', detail: e.message };
    }
    if (!(e instanceof TxnFormatError)) throw e;
    if (e.zxid === null) return { ok: false, endsEarly: false, reason: 'unsupported-type', detail: e.message };
    return classifyBody(entry, limits, e.message);
  }
}

function classifyBody(entry: Buffer, limits: DecodeLimits, message: string): EntryDecodeResult {
  const type = TxnHeader.decode(entry.subarray(0, TXN_HEADER_BYTES), limits).type;
  const body = entry.subarray(TXN_HEADER_BYTES);
  const codec = BODY_CODECS.get(type);
  if (codec === undefined) return { ok: false, endsEarly: false, reason: 'unsupported-type', detail: message };
  let failure = firstFailure(codec, body, limits);
  // A create that ends early is retried in the pre-3.3 layout; that attempt decides.
  if (type === OpCode.create && endsEarly(failure)) failure = firstFailure(CreateTxnV0, body, limits);
  if (failure === null) return { ok: false, endsEarly: false, reason: 'bad-entry', detail: message };
  return endsEarly(failure) ? { ok: false, endsEarly: true, detail: message } : { ok: false, endsEarly: false, reason: 'bad-entry', detail: message };
}

function firstFailure(codec: JuteCodec<unknown>, body: Buffer, limits: DecodeLimits): unknown {
  try {
    codec.decode(body, limits);
    return null;
  } catch (e) {
    return e;
  }
}
