// `zkts snapshot [-d] [--json] <snapshot file>`: the reference's `zkSnapShotToolkit.sh`
// (SnapshotFormatter), same output byte for byte. Plain, .gz and .snappy files (by name).
//
// Text: "ZNode Details (count=N)" (N counts the root twice, as the reference's node map holds it
// under "" and "/"), then every node in a pre-order walk from "/" with its stat ("%#016x" zxids,
// Date.toString() times) and "dataLength = n" (-d: "data = <base64>"), then the sessions as
// "sid, timeout, ephemeralCount" and "Last zxid": the larger of the file name's zxid and the
// largest mzxid/pzxid seen. --json (the reference's -json): the ncdu export format,
// [1,0,{"progname":...,"timestamp":<now>},<tree>] without a final newline.
//
// The reference walks children and sessions in java.util.HashSet/HashMap order, reproduced by
// ./java-hash-order.ts. Like the reference's loader it also rewrites every quota's
// zookeeper_stats node with the counts it finds in the tree ("count=<n>,bytes=<n>"), so sizes
// and -d data of those nodes show the recomputed text, not the stored one; and, like it, refuses
// a quota on the root (/zookeeper/quota/zookeeper_limits), which makes its loader throw.
//
// The reference never looks at the seals or the digest section. A file whose nodes all read but
// whose checksum, seal or digest section is bad is still printed here, with a warning on stderr;
// any other defect (bad magic, truncated node list, ...) is an error (exit 1).

import { accessSync, constants as fsConstants, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SNAPSHOT_PREFIX, zxidFromFileName } from '../persistence/files';
import { readSnapshot, SnapshotCorruptError } from '../persistence/snapshot';
import type { SnapshotSink } from '../persistence/snapshot-contract';
import type { DataNode, StatPersisted } from '../protocol/generated';
import type { ToolIO } from './io';
import { jacksonQuote, javaDateToString, javaHex, javaHex016 } from './java-format';
import { javaChildOrder, javaSessionOrder } from './java-hash-order';

export const SNAPSHOT_USAGE = `Usage: zkts snapshot [-d|--json] <snapshot file>

Prints a snapshot file as the reference's zkSnapShotToolkit.sh does.
  -d               dump the data of each znode (base64)
  --json, -json    znode info in JSON (the ncdu export format)
`;

const CONTAINER_OWNER = -(1n << 63n);
const QUOTA_ROOT = '/zookeeper/quota';
const LIMIT_SUFFIX = '/zookeeper_limits';
const STATS_SUFFIX = '/zookeeper_stats';

/** The reference cannot load the tree: a quota on the root (its PathTrie refuses the empty path). */
export class SnapshotQuotaError extends Error {
  override readonly name = 'SnapshotQuotaError';
  constructor(readonly limitsPath: string) {
    super(`${limitsPath} sets a quota on the root, which the reference refuses when it loads the tree ("Invalid path"); not printed`);
  }
}

interface ToolNode {
  stat: StatPersisted;
  /** Kept only for -d. */
  data: Buffer | null;
  dataLength: number;
  /** Child names in the order they were added. */
  children: string[];
}

/** What the reference's DataTree.deserialize keeps of a snapshot, for printing. */
export class FormatterTree implements SnapshotSink {
  readonly nodes = new Map<string, ToolNode>();
  /** Session id -> timeout, in first-insertion order. */
  readonly sessions = new Map<bigint, number>();
  /** Ephemeral nodes per owner (containers and the void owner 0 excluded, as the reference). */
  readonly ephemerals = new Map<bigint, number>();

  constructor(private readonly keepData: boolean) {}

  session(id: bigint, timeoutMs: number): void {
    this.sessions.set(id, timeoutMs);
  }

  aclEntry(): void {}

  digest(): void {}

