// The quota check of create and setData (ZooKeeperServer.checkQuota), only with
// zookeeper.enforceQuota. It reads the applied tree (not the outstanding changes), as the reference
// does: the deepest quota'd prefix, its zookeeper_limits and zookeeper_stats nodes. Only hard
// limits fail a request; soft limits are only logged by the reference.

import { ErrCode } from '../../protocol/opcodes';
import { type DataTree, StatsTrack, StatsTrackFormatError, limitPath, statPath } from '../../tree';

/**
 * 0, QUOTAEXCEEDED, or MARSHALLINGERROR when a limits/stats node does not parse (the reference
 * fails there with a runtime exception). `lastDataLength` is null for a create.
 */
export function checkQuota(tree: DataTree, path: string, lastDataLength: number | null, data: Buffer | null): number {
  const prefix = tree.getMaxPrefixWithQuota(path);
  if (prefix === null || prefix === '') return ErrCode.OK;
  const bytes = BigInt(data === null ? 0 : data.length);
  if (lastDataLength === null) return checkPrefix(tree, prefix, bytes, 1n);
  return checkPrefix(tree, prefix, bytes - BigInt(lastDataLength), 0n);
}

function checkPrefix(tree: DataTree, prefix: string, bytesDiff: bigint, countDiff: bigint): number {
  const limitNode = tree.getData(limitPath(prefix));
  if (limitNode === null) return ErrCode.OK;
  const limits = parseStats(limitNode.data);
  if (limits === null) return ErrCode.MARSHALLINGERROR;
  const checkCount = countDiff !== 0n && (limits.count > -1n || limits.countHardLimit > -1n);
  const checkBytes = bytesDiff !== 0n && (limits.bytes > -1n || limits.byteHardLimit > -1n);
  if (!checkCount && !checkBytes) return ErrCode.OK;

  const statNode = tree.getData(statPath(prefix));
  if (statNode === null) return ErrCode.OK;
  const current = parseStats(statNode.data);
  if (current === null) return ErrCode.MARSHALLINGERROR;

  if (checkCount && limits.countHardLimit > -1n && current.count + countDiff > limits.countHardLimit) {
    return ErrCode.QUOTAEXCEEDED;
  }
  if (checkBytes && limits.byteHardLimit > -1n && current.bytes + bytesDiff > limits.byteHardLimit) {
    return ErrCode.QUOTAEXCEEDED;
  }
  return ErrCode.OK;
}

/** new StatsTrack(node.data): null data or text it cannot parse is a runtime failure in the reference. */
function parseStats(data: Buffer | null): StatsTrack | null {
  if (data === null) return null;
  try {
    return StatsTrack.parse(data.toString('utf8'));
  } catch (e) {
    if (e instanceof StatsTrackFormatError) return null;
    throw e;
  }
}
