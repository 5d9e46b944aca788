// Sessions in an in-process zkts ensemble: a session moves between members (REVALIDATE), a
// session used through a follower stays alive (touches in PING replies) and expires once its
// client is gone, members without a quorum refuse clients, and an observer serves.

import test from 'ava';
import { CreateRequest, CreateResponse, ExistsRequest, ExistsResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { ZK_NOT_SERVING } from '../../../src/fourletter';
import { fourLetterWord } from '../../support/four-letter-word';
import { connect } from 'node:net';
import { ConnectRequest } from '../../../src/protocol/generated';
import { frame } from '../../../src/protocol/frame-decoder';
import type { ZkTestClient } from '../../support/zk-client';
import { HOST, TestEnsemble, TICK_MS } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

async function create(c: ZkTestClient, path: string, flags = 0): Promise<number> {
  return (await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('d'), acl: OPEN_ACL, flags }), CreateResponse)).err;
}

async function exists(c: ZkTestClient, path: string): Promise<{ err: number; owner: bigint | null }> {
  await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
  const r = await c.request(OpCode.exists, ExistsRequest.encode({ path, watch: false }), ExistsResponse);
  return { err: r.err, owner: r.body?.stat.ephemeralOwner ?? null };
}

/** Sends a ConnectRequest; resolves with the bytes the server wrote before it closed the connection. */
function connectAnswer(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const s = connect({ host: HOST, port }, () => {
      s.write(frame(ConnectRequest.encode({ protocolVersion: 0, lastZxidSeen: 0n, timeOut: 4000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false })));
    });
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('the connection stayed open'));
    }, 5000);
    s.on('data', (c: Buffer) => (bytes += c.length));
    s.on('error', () => undefined);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(bytes);
    });
  });
}

test.serial('a session moves from one follower to another: the leader revalidates it', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    t.is(await e.settled(), 3);
    const a = await e.client(1);
    t.is(await create(a, '/moving', 1), ErrCode.OK);
    const { sessionId, passwd } = a;
    a.destroy();
    // A wrong password is refused before the leader is asked.
    await t.throwsAsync(e.client(2, { sessionId, passwd: Buffer.alloc(16, 7) }), { message: /session expired/ });
    const b = await e.client(2, { sessionId, passwd });
    t.is(b.sessionId, sessionId, 'the same session, through another member');
    t.deepEqual(await exists(b, '/moving'), { err: ErrCode.OK, owner: sessionId }, 'its ephemeral is still there');
    t.is(await create(b, '/moving/child-of-ephemeral'), ErrCode.NOCHILDRENFOREPHEMERALS, 'writes work on the moved session');
    // And back to the leader.
    b.destroy();
    const c = await e.client(3, { sessionId, passwd });
    t.is(c.sessionId, sessionId);
    await c.close();
    const d = await e.client(1);
    t.is((await exists(d, '/moving')).err, ErrCode.NONODE, 'closing the session removed its ephemeral');
    await t.throwsAsync(e.client(1, { sessionId, passwd }), { message: /session expired/ }, 'a closed session cannot come back');
  } finally {
    await e.close();
  }
});

test.serial('a session used through a follower stays alive; without its client it expires', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.startAll();
    await e.settled();
    const timeoutMs = 6 * TICK_MS;
    const owner = await e.client(1, { timeoutMs });
    t.is(owner.negotiatedTimeoutMs, timeoutMs);
    t.is(await create(owner, '/alive', 1), ErrCode.OK);
    const observer = await e.client(3);
    // The client pings its follower only; the leader learns of it from the follower's PING replies.
    const until = Date.now() + 3 * timeoutMs;
    while (Date.now() < until) t.is((await exists(observer, '/alive')).err, ErrCode.OK);
    owner.destroy();
    const deadline = Date.now() + 10 * timeoutMs;
    let gone = false;
    while (!gone && Date.now() < deadline) gone = (await exists(observer, '/alive')).err === ErrCode.NONODE;
    t.true(gone, 'the leader expired the session and its ephemeral');
  } finally {
    await e.close();
  }
});

test.serial('without a quorum a member serves nothing: four-letter words say so, clients are refused', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.start(1);
    const port = e.member(1).clientPort;
    t.is(await fourLetterWord(HOST, port, 'srvr'), `${ZK_NOT_SERVING}\n`);
    t.is(await fourLetterWord(HOST, port, 'mntr'), `${ZK_NOT_SERVING}\n`);
    t.is(await fourLetterWord(HOST, port, 'ruok'), 'imok');
    t.is(await fourLetterWord(HOST, port, 'isro'), 'null');
    t.is(await connectAnswer(port), 0, 'the ConnectRequest is answered by closing the connection');
    await e.start(2);
    t.is(await e.settled(), 2);
    const c = await e.client(1);
    t.is(await create(c, '/now'), ErrCode.OK);
  } finally {
    await e.close();
  }
});

test.serial('an observer serves reads, forwards writes and follows every commit', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3, 4], [4]);
  try {
    await e.startAll();
    t.is(await e.settled(), 3);
    t.is(e.peer(4).state, 'OBSERVING');
    const obs = await e.client(4);
    t.is(await create(obs, '/from-observer'), ErrCode.OK);
    const other = await e.client(1);
    t.is(await create(other, '/from-follower'), ErrCode.OK);
    await obs.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
    for (const path of ['/from-observer', '/from-follower']) {
      const r = await obs.request(OpCode.getData, GetDataRequest.encode({ path, watch: false }), GetDataResponse);
      t.is(r.err, ErrCode.OK, path);
    }
    const mntr = await fourLetterWord(HOST, e.member(4).clientPort, 'mntr');
    t.regex(mntr, /^zk_server_state\tobserver$/m);
    t.regex(mntr, /^zk_peer_state\tobserving - broadcast$/m);
    const leaderMntr = await fourLetterWord(HOST, e.member(3).clientPort, 'mntr');
    t.regex(leaderMntr, /^zk_synced_observers\t1$/m);
    t.regex(leaderMntr, /^zk_synced_followers\t2$/m);
    t.regex(leaderMntr, /^zk_quorum_size\t3$/m);
  } finally {
    await e.close();
  }
});