  node(path: string, node: DataNode): void {
    const len = node.data === null ? 0 : node.data.length;
    this.nodes.set(path, { stat: node.stat, data: this.keepData ? node.data : null, dataLength: len, children: [] });
    const slash = path.lastIndexOf('/');
    if (slash === -1) return;
    const parent = this.nodes.get(path.slice(0, slash));
    const name = path.slice(slash + 1);
    if (parent !== undefined && !parent.children.includes(name)) parent.children.push(name);
    const owner = node.stat.ephemeralOwner;
    if (owner !== 0n && owner !== CONTAINER_OWNER) this.ephemerals.set(owner, (this.ephemerals.get(owner) ?? 0) + 1);
  }

  /** DataTree.getNode: the root answers to "" and "/". */
  get(path: string): ToolNode | undefined {
    return this.nodes.get(path === '/' ? '' : path);
  }

  /** The reference's node count (the root is in its map twice). */
  get nodeCount(): number {
    return this.nodes.size + (this.nodes.has('') ? 1 : 0);
  }

  /** DataTree.setupQuota: recompute every quota'd subtree's "count=..,bytes=.." stat node. */
  setupQuota(): void {
    if (this.get(QUOTA_ROOT) === undefined) return;
    const traverse = (path: string): void => {
      const n = this.get(path);
      if (n === undefined) return;
      const children = javaChildOrder(n.children);
      if (children.length === 0) {
        if (!path.endsWith(LIMIT_SUFFIX)) return;
        const realPath = path.slice(QUOTA_ROOT.length, path.indexOf(LIMIT_SUFFIX));
        this.updateQuota(realPath);
        // The reference then adds the path to its quota trie, which refuses "": loading fails.
        if (realPath === '') throw new SnapshotQuotaError(path);
        return;
      }
      for (const c of children) traverse(`${path}/${c}`);
    };
    traverse(QUOTA_ROOT);
  }

  private updateQuota(realPath: string): void {
    let count = 0;
    let bytes = 0;
    const walk = (path: string): void => {
      const n = this.get(path);
      if (n === undefined) return;
      count++;
      bytes += n.dataLength;
      for (const c of javaChildOrder(n.children)) walk(`${path}/${c}`);
    };
    walk(realPath);
    const stats = this.get(QUOTA_ROOT + realPath + STATS_SUFFIX);
    if (stats === undefined) return;
    const data = Buffer.from(`count=${count},bytes=${bytes}`);
    stats.dataLength = data.length;
    if (this.keepData) stats.data = data;
  }
}

function childPath(parent: string, child: string): string {
  return parent === '/' ? `/${child}` : `${parent}/${child}`;
}

function printDetails(tree: FormatterTree, fileZxid: bigint, dumpData: boolean, io: ToolIO): void {
  io.out(`ZNode Details (count=${tree.nodeCount}):\n`);
  let maxZxid = -(1n << 63n);
  const visit = (path: string): void => {
    const n = tree.get(path)!;
    const s = n.stat;
    const data = dumpData ? `  data = ${n.data === null ? '' : n.data.toString('base64')}` : `  dataLength = ${n.dataLength}`;
    io.out(
      `----\n${path}\n` +
        `  cZxid = ${javaHex016(s.czxid)}\n  ctime = ${javaDateToString(s.ctime)}\n` +
        `  mZxid = ${javaHex016(s.mzxid)}\n  mtime = ${javaDateToString(s.mtime)}\n` +
        `  pZxid = ${javaHex016(s.pzxid)}\n  cversion = ${s.cversion}\n  dataVersion = ${s.version}\n` +
        `  aclVersion = ${s.aversion}\n  ephemeralOwner = ${javaHex016(s.ephemeralOwner)}\n${data}\n`,
    );
    for (const z of [s.mzxid, s.pzxid]) if (z > maxZxid) maxZxid = z;
    for (const c of javaChildOrder(n.children)) if (tree.get(childPath(path, c)) !== undefined) visit(childPath(path, c));
  };
  visit('/');
  io.out('----\nSession Details (sid, timeout, ephemeralCount):\n');
  for (const sid of javaSessionOrder(tree.sessions.keys())) {
    io.out(`${javaHex016(sid)}, ${tree.sessions.get(sid)}, ${tree.ephemerals.get(sid) ?? 0}\n`);
  }
  io.out(`----\nLast zxid: 0x${javaHex(fileZxid > maxZxid ? fileZxid : maxZxid)}\n`);
}

