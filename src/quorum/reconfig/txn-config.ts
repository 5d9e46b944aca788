// A reconfig txn is a SetDataTxn on /zookeeper/config with header type reconfig (16): its data is
// the new QuorumVerifier.toString(). Learners read the config out of PROPOSAL / COMMITANDACTIVATE /
// INFORMANDACTIVATE txns with this.

import { OpCode } from '../../protocol/opcodes';
import type { ZabTxn } from '../zab/common';

/** The config text a reconfig txn carries, or null for any other txn. */
export function reconfigTextOf(t: ZabTxn): string | null {
  const b = t.txn.body;
  if (b.type !== OpCode.reconfig) return null;
  return b.txn.data === null ? '' : b.txn.data.toString('utf8');
}
