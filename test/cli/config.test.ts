// The server commands refuse a configuration they cannot use before doing anything: exit 2 with
// every bad key listed, exit 3 for an ensemble setup zkts cannot run yet.

import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { runZkts, tempDir, writeCfg } from './support';

test('version', (t) => {
  const r = runZkts(['version'], tempDir(t, 'cli'));
  t.is(r.status, 0);
  t.regex(r.stdout, /^zkts \d+\.\d+\.\d+ \(Apache ZooKeeper 3\.8\.0 compatible\)\n$/);
});

test('a bad zoo.cfg: exit 2, every bad key named, with the file, for each server command', (t) => {
  const dir = tempDir(t, 'cli');
  const cfg = writeCfg(dir, ['dataDir=./data', 'clientPort=http', 'tickTime=-1', 'forceSync=maybe', 'snapshot.compression.method=zstd', 'standaloneEnabled=nope']);
  for (const command of ['start-foreground', 'start', 'stop', 'restart', 'status']) {
    const r = runZkts([command, cfg], dir);
    t.is(r.status, 2, command);
    t.regex(r.stderr, new RegExp(`^zkts: ${cfg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: 5 configuration errors:\n`), command);
    for (const key of ['clientPort', 'tickTime', 'forceSync', 'snapshot.compression.method', 'standaloneEnabled']) {
      t.true(r.stderr.includes(`\n  ${key}: `), `${command}: ${key}`);
    }
    t.is(r.stdout, '', command);
  }
  t.false(existsSync(join(dir, 'data')), 'nothing was created');
});

test('a bad -D flag in JVMFLAGS is a configuration error too', (t) => {
  const dir = tempDir(t, 'cli');
  const cfg = writeCfg(dir, ['dataDir=./data', 'clientPort=2181']);
  const r = runZkts(['start-foreground', cfg], dir, { SERVER_JVMFLAGS: '-Xmx1g -Djute.maxbuffer=lots' });
  t.is(r.status, 2);
  t.regex(r.stderr, /jute\.maxbuffer \(-D in SERVER_JVMFLAGS\): 'lots' is not a 32-bit integer/);
});

test('a missing zoo.cfg: exit 2 naming it', (t) => {
  const dir = tempDir(t, 'cli');
  const r = runZkts(['status', 'nope.cfg'], dir);
  t.is(r.status, 2);
  t.regex(r.stderr, /nope\.cfg: 1 configuration error:\n {2}\(file\): the configuration file does not exist/);
});

test('the default is conf/zoo.cfg; --config <dir> names the directory holding zoo.cfg', (t) => {
  const dir = tempDir(t, 'cli');
  t.regex(runZkts(['status'], dir).stderr, /conf\/zoo\.cfg: .*\n.*does not exist/);
  const r = runZkts(['--config', join(dir, 'etc'), 'status'], dir);
  t.is(r.status, 2);
  t.true(r.stderr.includes(join(dir, 'etc', 'zoo.cfg')));
});

test('an ensemble without <dataDir>/myid is refused (exit 2), as QuorumPeerConfig does', (t) => {
  const dir = tempDir(t, 'cli');
  const cfg = writeCfg(dir, ['dataDir=./data', 'clientPort=2181', 'initLimit=10', 'syncLimit=5', 'server.1=127.0.0.1:2888:3888', 'server.2=127.0.0.2:2888:3888', 'server.3=127.0.0.3:2888:3888']);
  for (const command of ['start-foreground', 'start']) {
    const r = runZkts([command, cfg], dir);
    t.is(r.status, 2, command);
    t.regex(r.stderr, /describes an ensemble, but .*data\/myid is missing/, command);
  }
  t.false(existsSync(join(dir, 'data', 'zookeeper_server.pid')));
});

test('an ensemble zkts cannot run yet (hierarchical quorum) is refused with the reason (exit 3)', (t) => {
  const dir = tempDir(t, 'cli');
  mkdirSync(join(dir, 'data'), { recursive: true });
  writeFileSync(join(dir, 'data', 'myid'), '1\n');
  const servers = ['server.1=127.0.0.1:2888:3888', 'server.2=127.0.0.2:2888:3888', 'server.3=127.0.0.3:2888:3888'];
  const cfg = writeCfg(dir, ['dataDir=./data', 'clientPort=2181', 'initLimit=10', 'syncLimit=5', ...servers, 'group.1=1:2:3']);
  const r = runZkts(['start-foreground', cfg], dir);
  t.is(r.status, 3);
  t.regex(r.stderr, /hierarchical quorums \(group\.N \/ weight\.N\) are not supported/);
});

test('stop without a pid file says so and succeeds, as zkServer.sh does', (t) => {
  const dir = tempDir(t, 'cli');
  const cfg = writeCfg(dir, ['dataDir=./data', 'clientPort=2181']);
  const r = runZkts(['stop', cfg], dir);
  t.is(r.status, 0);
  t.regex(r.stdout, /^Stopping zkts \.\.\. no zkts server to stop \(could not find file .*zookeeper_server\.pid\)\n$/);
});

test('unknown commands and extra arguments are usage errors', (t) => {
  const dir = tempDir(t, 'cli');
  t.is(runZkts(['frobnicate'], dir).status, 2);
  t.is(runZkts(['status', 'a.cfg', 'b.cfg'], dir).status, 2);
});
