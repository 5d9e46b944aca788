// `dump`, `cons` and mntr's session gauges on members with local sessions (localSessionsEnabled,
// upgrading on), differential: the same clients on an all-Java 3.8.0 ensemble and on the mixed
// ones (Java leader with zkts followers, zkts leader with Java followers). Through every member one
// client stays local and one upgrades (an ephemeral create). Each member's answers are reduced to
// what must match: the dump's sections in order, the sessions each lists (named by the client that
// owns them, ids differ between runs), the counts in the headers, a learner's global-session
// timeouts, the ephemerals; the sessions `cons` shows; zk_global_sessions and zk_local_sessions.
// Expiry buckets are not compared one by one: how sessions fall into them depends on timing.

import test from 'ava';
import { CreateRequest, CreateResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import type { Member } from '../quorum/ensemble-support';
import { LAYOUTS, nodeState, startEnsemble } from '../quorum/session-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];
const LOCAL_ON = { localSessionsEnabled: 'true', localSessionsUpgradingEnabled: 'true' };

async function create(c: ZkTestClient, path: string, flags: number): Promise<number> {
  return (await c.request(OpCode.create, CreateRequest.encode({ path, data: Buffer.from('d'), acl: OPEN_ACL, flags }), CreateResponse)).err;
}

type Names = Map<bigint, string>;

const idName = (names: Names, hexId: string): string => names.get(BigInt.asIntN(64, BigInt(`0x${hexId}`))) ?? names.get(BigInt(`0x${hexId}`)) ?? 'unknown session';

/** A dump reduced to its sections: header (counts kept), the sessions listed, learner timeouts, ephemerals. */
function dumpStructure(text: string, names: Names): { sections: string[]; sessions: Record<string, string[]>; timeouts: Record<string, string>; ephemerals: Record<string, string[]>; unparsed: string[] } {
  const sections: string[] = [];
  const sessions: Record<string, string[]> = {};
  const timeouts: Record<string, string> = {};
  const ephemerals: Record<string, string[]> = {};
  const unparsed: string[] = [];
  let section = '';
  let owner = '';
  for (const line of text.split('\n')) {
    if (line === 'Connections dump:') {
      // The reference's NIO factory lists its idle-connection sets after this; zkts has none.
      sections.push(line);
      break;
    }
    let m: RegExpExecArray | null;
    if ((m = /^((?:Local |Global )?Session Sets) \((\d+)\)\/\((\d+)\):$/.exec(line)) !== null) {
      section = m[1]!;
      sections.push(`${section} (<buckets>)/(${m[3]!})`);
      sessions[section] = [];
    } else if ((m = /^(Global Sessions)\((\d+)\):$/.exec(line)) !== null) {
      section = m[1]!;
      sections.push(line);
      sessions[section] = [];
    } else if (line === 'SessionTracker dump:' || line === 'ephemeral nodes dump:' || /^Sessions with Ephemerals \(\d+\):$/.test(line)) {
      section = line;
      sections.push(line);
    } else if (/^\d+ expire at .+:$/.test(line) && section.endsWith('Session Sets')) {
      // A bucket: its sessions follow.
    } else if ((m = /^\t0x([0-9a-f]+)$/.exec(line)) !== null && section.endsWith('Session Sets')) {
      sessions[section]!.push(idName(names, m[1]!));
    } else if ((m = /^0x([0-9a-f]+)\t(\d+)ms$/.exec(line)) !== null && section === 'Global Sessions') {
      const name = idName(names, m[1]!);
      sessions[section]!.push(name);
      timeouts[name] = m[2]!;
    } else if ((m = /^0x([0-9a-f]+):$/.exec(line)) !== null && section.startsWith('Sessions with Ephemerals')) {
      owner = idName(names, m[1]!);
      ephemerals[owner] = [];
    } else if ((m = /^\t(\/.*)$/.exec(line)) !== null && owner !== '') {
      ephemerals[owner]!.push(m[1]!);
    } else {
      unparsed.push(line);
    }
  }
  // Java prints a bucket's sessions in hash-set order: sorted for comparison. A learner's Global
  // Sessions lines are in id order on both sides, so their order is compared as printed.
  for (const k of Object.keys(sessions)) if (k !== 'Global Sessions') sessions[k]!.sort();
  return { sections, sessions, timeouts, ephemerals, unparsed };
}

function consSessions(text: string, names: Names): string[] {
  return [...text.matchAll(/sid=0x([0-9a-f]+)/g)].map((m) => idName(names, m[1]!)).sort();
}

function mntrValue(text: string, key: string): string | undefined {
  return new RegExp(`^zk_${key}\\t(.*)$`, 'm').exec(text)?.[1];
}

async function observe(members: Member[]): Promise<Record<string, unknown>> {
  const names: Names = new Map();
  const clients: ZkTestClient[] = [];
  try {
    for (const m of members) {
      const local = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
      clients.push(local);
      names.set(BigInt.asIntN(64, local.sessionId), `local via ${m.sid}`);
      const upgraded = await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 });
      clients.push(upgraded);
      names.set(BigInt.asIntN(64, upgraded.sessionId), `upgraded via ${m.sid}`);
      if ((await create(upgraded, `/lss-${m.sid}`, 1)) !== ErrCode.OK) throw new Error(`ephemeral create through ${m.sid} failed`);
    }
    // Every member has applied every upgrade (createSession) once a sync through it has returned.
    for (const [i, m] of members.entries()) await nodeState(clients[2 * i]!, `/lss-${m.sid}`);
    const out: Record<string, unknown> = {};
    for (const m of members) {
      const role = (await fourLetterWord(LOOPBACK, m.clientPort, 'srvr', 5000)).match(/^Mode: (\w+)$/m)?.[1];
      const mntr = await fourLetterWord(LOOPBACK, m.clientPort, 'mntr', 5000);
      out[`member ${m.sid}`] = {
        role,
        dump: dumpStructure(await fourLetterWord(LOOPBACK, m.clientPort, 'dump', 5000), names),
        cons: consSessions(await fourLetterWord(LOOPBACK, m.clientPort, 'cons', 5000), names),
        globalSessions: mntrValue(mntr, 'global_sessions'),
        localSessions: mntrValue(mntr, 'local_sessions'),
      };
    }
    return out;
  } finally {
    for (const c of clients) c.destroy();
  }
}

let reference: Record<string, unknown> | null = null;

for (const layout of LAYOUTS) {
  test.serial(`dump, cons and session gauges with local sessions: ${layout.name}`, async (t) => {
    t.timeout(300_000);
    const e = await startEnsemble(layout.kinds, LOCAL_ON);
    try {
      const got = await observe(e.members);
      t.log(JSON.stringify(got));
      if (reference === null) {
        reference = got;
        // What the reference prints, stated once so a broken harness cannot pass silently.
        t.is(layout.name, 'all Java');
        const leader = got['member 3'] as { dump: ReturnType<typeof dumpStructure>; localSessions: string; globalSessions: string };
        t.deepEqual(leader.dump.sessions['Local Session Sets'], ['local via 3']);
        t.deepEqual(leader.dump.sessions['Global Session Sets'], ['upgraded via 1', 'upgraded via 2', 'upgraded via 3']);
        const follower = got['member 1'] as typeof leader;
        t.deepEqual(follower.dump.sessions['Global Sessions'], ['upgraded via 1', 'upgraded via 2', 'upgraded via 3']);
        t.is(follower.localSessions, '1');
        t.is(follower.globalSessions, '3');
      }
      t.deepEqual(got, reference, `${layout.name} prints what the all-Java ensemble prints`);
    } finally {
      await e.stop();
    }
  });
}
