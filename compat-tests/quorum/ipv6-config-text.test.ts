// How a config's hosts are spelled in /zookeeper/config and in `conf`'s membership, Java 3.8.0
// against zkts in one ensemble (Java 3 leads, zkts 1, Java 2): the quorum and election addresses
// are written three ways in every member's zoo.cfg, `[::1]`, `[0:0:0:0:0:0:0:1]` and `localhost`.
// Java prints an IP literal through InetSocketAddress.getHostString (an IPv6 one in full form)
// and a host name as written; zkts must print the same text. Needs ::1 on the loopback interface:
// skipped, saying so, on hosts without it. Client ports stay on 127.0.0.1 for the harness.

import test from 'ava';
import { readFileSync } from 'node:fs';
import { GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK, planEnsemble, type EnsembleMember } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { settled, startJavaMember, startZktsQuorumMember, type Member } from './ensemble-support';

/** Whether the kernel lists ::1 (a loopback IPv6 address) — read synchronously, before registering. */
function hasIpv6Loopback(): boolean {
  try {
    return /^0{31}1\s/m.test(readFileSync('/proc/net/if_inet6', 'utf8'));
  } catch {
    return false;
  }
}

const SPELLINGS: Record<number, string> = { 1: '[::1]', 2: '[0:0:0:0:0:0:0:1]', 3: 'localhost' };

function serverLines(plan: readonly EnsembleMember[]): Record<string, string> {
  return Object.fromEntries(plan.map((m) => [`server.${m.sid}`, `${SPELLINGS[m.sid]!}:${m.quorumPort}:${m.electionPort}:participant;${LOOPBACK}:${m.clientPort}`]));
}

async function configNode(m: Member): Promise<string> {
  const c = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
  try {
    await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
    const r = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/zookeeper/config', watch: false }), GetDataResponse);
    return r.body?.data?.toString('utf8') ?? `no data (err ${r.err})`;
  } finally {
    c.destroy();
  }
}

/** `conf`'s membership part: the server.N lines and version= (QuorumVerifier.toString). */
async function confMembership(m: Member): Promise<string> {
  const conf = await fourLetterWord(LOOPBACK, m.clientPort, 'conf', 5000);
  return conf
    .split('\n')
    .filter((l) => /^(server\.\d+|version)=/.test(l))
    .join('\n');
}

const ipv6 = hasIpv6Loopback();
const register = ipv6 ? test : test.skip;
if (!ipv6) console.log('ipv6-config-text: skipped, this host has no ::1 on its loopback interface');

register('IPv6 literals and host names in /zookeeper/config and conf: zkts writes what Java writes', async (t) => {
  t.timeout(300_000);
  const plan = await planEnsemble([3, 1, 2]);
  const config = serverLines(plan);
  const members: Member[] = [];
  try {
    members.push(await startJavaMember(3, plan, { config }));
    members.push(await startZktsQuorumMember({ myId: 1, members: plan, config }));
    members.push(await startJavaMember(2, plan, { config }));
    const modes = await settled(members, 90_000);
    t.is(modes.get(3), 'leader');
    const java = members.find((m) => m.sid === 2)!;
    const zkts = members.find((m) => m.sid === 1)!;
    const javaText = await configNode(java);
    t.log(javaText);
    // What the reference writes, stated once: both IPv6 spellings in full, the name as written.
    t.regex(javaText, /^server\.1=\[0:0:0:0:0:0:0:1\]:\d+:\d+:participant;127\.0\.0\.1:\d+$/m);
    t.regex(javaText, /^server\.2=\[0:0:0:0:0:0:0:1\]:\d+:\d+:participant;127\.0\.0\.1:\d+$/m);
    t.regex(javaText, /^server\.3=localhost:\d+:\d+:participant;127\.0\.0\.1:\d+$/m);
    t.is(await configNode(zkts), javaText, '/zookeeper/config');
    t.is(await confMembership(zkts), await confMembership(java), "conf's membership");
  } finally {
    await Promise.all(members.map((m) => m.stop()));
  }
});
