// Every AdminServer command, by its name and by every alias, against an embedded zkts: the JSON
// parses, has the reference's top-level entries in the reference's order with the reference's
// value types. The tables below are written from the 3.8.0 sources (paths under
// zookeeper-server/src/main/java/org/apache/zookeeper/server/), not from zkts' output.

import test from 'ava';
import * as zookeeper from 'node-zookeeper-client';
import { startServer, type EmbeddedServer } from '../../src/index';
import { fourLetterWord } from '../support/four-letter-word';
import { entriesOf, field, http, kindOf, num, parseExact, type Exact, type Kind } from './support';
import { connectedClient } from '../support/node-client';

interface Row {
  /** Primary name, then the aliases (Commands.java, each command's constructor). */
  names: string[];
  /** The command's own entries, in order, before "command" and "error". */
  fields: [string, Kind][];
  /** The command puts an "error" entry itself: it stays first (CommandResponse.toMap). */
  errorEntry?: boolean;
}

const TABLE: Row[] = [
  // admin/Commands.java CnxnStatResetCommand: no entries.
  { names: ['connection_stat_reset', 'crst'], fields: [] },
  // ConfCommand -> ZooKeeperServerConf.toMap(): ints, File paths, long server id.
  {
    names: ['configuration', 'conf', 'config'],
    fields: [
      ['client_port', 'integer'], ['data_dir', 'string'], ['data_log_dir', 'string'], ['tick_time', 'integer'],
      ['max_client_cnxns', 'integer'], ['min_session_timeout', 'integer'], ['max_session_timeout', 'integer'],
      ['server_id', 'integer'], ['client_port_listen_backlog', 'integer'],
    ],
  },
  // ConsCommand: getAllConnectionInfo(false) lists.
  { names: ['connections', 'cons'], fields: [['connections', 'array'], ['secure_connections', 'array']] },
  // DigestCommand: DataTree.getDigestLog().
  { names: ['hash'], fields: [['digests', 'array']] },
  // DirsCommand: getDataDirSize() / getLogDirSize() longs.
  { names: ['dirs'], fields: [['datadir_size', 'integer'], ['logdir_size', 'integer']] },
  // DumpCommand: getSessionExpiryMap() and getEphemerals() maps.
  { names: ['dump'], fields: [['expiry_time_to_session_ids', 'object'], ['session_id_to_ephemeral_paths', 'object']] },
  // GetTraceMaskCommand: ZooTrace.getTextTraceLevel(), a long.
  { names: ['get_trace_mask', 'gtmk'], fields: [['tracemask', 'integer']] },
  // InitialConfigurationCommand: getInitialConfig(), null without a config file (embedded).
  { names: ['initial_configuration', 'icfg'], fields: [['initial_configuration', 'null']] },
  // IsroCommand: instanceof ReadOnlyZooKeeperServer.
  { names: ['is_read_only', 'isro'], fields: [['read_only', 'boolean']] },
  // LastSnapshotCommand: Long.toHexString(zxid), timestamp long.
  { names: ['last_snapshot', 'lsnp'], fields: [['zxid', 'string'], ['timestamp', 'integer']] },
  // LeaderCommand: not a QuorumZooKeeperServer -> put("error", "server is not initialized").
  { names: ['leader', 'lead'], fields: [['error', 'string']], errorEntry: true },
  { names: ['observer_connection_stat_reset', 'orst'], fields: [] },
  { names: ['ruok'], fields: [] },
  // SetTraceMaskCommand without traceMask: put("error", ...).
  { names: ['set_trace_mask', 'stmk'], fields: [['error', 'string']], errorEntry: true },
  // SrvrCommand: version, read_only, server_stats (ServerStats bean), client_response (BufferStats), node_count.
  {
    names: ['server_stats', 'srvr'],
    fields: [['version', 'string'], ['read_only', 'boolean'], ['server_stats', 'object'], ['client_response', 'object'], ['node_count', 'integer']],
  },
  // StatCommand: SrvrCommand + getAllConnectionInfo(true) lists.
  {
    names: ['stats', 'stat'],
    fields: [
      ['version', 'string'], ['read_only', 'boolean'], ['server_stats', 'object'], ['client_response', 'object'], ['node_count', 'integer'],
      ['connections', 'array'], ['secure_connections', 'array'],
    ],
  },
  { names: ['stat_reset', 'srst'], fields: [] },
  // SyncedObserverConsCommand, neither leader nor follower: 0 and an empty set.
  { names: ['observers', 'obsr'], fields: [['synced_observers', 'integer'], ['observers', 'array']] },
  // VotingViewCommand, not a quorum server: an empty map.
  { names: ['voting_view'], fields: [['current_config', 'object']] },
  // WatchCommand / WatchesByPathCommand: WatchesReport / WatchesPathReport .toMap().
  { names: ['watches', 'wchc'], fields: [['session_id_to_watched_paths', 'object']] },
  { names: ['watches_by_path', 'wchp'], fields: [['path_to_session_ids', 'object']] },
  // WatchSummaryCommand: WatchesSummary.toMap().
  { names: ['watch_summary', 'wchs'], fields: [['num_connections', 'integer'], ['num_paths', 'integer'], ['num_total_watches', 'integer']] },
  // ZabStateCommand, not a quorum server: voting false, zabstate "".
  { names: ['zabstate'], fields: [['voting', 'boolean'], ['zabstate', 'string']] },
];

