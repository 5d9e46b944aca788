// The first bytes on an election connection (QuorumCnxManager.startConnection / handleConnection):
//   long protocolVersion (-65536 = V1, -65535 = V2 with several '|'-joined addresses)
//   long sid | int len (1..2048) | len bytes "host:port" (the sender's own election address)
// A pre-3.5 peer sends just its non-negative sid. Parsing is incremental: the caller feeds what it
// has and gets back "need more", a message with the bytes it used, or an error that closes the socket.

import { javaHostString } from '../../config/dynamic-files';
import { javaSplit } from '../../config/servers';
import type { Sid } from '../types';

export const PROTOCOL_VERSION_V1 = -65536n;
export const PROTOCOL_VERSION_V2 = -65535n;
/** Largest address text accepted (QuorumCnxManager.maxBuffer). */
export const INITIAL_MESSAGE_ADDRESS_BYTES_MAX = 2048;
/** QuorumPeer.OBSERVER_ID: an observer that does not know its own id dials with this. */
export const OBSERVER_ID = (1n << 63n) - 1n;

export interface ElectionAddress {
  readonly host: string;
  readonly port: number;
}

export interface InitialMessage {
  /** V1, V2, or null for a legacy bare sid. */
  readonly protocolVersion: bigint | null;
  readonly sid: Sid;
  /** Addresses the peer says it listens on; wildcard hosts are left out, as the reference does. */
  readonly addresses: readonly ElectionAddress[];
}

export type InitialMessageParse =
  | { readonly kind: 'need-more' }
  | { readonly kind: 'ok'; readonly message: InitialMessage; readonly consumed: number }
  | { readonly kind: 'error'; readonly code: 'INITIAL_MESSAGE_INVALID'; readonly message: string };

/**
 * "host:port", IPv6 hosts bracketed (NetUtils.formatInetAddr). Java prints an IPv6 address with
 * Inet6Address.getHostAddress, every group written out (`[0:0:0:0:0:0:0:1]`, not `[::1]`). It
 * would also print a host name's resolved address; names are sent as they are here (no lookup).
 */
export function formatElectionAddress(a: ElectionAddress): string {
  return a.host.includes(':') ? `[${javaHostString(a.host)}]:${a.port}` : `${a.host}:${a.port}`;
}

export function encodeInitialMessage(sid: Sid, addresses: readonly ElectionAddress[], protocolVersion = PROTOCOL_VERSION_V1): Buffer {
  if (protocolVersion !== PROTOCOL_VERSION_V1 && protocolVersion !== PROTOCOL_VERSION_V2) {
    throw new RangeError(`unknown election protocol version ${protocolVersion}`);
  }
  if (addresses.length === 0) throw new RangeError('an initial message needs an election address');
  // V1 carries a single address (the reference sends getOne()); V2 all of them.
  const list = protocolVersion === PROTOCOL_VERSION_V1 ? addresses.slice(0, 1) : addresses;
  const text = Buffer.from(list.map(formatElectionAddress).join('|'), 'utf8');
  if (text.length > INITIAL_MESSAGE_ADDRESS_BYTES_MAX) throw new RangeError(`address text of ${text.length} bytes is over 2048`);
  const b = Buffer.allocUnsafe(20 + text.length);
  b.writeBigInt64BE(protocolVersion, 0);
  b.writeBigInt64BE(sid, 8);
  b.writeInt32BE(text.length, 16);
  text.copy(b, 20);
  return b;
}

/** The legacy form: just the sid (what 3.4 peers send). */
export function encodeLegacyInitialMessage(sid: Sid): Buffer {
  if (sid < 0n) throw new RangeError('a legacy initial message carries a non-negative sid');
  const b = Buffer.allocUnsafe(8);
  b.writeBigInt64BE(sid, 0);
  return b;
}

export function parseInitialMessage(buf: Buffer): InitialMessageParse {
  if (buf.length < 8) return { kind: 'need-more' };
  const first = buf.readBigInt64BE(0);
  if (first >= 0n) return { kind: 'ok', message: { protocolVersion: null, sid: first, addresses: [] }, consumed: 8 };
  if (first !== PROTOCOL_VERSION_V1 && first !== PROTOCOL_VERSION_V2) {
    return invalid(`unrecognised election protocol version ${first}`);
  }
  if (buf.length < 20) return { kind: 'need-more' };
  const sid = buf.readBigInt64BE(8);
  const len = buf.readInt32BE(16);
  if (len <= 0 || len > INITIAL_MESSAGE_ADDRESS_BYTES_MAX) return invalid(`unreasonable address length ${len} (1..2048) from server ${sid}`);
  if (buf.length < 20 + len) return { kind: 'need-more' };
  const text = buf.toString('utf8', 20, 20 + len);
  const addresses: ElectionAddress[] = [];
  for (const part of javaSplit(text, '|')) {
    const hp = hostAndPort(part);
    if (hp === undefined || hp.length !== 2) return invalid(`badly formed address '${part}' from server ${sid}`);
    const port = /^[+-]?[0-9]{1,10}$/.test(hp[1]!) ? Number(hp[1]) : Number.NaN;
    if (!Number.isInteger(port) || port < 0 || port > 65535) return invalid(`bad port number '${hp[1]!}' from server ${sid}`);
    if (!isWildcard(hp[0]!)) addresses.push({ host: hp[0]!, port });
  }
  return { kind: 'ok', message: { protocolVersion: first, sid, addresses }, consumed: 20 + len };
}

function invalid(message: string): InitialMessageParse {
  return { kind: 'error', code: 'INITIAL_MESSAGE_INVALID', message };
}

/** ConfigUtils.getHostAndPort: `[v6]:port` or `host:port`; undefined where the reference throws. */
function hostAndPort(s: string): string[] | undefined {
  if (!s.startsWith('[')) return javaSplit(s, ':');
  const i = s.indexOf(']');
  if (i < 0 || i + 2 === s.length) return undefined;
  if (i + 2 < s.length) return [s.slice(1, i), ...javaSplit(s.slice(i + 2), ':')];
  return [s.replace(/[[\]]/g, '')];
}

function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || /^(0+:){7}0+$/.test(host) || host === '0:0:0:0:0:0:0:0';
}
