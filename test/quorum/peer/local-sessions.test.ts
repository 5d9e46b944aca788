// Local sessions (localSessionsEnabled, localSessionsUpgradingEnabled) in an in-process zkts
// ensemble: a member creates sessions itself (no txn, the leader never hears of them), their
// reads and writes work, the first ephemeral create upgrades the session to a global one (one
// createSession txn ahead of the create), and local sessions close and expire on their member.

import test from 'ava';
import {
  CreateRequest,
  CreateResponse,
  ExistsRequest,
  ExistsResponse,
  SyncRequest,
  SyncResponse,
} from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { LocalSessions, SessionTracker, initialSessionId, leaderPrepSessions, serverIdOfSession } from '../../../src/server/session';
import { fourLetterWord } from '../../support/four-letter-word';
import type { ZkTestClient } from '../../support/zk-client';
import { HOST, TestEnsemble, TICK_MS } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

async function localEnsemble(upgrading = true): Promise<{ e: TestEnsemble; leader: number; followers: number[] }> {
  const e = await TestEnsemble.create([1, 2, 3]);
  const start = (sid: number): Promise<unknown> => {
    const m = e.member(sid);
    return e.start(sid, {
      server: {
        host: HOST,
        port: m.clientPort,
        dataDir: m.dataDir,
        tickTimeMs: TICK_MS,
        fourLetterWords: ['*'],
        localSessionsEnabled: true,
        localSessionsUpgradingEnabled: upgrading,
      },
    });
  };
  // The highest first (it leads with equal histories), then the rest, as TestEnsemble.startAll.
  await start(3);
  await Promise.all([start(1), start(2)]);
  const leader = await e.settled();
  return { e, leader, followers: [1, 2, 3].filter((s) => s !== leader) };
}

async function create(c: ZkTestClient, path: string, flags = 0): Promise<number> {
  return (await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('d'), acl: OPEN_ACL, flags }), CreateResponse)).err;
}

/** The node's ephemeral owner (null: no node) and the member's zxid, after catching up (sync). */
async function look(c: ZkTestClient, path: string): Promise<{ owner: bigint | null; zxid: bigint }> {
  await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
  const r = await c.request(OpCode.exists, ExistsRequest.encode({ path, watch: false }), ExistsResponse);
  return { owner: r.body?.stat.ephemeralOwner ?? null, zxid: r.zxid };
}

async function mntr(e: TestEnsemble, sid: number, key: string): Promise<number> {
  const text = await fourLetterWord(HOST, e.member(sid).clientPort, 'mntr');
  const m = new RegExp(`^zk_${key}\\t(\\d+)$`, 'm').exec(text);
  if (m === null) throw new Error(`no zk_${key} in mntr of ${sid}`);
  return Number(m[1]);
}

/** Re-reads `read` until `want` holds (bounded): for state another member changes on its own clock. */
async function until<T>(what: string, read: () => Promise<T>, want: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (want(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${String(v)})`);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

for (const where of ['follower', 'leader'] as const) {
  test.serial(`a ${where}'s local session: numbered there, no txn, writes work, an ephemeral upgrades it`, async (t) => {
    const { e, leader, followers } = await localEnsemble();
    try {
      const sid = where === 'leader' ? leader : followers[0]!;
      const watcher = await e.client(followers[1]!);
      // A first txn of this epoch, so zxids below count up from it.
      t.is(await create(watcher, '/base'), ErrCode.OK);
      const before = await look(watcher, '/');
      const c = await e.client(sid);
      t.is(serverIdOfSession(c.sessionId), sid, 'the high byte of the id is the member that created it');
      t.is(await mntr(e, sid, 'local_sessions'), 1, 'tracked as local (the watcher is on another member)');
      t.is((await look(watcher, '/')).zxid, before.zxid, 'creating it logged nothing');
      t.is(await create(c, '/persistent'), ErrCode.OK, 'a local session writes through the leader');
      t.is((await look(watcher, '/persistent')).zxid, before.zxid + 1n);
      t.is(await create(c, '/eph', 1), ErrCode.OK, 'an ephemeral create succeeds');
      const after = await look(watcher, '/eph');
      t.is(after.owner, c.sessionId, 'owned by the same session id');
      t.is(after.zxid, before.zxid + 3n, 'the upgrade: one createSession txn, then the create');
      t.is(await mntr(e, leader, 'global_sessions'), 1, 'the leader tracks it as global now');
      await c.close();
      t.is((await look(watcher, '/eph')).owner, null, 'closing the (now global) session removed its ephemeral everywhere');
    } finally {
      await e.close();
    }
  });
}

