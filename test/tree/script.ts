// A tiny txn script language shared with test/tree/reference/TreeScript.java, so the same
// scenario runs against Apache ZooKeeper's DataTree and ours and prints comparable lines.
//
//   <zxid hex> <time> <clientId hex> <op> args...      apply one txn; prints "r ..." then "d <digest>"
//   !<query> args...                                    prints one line (stat, raw, data, children,
//                                                       acl, aclidx, aclcache, counts, eph, allchildren,
//                                                       digest, ext, roundtrip)
//
// Ops: createSession <timeout> | closeSession [<p1,p2,...>|[]] | create|create2 <path> <data> <acl> <p|e> <pcv>
// | createContainer <path> <data> <acl> <pcv> | createTTL <path> <data> <acl> <pcv> <ttl>
// | delete|deleteContainer <path> | setData|reconfig <path> <data> <version> | setACL <path> <acl> <version>
// | error <code> | check <path> <version> | multi <op args> | <op args> | ...
// Data: "-" null, "~" empty, "c*N" c repeated N times, else UTF-8 text. ACL: "null", "[]", or "scheme:id:perms,...".

import type { ACL, Stat, StatPersisted } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { type LoggedTxn, type SubTxnBody, type TxnBody, encodeSubTxn } from '../../src/persistence/txn';
import { DataTree } from '../../src/tree';
import type { ApplyResult, TxnOutcome } from '../../src/tree';

const OPS: Record<string, number> = {
  createSession: OpCode.createSession,
  closeSession: OpCode.closeSession,
  create: OpCode.create,
  create2: OpCode.create2,
  createContainer: OpCode.createContainer,
  createTTL: OpCode.createTTL,
  delete: OpCode.delete,
  deleteContainer: OpCode.deleteContainer,
  setData: OpCode.setData,
  reconfig: OpCode.reconfig,
  setACL: OpCode.setACL,
  error: OpCode.error,
  check: OpCode.check,
  multi: OpCode.multi,
};

export function hex(v: bigint): string {
  return BigInt.asUintN(64, v).toString(16);
}

function data(s: string): Buffer | null {
  if (s === '-') return null;
  if (s === '~') return Buffer.alloc(0);
  if (s.indexOf('*') === 1) return Buffer.from(s[0]!.repeat(Number(s.slice(2))), 'utf8');
  return Buffer.from(s, 'utf8');
}

export function acl(s: string): ACL[] | null {
  if (s === 'null') return null;
  if (s === '[]') return [];
  return s.split(',').map((e) => {
    const first = e.indexOf(':');
    const last = e.lastIndexOf(':');
    return { perms: Number(e.slice(last + 1)), id: { scheme: e.slice(0, first), id: e.slice(first + 1, last) } };
  });
}

/** One txn body from its script words (without the multi form). */
export function body(a: string[]): TxnBody | SubTxnBody {
  const op = a[0]!;
  switch (op) {
    case 'createSession':
      return { type: OpCode.createSession, txn: { timeOut: Number(a[1]) } };
    case 'closeSession':
      if (a.length === 1) return { type: OpCode.closeSession, txn: null };
      return { type: OpCode.closeSession, txn: { paths2Delete: a[1] === '[]' ? [] : a[1]!.split(',') } };
    case 'create':
    case 'create2':
      return {
        type: OPS[op] as typeof OpCode.create,
        txn: { path: a[1]!, data: data(a[2]!), acl: acl(a[3]!), ephemeral: a[4] === 'e', parentCVersion: Number(a[5]) },
      };
    case 'createContainer':
      return { type: OpCode.createContainer, txn: { path: a[1]!, data: data(a[2]!), acl: acl(a[3]!), parentCVersion: Number(a[4]) } };
    case 'createTTL':
      return {
        type: OpCode.createTTL,
        txn: { path: a[1]!, data: data(a[2]!), acl: acl(a[3]!), parentCVersion: Number(a[4]), ttl: BigInt(a[5]!) },
      };
    case 'delete':
    case 'deleteContainer':
      return { type: OPS[op] as typeof OpCode.delete, txn: { path: a[1]! } };
    case 'setData':
    case 'reconfig':
      return { type: OPS[op] as typeof OpCode.setData, txn: { path: a[1]!, data: data(a[2]!), version: Number(a[3]) } };
    case 'setACL':
      return { type: OpCode.setACL, txn: { path: a[1]!, acl: acl(a[2]!), version: Number(a[3]) } };
    case 'error':
      return { type: OpCode.error, txn: { err: Number(a[1]) } };
    case 'check':
      return { type: OpCode.check, txn: { path: a[1]!, version: Number(a[2]) } };
    default:
      throw new Error(`unknown op ${op}`);
  }
}

/** Parses one txn line into a LoggedTxn. */
export function parseTxn(line: string): LoggedTxn {
  const t = line.split(' ');
  const zxid = BigInt(`0x${t[0]}`);
  const time = BigInt(t[1]!);
  const clientId = BigInt.asIntN(64, BigInt(`0x${t[2]}`));
  const rest = t.slice(3);
  const type = OPS[rest[0]!];
  if (type === undefined) throw new Error(`unknown op ${rest[0]}`);
  let b: TxnBody;
  if (type === OpCode.multi) {
    const txns = rest
      .slice(1)
      .join(' ')
      .split(' | ')
      .map((part) => {
        const sub = body(part.trim().split(' ')) as SubTxnBody;
        return { type: OPS[part.trim().split(' ')[0]!]!, data: encodeSubTxn(sub) };
      });
    b = { type: OpCode.multi, txn: { txns } };
  } else {
    b = body(rest) as TxnBody;
  }
  return { header: { clientId, cxid: 1, zxid, time, type }, body: b, digest: null };
}

