// Shared by the session compat tests (session-moved, local-sessions): a 3-member ensemble of
// chosen kinds started with extra zoo.cfg keys, a bounded request outcome that tells "no reply,
// connection closed" apart from a reply, and reads of a node's state after a sync.

import { ExistsRequest, ExistsResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { replyOrClose, type Reply, type ZkTestClient } from '../../test/support/zk-client';
import { planEnsemble } from '../support/java-ensemble';
import { settled, startJavaMember, startZktsQuorumMember, type Kind, type Member } from './ensemble-support';

/** The layouts the session tests compare: the all-Java run is the reference's own behaviour. */
export const LAYOUTS: readonly { name: string; kinds: Record<number, Kind> }[] = [
  { name: 'all Java', kinds: { 1: 'java', 2: 'java', 3: 'java' } },
  { name: 'Java leader, zkts followers', kinds: { 1: 'zkts', 2: 'zkts', 3: 'java' } },
  { name: 'zkts leader, Java followers', kinds: { 1: 'java', 2: 'java', 3: 'zkts' } },
];

/**
 * Starts sid 3 first (alone it elects nobody; with equal histories it leads once a second member
 * joins), then 1 and 2, each with `config` in its zoo.cfg; waits for a leader and serving members.
 */
export async function startEnsemble(kinds: Record<number, Kind>, config: Record<string, string> = {}): Promise<{ members: Member[]; stop: () => Promise<void> }> {
  const plan = await planEnsemble([3, 1, 2]);
  const members: Member[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(members.map((m) => m.stop()));
  };
  const start = async (sid: number): Promise<void> => {
    members.push(kinds[sid] === 'java' ? await startJavaMember(sid, plan, { config }) : await startZktsQuorumMember({ myId: sid, members: plan, config }));
  };
  try {
    await start(3);
    await Promise.all([start(1), start(2)]);
    const modes = await settled(members, 90_000);
    if (modes.get(3) !== 'leader') throw new Error(`expected 3 to lead, modes: ${JSON.stringify([...modes])}`);
  } catch (e) {
    await stop();
    throw e;
  }
  members.sort((a, b) => a.sid - b.sid);
  return { members, stop };
}

/** A request's outcome within `timeoutMs`: the reply, or the connection's end without one. */
export function outcome<T>(p: Promise<Reply<T>>, timeoutMs = 20_000): Promise<Reply<T> | 'closed without a reply'> {
  return replyOrClose(p, timeoutMs);
}

/** The node's version and ephemeral owner (null: no node) and the member's zxid, after a sync. */
export async function nodeState(c: ZkTestClient, path: string): Promise<{ version: number | null; owner: bigint | null; zxid: bigint }> {
  await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
  const r = await c.request(OpCode.exists, ExistsRequest.encode({ path, watch: false }), ExistsResponse);
  return { version: r.body?.stat.version ?? null, owner: r.body?.stat.ephemeralOwner ?? null, zxid: r.zxid };
}
