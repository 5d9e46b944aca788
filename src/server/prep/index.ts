// The prep step of the write path: request → txn (or read, or reject), with outstanding changes.

export { RequestPreparer } from './preparer';
export type { PrepConfig, PrepSessions, PreparerEnv } from './types';
export { OutstandingChanges, type ChangeRecord } from './changes';
export { validatePath, createModeOf, sequenceSuffix, type CreateMode } from './path-rules';
export { JavaHashSet } from '../../util/java-hash-set';
