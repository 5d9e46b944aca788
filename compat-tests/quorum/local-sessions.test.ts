// Local sessions (localSessionsEnabled=true, localSessionsUpgradingEnabled=true), differential:
// the same client runs on an all-Java 3.8.0 ensemble and on mixed ones (Java leader with zkts
// followers, zkts leader with Java followers), every member with local sessions on. Through each
// member a client connects (a local session: no txn, the member's id in the id's high byte),
// creates a persistent node, then an ephemeral (the upgrade: a createSession txn ahead of the
// create), is refused by another member before its upgrade, and closes or expires; a watcher on
// another member sees the events. Every outcome is compared with the all-Java run; kazoo runs the
// same steps through each member.

import test from 'ava';
import { CreateRequest, CreateResponse, ExistsRequest, ExistsResponse, MultiOperationRecord, MultiResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { serverIdOfSession } from '../../src/server/session';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK } from '../support/java-ensemble';
import { runProcess } from '../standalone/clients/support';
import { readEverywhere, until, type Member } from './ensemble-support';
import { LAYOUTS, nodeState, startEnsemble } from './session-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const LOCAL_ON = { localSessionsEnabled: 'true', localSessionsUpgradingEnabled: 'true' };
const TICK_MS = 500;

function connect(m: Member, opts: { sessionId?: bigint; passwd?: Buffer; timeoutMs?: number } = {}): Promise<ZkTestClient> {
  return ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000, ...opts });
}

async function create(c: ZkTestClient, path: string, flags: number): Promise<number> {
  return (await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('d'), acl: OPEN_ACL, flags }), CreateResponse)).err;
}

async function watchExists(c: ZkTestClient, path: string): Promise<void> {
  await c.request(OpCode.exists, ExistsRequest.encode({ path, watch: true }), ExistsResponse);
}

/** Everything one member's client observes, in a form comparable across layouts. */
async function throughMember(members: Member[], via: Member): Promise<Record<string, unknown>> {
  const other = members.find((m) => m.sid !== via.sid)!;
  const base = `/ls-${via.sid}`;
  const watcher = await connect(other);
  const c = await connect(via);
  const spare = await connect(via);
  try {
    const out: Record<string, unknown> = { sessionHighByteIsMember: serverIdOfSession(c.sessionId) === via.sid };
    await watchExists(watcher, `${base}/eph`);
    const start = (await nodeState(watcher, '/')).zxid;
    out.createPersistent = await create(c, base, 0);
    out.txnsAfterConnectAndPersistent = ((await nodeState(watcher, '/')).zxid - start).toString();
    // Before its upgrade the session exists on `via` only: another member's leader check refuses it.
    out.reconnectElsewhereBeforeUpgrade = await connect(other, { sessionId: spare.sessionId, passwd: spare.passwd }).then(
      (x) => {
        x.destroy();
        return 'accepted';
      },
      (e: Error) => e.message,
    );
    out.createEphemeral = await create(c, `${base}/eph`, 1);
    const eph = await nodeState(watcher, `${base}/eph`);
    out.ephemeralOwnedBySession = eph.owner === c.sessionId;
    out.txnsForUpgradeAndEphemeral = (eph.zxid - start).toString();
    await watchExists(watcher, `${base}/eph`);
    const beforeClose = (await nodeState(watcher, '/')).zxid;
    await c.close();
    out.ephemeralAfterClose = await readEverywhere(members, `${base}/eph`);
    out.txnsForClose = ((await nodeState(watcher, '/')).zxid - beforeClose).toString();
    const events = await watcher.waitForEvents(2, 20_000);
    out.watchEvents = events.map((ev) => `${ev.type} ${ev.path}`);
    // A local session that never upgraded: its closeSession logs nothing.
    const beforeLocalClose = (await nodeState(watcher, '/')).zxid;
    await spare.close();
    out.txnsForLocalClose = ((await nodeState(watcher, '/')).zxid - beforeLocalClose).toString();
    // An upgraded session whose client vanishes: the leader expires it, its ephemeral goes everywhere.
    const dying = await connect(via, { timeoutMs: 2 * TICK_MS });
    out.createEphemeralThenVanish = await create(dying, `${base}/exp`, 1);
    dying.destroy();
    await until(`${base}/exp to go with its expired session`, async () => ((await nodeState(watcher, `${base}/exp`)).owner === null ? true : null), 60_000);
    out.expiredEphemeralEverywhere = await readEverywhere(members, `${base}/exp`);
    return out;
  } finally {
    watcher.destroy();
    c.destroy();
    spare.destroy();
  }
}

/** kazoo 2.8 through `via`: connect, persistent, ephemeral, stop; prints what it saw. */
const KAZOO_SCRIPT = [
  'import sys',
  'from kazoo.client import KazooClient',
  'zk = KazooClient(hosts=sys.argv[1])',
  'zk.start(timeout=30)',
  'sid = zk.client_id[0]',
  "zk.create(sys.argv[2], b'p')",
  "zk.create(sys.argv[2] + '/e', b'e', ephemeral=True)",
  "owner = zk.exists(sys.argv[2] + '/e').ephemeralOwner",
  "print('HIGH_BYTE %d' % ((sid >> 56) & 0xff))",
  "print('OWNER_IS_SESSION %s' % (owner == sid))",
  'zk.stop()',
  'zk.close()',
  "print('DONE')",
].join('\n');

