// mntr after known workloads on a real server: the values move by what the workload did, srst
// resets what the reference resets, start-up timings appear, and tracking can be switched off.

import test from 'ava';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zookeeper from 'node-zookeeper-client';
import { startServer, type EmbeddedServer } from '../../src/index';
import { SERVER_GAUGES, SERVER_METRICS } from '../../src/metrics';
import { fourLetterWord } from '../support/four-letter-word';
import { ZkTestClient } from '../support/zk-client';
import { AuthPacket, CreateRequest } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { connectedClient } from '../support/node-client';

type Client = zookeeper.Client;

async function connect(s: EmbeddedServer): Promise<Client> {
  const c = await connectedClient(s.connectString);
  return c;
}

function call<T = unknown>(f: (cb: (e: unknown, v?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => f((e, v) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve(v as T))));
}

async function mntr(s: EmbeddedServer): Promise<Map<string, string>> {
  const text = await fourLetterWord(s.host, s.port, 'mntr', 5000);
  const out = new Map<string, string>();
  for (const line of text.trimEnd().split('\n')) {
    const m = /^zk_([A-Za-z0-9_]+)\t(.*)$/.exec(line);
    if (m === null) throw new Error(`malformed mntr line: ${JSON.stringify(line)}`);
    out.set(m[1]!, m[2]!);
  }
  return out;
}

const num = (m: Map<string, string>, k: string): number => {
  const v = m.get(k);
  if (v === undefined) throw new Error(`mntr has no ${k}`);
  return Number(v);
};

/** Polls mntr until `cond` holds (the drop is seen when the server reads the end of stream). */
async function mntrUntil(s: EmbeddedServer, cond: (m: Map<string, string>) => boolean, timeoutMs = 5000): Promise<Map<string, string>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const m = await mntr(s);
    if (cond(m)) return m;
    if (Date.now() > deadline) throw new Error('mntr condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('every metric the reference prints is there with a well-formed value; omitted ones are not', async (t) => {
  const s = await startServer();
  t.teardown(() => s.stop());
  const m = await mntr(s);
  t.is(m.get('server_state'), 'standalone');
  const keys = new Set(m.keys());
  for (const g of SERVER_GAUGES) {
    if (g.endsWith('file_descriptor_count') && process.platform !== 'linux') continue;
    t.true(keys.has(g), g);
  }
  for (const e of SERVER_METRICS) {
    const names =
      e.kind === 'counter' ? [e.name]
      : e.kind === 'summary' ? ['avg', 'min', 'max', 'cnt', 'sum', ...(e.detail === 'advanced' ? ['p50', 'p95', 'p99', 'p999'] : [])].map((p) => `${p}_${e.name}`)
      : []; // keyed sets print one group per key seen
    for (const k of names) t.is(keys.has(k), e.status !== 'omitted', k);
  }
  for (const [k, v] of m) {
    if (k === 'version' || k === 'server_state') continue;
    const double = k === 'avg_latency' || k === 'connection_drop_probability' || k.startsWith('avg_');
    t.regex(v, double ? /^-?\d+\.\d+(E-?\d+)?$/ : /^-?\d+$/, `${k}=${v}`);
  }
});

