// Ensemble membership lines: server.N (QuorumPeer.QuorumServer), group.N / weight.N
// (QuorumHierarchical) and the dynamic config file that may hold them instead of zoo.cfg.

import { parseJavaInt, parseJavaLong } from './java-values';
import type { PeerRole, QuorumAddress, QuorumGroups, QuorumServerSpec } from './types';

const WRONG_FORMAT =
  'does not have the form server_config or server_config;client_config, where server_config is a ' +
  "'|'-separated list of host:port:port or host:port:port:type and client_config is port or host:port";

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const fail = (error: string): { ok: false; error: string } => ({ ok: false, error });

/** A sid, group id or weight key suffix: Long.parseLong of what follows the first dot. */
export function parseMemberId(key: string): number | undefined {
  const v = parseJavaLong(key.slice(key.indexOf('.') + 1));
  return v === undefined || v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(v);
}

/** The value of a server.N line (`multiAddressEnabled` allows `|`-separated addresses). */
export function parseServerLine(id: number, value: string, multiAddressEnabled: boolean): Parsed<QuorumServerSpec> {
  const serverClient = javaSplit(value, ';');
  if (serverClient.length > 2) return fail(`'${value}' ${WRONG_FORMAT}`);
  let client: QuorumServerSpec['client'] = null;
  if (serverClient.length === 2) {
    const parts = hostAndPort(serverClient[1]!);
    if (!parts.ok) return parts;
    if (parts.value.length > 2) return fail(`'${value}' ${WRONG_FORMAT}`);
    const host = parts.value.length === 2 ? parts.value[0]! : '0.0.0.0';
    const port = parsePort(parts.value[parts.value.length - 1]!);
    if (port === undefined) return fail(`client port '${parts.value[parts.value.length - 1]!}' is not a port number (1-65535)`);
    if (host === '') return fail(`'${value}' has an empty client host`);
    client = { host, port };
  }
  const addressTexts = javaSplit(serverClient[0] ?? '', '|');
  if (!multiAddressEnabled && addressTexts.length > 1) {
    return fail(`multiple addresses for server ${id} need multiAddress.enabled=true`);
  }
  const addresses: QuorumAddress[] = [];
  let role: PeerRole | null = null;
  for (const text of addressTexts) {
    const parts = hostAndPort(text);
    if (!parts.ok) return parts;
    if (parts.value.length < 3 || parts.value.length > 4) return fail(`'${value}' ${WRONG_FORMAT}`);
    const [host, quorumText, electionText, roleText] = parts.value as [string, string, string, string?];
    if (host === '') return fail(`'${value}' has an empty host`);
    const quorumPort = parsePort(quorumText);
    if (quorumPort === undefined) return fail(`quorum port '${quorumText}' is not a port number (1-65535)`);
    const electionPort = parsePort(electionText);
    if (electionPort === undefined) return fail(`election port '${electionText}' is not a port number (1-65535)`);
    if (quorumPort === electionPort) return fail(`quorum and election port must be different (both ${quorumPort})`);
    if (roleText !== undefined) {
      const r = roleText.trim().toLowerCase();
      if (r !== 'participant' && r !== 'observer') return fail(`unrecognised peer type '${roleText}' (participant or observer)`);
      if (role !== null && role !== r) return fail(`multiple addresses must have the same role (${role} vs ${r})`);
      role = r;
    }
    addresses.push({ host, quorumPort, electionPort });
  }
  return { ok: true, value: { id, addresses, role: role ?? 'participant', client } };
}

/** group.N and weight.N lines; every participant must be in exactly one group. */
export function parseQuorumGroups(
  groupLines: readonly { key: string; value: string }[],
  weightLines: readonly { key: string; value: string }[],
  servers: readonly QuorumServerSpec[],
): { groups: QuorumGroups; errors: { key: string; message: string }[] } {
  const errors: { key: string; message: string }[] = [];
  const groupOf = new Map<number, number>();
  const groups: { id: number; members: number[] }[] = [];
  for (const { key, value } of groupLines) {
    const gid = parseMemberId(key);
    if (gid === undefined) {
      errors.push({ key, message: 'the group id is not a number' });
      continue;
    }
    const members: number[] = [];
    for (const s of javaSplit(value, ':')) {
      const sid = parseJavaLong(s);
      if (sid === undefined || sid < 0n) {
        errors.push({ key, message: `'${s}' is not a server id` });
        continue;
      }
      const n = Number(sid);
      if (groupOf.has(n)) errors.push({ key, message: `server ${n} is in more than one group` });
      groupOf.set(n, gid);
      members.push(n);
    }
    groups.push({ id: gid, members });
  }
  const weights: Record<string, number> = {};
  for (const { key, value } of weightLines) {
    const sid = parseMemberId(key);
    const w = parseJavaLong(value);
    if (sid === undefined) errors.push({ key, message: 'the server id is not a number' });
    else if (w === undefined || w < 0n) errors.push({ key, message: `'${value}' is not a weight (a number >= 0)` });
    else weights[String(sid)] = Number(w);
  }
  for (const s of servers) {
    if (s.role !== 'participant') continue;
    if (!groupOf.has(s.id)) errors.push({ key: `server.${s.id}`, message: `server ${s.id} is not in a group (group.N lines make the quorum hierarchical)` });
    if (weights[String(s.id)] === undefined) weights[String(s.id)] = 1;
  }
  return { groups: { groups: groups.sort((a, b) => a.id - b.id), weights }, errors };
}

/** The version a dynamic config file's name carries (`zoo.cfg.dynamic.100000000` -> `100000000`). */
export function versionFromFilename(file: string): string | null {
  const i = file.lastIndexOf('.');
  if (i < 0) return null;
  const v = file.slice(i + 1);
  return /^[0-9a-fA-F]{1,16}$/.test(v) ? BigInt(`0x${v}`).toString(16) : null;
}

/** String.split as Java does it: trailing empty strings are dropped (but "" splits to [""]). */
export function javaSplit(s: string, sep: string): string[] {
  if (s === '') return [''];
  const parts = s.split(sep);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** ConfigUtils.getHostAndPort: `[v6]:a:b` or `host:a:b`, split on colons. */
function hostAndPort(s: string): Parsed<string[]> {
  if (!s.startsWith('[')) return { ok: true, value: javaSplit(s, ':') };
  const i = s.indexOf(']');
  if (i < 0) return fail(`'${s}' starts with '[' but has no matching ']:'`);
  if (i + 2 === s.length) return fail(`'${s}' has no port after the colon`);
  if (i + 2 < s.length) return { ok: true, value: [s.slice(1, i), ...javaSplit(s.slice(i + 2), ':')] };
  return { ok: true, value: [s.slice(1, i)] };
}

function parsePort(s: string): number | undefined {
  const v = parseJavaInt(s.trim());
  return v === undefined || v < 1 || v > 65535 ? undefined : v;
}
