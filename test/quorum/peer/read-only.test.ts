// Read-only mode (readonlymode.enabled) on in-process zkts peers: a member cut off from its quorum
// serves read-only clients after its grace period (reads answered, writes and sync NOTREADONLY,
// other clients and quorum sessions refused without a response), says so in isro/srvr/mntr/conf,
// and drops those clients when the quorum forms again. A member without the flag serves nothing.

import test from 'ava';
import {
  CreateRequest,
  CreateResponse,
  ExistsRequest,
  ExistsResponse,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiHeader,
  SetDataRequest,
  SyncRequest,
} from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { fourLetterWord } from '../../support/four-letter-word';
import { ZkTestClient } from '../../support/zk-client';
import { HOST, TestEnsemble } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const RO = { readOnlyMode: true } as const;
/** Grace (2 s) plus the follower noticing the lost leader (syncLimit ticks), with room to spare. */
const RO_WAIT_MS = 20_000;
/** An empty multi / multiRead body: just the terminating MultiHeader. */
const EMPTY_MULTI = MultiHeader.encode({ type: -1, done: true, err: -1 });

function connectTo(e: TestEnsemble, sid: number, readOnly: boolean, extra: { sessionId?: bigint; passwd?: Buffer } = {}): Promise<ZkTestClient> {
  return ZkTestClient.connect(HOST, e.member(sid).clientPort, { timeoutMs: 4000, readOnly, connectTimeoutMs: 10_000, ...extra });
}

async function closedOrTimeout(c: ZkTestClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const r = await Promise.race([c.whenClosed.then(() => true), timeout]);
  clearTimeout(timer);
  return r;
}

const srvrMode = async (port: number): Promise<string | undefined> => /Mode: ([\w-]+)/.exec(await fourLetterWord(HOST, port, 'srvr'))?.[1];

