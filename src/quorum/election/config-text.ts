// The config text carried in every notification: QuorumMaj.toString(), i.e. one
// `server.N=host:quorumPort:electionPort:role[;clientHost:clientPort]` line per member and a last
// `version=<hex>` line. Receivers only use it to spot a newer config (its version), but we render
// it the way the reference does so a Java peer parses it without complaint.

// A require cycle (dynamic-files renders its files through quorumConfigText): both sides only call
// the other's functions, never at load time, so CommonJS resolves it.
import { javaHostString } from '../../config/dynamic-files';
import type { QuorumServerSpec } from '../../config/types';
import { majorityMembers, type QuorumMembers } from '../types';

/**
 * Renders the members in ascending id order (the reference iterates a HashMap of Long keys, which
 * is ascending for the small ids ensembles use). Hosts are spelled as InetSocketAddress.getHostString
 * gives them (QuorumServer.delimitedHostString): a name as written, an IPv6 literal in Java's full
 * form whatever its spelling in zoo.cfg (`[::1]` and `[0:0:0:0:0:0:0:1]` both become the latter),
 * bracketed. Several addresses (multiAddress) are sorted by that host string and joined with '|'.
 */
export function quorumConfigText(servers: readonly QuorumServerSpec[], version = 0n): string {
  const lines: string[] = [];
  for (const s of [...servers].sort((a, b) => a.id - b.id)) {
    const addrs = s.addresses.map((a) => ({ ...a, host: javaHostString(a.host) })).sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
    let line = `server.${s.id}=${addrs.map((a) => `${bracket(a.host)}:${a.quorumPort}:${a.electionPort}`).join('|')}:${s.role}`;
    if (s.client !== null) line += `;${bracket(javaHostString(s.client.host))}:${s.client.port}`;
    lines.push(line);
  }
  // Long.toHexString: unsigned, so a zxid with the top bit set stays 16 hex digits.
  lines.push(`version=${BigInt.asUintN(64, version).toString(16)}`);
  return lines.join('\n');
}

/** The `version=` of a received config text, or undefined when it has none we can read. */
export function configTextVersion(text: string): bigint | undefined {
  let found: bigint | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('version=')) continue;
    const v = line.slice('version='.length).trim();
    found = /^[0-9a-fA-F]{1,16}$/.test(v) ? BigInt.asIntN(64, BigInt(`0x${v}`)) : undefined;
  }
  return found;
}

/** The majority verifier for a server list: participants vote, observers do not. */
export function membersFromServers(servers: readonly QuorumServerSpec[], version = 0n): QuorumMembers {
  const voters = servers.filter((s) => s.role === 'participant').map((s) => BigInt(s.id));
  const observers = servers.filter((s) => s.role === 'observer').map((s) => BigInt(s.id));
  return majorityMembers(voters, observers, version);
}

function bracket(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
