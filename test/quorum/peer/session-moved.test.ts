// SESSIONMOVED in an in-process zkts ensemble (as the reference's QuorumTest.testSessionMoved):
// a client reconnects its session through another member while its old connection stays open.
// The leader now knows the new member as the session's owner, so anything the old connection
// still sends through the leader fails: the write is logged as an ErrorTxn(-118) (it takes a
// zxid), the old connection gets no reply and is closed, and the session goes on through its new
// connection.

import test from 'ava';
import {
  CreateRequest,
  CreateResponse,
  ExistsRequest,
  ExistsResponse,
  GetDataRequest,
  GetDataResponse,
  MultiOperationRecord,
  SetDataRequest,
  SetDataResponse,
  SyncRequest,
  SyncResponse,
} from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { replyOrClose, type Reply, type ZkTestClient } from '../../support/zk-client';
import { TestEnsemble } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const WAIT_MS = 10_000;

/** A request's outcome, bounded: the reply, or the connection's end without one. */
function outcome<T>(p: Promise<Reply<T>>): Promise<Reply<T> | 'closed without a reply'> {
  return replyOrClose(p, WAIT_MS);
}

function setData(c: ZkTestClient, path: string, data: string): Promise<Reply<SetDataResponse>> {
  return c.request(OpCode.setData, SetDataRequest.encode({ path, data: Buffer.from(data), version: -1 }), SetDataResponse);
}

function getData(c: ZkTestClient, path: string): Promise<Reply<GetDataResponse>> {
  return c.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
}

/** The node's version and the member's zxid once it has caught up with the leader (sync first). */
async function synced(c: ZkTestClient, path: string): Promise<{ version: number | null; zxid: bigint }> {
  await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
  const r = await c.request(OpCode.exists, ExistsRequest.encode({ path, watch: false }), ExistsResponse);
  return { version: r.body?.stat.version ?? null, zxid: r.zxid };
}

async function ensemble(): Promise<{ e: TestEnsemble; leader: number; followers: [number, number] }> {
  const e = await TestEnsemble.create([1, 2, 3]);
  await e.startAll();
  const leader = await e.settled();
  const followers = [1, 2, 3].filter((s) => s !== leader) as [number, number];
  return { e, leader, followers };
}

/**
 * Opens the session on `from`, creates `path`, then reconnects the session on `to` (the old
 * connection stays open); returns both connections.
 */
async function move(e: TestEnsemble, from: number, to: number, path: string): Promise<{ old: ZkTestClient; moved: ZkTestClient }> {
  const old = await e.client(from);
  const created = await old.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('v0'), acl: OPEN_ACL, flags: 0 }), CreateResponse);
  if (created.err !== ErrCode.OK) throw new Error(`create ${path}: ${created.err}`);
  const moved = await e.client(to, { sessionId: old.sessionId, passwd: old.passwd });
  if (moved.sessionId !== old.sessionId) throw new Error('the reconnect got another session');
  return { old, moved };
}

test.serial('follower to follower: a write still sent through the old follower is SESSIONMOVED', async (t) => {
  const { e, followers } = await ensemble();
  try {
    const [a, b] = followers;
    const { old, moved } = await move(e, a, b, '/sm1');
    const before = await synced(moved, '/sm1');
    t.is(await outcome(setData(old, '/sm1', 'stale')), 'closed without a reply', 'the old connection is closed, unanswered');
    const after = await synced(moved, '/sm1');
    t.is(after.version, 0, 'the stale write changed nothing');
    t.is(after.zxid, before.zxid + 1n, 'the refused write was logged as one (error) txn');
    const ok = await setData(moved, '/sm1', 'fresh');
    t.is(ok.err, ErrCode.OK, 'the session goes on through its new connection');
    t.is((await getData(moved, '/sm1')).body?.data?.toString(), 'fresh');
  } finally {
    await e.close();
  }
});

test.serial('follower to leader: the leader now owns the session; the old follower connection is refused', async (t) => {
  const { e, leader, followers } = await ensemble();
  try {
    const { old, moved } = await move(e, followers[0], leader, '/sm2');
    t.is(await outcome(setData(old, '/sm2', 'stale')), 'closed without a reply');
    t.is((await setData(moved, '/sm2', 'fresh')).err, ErrCode.OK);
    t.is((await synced(moved, '/sm2')).version, 1, 'only the new connection wrote');
  } finally {
    await e.close();
  }
});

test.serial('leader to follower: reads and writes on the old leader connection are refused', async (t) => {
  const { e, leader, followers } = await ensemble();
  try {
    const { old, moved } = await move(e, leader, followers[1], '/sm3');
    // The leader checks the owner of its own clients' reads too (PrepRequestProcessor).
    t.is(await outcome(getData(old, '/sm3')), 'closed without a reply');
    t.is((await setData(moved, '/sm3', 'fresh')).err, ErrCode.OK);
    // A second stale connection on the leader, opened before the move back: its write is refused.
    const again = await e.client(leader, { sessionId: moved.sessionId, passwd: moved.passwd });
    const third = await e.client(followers[0], { sessionId: moved.sessionId, passwd: moved.passwd });
    t.is(await outcome(setData(again, '/sm3', 'stale')), 'closed without a reply');
    t.is((await synced(third, '/sm3')).version, 1);
  } finally {
    await e.close();
  }
});

test.serial('a multi through the old connection: its op fails with SESSIONMOVED, so again no reply', async (t) => {
  const { e, followers } = await ensemble();
  try {
    const [a, b] = followers;
    const { old, moved } = await move(e, a, b, '/sm5');
    const before = await synced(moved, '/sm5');
    const body = MultiOperationRecord.encode({
      items: [{ header: { type: OpCode.setData, done: false, err: -1 }, body: { path: '/sm5', data: Buffer.from('stale'), version: -1 } }],
      end: { type: -1, done: true, err: -1 },
    });
    t.is(await outcome(old.request(OpCode.multi, body, null)), 'closed without a reply');
    const after = await synced(moved, '/sm5');
    t.is(after.version, 0, 'the multi changed nothing');
    t.is(after.zxid, before.zxid + 1n, 'it was logged (a multi whose op failed)');
  } finally {
    await e.close();
  }
});

test.serial('moving back to the same member restores ownership: nothing is refused', async (t) => {
  const { e, followers } = await ensemble();
  try {
    const [a, b] = followers;
    const { moved } = await move(e, a, b, '/sm4');
    moved.destroy();
    const back = await e.client(a, { sessionId: moved.sessionId, passwd: moved.passwd });
    t.is((await setData(back, '/sm4', 'back')).err, ErrCode.OK);
    t.is((await getData(back, '/sm4')).body?.data?.toString(), 'back');
  } finally {
    await e.close();
  }
});
