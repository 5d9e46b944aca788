// Reading a quorum config text back into a server list: the `/zookeeper/config` data, a reconfig
// txn's SetDataTxn data, NEWLEADER's payload and the `newMembers` of a full-replacement reconfig
// are all QuorumVerifier.toString()-shaped (`server.N=...` lines and `version=<hex>`), and the
// reference reads them with Properties.load + QuorumPeerConfig.parseDynamicConfig.

import { readProperties, PropertiesSyntaxError } from '../../config/properties';
import { parseMemberId, parseServerLine } from '../../config/servers';
import type { QuorumServerSpec } from '../../config/types';

export class ConfigTextError extends Error {
  override readonly name = 'ConfigTextError';
}

export interface ParsedConfig {
  /** Ascending by id. */
  readonly servers: readonly QuorumServerSpec[];
  /** The `version=` value; null when the text has none (a reconfig's newMembers). */
  readonly version: bigint | null;
}

/**
 * Parses config text. `server.N` lines become members, `version` is hex. Hierarchical keys
 * (group/weight) are refused because zkts only counts majorities; any other key is refused as
 * the reference's parseDynamicConfig refuses it.
 */
export function parseConfigText(text: string): ParsedConfig {
  let entries;
  try {
    entries = readProperties(text);
  } catch (e) {
    if (e instanceof PropertiesSyntaxError) throw new ConfigTextError(`config text does not parse: ${e.message}`);
    throw e;
  }
  const servers = new Map<number, QuorumServerSpec>();
  let version: bigint | null = null;
  for (const { key, value } of entries) {
    if (key === 'version') {
      if (!/^[0-9a-fA-F]{1,16}$/.test(value)) throw new ConfigTextError(`version '${value}' is not a hex number`);
      version = BigInt.asIntN(64, BigInt(`0x${value}`));
    } else if (key.startsWith('server.')) {
      const id = parseMemberId(key);
      if (id === undefined) throw new ConfigTextError(`'${key}' does not name a server id`);
      const parsed = parseServerLine(id, value, false);
      if (!parsed.ok) throw new ConfigTextError(`${key}: ${parsed.error}`);
      servers.set(id, parsed.value);
    } else if (key.startsWith('group') || key.startsWith('weight')) {
      throw new ConfigTextError(`${key}: hierarchical quorums are not supported`);
    } else {
      throw new ConfigTextError(`unrecognised key '${key}' in a quorum config`);
    }
  }
  return { servers: [...servers.values()].sort((a, b) => a.id - b.id), version };
}

/** Voting members (participants) of a server list, as sids. */
export function votersOf(servers: readonly QuorumServerSpec[]): bigint[] {
  return servers.filter((s) => s.role === 'participant').map((s) => BigInt(s.id));
}
