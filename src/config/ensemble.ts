// Ensemble membership: server.N / group.N / weight.N from zoo.cfg or from the dynamic config file,
// the reference's isDistributed() decision, and what <dataDir>/myid changes.

import { join } from 'node:path';
import { Problems, type SettingSource } from './errors';
import { readProperties, PropertiesSyntaxError, type PropertiesEntry } from './properties';
import { parseMemberId, parseQuorumGroups, parseServerLine, versionFromFilename } from './servers';
import type { PeerRole, QuorumGroups, QuorumServerSpec } from './types';

export type ReadFile = (path: string) => string | undefined;

export interface Membership {
  servers: QuorumServerSpec[];
  groups: QuorumGroups | null;
  version: string | null;
}

export interface MembershipLines {
  servers: readonly PropertiesEntry[];
  groups: readonly PropertiesEntry[];
  weights: readonly PropertiesEntry[];
  /** A `version=` line in zoo.cfg (hex), as QuorumMaj reads it. */
  version: string | undefined;
}

/** The membership from zoo.cfg's lines, or from the dynamic config file when one is named. */
export function membership(lines: MembershipLines, dynamicConfigFile: string | null, readFile: ReadFile, multiAddressEnabled: boolean, problems: Problems): Membership {
  if (dynamicConfigFile !== null) {
    for (const e of [...lines.servers, ...lines.groups, ...lines.weights]) problems.error(e.key, 'must be in the dynamic config file, since dynamicConfigFile is set');
    return dynamicMembership(dynamicConfigFile, readFile, multiAddressEnabled, problems);
  }
  const m = readMembership(lines.servers, lines.groups, lines.weights, multiAddressEnabled, problems, 'zoo.cfg');
  if (lines.version !== undefined) {
    const v = /^[0-9a-fA-F]{1,16}$/.test(lines.version) ? BigInt(`0x${lines.version}`).toString(16) : null;
    if (v === null) problems.error('version', `'${lines.version}' is not a hexadecimal config version`);
    m.version = v;
  }
  return m;
}

/** How this server's own server.N line (found through myid) shapes the client side and role. */
export interface OwnServer {
  clientPort: number | null;
  clientPortAddress: string | null;
  peerType: PeerRole;
}

export function applyOwnServer(
  serverId: number,
  servers: readonly QuorumServerSpec[],
  configured: OwnServer,
  peerTypeSet: boolean,
  problems: Problems,
): OwnServer {
  const own = servers.find((s) => s.id === serverId);
  let { clientPort, clientPortAddress } = configured;
  if (own?.client) {
    const wildcard = clientPortAddress === null || clientPortAddress === '0.0.0.0' || clientPortAddress === '::';
    const differs = wildcard ? clientPort !== own.client.port : clientPortAddress !== own.client.host || clientPort !== own.client.port;
    if (clientPort !== null && differs) {
      problems.error('clientPort', `${clientPortAddress ?? '0.0.0.0'}:${clientPort} differs from server.${serverId}'s client address ${own.client.host}:${own.client.port}`);
    }
    clientPort = own.client.port;
    clientPortAddress = own.client.host === '0.0.0.0' ? null : own.client.host;
  }
  const byList: PeerRole = own?.role === 'observer' ? 'observer' : 'participant';
  if (byList !== configured.peerType && peerTypeSet) {
    problems.warn('peerType', `${configured.peerType} does not match the server list (${byList}); using the server list, as the reference does`);
  }
  return { clientPort, clientPortAddress, peerType: byList };
}

function readMembership(
  serverLines: readonly PropertiesEntry[],
  groupLines: readonly PropertiesEntry[],
  weightLines: readonly PropertiesEntry[],
  multiAddressEnabled: boolean,
  problems: Problems,
  source: 'zoo.cfg' | 'dynamic config',
): Membership {
  const byId = new Map<number, { key: string; spec: QuorumServerSpec }>();
  for (const { key, value } of serverLines) {
    const id = parseMemberId(key);
    if (id === undefined) {
      problems.error(key, `'${key.slice('server.'.length)}' is not a server id (server.N with N a number)`, source);
      continue;
    }
    const parsed = parseServerLine(id, value, multiAddressEnabled);
    if (!parsed.ok) {
      problems.error(key, parsed.error, source);
      continue;
    }
    const prior = byId.get(id);
    if (prior !== undefined) problems.error(key, `defines server ${id} again (${prior.key})`, source);
    byId.set(id, { key, spec: parsed.value });
  }
  const servers = [...byId.values()].map((s) => s.spec).sort((a, b) => a.id - b.id);
  let groups: QuorumGroups | null = null;
  if (groupLines.length > 0 || weightLines.length > 0) {
    const g = parseQuorumGroups(groupLines, weightLines, servers);
    for (const e of g.errors) problems.error(e.key, e.message, source);
    groups = g.groups;
  }
  return { servers, groups, version: null };
}

