// The leader's side of a reconfig request as pure functions (PrepRequestProcessor's reconfig case
// at release-3.8.0-1): which error the request earns, in the order the reference checks, or the
// new member list it proposes. The caller supplies what the checks look at (versions, whether the
// new voters are connected and synced, the ACL verdict) so this file does no I/O.

import type { QuorumServerSpec } from '../../config/types';
import { ErrCode } from '../../protocol/opcodes';
import { ConfigTextError, parseConfigText, votersOf } from './config-parse';
import { javaSplit, parseServerLine } from '../../config/servers';

export interface ReconfigBody {
  readonly joiningServers: string | null;
  readonly leavingServers: string | null;
  readonly newMembers: string | null;
  readonly curConfigId: bigint;
}

export interface ReconfigContext {
  readonly reconfigEnabled: boolean;
  /** The session check's verdict (OK, SESSIONEXPIRED, SESSIONMOVED). */
  readonly sessionErr: number;
  /** Only a leader runs a reconfig; anything else answers UNIMPLEMENTED. */
  readonly isLeader: boolean;
  /** The committed config's version and the last seen (maybe proposed) one. */
  readonly committedVersion: bigint;
  readonly lastSeenVersion: bigint;
  /** The last seen config's members: an incremental change starts from them. */
  readonly lastSeenServers: readonly QuorumServerSpec[];
  /** standaloneEnabled (default true): the new config then needs two voters, else one. */
  readonly standaloneEnabled: boolean;
  /** Leader.isQuorumSynced: do the connected, synced voters (and the leader) make a quorum of these? */
  readonly quorumSynced: (voters: readonly bigint[]) => boolean;
  /** WRITE on /zookeeper/config for the request's auth ids (true with skipACL). */
  readonly mayWriteConfig: boolean;
}

export type ReconfigPlan =
  | { readonly ok: true; readonly servers: readonly QuorumServerSpec[] }
  | { readonly ok: false; readonly err: number; readonly message: string };

const fail = (err: number, message: string): ReconfigPlan => ({ ok: false, err, message });

/** The reference's checks, in its order, and the new member list when they all pass. */
export function planReconfig(req: ReconfigBody, c: ReconfigContext): ReconfigPlan {
  if (!c.reconfigEnabled) return fail(ErrCode.RECONFIGDISABLED, 'reconfig is disabled (reconfigEnabled=false)');
  if (c.sessionErr !== ErrCode.OK) return fail(c.sessionErr, 'session check failed');
  if (!c.isLeader) return fail(ErrCode.UNIMPLEMENTED, 'reconfig runs on a quorum leader only');
  if (c.lastSeenVersion !== c.committedVersion) return fail(ErrCode.RECONFIGINPROGRESS, 'another reconfig is in progress');
  if (req.curConfigId !== -1n && req.curConfigId !== c.lastSeenVersion) {
    return fail(ErrCode.BADVERSION, `Reconfiguration from version ${req.curConfigId} failed -- last seen version is ${c.lastSeenVersion}`);
  }
  const next = req.newMembers !== null ? replaceMembers(req.newMembers) : incremental(req, c.lastSeenServers);
  if (!next.ok) return next;
  const voters = votersOf(next.servers);
  if (c.standaloneEnabled && voters.length < 2) return fail(ErrCode.BADARGUMENTS, 'Reconfig failed - new configuration must include at least 2 followers');
  if (voters.length < 1) return fail(ErrCode.BADARGUMENTS, 'Reconfig failed - new configuration must include at least 1 follower');
  if (!c.quorumSynced(voters)) return fail(ErrCode.NEWCONFIGNOQUORUM, 'Reconfig failed - there must be a connected and synced quorum in new configuration');
  if (!c.mayWriteConfig) return fail(ErrCode.NOAUTH, 'WRITE on /zookeeper/config is needed for reconfig');
  return next;
}

/** `newMembers`: commas become newlines and the whole is a dynamic config (no version). */
function replaceMembers(text: string): ReconfigPlan {
  try {
    const parsed = parseConfigText(text.replace(/,/g, '\n'));
    return { ok: true, servers: parsed.servers };
  } catch (e) {
    if (e instanceof ConfigTextError) return fail(ErrCode.BADARGUMENTS, e.message);
    throw e;
  }
}

/** Leaving sids are dropped, then each joining `server.N=spec` replaces or adds member N. */
function incremental(req: ReconfigBody, lastSeen: readonly QuorumServerSpec[]): ReconfigPlan {
  const next = new Map<number, QuorumServerSpec>(lastSeen.map((s) => [s.id, s]));
  for (const leaving of splitList(req.leavingServers)) {
    // Long.parseLong: a bad sid is a NumberFormatException the reference does not catch (the
    // request then fails as a marshalling error); BADARGUMENTS says more and keeps the server up.
    if (!/^[+-]?\d+$/.test(leaving)) return fail(ErrCode.BADARGUMENTS, `'${leaving}' is not a server id`);
    next.delete(Number(leaving));
  }
  for (const joiner of splitList(req.joiningServers)) {
    const parts = javaSplit(joiner, '=').map((s) => s.trim()).filter((s) => s.length > 0);
    if (parts.length !== 2) return fail(ErrCode.BADARGUMENTS, 'Wrong format of server string');
    const idText = parts[0]!.slice(parts[0]!.lastIndexOf('.') + 1);
    if (!/^\d+$/.test(idText)) return fail(ErrCode.BADARGUMENTS, `'${parts[0]!}' does not name a server id`);
    const parsed = parseServerLine(Number(idText), parts[1]!, false);
    if (!parsed.ok) return fail(ErrCode.BADARGUMENTS, 'Reconfiguration failed');
    const qs = parsed.value;
    if (qs.client === null) return fail(ErrCode.BADARGUMENTS, 'Wrong format of server string - each server should have 3 ports specified');
    for (const other of next.values()) {
      if (other.id !== qs.id && sharesAddress(qs, other)) return fail(ErrCode.BADARGUMENTS, `an address of server.${qs.id} conflicts with server.${other.id}`);
    }
    next.delete(qs.id);
    next.set(qs.id, qs);
  }
  return { ok: true, servers: [...next.values()].sort((a, b) => a.id - b.id) };
}

/** StringUtils.split: split on the separator, trim, drop empty pieces. */
function splitList(s: string | null): string[] {
  if (s === null) return [];
  return s.split(',').map((x) => x.trim()).filter((x) => x.length > 0);
}

/**
 * QuorumServer.checkAddressDuplicate: one of a's quorum, election or client addresses is one of
 * b's. Wildcard and loopback-less special addresses (0.0.0.0, ::) are left out, as the reference does.
 */
function sharesAddress(a: QuorumServerSpec, b: QuorumServerSpec): boolean {
  const all = (s: QuorumServerSpec): string[] => [
    ...s.addresses.flatMap((x) => [`${x.host}:${x.quorumPort}`, `${x.host}:${x.electionPort}`]),
    ...(s.client === null ? [] : [`${s.client.host}:${s.client.port}`]),
  ].filter((x) => !x.startsWith('0.0.0.0:') && !x.startsWith(':::'));
  const mine = new Set(all(a));
  return all(b).some((x) => mine.has(x));
}
