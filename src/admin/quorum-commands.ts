// The AdminServer commands whose answer depends on the member's quorum role (Commands.java at
// release-3.8.0-1): `observers`, `observer_connection_stat_reset`, `leader` and `voting_view`.
// A standalone server (and a role whose Zab side registered nothing) answers as the reference's
// plain ZooKeeperServer does.

import { parseConfigText } from '../quorum/reconfig/config-parse';
import type { CommandContext } from './command';
import { obj, type JsonValue } from './json';
import { learnerHandlerJson } from './quorum-admin';

/** The Zab side that serves observers here: the leader while leading, a follower's observer master. */
function observerSide(c: CommandContext) {
  const q = c.source.quorum?.() ?? null;
  const mode = c.source.view().mode;
  if (q === null) return null;
  if (q.kind === 'leader' && mode === 'leader') return q;
  if (q.kind === 'observerMaster' && mode === 'follower') return q;
  return null;
}

/** SyncedObserverConsCommand: the synced observers' LearnerHandler info (a Java Set: a JSON array). */
export function observersCommand(c: CommandContext): Map<string, JsonValue> {
  const side = observerSide(c);
  const list = side?.observers() ?? [];
  return obj([['synced_observers', list.length], ['observers', list.map(learnerHandlerJson)]]);
}

/** ObserverCnxnStatResetCommand: resets the counters of the synced observers' handlers. */
export function observerStatResetCommand(c: CommandContext): Map<string, JsonValue> {
  observerSide(c)?.resetObserverConnectionStats();
  return new Map();
}

/**
 * LeaderCommand: on a quorum member, whether it leads and the leader's id and address
 * (QuorumPeer.getLeaderId / getLeaderAddress, the address's host strings joined by '|'). Only the
 * leader's own Zab side registers them; other members answer as a plain server.
 */
export function leaderCommand(c: CommandContext): Map<string, JsonValue> {
  const q = c.source.quorum?.() ?? null;
  if (q?.kind === 'leader' && c.source.view().mode === 'leader' && q.leaderId !== undefined) {
    return obj([['is_leader', true], ['leader_id', q.leaderId], ['leader_ip', q.leaderAddress ?? '']]);
  }
  return obj([['error', 'server is not initialized']]);
}

const bracket = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * VotingViewCommand: sid -> QuorumServerView (server_addresses, election_addresses,
 * client_address, learner_type) for the voting members of the current config, read from the
 * membership text the member shows in `conf`. Empty on a standalone server.
 */
export function votingViewCommand(c: CommandContext): Map<string, JsonValue> {
  const membership = c.source.view().quorum?.membership;
  if (membership === undefined) return obj([['current_config', new Map()]]);
  let servers;
  try {
    servers = parseConfigText(membership).servers;
  } catch {
    // Our own config text always parses; if it ever did not, show no voters rather than fail.
    return obj([['current_config', new Map()]]);
  }
  const view = new Map<string, JsonValue>();
  for (const s of servers) {
    if (s.role !== 'participant') continue;
    view.set(
      String(s.id),
      obj([
        ['server_addresses', s.addresses.map((a) => `${bracket(a.host)}:${a.quorumPort}`)],
        ['election_addresses', s.addresses.map((a) => `${bracket(a.host)}:${a.electionPort}`)],
        ['client_address', s.client === null ? '' : `${bracket(s.client.host)}:${s.client.port}`],
        ['learner_type', 'participant'],
      ]),
    );
  }
  return obj([['current_config', view]]);
}
