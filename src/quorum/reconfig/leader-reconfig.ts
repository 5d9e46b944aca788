// The leader machine's reconfig helpers (Leader.propose with a reconfig request, and
// Leader.getDesignatedLeader at release-3.8.0-1), kept pure and out of leader.ts.

import { membersFromServers } from '../election/config-text';
import type { QuorumMembers, Sid, Zxid } from '../types';
import type { ZabTxn } from '../zab/common';
import { ConfigTextError, parseConfigText } from './config-parse';
import { reconfigTextOf } from './txn-config';

export interface ProposedConfig {
  readonly zxid: Zxid;
  readonly text: string;
  readonly members: QuorumMembers;
}

/**
 * A reconfig txn's config as a verifier (its version is the txn's zxid when the text has none);
 * null for other txns; an error message when the text does not parse (prep wrote it, so it should).
 */
export function proposedConfigOf(txn: ZabTxn): ProposedConfig | null | { readonly error: string } {
  const text = reconfigTextOf(txn);
  if (text === null) return null;
  try {
    const parsed = parseConfigText(text);
    return { zxid: txn.zxid, text, members: membersFromServers(parsed.servers, parsed.version ?? txn.zxid) };
  } catch (e) {
    if (e instanceof ConfigTextError) return { error: e.message };
    throw e;
  }
}

/**
 * Leader.getDesignatedLeader: this server if it votes in the new config. Otherwise the candidates
 * are the new config's voters that acked the reconfig; walking the proposals outstanding after it
 * in order, only those that acked each one stay, so the choice is the most up-to-date server and
 * the fewest proposals are lost. The reference takes the first of a java.util.HashSet<Long>, which
 * for small sids iterates in ascending order; ties here go to the lowest sid likewise.
 */
export function designatedLeader(self: Sid, next: QuorumMembers, reconfigAcks: Iterable<Sid>, laterAcks: readonly ReadonlySet<Sid>[]): Sid {
  if (next.voters.has(self)) return self;
  const asc = (a: Sid, b: Sid): number => (a < b ? -1 : a > b ? 1 : 0);
  let candidates = [...reconfigAcks].filter((s) => s !== self && next.voters.has(s)).sort(asc);
  // A quorum of the new config acked the reconfig, so this is never empty on a real commit.
  if (candidates.length === 0) return [...next.voters].sort(asc)[0] ?? self;
  let best = candidates[0]!;
  for (const acks of laterAcks) {
    candidates = candidates.filter((s) => acks.has(s));
    if (candidates.length === 0) return best;
    best = candidates[0]!;
    if (candidates.length === 1) return best;
  }
  return best;
}