test('a known workload moves the counters, summaries and gauges by what it did', async (t) => {
  const s = await startServer({ forceSync: true });
  t.teardown(() => s.stop());
  const c = await connect(s);
  t.teardown(() => c.close());
  const before = await mntr(s);
  t.is(num(before, 'connection_request_count'), 1);
  t.is(num(before, 'cnt_snapshottime'), 1, 'snapshot.0 of the empty database');
  t.is(num(before, 'cnt_dbinittime'), 1);

  const paths = Array.from({ length: 10 }, (_, i) => `/app${i === 0 ? '' : `/n${i}`}`);
  for (const p of paths) await call((cb) => c.create(p, Buffer.from('data'), cb));
  await call((cb) => c.getData('/app/n1', () => undefined, cb));
  const watched = await mntr(s);
  t.is(num(watched, 'znode_count') - num(before, 'znode_count'), 10);
  t.is(num(watched, 'watch_count'), 1);
  t.is(num(watched, 'cnt_updatelatency') - num(before, 'cnt_updatelatency'), 10);
  t.is(num(watched, 'cnt_readlatency') - num(before, 'cnt_readlatency'), 1);
  t.true(num(watched, 'cnt_fsynctime') - num(before, 'cnt_fsynctime') > 0, 'forceSync: every batch is fsynced');
  t.is(num(watched, 'sum_sync_processor_batch_size') - num(before, 'sum_sync_processor_batch_size'), 10);
  t.is(num(watched, 'cnt_sync_processor_queue_and_flush_time_ms') - num(before, 'cnt_sync_processor_queue_and_flush_time_ms'), 10);
  t.is(num(watched, 'sync_processor_request_queued') - num(before, 'sync_processor_request_queued'), 10);
  t.is(num(watched, 'prep_processor_request_queued') - num(before, 'prep_processor_request_queued'), 11);
  t.is(num(watched, 'cnt_propagation_latency') - num(before, 'cnt_propagation_latency'), 10);
  // DataTree.updateWriteStat: path length + data length per created node under /app.
  t.is(num(watched, 'cnt_app_write_per_namespace'), 10);
  t.is(num(watched, 'sum_app_write_per_namespace'), paths.reduce((n, p) => n + p.length + 4, 0));
  // updateReadStat: path length + data length + the 68 bytes of a Stat.
  t.is(num(watched, 'cnt_app_read_per_namespace'), 1);
  t.is(num(watched, 'sum_app_read_per_namespace'), '/app/n1'.length + 4 + 68);
  t.true(num(watched, 'bytes_received_count') > num(before, 'bytes_received_count'));
  t.true(num(watched, 'approximate_data_size') - num(before, 'approximate_data_size') >= 10 * 4);

  await call((cb) => c.setData('/app/n1', Buffer.from('x'), -1, cb));
  await call((cb) => c.create('/app/e', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL, cb));
  const after = await mntr(s);
  t.is(num(after, 'watch_count'), 0, 'the one-shot watch fired');
  t.is(num(after, 'cnt_node_changed_watch_count'), 1);
  t.is(num(after, 'sum_node_changed_watch_count'), 1);
  t.is(num(after, 'cnt_node_created_watch_count'), 0);
  // A notification is a ReplyHeader (16 bytes) and a WatcherEvent (type, state, path).
  t.is(num(after, 'watch_bytes'), 16 + 4 + 4 + 4 + '/app/n1'.length);
  t.is(num(after, 'ephemerals_count'), 1);
  t.true(num(after, 'response_bytes') > num(watched, 'response_bytes'));
  t.true(num(after, 'max_client_response_size') >= 16);
  t.is(num(after, 'cnt_app_write_per_namespace'), 12);
});

test('srst zeroes counters and summaries, not the gauges nor auth_failed_count', async (t) => {
  const s = await startServer();
  t.teardown(() => s.stop());
  const c = await connect(s);
  t.teardown(() => c.close());
  await call((cb) => c.create('/r', Buffer.from('1'), cb));
  // An auth packet for a scheme nobody provides: AUTHFAILED, then the server closes.
  const bad = await ZkTestClient.connect(s.host, s.port);
  t.teardown(() => bad.destroy());
  const denied = await bad.request(OpCode.auth, AuthPacket.encode({ type: 0, scheme: 'nope', auth: Buffer.from('x') }), null, -4);
  t.is(denied.err, -115);
  const before = await mntr(s);
  t.is(num(before, 'auth_failed_count'), 1);
  t.true(num(before, 'cnt_updatelatency') > 0);
  t.true(num(before, 'bytes_received_count') > 0);
  t.is((await fourLetterWord(s.host, s.port, 'srst', 5000)).trim(), 'Server stats reset.');
  const after = await mntr(s);
  t.is(num(after, 'cnt_updatelatency'), 0);
  t.is(num(after, 'bytes_received_count'), 4, 'only the mntr word itself (as the reference counts it)');
  t.is(num(after, 'connection_request_count'), 0);
  t.is(num(after, 'cnt_dbinittime'), 0);
  t.is(num(after, 'min_client_response_size'), -1);
  t.is(num(after, 'znode_count'), num(before, 'znode_count'), 'a gauge reads the live value');
  t.is(num(after, 'auth_failed_count'), 1, 'ServerStats.reset leaves the auth failures');
});

