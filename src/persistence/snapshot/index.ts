// Snapshot files and the SNAP sync stream, byte-compatible with Apache ZooKeeper 3.8.

export { SnapshotCorruptError, type SnapshotCorruptReason, SNAPSHOT_LENGTH_MAX_DEFAULT } from './format';
export { writeSnapshot, SnapshotAbortedError, type WriteSnapshotOptions, type WriteSnapshotResult } from './writer';
export { readSnapshot, digestToCompare, type ReadSnapshotOptions, type ReadSnapshotResult } from './reader';
export { SnapshotSerializer, serializeSnapshotChunks, type ChunkLimits, type SerializeMode } from './serializer';
export { SnapshotParser, type ParseResult, type ParserOptions } from './parser';
export { snapStreamChunks, writeSnapStream, readSnapStream, SnapStreamReader, type ReadSnapStreamResult } from './snap-stream';
export { purge, purgeCandidates, PurgeError, PURGE_RETAIN_COUNT_MIN, type PurgeResult } from './purge';
export { XerialSnappyEncoder, XerialSnappyDecoder, XerialSnappyError } from './xerial-snappy';
export { listSnapshots, findValidSnapshots, isValidSnapshotFile, type SnapshotFile } from '../files';