function printJson(tree: FormatterTree, io: ToolIO, now: number): void {
  io.out(`[1,0,{"progname":"SnapshotFormatter.java","progver":"0.01","timestamp":${now}}`);
  let ino = 1000;
  const visit = (path: string): void => {
    const n = tree.get(path);
    if (n === undefined) return;
    const name = path === '/' ? path : path.slice(path.lastIndexOf('/') + 1);
    const self = `{"name":"${jacksonQuote(name)}","asize":${n.dataLength},"dsize":${n.dataLength},"dev":0,"ino":${++ino}}`;
    io.out(',');
    const children = javaChildOrder(n.children);
    if (children.length === 0) {
      io.out(self);
      return;
    }
    io.out(`[${self}`);
    for (const c of children) visit(childPath(path, c));
    io.out(']');
  };
  visit('/');
  io.out(']');
}

/** Problems the reference does not see: it reads no further than the node list. */
const AFTER_NODES = new Set(['CHECKSUM_MISMATCH', 'BAD_SEAL', 'BAD_DIGEST']);

/** ZKUtil.validateFileInput's checks and messages. */
function validateFile(file: string): string | null {
  const abs = resolve(file);
  let st;
  try {
    st = statSync(file);
  } catch {
    return `File '${abs}' does not exist.`;
  }
  try {
    accessSync(file, fsConstants.R_OK);
  } catch {
    return `Read permission is denied on the file '${abs}'`;
  }
  if (st.isDirectory()) return `'${abs}' is a directory. it must be a file.`;
  return null;
}

export interface SnapshotToolOptions {
  /** The JSON header's timestamp (tests). Default Date.now(). */
  now?: () => number;
}

/** Runs `zkts snapshot`; resolves to the exit status. */
export async function runSnapshot(argv: string[], io: ToolIO, opts: SnapshotToolOptions = {}): Promise<number> {
  let parsed;
  try {
    // The reference spells the JSON flag "-json"; accept it as well as --json.
    const args = argv.map((a) => (a === '-json' ? '--json' : a));
    parsed = parseArgs({ args, allowPositionals: true, options: { data: { type: 'boolean', short: 'd' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } });
  } catch (e) {
    io.err(`zkts snapshot: ${(e as Error).message}\n\n${SNAPSHOT_USAGE}`);
    return 2;
  }
  if (parsed.values.help === true) {
    io.out(SNAPSHOT_USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) {
    io.err(`zkts snapshot: expected one snapshot file\n\n${SNAPSHOT_USAGE}`);
    return 2;
  }
  const file = parsed.positionals[0]!;
  const dumpData = parsed.values.data === true;
  const json = parsed.values.json === true;
  const invalid = validateFile(file);
  if (invalid !== null) {
    io.err(`zkts snapshot: ${invalid}\n`);
    return 2;
  }
  if (dumpData && json) {
    io.err('zkts snapshot: Cannot specify both data dump (-d) and json mode (-json) in same call\n');
    return 2;
  }
  const tree = new FormatterTree(dumpData);
  try {
    await readSnapshot(file, tree);
  } catch (e) {
    if (!(e instanceof SnapshotCorruptError) || !AFTER_NODES.has(e.reason)) {
      io.err(`zkts snapshot: ${(e as Error).message}\n`);
      return 1;
    }
    io.err(`zkts snapshot: warning: ${e.message}; the node list is complete and printed anyway, as the reference does\n`);
  }
  if (tree.get('/') === undefined) {
    io.err(`zkts snapshot: ${file}: the snapshot has no root node\n`);
    return 1;
  }
  try {
    tree.setupQuota();
  } catch (e) {
    if (!(e instanceof SnapshotQuotaError)) throw e;
    io.err(`zkts snapshot: ${file}: ${e.message}\n`);
    return 1;
  }
  if (json) printJson(tree, io, (opts.now ?? Date.now)());
  else printDetails(tree, zxidFromFileName(basename(file), SNAPSHOT_PREFIX), dumpData, io);
  io.flush();
  return 0;
}