/** Environment.list() keys, in order (common/Environment.java). */
const ENVIRONMENT_KEYS = [
  'zookeeper.version', 'host.name', 'java.version', 'java.vendor', 'java.home', 'java.class.path', 'java.library.path',
  'java.io.tmpdir', 'java.compiler', 'os.name', 'os.arch', 'os.version', 'user.name', 'user.home', 'user.dir',
  'os.memory.free', 'os.memory.max', 'os.memory.total',
];

/** ServerStats as Jackson writes the bean (getter names, snake_case); types from the getters. */
const SERVER_STATS: [string, Kind][] = [
  ['packets_sent', 'integer'], ['packets_received', 'integer'], ['fsync_threshold_exceed_count', 'integer'],
  ['client_response_stats', 'object'], ['data_dir_size', 'integer'], ['log_dir_size', 'integer'], ['provider_null', 'boolean'],
  ['server_state', 'string'], ['last_processed_zxid', 'integer'], ['outstanding_requests', 'integer'], ['avg_latency', 'double'],
  ['max_latency', 'integer'], ['min_latency', 'integer'], ['num_alive_client_connections', 'integer'], ['uptime', 'integer'],
  ['auth_failed_count', 'integer'], ['non_mtlsremote_conn_count', 'integer'], ['non_mtlslocal_conn_count', 'integer'],
];

/** quorum/BufferStats getters. */
const BUFFER_STATS: [string, Kind][] = [['last_buffer_size', 'integer'], ['min_buffer_size', 'integer'], ['max_buffer_size', 'integer']];

/** ServerCnxn.getConnectionInfo(brief): the first five, or all. */
const CONNECTION_INFO: [string, Kind][] = [
  ['remote_socket_address', 'string'], ['interest_ops', 'integer'], ['outstanding_requests', 'integer'], ['packets_received', 'integer'],
  ['packets_sent', 'integer'], ['session_id', 'integer'], ['last_operation', 'string'], ['established', 'integer'],
  ['session_timeout', 'integer'], ['last_cxid', 'integer'], ['last_zxid', 'integer'], ['last_response_time', 'integer'],
  ['last_latency', 'integer'], ['min_latency', 'integer'], ['avg_latency', 'integer'], ['max_latency', 'integer'],
];

/** DataTree.ZxidDigest fields: zxid, digest (longs), digestVersion (int). */
const DIGEST: [string, Kind][] = [['zxid', 'integer'], ['digest', 'integer'], ['digest_version', 'integer']];

function shape(v: Exact): [string, Kind][] {
  return entriesOf(v).map(([k, x]) => [k, kindOf(x)]);
}

async function getJson(t: { is: (a: unknown, b: unknown, m?: string) => void }, s: EmbeddedServer, name: string): Promise<Exact> {
  const r = await http(`${s.admin!.url}/${name}`);
  t.is(r.status, 200, name);
  t.is(r.headers['content-type'], 'application/json', name);
  JSON.parse(r.body); // valid JSON for any parser, too
  return parseExact(r.body);
}

const call = (f: (cb: (e: unknown) => void) => void): Promise<void> =>
  new Promise((resolve, reject) => f((e) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));

async function connected(s: EmbeddedServer): Promise<zookeeper.Client> {
  const c = await connectedClient(s.connectString);
  return c;
}

const sessionIdOf = (c: zookeeper.Client): bigint => BigInt(`0x${c.getSessionId().toString('hex')}`);

