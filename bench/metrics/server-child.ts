// The server process of bench/metrics/overhead.ts: zoo.cfg -> options exactly as the CLI builds
// them, plus the one thing zoo.cfg cannot say: ServerOptions.metricsTracking (measurement only).
//
//   node dist/bench/metrics/server-child.js <zoo.cfg> <on|off>
//
// Prints `SERVING <metrics port or 0>` once the client port is open; stops on SIGTERM.

import { loadConfig, toServerOptions } from '../../src/config';
import { ZkServer } from '../../src/server/zk-server';
import { createLogger } from '../../src/util/logger';

async function main(): Promise<void> {
  const [cfg, tracking] = process.argv.slice(2);
  if (cfg === undefined || (tracking !== 'on' && tracking !== 'off')) throw new Error('usage: server-child <zoo.cfg> <on|off>');
  const log = createLogger({ level: 'warn' });
  const { config } = loadConfig(cfg, { env: {} });
  const server = await ZkServer.start({ ...toServerOptions(config, log), metricsTracking: tracking === 'on' });
  process.stdout.write(`SERVING ${server.metricsAddress?.port ?? 0}\n`);
  process.once('SIGTERM', () => {
    void server.stop().then(() => process.exit(0));
  });
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
