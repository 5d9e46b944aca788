// The reference's AdminServer commands (Commands.java, 3.8.0): names and aliases, whether they
// need a serving server, and their JSON entries with the reference's names and value types.
// Quorum-only commands answer what the reference answers on a standalone server.

import { FULL_VERSION, ZK_NOT_SERVING, hex, type ServerView } from '../fourletter/view';
import { parseJavaLong } from '../config/java-values';
import { command, responseMap, type AdminCommand, type CommandContext } from './command';
import { obj, type JsonValue } from './json';
import { leaderCommand, observerStatResetCommand, observersCommand, votingViewCommand } from './quorum-commands';
import { clientResponseStats, connectionInfo, environmentEntries, monitorEntries, serverStats } from './stats';

/** DigestCalculator.DIGEST_VERSION: the only digest version 3.8 computes. */
const DIGEST_VERSION = 2;

const view = (c: CommandContext) => c.source.view();

/** SrvrCommand.run; StatCommand adds the brief connection list. */
function srvr(c: CommandContext, withConnections: boolean): Map<string, JsonValue> {
  const v = view(c);
  const m = obj([
    ['version', FULL_VERSION],
    ['read_only', v.mode === 'read-only'],
    ['server_stats', serverStats(v, c.source)],
    ['client_response', clientResponseStats(v)],
    ['node_count', v.nodeCount],
  ]);
  if (withConnections) {
    m.set('connections', v.connectionList().map((x) => connectionInfo(x, true)));
    m.set('secure_connections', []);
  }
  return m;
}

/**
 * ZooKeeperServer.getSessionExpiryMap() as each role's tracker answers it (3.8.0): a learner's
 * LearnerSessionTracker always answers an empty map; a leader's LeaderSessionTracker takes the
 * local tracker's map (with local sessions on) and then putAll()s the global one over it, so a
 * global bucket replaces a local bucket with the same expiry time; others list their buckets.
 * Keys ascend, as the reference's TreeMap<Long, …>.
 */
function sessionExpiryMap(v: ServerView): Map<string, JsonValue> {
  if (v.mode === 'follower' || v.mode === 'observer') return new Map();
  const byTime = new Map<number, bigint[]>();
  if (v.mode === 'leader') for (const b of v.localSessionBuckets() ?? []) byTime.set(b.expiresAtMs, [...b.elements]);
  for (const b of v.sessionBuckets()) byTime.set(b.expiresAtMs, [...b.elements]);
  return obj([...byTime].sort((a, b) => a[0] - b[0]).map(([t, ids]) => [String(t), ids]));
}

