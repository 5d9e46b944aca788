// The hot read replies built from the tree's storage (src/server/read-replies.ts: stat bytes from
// the slab, data from its stored form, the cached encoded child list) against the generated
// encoders fed by the tree's plain read API, over random trees that every txn kind changes:
// create/delete/setData/setACL, multi (applied and failed), closeSession deleting ephemerals,
// containers and TTL nodes (owners clients see as 0), null/empty/large data, non-ASCII names.
// The child-list cache is read before every change so that a stale entry would show.

import test from 'ava';
import { ExistsResponse, GetChildren2Response, GetChildrenResponse, GetDataResponse, type ACL } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { encodeSubTxn, type LoggedTxn, type SubTxnBody, type TxnBody } from '../../src/persistence/txn';
import { getChildren2Body, getChildrenBody, getDataBody, statBody } from '../../src/server/read-replies';
import { CONTAINER_EPHEMERAL_OWNER, DataTree, childNameOf, parentOf, ttlToEphemeralOwner } from '../../src/tree';
import { prng as rng } from '../support/prng';

const OPEN: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];


const NAMES = ['a', 'b', 'child-0001', 'é', '日本', '😀', 'x\ud800', 'n0', 'n1', 'n2', 'long-name-'.repeat(5)];

/** Every reply the fast path builds for `path`, next to what the generated encoders make of the plain reads. */
function check(t: import('ava').ExecutionContext, tree: DataTree, path: string, what: string): void {
  const node = tree.rawNode(path)!;
  const data = tree.getData(path)!;
  const kids = tree.getChildren(path)!;
  t.deepEqual(statBody(tree, node), ExistsResponse.encode({ stat: tree.clientStat(path)! }), `${what}: stat of ${path}`);
  t.deepEqual(getDataBody(tree, node), GetDataResponse.encode(data), `${what}: getData ${path}`);
  t.deepEqual(getChildrenBody(node), GetChildrenResponse.encode({ children: kids.children }), `${what}: getChildren ${path}`);
  t.deepEqual(getChildren2Body(tree, node), GetChildren2Response.encode(kids), `${what}: getChildren2 ${path}`);
}

function allPaths(tree: DataTree): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    out.push(p);
    const kids = tree.getChildren(p)?.children ?? [];
    for (const k of kids) walk(p === '/' ? `/${k}` : `${p}/${k}`);
  };
  walk('/');
  return out;
}

class Driver {
  zxid = 0n;
  readonly sessions = [0x11n, 0x22n, 0x33n];
  constructor(
    readonly tree: DataTree,
    readonly r: () => number,
  ) {}

