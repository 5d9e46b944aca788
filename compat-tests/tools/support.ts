// Runs the reference's tools (Debian's Apache ZooKeeper 3.8.0 jars) and ours on the same input
// with the same environment, for the differential tests of zkts txnlog / snapshot / cleanup.
//
// Both run with TZ=UTC and a UTF-8 locale: the JVM encodes its stdout in the locale's charset,
// and the txn-log dump prints raw bytes decoded as UTF-8, which only survive a UTF-8 stdout.

import { execFile } from 'node:child_process';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(__dirname, '..', '..', '..');

const CLASSPATH = ['zookeeper.jar', 'zookeeper-jute.jar', 'snappy-java.jar', 'slf4j-api.jar', 'slf4j-nop.jar', 'commons-cli.jar']
  .map((j) => `/usr/share/java/${j}`)
  .join(':');

export const TXNLOG_TOOLKIT = 'org.apache.zookeeper.server.persistence.TxnLogToolkit';
export const SNAPSHOT_FORMATTER = 'org.apache.zookeeper.server.SnapshotFormatter';
export const PURGE_TXN_LOG = 'org.apache.zookeeper.server.PurgeTxnLog';

export interface ToolRun {
  status: number;
  stdout: Buffer;
  stderr: string;
}

const ENV = { ...process.env, TZ: 'UTC', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

function run(cmd: string, args: string[]): Promise<ToolRun> {
  return new Promise((done, fail) => {
    execFile(cmd, args, { env: ENV, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err !== null && typeof err.code !== 'number') return fail(err);
      done({ status: err === null ? 0 : (err.code as number), stdout, stderr: stderr.toString('utf8') });
    });
  });
}

export function runJava(mainClass: string, args: string[]): Promise<ToolRun> {
  return run('java', ['-cp', CLASSPATH, mainClass, ...args]);
}

export function runZkts(args: string[]): Promise<ToolRun> {
  return run(process.execPath, [join(repoRoot, 'bin', 'zkts'), ...args]);
}

/** Runs `fn` over `items` with at most `width` at a time. */
export async function eachLimited<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