test('every command and alias answers with the reference entries, order and types', async (t) => {
  const s = await startServer({ admin: { enabled: true } });
  t.teardown(() => s.stop());
  const c = await connected(s);
  t.teardown(() => c.close());
  // Enough txns for a digest entry (one every 128 zxids), an ephemeral, and two data watches.
  await call((cb) => c.create('/a', Buffer.from('x'), cb));
  for (let i = 0; i < 130; i++) await call((cb) => c.create(`/a/n${i}`, Buffer.alloc(0), cb));
  await call((cb) => c.create('/e', Buffer.alloc(0), zookeeper.CreateMode.EPHEMERAL, cb));
  await call((cb) => c.getData('/a', () => undefined, cb));
  await call((cb) => c.exists('/missing', () => undefined, cb));
  const sid = sessionIdOf(c).toString();

  for (const row of TABLE) {
    for (const name of row.names) {
      const v = await getJson(t, s, name);
      const expected: [string, Kind][] = row.errorEntry
        ? [...row.fields, ['command', 'string']]
        : [...row.fields, ['command', 'string'], ['error', 'null']];
      t.deepEqual(shape(v), expected, name);
      t.is(field(v, 'command'), row.names[0], `${name}: "command" is the primary name`);
    }
  }

  const stats = await getJson(t, s, 'stats');
  t.deepEqual(shape(field(stats, 'server_stats')), SERVER_STATS);
  t.deepEqual(shape(field(field(stats, 'server_stats'), 'client_response_stats')), BUFFER_STATS);
  t.deepEqual(shape(field(stats, 'client_response')), BUFFER_STATS);
  const brief = field(stats, 'connections') as Exact[];
  t.true(brief.length >= 1);
  for (const x of brief) t.deepEqual(shape(x), CONNECTION_INFO.slice(0, 5));
  t.deepEqual(field(stats, 'secure_connections'), []);

  const cons = await getJson(t, s, 'cons');
  const full = field(cons, 'connections') as Exact[];
  for (const x of full) t.deepEqual(shape(x), CONNECTION_INFO);
  t.true(full.some((x) => num(field(x, 'session_id')).toString() === sid), 'the client session is listed with its 64-bit id');

  const digests = field(await getJson(t, s, 'hash'), 'digests') as Exact[];
  t.true(digests.length >= 1);
  for (const d of digests) t.deepEqual(shape(d), DIGEST);
  t.is(num(field(digests[0]!, 'zxid')) % 128n, 0n);

  const dump = await getJson(t, s, 'dump');
  const expiry = entriesOf(field(dump, 'expiry_time_to_session_ids'));
  t.true(expiry.some(([, ids]) => (ids as Exact[]).some((x) => num(x).toString() === sid)));
  for (const [k] of expiry) t.regex(k, /^\d+$/);
  t.deepEqual(entriesOf(field(dump, 'session_id_to_ephemeral_paths')), [[sid, ['/e']]]);

  const wchc = entriesOf(field(await getJson(t, s, 'wchc'), 'session_id_to_watched_paths'));
  t.deepEqual(wchc.map(([k, paths]) => [k, [...(paths as string[])].sort()]), [[sid, ['/a', '/missing']]]);
  const wchp = entriesOf(field(await getJson(t, s, 'wchp'), 'path_to_session_ids'));
  t.deepEqual(wchp.map(([p, ids]) => [p, (ids as Exact[]).map((x) => num(x).toString())]).sort(), [['/a', [sid]], ['/missing', [sid]]]);
  const wchs = await getJson(t, s, 'wchs');
  t.deepEqual([num(field(wchs, 'num_connections')), num(field(wchs, 'num_paths')), num(field(wchs, 'num_total_watches'))], [1n, 2n, 2n]);

  for (const name of ['environment', 'env', 'envi']) {
    const env = await getJson(t, s, name);
    t.deepEqual(shape(env), [...ENVIRONMENT_KEYS.map((k): [string, Kind] => [k, 'string']), ['command', 'string'], ['error', 'null']], name);
  }

  for (const name of ['system_properties', 'sysp']) {
    const keys = shape(await getJson(t, s, name));
    t.deepEqual(keys.slice(-2), [['command', 'string'], ['error', 'null']]);
    const props = keys.slice(0, -2);
    t.true(props.every(([, k]) => k === 'string'), name);
    const names = props.map(([k]) => k);
    t.deepEqual(names, [...names].sort(), `${name}: sorted like a TreeMap`);
    t.true(names.includes('os.name') && names.includes('user.dir'));
  }

  // monitor: version and server_state (dumpMonitorValues), then the metrics; the same keys, in
  // the same order, as the `mntr` four-letter word.
  for (const name of ['monitor', 'mntr']) {
    const mon = shape(await getJson(t, s, name));
    t.deepEqual(mon.slice(0, 2), [['version', 'string'], ['server_state', 'string']], name);
    t.deepEqual(mon.slice(-2), [['command', 'string'], ['error', 'null']], name);
    const metrics = mon.slice(2, -2);
    t.true(metrics.every(([, k]) => k === 'integer' || k === 'double'), name);
    const word = await fourLetterWord(s.host, s.port, 'mntr');
    const wordKeys = word.trim().split('\n').map((l) => l.slice(3, l.indexOf('\t')));
    t.deepEqual(mon.slice(0, -2).map(([k]) => k), wordKeys, `${name}: the mntr keys`);
    for (const key of ['znode_count', 'packets_received', 'packets_sent', 'num_alive_connections', 'outstanding_requests', 'watch_count', 'ephemerals_count', 'approximate_data_size', 'uptime']) {
      t.deepEqual(mon.find(([k]) => k === key), [key, 'integer'], key);
    }
    t.deepEqual(mon.find(([k]) => k === 'avg_latency'), ['avg_latency', 'double']);
  }
});

