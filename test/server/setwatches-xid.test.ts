// The reply to SetWatches/SetWatches2 carries the request's own xid. The 3.8 Java client queues
// its SetWatches with xid -8 but renumbers it with an ordinary xid as it writes it; a reply with
// -8 then fails its "Xid out of order" check and the client drops the connection, on every
// reconnect that carries watches (found by compat-tests/quorum/faults.test.ts with Curator).

import test from 'ava';
import { startServer } from '../../src';
import { ExistsRequest, ExistsResponse, SetWatches, SetWatches2 } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../support/zk-client';

test('SetWatches and SetWatches2 replies echo the xid the client sent', async (t) => {
  const zk = await startServer();
  t.teardown(() => zk.stop());
  const c = await ZkTestClient.connect(zk.host, zk.port, { timeoutMs: 10_000 });
  t.teardown(() => c.destroy());
  const v2 = SetWatches2.encode({ relativeZxid: 0n, dataWatches: ['/a'], existWatches: [], childWatches: [], persistentWatches: [], persistentRecursiveWatches: [] });
  // ZkTestClient drops the connection (failing the request) if the reply's xid is another one.
  const r2 = await c.request(OpCode.setWatches2, v2, null, 41);
  t.is(r2.xid, 41);
  t.is(r2.err, ErrCode.OK);
  const v1 = SetWatches.encode({ relativeZxid: 0n, dataWatches: [], existWatches: ['/b'], childWatches: [] });
  const r1 = await c.request(OpCode.setWatches, v1, null, 42);
  t.is(r1.xid, 42);
  // The reserved -8 still comes back as -8 (clients that do not renumber it).
  t.is((await c.request(OpCode.setWatches2, v2, null, -8)).xid, -8);
  // The connection is still in order afterwards.
  t.is((await c.request(OpCode.exists, ExistsRequest.encode({ path: '/a', watch: false }), ExistsResponse, 43)).err, ErrCode.NONODE);
});
