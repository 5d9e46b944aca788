// The embeddable server for Node users' own tests: `await startServer()` runs a standalone zkts on
// a free loopback port with a temporary dataDir, and `stop()` removes what it created.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions } from './server/options';
import { ZkServer } from './server/zk-server';

export interface StartServerOptions extends Partial<ServerOptions> {
  /** Keep the temporary dataDir after stop() (for debugging). */
  keepDataDir?: boolean;
}

export interface EmbeddedServer {
  host: string;
  port: number;
  /** `host:port`, as ZooKeeper clients take it. */
  connectString: string;
  dataDir: string;
  server: ZkServer;
  stop(): Promise<void>;
}

export async function startServer(opts: StartServerOptions = {}): Promise<EmbeddedServer> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'zkts-'));
  const server = await ZkServer.start({
    tickTimeMs: 2000,
    // Tests want speed over durability unless they ask otherwise; preallocation stays small.
    forceSync: false,
    preAllocSizeBytes: 1024 * 1024,
    fourLetterWords: ['*'],
    ...opts,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 0,
    dataDir,
  });
  const { host, port } = server.address;
  return {
    host,
    port,
    connectString: `${host}:${port}`,
    dataDir,
    server,
    async stop() {
      await server.stop();
      if (ownDir && opts.keepDataDir !== true) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
