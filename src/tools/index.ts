// The operator tools: dumps of txn logs and snapshots, and cleanup of old data files, each
// printing what the reference's own tool (zkTxnLogToolkit.sh, zkSnapShotToolkit.sh,
// zkCleanup.sh) prints.

export { CaptureIO, processIO, type ToolIO } from './io';
export { runTxnlog, formatTxnLine, formatTxnBody, txnJson, TXNLOG_USAGE } from './txnlog-tool';
export { runSnapshot, FormatterTree, SNAPSHOT_USAGE, type SnapshotToolOptions } from './snapshot-tool';
export { runCleanup, readDataDirs, CLEANUP_USAGE } from './cleanup-tool';
export { TxnLogFileReader, TxnLogFileError, type TxnLogFileHeader, type TxnLogFileRecord, type TxnLogFileEnd } from './txnlog-file';
export { juteToString, juteToJson, javaRecordListToString, type JsonValue } from './jute-render';
export { javaUtf8Decode } from '../protocol/jute/java-utf8';
