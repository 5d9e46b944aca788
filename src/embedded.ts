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
  /** Where the AdminServer listens (`url` is its command URL), or null when it is off. */
  admin: { host: string; port: number; url: string } | null;
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
    // Off unless asked (tests run many servers); when asked, loopback and a free port by default.
    admin: opts.admin?.enabled === true ? { host: '127.0.0.1', port: 0, ...opts.admin } : { enabled: false },
  });
  const { host, port } = server.address;
  const a = server.admin;
  const admin = a === null ? null : { ...a.address, url: `http://${urlHost(a.address.host)}:${a.address.port}${a.commandUrl}` };
  return {
    host,
    port,
    connectString: `${host}:${port}`,
    dataDir,
    server,
    admin,
    async stop() {
      await server.stop();
      if (ownDir && opts.keepDataDir !== true) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
