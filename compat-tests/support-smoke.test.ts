// The harness itself: Debian's Java server starts on loopback and our minimal client talks to it.
import test from 'ava';
import { CreateRequest, CreateResponse, GetDataRequest, GetDataResponse } from '../src/protocol/generated';
import { OpCode } from '../src/protocol/opcodes';
import { ZkTestClient } from '../test/support/zk-client';
import { startJavaServer } from './support/java-server';

test('Java ZooKeeper 3.8.0 starts on loopback and answers our client', async (t) => {
  const server = await startJavaServer();
  try {
    const c = await ZkTestClient.connect(server.host, server.port, { timeoutMs: 10_000 });
    t.not(c.sessionId, 0n);
    t.is(c.passwd.length, 16);
    const acl = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
    const created = await c.request(OpCode.create, CreateRequest.encode({ path: '/smoke', data: Buffer.from('hi'), acl, flags: 0 }), CreateResponse);
    t.is(created.err, 0);
    t.is(created.body?.path, '/smoke');
    const got = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/smoke', watch: false }), GetDataResponse);
    t.is(got.body?.data?.toString(), 'hi');
    t.is(got.body?.stat.czxid, created.zxid);
    const missing = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/nope', watch: false }), GetDataResponse);
    t.is(missing.err, -101);
    await c.close();
  } finally {
    await server.stop();
  }
});
