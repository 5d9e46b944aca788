// `zkts txnlog [-d|--dump] [--json] <log file>`: the reference's `zkTxnLogToolkit.sh -d <file>`
// (TxnLogToolkit in dump mode), same text line for line, or one JSON object per txn.
//
// Text, as TxnLogToolkit prints it:
//   ZooKeeper Transactional Log File with dbid <dbid> txnlog format version <version>
//   <date> session 0x<clientId> cxid 0x<cxid> zxid 0x<zxid> <op> <body>      (one per txn)
//   EOF reached after <n> txns.
// <date> is DateFormat SHORT date + LONG time (en_US, process time zone); the hex numbers are
// Long.toHexString. <body>: for create/create2, createContainer, createTTL, setData/reconfig the
// fields joined by "," (data as UTF-8 text, ACLs as Java's List.toString of ACL.toString()); for
// multi each sub-txn as "<op>:<raw data as UTF-8>" joined by ";"; for a bodiless closeSession
// nothing; otherwise the record's toString(). A line already ending in "\n" (toString() does)
// gets no second one. A record whose checksum does not match is printed twice, first behind
// "CRC ERROR - ". Where the reference stops with an exception (bad magic, a partial last record,
// an undecodable txn) this prints the error on stderr and exits non-zero, after the lines before.
//
// --json: one object per line: offset, crcValid, the header fields (64-bit values as decimal
// strings), typeName, body (the decoded record: longs as decimal strings, buffers as hex; for a
// multi each sub-txn also carries its typeName and decoded body) and digest. No header or EOF line.

import { statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { decodeSubTxn, decodeTxn, type LoggedTxn, type SubTxnBody, type TxnBody } from '../persistence/txn';
import { OpCode } from '../protocol/opcodes';
import type { ToolIO } from './io';
import { javaHex, javaShortLongDateTime, op2String } from './java-format';
import { javaUtf8Decode } from '../protocol/jute/java-utf8';
import { javaRecordListToString, juteToJson, juteToString, type JsonValue } from './jute-render';
import { TXNLOG_MAGIC } from '../persistence/txn-log/format';
import { TxnLogFileError, TxnLogFileReader, type TxnLogFileRecord } from './txnlog-file';

export const TXNLOG_USAGE = `Usage: zkts txnlog [-d|--dump] [--json] <txn log file>

Dumps every txn of one txn log file, as the reference's zkTxnLogToolkit.sh -d does.
  -d, --dump   dump mode (the default and only mode)
  --json       one JSON object per txn instead of text
`;

/** The Jute record that holds each logged body type. */
const BODY_RECORD = new Map<number, string>([
  [OpCode.createSession, 'CreateSessionTxn'],
  [OpCode.closeSession, 'CloseSessionTxn'],
  [OpCode.create, 'CreateTxn'],
  [OpCode.create2, 'CreateTxn'],
  [OpCode.createTTL, 'CreateTTLTxn'],
  [OpCode.createContainer, 'CreateContainerTxn'],
  [OpCode.delete, 'DeleteTxn'],
  [OpCode.deleteContainer, 'DeleteTxn'],
  [OpCode.setData, 'SetDataTxn'],
  [OpCode.reconfig, 'SetDataTxn'],
  [OpCode.setACL, 'SetACLTxn'],
  [OpCode.check, 'CheckVersionTxn'],
  [OpCode.error, 'ErrorTxn'],
  [OpCode.multi, 'MultiTxn'],
]);

function text(data: Buffer | null): string {
  return data === null || data.length === 0 ? '' : javaUtf8Decode(data);
}

/** Java's string concatenation of a possibly null String. */
function str(s: string | null): string {
  return s ?? 'null';
}

/** TxnLogToolkit.getFormattedTxnStr. */
export function formatTxnBody(body: TxnBody | SubTxnBody): string {
  switch (body.type) {
    case OpCode.create:
    case OpCode.create2: {
      const t = body.txn;
      return `${str(t.path)},${text(t.data)},${javaRecordListToString('ACL', t.acl)},${t.ephemeral},${t.parentCVersion}`;
    }
    case OpCode.setData:
    case OpCode.reconfig:
      return `${str(body.txn.path)},${text(body.txn.data)},${body.txn.version}`;
    case OpCode.createContainer: {
      const t = body.txn;
      return `${str(t.path)},${text(t.data)},${javaRecordListToString('ACL', t.acl)},${t.parentCVersion}`;
    }
    case OpCode.createTTL: {
      const t = body.txn;
      return `${str(t.path)},${text(t.data)},${javaRecordListToString('ACL', t.acl)},${t.parentCVersion},${t.ttl}`;
    }
    case OpCode.multi:
      return (body.txn.txns ?? []).map((t) => `${op2String(t.type)}:${text(t.data)}`).join(';');
    case OpCode.closeSession:
      if (body.txn === null) return '';
      return juteToString('CloseSessionTxn', body.txn);
    default:
      return juteToString(BODY_RECORD.get(body.type)!, body.txn);
  }
}

/** One printed txn (TxnLogToolkit.printTxn), newline included. */
export function formatTxnLine(t: LoggedTxn, prefix = ''): string {
  const h = t.header;
  const line = `${javaShortLongDateTime(h.time)} session 0x${javaHex(h.clientId)} cxid 0x${javaHex(h.cxid)} zxid 0x${javaHex(h.zxid)} ${op2String(h.type)} ${formatTxnBody(t.body)}`;
  return `${prefix === '' ? '' : `${prefix} - `}${line}${line.endsWith('\n') ? '' : '\n'}`;
}

function subTxnJson(type: number, data: Buffer | null): JsonValue {
  let body: JsonValue = null;
  if (data !== null) {
    try {
      const sub = decodeSubTxn(type, data);
      body = juteToJson(BODY_RECORD.get(sub.type)!, sub.txn);
    } catch {
      body = null;
    }
  }
  return { type, typeName: op2String(type), data: data === null ? null : data.toString('hex'), body };
}

/** The --json object of one record. */
export function txnJson(rec: Pick<TxnLogFileRecord, 'offset' | 'crcOk'>, t: LoggedTxn): Record<string, JsonValue> {
  const h = t.header;
  let body: JsonValue = null;
  if (t.body.type === OpCode.multi) {
    body = { txns: (t.body.txn.txns ?? []).map((s) => subTxnJson(s.type, s.data)) };
  } else if (t.body.txn !== null) {
    body = juteToJson(BODY_RECORD.get(t.body.type)!, t.body.txn);
  }
  return {
    offset: rec.offset,
    crcValid: rec.crcOk,
    clientId: h.clientId.toString(),
    cxid: h.cxid,
    zxid: h.zxid.toString(),
    time: h.time.toString(),
    type: h.type,
    typeName: op2String(h.type),
    body,
    digest: t.digest === null ? null : { version: t.digest.version, treeDigest: t.digest.treeDigest.toString() },
  };
}

interface TxnlogOptions {
  file: string;
  json: boolean;
}

function parse(argv: string[], io: ToolIO): TxnlogOptions | number {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { dump: { type: 'boolean', short: 'd' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    io.err(`zkts txnlog: ${(e as Error).message}\n\n${TXNLOG_USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.out(TXNLOG_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`zkts txnlog: expected one txn log file\n\n${TXNLOG_USAGE}`);
    return 2;
  }
  return { file: parsed.positionals[0]!, json: parsed.values.json === true };
}

/** Runs `zkts txnlog`; returns the exit status. */
export function runTxnlog(argv: string[], io: ToolIO): number {
  const opts = parse(argv, io);
  if (typeof opts === 'number') return opts;
  const { file, json } = opts;
  let reader: TxnLogFileReader;
  try {
    if (statSync(file).isDirectory()) {
      io.err(`zkts txnlog: ${file} is a directory, not a txn log file\n`);
      return 1;
    }
    reader = TxnLogFileReader.open(file);
  } catch (e) {
    io.err(`zkts txnlog: File doesn't exist or not readable: ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})\n`);
    return 1;
  }
  const fail = (message: string): number => {
    io.flush();
    io.err(`zkts txnlog: ${file}: ${message}\n`);
    return 1;
  };
  try {
    const hdr = reader.header();
    if (hdr.magic !== TXNLOG_MAGIC) {
      io.err(`zkts txnlog: Invalid magic number for ${basename(file)} (0x${(hdr.magic >>> 0).toString(16)}, not a txn log)\n`);
      return 2;
    }
    if (!json) io.out(`ZooKeeper Transactional Log File with dbid ${hdr.dbid} txnlog format version ${hdr.version}\n`);
    let count = 0;
    for (const item of reader.records()) {
      if (item.kind === 'end') {
        if (!json) io.out(`EOF reached after ${count} txns.\n`);
        break;
      }
      let t: LoggedTxn;
      try {
        t = decodeTxn(item.entry);
      } catch (e) {
        const crc = item.crcOk ? '' : ' (its checksum does not match either)';
        return fail(`txn at offset ${item.offset} does not decode${crc}: ${(e as Error).message}`);
      }
      if (json) {
        io.out(`${JSON.stringify(txnJson(item, t))}\n`);
      } else {
        if (!item.crcOk) io.out(formatTxnLine(t, 'CRC ERROR'));
        io.out(formatTxnLine(t));
      }
      if (!item.crcOk) {
        io.flush();
        io.err(`zkts txnlog: ${file}: CRC error in the txn at offset ${item.offset} (zxid 0x${javaHex(t.header.zxid)}): stored 0x${javaHex(item.storedCrc)}, computed 0x${item.crc.toString(16)}\n`);
      }
      if (item.trailer === 'bad') return fail('Last transaction was partial.');
      if (item.trailer === 'eof') return fail(`the file ends right after the txn at offset ${item.offset}, without its end-of-record byte`);
      count++;
    }
    io.flush();
    return 0;
  } catch (e) {
    if (e instanceof TxnLogFileError) return fail(e.message);
    throw e;
  } finally {
    reader.close();
  }
}
