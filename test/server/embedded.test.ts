// The embeddable server end to end over real sockets (no Java): startServer(), a session, writes,
// a watch, an error txn, restart on the same dataDir, stop.

import { existsSync, rmSync } from 'node:fs';
import test from 'ava';
import { startServer } from '../../src';
import { CreateRequest, CreateResponse, ExistsRequest, ExistsResponse, GetDataRequest, GetDataResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../support/zk-client';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const create = (c: ZkTestClient, path: string, data: string | null, flags = 0) =>
  c.request(OpCode.create, CreateRequest.encode({ path, data: data === null ? null : Buffer.from(data), acl: OPEN, flags }), CreateResponse);

test('startServer serves a session, writes, watches and survives a restart on its dataDir', async (t) => {
  const zk = await startServer({ keepDataDir: true });
  t.regex(zk.connectString, /^127\.0\.0\.1:\d+$/);
  const a = await ZkTestClient.connect(zk.host, zk.port, { timeoutMs: 10_000 });
  const b = await ZkTestClient.connect(zk.host, zk.port, { timeoutMs: 10_000 });
  t.is(a.sessionId >> 56n, 1n, 'standalone session ids carry server id 1 in the high byte');
  const watched = await b.request(OpCode.exists, ExistsRequest.encode({ path: '/cfg', watch: true }), ExistsResponse);
  t.is(watched.err, ErrCode.NONODE);
  const made = await create(a, '/cfg', 'v1');
  t.is(made.err, 0);
  t.is(made.body?.path, '/cfg');
  const [event] = await b.waitForEvents(1);
  t.deepEqual(event, { type: 1, state: 3, path: '/cfg' });
  const seq = await create(a, '/cfg/item-', 'x', 2);
  t.is(seq.body?.path, '/cfg/item-0000000000');
  const dup = await create(a, '/cfg', null);
  t.is(dup.err, ErrCode.NODEEXISTS);
  t.true(dup.zxid > seq.zxid, 'a failed write still takes a zxid');
  await a.close();
  await b.close();
  const dataDir = zk.dataDir;
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  await zk.stop();

  const again = await startServer({ dataDir });
  t.teardown(async () => again.stop());
  const c = await ZkTestClient.connect(again.host, again.port, { timeoutMs: 10_000 });
  const got = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/cfg', watch: false }), GetDataResponse);
  t.is(got.body?.data?.toString(), 'v1');
  t.is(got.body?.stat.czxid, made.zxid);
  t.is(got.body?.stat.numChildren, 1);
  await c.close();
  t.true(existsSync(dataDir));
});
