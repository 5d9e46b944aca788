// The server's hot paths end to end over real sockets: one notification frame shared by every
// connection a trigger reaches (each watcher gets its event exactly once, with the right type and
// path, also when one multi fires several paths in a row), and the cached child list staying
// right through creates, deletes, multi and the ephemeral deletes of a closed session.

import test from 'ava';
import { startServer } from '../../src';
import {
  CreateRequest,
  CreateResponse,
  DeleteRequest,
  ExistsRequest,
  ExistsResponse,
  GetChildren2Request,
  GetChildren2Response,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiOperationRecord,
  MultiResponse,
  SetDataRequest,
  SetDataResponse,
  type MultiOperationRecordItem,
} from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../support/zk-client';

const OPEN = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const EPHEMERAL = 1;

const create = (c: ZkTestClient, path: string, flags = 0) =>
  c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('d'), acl: OPEN, flags }), CreateResponse);
const setData = (c: ZkTestClient, path: string, data: string) =>
  c.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from(data), version: -1 }), SetDataResponse);
const exists = (c: ZkTestClient, path: string, watch = false) =>
  c.request(OpCode.exists, ExistsRequest.encode({ path, watch }), ExistsResponse);
const children = async (c: ZkTestClient, path: string): Promise<string[]> => {
  const r = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path, watch: false }), GetChildrenResponse);
  if (r.err !== 0) throw new Error(`getChildren ${path}: ${r.err}`);
  return (r.body!.children as string[]).sort();
};
const multi = (c: ZkTestClient, items: Array<[number, MultiOperationRecordItem['body']]>) =>
  c.request(
    OpCode.multi,
    MultiOperationRecord.encode({ items: items.map(([type, body]) => ({ header: { type, done: false, err: -1 }, body })), end: { type: -1, done: true, err: -1 } }),
    MultiResponse,
  );

test('every watcher gets each of its events exactly once when one multi fires several paths', async (t) => {
  const zk = await startServer();
  t.teardown(() => zk.stop());
  const writer = await ZkTestClient.connect(zk.host, zk.port);
  for (const p of ['/w', '/v']) t.is((await create(writer, p)).err, 0);
  // Watchers: data watches on /w (some both via getData and exists: still one registration),
  // child watches on /w, data watches on /v; some hold all three.
  const kinds = ['data-w', 'child-w', 'data-v', 'all', 'data-w twice'] as const;
  const watchers: Array<{ c: ZkTestClient; kind: (typeof kinds)[number] }> = [];
  for (let i = 0; i < 25; i++) {
    const kind = kinds[i % kinds.length]!;
    const c = await ZkTestClient.connect(zk.host, zk.port);
    watchers.push({ c, kind });
    if (kind === 'data-w' || kind === 'all' || kind === 'data-w twice') {
      await c.request(OpCode.getData, GetDataRequest.encode({ path: '/w', watch: true }), GetDataResponse);
    }
    if (kind === 'data-w twice') await exists(c, '/w', true);
    if (kind === 'child-w' || kind === 'all') {
      await c.request(OpCode.getChildren2, GetChildren2Request.encode({ path: '/w', watch: true }), GetChildren2Response);
    }
    if (kind === 'data-v' || kind === 'all') await exists(c, '/v', true);
  }
  const r = await multi(writer, [
    [OpCode.setData, { path: '/w', data: Buffer.from('x'), version: -1 }],
    [OpCode.create, { path: '/w/c', data: null, acl: OPEN, flags: 0 }],
    [OpCode.setData, { path: '/v', data: Buffer.from('y'), version: -1 }],
  ]);
  t.is(r.err, 0);
  const expected: Record<(typeof kinds)[number], Array<{ type: number; state: number; path: string }>> = {
    'data-w': [{ type: 3, state: 3, path: '/w' }],
    'data-w twice': [{ type: 3, state: 3, path: '/w' }],
    'child-w': [{ type: 4, state: 3, path: '/w' }],
    'data-v': [{ type: 3, state: 3, path: '/v' }],
    all: [
      { type: 3, state: 3, path: '/w' },
      { type: 4, state: 3, path: '/w' },
      { type: 3, state: 3, path: '/v' },
    ],
  };
  for (const { c, kind } of watchers) {
    // A reply to a later request arrives after anything the server queued before it on this socket.
    await exists(c, '/w');
    t.deepEqual(c.events, expected[kind], kind);
  }
  // The watches were one-shot: a second change notifies nobody.
  t.is((await setData(writer, '/w', 'z')).err, 0);
  for (const { c, kind } of watchers) {
    await exists(c, '/w');
    t.is(c.events.length, expected[kind].length, `${kind}: no second event`);
    c.destroy();
  }
  await writer.close();
});

test('getChildren stays right through creates, deletes, multi and a closed session deleting its ephemerals', async (t) => {
  const zk = await startServer();
  t.teardown(() => zk.stop());
  const a = await ZkTestClient.connect(zk.host, zk.port);
  const b = await ZkTestClient.connect(zk.host, zk.port);
  t.is((await create(a, '/p')).err, 0);
  t.deepEqual(await children(a, '/p'), []);
  for (const n of ['x', 'y', 'é', '日本']) t.is((await create(a, `/p/${n}`)).err, 0);
  t.deepEqual(await children(a, '/p'), ['x', 'y', 'é', '日本'].sort());
  t.deepEqual(await children(a, '/p'), ['x', 'y', 'é', '日本'].sort(), 'asked again (served from the cache)');
  t.is((await create(b, '/p/eph1', EPHEMERAL)).err, 0);
  t.is((await create(b, '/p/eph2', EPHEMERAL)).err, 0);
  t.deepEqual(await children(a, '/p'), ['eph1', 'eph2', 'x', 'y', 'é', '日本'].sort());
  t.is((await a.request(OpCode.delete, DeleteRequest.encode({ path: '/p/y', version: -1 }), null)).err, 0);
  t.deepEqual(await children(a, '/p'), ['eph1', 'eph2', 'x', 'é', '日本'].sort());
  const m = await multi(a, [
    [OpCode.create, { path: '/p/m1', data: null, acl: OPEN, flags: 0 }],
    [OpCode.delete, { path: '/p/x', version: -1 }],
    [OpCode.create, { path: '/p/m2', data: null, acl: OPEN, flags: 0 }],
  ]);
  t.is(m.err, 0);
  t.deepEqual(await children(a, '/p'), ['eph1', 'eph2', 'm1', 'm2', 'é', '日本'].sort());
  const failed = await multi(a, [
    [OpCode.create, { path: '/p/never', data: null, acl: OPEN, flags: 0 }],
    [OpCode.delete, { path: '/p/missing', version: -1 }],
  ]);
  t.true(failed.body?.items.every((i) => i.header.type === -1), 'every op of the failed multi reports an error');
  t.deepEqual(await children(a, '/p'), ['eph1', 'eph2', 'm1', 'm2', 'é', '日本'].sort(), 'a failed multi changes nothing');
  await b.close();
  t.deepEqual(await children(a, '/p'), ['m1', 'm2', 'é', '日本'].sort(), 'the closed session took its ephemerals');
  const two = await a.request(OpCode.getChildren2, GetChildren2Request.encode({ path: '/p', watch: false }), GetChildren2Response);
  t.is(two.body?.stat.numChildren, 4);
  t.deepEqual((two.body?.children as string[]).sort(), ['m1', 'm2', 'é', '日本'].sort());
  await a.close();
});