  apply(body: TxnBody, clientId = this.sessions[0]!): void {
    this.zxid++;
    const txn: LoggedTxn = { header: { clientId, cxid: 1, zxid: this.zxid, time: 1000n + this.zxid, type: body.type }, body, digest: null };
    this.tree.applyTxn(txn);
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  data(): Buffer | null {
    const k = this.r();
    if (k < 0.15) return null;
    if (k < 0.25) return Buffer.alloc(0);
    if (k < 0.35) return Buffer.alloc(1500 + Math.floor(this.r() * 3000), 0xab); // stored as its own Buffer
    return Buffer.from(Array.from({ length: Math.floor(this.r() * 200) }, () => Math.floor(this.r() * 256)));
  }

  newPath(): string {
    const parent = this.pick(allPaths(this.tree).filter((p) => !p.startsWith('/zookeeper') && (this.tree.getNode(p)?.ephemeralType ?? 'void') !== 'normal'));
    return (parent === '/' ? '' : parent) + '/' + this.pick(NAMES) + (this.r() < 0.5 ? String(this.zxid) : '');
  }

  /** One random change (a sub-txn body), valid or not; the tree reports failures as values. */
  randomSub(): SubTxnBody {
    const live = allPaths(this.tree).filter((p) => p !== '/' && !p.startsWith('/zookeeper'));
    const k = this.r();
    if (k < 0.6 || live.length === 0) {
      const path = this.newPath();
      const kind = this.r();
      if (kind < 0.1) return { type: OpCode.createContainer, txn: { path, data: this.data(), acl: OPEN, parentCVersion: -1 } };
      if (kind < 0.2) return { type: OpCode.createTTL, txn: { path, data: this.data(), acl: OPEN, parentCVersion: -1, ttl: 5000n } };
      return { type: OpCode.create, txn: { path, data: this.data(), acl: OPEN, ephemeral: kind < 0.4, parentCVersion: -1 } };
    }
    const path = this.pick(live);
    if (k < 0.8) return { type: OpCode.setData, txn: { path, data: this.data(), version: 1 } };
    return { type: OpCode.delete, txn: { path } };
  }
}

test('stat, getData, getChildren and getChildren2 bodies match the generated encoders through random changes', (t) => {
  for (const seed of [1, 2, 3]) {
    const r = rng(seed);
    const tree = new DataTree({ extendedTypesEnabled: true });
    const d = new Driver(tree, r);
    for (let step = 0; step < 250; step++) {
      // Fill every node's child-list cache first, so each change below must invalidate it.
      for (const p of allPaths(tree)) getChildrenBody(tree.rawNode(p)!);
      const k = r();
      let what: string;
      if (k < 0.6) {
        const sub = d.randomSub();
        what = `op ${sub.type} ${'path' in sub.txn ? sub.txn.path : ''}`;
        const owner = d.pick(d.sessions);
        d.apply(sub as TxnBody, owner);
      } else if (k < 0.85) {
        const subs = Array.from({ length: 1 + Math.floor(r() * 5) }, () => d.randomSub());
        if (r() < 0.2) subs.push({ type: OpCode.error, txn: { err: -101 } }); // a failed multi applies nothing
        what = `multi of ${subs.length}`;
        d.apply({ type: OpCode.multi, txn: { txns: subs.map((s) => ({ type: s.type, data: encodeSubTxn(s) })) } }, d.pick(d.sessions));
      } else if (k < 0.95) {
        const session = d.pick(d.sessions);
        what = `closeSession ${session}`;
        d.apply({ type: OpCode.closeSession, txn: { paths2Delete: tree.getEphemerals(session) } }, session);
      } else {
        const live = allPaths(tree).filter((p) => p !== '/');
        const path = d.pick(live);
        what = `setACL ${path}`;
        d.apply({ type: OpCode.setACL, txn: { path, acl: OPEN, version: 1 } });
      }
      for (const p of allPaths(tree)) check(t, tree, p, `seed ${seed} step ${step} after ${what}`);
    }
  }
});

test('container and TTL owners read 0 in the stat bytes, session owners as they are', (t) => {
  const tree = new DataTree({ extendedTypesEnabled: true });
  const d = new Driver(tree, rng(9));
  d.apply({ type: OpCode.createContainer, txn: { path: '/c', data: null, acl: OPEN, parentCVersion: -1 } });
  d.apply({ type: OpCode.createTTL, txn: { path: '/t', data: null, acl: OPEN, parentCVersion: -1, ttl: 60000n } });
  d.apply({ type: OpCode.create, txn: { path: '/e', data: null, acl: OPEN, ephemeral: true, parentCVersion: -1 } }, 0x7f00000000000001n);
  // High byte 0x80 but not Long.MIN_VALUE: a session owner (the byte-level check must look further).
  d.apply({ type: OpCode.create, txn: { path: '/f', data: null, acl: OPEN, ephemeral: true, parentCVersion: -1 } }, -0x7fffffffffffffffn);
  t.is(tree.getNode('/c')!.stat.ephemeralOwner, CONTAINER_EPHEMERAL_OWNER);
  t.is(tree.getNode('/t')!.stat.ephemeralOwner, ttlToEphemeralOwner(60000n));
  const owner = (p: string) => ExistsResponse.decode(statBody(tree, tree.rawNode(p)!)).stat.ephemeralOwner;
  t.is(owner('/c'), 0n);
  t.is(owner('/t'), 0n);
  t.is(owner('/e'), 0x7f00000000000001n);
  t.is(owner('/f'), -0x7fffffffffffffffn);
  // Without extended types a 0xFF.. owner is an ordinary session id, shown as it is.
  const plain = new DataTree();
  new Driver(plain, rng(1)).apply({ type: OpCode.create, txn: { path: '/x', data: null, acl: OPEN, ephemeral: true, parentCVersion: -1 } }, ttlToEphemeralOwner(60000n));
  t.is(ExistsResponse.decode(statBody(plain, plain.rawNode('/x')!)).stat.ephemeralOwner, ttlToEphemeralOwner(60000n));
});

test('the cached child list is the same buffer until the children change, and a new one after', (t) => {
  const tree = new DataTree();
  const d = new Driver(tree, rng(4));
  d.apply({ type: OpCode.create, txn: { path: '/p', data: null, acl: OPEN, ephemeral: false, parentCVersion: -1 } });
  const p = () => tree.rawNode('/p')!;
  const empty = getChildrenBody(p());
  t.deepEqual(empty, Buffer.from([0, 0, 0, 0]));
  d.apply({ type: OpCode.create, txn: { path: '/p/a', data: null, acl: OPEN, ephemeral: true, parentCVersion: -1 } }, 0x11n);
  const one = getChildrenBody(p());
  t.is(getChildrenBody(p()), one, 'no re-encoding while nothing changed');
  d.apply({ type: OpCode.setData, txn: { path: '/p', data: Buffer.from('x'), version: 1 } });
  t.is(getChildrenBody(p()), one, 'a data change keeps the list');
  d.apply({ type: OpCode.closeSession, txn: { paths2Delete: ['/p/a'] } }, 0x11n);
  t.deepEqual(GetChildrenResponse.decode(getChildrenBody(p())).children, [], 'the session-close delete dropped the cached list');
  t.is(childNameOf('/p/a'), 'a');
  t.is(parentOf('/p/a'), '/p');
});
