// Read-only mode, differential: the same scenario against a 3-node Apache ZooKeeper 3.8.0 ensemble
// and a 3-node zkts ensemble, both started with -Dreadonlymode.enabled=true. Member 1 loses its
// quorum (2 and 3 stop); what its clients and its four-letter words see while it serves read-only,
// and after 2 and 3 are back, must be the same.
//
// The Java members also run with localSessionsEnabled=true (and upgrading, so an ephemeral makes
// a session global): 3.8.0's read-only server only opens sessions that are local; without it the
// handshake is answered with a bare NOTREADONLY reply header (src/server/read-only.ts).

import test from 'ava';
import {
  CheckVersionRequest,
  CreateRequest,
  CreateResponse,
  DeleteRequest,
  ExistsRequest,
  GetChildrenRequest,
  GetChildrenResponse,
  GetDataRequest,
  GetDataResponse,
  MultiHeader,
  SetDataRequest,
  SyncRequest,
} from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { runProcess } from '../standalone/clients/support';
import { settled, startJavaMember, startZktsQuorumMember, until, type Kind, type Member } from './ensemble-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const EMPTY_MULTI = MultiHeader.encode({ type: -1, done: true, err: -1 });
const PYTHON = '/usr/bin/python3';
const ZKCLI = '/usr/share/zookeeper/bin/zkCli.sh';

const JAVA_PROPS = { 'readonlymode.enabled': 'true' };
const JAVA_CONFIG = { localSessionsEnabled: 'true', localSessionsUpgradingEnabled: 'true' };
const ZKTS_ENV = { SERVER_JVMFLAGS: '-Dreadonlymode.enabled=true' };

function startMember(kind: Kind, sid: number, plan: readonly EnsembleMember[], dataDir?: string): Promise<Member> {
  const dir = dataDir === undefined ? {} : { dataDir };
  return kind === 'java'
    ? startJavaMember(sid, plan, { ...dir, properties: JAVA_PROPS, config: JAVA_CONFIG })
    : startZktsQuorumMember({ myId: sid, members: plan, ...dir, env: ZKTS_ENV });
}

/** 'refused' when the server closed the connection without a ConnectResponse. */
async function connectOutcome(port: number, opts: Parameters<typeof ZkTestClient.connect>[2]): Promise<ZkTestClient | 'refused'> {
  try {
    return await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000, connectTimeoutMs: 15_000, ...opts });
  } catch (e) {
    if (e instanceof Error && /closed before the ConnectResponse/.test(e.message)) return 'refused';
    throw e;
  }
}

async function closedWithin(c: ZkTestClient, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const r = await Promise.race([c.whenClosed.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)))]);
  clearTimeout(timer);
  return r;
}

const KAZOO_RO = `
import sys
from kazoo.client import KazooClient
zk = KazooClient(hosts=sys.argv[1], read_only=True, timeout=10)
zk.start(timeout=20)
print('state', zk.client_state)
print('get', zk.get('/ro')[0].decode())
print('children', sorted(zk.get_children('/ro')))
for name, call in [('create', lambda: zk.create('/kz', b'x')), ('set', lambda: zk.set('/ro', b'y')),
                   ('delete', lambda: zk.delete('/ro/eph')), ('exists', lambda: zk.exists('/kz'))]:
    try:
        print(name, 'ok', call() is not None)
    except Exception as e:
        print(name, type(e).__name__)
zk.stop()
zk.close()
`;

/** Everything the scenario observes, as plain data to compare between the two servers. */
type Observations = Record<string, unknown>;

