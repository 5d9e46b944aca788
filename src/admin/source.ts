// What the AdminServer commands read. Most of it is the four-letter words' ServerView; the rest
// (last snapshot, fsync threshold count, the zoo.cfg text, system properties) are facts only the
// reference's HTTP commands show, gathered here from the running server.

import { statSync } from 'node:fs';
import { EOL, arch, release, userInfo } from 'node:os';
import { basename, delimiter, sep } from 'node:path';
import type { ServerView } from '../fourletter';
import { zxidFromFileName } from '../persistence/files';
import type { ZkServer } from '../server/zk-server';
import { quorumAdminOf, type QuorumAdmin } from './quorum-admin';

export interface SnapshotInfo {
  zxid: bigint;
  /** Seconds since the epoch, as the reference's SnapshotInfo. */
  timestampSec: number;
}

export interface AdminSource {
  view(): ServerView;
  /** The snapshot last written, else the one restored from at start; null when neither exists. */
  lastSnapshot(): SnapshotInfo | null;
  /** Log syncs slower than fsync.warningthresholdms (ServerStats' fsync_threshold_exceed_count). */
  fsyncThresholdExceeded(): number;
  /** The text of the zoo.cfg the server started from; null for an embedded server. */
  initialConfig(): string | null;
  /** Properties by name, for `system_properties` (the reference lists the JVM's). */
  systemProperties(): ReadonlyMap<string, string>;
  /** A quorum member's Zab side, for `observers`, `orst` and `leader` (quorum-admin.ts); absent or null otherwise. */
  quorum?(): QuorumAdmin | null;
}

/** The source for a running ZkServer. */
export function zkServerSource(zk: ZkServer): AdminSource {
  return {
    view: () => zk.view(),
    lastSnapshot: () => {
      const written = zk.db.snapshotsWritten;
      const file = written.length > 0 ? written[written.length - 1]! : zk.db.restored.snapshot?.file;
      if (file === undefined) return null;
      const zxid = zxidFromFileName(basename(file), 'snapshot');
      return { zxid, timestampSec: modifiedSec(file) };
    },
    fsyncThresholdExceeded: () => zk.db.logStats.fsyncThresholdExceeded,
    initialConfig: () => zk.options.initialConfig ?? null,
    systemProperties: () => systemProperties(zk.options.systemProperties ?? {}),
    // The leader and observer-master runners register under the server's metrics object.
    quorum: () => quorumAdminOf(zk.metrics),
  };
}

/** File.lastModified() / 1000, as the reference stamps a snapshot it restored from (-1 if gone). */
function modifiedSec(file: string): number {
  try {
    return Math.floor(statSync(file).mtimeMs / 1000);
  } catch {
    return -1;
  }
}

/**
 * The process facts that have a standard Java property name, plus the zookeeper.* (and other)
 * properties the configuration set. Sorted by name, as the reference's TreeMap.
 */
export function systemProperties(configured: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const user = safeUser();
  const props: Record<string, string> = {
    'file.separator': sep,
    'line.separator': EOL,
    'os.arch': arch() === 'x64' ? 'amd64' : arch(),
    'os.name': process.platform === 'linux' ? 'Linux' : process.platform,
    'os.version': release(),
    'path.separator': delimiter,
    'user.dir': process.cwd(),
    'user.home': user.home,
    'user.name': user.name,
    ...configured,
  };
  return new Map(Object.keys(props).sort(compareUtf16).map((k) => [k, props[k]!]));
}

/** Java's String.compareTo (UTF-16 code units), which TreeMap<String, …> orders by. */
function compareUtf16(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function safeUser(): { name: string; home: string } {
  try {
    const u = userInfo();
    return { name: u.username, home: u.homedir };
  } catch {
    return { name: '?', home: '?' };
  }
}