test.serial('a member cut off from its quorum serves read-only clients until the quorum forms again', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    await e.start(3, RO);
    await Promise.all([e.start(1, RO), e.start(2, RO)]);
    await e.settled();
    const port = e.member(1).clientPort;
    t.is(await fourLetterWord(HOST, port, 'isro'), 'rw');

    // Data and a quorum session made while the quorum stands.
    const rw = await connectTo(e, 1, false);
    const made = await rw.request(OpCode.create, CreateRequest.encode({ path: '/ro', data: Buffer.from('kept'), acl: OPEN_ACL, flags: 0 }), CreateResponse);
    t.is(made.err, ErrCode.OK);
    t.is(rw.connectedReadOnly, false, 'a read-write server answers readOnly=false to a client that sent the byte');
    const quorumSession = { sessionId: rw.sessionId, passwd: rw.passwd };

    await Promise.all([e.stop(2), e.stop(3)]);
    t.true(await closedOrTimeout(rw, 10_000), 'the follower role ended: its clients are disconnected');
    const survivor = e.peer(1);
    await survivor.waitFor('read-only serving', (p) => p.readOnly && p.state === 'LOOKING', RO_WAIT_MS);
    t.true(survivor.serving);

    // Words: isro, srvr (banner and mode), mntr (state, no peer state), conf (no membership).
    t.is(await fourLetterWord(HOST, port, 'isro'), 'ro');
    const srvr = await fourLetterWord(HOST, port, 'srvr');
    t.regex(srvr, /\nREAD-ONLY mode; serving only read-only clients\n/);
    t.regex(srvr, /\nMode: read-only\n/);
    const mntr = await fourLetterWord(HOST, port, 'mntr');
    t.regex(mntr, /\nzk_server_state\tread-only\n/);
    t.notRegex(mntr, /zk_peer_state/);
    const conf = await fourLetterWord(HOST, port, 'conf');
    t.regex(conf, /\npeerType=0\n/);
    t.notRegex(conf, /membership/);

    // A client without the readOnly flag, and a reconnect with the quorum's session: closed, no answer.
    await t.throwsAsync(connectTo(e, 1, false), { message: /closed before the ConnectResponse/ });
    await t.throwsAsync(connectTo(e, 1, true, quorumSession), { message: /closed before the ConnectResponse/ });

    const ro = await connectTo(e, 1, true);
    t.is(ro.connectedReadOnly, true);
    t.not(ro.sessionId, 0n);
    const data = await ro.request(OpCode.getData, GetDataRequest.encode({ path: '/ro', watch: true }), GetDataResponse);
    t.is(data.err, ErrCode.OK);
    t.is(data.body?.data?.toString(), 'kept');
    const kids = await ro.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/', watch: false }), GetChildrenResponse);
    t.deepEqual([...(kids.body?.children ?? [])].sort(), ['ro', 'zookeeper']);
    t.is((await ro.request(OpCode.exists, ExistsRequest.encode({ path: '/nope', watch: false }), ExistsResponse)).err, ErrCode.NONODE);
    t.is((await ro.request(OpCode.multiRead, EMPTY_MULTI, null)).err, ErrCode.OK, 'multiRead is a read');

    // Every state change, sync and multi: NOTREADONLY, and the connection stays usable.
    const refused: [string, number, Buffer][] = [
      ['create', OpCode.create, CreateRequest.encode({ path: '/new', data: null, acl: OPEN_ACL, flags: 0 })],
      ['setData', OpCode.setData, SetDataRequest.encode({ path: '/ro', data: Buffer.from('x'), version: -1 })],
      ['sync', OpCode.sync, SyncRequest.encode({ path: '/' })],
      ['multi', OpCode.multi, EMPTY_MULTI],
    ];
    for (const [name, type, body] of refused) {
      const r = await ro.request(type, body, null);
      t.is(r.err, ErrCode.NOTREADONLY, name);
      t.is(r.zxid, survivor.lastProcessedZxid, `${name}: the reply carries the last processed zxid`);
    }
    t.is((await ro.request(OpCode.exists, ExistsRequest.encode({ path: '/new', watch: false }), ExistsResponse)).err, ErrCode.NONODE);

    // The read-only server's own session can reconnect to it.
    const again = await connectTo(e, 1, true, { sessionId: ro.sessionId, passwd: ro.passwd });
    t.is(again.sessionId, ro.sessionId);
    t.true(await closedOrTimeout(ro, 10_000), 'the session moved: the old connection is closed');

    // A read-only session expires here by its own timeout once its client is gone.
    const short = await ZkTestClient.connect(HOST, port, { timeoutMs: 400, readOnly: true });
    const shortId = short.sessionId;
    short.destroy();
    const tracked = (): boolean => survivor.zk.view().sessionBuckets().some((b) => b.elements.includes(shortId));
    const deadline = Date.now() + 10_000;
    while (tracked() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    t.false(tracked(), 'the abandoned read-only session expired');
    await t.throwsAsync(connectTo(e, 1, true, { sessionId: shortId, passwd: short.passwd }), { message: /session expired/ });

    // closeSession is answered (OK) and ends the session here; nothing is written.
    const closing = await connectTo(e, 1, true);
    const closingId = closing.sessionId;
    const zxidBefore = survivor.lastProcessedZxid;
    t.is((await closing.request(OpCode.closeSession, null, null)).err, ErrCode.OK);
    t.true(await closedOrTimeout(closing, 10_000));
    t.false(survivor.zk.view().sessionBuckets().some((b) => b.elements.includes(closingId)));
    t.is(survivor.lastProcessedZxid, zxidBefore);

    // The quorum forms again: read-only clients are dropped, the member serves read-write.
    await Promise.all([e.start(2, RO), e.start(3, RO)]);
    // settled() alone is not enough: a read-only member counts as serving.
    await survivor.waitFor('following', (p) => p.state === 'FOLLOWING' && p.serving, 20_000);
    await e.settled();
    t.true(await closedOrTimeout(again, 10_000), 'the read-only client is disconnected');
    t.false(survivor.readOnly);
    t.is(await fourLetterWord(HOST, port, 'isro'), 'rw');
    t.is(await srvrMode(port), 'follower');
    const back = await connectTo(e, 1, true);
    t.is(back.connectedReadOnly, false);
    t.is((await back.request(OpCode.create, CreateRequest.encode({ path: '/after', data: null, acl: OPEN_ACL, flags: 0 }), CreateResponse)).err, ErrCode.OK);
    back.destroy();
  } finally {
    await e.close();
  }
});

test.serial('without readonlymode.enabled a member cut off from its quorum serves nothing', async (t) => {
  // Members 1 and 2 lose their quorum together; only 1 has the flag, so when 1 serves read-only
  // the grace period has passed for 2 as well.
  const e = await TestEnsemble.create([1, 2, 3, 4, 5]);
  try {
    await e.start(5, RO);
    await Promise.all([e.start(1, RO), e.start(2), e.start(3, RO), e.start(4, RO)]);
    await e.settled();
    await Promise.all([e.stop(3), e.stop(4), e.stop(5)]);
    await e.peer(1).waitFor('read-only serving', (p) => p.readOnly, RO_WAIT_MS);
    // Bounded: 2 went LOOKING at about the same moment as 1; one more grace period covers the skew.
    await t.throwsAsync(e.peer(2).waitFor('read-only serving', (p) => p.readOnly || p.serving, 4000), { message: /no read-only serving/ });
    t.is(e.peer(2).state, 'LOOKING');
    t.is(await fourLetterWord(HOST, e.member(2).clientPort, 'isro'), 'null');
    await t.throwsAsync(connectTo(e, 2, true), { message: /closed before the ConnectResponse/ });
  } finally {
    await e.close();
  }
});
