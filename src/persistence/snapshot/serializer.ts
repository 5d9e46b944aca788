// Turns a SnapshotSource into the snapshot's uncompressed bytes, one bounded chunk per call, so a
// shell can write each chunk and yield to the event loop in between. The source keeps changing
// between chunks (the tree keeps applying txns): the result is fuzzy exactly as the reference's.
//
// 'file' mode: header, sections, end marker, seal, digest section (when the source has a digest),
// seal. 'sync' mode (the SNAP stream on the quorum socket): sections only, then "BenWasHere".

import { performance } from 'node:perf_hooks';
import type { ZxidDigest } from '../../protocol/generated';
import type { SnapshotNode, SnapshotSource } from '../snapshot-contract';
import { ByteWriter } from './byte-writer';
import { Adler32 } from './checksum';
import { END_OF_NODES, SNAP_DBID, SNAP_MAGIC, SNAP_SYNC_SIGNATURE, SNAP_VERSION } from './format';

export type SerializeMode = 'file' | 'sync';

export interface ChunkLimits {
  /** Stop a chunk once it holds this many bytes (a single large node may exceed it). Default 256 KiB. */
  chunkBytes?: number;
  /** Stop a chunk after this many nodes. Default 20,000. */
  chunkNodes?: number;
  /** Stop a chunk after this much serialization time. Default 2 ms. */
  chunkMs?: number;
}

const CHUNK_BYTES_DEFAULT = 256 * 1024;
const CHUNK_NODES_DEFAULT = 20_000;
const CHUNK_MS_DEFAULT = 2;
/** How many nodes go between two clock reads. */
const NODES_PER_CLOCK_CHECK = 64;

type Phase = 'start' | 'nodes' | 'finish' | 'done';

export class SnapshotSerializer {
  private phase: Phase = 'start';
  private readonly out: ByteWriter;
  private readonly adler = new Adler32();
  private nodeIter: Iterator<SnapshotNode> | undefined;
  /** Bytes of the current chunk already folded into the checksum (seals fold early). */
  private checksummed = 0;
  private readonly chunkBytes: number;
  private readonly chunkNodes: number;
  private readonly chunkMs: number;
  /** Nodes written so far. */
  nodes = 0;
  sessions = 0;
  aclEntries = 0;
  /** Uncompressed bytes produced so far. */
  bytes = 0;
  /** The digest section written ('file' mode), or null. */
  digest: ZxidDigest | null = null;

  constructor(
    private readonly source: SnapshotSource,
    private readonly mode: SerializeMode,
    limits: ChunkLimits = {},
  ) {
    this.chunkBytes = limits.chunkBytes ?? CHUNK_BYTES_DEFAULT;
    this.chunkNodes = limits.chunkNodes ?? CHUNK_NODES_DEFAULT;
    this.chunkMs = limits.chunkMs ?? CHUNK_MS_DEFAULT;
    this.out = new ByteWriter(this.chunkBytes + 64 * 1024);
  }

  get done(): boolean {
    return this.phase === 'done';
  }

  /** The next chunk of bytes, or null once everything has been produced. */
  next(): Buffer | null {
    if (this.phase === 'done') return null;
    const started = performance.now();
    if (this.phase === 'start') this.writeStart();
    if (this.phase === 'nodes') this.writeNodes(started);
    if (this.phase === 'finish') this.writeFinish();
    return this.take();
  }

  private take(): Buffer {
    const chunk = this.out.take();
    if (this.mode === 'file') this.adler.update(chunk.subarray(this.checksummed));
    this.checksummed = 0;
    this.bytes += chunk.length;
    return chunk;
  }

  private writeStart(): void {
    const w = this.out;
    if (this.mode === 'file') {
      w.int32(SNAP_MAGIC);
      w.int32(SNAP_VERSION);
      w.int64(SNAP_DBID);
    }
    // Both counts come first, so these two small sections are copied when serialization starts.
    const sessions = Array.from(this.source.sessions());
    w.int32(sessions.length);
    for (const [id, timeoutMs] of sessions) {
      w.int64(id);
      w.int32(timeoutMs);
    }
    this.sessions = sessions.length;
    const acls = Array.from(this.source.aclEntries());
    w.int32(acls.length);
    for (const e of acls) w.aclEntry(e);
    this.aclEntries = acls.length;
    this.nodeIter = this.source.nodes()[Symbol.iterator]();
    this.phase = 'nodes';
  }

  private writeNodes(started: number): void {
    const w = this.out;
    const it = this.nodeIter!;
    let inChunk = 0;
    for (;;) {
      const r = it.next();
      if (r.done === true) {
        this.nodeIter = undefined;
        this.phase = 'finish';
        return;
      }
      // "/" would read back as the end of the node list; the root is "".
      if (r.value.path === END_OF_NODES) throw new RangeError('a snapshot node path may not be "/" (the root is "")');
      w.node(r.value.path, r.value.node);
      this.nodes++;
      inChunk++;
      if (w.length >= this.chunkBytes || inChunk >= this.chunkNodes) return;
      if (inChunk % NODES_PER_CLOCK_CHECK === 0 && performance.now() - started >= this.chunkMs) return;
    }
  }

  private writeFinish(): void {
    const w = this.out;
    w.ustring(END_OF_NODES);
    if (this.mode === 'sync') {
      w.ustring(SNAP_SYNC_SIGNATURE);
    } else {
      this.seal();
      const digest = this.source.digest();
      if (digest !== null) {
        w.digest(digest);
        this.seal();
        this.digest = digest;
      }
    }
    this.phase = 'done';
  }

  /** long checksum-so-far + ustring "/": the checksum covers every byte before the long. */
  private seal(): void {
    const w = this.out;
    this.adler.update(w.view(this.checksummed));
    this.checksummed = w.length;
    w.int64(this.adler.value());
    w.ustring(END_OF_NODES);
  }

  /** The running checksum of everything produced so far ('file' mode). */
  checksum(): bigint {
    return this.adler.value();
  }
}

/** The whole stream as chunks; for tests and small trees (a shell should yield between chunks). */
export function* serializeSnapshotChunks(source: SnapshotSource, mode: SerializeMode, limits?: ChunkLimits): Generator<Buffer> {
  const s = new SnapshotSerializer(source, mode, limits);
  for (let c = s.next(); c !== null; c = s.next()) yield c;
}
