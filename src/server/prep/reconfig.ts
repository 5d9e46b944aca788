// reconfig on a quorum leader (PrepRequestProcessor's reconfig case at release-3.8.0-1): the
// checks and the new member list come from planReconfig; here they are fed from the request and
// the leader, and a passing request becomes the txn SetDataTxn{/zookeeper/config, new config
// text with version = this zxid, -1} with the config node's pending change recorded.

import type { ReconfigRequest } from '../../protocol/generated';
import { OpCode, ErrCode } from '../../protocol/opcodes';
import { quorumConfigText } from '../../quorum/election/config-text';
import { planReconfig, type ReconfigContext } from '../../quorum/reconfig/plan';
import { checkACL } from '../acl';
import { Perms } from '../../tree';
import { duplicate } from './changes';
import { checkSession, fail, ok, type OpContext, type OpResult } from './types';

export const CONFIG_NODE = '/zookeeper/config';

/** What the leader tells prep about its configs and followers (absent on anything but a leader). */
export type ReconfigHook = () => Omit<ReconfigContext, 'reconfigEnabled' | 'sessionErr' | 'isLeader' | 'mayWriteConfig'>;

export type ReconfigBody = { type: typeof OpCode.reconfig; txn: { path: string; data: Buffer; version: number } };

export function prepReconfig(ctx: OpContext, request: ReconfigRequest, hook: ReconfigHook | undefined): OpResult<ReconfigBody> {
  const node = ctx.changes.live(CONFIG_NODE);
  const plan = planReconfig(
    { joiningServers: request.joiningServers, leavingServers: request.leavingServers, newMembers: request.newMembers, curConfigId: request.curConfigId },
    {
      ...(hook?.() ?? { committedVersion: 0n, lastSeenVersion: 0n, lastSeenServers: [], standaloneEnabled: true, quorumSynced: () => false }),
      reconfigEnabled: ctx.env.config.reconfigEnabled === true,
      sessionErr: checkSession(ctx),
      isLeader: hook !== undefined,
      mayWriteConfig: node !== null && checkACL(node.acl, Perms.WRITE, ctx.authInfo, ctx.acl),
    },
  );
  if (!plan.ok) return fail(plan.err);
  if (node === null) return fail(ErrCode.NONODE);
  // The config's version is the txn's zxid; the node's data version becomes -1 (as Java sets it).
  const data = Buffer.from(quorumConfigText(plan.servers, ctx.zxid), 'utf8');
  ctx.changes.add(duplicate(node, ctx.zxid, { version: -1, mtime: ctx.time, mzxid: ctx.zxid }, node.childCount, data.length));
  return ok({ type: OpCode.reconfig, txn: { path: CONFIG_NODE, data, version: -1 } });
}