async function scenario(kind: Kind): Promise<Observations> {
  const plan = await planEnsemble([3, 2, 1]);
  const byId = new Map<number, Member>();
  const dirs = new Map<number, string>();
  const start = async (sid: number): Promise<void> => {
    const m = await startMember(kind, sid, plan, dirs.get(sid));
    dirs.set(sid, m.dataDir);
    byId.set(sid, m);
  };
  const o: Observations = {};
  const port = plan.find((m) => m.sid === 1)!.clientPort;
  const word = (w: string): Promise<string> => fourLetterWord(LOOPBACK, port, w, 5000);
  const open: ZkTestClient[] = [];
  try {
    await start(3);
    await Promise.all([start(2), start(1)]);
    await settled([...byId.values()]);
    o.isroBefore = await word('isro');

    // While the quorum stands: data, and a session made global by its ephemeral.
    const rw = await ZkTestClient.connect(LOOPBACK, port, { timeoutMs: 10_000, readOnly: true });
    open.push(rw);
    o.rwConnectReadOnlyFlag = rw.connectedReadOnly;
    const put = async (path: string, flags: number): Promise<number> =>
      (await rw.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('kept'), acl: OPEN_ACL, flags }), CreateResponse)).err;
    o.created = [await put('/ro', 0), await put('/ro/eph', 1)];
    const quorumSession = { sessionId: rw.sessionId, passwd: rw.passwd };

    for (const sid of [2, 3]) {
      await byId.get(sid)!.stop();
      byId.delete(sid);
    }
    o.rwClientDropped = await closedWithin(rw, 60_000);
    await until('member 1 serving read-only', async () => ((await word('isro').catch(() => '')) === 'ro' ? true : null), 90_000);

    const srvr = await word('srvr');
    o.srvrBanner = /^READ-ONLY mode; serving only read-only clients$/m.test(srvr);
    o.srvrMode = /^Mode: (\S+)$/m.exec(srvr)?.[1];
    const mntr = await word('mntr');
    o.mntrState = /^zk_server_state\t(\S+)$/m.exec(mntr)?.[1];
    o.mntrPeerState = /^zk_peer_state/m.test(mntr);
    o.mntrQuorumSize = /^zk_quorum_size/m.test(mntr);
    const conf = await word('conf');
    o.confKeys = conf.split('\n').filter((l) => l.includes('=') && !l.startsWith('server.') && !l.startsWith('version=')).map((l) => l.split('=')[0]);
    o.confMembership = /membership/.test(conf);

    o.notReadOnlyClient = await connectOutcome(port, { readOnly: false }).then((c) => (c === 'refused' ? c : (open.push(c), 'connected')));
    o.quorumSessionReconnect = await connectOutcome(port, { readOnly: true, ...quorumSession }).then((c) => (c === 'refused' ? c : (open.push(c), 'connected')));

    const ro = await connectOutcome(port, { readOnly: true });
    if (ro === 'refused') throw new Error(`${kind}: a read-only client was refused`);
    open.push(ro);
    o.roConnectReadOnlyFlag = ro.connectedReadOnly;
    const data = await ro.request(OpCode.getData, GetDataRequest.encode({ path: '/ro', watch: true }), GetDataResponse);
    o.getData = [data.err, data.body?.data?.toString()];
    const kids = await ro.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/ro', watch: false }), GetChildrenResponse);
    o.getChildren = [kids.err, kids.body?.children];
    o.existsMissing = (await ro.request(OpCode.exists, ExistsRequest.encode({ path: '/nope', watch: false }), null)).err;
    o.multiRead = (await ro.request(OpCode.multiRead, EMPTY_MULTI, null)).err;
    const refused: [string, number, Buffer][] = [
      ['create', OpCode.create, CreateRequest.encode({ path: '/new', data: null, acl: OPEN_ACL, flags: 0 })],
      ['setData', OpCode.setData, SetDataRequest.encode({ path: '/ro', data: Buffer.from('x'), version: -1 })],
      ['delete', OpCode.delete, DeleteRequest.encode({ path: '/ro/eph', version: -1 })],
      ['check', OpCode.check, CheckVersionRequest.encode({ path: '/ro', version: 0 })],
      ['sync', OpCode.sync, SyncRequest.encode({ path: '/' })],
      ['multi', OpCode.multi, EMPTY_MULTI],
    ];
    const zxid = data.zxid;
    for (const [name, type, body] of refused) {
      const r = await ro.request(type, body, null);
      o[`refused.${name}`] = [r.err, r.zxid === zxid];
    }
    const again = await connectOutcome(port, { readOnly: true, sessionId: ro.sessionId, passwd: ro.passwd });
    o.roSessionReconnect = again === 'refused' ? again : again.sessionId === ro.sessionId;
    if (again !== 'refused') open.push(again);

    const kazoo = await runProcess(PYTHON, ['-c', KAZOO_RO, `${LOOPBACK}:${port}`], { timeoutMs: 60_000 });
    o.kazoo = kazoo.timedOut ? `timed out: ${kazoo.output}` : kazoo.stdout.trim().split('\n');
    const cli = await runProcess(ZKCLI, ['-server', `${LOOPBACK}:${port}`, '-r'], { input: 'get /ro\ncreate /zc x\nquit\n', timeoutMs: 90_000 });
    o.zkCli = cli.timedOut ? `timed out: ${cli.output}` : cli.output.split('\n').filter((l) => /^kept$|\/zc|ReadOnly/i.test(l)).map((l) => l.replace(/^.*?(KeeperErrorCode|WatchedEvent|kept)/, '$1'));

    // The quorum forms again: the read-only clients are dropped, member 1 serves read-write.
    await Promise.all([start(2), start(3)]);
    // A read-only member has a Mode line too: wait for member 1 to follow, then for the rest.
    await until('member 1 following', async () => ((await byId.get(1)!.mode()) === 'follower' ? true : null), 90_000);
    await settled([...byId.values()]);
    o.roClientDropped = again === 'refused' ? null : await closedWithin(again, 60_000);
    o.isroAfter = await word('isro');
    const back = await connectOutcome(port, { readOnly: true });
    o.afterConnectReadOnlyFlag = back === 'refused' ? back : back.connectedReadOnly;
    if (back !== 'refused') open.push(back);
    return o;
  } catch (e) {
    // The members' own logs say why a wait timed out.
    const logs = [...byId.values()].map((m) => `--- ${kind} ${m.sid} ---\n${m.output().slice(-4000)}`).join('\n');
    throw new Error(`${kind}: ${e instanceof Error ? e.message : String(e)}\n${logs}`, { cause: e });
  } finally {
    for (const c of open) c.destroy();
    await Promise.all([...byId.values()].map((m) => m.stop()));
  }
}

test.serial('read-only mode: Apache ZooKeeper 3.8.0 and zkts answer the same', async (t) => {
  const java = await scenario('java');
  t.log('java', JSON.stringify(java));
  // The reference's own answers, before comparing zkts with them.
  t.is(java.srvrMode, 'read-only');
  t.is(java['refused.create'] instanceof Array ? (java['refused.create'] as unknown[])[0] : null, ErrCode.NOTREADONLY);
  const zkts = await scenario('zkts');
  t.log('zkts', JSON.stringify(zkts));
  t.deepEqual(zkts, java);
});
