// Test helpers for the snapshot tests: the golden manifest written by
// compat-tests/persistence/snapshot/MakeSnapshots.java (Apache ZooKeeper's own DataTree and
// FileSnap), an in-memory SnapshotSource built from it, a sink that records what a reader
// delivers, and a synthetic source for large trees.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AclCacheEntry, DataNode, StatPersisted, ZxidDigest } from '../../../src/protocol/generated';
import type { SnapshotNode, SnapshotSink, SnapshotSource } from '../../../src/persistence/snapshot-contract';

export const repoRoot = resolve(__dirname, '..', '..', '..', '..');
export const snapFixturesDir = join(repoRoot, 'test', 'persistence', 'support-snap', 'fixtures');

interface JsonStat {
  czxid: string;
  mzxid: string;
  ctime: string;
  mtime: string;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: string;
  pzxid: string;
}
interface JsonNode {
  path: string;
  data: string | null;
  acl: string;
  stat: JsonStat;
}
interface JsonTree {
  sessions: [string, number][];
  aclCache: { index: string; acls: { perms: number; scheme: string; id: string }[] }[];
  nodes: JsonNode[];
}
interface JsonFile {
  name: string;
  file: string;
  tree: string;
  bytes: number;
  sha256: string;
  zxid: string;
  digest: { zxid: string; digestVersion: number; digest: string } | null;
}

export interface TreeContent {
  sessions: [bigint, number][];
  aclEntries: AclCacheEntry[];
  nodes: SnapshotNode[];
}

export interface FixtureFile {
  name: string;
  path: string;
  bytes: number;
  sha256: string;
  zxid: bigint;
  digest: ZxidDigest | null;
  tree: TreeContent;
}

function toStat(s: JsonStat): StatPersisted {
  return {
    czxid: BigInt(s.czxid),
    mzxid: BigInt(s.mzxid),
    ctime: BigInt(s.ctime),
    mtime: BigInt(s.mtime),
    version: s.version,
    cversion: s.cversion,
    aversion: s.aversion,
    ephemeralOwner: BigInt(s.ephemeralOwner),
    pzxid: BigInt(s.pzxid),
  };
}

function toTree(t: JsonTree): TreeContent {
  return {
    sessions: t.sessions.map(([id, to]) => [BigInt(id), to]),
    aclEntries: t.aclCache.map((e) => ({ index: BigInt(e.index), acls: e.acls.map((a) => ({ perms: a.perms, id: { scheme: a.scheme, id: a.id } })) })),
    nodes: t.nodes.map((n) => ({
      path: n.path,
      node: { data: n.data === null ? null : Buffer.from(n.data, 'base64'), acl: BigInt(n.acl), stat: toStat(n.stat) },
    })),
  };
}

export function loadSnapManifest(): FixtureFile[] {
  const m = JSON.parse(readFileSync(join(snapFixturesDir, 'manifest.json'), 'utf8')) as { files: JsonFile[]; trees: Record<string, JsonTree> };
  return m.files.map((f) => ({
    name: f.name,
    path: join(snapFixturesDir, f.file),
    bytes: f.bytes,
    sha256: f.sha256,
    zxid: BigInt(f.zxid),
    digest: f.digest === null ? null : { zxid: BigInt(f.digest.zxid), digestVersion: f.digest.digestVersion, digest: BigInt(f.digest.digest) },
    tree: toTree(m.trees[f.tree]!),
  }));
}

export function fixture(name: string): FixtureFile {
  const f = loadSnapManifest().find((x) => x.name === name);
  if (f === undefined) throw new Error(`no fixture ${name}`);
  return f;
}

/** A source that replays fixed content in the given order. */
export function sourceOf(tree: TreeContent, digest: ZxidDigest | null): SnapshotSource {
  return {
    sessions: () => tree.sessions,
    aclEntries: () => tree.aclEntries,
    nodes: () => tree.nodes,
    digest: () => digest,
  };
}

/** Records everything a reader hands over. */
export class CaptureSink implements SnapshotSink {
  sessions: [bigint, number][] = [];
  aclEntries: AclCacheEntry[] = [];
  nodes: SnapshotNode[] = [];
  digests: (ZxidDigest | null)[] = [];
  session(id: bigint, timeoutMs: number): void {
    this.sessions.push([id, timeoutMs]);
  }
  aclEntry(entry: AclCacheEntry): void {
    this.aclEntries.push(entry);
  }
  node(path: string, node: DataNode): void {
    this.nodes.push({ path, node });
  }
  digest(d: ZxidDigest | null): void {
    this.digests.push(d);
  }
  tree(): TreeContent {
    return { sessions: this.sessions, aclEntries: this.aclEntries, nodes: this.nodes };
  }
}

/** Counts instead of keeping (large trees). */
export class CountingSink implements SnapshotSink {
  sessions = 0;
  aclEntries = 0;
  nodes = 0;
  dataBytes = 0;
  digest_: ZxidDigest | null | undefined;
  session(): void {
    this.sessions++;
  }
  aclEntry(): void {
    this.aclEntries++;
  }
  node(_path: string, node: DataNode): void {
    this.nodes++;
    this.dataBytes += node.data?.length ?? 0;
  }
  digest(d: ZxidDigest | null): void {
    this.digest_ = d;
  }
}

const ZERO_STAT: StatPersisted = {
  czxid: 0n,
  mzxid: 0n,
  ctime: 0n,
  mtime: 0n,
  version: 0,
  cversion: 0,
  aversion: 0,
  ephemeralOwner: 0n,
  pzxid: 0n,
};

/**
 * `nodeCount` znodes of `dataBytes` bytes each, generated on the fly in pre-order: the root, then
 * /d0000 ... each with up to `fanout` children /dNNNN/nNNNNNNN. Nothing is kept in memory.
 */
export function syntheticSource(nodeCount: number, dataBytes: number, opts: { fanout?: number; sessions?: number; digest?: ZxidDigest | null } = {}): SnapshotSource {
  const fanout = opts.fanout ?? 1000;
  const data = Buffer.alloc(dataBytes, 0x61);
  return {
    *sessions() {
      for (let i = 0; i < (opts.sessions ?? 100); i++) yield [BigInt(0x100000000) + BigInt(i), 30000] as const;
    },
    aclEntries: () => [{ index: 1n, acls: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }] }],
    *nodes() {
      yield { path: '', node: { data: Buffer.alloc(0), acl: -1n, stat: ZERO_STAT } };
      let made = 1;
      for (let d = 0; made < nodeCount; d++) {
        const dir = `/d${d.toString().padStart(4, '0')}`;
        yield { path: dir, node: { data: null, acl: 1n, stat: { ...ZERO_STAT, czxid: BigInt(made), cversion: fanout } } };
        made++;
        for (let i = 0; i < fanout && made < nodeCount; i++, made++) {
          const zxid = BigInt(made);
          yield {
            path: `${dir}/n${made.toString().padStart(8, '0')}`,
            node: { data, acl: 1n, stat: { czxid: zxid, mzxid: zxid, ctime: 1700000000000n, mtime: 1700000000000n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: zxid } },
          };
        }
      }
    },
    digest: () => (opts.digest === undefined ? { zxid: BigInt(nodeCount), digestVersion: 2, digest: 0x1234567890n } : opts.digest),
  };
}