function dynamicMembership(file: string, readFile: ReadFile, multiAddressEnabled: boolean, problems: Problems): Membership {
  const text = readFile(file);
  if (text === undefined) {
    problems.error('dynamicConfigFile', `${file} cannot be read`);
    return { servers: [], groups: null, version: null };
  }
  const entries = propertiesOf(text, file, 'dynamic config', problems);
  const servers: PropertiesEntry[] = [];
  const groups: PropertiesEntry[] = [];
  const weights: PropertiesEntry[] = [];
  for (const e of entries) {
    if (e.key.startsWith('server.')) servers.push(e);
    else if (e.key.startsWith('group.')) groups.push(e);
    else if (e.key.startsWith('weight.')) weights.push(e);
    else if (e.key === 'version') problems.error('version', `must not be inside the dynamic config file ${file} (it comes from the file name)`, 'dynamic config');
    else problems.error(e.key, `unrecognised parameter in the dynamic config file ${file}`, 'dynamic config');
  }
  const m = readMembership(servers, groups, weights, multiAddressEnabled, problems, 'dynamic config');
  m.version = versionFromFilename(file);
  return m;
}

/**
 * `<zoo.cfg>.dynamic.next`, read as the reference reads it at start-up (a QuorumMaj, or
 * QuorumHierarchical with group/weight keys, over the file's properties): its server lines and
 * `version` must parse (Java exits with "Invalid config" otherwise); other keys are ignored.
 */
export function readNextDynamicConfig(configFile: string, readFile: ReadFile, multiAddressEnabled: boolean, problems: Problems): { file: string; servers: QuorumServerSpec[]; version: string | null } | null {
  const file = `${configFile}.dynamic.next`;
  const text = readFile(file);
  if (text === undefined) return null;
  const entries = propertiesOf(text, file, 'dynamic config', problems);
  const lines = (prefix: string): PropertiesEntry[] => entries.filter((e) => e.key.startsWith(prefix));
  // Collected apart so each problem can name the file (the operator may not know it exists).
  const own = new Problems();
  const m = readMembership(lines('server.'), lines('group'), lines('weight'), multiAddressEnabled, own, 'dynamic config');
  for (const e of own.errors) problems.error(e.key, `${file}: ${e.message}`, 'dynamic config');
  const raw = entries.find((e) => e.key === 'version')?.value;
  let version: string | null = null;
  if (raw !== undefined) {
    if (/^[0-9a-fA-F]{1,16}$/.test(raw)) version = BigInt(`0x${raw}`).toString(16);
    else problems.error('version', `${file}: '${raw}' is not a hexadecimal config version`, 'dynamic config');
  }
  return { file, servers: m.servers, version };
}

/** QuorumPeerConfig.parseDynamicConfig's checks; true when the reference would run an ensemble. */
export function analyzeQuorum(servers: readonly QuorumServerSpec[], standaloneEnabled: boolean, problems: Problems): boolean {
  const participants = servers.filter((s) => s.role === 'participant').length;
  const observers = servers.length - participants;
  if (participants === 0) {
    if (!standaloneEnabled) problems.error('standaloneEnabled', 'is false, so at least one participant server.N line is needed');
    else if (observers > 0) problems.error('server.*', 'observers without participants');
    return !standaloneEnabled;
  }
  if (participants === 1 && standaloneEnabled) {
    if (observers > 0) problems.error('server.*', 'observers without a quorum (one participant, standaloneEnabled=true)');
    else problems.warn('server.*', 'only one server is listed; ignored, the server runs standalone (as the reference does)');
    return false;
  }
  if (participants <= 2) problems.warn('server.*', `${participants} participants tolerate no server failure; use at least 3`);
  else if (participants % 2 === 0) problems.warn('server.*', `${participants} participants: an odd number tolerates as many failures with one server less`);
  return true;
}

export function readMyid(dataDir: string, readFile: ReadFile, problems: Problems): number | null {
  const path = join(dataDir, 'myid');
  const text = readFile(path);
  if (text === undefined) return null;
  const line = (text.split(/\r?\n/)[0] ?? '').trim();
  const id = /^[0-9]+$/.test(line) ? Number(line) : Number.NaN;
  if (!Number.isSafeInteger(id)) {
    problems.error('myid', `'${line}' in ${path} is not a server id`, 'myid');
    return null;
  }
  return id;
}

function propertiesOf(text: string, file: string, what: SettingSource, problems: Problems): PropertiesEntry[] {
  try {
    return readProperties(text);
  } catch (e) {
    if (!(e instanceof PropertiesSyntaxError)) throw e;
    problems.error('(file)', `${file}: ${e.message}`, what);
    return [];
  }
}
