// The four-letter words against an embedded zkts: every word answers in the reference's layout,
// the whitelist refuses the others, stmk/gtmk round-trip, crst/srst reset.

import test from 'ava';
import { connect } from 'node:net';
import * as zookeeper from 'node-zookeeper-client';
import { startServer, type EmbeddedServer } from '../../src/index';
import { connectedClient } from '../support/node-client';

function word(s: EmbeddedServer, w: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const sock = connect({ host: s.host, port: s.port }, () => sock.write(w));
    const timer = setTimeout(() => sock.destroy(new Error('no answer')), 5000);
    sock.on('data', (c) => chunks.push(c));
    sock.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

async function withClient<T>(s: EmbeddedServer, f: (c: zookeeper.Client) => Promise<T>): Promise<T> {
  const c = await connectedClient(s.connectString);
  try {
    return await f(c);
  } finally {
    c.close();
  }
}

const call = (f: (cb: (e: unknown) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => f((e) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));

test('every word answers with the reference layout', async (t) => {
  const s = await startServer();
  try {
    await withClient(s, async (c) => {
      await call((cb) => c.create('/a', Buffer.from('hello'), cb));
      await call((cb) => c.create('/a/e', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL, cb));
      await call((cb) => c.getData('/a', () => undefined, cb));
      await call((cb) => c.exists('/b', () => undefined, cb));
      const sid = `0x${c.getSessionId().toString('hex').replace(/^0+/, '')}`;

      t.is(await word(s, 'ruok'), 'imok');
      t.is(await word(s, 'isro'), 'rw');
      t.is(await word(s, 'gtmk'), '306');

      const srvr = await word(s, 'srvr');
      t.regex(srvr, /^Zookeeper version: 3\.8\.0-zkts-.*, built on .*\nLatency min\/avg\/max: \d+\/\d+\.\d+\/\d+\nReceived: \d+\nSent: \d+\nConnections: 2\nOutstanding: 0\nZxid: 0x[0-9a-f]+\nMode: standalone\nNode count: 7\n$/);

      const stat = await word(s, 'stat');
      t.regex(stat, /^Zookeeper version: .*\nClients:\n( \/127\.0\.0\.1:\d+\[0\]\(queued=\d+,recved=\d+,sent=\d+\)\n){2}\nLatency min\/avg\/max: /);

      const cons = await word(s, 'cons');
      const lines = cons.split('\n');
      t.is(lines.length, 2 + 2);
      t.true(
        lines.some((l) => new RegExp(`^ /127\\.0\\.0\\.1:\\d+\\[0\\]\\(queued=0,recved=\\d+,sent=\\d+,sid=${sid},lop=EXIS,est=\\d+,to=10000,lcxid=0x[0-9a-f]+,lzxid=0x[0-9a-f]+,lresp=\\d+,llat=\\d+,minlat=\\d+,avglat=\\d+,maxlat=\\d+\\)$`).test(l)),
        cons,
      );

      const conf = await word(s, 'conf');
      t.deepEqual(
        conf.trimEnd().split('\n').map((l) => l.split('=')[0]),
        ['clientPort', 'secureClientPort', 'dataDir', 'dataDirSize', 'dataLogDir', 'dataLogSize', 'tickTime', 'maxClientCnxns', 'minSessionTimeout', 'maxSessionTimeout', 'clientPortListenBacklog', 'serverId'],
      );
      t.true(conf.includes(`clientPort=${s.port}\n`) && conf.includes('/version-2\n'));

      t.regex(await word(s, 'dirs'), /^datadir_size: [1-9]\d*\nlogdir_size: [1-9]\d*\n$/);
      t.is(await word(s, 'wchs'), '1 connections watching 2 paths\nTotal watches:2\n');
      const wchc = await word(s, 'wchc');
      t.true(wchc.startsWith(`${sid}\n`) && wchc.includes('\t/a\n') && wchc.includes('\t/b\n') && wchc.endsWith('\n\n'), wchc);
      t.is(await word(s, 'wchp'), `/a\n\t${sid}\n/b\n\t${sid}\n\n`);

      const dump = await word(s, 'dump');
      t.regex(dump, new RegExp(`^SessionTracker dump:\nSession Sets \\(1\\)/\\(1\\):\n1 expire at .*:\n\t${sid}\nephemeral nodes dump:\nSessions with Ephemerals \\(1\\):\n${sid}:\n\t/a/e\nConnections dump:\n$`));
      t.regex(await word(s, 'envi'), /^Environment:\nzookeeper\.version=.*\nhost\.name=/);

      const mntr = await word(s, 'mntr');
      const kv = new Map(mntr.trimEnd().split('\n').map((l) => l.split('\t') as [string, string]));
      t.is(kv.get('zk_server_state'), 'standalone');
      t.is(kv.get('zk_znode_count'), '7');
      t.is(kv.get('zk_ephemerals_count'), '1');
      t.is(kv.get('zk_watch_count'), '2');
      t.is(kv.get('zk_global_sessions'), '1');
      t.is(kv.get('zk_num_alive_connections'), '2');
      t.regex(kv.get('zk_avg_latency') ?? '', /^\d+\.\d+$/);
      t.is(kv.get('zk_cnt_updatelatency'), '3'); // createSession + 2 creates
      for (const v of kv.values()) t.truthy(v);
    });
    t.is(await word(s, 'hash'), '');
  } finally {
    await s.stop();
  }
});

test('stmk reads a long and gtmk returns it; crst and srst reset', async (t) => {
  const s = await startServer();
  try {
    const req = Buffer.alloc(12);
    req.write('stmk', 0, 'latin1');
    req.writeBigInt64BE(1234567890123n, 4);
    t.is(await word(s, req), '1234567890123');
    t.is(await word(s, 'gtmk'), '1234567890123');
    t.is(await word(s, 'crst'), 'Connection stats reset.\n');
    t.is(await word(s, 'srst'), 'Server stats reset.\n');
    // The srvr connection itself is the one packet received since the reset.
    t.regex(await word(s, 'srvr'), /\nReceived: 1\nSent: 0\n/);
  } finally {
    await s.stop();
  }
});

test('default whitelist: srvr only, the others refused with the reference line', async (t) => {
  const s = await startServer({ fourLetterWords: ['srvr'] });
  try {
    t.regex(await word(s, 'srvr'), /^Zookeeper version: /);
    for (const w of ['ruok', 'stat', 'mntr', 'cons', 'isro', 'stmk', 'hash']) {
      t.is(await word(s, w), `${w} is not executed because it is not in the whitelist.\n`);
    }
    // Not a word: four bytes read as a frame length, far above jute.maxbuffer: closed, no answer.
    t.is(await word(s, 'abcd'), '');
  } finally {
    await s.stop();
  }
});
