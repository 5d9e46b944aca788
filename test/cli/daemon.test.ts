// zkServer.sh's life cycle against a real zkts on a free loopback port: start (pid file, waits for
// srvr) -> status (Mode: standalone) -> stop (pid file removed); and start-foreground stopping
// cleanly on SIGTERM / SIGINT. Every child is stopped by pid with a time limit in teardown.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { freePort, isAlive, runZkts, startForeground, stopOnTeardown, tempDir, writeCfg, zkServerImportError } from './support';

const notLoadable = zkServerImportError();

test.serial('start -> status -> stop, with the pid file created and removed', async (t) => {
  if (notLoadable !== null) {
    t.log(`SKIPPED: ${notLoadable}`);
    t.pass();
    return;
  }
  const dir = tempDir(t, 'cli-daemon');
  const port = await freePort();
  const cfg = writeCfg(dir, ['tickTime=2000', 'dataDir=./data', `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'forceSync=no', 'preAllocSize=64', 'admin.enableServer=false']);
  const pidFile = join(dir, 'data', 'zookeeper_server.pid');
  stopOnTeardown(t, pidFile);

  const started = runZkts(['start', cfg], dir);
  t.is(started.status, 0, started.stdout + started.stderr);
  t.is(started.stdout, 'Starting zkts ... STARTED\n');
  t.true(existsSync(pidFile));
  const pid = Number(readFileSync(pidFile, 'utf8'));
  t.true(isAlive(pid));

  const again = runZkts(['start', cfg], dir);
  t.is(again.status, 1);
  t.is(again.stdout, `Starting zkts ... already running as process ${pid}.\n`);

  const status = runZkts(['status', cfg], dir);
  t.is(status.status, 0, status.stderr);
  t.is(status.stdout, `Client port found: ${port}. Client address: 127.0.0.1. Client SSL: false.\nMode: standalone\n`);

  const stopped = runZkts(['stop', cfg], dir);
  t.is(stopped.status, 0, stopped.stdout + stopped.stderr);
  t.is(stopped.stdout, 'Stopping zkts ... STOPPED\n');
  t.false(existsSync(pidFile));
  t.false(isAlive(pid));

  const after = runZkts(['status', cfg], dir);
  t.is(after.status, 1);
  t.regex(after.stderr, /Error contacting service\. It is probably not running\./);
  t.regex(readFileSync(join(dir, 'data', 'zkts-server.out'), 'utf8'), /zkts serving/);
});

test.serial('start fails cleanly when the port is taken by another process', async (t) => {
  if (notLoadable !== null) {
    t.log(`SKIPPED: ${notLoadable}`);
    t.pass();
    return;
  }
  const dir = tempDir(t, 'cli-daemon');
  const port = await freePort();
  const cfg = writeCfg(dir, ['dataDir=./data', `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'admin.enableServer=false']);
  const pidFile = join(dir, 'data', 'zookeeper_server.pid');
  stopOnTeardown(t, pidFile);
  const fg = startForeground(t, [cfg], dir, { ZKTS_LOG_FORMAT: 'json' });
  await fg.waitFor('zkts serving');
  // The foreground server holds the port and has no pid file: `start` must not claim success.
  const r = runZkts(['start', cfg], dir);
  t.is(r.status, 1);
  t.regex(r.stdout, new RegExp(`FAILED TO START: a server already answers on 127\\.0\\.0\\.1:${port}`));
  t.false(existsSync(pidFile));
  // JSON log lines
  const first = fg.output().split('\n').find((l) => l.includes('zkts serving'));
  t.like(JSON.parse(first!), { level: 'info', message: 'zkts serving' });
  fg.child.kill('SIGINT');
  t.deepEqual(await fg.exited, { code: 0, signal: null });
});

test.serial('start-foreground serves until SIGTERM, then stops and exits 0', async (t) => {
  if (notLoadable !== null) {
    t.log(`SKIPPED: ${notLoadable}`);
    t.pass();
    return;
  }
  const dir = tempDir(t, 'cli-daemon');
  const port = await freePort();
  const cfg = writeCfg(dir, ['dataDir=./data', `clientPort=${port}`, 'clientPortAddress=127.0.0.1', 'unknownKey=1', 'admin.enableServer=false']);
  const fg = startForeground(t, [cfg], dir, { ZKTS_LOG_LEVEL: 'debug' });
  await fg.waitFor('zkts serving');
  t.regex(fg.output(), /WARN unknownKey: unknown key/);
  const status = runZkts(['status', cfg], dir);
  t.regex(status.stdout, /Mode: standalone/);
  fg.child.kill('SIGTERM');
  t.deepEqual(await fg.exited, { code: 0, signal: null });
  t.regex(fg.output(), /INFO stopping signal=SIGTERM/);
  t.regex(fg.output(), /INFO stopped/);
  t.true(existsSync(join(dir, 'data', 'version-2')));
});
