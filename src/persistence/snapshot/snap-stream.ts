// The SNAP sync stream a leader sends inline on the quorum socket after a SNAP packet
// (LearnerHandler: ZKDatabase.serializeSnapshot, then ustring "BenWasHere"): sessions, ACL
// cache, nodes, "/", signature. No file header, no checksum, no digest; no length prefix either,
// so the learner's reader must stop exactly after the signature and give the rest back.

import type { SnapshotSink, SnapshotSource } from '../snapshot-contract';
import { SnapshotCorruptError } from './format';
import { type ParseResult, type ParserOptions, SnapshotParser } from './parser';
import { type ChunkLimits, SnapshotSerializer } from './serializer';

/** The stream as bounded chunks; a shell writes one, yields, then pulls the next. */
export function* snapStreamChunks(source: SnapshotSource, limits?: ChunkLimits): Generator<Buffer> {
  const ser = new SnapshotSerializer(source, 'sync', limits);
  for (let c = ser.next(); c !== null; c = ser.next()) yield c;
}

/** The whole stream in one buffer (small trees, tests). */
export function writeSnapStream(source: SnapshotSource, limits?: ChunkLimits): Buffer {
  return Buffer.concat(Array.from(snapStreamChunks(source, limits)));
}

/**
 * Incremental reader for the socket: push() what arrives; once the signature has been read it
 * returns the bytes that follow it (the next quorum packets).
 */
export class SnapStreamReader {
  private readonly parser: SnapshotParser;
  constructor(sink: SnapshotSink, opts?: Omit<ParserOptions, 'file'>) {
    this.parser = new SnapshotParser(sink, 'sync', opts);
  }

  get done(): boolean {
    return this.parser.done;
  }

  push(chunk: Buffer): Buffer | null {
    return this.parser.push(chunk);
  }

  /** The socket closed: the result, or SnapshotCorruptError if the stream was incomplete. */
  end(): ParseResult {
    return this.parser.end();
  }
}

export interface ReadSnapStreamResult extends ParseResult {
  /** Bytes of `input` the stream took; the rest follows it on the socket. */
  bytesRead: number;
}

/** Reads a complete SNAP stream from the start of `input`. */
export function readSnapStream(input: Buffer, sink: SnapshotSink, opts?: Omit<ParserOptions, 'file'>): ReadSnapStreamResult {
  const parser = new SnapshotParser(sink, 'sync', opts);
  const rest = parser.push(input);
  if (rest === null) {
    parser.end(); // throws TRUNCATED
    throw new SnapshotCorruptError('TRUNCATED', 'SNAP stream incomplete', undefined, input.length);
  }
  const result = parser.end();
  return { ...result, bytesRead: input.length - rest.length };
}