test('set_trace_mask takes traceMask as Long.parseLong does; get_trace_mask and gtmk see it', async (t) => {
  const s = await startServer({ admin: { enabled: true } });
  t.teardown(() => s.stop());
  const set = await getJson(t, s, 'stmk?traceMask=1234');
  t.deepEqual(shape(set), [['tracemask', 'integer'], ['command', 'string'], ['error', 'null']]);
  t.is(num(field(set, 'tracemask')), 1234n);
  t.is(num(field(await getJson(t, s, 'get_trace_mask'), 'tracemask')), 1234n);
  t.is(await fourLetterWord(s.host, s.port, 'gtmk'), '1234');
  // Query values are form-decoded: '+' is a space, which parseLong refuses; hex is refused too.
  for (const [arg, shown] of [['abc', 'abc'], ['0x10', '0x10'], ['+5', ' 5'], ['9223372036854775808', '9223372036854775808']]) {
    const bad = await getJson(t, s, `set_trace_mask?traceMask=${arg}`);
    t.is(field(bad, 'error'), `setTraceMask requires long traceMask argument, got ${shown}`, arg);
  }
  t.is(num(field(await getJson(t, s, 'stmk?traceMask=-5&traceMask=7'), 'tracemask')), -5n, 'the first value wins');
});

test('stats values are the server\'s: packets grow with requests, node_count matches the tree', async (t) => {
  const s = await startServer({ admin: { enabled: true } });
  t.teardown(() => s.stop());
  const c = await connected(s);
  t.teardown(() => c.close());
  for (let i = 0; i < 5; i++) await call((cb) => c.create(`/n${i}`, Buffer.alloc(0), cb));

  const before = await getJson(t, s, 'server_stats');
  const received = num(field(field(before, 'server_stats'), 'packets_received'));
  const n = 10;
  for (let i = 0; i < n; i++) await call((cb) => c.exists('/n0', cb));
  const after = await getJson(t, s, 'server_stats');
  t.true(num(field(field(after, 'server_stats'), 'packets_received')) >= received + BigInt(n));
  t.true(num(field(field(after, 'server_stats'), 'packets_sent')) >= BigInt(n));
  t.is(field(field(after, 'server_stats'), 'server_state'), 'standalone');

  // The node count, counted by walking the tree with a client. The reference's DataTree holds the
  // root twice (under "" and "/", DataTree's constructor), and getNodeCount() counts both.
  const walk = async (path: string): Promise<number> => {
    const children = await new Promise<string[]>((resolve, reject) => c.getChildren(path, (e, ch) => (e ? reject(e) : resolve(ch))));
    let total = 1;
    for (const ch of children) total += await walk(path === '/' ? `/${ch}` : `${path}/${ch}`);
    return total;
  };
  t.is(Number(num(field(after, 'node_count'))), (await walk('/')) + 1);

  // A response size was recorded once a client was answered.
  const buf = field(after, 'client_response');
  t.true(num(field(buf, 'max_buffer_size')) > 0n);

  // stat_reset zeroes the counters the reference's ServerStats.reset() does.
  await getJson(t, s, 'srst');
  const reset = await getJson(t, s, 'srvr');
  // (a client ping may land in between; nothing else talks to the server)
  t.true(num(field(field(reset, 'server_stats'), 'packets_received')) < BigInt(n));
});
