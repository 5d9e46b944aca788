// The election notification, hand-packed as FastLeaderElection.buildMsg packs it, and read back
// with the acceptance rules of its WorkerReceiver (three generations of the format coexist).
//
//   0 int state | 4 long leader | 12 long zxid | 20 long electionEpoch | 28 long peerEpoch
//   36 int version (2) | 40 int configLength | 44 config bytes (QuorumVerifier.toString(), UTF-8)

import { epochOf, type ServerStateName, serverStateName } from '../types';

/** The format version this server writes (Notification.CURRENTVERSION). */
export const NOTIFICATION_VERSION = 2;
/** Bytes before the config text in a current-format notification. */
export const NOTIFICATION_HEADER_BYTES = 44;
/** Pre-3.4 senders: no peerEpoch, it is derived from the zxid. */
export const NOTIFICATION_BYTES_LEGACY_28 = 28;
/** 3.4.0-3.4.5 senders: peerEpoch but no version. */
export const NOTIFICATION_BYTES_LEGACY_40 = 40;

/** What a notification says, as this server reads it. */
export interface Notification {
  /** The raw state int; see `stateName` (an unknown value is dropped by voters, answered for non-voters). */
  readonly state: number;
  readonly leader: bigint;
  readonly zxid: bigint;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  /** 0 for 28- and 40-byte messages, otherwise the version int. */
  readonly version: number;
  /** The sender's QuorumVerifier text when version > 1, else null. */
  readonly config: string | null;
}

/** What this server sends: always the current format with a config text. */
export interface OutgoingNotification {
  readonly state: ServerStateName;
  readonly leader: bigint;
  readonly zxid: bigint;
  readonly electionEpoch: bigint;
  readonly peerEpoch: bigint;
  /** QuorumVerifier.toString() of the sender's current config. */
  readonly config: string;
}

export type NotificationDecodeError =
  | { readonly code: 'NOTIFICATION_SHORT'; readonly message: string }
  | { readonly code: 'NOTIFICATION_TRUNCATED'; readonly message: string }
  | { readonly code: 'NOTIFICATION_BAD_CONFIG_LENGTH'; readonly message: string };

export type NotificationDecodeResult =
  | { readonly ok: true; readonly notification: Notification }
  | { readonly ok: false; readonly error: NotificationDecodeError };

const STATE_CODE: Record<ServerStateName, number> = { LOOKING: 0, FOLLOWING: 1, LEADING: 2, OBSERVING: 3 };

export function encodeNotification(n: OutgoingNotification): Buffer {
  const config = Buffer.from(n.config, 'utf8');
  const b = Buffer.allocUnsafe(NOTIFICATION_HEADER_BYTES + config.length);
  b.writeInt32BE(STATE_CODE[n.state], 0);
  b.writeBigInt64BE(n.leader, 4);
  b.writeBigInt64BE(n.zxid, 12);
  b.writeBigInt64BE(n.electionEpoch, 20);
  b.writeBigInt64BE(n.peerEpoch, 28);
  b.writeInt32BE(NOTIFICATION_VERSION, 36);
  b.writeInt32BE(config.length, 40);
  config.copy(b, NOTIFICATION_HEADER_BYTES);
  return b;
}

/**
 * Reads a notification body (the frame payload). Like the reference: under 28 bytes is refused;
 * exactly 28 has no peerEpoch (taken from the zxid's epoch); exactly 40 has no version (its last
 * 4 bytes are ignored); otherwise a version > 1 must carry a config whose length fits the message.
 * Bytes after the config are ignored.
 */
export function decodeNotification(b: Uint8Array): NotificationDecodeResult {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  const size = buf.length;
  if (size < NOTIFICATION_BYTES_LEGACY_28) {
    return fail('NOTIFICATION_SHORT', `notification of ${size} bytes is shorter than 28`);
  }
  const state = buf.readInt32BE(0);
  const leader = buf.readBigInt64BE(4);
  const zxid = buf.readBigInt64BE(12);
  const electionEpoch = buf.readBigInt64BE(20);
  if (size === NOTIFICATION_BYTES_LEGACY_28) {
    return ok({ state, leader, zxid, electionEpoch, peerEpoch: epochOf(zxid), version: 0, config: null });
  }
  if (size < 36) return fail('NOTIFICATION_TRUNCATED', `notification of ${size} bytes ends inside peerEpoch`);
  const peerEpoch = buf.readBigInt64BE(28);
  if (size === NOTIFICATION_BYTES_LEGACY_40) {
    return ok({ state, leader, zxid, electionEpoch, peerEpoch, version: 0, config: null });
  }
  if (size < 40) return fail('NOTIFICATION_TRUNCATED', `notification of ${size} bytes ends inside version`);
  const version = buf.readInt32BE(36);
  if (version <= 1) return ok({ state, leader, zxid, electionEpoch, peerEpoch, version, config: null });
  if (size < NOTIFICATION_HEADER_BYTES) {
    return fail('NOTIFICATION_TRUNCATED', `notification version ${version} of ${size} bytes ends inside configLength`);
  }
  const configLength = buf.readInt32BE(40);
  if (configLength < 0 || configLength > size) {
    return fail('NOTIFICATION_BAD_CONFIG_LENGTH', `configLength ${configLength} is outside 0..${size}`);
  }
  if (NOTIFICATION_HEADER_BYTES + configLength > size) {
    return fail('NOTIFICATION_TRUNCATED', `configLength ${configLength} runs past the end of a ${size}-byte notification`);
  }
  const config = buf.toString('utf8', NOTIFICATION_HEADER_BYTES, NOTIFICATION_HEADER_BYTES + configLength);
  return ok({ state, leader, zxid, electionEpoch, peerEpoch, version, config });
}

/** The state name of a received notification, or undefined for a value the reference drops. */
export function notificationState(n: Notification): ServerStateName | undefined {
  return serverStateName(n.state);
}

function ok(notification: Notification): NotificationDecodeResult {
  return { ok: true, notification };
}

function fail(code: NotificationDecodeError['code'], message: string): NotificationDecodeResult {
  return { ok: false, error: { code, message } };
}