export function statText(s: Stat): string {
  return [
    hex(s.czxid), hex(s.mzxid), s.ctime, s.mtime, s.version, s.cversion, s.aversion,
    hex(s.ephemeralOwner), s.dataLength, s.numChildren, hex(s.pzxid),
  ].join(',');
}

function rawText(s: StatPersisted): string {
  return [hex(s.czxid), hex(s.mzxid), s.ctime, s.mtime, s.version, s.cversion, s.aversion, hex(s.ephemeralOwner), hex(s.pzxid)].join(',');
}

function outcomeText(o: TxnOutcome): string {
  return `err=${o.err} path=${o.path ?? 'null'} stat=${o.stat === undefined ? '-' : statText(o.stat)}`;
}

export function resultText(r: ApplyResult): string {
  let s = `r ${hex(r.zxid)} ${outcomeText(r)}`;
  for (const sub of r.multi ?? []) s += ` | ${sub.type} ${outcomeText(sub)}`;
  return s;
}

const sorted = (xs: Iterable<string>): string => `[${[...xs].sort().join(',')}]`;

/** Reloads a tree through its own snapshot source and a loader (what "!roundtrip" does). */
export function roundTrip(tree: DataTree): DataTree {
  const source = tree.snapshotSource([]);
  const sink = DataTree.loader({ extendedTypesEnabled: tree.extendedTypesEnabled, digestEnabled: tree.digestEnabled });
  for (const [id, to] of source.sessions()) sink.session(id, to);
  for (const e of source.aclEntries()) sink.aclEntry(e);
  for (const n of source.nodes()) sink.node(n.path, n.node);
  sink.digest(source.digest());
  return sink.finish(tree.lastProcessedZxid);
}

function query(state: { tree: DataTree; applied: number }, q: string[]): string {
  const t = state.tree;
  const p = q[1] ?? '';
  switch (q[0]) {
    case 'stat': {
      const s = t.clientStat(p);
      return `stat ${p} ${s === null ? 'NONODE' : statText(s)}`;
    }
    case 'raw': {
      const n = t.getNode(p);
      return `raw ${p} ${n === null ? 'NONODE' : rawText(n.stat)}`;
    }
    case 'data': {
      const d = t.getData(p);
      return `data ${p} ${d === null ? 'NONODE' : d.data === null ? '-' : `'${d.data.toString('utf8')}'`}`;
    }
    case 'children': {
      const c = t.getChildren(p);
      return `children ${p} ${c === null ? 'NONODE' : [...c.children].sort().join(',')}`;
    }
    case 'acl': {
      const a = t.aclForPath(p);
      return `acl ${p} ${a === null ? 'NONODE' : a.map((x) => `${x.id.scheme}:${x.id.id}:${x.perms};`).join('')}`;
    }
    case 'aclidx': {
      const n = t.getNode(p);
      return `aclidx ${p} ${n === null ? 'NONODE' : n.aclIndex}`;
    }
    case 'aclcache': {
      const entries = [...t.aclCache.entries()].sort((a, b) => Number(a.index - b.index));
      const text = entries.map((e) => {
        const list = (e.acls ?? []).map((x) => `${x.id.scheme}:${x.id.id}:${x.perms};`).join('');
        return ` ${e.index}=${list}x${t.aclCache.usage(Number(e.index))}`;
      });
      return `aclcache${text.join('')}`;
    }
    case 'counts':
      return (
        `counts nodes=${t.nodeCount} size=${t.approximateDataSize} fullsize=${t.computeApproximateDataSize()} ` +
        `acls=${t.aclCacheSize} ephemerals=${t.ephemeralsCount} containers=${sorted(t.containerPaths)} ` +
        `ttls=${sorted(t.ttlPaths)} all=${t.getAllChildrenNumber('/')} lastZxid=${hex(t.lastProcessedZxid)}`
      );
    case 'eph':
      return `eph ${p} ${sorted(t.getEphemerals(BigInt.asIntN(64, BigInt(`0x${p}`))))}`;
    case 'allchildren':
      return `allchildren ${p} ${t.getAllChildrenNumber(p)}`;
    case 'ext':
      if (state.applied > 0) throw new Error('!ext must come before any txn');
      state.tree = new DataTree({ extendedTypesEnabled: p === 'on' });
      return `ext ${p}`;
    case 'roundtrip':
      state.tree = roundTrip(t);
      return `roundtrip d ${hex(state.tree.treeDigest)} acls=${state.tree.aclCacheSize}`;
    case 'digest':
      return `digest ${hex(t.treeDigest)}`;
    default:
      throw new Error(`unknown query ${q[0]}`);
  }
}

/** Runs a script; returns the printed lines and the final tree. */
export function runScript(script: string, tree = new DataTree()): { lines: string[]; tree: DataTree } {
  const state = { tree, applied: 0 };
  const lines: string[] = [];
  for (const raw of script.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('!')) {
      lines.push(query(state, line.slice(1).split(' ')));
      continue;
    }
    const r = state.tree.applyTxn(parseTxn(line));
    state.applied++;
    lines.push(resultText(r), `d ${hex(state.tree.treeDigest)}`);
  }
  return { lines, tree: state.tree };
}
