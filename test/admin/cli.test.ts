// The AdminServer as `bin/zkts start-foreground` runs it from zoo.cfg: on by default as in the
// reference (here bound to loopback and a free port), initial_configuration is the file's text,
// system_properties shows what zoo.cfg set; a taken admin port stops the start.

import test from 'ava';
import { createServer, type Server } from 'node:net';
import { freePort, startForeground, tempDir, writeCfg, zkServerImportError } from '../cli/support';
import { field, http, parseExact } from './support';

const notLoadable = zkServerImportError();

test.serial('zoo.cfg admin.* settings start the AdminServer; icfg and sysp show the configuration', async (t) => {
  if (notLoadable !== null) {
    t.log(`SKIPPED: ${notLoadable}`);
    t.pass();
    return;
  }
  const dir = tempDir(t, 'admin-cli');
  const [port, adminPort] = [await freePort(), await freePort()];
  const cfg = writeCfg(dir, ['dataDir=./data', `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.serverAddress=127.0.0.1', `admin.serverPort=${adminPort}`, 'admin.commandURL=/ops']);
  const fg = startForeground(t, [cfg], dir);
  await fg.waitFor('zkts serving');
  t.regex(fg.output(), new RegExp(`Started AdminServer on address 127\\.0\\.0\\.1, port ${adminPort} and command URL /ops`));
  const base = `http://127.0.0.1:${adminPort}/ops`;

  const icfg = parseExact((await http(`${base}/icfg`)).body);
  t.is(field(icfg, 'initial_configuration'), `dataDir=./data\nclientPort=${port}\nclientPortAddress=127.0.0.1\nadmin.serverAddress=127.0.0.1\nadmin.serverPort=${adminPort}\nadmin.commandURL=/ops\n`);
  const sysp = parseExact((await http(`${base}/sysp`)).body);
  t.is(field(sysp, 'zookeeper.admin.serverPort'), String(adminPort));
  t.is(field(sysp, 'zookeeper.admin.commandURL'), '/ops');
  const conf = parseExact((await http(`${base}/conf`)).body);
  t.deepEqual(field(conf, 'client_port'), { num: String(port) });

  fg.child.kill('SIGTERM');
  t.deepEqual(await fg.exited, { code: 0, signal: null });
});

test.serial('a taken admin port: the server does not start (the reference exits too)', async (t) => {
  if (notLoadable !== null) {
    t.log(`SKIPPED: ${notLoadable}`);
    t.pass();
    return;
  }
  const blocker: Server = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
  t.teardown(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  const adminPort = (blocker.address() as { port: number }).port;
  const dir = tempDir(t, 'admin-cli');
  const port = await freePort();
  const cfg = writeCfg(dir, ['dataDir=./data', `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.serverAddress=127.0.0.1', `admin.serverPort=${adminPort}`]);
  const fg = startForeground(t, [cfg], dir);
  const exit = await Promise.race([fg.exited, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`still running:\n${fg.output()}`)), 30_000).unref())]);
  t.is(exit.code, 4, "ZooKeeperServerMain exits with ERROR_STARTING_ADMIN_SERVER (4)");
  t.regex(fg.output(), new RegExp(`Problem starting AdminServer on address 127\\.0\\.0\\.1, port ${adminPort} and command URL /commands`));
  t.notRegex(fg.output(), /zkts serving/);
});
