// The AdminServer's `dump` (expiry_time_to_session_ids) with local sessions on, zkts against Apache
// ZooKeeper 3.8.0: an all-Java and an all-zkts ensemble (voters 1..3, 3 leads), AdminServer on the
// leader and on follower 1. Through each member one client stays local and one upgrades (an
// ephemeral create). The leader's map lists every global session and never a follower's local
// one (its own local session too, unless a global bucket with the same expiry time replaced it:
// the reference putAll()s the global map over the local one); a learner's map is always empty.

import test from 'ava';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { http } from '../../test/admin/support';
import { freePort } from '../support/java-server';
import { LOOPBACK, planEnsemble } from '../support/java-ensemble';
import { settled, startJavaMember, startZktsQuorumMember, type Kind, type Member } from '../quorum/ensemble-support';
import { startJavaAdminMember } from './java-admin-member';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const LOCAL_ON = { localSessionsEnabled: 'true', localSessionsUpgradingEnabled: 'true' };

async function start(kind: Kind): Promise<{ members: Member[]; adminPorts: Map<number, number> }> {
  const plan = await planEnsemble([1, 2, 3]);
  const members: Member[] = [];
  const adminPorts = new Map<number, number>();
  const one = async (sid: number): Promise<void> => {
    const withAdmin = sid !== 2;
    const port = withAdmin ? await freePort(LOOPBACK) : 0;
    if (withAdmin) adminPorts.set(sid, port);
    const admin: Record<string, string> = withAdmin ? { 'admin.enableServer': 'true', 'admin.serverAddress': LOOPBACK, 'admin.serverPort': String(port) } : {};
    if (kind === 'zkts') members.push(await startZktsQuorumMember({ myId: sid, members: plan, config: { ...LOCAL_ON, ...admin } }));
    else members.push(withAdmin ? await startJavaAdminMember(sid, plan, port, LOCAL_ON) : await startJavaMember(sid, plan, { config: LOCAL_ON }));
  };
  try {
    await one(3);
    await Promise.all([one(1), one(2)]);
  } catch (e) {
    await Promise.all(members.map((m) => m.stop()));
    throw e;
  }
  return { members, adminPorts };
}

async function expiryMap(adminPort: number): Promise<Record<string, unknown>> {
  const r = await http(`http://${LOOPBACK}:${adminPort}/commands/dump`);
  if (r.status !== 200) throw new Error(`dump: HTTP ${r.status}: ${r.body}`);
  // Session ids above 2^53 lose digits in JSON.parse; quote them first (the keys are times).
  const body = JSON.parse(r.body.replace(/(?<=[[,]\s*)(-?\d{6,})(?=\s*[,\]])/g, '"$1"')) as Record<string, unknown>;
  return body['expiry_time_to_session_ids'] as Record<string, unknown>;
}

/** What each ensemble shows, with session ids replaced by the client that owns them. */
async function observe(kind: Kind): Promise<{ leader: { names: string[]; keysAscend: boolean }; follower: Record<string, unknown> }> {
  const { members, adminPorts } = await start(kind);
  const clients: ZkTestClient[] = [];
  try {
    const modes = await settled(members);
    if (modes.get(3) !== 'leader') throw new Error(`${kind}: 3 does not lead: ${[...modes].join(' ')}`);
    const names = new Map<string, string>();
    for (const m of members) {
      const local = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
      const upgraded = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
      clients.push(local, upgraded);
      names.set(BigInt.asIntN(64, local.sessionId).toString(), `local via ${m.sid}`);
      names.set(BigInt.asIntN(64, upgraded.sessionId).toString(), `upgraded via ${m.sid}`);
      const err = (await upgraded.request(OpCode.create, CreateRequest.encode({ path: `/d${m.sid}`, data: Buffer.alloc(0), acl: OPEN_ACL, flags: 1 }), CreateResponse)).err;
      if (err !== ErrCode.OK) throw new Error(`${kind}: ephemeral create through ${m.sid}: ${err}`);
    }
    const leaderMap = await expiryMap(adminPorts.get(3)!);
    const listed = Object.values(leaderMap).flatMap((ids) => (ids as (string | number)[]).map((id) => names.get(String(id)) ?? `unknown ${id}`));
    const keys = Object.keys(leaderMap).map(Number);
    return {
      leader: { names: listed.sort(), keysAscend: keys.every((k, i) => i === 0 || keys[i - 1]! < k) },
      follower: await expiryMap(adminPorts.get(1)!),
    };
  } finally {
    for (const c of clients) c.destroy();
    await Promise.all(members.map((m) => m.stop()));
  }
}

test('admin dump with local sessions: the leader merges its local sessions in, learners answer an empty map', async (t) => {
  t.timeout(300_000);
  const java = await observe('java');
  const zkts = await observe('zkts');
  t.log(`Java: ${JSON.stringify(java)}; zkts: ${JSON.stringify(zkts)}`);
  for (const [who, got] of [['Java', java], ['zkts', zkts]] as const) {
    const globals = ['upgraded via 1', 'upgraded via 2', 'upgraded via 3'];
    t.deepEqual(got.leader.names.filter((n) => n !== 'local via 3'), globals, `${who}: the leader lists the global sessions and maybe its own local one`);
    t.true(got.leader.keysAscend, `${who}: expiry times ascend`);
    t.deepEqual(got.follower, {}, `${who}: a learner's map is empty`);
  }
});
