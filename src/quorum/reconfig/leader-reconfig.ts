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
 * getDesignatedLeader: this server if it votes in the new config; otherwise one of the synced
 * followers voting in it (lowest sid first; the reference prefers the one that acked the most
 * outstanding proposals), falling back to the lowest new voter.
 */
export function designatedLeader(self: Sid, next: QuorumMembers, syncedFollowers: readonly Sid[]): Sid {
  if (next.voters.has(self)) return self;
  const asc = (a: Sid, b: Sid): number => (a < b ? -1 : a > b ? 1 : 0);
  const synced = syncedFollowers.filter((s) => next.voters.has(s)).sort(asc);
  return synced[0] ?? [...next.voters].sort(asc)[0] ?? self;
}
