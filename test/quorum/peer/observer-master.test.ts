// Observer masters in an in-process zkts ensemble: voters 1..3 (3 leads: equal histories, highest
// sid) and observer 4. Follower 1 and the observer set observerMasterPort; on 127.0.0.1 only one
// server can listen on that port, so whichever voter the observer's shuffle names, it reaches
// follower 1's master. Everything the observer does then goes through follower 1.

import test from 'ava';
import { CreateRequest, CreateResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { runCommand } from '../../../src/admin/commands';
import type { JsonValue } from '../../../src/admin/json';
import { zkServerSource } from '../../../src/admin/source';
import { fourLetterWord } from '../../support/four-letter-word';
import { freePort, HOST, TestEnsemble } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

/** A free port none of the members uses. */
async function masterPort(e: TestEnsemble): Promise<number> {
  const used = new Set(e.members.flatMap((m) => [m.clientPort, m.spec.addresses[0]!.quorumPort, m.spec.addresses[0]!.electionPort]));
  let port = await freePort();
  while (used.has(port)) port = await freePort();
  return port;
}

async function ensembleWithMaster(): Promise<{ e: TestEnsemble; port: number }> {
  const e = await TestEnsemble.create([1, 2, 3, 4], [4]);
  const port = await masterPort(e);
  await e.start(3);
  await Promise.all([e.start(1, { observerMasterPort: port }), e.start(2), e.start(4, { observerMasterPort: port })]);
  return { e, port };
}

const mntr = (e: TestEnsemble, sid: number): Promise<string> => fourLetterWord(HOST, e.member(sid).clientPort, 'mntr');

test.serial('an observer syncs from a follower\'s observer master and serves through it', async (t) => {
  const { e, port } = await ensembleWithMaster();
  try {
    t.is(await e.settled(), 3);
    const obs = e.peer(4);
    t.is(obs.state, 'OBSERVING');
    t.true([1n, 2n, 3n].includes(obs.learnerMasterId), `learner master ${obs.learnerMasterId}`);
    t.true(obs.history.some((h) => h.endsWith(`at ${HOST}:${port}`)), obs.history.join('; '));
    t.true(e.peer(1).history.includes(`observer master on ${HOST}:${port}`));
    // The master counts the observer, the leader does not (it never saw it).
    // (The master marks the observer synced before its UPTODATE goes out, so before 4 serves.)
    t.regex(await mntr(e, 1), /^zk_synced_observers\t1$/m);
    t.regex(await mntr(e, 3), /^zk_synced_observers\t0$/m);
    t.regex(await mntr(e, 4), /^zk_peer_state\tobserving - broadcast$/m);
    // The AdminServer's `observers` on the master lists the observer it serves (the peer registers
    // the master under the server's metrics object, as the leader does for its learners).
    const served = runCommand('observers', { source: zkServerSource(e.peer(1).zk), args: new Map() });
    t.is(served.get('synced_observers'), 1);
    t.deepEqual(((served.get('observers') as JsonValue[]).map((o) => (o as Map<string, JsonValue>).get('sid'))), [4n]);

    const oc = await e.client(4);
    // A write through the observer: forwarded by the master to the leader, applied from the INFORM.
    const created = await oc.request(OpCode.create, CreateRequest.encode({ path: '/om', data: Buffer.from('x'), acl: OPEN_ACL, flags: 0 }), CreateResponse);
    t.is(created.err, ErrCode.OK);
    // A write on the leader, then a sync through the observer: the master routes the answer back,
    // after the INFORM that carries the write.
    const lc = await e.client(3);
    t.is((await lc.request(OpCode.create, CreateRequest.encode({ path: '/from-leader', data: Buffer.from('l'), acl: OPEN_ACL, flags: 0 }), CreateResponse)).err, ErrCode.OK);
    t.is((await oc.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse)).err, ErrCode.OK);
    const r = await oc.request(OpCode.getData, GetDataRequest.encode({ path: '/from-leader', watch: false }), GetDataResponse);
    t.is(r.body?.data?.toString(), 'l');
    // A sync on the master's own clients still completes (the answers are told apart in order).
    const fc = await e.client(1);
    t.is((await fc.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse)).err, ErrCode.OK);
    t.is(e.peer(4).lastProcessedZxid, e.peer(3).lastProcessedZxid);
  } finally {
    await e.close();
  }
});

test.serial('a session moving onto the observer is revalidated through the master', async (t) => {
  const { e } = await ensembleWithMaster();
  try {
    await e.settled();
    const owner = await e.client(3);
    const moved = await e.client(4, { sessionId: owner.sessionId, passwd: owner.passwd });
    t.is(moved.sessionId, owner.sessionId);
    t.is((await moved.request(OpCode.create, CreateRequest.encode({ path: '/moved', data: Buffer.alloc(0), acl: OPEN_ACL, flags: 1 }), CreateResponse)).err, ErrCode.OK);
    // A session the leader does not know: the master passes back "invalid", the client expires.
    await t.throwsAsync(e.client(4, { sessionId: 0x7777_0000_0000n, passwd: Buffer.alloc(16) }), { message: 'session expired' });
  } finally {
    await e.close();
  }
});

test.serial('an observer that joins far behind is sent the master\'s tree (SNAP) and then follows it', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3, 4], [4]);
  const port = await masterPort(e);
  try {
    await e.start(3);
    // The master keeps 2 committed txns: an empty observer cannot be synced by DIFF.
    await Promise.all([e.start(1, { observerMasterPort: port, commitLogCount: 2 }), e.start(2)]);
    t.is(await e.settled(), 3);
    const lc = await e.client(3);
    for (let i = 0; i < 5; i++) {
      t.is((await lc.request(OpCode.create, CreateRequest.encode({ path: `/n${i}`, data: Buffer.from(`${i}`), acl: OPEN_ACL, flags: 0 }), CreateResponse)).err, ErrCode.OK);
    }
    const last = e.peer(3).lastProcessedZxid;
    await e.peer(1).waitFor('the master to apply every write', (p) => p.lastProcessedZxid === last, 10_000);
    await e.start(4, { observerMasterPort: port });
    await e.settled();
    t.true(e.peer(4).history.includes('observer synced by SNAP'), e.peer(4).history.join('; '));
    const oc = await e.client(4);
    for (let i = 0; i < 5; i++) t.is((await oc.request(OpCode.getData, GetDataRequest.encode({ path: `/n${i}`, watch: false }), GetDataResponse)).body?.data?.toString(), `${i}`);
    t.is((await lc.request(OpCode.create, CreateRequest.encode({ path: '/after', data: Buffer.from('a'), acl: OPEN_ACL, flags: 0 }), CreateResponse)).err, ErrCode.OK);
    t.is((await oc.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse)).err, ErrCode.OK);
    t.is((await oc.request(OpCode.getData, GetDataRequest.encode({ path: '/after', watch: false }), GetDataResponse)).body?.data?.toString(), 'a');
  } finally {
    await e.close();
  }
});