test.serial('a local session closes and expires on its member alone', async (t) => {
  const { e, followers } = await localEnsemble();
  try {
    const [a, b] = followers as [number, number];
    const watcher = await e.client(b);
    const before = await look(watcher, '/');
    const closing = await e.client(a);
    await closing.close();
    t.is((await look(watcher, '/')).zxid, before.zxid, 'closeSession of a local session logs nothing');
    const expiring = await e.client(a, { timeoutMs: 2 * TICK_MS });
    const { sessionId, passwd } = expiring;
    t.is(await mntr(e, a, 'local_sessions'), 1);
    expiring.destroy();
    await until('the local session to expire', () => mntr(e, a, 'local_sessions'), (n) => n === 0);
    await t.throwsAsync(e.client(a, { sessionId, passwd }), { message: /session expired/ }, 'an expired local session cannot come back');
    t.is((await look(watcher, '/')).zxid, before.zxid, 'nor did its expiry');
  } finally {
    await e.close();
  }
});

test.serial('a local session is known only to its member: reconnecting elsewhere finds it expired', async (t) => {
  const { e, followers } = await localEnsemble();
  try {
    const [a, b] = followers as [number, number];
    const c = await e.client(a);
    t.is(await create(c, '/x'), ErrCode.OK);
    const { sessionId, passwd } = c;
    await t.throwsAsync(e.client(b, { sessionId, passwd }), { message: /session expired/ });
    // Its own member still takes it back.
    c.destroy();
    const again = await e.client(a, { sessionId, passwd });
    t.is(again.sessionId, sessionId);
  } finally {
    await e.close();
  }
});

test.serial('without upgrading, an ephemeral create of a local session fails with EPHEMERALONLOCALSESSION', async (t) => {
  const { e, leader, followers } = await localEnsemble(false);
  try {
    const watcher = await e.client(followers[1]!);
    t.is(await create(watcher, '/base'), ErrCode.OK);
    for (const sid of [followers[0]!, leader]) {
      const c = await e.client(sid);
      const before = await look(watcher, '/');
      t.is(await create(c, `/eph-${sid}`, 1), ErrCode.EPHEMERALONLOCALSESSION);
      t.is((await look(watcher, '/')).zxid, before.zxid + 1n, 'as the reference, the refused create is still logged (an ErrorTxn)');
      t.is(await create(c, `/persistent-${sid}`), ErrCode.OK, 'the session goes on');
      t.is((await look(c, `/eph-${sid}`)).owner, null);
    }
  } finally {
    await e.close();
  }
});

test('the leader\'s prep view: its local sessions, global ones, and other members\' local sessions', (t) => {
  const now = 1_000_000;
  const global = new SessionTracker({ tickTimeMs: 100, serverId: 3, nowMs: now });
  const local = new LocalSessions({ tickTimeMs: 100, serverId: 3, nowMs: now, upgrading: true });
  const view = leaderPrepSessions(global, local, 3);
  const mine = local.create(1000, now);
  const gone = local.create(1000, now);
  local.remove(gone);
  const upgraded = local.create(1000, now);
  global.add(upgraded, local.upgrade(upgraded)!, now);
  const foreign = initialSessionId(1, now);
  t.true(view.isValid(mine), 'our local session');
  t.false(view.isValidGlobal!(mine), 'not global: an ephemeral create fails');
  t.true(view.isValid(foreign) && !view.isValidGlobal!(foreign), 'another member numbered it: its local session');
  t.false(view.isValid(gone), 'our id, tracked nowhere: expired');
  t.true(view.isValid(upgraded) && view.isValidGlobal!(upgraded), 'upgraded: global');
  t.false(local.isLocal(upgraded));
  t.true(local.isUpgrading(upgraded));
  local.committed(upgraded);
  t.false(local.isUpgrading(upgraded));
  t.is(view.checkOwner!(mine, 'a'), 'ok', 'the first user claims it');
  t.is(view.checkOwner!(mine, 'b'), 'moved');
  t.is(view.checkOwner!(foreign, 'b'), 'ok', 'an unknown session has no owner to check');
});
