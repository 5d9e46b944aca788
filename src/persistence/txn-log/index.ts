// The transaction log: `log.<zxid>` files in dataLogDir/version-2, byte-compatible with the
// reference's FileTxnLog.

export {
  ENTRY_BYTES_MAX_DEFAULT,
  PREALLOC_BYTES_DEFAULT,
  TXNLOG_MAGIC,
  TxnLogCorruptError,
  TxnLogTruncateError,
  TxnLogWriterError,
  type TxnLogCorruptReason,
  type TxnLogTruncateReason,
} from './format';
export { LOG_FILE_PREFIX, filesFrom, listLogFiles, makeLogName, zxidFromName, type LogFile } from './names';
export { paddedFileSize } from './padding';
export {
  openTxnIterator,
  TxnLogIterator,
  type TxnIteratorOptions,
  type TxnLogFileEnd,
  type TxnLogFileEndReason,
  type TxnLogRecord,
} from './reader';
export { lastLoggedZxid, truncateTxnLog, type TruncateResult } from './truncate';
export { TxnLogWriter, type AppendInput, type EncodedTxn, type TxnLogObserver, type TxnLogWriterOptions, type TxnLogWriterStats } from './writer';
export { nodeTxnLogFs, type LogFileHandle, type TxnLogFs } from './writer-fs';