async function kazoo(members: Member[], via: Member): Promise<Record<string, unknown>> {
  const path = `/kz-${via.sid}`;
  const r = await runProcess('/usr/bin/python3', ['-c', KAZOO_SCRIPT, `${LOOPBACK}:${via.clientPort}`, path], { timeoutMs: 60_000 });
  if (r.timedOut || !/^DONE$/m.test(r.stdout)) throw new Error(`kazoo through ${via.sid} failed:\n${r.output}`);
  return {
    highByteIsMember: /^HIGH_BYTE (\d+)$/m.exec(r.stdout)?.[1] === String(via.sid),
    ownerIsSession: /^OWNER_IS_SESSION (\w+)$/m.exec(r.stdout)?.[1],
    persistent: await readEverywhere(members, path),
    ephemeralAfterStop: await readEverywhere(members, `${path}/e`),
  };
}

let reference: Record<string, unknown> | null = null;

for (const layout of LAYOUTS) {
  test.serial(`local sessions: ${layout.name}`, async (t) => {
    t.timeout(600_000);
    const e = await startEnsemble(layout.kinds, LOCAL_ON);
    try {
      // A first txn of the epoch, so the zxid differences below count txns.
      const first = await connect(e.members[0]!);
      t.is(await create(first, '/base', 0), ErrCode.OK);
      await first.close();
      const got: Record<string, unknown> = {};
      for (const m of e.members) {
        got[`client via ${m.sid}`] = await throughMember(e.members, m);
        got[`kazoo via ${m.sid}`] = await kazoo(e.members, m);
      }
      t.log(JSON.stringify(got));
      if (reference === null) {
        reference = got;
        // What the reference does, stated once so a broken harness cannot pass silently.
        t.is(layout.name, 'all Java');
        const via1 = got['client via 1'] as Record<string, unknown>;
        t.is(via1.sessionHighByteIsMember, true);
        t.is(via1.createEphemeral, ErrCode.OK);
        t.is(via1.txnsForUpgradeAndEphemeral, '3', 'persistent, createSession, ephemeral');
      }
      t.deepEqual(got, reference, `${layout.name} behaves as the all-Java ensemble`);
    } finally {
      await e.stop();
    }
  });
}

/** localSessionsUpgradingEnabled=false: an ephemeral create through each member is refused. */
async function withoutUpgrading(members: Member[], via: Member): Promise<Record<string, unknown>> {
  const other = members.find((m) => m.sid !== via.sid)!;
  const watcher = await connect(other);
  const c = await connect(via);
  try {
    const start = (await nodeState(watcher, '/')).zxid;
    const ephemeral = await create(c, `/nu-${via.sid}`, 1);
    const txns = ((await nodeState(watcher, '/')).zxid - start).toString();
    const persistentAfter = await create(c, `/nu-${via.sid}`, 0);
    const persistentOwner = (await nodeState(watcher, `/nu-${via.sid}`)).owner;
    // A multi holding an ephemeral create: the reference's leader marks its own local session's
    // request (-120 for that op); a learner forwards it unmarked, so the leader's global-session
    // check fails it instead.
    const beforeMulti = (await nodeState(watcher, '/')).zxid;
    const multi = await multiWithEphemeral(c, `/nm-${via.sid}`);
    const txnsForTheMulti = ((await nodeState(watcher, '/')).zxid - beforeMulti).toString();
    return { ephemeral, txnsForTheRefusal: txns, persistentAfter, persistentOwner, multi, txnsForTheMulti, multiLeftNothing: (await nodeState(watcher, `/nm-${via.sid}`)).version };
  } finally {
    watcher.destroy();
    c.destroy();
  }
}

/** multi(create `path` persistent, create `path`/e ephemeral): the reply's err and each op's err. */
async function multiWithEphemeral(c: ZkTestClient, path: string): Promise<{ err: number; ops: number[] | null }> {
  const op = (p: string, flags: number) => ({ header: { type: OpCode.create, done: false, err: -1 }, body: { path: p, data: Buffer.from('m'), acl: OPEN_ACL, flags } });
  const body = MultiOperationRecord.encode({ items: [op(path, 0), op(`${path}/e`, 1)], end: { type: -1, done: true, err: -1 } });
  const r = await c.request(OpCode.multi, body, MultiResponse);
  return { err: r.err, ops: r.body === null ? null : r.body.items.map((i) => i.header.err) };
}

let referenceNoUpgrade: Record<string, unknown> | null = null;

for (const layout of LAYOUTS) {
  test.serial(`local sessions without upgrading: ${layout.name}`, async (t) => {
    t.timeout(300_000);
    const e = await startEnsemble(layout.kinds, { localSessionsEnabled: 'true', localSessionsUpgradingEnabled: 'false' });
    try {
      const first = await connect(e.members[0]!);
      t.is(await create(first, '/base', 0), ErrCode.OK);
      await first.close();
      const got: Record<string, unknown> = {};
      for (const m of e.members) got[`via ${m.sid}`] = await withoutUpgrading(e.members, m);
      t.log(JSON.stringify(got, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
      if (referenceNoUpgrade === null) {
        referenceNoUpgrade = got;
        t.is(layout.name, 'all Java');
        t.is((got['via 1'] as Record<string, unknown>).ephemeral, ErrCode.EPHEMERALONLOCALSESSION);
        // sid 3 leads: its own client's multi fails its ephemeral op with -120.
        t.is(((got['via 3'] as Record<string, unknown>).multi as { ops: number[] }).ops[1], ErrCode.EPHEMERALONLOCALSESSION);
      }
      t.deepEqual(got, referenceNoUpgrade, `${layout.name} behaves as the all-Java ensemble`);
    } finally {
      await e.stop();
    }
  });
}
