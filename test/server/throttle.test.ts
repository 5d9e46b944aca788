// globalOutstandingLimit: with a tiny limit and hundreds of pipelined writes, the server stops
// reading busy connections instead of failing them; every request is still answered, in order.
import test from 'ava';
import { startServer } from '../../src';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../support/zk-client';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

test('above globalOutstandingLimit requests wait (back-pressure), none fails, replies stay in order', async (t) => {
  const zk = await startServer({ globalOutstandingLimit: 2, forceSync: true });
  t.teardown(() => zk.stop());
  const clients = await Promise.all([0, 1, 2].map(() => ZkTestClient.connect(zk.host, zk.port, { timeoutMs: 10_000 })));
  const replies = await Promise.all(
    clients.flatMap((c, k) =>
      Array.from({ length: 200 }, (_, i) =>
        c.request(OpCode.create, CreateRequest.encode({ path: `/c${k}-${i}`, data: null, acl: OPEN, flags: 0 }), CreateResponse),
      ),
    ),
  );
  t.true(replies.every((r) => r.err === 0));
  t.is(new Set(replies.map((r) => r.zxid)).size, 600, 'every create got its own zxid');
  for (const c of clients) await c.close();
});
