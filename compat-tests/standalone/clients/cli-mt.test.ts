// The C client (zookeeper-bin's cli_mt, libzookeeper-mt 3.8.0) driven line by line through stdin:
// each command is sent once the previous one has answered, and its asynchronous completion is
// awaited (bounded) in the output. Covers create/create2 with every mode, get/set/ls/ls2/exists,
// watches firing, sync, delete, addauth (digest, and an unknown scheme that fails the session),
// config, reconfig refused, async commands, and a clean close.

import test from 'ava';
import { CreateRequest, CreateResponse, GetChildrenRequest, GetChildrenResponse, ExistsRequest, ExistsResponse } from '../../../src/protocol/generated';
import { OpCode } from '../../../src/protocol/opcodes';
import { ZkTestClient } from '../../../test/support/zk-client';
import { clientTargets, startTarget } from '../targets';
import { LineDriver } from './support';

const CLI_MT = '/usr/lib/zookeeper/bin/cli_mt';
const BOB_ONLY = [{ perms: 31, id: { scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' } }];

for (const kind of clientTargets()) {
  test(`C client cli_mt against ${kind}`, async (t) => {
    const server = await startTarget(kind, { config: { extendedTypesEnabled: 'true' } });
    const hp = `${server.host}:${server.port}`;
    const admin = await ZkTestClient.connect(server.host, server.port, { timeoutMs: 10_000 });
    let cli: LineDriver | null = null;
    try {
      const made = await admin.request(OpCode.create, CreateRequest.encode({ path: '/cbob', data: Buffer.from("bob's"), acl: BOB_ONLY, flags: 0 }), CreateResponse);
      t.is(made.err, 0);

      cli = new LineDriver(CLI_MT, [hp]);
      const c = cli;
      await c.waitFor(/Watcher SESSION_EVENT state = CONNECTED_STATE/);
      const session = (await c.waitFor(/Got a new session id: 0x([0-9a-f]+)/))[1]!;

      await c.run('create /cm', /\[\/cm\]: rc = 0\n\tname = \/cm\n/);
      await c.run('create2 /cm2', /\[\/cm2\]: rc = 0\n\tname = \/cm2\n\tctime = .+\n\tczxid=[0-9a-f]+\n\tmtime=.+\n\tmzxid=[0-9a-f]+\n\tversion=0\taversion=0\n\tephemeralOwner = 0\n/);
      await c.run('create +e /cm/e', /Creating \[\/cm\/e\] node \(mode: 1\)\n\[\/cm\/e\]: rc = 0\n/);
      await c.run('create +s /cm/s-', /\[\/cm\/s-\]: rc = 0\n\tname = \/cm\/s-0000000001\n/);
      await c.run('create +es /cm/es-', /\(mode: 3\)\n\[\/cm\/es-\]: rc = 0\n\tname = \/cm\/es-0000000002\n/);
      await c.run('create +c /cbox', /\(mode: 4\)\n\[\/cbox\]: rc = 0\n/);
      await c.run('create +t=60000 /cttl', /\(mode: 5\)\n\[\/cttl\]: rc = 0\n/);
      await c.run('create /cm', /\[\/cm\]: rc = -110\n/);
      await c.run('create /nope/x', /\[\/nope\/x\]: rc = -101\n/);
      await c.run('create /cm/e/x', /\[\/cm\/e\/x\]: rc = -108\n/);
      await c.run('set /cm hello', /\/cm: rc = 0 Stat:\n(\t.*\n){4}\tversion=1\taversion=0\n/);
      await c.run('get /cm', /\/cm: rc = 0\n value_len = 5\nhello\n/);
      const ls = await c.run('ls /cm', /\/cm: rc = 0\n((?:\t.+\n)+)time = /);
      t.deepEqual(ls[1]!.trim().split(/\s+/).sort(), ['e', 'es-0000000002', 's-0000000001']);
      await c.run('ls2 /cm', /\/cm: rc = 0\n(?:\t.+\n){3}time = \d+ msec\n(?:\t.*\n)*?\tversion=1\taversion=0\n/);
      // exists is synchronous in cli_mt and prints nothing on success: a sync marks its end.
      const beforeExists = c.output.length;
      c.send('exists /cm');
      await c.run('sync /cm', /\[\/cm\]: rc = 0\n/);
      t.notRegex(c.output.slice(beforeExists), /Error/);
      await c.run('exists /later', /Error -101 for \/later\n/);
      c.send('set /cm again');
      await c.waitFor(/Watcher CHANGED_EVENT state = CONNECTED_STATE for path \/cm\n/);
      await c.waitFor(/\/cm: rc = 0 Stat:\n(\t.*\n){4}\tversion=2/);
      c.send('create /later');
      await c.waitFor(/Watcher CREATED_EVENT state = CONNECTED_STATE for path \/later\n/);
      await c.waitFor(/\[\/later\]: rc = 0\n/);
      c.send('delete /cm/s-0000000001');
      await c.waitFor(/Watcher CHILD_EVENT state = CONNECTED_STATE for path \/cm\n/);
      await c.waitFor(/\/cm\/s-0000000001: rc = 0\n/);
      await c.run('delete /nope', /\/nope: rc = -101\n/);
      await c.run('get /cbob', /\/cbob: rc = -102\n/);
      c.send('addauth digest bob:secret');
      await c.run('get /cbob', /\/cbob: rc = 0\n value_len = 5\nbob's\n/);
      await c.run('aget /cm', /\/cm: rc = 0\n value_len = 5\nagain\n/);
      // myid prints to stdout, which cli_mt flushes only when it exits
      c.send('myid');
      await c.run('config', /\/zookeeper\/config: rc = 0\n value_len = 0\n/);
      await c.run('reconfig -add 2=127.0.0.1:2888:3888;2181', /: rc = -123\n/);
      c.send('quit');
      let timer: NodeJS.Timeout | undefined;
      const exit = await Promise.race([c.exit, new Promise<null>((r) => (timer = setTimeout(() => r(null), 15_000)))]);
      clearTimeout(timer);
      t.not(exit, null, `cli_mt did not exit after quit:\n${c.output}`);
      t.regex(c.output, new RegExp(`^session Id = ${session}$`, 'm'));

      // The session closed cleanly: its ephemerals are gone, everything else stays.
      const kids = await admin.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/cm', watch: false }), GetChildrenResponse);
      t.deepEqual(kids.body?.children, []);
      for (const p of ['/cm2', '/cbox', '/cttl', '/later']) {
        const e = await admin.request(OpCode.exists, ExistsRequest.encode({ path: p, watch: false }), ExistsResponse);
        t.is(e.err, 0, p);
      }

      // An unknown auth scheme: the server refuses and closes, the client reports AUTH_FAILED.
      cli = new LineDriver(CLI_MT, [hp]);
      await cli.waitFor(/Watcher SESSION_EVENT state = CONNECTED_STATE/);
      await cli.run('addauth nosuch whatever', /Watcher SESSION_EVENT state = AUTH_FAILED_STATE/);
    } finally {
      await cli?.kill();
      await admin.close().catch(() => undefined);
      await server.stop();
    }
  });
}
