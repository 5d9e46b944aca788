// Constants of the snapshot format (reference: FileSnap, SnapStream, SerializeUtils,
// DataTree.serialize) and the one error every reader failure becomes.
//
// File layout, all big-endian, checksummed by a running Adler-32 over the UNCOMPRESSED bytes:
//   FileHeader{int magic "ZKSN", int version 2, long dbid -1}
//   int sessionCount, then {long id, int timeoutMs} per session
//   int aclCount, then {long index, int n, n x ACL{int perms, ustring scheme, ustring id}}
//   nodes in pre-order: ustring path (root ""), buffer data, long aclIndex, StatPersisted (60 B)
//   ustring "/"                            end of nodes
//   long adler32, ustring "/"              seal 1
//   long zxid, int version, long digest    digest section (only when digests are enabled)
//   long adler32, ustring "/"              seal 2 (only after a digest section)
// The SNAP sync stream on the quorum socket is sections 2-5 alone, then ustring "BenWasHere".

/** "ZKSN" */
export const SNAP_MAGIC = 0x5a4b534e;
export const SNAP_VERSION = 2;
export const SNAP_DBID = -1n;
export const FILE_HEADER_BYTES = 16;
/** Ends the node list and follows every seal. */
export const END_OF_NODES = '/';
/** Ends a SNAP sync stream (Leader/Learner signature). */
export const SNAP_SYNC_SIGNATURE = 'BenWasHere';
/** Digest version written by 3.6+; files with a version below 2 hold the digest as a hex string. */
export const DIGEST_VERSION = 2;

/** Default jute.maxbuffer (0xfffff) plus the default extra size (the same again): the longest string or buffer a reader accepts. */
export const SNAPSHOT_LENGTH_MAX_DEFAULT = 0xfffff * 2;

export type SnapshotCorruptReason =
  | 'BAD_MAGIC'
  | 'BAD_LENGTH'
  | 'TRUNCATED'
  | 'CHECKSUM_MISMATCH'
  | 'BAD_SEAL'
  | 'BAD_PATH'
  | 'MISSING_PARENT'
  | 'BAD_ACL'
  | 'BAD_DIGEST'
  | 'BAD_SIGNATURE'
  | 'BAD_COMPRESSION';

/**
 * A snapshot (file or SNAP stream) that cannot be trusted. Nodes already handed to the sink
 * before this was thrown must be discarded. `offset` is in the uncompressed stream.
 */
export class SnapshotCorruptError extends Error {
  override readonly name = 'SnapshotCorruptError';
  readonly code = 'SNAPSHOT_CORRUPT';
  constructor(
    readonly reason: SnapshotCorruptReason,
    readonly detail: string,
    readonly file: string | undefined,
    readonly offset: number | undefined,
  ) {
    super(`${file === undefined ? 'snapshot stream' : `snapshot ${file}`}: ${detail}${offset === undefined ? '' : ` (at uncompressed byte ${offset})`}`);
  }

  /** The same error, now naming the file it came from. */
  inFile(file: string): SnapshotCorruptError {
    return this.file === file ? this : new SnapshotCorruptError(this.reason, this.detail, file, this.offset);
  }
}
