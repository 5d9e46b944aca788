// Builders for a simple txn stream (sessions and creates under one parent) used by the database
// and crash tests: every txn is real (the tree applies it as the reference would).
import type { LoggedTxn } from '../../../src/persistence/txn';
import { OpCode } from '../../../src/protocol/opcodes';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export class TxnStream {
  constructor(
    public zxid: bigint,
    private parentCVersion: number,
  ) {}

  private header(type: number, session = 0x100n) {
    this.zxid += 1n;
    return { clientId: session, cxid: Number(this.zxid & 0xffffn), zxid: this.zxid, time: 1_700_000_000_000n + this.zxid, type };
  }

  createSession(session: bigint, timeOut = 30_000): LoggedTxn {
    return { header: this.header(OpCode.createSession, session), body: { type: OpCode.createSession, txn: { timeOut } }, digest: null };
  }

  closeSession(session: bigint): LoggedTxn {
    return { header: this.header(OpCode.closeSession, session), body: { type: OpCode.closeSession, txn: { paths2Delete: [] } }, digest: null };
  }

  /** Creates `path` under a parent whose stored cversion this stream tracks. */
  create(path: string, data: Buffer, ephemeralOwner: bigint | null = null): LoggedTxn {
    this.parentCVersion += 1;
    const h = this.header(OpCode.create, ephemeralOwner ?? 0x100n);
    return {
      header: h,
      body: {
        type: OpCode.create,
        txn: { path, data, acl: OPEN, ephemeral: ephemeralOwner !== null, parentCVersion: this.parentCVersion },
      },
      digest: null,
    };
  }

  setData(path: string, data: Buffer, version: number): LoggedTxn {
    return { header: this.header(OpCode.setData), body: { type: OpCode.setData, txn: { path, data, version } }, digest: null };
  }
}