test('a client that goes away without closing its session is a dropped connection', async (t) => {
  const s = await startServer();
  t.teardown(() => s.stop());
  const clean = await ZkTestClient.connect(s.host, s.port);
  await clean.close();
  t.is(num(await mntr(s), 'connection_drop_count'), 0, 'closeSession: the server closes first');
  const abrupt = await ZkTestClient.connect(s.host, s.port);
  abrupt.destroy();
  const m = await mntrUntil(s, (x) => num(x, 'connection_drop_count') === 1);
  t.is(num(m, 'connection_request_count'), 2);
});

test('a restart reports the txns it replayed and how long loading took', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'zkts-metrics-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const first = await startServer({ dataDir });
  const c = await connect(first);
  for (let i = 0; i < 5; i++) await call((cb) => c.create(`/t${i}`, Buffer.alloc(0), cb));
  c.close();
  await mntrUntil(first, (m) => num(m, 'global_sessions') === 0);
  const fresh = await mntr(first);
  t.is(num(fresh, 'cnt_startup_txns_loaded'), 0, 'an empty dataDir replays nothing');
  await first.stop();

  const again = await startServer({ dataDir });
  t.teardown(() => again.stop());
  const m = await mntr(again);
  t.is(num(m, 'cnt_startup_txns_loaded'), 1);
  t.is(num(m, 'sum_startup_txns_loaded'), 7, 'createSession, five creates, closeSession');
  t.is(num(m, 'cnt_startup_txns_load_time'), 1);
  t.is(num(m, 'cnt_startup_snap_load_time'), 1);
  t.is(num(m, 'cnt_dbinittime'), 1);
  t.is(num(m, 'cnt_snapshottime'), 0, 'no snapshot is written at a restart');
});

test('with tracking off (overhead measurements) nothing is recorded, the gauges stay live', async (t) => {
  const s = await startServer({ metricsTracking: false });
  t.teardown(() => s.stop());
  const c = await connect(s);
  t.teardown(() => c.close());
  const before = await mntr(s);
  for (let i = 0; i < 3; i++) await call((cb) => c.create(`/off${i}`, Buffer.from('x'), cb));
  await call((cb) => c.getData('/off0', cb));
  const m = await mntr(s);
  for (const k of ['cnt_updatelatency', 'cnt_readlatency', 'bytes_received_count', 'response_bytes', 'cnt_dbinittime', 'prep_processor_request_queued']) {
    t.is(num(m, k), 0, k);
  }
  t.is(num(m, 'znode_count') - num(before, 'znode_count'), 3);
  t.true(num(m, 'packets_received') > 0, 'ServerStats (stat/srvr) are kept regardless');
});

test('quota gauges per namespace, and quota rejections counted per namespace', async (t) => {
  const s = await startServer({ enforceQuota: true });
  t.teardown(() => s.stop());
  const c = await ZkTestClient.connect(s.host, s.port);
  t.teardown(() => c.destroy());
  const create = async (path: string, data: string): Promise<number> => {
    const body = CreateRequest.encode({ path, data: Buffer.from(data), acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], flags: 0 });
    return (await c.request(OpCode.create, body, null)).err;
  };
  t.is(await create('/app', '12345'), 0);
  // What `setquota -n 2 /app` leaves (zkCli): the limits node, then the stats node.
  for (const p of ['/zookeeper/quota/app']) t.is(await create(p, ''), 0, p);
  t.is(await create('/zookeeper/quota/app/zookeeper_limits', 'count=-1,bytes=-1=;byteHardLimit=-1;countHardLimit=2'), 0);
  t.is(await create('/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0'), 0);
  t.is(await create('/app/a', 'xy'), 0);
  t.is(await create('/app/b', ''), -125, 'QUOTAEXCEEDED');
  const m = await mntr(s);
  t.is(num(m, 'app_quota_count_limit_per_namespace'), 2, 'the hard limit wins over count=-1');
  t.is(num(m, 'app_quota_bytes_limit_per_namespace'), -1);
  t.is(num(m, 'app_quota_count_usage_per_namespace'), 2, '/app and /app/a');
  t.is(num(m, 'app_quota_bytes_usage_per_namespace'), 7);
  t.is(num(m, 'app_quota_exceeded_error_per_namespace'), 1);
});
