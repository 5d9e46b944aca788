// The npm `node-zookeeper-client` (a stock third-party client) against an embedded zkts: creates of
// every mode, versioned reads and writes, watches, multi, digest ACLs, remove, session close.

import test from 'ava';
import zookeeper from 'node-zookeeper-client';
import type { ACL, Client, Event, Stat } from 'node-zookeeper-client';
import { startServer } from '../../src';

type Cb<T> = (e: unknown, v: T) => void;

function connect(connectString: string): Promise<Client> {
  const c = zookeeper.createClient(connectString, { sessionTimeout: 10_000, retries: 0 });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('connect timed out')), 10_000);
    c.once('connected', () => {
      clearTimeout(t);
      resolve(c);
    });
    c.connect();
  });
}

function call<T>(f: (cb: Cb<T>) => void): Promise<T> {
  return new Promise((resolve, reject) => f((e, v) => (e ? reject(e) : resolve(v))));
}

function call2<A, B>(f: (cb: (e: unknown, a: A, b: B) => void) => void): Promise<[A, B]> {
  return new Promise((resolve, reject) => f((e, a, b) => (e ? reject(e) : resolve([a, b]))));
}

/** Resolves with the error code a call fails with (or rejects if it succeeds). */
async function codeOf(p: Promise<unknown>): Promise<number> {
  try {
    await p;
  } catch (e) {
    return (e as { code?: number }).code ?? NaN;
  }
  throw new Error('expected the call to fail');
}

function waitEvent(timeoutMs = 10_000): { watcher: (e: Event) => void; fired: Promise<Event> } {
  let watcher!: (e: Event) => void;
  const fired = new Promise<Event>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('watch did not fire')), timeoutMs);
    watcher = (e) => {
      clearTimeout(t);
      resolve(e);
    };
  });
  return { watcher, fired };
}

