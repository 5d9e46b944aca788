// The data tree: storage, txn apply, digest, quotas, ACL cache and the snapshot contract.

export { DataTree, type MutationResult, type NodeInfo } from './data-tree';
export { DataTreeLoader, SnapshotTreeError } from './snapshot';
export type { ApplyResult, DataTreeOptions, TriggerType, TxnOutcome, WatchTrigger } from './types';
export { AclCache, AclCacheError, OPEN_ACL_INDEX, OPEN_ACL_UNSAFE, Perms, READ_ACL_UNSAFE } from './acl-cache';
export { AdHash, DIGEST_VERSION, isDigestExcluded, nodeDigest } from './digest';
export {
  CONTAINER_EPHEMERAL_OWNER,
  EphemeralType,
  type EphemeralTypeValue,
  InvalidEphemeralOwnerError,
  TTL_MAX_MS,
  clientEphemeralOwner,
  ephemeralTypeOf,
  ttlOfEphemeralOwner,
  ttlToEphemeralOwner,
} from './ephemeral-type';
export { CONFIG_PATH, PROC_PATH, QUOTA_PATH, ROOT_ALIAS, ROOT_PATH, childNameOf, eventPath, isSpecialPath, parentOf } from './paths';
export { LIMIT_NODE, PathTrie, STAT_NODE, StatsTrack, StatsTrackFormatError, limitPath, quotaPath, statPath } from './quota';
