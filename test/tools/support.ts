// Helpers for the tool tests: small txn logs and snapshots made with our own writers, and a way
// to run the built CLI as a user would.

import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { writeSnapshot } from '../../src/persistence/snapshot';
import type { SnapshotNode, SnapshotSource } from '../../src/persistence/snapshot-contract';
import { listLogFiles, TxnLogWriter, type AppendInput } from '../../src/persistence/txn-log';
import type { StatPersisted, ZxidDigest } from '../../src/protocol/generated';

export const repoRoot = resolve(__dirname, '..', '..', '..');

/** Writes `txns` as one log file in `dir`; returns its path. */
export async function writeLog(dir: string, txns: AppendInput[], preAllocSizeBytes = 4096): Promise<string> {
  const w = new TxnLogWriter(dir, { forceSync: false, preAllocSizeBytes });
  for (const x of txns) await w.append(x);
  await w.close();
  const files = listLogFiles(dir);
  if (files.length !== 1) throw new Error(`expected one log file, got ${files.length}`);
  return files[0]!.path;
}

export function stat(zxid: bigint, over: Partial<StatPersisted> = {}): StatPersisted {
  return { czxid: zxid, mzxid: zxid, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, pzxid: zxid, ...over };
}

export interface TreeSpec {
  sessions: [bigint, number][];
  /** path -> data (null for none) and stat overrides; parents first. */
  nodes: [string, Buffer | string | null, Partial<StatPersisted>?][];
  digest?: ZxidDigest | null;
}

/** The system nodes every snapshot has, under the root (quota last, so quota nodes may follow). */
export const SYSTEM_NODES: TreeSpec['nodes'] = [
  ['', Buffer.alloc(0)],
  ['/zookeeper', Buffer.alloc(0)],
  ['/zookeeper/config', Buffer.alloc(0), { aversion: -1 }],
  ['/zookeeper/quota', Buffer.alloc(0)],
];

export function sourceOf(spec: TreeSpec): SnapshotSource {
  const nodes: SnapshotNode[] = spec.nodes.map(([path, data, over], i) => ({
    path,
    node: { data: typeof data === 'string' ? Buffer.from(data) : data, acl: -1n, stat: stat(BigInt(i), over) },
  }));
  return {
    sessions: () => spec.sessions,
    aclEntries: () => [],
    nodes: () => nodes,
    digest: () => spec.digest ?? null,
  };
}

/** Writes a snapshot.<zxid> (plain unless asked) in `dir`; returns its path. */
export async function writeSnap(dir: string, spec: TreeSpec, zxid: bigint, compression: '' | 'gz' | 'snappy' = ''): Promise<string> {
  const r = await writeSnapshot(sourceOf(spec), dir, zxid, { compression, fsync: false });
  return r.file;
}

export interface RunResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/zkts <args>` with TZ=UTC (and `env` on top). */
export function runZkts(args: string[], env: NodeJS.ProcessEnv = {}): RunResult {
  const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'zkts'), ...args], {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
