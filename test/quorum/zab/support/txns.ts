// Real txns for the Zab tests: encoded with the log-entry codec, so PROPOSAL data is exactly what
// a server logs and applies.

import { encodeTxn, type LoggedTxn } from '../../../../src/persistence/txn';
import { OpCode } from '../../../../src/protocol/opcodes';
import { txnFromBytes, type ZabTxn } from '../../../../src/quorum/zab/common';
import { makeZxid } from '../../../../src/quorum/types';

const WORLD_ANYONE = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** create `path` (a child of "/") with `data`, at `zxid`. */
export function createTxn(zxid: bigint, path: string, data = `v-${zxid.toString(16)}`): ZabTxn {
  const t: LoggedTxn = {
    header: { clientId: 0x100n, cxid: Number(zxid & 0xffffn), zxid, time: 1_700_000_000_000n, type: OpCode.create },
    body: { type: OpCode.create, txn: { path, data: Buffer.from(data), acl: WORLD_ANYONE, ephemeral: false, parentCVersion: -1 } },
    digest: null,
  };
  return txnFromBytes(encodeTxn(t));
}

/** `count` creates /e<epoch>-<n> with consecutive zxids from makeZxid(epoch, first). */
export function createRun(epoch: bigint, first: bigint, count: number): ZabTxn[] {
  const out: ZabTxn[] = [];
  for (let i = 0; i < count; i++) {
    const z = makeZxid(epoch, first + BigInt(i));
    out.push(createTxn(z, `/e${epoch}-${first + BigInt(i)}`));
  }
  return out;
}

/** A reconfig txn at `zxid` whose /zookeeper/config data is `config` (what the leader proposes). */
export function reconfigTxn(zxid: bigint, config: string): ZabTxn {
  const t: LoggedTxn = {
    header: { clientId: 0x100n, cxid: 1, zxid, time: 1_700_000_000_000n, type: OpCode.reconfig },
    body: { type: OpCode.reconfig, txn: { path: '/zookeeper/config', data: Buffer.from(config), version: -1 } },
    digest: null,
  };
  return txnFromBytes(encodeTxn(t));
}
