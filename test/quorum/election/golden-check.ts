// Checks captured Java election bytes against the facts recorded beside them (used by the unit
// suite on the committed fixtures and by the compat suite on a fresh capture).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QuorumServerSpec } from '../../../src/config/types';
import { quorumConfigText } from '../../../src/quorum/election/config-text';
import { encodeInitialMessage, parseInitialMessage, PROTOCOL_VERSION_V1 } from '../../../src/quorum/election/initial-message';
import { decodeNotification, encodeNotification, notificationState } from '../../../src/quorum/election/notification';

export const NOTIFICATION_CASES = ['notification-looking', 'notification-leading'] as const;

export function loadCase(dir: string, name: string): { bytes: Buffer; facts: Record<string, unknown> } {
  return { bytes: readFileSync(join(dir, `${name}.bin`)), facts: JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as Record<string, unknown> };
}

interface ServerFact { id: number; host: string; quorumPort: number; electionPort: number; role: 'participant' | 'observer'; clientHost: string; clientPort: number }

function specs(servers: ServerFact[]): QuorumServerSpec[] {
  return servers.map((s) => ({ id: s.id, addresses: [{ host: s.host, quorumPort: s.quorumPort, electionPort: s.electionPort }], role: s.role, client: { host: s.clientHost, port: s.clientPort } }));
}

/** Problems found (empty when the bytes match the facts both ways). */
export function checkInitialMessage(dir: string): string[] {
  const { bytes, facts } = loadCase(dir, 'initial-message-v1');
  const r = parseInitialMessage(bytes);
  if (r.kind !== 'ok') return [`does not parse: ${JSON.stringify(r)}`];
  const problems: string[] = [];
  const [host, port] = (facts['address'] as string).split(':') as [string, string];
  if (r.consumed !== bytes.length) problems.push(`consumed ${r.consumed} of ${bytes.length}`);
  if (r.message.protocolVersion !== BigInt(facts['protocolVersion'] as string)) problems.push(`protocolVersion ${r.message.protocolVersion}`);
  if (r.message.sid !== BigInt(facts['sid'] as string)) problems.push(`sid ${r.message.sid}`);
  if (JSON.stringify(r.message.addresses) !== JSON.stringify([{ host, port: Number(port) }])) problems.push(`addresses ${JSON.stringify(r.message.addresses)}`);
  if (!encodeInitialMessage(r.message.sid, r.message.addresses, PROTOCOL_VERSION_V1).equals(bytes)) problems.push('re-encoding differs');
  return problems;
}

export function checkNotification(dir: string, name: string): string[] {
  const { bytes, facts } = loadCase(dir, name);
  const e = facts['expected'] as Record<string, string | number>;
  const d = decodeNotification(bytes);
  if (!d.ok) return [`does not decode: ${d.error.message}`];
  const n = d.notification;
  const problems: string[] = [];
  const want: [string, unknown, unknown][] = [
    ['length', bytes.length, facts['frameLength']],
    ['state', n.state, e['state']],
    ['leader', n.leader, BigInt(e['leader']!)],
    ['zxid', n.zxid, BigInt(e['zxid']!)],
    ['electionEpoch', n.electionEpoch, BigInt(e['electionEpoch']!)],
    ['peerEpoch', n.peerEpoch, BigInt(e['peerEpoch']!)],
    ['version', n.version, e['version']],
    ['config', n.config, quorumConfigText(specs(facts['servers'] as ServerFact[]), BigInt(facts['configVersion'] as string))],
  ];
  for (const [field, got, expected] of want) if (got !== expected) problems.push(`${field}: got ${String(got)}, expected ${String(expected)}`);
  const state = notificationState(n);
  if (state === undefined || n.config === null) return [...problems, 'no state or config to re-encode'];
  const again = encodeNotification({ state, leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, config: n.config });
  if (!again.equals(bytes)) problems.push('re-encoding differs');
  return problems;
}