test('node-zookeeper-client works end to end against zkts', async (t) => {
  const zk = await startServer();
  t.teardown(() => zk.stop());
  const a = await connect(zk.connectString);
  const b = await connect(zk.connectString);
  t.teardown(() => {
    a.close();
    b.close();
  });
  const { CreateMode, Exception } = zookeeper;

  // create: persistent, ephemeral, sequential
  t.is(await call<string>((cb) => a.create('/app', Buffer.from('root'), CreateMode.PERSISTENT, cb)), '/app');
  t.is(await call<string>((cb) => a.create('/app/eph', Buffer.from('e'), CreateMode.EPHEMERAL, cb)), '/app/eph');
  t.is(await call<string>((cb) => a.create('/app/seq-', Buffer.from('s'), CreateMode.PERSISTENT_SEQUENTIAL, cb)), '/app/seq-0000000001');
  t.is(await call<string>((cb) => a.create('/app/eseq-', Buffer.from('s'), CreateMode.EPHEMERAL_SEQUENTIAL, cb)), '/app/eseq-0000000002');
  t.is(await codeOf(call<string>((cb) => a.create('/app', Buffer.from('x'), CreateMode.PERSISTENT, cb))), Exception.NODE_EXISTS);
  t.is(await codeOf(call<string>((cb) => a.create('/app/eph/child', Buffer.from('x'), CreateMode.PERSISTENT, cb))), Exception.NO_CHILDREN_FOR_EPHEMERALS);

  // getData / setData with versions
  const [data0, stat0] = await call2<Buffer, Stat>((cb) => b.getData('/app', cb));
  t.is(data0.toString(), 'root');
  t.is(stat0.version, 0);
  t.is(stat0.numChildren, 3);
  const stat1 = await call<Stat>((cb) => a.setData('/app', Buffer.from('v1'), 0, cb));
  t.is(stat1.version, 1);
  t.is(await codeOf(call<Stat>((cb) => a.setData('/app', Buffer.from('stale'), 0, cb))), Exception.BAD_VERSION);
  const [data1] = await call2<Buffer, Stat>((cb) => b.getData('/app', cb));
  t.is(data1.toString(), 'v1');
  t.is(await codeOf(call2<Buffer, Stat>((cb) => b.getData('/missing', cb))), Exception.NO_NODE);

  // getChildren with a watcher that fires on a new child
  const cw = waitEvent();
  const [kids] = await call2<string[], Stat>((cb) => b.getChildren('/app', cw.watcher, cb));
  t.deepEqual([...kids].sort(), ['eph', 'eseq-0000000002', 'seq-0000000001']);
  await call<string>((cb) => a.create('/app/new', Buffer.from('n'), CreateMode.PERSISTENT, cb));
  const ce = await cw.fired;
  t.is(ce.getType(), zookeeper.Event.NODE_CHILDREN_CHANGED);
  t.is(ce.getPath(), '/app');

  // exists watcher on a node that does not exist yet, fired by its creation
  const ew = waitEvent();
  const none = await call<Stat>((cb) => b.exists('/later', ew.watcher, cb));
  t.falsy(none);
  await call<string>((cb) => a.create('/later', Buffer.from('l'), CreateMode.PERSISTENT, cb));
  const ee = await ew.fired;
  t.is(ee.getType(), zookeeper.Event.NODE_CREATED);
  t.is(ee.getPath(), '/later');

  // multi: success applies all ops, failure applies none
  const ok = await call<{ type: number; err: number; path?: string }[]>((cb) =>
    a.transaction().create('/tx', Buffer.from('t')).setData('/tx', Buffer.from('t2'), 0).check('/app', 1).commit(cb),
  );
  t.is(ok.length, 3);
  const [txData, txStat] = await call2<Buffer, Stat>((cb) => b.getData('/tx', cb));
  t.is(txData.toString(), 't2');
  t.is(txStat.version, 1);
  const failed = await new Promise<{ err: unknown; results: { err: number }[] }>((resolve) =>
    a.transaction().create('/tx-never', Buffer.from('n')).setData('/tx', Buffer.from('bad'), 99).commit((err, results) => resolve({ err, results })),
  );
  t.truthy(failed.err, 'a multi with a bad version fails');
  t.is((failed.err as { code?: number }).code, Exception.BAD_VERSION);
  t.falsy(await call<Stat>((cb) => b.exists('/tx-never', cb)), 'the failed multi created nothing');
  t.is((await call2<Buffer, Stat>((cb) => b.getData('/tx', cb)))[0].toString(), 't2');

  // ACLs with digest auth: the owner reads, an unauthenticated client gets NOAUTH
  a.addAuthInfo('digest', Buffer.from('alice:secret'));
  const acl: ACL[] = [new zookeeper.ACL(zookeeper.Permission.ALL, new zookeeper.Id('auth', ''))];
  await call<string>((cb) => a.create('/secure', Buffer.from('s3cret'), acl, CreateMode.PERSISTENT, cb));
  const [acls] = await call2<ACL[], Stat>((cb) => a.getACL('/secure', cb));
  t.is(acls.length, 1);
  t.is(acls[0]!.id.scheme, 'digest');
  t.regex(acls[0]!.id.id, /^alice:/);
  t.is((await call2<Buffer, Stat>((cb) => a.getData('/secure', cb)))[0].toString(), 's3cret');
  t.is(await codeOf(call2<Buffer, Stat>((cb) => b.getData('/secure', cb))), Exception.NO_AUTH);
  t.is(await codeOf(call<Stat>((cb) => b.setData('/secure', Buffer.from('x'), -1, cb))), Exception.NO_AUTH);

  // remove, with a version check
  t.is(await codeOf(call<void>((cb) => a.remove('/later', 5, cb))), Exception.BAD_VERSION);
  await call<void>((cb) => a.remove('/later', 0, cb));
  t.falsy(await call<Stat>((cb) => b.exists('/later', cb)));
  t.is(await codeOf(call<void>((cb) => a.remove('/app', -1, cb))), Exception.NOT_EMPTY);

  // session close: a's ephemerals are gone, as b sees (and b's watch on one fires)
  const dw = waitEvent();
  t.truthy(await call<Stat>((cb) => b.exists('/app/eph', dw.watcher, cb)));
  a.close();
  const de = await dw.fired;
  t.is(de.getType(), zookeeper.Event.NODE_DELETED);
  t.falsy(await call<Stat>((cb) => b.exists('/app/eph', cb)));
  t.falsy(await call<Stat>((cb) => b.exists('/app/eseq-0000000002', cb)));
  t.truthy(await call<Stat>((cb) => b.exists('/app/seq-0000000001', cb)), 'persistent nodes stay');
});
