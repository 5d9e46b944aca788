// The AdminServer's quorum commands with an observer present, zkts against Apache ZooKeeper 3.8.0:
// one all-Java ensemble and one all-zkts ensemble, each with voters 2 and 3 (3 leads: it starts
// first) and observer 4, the AdminServer on the leader and the follower. After the same write
// through each observer, `observers`, `leader`, `voting_view` and `observer_connection_stat_reset`
// must answer with the same JSON structure (values replaced by their JSON type), and the values
// that do not depend on timing (sids, counts, the leader's id) must be equal.

import test from 'ava';
import * as zookeeper from 'node-zookeeper-client';
import { http } from '../../test/admin/support';
import { fourLetterWord, freePort } from '../support/java-server';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { settled, startJavaMember, startZktsQuorumMember, type Kind, type Member } from '../quorum/ensemble-support';
import { startJavaAdminMember } from './java-admin-member';

interface AdminMember {
  readonly member: Member;
  readonly adminPort: number;
}

/** 3 first (alone it cannot elect anyone, so it leads), then 2 and observer 4; admin on 2 and 3. */
async function startWithAdmin(kind: Kind): Promise<{ members: Member[]; admin: Map<number, AdminMember> }> {
  const plan = await planEnsemble([2, 3, 4], [4]);
  const members: Member[] = [];
  const admin = new Map<number, AdminMember>();
  const start = async (sid: number): Promise<void> => {
    const adminPort = sid === 4 ? 0 : await freePort(LOOPBACK);
    const config: Record<string, string> =
      sid === 4 ? {} : { 'admin.enableServer': 'true', 'admin.serverAddress': LOOPBACK, 'admin.serverPort': String(adminPort) };
    let m: Member;
    if (kind === 'zkts') m = await startZktsQuorumMember({ myId: sid, members: plan as EnsembleMember[], config });
    else m = sid === 4 ? await startJavaMember(sid, plan) : await startJavaAdminMember(sid, plan, adminPort);
    members.push(m);
    if (sid !== 4) admin.set(sid, { member: m, adminPort });
  };
  try {
    await start(3);
    await Promise.all([start(2), start(4)]);
  } catch (e) {
    await Promise.all(members.map((m) => m.stop()));
    throw e;
  }
  return { members, admin };
}

async function command(a: AdminMember, name: string): Promise<Record<string, unknown>> {
  const r = await http(`http://${LOOPBACK}:${a.adminPort}/commands/${name}`).catch((e: unknown) => {
    throw new Error(`${a.member.kind} ${a.member.sid} ${name}: ${e instanceof Error ? e.message : String(e)}\n${a.member.output().split('\n').filter((l) => /admin|Jetty|8080/i.test(l)).slice(-10).join('\n')}`);
  });
  if (r.status !== 200) throw new Error(`${name}: HTTP ${r.status}: ${r.body}`);
  return JSON.parse(r.body) as Record<string, unknown>;
}

/** The JSON with every leaf replaced by its type; object keys keep their order. */
function shape(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.map(shape);
  if (typeof v === 'object') return Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, shape(x)]);
  return typeof v;
}

/** A create through the observer: a REQUEST it forwards to the leader, an INFORM back. */
async function writeThrough(m: Member): Promise<void> {
  const c = zookeeper.createClient(`${LOOPBACK}:${m.clientPort}`, { sessionTimeout: 10_000, retries: 0 });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no connection to the observer within 10 s')), 10_000);
      c.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
      c.connect();
    });
    await new Promise<void>((resolve, reject) => c.create('/obs', Buffer.from('x'), (e: unknown) => (e ? reject(e instanceof Error ? e : new Error(String(e))) : resolve())));
  } finally {
    c.close();
  }
}

interface Answers {
  observers: Record<string, unknown>;
  followerObservers: Record<string, unknown>;
  leader: Record<string, unknown>;
  votingView: Record<string, unknown>;
  orst: Record<string, unknown>;
  afterReset: Record<string, unknown>;
  /** The leader's mntr learner gauges. */
  mntr: Record<string, string | undefined>;
}

async function ask(kind: Kind): Promise<Answers> {
  const { members, admin } = await startWithAdmin(kind);
  try {
    const modes = await settled(members);
    if (modes.get(3) !== 'leader' || modes.get(4) !== 'observer') throw new Error(`${kind}: unexpected roles ${[...modes].join(' ')}`);
    await writeThrough(members.find((m) => m.sid === 4)!);
    const leader = admin.get(3)!;
    return {
      observers: await command(leader, 'observers'),
      followerObservers: await command(admin.get(2)!, 'obsr'),
      leader: await command(leader, 'leader'),
      votingView: await command(leader, 'voting_view'),
      orst: await command(leader, 'orst'),
      afterReset: await command(leader, 'observers'),
      mntr: await learnerGauges(leader.member),
    };
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
}

async function learnerGauges(m: Member): Promise<Record<string, string | undefined>> {
  const text = await fourLetterWord(LOOPBACK, m.clientPort, 'mntr', 5000);
  const keys = ['learners', 'synced_followers', 'synced_non_voting_followers', 'synced_observers'];
  return Object.fromEntries(keys.map((k) => [k, new RegExp(`^zk_${k}\\t(.*)$`, 'm').exec(text)?.[1]]));
}

const firstObserver = (a: Record<string, unknown>): Record<string, unknown> => (a['observers'] as Record<string, unknown>[])[0]!;

test('observers, leader, voting_view and orst with an observer: same as Apache ZooKeeper 3.8.0', async (t) => {
  const java = await ask('java');
  const zkts = await ask('zkts');
  t.log(`Java observers: ${JSON.stringify(java.observers)}; zkts: ${JSON.stringify(zkts.observers)}`);
  t.log(`Java voting_view: ${JSON.stringify(java.votingView)}; zkts: ${JSON.stringify(zkts.votingView)}`);
  for (const k of ['observers', 'followerObservers', 'leader', 'votingView', 'orst', 'afterReset'] as const) {
    t.deepEqual(shape(zkts[k]), shape(java[k]), `${k}: zkts ${JSON.stringify(zkts[k])} / Java ${JSON.stringify(java[k])}`);
  }
  for (const a of [java, zkts]) {
    t.is(a.observers['synced_observers'], 1);
    t.is(firstObserver(a.observers)['sid'], 4);
    t.true((firstObserver(a.observers)['requests'] as number) >= 1, 'the forwarded create counts');
    t.is(a.followerObservers['synced_observers'], 0);
    t.deepEqual(a.followerObservers['observers'], []);
    t.is(a.leader['is_leader'], true);
    t.is(a.leader['leader_id'], 3);
    t.is(a.leader['leader_ip'], LOOPBACK);
    t.deepEqual(Object.keys(a.votingView['current_config'] as object), ['2', '3']);
    // No client request reached the leader from the observer after the reset.
    t.is(firstObserver(a.afterReset)['requests'], 0);
  }
  // mntr on the leaders: one follower and one observer, both synced.
  t.deepEqual(zkts.mntr, java.mntr);
  t.deepEqual(java.mntr, { learners: '2', synced_followers: '1', synced_non_voting_followers: '0', synced_observers: '1' });
  // Same config text: the voting views are equal but for the ports each ensemble picked.
  const ports = (v: unknown): string => JSON.stringify(v).replace(/:\d+/g, ':<port>');
  t.is(ports(zkts.votingView['current_config']), ports(java.votingView['current_config']));
});