export const ADMIN_COMMANDS: readonly AdminCommand[] = [
  command(['connection_stat_reset', 'crst'], (c) => {
    view(c).resetConnectionStats();
    return new Map();
  }),
  // ZooKeeperServerConf.toMap()
  command(['configuration', 'conf', 'config'], (c) => {
    const k = view(c).conf;
    return obj([
      ['client_port', k.clientPort],
      ['data_dir', k.dataDir],
      ['data_log_dir', k.dataLogDir],
      ['tick_time', k.tickTime],
      ['max_client_cnxns', k.maxClientCnxns],
      ['min_session_timeout', k.minSessionTimeout],
      ['max_session_timeout', k.maxSessionTimeout],
      ['server_id', k.serverId],
      ['client_port_listen_backlog', k.clientPortListenBacklog],
    ]);
  }),
  command(['connections', 'cons'], (c) =>
    obj([
      ['connections', view(c).connectionList().map((x) => connectionInfo(x, false))],
      // zkts serves no secure client port.
      ['secure_connections', []],
    ]),
  ),
  // DataTree.getDigestLog(): ZxidDigest beans (fields zxid, digest, digestVersion).
  command(['hash'], (c) =>
    obj([
      [
        'digests',
        view(c)
          .digestLog()
          .map((d) => obj([['zxid', d.zxid], ['digest', BigInt.asIntN(64, d.digest)], ['digest_version', DIGEST_VERSION]])),
      ],
    ]),
  ),
  command(['dirs'], (c) => {
    const v = view(c);
    return obj([['datadir_size', v.dataDirSize()], ['logdir_size', v.logDirSize()]]);
  }),
  // getSessionExpiryMap(): expiry time -> session ids; getEphemerals(): session id -> paths.
  command(['dump'], (c) => {
    const v = view(c);
    return obj([
      ['expiry_time_to_session_ids', sessionExpiryMap(v)],
      ['session_id_to_ephemeral_paths', obj(v.ephemerals().map(([id, paths]) => [id.toString(), [...paths]]))],
    ]);
  }),
  command(['environment', 'env', 'envi'], (c) => environmentEntries(view(c)), false),
  // ZooTrace.getTextTraceLevel(): a long.
  command(['get_trace_mask', 'gtmk'], (c) => obj([['tracemask', view(c).traceMask]]), false),
  command(['initial_configuration', 'icfg'], (c) => obj([['initial_configuration', c.source.initialConfig()]])),
  command(['is_read_only', 'isro'], (c) => obj([['read_only', view(c).mode === 'read-only']])),
  // Long.toHexString(zxid) and seconds; -1 for both when there is no snapshot.
  command(['last_snapshot', 'lsnp'], (c) => {
    const s = c.source.lastSnapshot();
    return obj([['zxid', hex(s?.zxid ?? -1n)], ['timestamp', s?.timestampSec ?? -1]]);
  }),
  // Only a quorum server has a leader; a standalone one answers with an error entry.
  command(['leader', 'lead'], leaderCommand),
  // zkServer.dumpMonitorValues + the metrics provider's dump: the `mntr` data.
  command(
    ['monitor', 'mntr'],
    (c) => monitorEntries(view(c)) ?? obj([['error', ZK_NOT_SERVING]]),
    false,
  ),
  // Resets observer stats on a leader or follower; nothing to do standalone.
  command(['observer_connection_stat_reset', 'orst'], observerStatResetCommand),
  command(['ruok'], () => new Map()),
  command(
    ['set_trace_mask', 'stmk'],
    (c) => {
      const raw = c.args.get('traceMask');
      if (raw === undefined) return obj([['error', 'setTraceMask requires long traceMask argument']]);
      const mask = parseJavaLong(raw);
      if (mask === undefined) return obj([['error', `setTraceMask requires long traceMask argument, got ${raw}`]]);
      view(c).setTraceMask(mask);
      return obj([['tracemask', mask]]);
    },
    false,
  ),
  command(['server_stats', 'srvr'], (c) => srvr(c, false)),
  command(['stats', 'stat'], (c) => srvr(c, true)),
  command(['stat_reset', 'srst'], (c) => {
    view(c).resetServerStats();
    return new Map();
  }),
  command(['observers', 'obsr'], observersCommand),
  command(['system_properties', 'sysp'], (c) => new Map<string, JsonValue>(c.source.systemProperties()), false),
  command(['voting_view'], votingViewCommand),
  // WatchesReport / WatchesPathReport / WatchesSummary .toMap(): the data-watch table.
  command(['watches', 'wchc'], (c) =>
    obj([['session_id_to_watched_paths', obj(view(c).watchesByConnection().map(([id, paths]) => [id.toString(), [...paths]]))]]),
  ),
  command(['watches_by_path', 'wchp'], (c) =>
    obj([['path_to_session_ids', obj(view(c).watchesByPath().map(([path, ids]) => [path, [...ids]]))]]),
  ),
  command(['watch_summary', 'wchs'], (c) => {
    const s = view(c).watchSummary();
    return obj([['num_connections', s.connections], ['num_paths', s.paths], ['num_total_watches', s.total]]);
  }),
  command(['zabstate'], () => obj([['voting', false], ['zabstate', '']]), false),
];

const BY_NAME: ReadonlyMap<string, AdminCommand> = new Map(ADMIN_COMMANDS.flatMap((c) => c.names.map((n) => [n, c] as const)));

/** Primary names, sorted (the reference lists them so). */
export function primaryNames(): string[] {
  return ADMIN_COMMANDS.map((c) => c.names[0]!).sort();
}

/** Commands.runCommand: the response map for `name` (a primary name or an alias). */
export function runCommand(name: string, c: CommandContext): Map<string, JsonValue> {
  const cmd = BY_NAME.get(name);
  if (cmd === undefined) return responseMap(name, `Unknown command: ${name}`);
  if (cmd.serverRequired && !c.source.view().serving) return responseMap(name, ZK_NOT_SERVING);
  return responseMap(cmd.names[0]!, null, cmd.run(c));
}
