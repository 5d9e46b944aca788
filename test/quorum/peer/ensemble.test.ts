// A 3-node zkts ensemble in one process on 127.0.0.1: it elects a leader, serves writes through
// any member, shows them on every member (after sync), fires watches on followers, expires
// ephemerals ensemble-wide, and survives its leader stopping.

import test from 'ava';
import {
  CreateRequest,
  CreateResponse,
  ExistsRequest,
  GetDataRequest,
  GetDataResponse,
  SetDataRequest,
  SetDataResponse,
  SyncRequest,
  SyncResponse,
} from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { fourLetterWord } from '../../support/four-letter-word';
import type { ZkTestClient } from '../../support/zk-client';
import { HOST, TestEnsemble, TICK_MS } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const EPHEMERAL = 1;
const NODE_DELETED = 2;
const NODE_DATA_CHANGED = 3;

async function create(c: ZkTestClient, path: string, data: string, flags = 0): Promise<number> {
  const r = await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(data), acl: OPEN_ACL, flags }), CreateResponse);
  return r.err;
}

async function getData(c: ZkTestClient, path: string, watch = false): Promise<string | null> {
  const r = await c.request(OpCode.getData, GetDataRequest.encode({ path, watch }), GetDataResponse);
  return r.err === ErrCode.OK ? (r.body!.data ?? Buffer.alloc(0)).toString() : null;
}

async function sync(c: ZkTestClient, path = '/'): Promise<void> {
  const r = await c.request(OpCode.sync, SyncRequest.encode({ path }), SyncResponse);
  if (r.err !== ErrCode.OK) throw new Error(`sync failed: ${r.err}`);
}

/** Polls `probe` until true, between bounded waits (the condition is another server's state). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.serial('three members elect one leader; a write through a follower is on every member after sync', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    const leader = await e.settled();
    t.is(leader, 3, 'equal zxids: the highest sid leads');
    const modes = await Promise.all([1, 2, 3].map(async (sid) => /Mode: (\w+)/.exec(await fourLetterWord(HOST, e.member(sid).clientPort, 'srvr'))![1]));
    t.deepEqual(modes, ['follower', 'follower', 'leader']);

    const c1 = await e.client(1);
    t.is(await create(c1, '/a', 'one'), ErrCode.OK);
    t.is(await create(c1, '/a', 'again'), ErrCode.NODEEXISTS, 'the leader checks against its own tree');
    t.is(await getData(c1, '/a'), 'one', 'a follower reads its own client\'s write');
    for (const sid of [2, 3]) {
      const c = await e.client(sid);
      await sync(c);
      t.is(await getData(c, '/a'), 'one', `member ${sid} has the write after sync`);
    }
    const zxids = [1, 2, 3].map((sid) => e.peer(sid).lastProcessedZxid);
    t.true(zxids.every((z) => z === zxids[0]), `same zxid everywhere: ${zxids.map((z) => z.toString(16)).join(',')}`);
    t.is(zxids[0]! >> 32n, e.peer(3).currentEpoch, 'zxids are in the epoch the members agreed on');
  } finally {
    await e.close();
  }
});

test.serial('watches set on a follower fire for writes made through another member', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    await e.settled();
    const writer = await e.client(3);
    const watcher = await e.client(1);
    t.is(await create(writer, '/w', 'v0'), ErrCode.OK);
    await sync(watcher);
    t.is(await getData(watcher, '/w', true), 'v0');
    const r = await writer.request(OpCode.setData, SetDataRequest.encode({ path: '/w', data: Buffer.from('v1'), version: -1 }), SetDataResponse);
    t.is(r.err, ErrCode.OK);
    const [ev] = await watcher.waitForEvents(1);
    t.deepEqual({ type: ev!.type, path: ev!.path }, { type: NODE_DATA_CHANGED, path: '/w' });
    t.is(await getData(watcher, '/w'), 'v1', 'the follower read after the event sees the new data');
  } finally {
    await e.close();
  }
});

test.serial('an ephemeral node disappears from every member when its session expires', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    await e.settled();
    const owner = await e.client(2, { timeoutMs: 4 * TICK_MS });
    t.is(await create(owner, '/eph', 'x', EPHEMERAL), ErrCode.OK);
    const watchers = [await e.client(1), await e.client(3)];
    for (const w of watchers) {
      await sync(w);
      const r = await w.request(OpCode.exists, ExistsRequest.encode({ path: '/eph', watch: true }), null);
      t.is(r.err, ErrCode.OK, 'the ephemeral is visible with a watch set');
    }
    // Gone without closeSession: only the leader's expiry can remove the node.
    owner.destroy();
    for (const w of watchers) {
      const [ev] = await w.waitForEvents(1, 15_000);
      t.deepEqual({ type: ev!.type, path: ev!.path }, { type: NODE_DELETED, path: '/eph' });
    }
    for (const sid of [1, 2, 3]) {
      const c = await e.client(sid);
      await sync(c);
      t.is(await getData(c, '/eph'), null, `member ${sid} no longer has the ephemeral`);
    }
  } finally {
    await e.close();
  }
});

test.serial('the leader stops: the others elect a new leader and writes continue', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    const first = await e.settled();
    const c = await e.client(1);
    t.is(await create(c, '/before', 'b'), ErrCode.OK);
    const epoch1 = e.peer(1).currentEpoch;
    await e.stop(first);
    const second = await e.settled();
    t.not(second, first);
    t.true(e.peer(second).currentEpoch > epoch1, 'a new epoch');
    const c2 = await e.client(1);
    t.is(await getData(c2, '/before'), 'b', 'committed data survived');
    t.is(await create(c2, '/after', 'a'), ErrCode.OK, 'writes continue with two of three members');
    // The old leader comes back as a follower and catches up.
    await e.start(first);
    await e.settled();
    t.not(e.peer(first).state, 'LEADING');
    const c3 = await e.client(first);
    await sync(c3);
    t.is(await getData(c3, '/after'), 'a', 'the returning member caught up');
    await until('same zxid everywhere', async () => new Set([1, 2, 3].map((sid) => e.peer(sid).lastProcessedZxid)).size === 1);
  } finally {
    await e.close();
  }
});
