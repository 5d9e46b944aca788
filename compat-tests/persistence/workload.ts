// A scripted client workload that makes a standalone server write every txn type it can log:
// createSession, closeSession, create, create2, createContainer, createTTL, delete,
// deleteContainer (container and TTL reaping), setData, setACL, error txns, multi (successful and
// failing, with check), sessions that expire with ephemerals. Run against Apache ZooKeeper or zkts.

import {
  ACL,
  AuthPacket,
  Create2Response,
  CreateRequest,
  CreateResponse,
  CreateTTLRequest,
  DeleteRequest,
  GetACLRequest,
  GetACLResponse,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiOperationRecord,
  MultiResponse,
  SetACLRequest,
  SetACLResponse,
  SetDataRequest,
  SetDataResponse,
  type MultiOperationRecordItem,
} from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { dumpedNode, type DumpedNode } from '../../test/support/tree-dump';
import { ZkTestClient } from '../../test/support/zk-client';

const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const READ_ONLY: ACL[] = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];
const DIGEST: ACL[] = [
  { perms: 31, id: { scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' } },
  { perms: 1, id: { scheme: 'world', id: 'anyone' } },
];

export class Ops {
  constructor(readonly c: ZkTestClient) {}

  async create(path: string, data: Buffer | null, flags = 0, acl: ACL[] = OPEN, op: number = OpCode.create): Promise<number> {
    const decode = op === OpCode.create ? CreateResponse : Create2Response;
    return (await this.c.request(op, CreateRequest.encode({ path, data, acl, flags }), decode)).err;
  }

  async createTTL(path: string, data: Buffer, ttl: bigint, flags = 5): Promise<number> {
    return (await this.c.request(OpCode.createTTL, CreateTTLRequest.encode({ path, data, acl: OPEN, flags, ttl }), Create2Response)).err;
  }

  async delete(path: string, version = -1): Promise<number> {
    return (await this.c.request(OpCode.delete, DeleteRequest.encode({ path, version }), null)).err;
  }

  async setData(path: string, data: Buffer | null, version = -1): Promise<number> {
    return (await this.c.request(OpCode.setData, SetDataRequest.encode({ path, data, version }), SetDataResponse)).err;
  }

  async setACL(path: string, acl: ACL[], version = -1): Promise<number> {
    return (await this.c.request(OpCode.setACL, SetACLRequest.encode({ path, acl, version }), SetACLResponse)).err;
  }

  async multi(items: MultiOperationRecordItem[]): Promise<number[]> {
    const r = await this.c.request(OpCode.multi, MultiOperationRecord.encode({ items, end: { type: -1, done: true, err: -1 } }), MultiResponse);
    if (r.err !== 0 || r.body === null) return [r.err];
    return r.body.items.map((i) => i.header.err);
  }

  async exists(path: string): Promise<boolean> {
    const r = await this.c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
    return r.err === 0;
  }
}

const op = (type: number, body: MultiOperationRecordItem['body']): MultiOperationRecordItem => ({
  header: { type, done: false, err: -1 },
  body,
});

async function until(what: string, cond: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export interface WorkloadOptions {
  /** Rounds of bulk writes; each round is ~60 txns (enough rounds roll logs and take snapshots). */
  rounds: number;
  /** Whether the server reaps containers and TTL nodes (needs a short container check interval). */
  reaping: boolean;
}

/** Runs the workload; leaves one live session holding an ephemeral, returned so the caller owns it. */
export async function runWorkload(host: string, port: number, opts: WorkloadOptions): Promise<ZkTestClient> {
  const c = await ZkTestClient.connect(host, port, { timeoutMs: 30_000 });
  const z = new Ops(c);
  const must = (err: number | number[], what: string, expected: number | number[] = 0): void => {
    if (JSON.stringify(err) !== JSON.stringify(expected)) throw new Error(`${what}: got ${JSON.stringify(err)}, expected ${JSON.stringify(expected)}`);
  };
  must(await z.create('/app', Buffer.from('root of the workload')), 'create /app');
  must(await z.create('/app/empty', Buffer.alloc(0)), 'create empty data');
  must(await z.create('/app/null', null), 'create null data');
  must(await z.create('/app/c2', Buffer.from('create2'), 0, OPEN, OpCode.create2), 'create2');
  must(await z.create('/app/ключ-节点', Buffer.from('non-ascii ✓')), 'non-ascii');
  must(await z.create('/app/acl', Buffer.from('acl'), 0, DIGEST), 'digest acl');
  must(await z.setACL('/app/c2', READ_ONLY), 'setACL');
  must(await z.create('/app/seq-', Buffer.from('s'), 2), 'sequential');
  must(await z.create('/app/seq-', Buffer.from('s'), 2), 'sequential 2');
  must(await z.create('/app', null), 'error txn: exists', -110);
  must(await z.setData('/app/missing', Buffer.from('x')), 'error txn: nonode', -101);
  must(await z.setData('/app/empty', Buffer.from('v1'), 7), 'error txn: badversion', -103);
  // Multi that succeeds (with check) and one that fails on its third op.
  must(
    await z.multi([
      op(OpCode.create, { path: '/app/m1', data: Buffer.from('m1'), acl: OPEN, flags: 0 }),
      op(OpCode.check, { path: '/app', version: 0 }),
      op(OpCode.setData, { path: '/app/m1', data: Buffer.from('m1b'), version: 0 }),
      op(OpCode.create2, { path: '/app/m2', data: null, acl: OPEN, flags: 0 }),
    ]),
    'multi ok',
    [0, 0, 0, 0],
  );
  must(
    await z.multi([
      op(OpCode.create, { path: '/app/never', data: null, acl: OPEN, flags: 0 }),
      op(OpCode.delete, { path: '/app/m2', version: -1 }),
      op(OpCode.check, { path: '/app/m1', version: 99 }),
      op(OpCode.setData, { path: '/app/m1', data: Buffer.from('no'), version: -1 }),
    ]),
    'multi failing',
    [0, 0, -103, -2],
  );
  must(await z.delete('/app/m2'), 'delete');
  // Containers: one stays (has a child), one is emptied and reaped.
  must(await z.create('/app/box', null, 4, OPEN, OpCode.createContainer), 'container kept');
  must(await z.create('/app/box/item', Buffer.from('i')), 'container child');
  must(await z.create('/app/gone', null, 4, OPEN, OpCode.createContainer), 'container reaped');
  must(await z.create('/app/gone/x', null), 'container child 2');
  must(await z.delete('/app/gone/x'), 'empty the container');
  // TTL nodes: one long-lived, one that expires.
  must(await z.createTTL('/app/ttl-long', Buffer.from('t'), 3_600_000n), 'ttl long');
  must(await z.createTTL('/app/ttl-short', Buffer.from('t'), 500n), 'ttl short');
  must(await z.createTTL('/app/ttl-seq-', Buffer.from('t'), 3_600_000n, 6), 'ttl sequential');
  // A session that expires with ephemerals, and one that closes cleanly with ephemerals.
  const doomed = await ZkTestClient.connect(host, port, { timeoutMs: 4000 });
  must(await new Ops(doomed).create('/app/eph-expired', Buffer.from('e'), 1), 'ephemeral (expiring)');
  doomed.destroy();
  const tidy = await ZkTestClient.connect(host, port, { timeoutMs: 10_000 });
  must(await new Ops(tidy).create('/app/eph-closed', null, 3), 'ephemeral sequential (closed)');
  await tidy.close();
  // Bulk: enough txns to roll logs and take several snapshots (snapCount is small in the tests).
  must(await z.create('/bulk', null), 'create /bulk');
  for (let r = 0; r < opts.rounds; r++) {
    for (let i = 0; i < 20; i++) must(await z.create(`/bulk/n${r}-${i}`, Buffer.alloc(100, r + i)), 'bulk create');
    for (let i = 0; i < 20; i++) must(await z.setData(`/bulk/n${r}-${i}`, Buffer.alloc(120, i)), 'bulk setData');
    for (let i = 0; i < 20; i += 2) must(await z.delete(`/bulk/n${r}-${i}`), 'bulk delete');
    must(await z.create('/bulk', null), 'bulk error txn', -110);
  }
  const keeper = await ZkTestClient.connect(host, port, { timeoutMs: 30_000 });
  must(await new Ops(keeper).create('/app/eph-live', Buffer.from('alive'), 1), 'ephemeral (live)');
  if (opts.reaping) {
    await until('the expired session to be reaped', async () => !(await z.exists('/app/eph-expired')), 30_000);
    await until('the empty container to be reaped', async () => !(await z.exists('/app/gone')), 30_000);
    await until('the short TTL node to be reaped', async () => !(await z.exists('/app/ttl-short')), 30_000);
  }
  await c.close();
  return keeper;
}

/**
 * Every node under "/" as a client sees it (data, ACL, Stat), sorted by path. The client
 * authenticates as the workload's digest user, so getACL shows digest ids unmasked.
 */
export async function dumpTree(host: string, port: number): Promise<DumpedNode[]> {
  const c = await ZkTestClient.connect(host, port, { timeoutMs: 30_000 });
  const auth = await c.request(OpCode.auth, AuthPacket.encode({ type: 0, scheme: 'digest', auth: Buffer.from('bob:secret') }), null, -4);
  if (auth.err !== 0) throw new Error(`auth failed: ${auth.err}`);
  const out: DumpedNode[] = [];
  const walk = async (path: string): Promise<void> => {
    const d = await c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
    const a = await c.request(OpCode.getACL, GetACLRequest.encode({ path }), GetACLResponse);
    if (d.err !== 0 || a.err !== 0 || d.body === null || a.body === null) throw new Error(`dump ${path}: err ${d.err}/${a.err}`);
    out.push(dumpedNode(path, d.body.data, a.body.acl ?? [], d.body.stat));
    const ch = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path, watch: false }), GetChildrenResponse);
    for (const name of (ch.body?.children ?? []).sort()) await walk(path === '/' ? `/${name}` : `${path}/${name}`);
  };
  await walk('/');
  await c.close();
  return out.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
}
