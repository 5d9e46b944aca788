// Shared helpers for the txn-log tests: temp dirs, sample txns, a logger that keeps its lines and
// a file-system port that records (and can hold back) every write and fsync.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutionContext } from 'ava';
import { OpCode } from '../../../src/protocol/opcodes';
import { nodeTxnLogFs, type LogFileHandle, type TxnLogFs } from '../../../src/persistence/txn-log';
import { encodeSubTxn, type LoggedTxn } from '../../../src/persistence/txn';
import type { LogFields, Logger } from '../../../src/util/logger';

export function tempDir(t: ExecutionContext, label = 'txnlog'): string {
  const dir = mkdtempSync(join(tmpdir(), `zkts-${label}-`));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const SESSION = 0x1000001a2b3c0001n;

function header(zxid: bigint, type: number): LoggedTxn['header'] {
  return { clientId: SESSION, cxid: Number(zxid & 0xffffn), zxid, time: 1_700_000_000_000n + zxid, type };
}

export function setDataTxn(zxid: bigint, dataBytes = 100, withDigest = true): LoggedTxn {
  return {
    header: header(zxid, OpCode.setData),
    body: { type: OpCode.setData, txn: { path: '/bench/node', data: Buffer.alloc(dataBytes, Number(zxid % 26n) + 97), version: Number(zxid & 0xffffn) } },
    digest: withDigest ? { version: 2, treeDigest: zxid * 7919n } : null,
  };
}

/** One txn of every top-level type the reference logs, starting at `zxid`. */
export function everyTypeTxns(first: bigint): LoggedTxn[] {
  let z = first;
  const next = (): bigint => z++;
  const d = (zx: bigint) => ({ version: 2, treeDigest: zx ^ 0x5eedn });
  const out: LoggedTxn[] = [];
  const push = (type: number, body: LoggedTxn['body'], digest = true): void => {
    const zx = next();
    out.push({ header: header(zx, type), body, digest: digest ? d(zx) : null });
  };
  push(OpCode.createSession, { type: OpCode.createSession, txn: { timeOut: 30000 } });
  push(OpCode.create, { type: OpCode.create, txn: { path: '/a', data: Buffer.from('hello'), acl: OPEN_ACL, ephemeral: false, parentCVersion: 1 } });
  push(OpCode.create2, { type: OpCode.create2, txn: { path: '/a/e', data: null, acl: OPEN_ACL, ephemeral: true, parentCVersion: 1 } });
  push(OpCode.createContainer, { type: OpCode.createContainer, txn: { path: '/c', data: Buffer.alloc(0), acl: OPEN_ACL, parentCVersion: 2 } });
  push(OpCode.createTTL, { type: OpCode.createTTL, txn: { path: '/t', data: Buffer.from('ttl'), acl: OPEN_ACL, parentCVersion: 3, ttl: 5000n } });
  push(OpCode.setData, { type: OpCode.setData, txn: { path: '/a', data: Buffer.from('world'), version: 1 } });
  push(OpCode.setACL, { type: OpCode.setACL, txn: { path: '/a', acl: OPEN_ACL, version: 1 } });
  push(OpCode.delete, { type: OpCode.delete, txn: { path: '/t' } });
  push(OpCode.deleteContainer, { type: OpCode.deleteContainer, txn: { path: '/c' } });
  push(OpCode.error, { type: OpCode.error, txn: { err: -101 } }, false);
  push(OpCode.multi, {
    type: OpCode.multi,
    txn: {
      txns: [
        { type: OpCode.create, data: encodeSubTxn({ type: OpCode.create, txn: { path: '/m', data: Buffer.from('m'), acl: OPEN_ACL, ephemeral: false, parentCVersion: 4 } }) },
        { type: OpCode.check, data: encodeSubTxn({ type: OpCode.check, txn: { path: '/a', version: 1 } }) },
        { type: OpCode.setData, data: encodeSubTxn({ type: OpCode.setData, txn: { path: '/m', data: Buffer.from('mm'), version: 0 } }) },
        { type: OpCode.delete, data: encodeSubTxn({ type: OpCode.delete, txn: { path: '/m' } }) },
      ],
    },
  });
  push(OpCode.reconfig, { type: OpCode.reconfig, txn: { path: '/zookeeper/config', data: Buffer.from('server.1=127.0.0.1:2888:3888;2181\nversion=1'), version: -1 } });
  push(OpCode.closeSession, { type: OpCode.closeSession, txn: { paths2Delete: ['/a/e'] } });
  return out;
}

export interface CapturedLine {
  level: string;
  message: string;
  fields: LogFields;
}

export function captureLogger(): { logger: Logger; lines: CapturedLine[] } {
  const lines: CapturedLine[] = [];
  const make = (bound: LogFields): Logger => {
    const at = (level: string) => (message: string, fields?: LogFields) => lines.push({ level, message, fields: { ...bound, ...fields } });
    return { error: at('error'), warn: at('warn'), info: at('info'), debug: at('debug'), child: (b) => make({ ...bound, ...b }) };
  };
  return { logger: make({}), lines };
}

export type FsEvent =
  | { seq: number; kind: 'create'; path: string }
  | { seq: number; kind: 'write'; path: string; position: number; length: number }
  | { seq: number; kind: 'datasync-start' | 'datasync-done'; path: string; coveredBytes: number }
  | { seq: number; kind: 'syncdir'; path: string }
  | { seq: number; kind: 'close'; path: string };

/**
 * Wraps the real file system, recording every call in order. `durableBytes(path)` is how much of a
 * file a completed fdatasync covers (the end of the contiguous bytes written before it began).
 * `holdDatasync` makes fsyncs wait until `release()`.
 */
export class RecordingFs implements TxnLogFs {
  readonly events: FsEvent[] = [];
  private seq = 0;
  private readonly written = new Map<string, number>();
  private readonly durable = new Map<string, number>();
  private held: (() => void)[] = [];
  holdDatasync = false;
  failWritesWith: Error | null = null;

  constructor(private readonly inner: TxnLogFs = nodeTxnLogFs) {}

  durableBytes(path: string): number {
    return this.durable.get(path) ?? 0;
  }

  get heldCount(): number {
    return this.held.length;
  }

  release(): void {
    const held = this.held;
    this.held = [];
    for (const go of held) go();
  }

  count(kind: FsEvent['kind']): number {
    return this.events.filter((e) => e.kind === kind).length;
  }

  async create(path: string, header: Buffer): Promise<{ handle: LogFileHandle; existed: boolean }> {
    this.events.push({ seq: this.seq++, kind: 'create', path });
    const { handle, existed } = await this.inner.create(path, header);
    // The header arrives durably with the file.
    this.written.set(path, header.length);
    this.durable.set(path, header.length);
    const fs = this;
    const wrapped: LogFileHandle = {
      async write(data, position) {
        if (fs.failWritesWith) throw fs.failWritesWith;
        fs.events.push({ seq: fs.seq++, kind: 'write', path, position, length: data.length });
        await handle.write(data, position);
        // Only contiguous data counts; the single zero byte that extends the file lies beyond it.
        const end = fs.written.get(path) ?? 0;
        if (position <= end) fs.written.set(path, Math.max(end, position + data.length));
      },
      async datasync() {
        const covered = fs.written.get(path) ?? 0;
        fs.events.push({ seq: fs.seq++, kind: 'datasync-start', path, coveredBytes: covered });
        if (fs.holdDatasync) await new Promise<void>((go) => fs.held.push(go));
        await handle.datasync();
        fs.durable.set(path, Math.max(fs.durable.get(path) ?? 0, covered));
        fs.events.push({ seq: fs.seq++, kind: 'datasync-done', path, coveredBytes: covered });
      },
      async close() {
        fs.events.push({ seq: fs.seq++, kind: 'close', path });
        await handle.close();
      },
    };
    return { handle: wrapped, existed };
  }

  async syncDir(dir: string): Promise<void> {
    this.events.push({ seq: this.seq++, kind: 'syncdir', path: dir });
    await this.inner.syncDir(dir);
  }
}

/** Waits until `cond()` holds, polling once per event-loop turn. */
export async function until(cond: () => boolean, turnsMax = 10_000): Promise<void> {
  for (let i = 0; i < turnsMax; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}
