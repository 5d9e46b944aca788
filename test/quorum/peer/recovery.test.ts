// Recovery in an in-process zkts ensemble: a leader that logged a txn no quorum saw is told to
// TRUNCate it when it rejoins; the whole ensemble restarts from disk with its data and moves to a
// new epoch; a member that missed a few txns is brought back by DIFF.

import test from 'ava';
import { CreateRequest, CreateResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { makeZxid } from '../../../src/quorum/types';
import type { ZkTestClient } from '../../support/zk-client';
import { TestEnsemble } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function create(c: ZkTestClient, path: string): Promise<{ err: number }> {
  return c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from(path), acl: OPEN_ACL, flags: 0 }), CreateResponse);
}

async function read(c: ZkTestClient, path: string): Promise<string | null> {
  await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
  const r = await c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
  return r.err === ErrCode.OK ? (r.body?.data ?? Buffer.alloc(0)).toString() : null;
}

test.serial('a txn only the old leader logged is truncated when it rejoins (TRUNC)', async (t) => {
  // Long ticks: the leader notices it lost its quorum only at its next tick, leaving time to log a txn.
  const e = await TestEnsemble.create([1, 2, 3], [], 2000);
  try {
    await e.startAll();
    t.is(await e.settled(), 3);
    const c3 = await e.client(3);
    for (const p of ['/a', '/b']) t.is((await create(c3, p)).err, ErrCode.OK);
    const committed = e.peer(3).lastProcessedZxid;
    t.is(committed, makeZxid(1n, 3n), 'createSession, /a, /b');
    await e.stop(1);
    await e.stop(2);
    // No quorum acks this one: it is logged by the leader alone, never committed.
    void create(c3, '/lost').catch(() => undefined);
    await e.peer(3).waitFor('the leader to give up', (p) => !p.serving, 10_000);
    t.is(e.peer(3).lastProcessedZxid, committed + 1n, 'going back to LOOKING applied what it had logged');
    await e.stop(3);
    // 1 and 2 form epoch 2 without it; nothing is written in epoch 2 yet.
    await e.startAll([1, 2]);
    t.is(await e.settled(), 2);
    await e.start(3);
    await e.settled();
    t.true(e.peer(3).history.includes('follower synced by TRUNC'), e.peer(3).history.join('; '));
    t.is(e.peer(3).lastProcessedZxid, committed, 'back to the last committed txn');
    const c = await e.client(3);
    t.is(await read(c, '/lost'), null, 'the uncommitted create is gone');
    t.is(await read(c, '/b'), '/b');
    t.is((await create(c, '/after')).err, ErrCode.OK);
    // It stays truncated across a restart (the log was cut on disk).
    await e.stop(3);
    await e.start(3);
    await e.settled();
    const c2 = await e.client(3);
    t.is(await read(c2, '/lost'), null);
    t.is(await read(c2, '/after'), '/after');
  } finally {
    await e.close();
  }
});

test.serial('the whole ensemble restarts from disk: same data, a new epoch', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    await e.settled();
    const c = await e.client(1);
    for (let i = 0; i < 20; i++) t.is((await create(c, `/n${i}`)).err, ErrCode.OK);
    const zxid = e.peer(1).lastProcessedZxid;
    const epoch = e.peer(1).currentEpoch;
    for (const sid of [1, 2, 3]) await e.stop(sid);
    await e.startAll();
    await e.settled();
    for (const sid of [1, 2, 3]) {
      t.true(e.peer(sid).currentEpoch > epoch, `member ${sid} is in a new epoch`);
      const r = await e.client(sid);
      t.is(await read(r, '/n19'), '/n19', `member ${sid} kept its data`);
    }
    t.true(e.peer(1).lastProcessedZxid >= zxid);
  } finally {
    await e.close();
  }
});

test.serial('a member that missed txns is brought back by DIFF', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    await e.settled();
    const c = await e.client(3);
    t.is((await create(c, '/first')).err, ErrCode.OK);
    await e.stop(1);
    for (let i = 0; i < 10; i++) t.is((await create(c, `/missed${i}`)).err, ErrCode.OK);
    await e.start(1);
    await e.settled();
    t.true(e.peer(1).history.includes('follower synced by DIFF'), e.peer(1).history.join('; '));
    const r = await e.client(1);
    t.is(await read(r, '/missed9'), '/missed9');
  } finally {
    await e.close();
  }
});
