// Byte handling of one election connection, without sockets: the accepting side first reads the
// initial message, then both sides exchange `int length` (1..524288) + payload frames
// (QuorumCnxManager.RecvWorker / SendWorker). Pure, so it is tested by feeding arbitrary splits.

import { parseInitialMessage, type InitialMessage } from '../election/initial-message';

/** QuorumCnxManager.PACKETMAXSIZE. */
export const ELECTION_FRAME_BYTES_MAX = 512 * 1024;

export type ElectionWireError = { readonly code: 'ELECTION_FRAME_LENGTH' | 'INITIAL_MESSAGE_INVALID'; readonly message: string };

export type WireEvent =
  | { readonly type: 'initial'; readonly message: InitialMessage }
  | { readonly type: 'frame'; readonly payload: Buffer }
  | { readonly type: 'error'; readonly error: ElectionWireError };

/** Frames `payload` for the wire: the 4-byte length, then the bytes. */
export function electionFrame(payload: Uint8Array): Buffer {
  if (payload.length < 1 || payload.length > ELECTION_FRAME_BYTES_MAX) throw new RangeError(`election payload of ${payload.length} bytes is outside 1..${ELECTION_FRAME_BYTES_MAX}`);
  const b = Buffer.allocUnsafe(4 + payload.length);
  b.writeInt32BE(payload.length, 0);
  b.set(payload, 4);
  return b;
}

/**
 * Incremental reader. `expectInitial` is true on accepted connections. After an error it stays
 * failed and ignores input: the caller closes that connection.
 */
export class ElectionWireReader {
  private buf: Buffer = Buffer.alloc(0);
  private awaitingInitial: boolean;
  private failed = false;

  constructor(expectInitial: boolean) {
    this.awaitingInitial = expectInitial;
  }

  get bufferedBytes(): number {
    return this.buf.length;
  }

  feed(chunk: Buffer): WireEvent[] {
    if (this.failed) return [];
    // One copy per chunk that does not complete a frame; election traffic is a few small messages.
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    const events: WireEvent[] = [];
    let at = 0;
    if (this.awaitingInitial) {
      const r = parseInitialMessage(this.buf);
      if (r.kind === 'need-more') return events;
      if (r.kind === 'error') return this.fail(events, { code: r.code, message: r.message });
      events.push({ type: 'initial', message: r.message });
      this.awaitingInitial = false;
      at = r.consumed;
    }
    while (this.buf.length - at >= 4) {
      const len = this.buf.readInt32BE(at);
      if (len <= 0 || len > ELECTION_FRAME_BYTES_MAX) {
        return this.fail(events, { code: 'ELECTION_FRAME_LENGTH', message: `election frame length ${len} is outside 1..${ELECTION_FRAME_BYTES_MAX}` });
      }
      if (this.buf.length - at - 4 < len) break;
      // Copy out: the payload outlives this chunk in the receive queue.
      events.push({ type: 'frame', payload: Buffer.from(this.buf.subarray(at + 4, at + 4 + len)) });
      at += 4 + len;
    }
    this.buf = at === this.buf.length ? Buffer.alloc(0) : this.buf.subarray(at);
    return events;
  }

  private fail(events: WireEvent[], error: ElectionWireError): WireEvent[] {
    this.failed = true;
    this.buf = Buffer.alloc(0);
    events.push({ type: 'error', error });
    return events;
  }
}
