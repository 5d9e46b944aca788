// Mixed ensembles of Apache ZooKeeper 3.8.0 (Debian) and zkts processes on loopback: with equal
// (empty) histories the highest sid leads, so each layout puts the leader on a chosen side. Every
// member takes writes (followers forward them), every member shows every write after a sync, an
// ephemeral dies everywhere with its session, and the Java members log no errors about what the
// zkts members sent them (digest mismatches, bad packets, exceptions).

import test from 'ava';
import { CreateRequest, CreateResponse, GetChildrenRequest, GetChildrenResponse, GetDataRequest, GetDataResponse, SyncRequest, SyncResponse } from '../../src/protocol/generated';
import { ErrCode, OpCode } from '../../src/protocol/opcodes';
import { ZkTestClient } from '../../test/support/zk-client';
import { LOOPBACK } from '../support/java-ensemble';
import { fourLetterWord } from '../support/java-server';
import { settled, startLayout, type Kind, type Member } from './ensemble-support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

const BENIGN = /tries=\d+, remaining init limit=\d+, connecting to/;
const ELECTION_CHURN = /QuorumCnxManager - Connection broken for id \d+/;

/** Lines in a Java member's log that mean something went wrong between the members. */
const JAVA_TROUBLE = /digest mismatch|Digest (?:value|mismatch)|Unexpected exception|Exception when following|Exception while|Got unexpected packet|Unknown packet type|BufferUnderflow|EOFException|Committing zxid .* but next pending|ERROR \[/i;

async function exercise(t: import('ava').ExecutionContext, members: Member[]): Promise<void> {
  const clients = new Map<number, ZkTestClient>();
  try {
    for (const m of members) clients.set(m.sid, await ZkTestClient.connect(LOOPBACK, m.clientPort, { timeoutMs: 10_000 }));
    // A write through every member (the followers forward theirs to the leader).
    for (const m of members) {
      const r = await clients.get(m.sid)!.request(OpCode.create, CreateRequest.encode({ path: `/via-${m.sid}`, data: Buffer.from(`${m.kind}-${m.sid}`), acl: OPEN_ACL, flags: 0 }), CreateResponse);
      t.is(r.err, ErrCode.OK, `create through ${m.kind} ${m.sid}`);
    }
    const owner = clients.get(members[0]!.sid)!;
    t.is((await owner.request(OpCode.create, CreateRequest.encode({ path: '/eph', data: Buffer.from('e'), acl: OPEN_ACL, flags: 1 }), CreateResponse)).err, ErrCode.OK);
    // Every member shows every write once it has synced with the leader.
    for (const m of members) {
      const c = clients.get(m.sid)!;
      t.is((await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse)).err, ErrCode.OK, `sync on ${m.sid}`);
      const kids = await c.request(OpCode.getChildren, GetChildrenRequest.encode({ path: '/', watch: false }), GetChildrenResponse);
      t.deepEqual([...(kids.body?.children ?? [])].sort(), ['eph', ...members.map((x) => `via-${x.sid}`), 'zookeeper'].sort(), `children on ${m.kind} ${m.sid}`);
      for (const x of members) {
        const d = await c.request(OpCode.getData, GetDataRequest.encode({ path: `/via-${x.sid}`, watch: false }), GetDataResponse);
        t.is(d.body?.data?.toString(), `${x.kind}-${x.sid}`, `/via-${x.sid} on ${m.sid}`);
      }
    }
    // The session that owns /eph closes: the node goes on every member.
    await owner.close();
    clients.delete(members[0]!.sid);
    for (const m of members.slice(1)) {
      const c = clients.get(m.sid)!;
      await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
      const d = await c.request(OpCode.getData, GetDataRequest.encode({ path: '/eph', watch: false }), GetDataResponse);
      t.is(d.err, ErrCode.NONODE, `/eph gone on ${m.sid}`);
    }
    // Same history everywhere: the zxid every member reports.
    const zxids = new Set<string>();
    for (const m of members.slice(1)) {
      const c = clients.get(m.sid)!;
      const r = await c.request(OpCode.sync, SyncRequest.encode({ path: '/' }), SyncResponse);
      zxids.add(r.zxid.toString(16));
    }
    t.is(zxids.size, 1, `one zxid: ${[...zxids].join(',')}`);
  } finally {
    for (const c of clients.values()) c.destroy();
  }
}

function javaTrouble(members: Member[]): string[] {
  const out: string[] = [];
  for (const m of members) {
    if (m.kind !== 'java') continue;
    const lines = m.output().split('\n');
    lines.forEach((line, i) => {
      // A follower dialling its leader before the leader listens retries: start-up noise.
      // An election connection that the other side closes (the larger sid's dial wins) logs
      // "Connection broken" with an EOFException below it: churn, not an error.
      const prev = lines[i - 1] ?? '';
      if (JAVA_TROUBLE.test(line) && !BENIGN.test(line) && !ELECTION_CHURN.test(prev)) out.push(`java ${m.sid}: ${prev} | ${line}`);
    });
  }
  return out;
}

/** Keys (and for conf the layout) of conf, mntr and srvr agree between the two implementations. */
async function compareWords(t: import('ava').ExecutionContext, members: Member[], modes: Map<number, string>): Promise<void> {
  const word = (m: Member, w: string): Promise<string> => fourLetterWord(LOOPBACK, m.clientPort, w, 5000);
  const confKeys = (text: string): string[] => text.split('\n').map((l) => (l.startsWith('server.') ? 'server.N' : l.split('=')[0]!));
  for (const role of ['leader', 'follower']) {
    const java = members.find((m) => m.kind === 'java' && modes.get(m.sid) === role);
    const zkts = members.find((m) => m.kind === 'zkts' && modes.get(m.sid) === role);
    if (java === undefined || zkts === undefined) continue;
    t.deepEqual(confKeys(await word(zkts, 'conf')), confKeys(await word(java, 'conf')), `conf layout of a ${role}`);
    const [jm, zm] = [await word(java, 'mntr'), await word(zkts, 'mntr')];
    const peerState = (text: string): string | undefined => /^zk_peer_state\t(.*)$/m.exec(text)?.[1];
    t.is(peerState(zm), peerState(jm), `zk_peer_state of a ${role}`);
    for (const key of ['zk_quorum_size', 'zk_learners', 'zk_synced_followers', 'zk_synced_observers', 'zk_pending_syncs', 'zk_last_proposal_size']) {
      t.is(new RegExp(`^${key}\t`, 'm').test(zm), new RegExp(`^${key}\t`, 'm').test(jm), `${key} on a ${role}`);
    }
    const proposalLine = (text: string): boolean => /^Proposal sizes last\/min\/max: -?\d+\/-?\d+\/-?\d+$/m.test(text);
    t.is(proposalLine(await word(zkts, 'srvr')), proposalLine(await word(java, 'srvr')), `srvr's proposal sizes line on a ${role}`);
  }
  // A zkts member applying a Java leader's txns checks their digests against its own tree.
  for (const m of members.filter((x) => x.kind === 'zkts')) t.regex(await word(m, 'mntr'), /^zk_digest_mismatches_count\t0$/m, `no digest mismatch on zkts ${m.sid}`);
}

const LAYOUTS: { name: string; kinds: Record<number, Kind>; leader: Kind; observers?: number[] }[] = [
  { name: 'Java 1, zkts 2, zkts 3: a zkts leader with a Java follower', kinds: { 1: 'java', 2: 'zkts', 3: 'zkts' }, leader: 'zkts' },
  { name: 'zkts 1, zkts 2, Java 3: a Java leader with zkts followers', kinds: { 1: 'zkts', 2: 'zkts', 3: 'java' }, leader: 'java' },
  { name: 'Java 1, Java 2, zkts 3: a zkts leader with Java followers', kinds: { 1: 'java', 2: 'java', 3: 'zkts' }, leader: 'zkts' },
  { name: 'zkts 1, Java 2, Java 3: a Java leader with a zkts follower', kinds: { 1: 'zkts', 2: 'java', 3: 'java' }, leader: 'java' },
  { name: 'Java 1, 2, 3 and a zkts observer 4 (INFORM from a Java leader)', kinds: { 1: 'java', 2: 'java', 3: 'java', 4: 'zkts' }, leader: 'java', observers: [4] },
  { name: 'zkts 1, 2, 3 and a Java observer 4 (INFORM from a zkts leader)', kinds: { 1: 'zkts', 2: 'zkts', 3: 'zkts', 4: 'java' }, leader: 'zkts', observers: [4] },
];

for (const layout of LAYOUTS) {
  test.serial(layout.name, async (t) => {
    const observers = layout.observers ?? [];
    const members = await startLayout(layout.kinds, observers);
    try {
      const modes = await settled(members);
      t.is(modes.get(3), 'leader', 'equal histories: the highest sid leads');
      t.is(members.find((m) => m.sid === 3)!.kind, layout.leader);
      for (const sid of [1, 2]) t.is(modes.get(sid), 'follower');
      for (const sid of observers) t.is(modes.get(sid), 'observer');
      await exercise(t, members);
      t.deepEqual(javaTrouble(members), [], 'no errors in the Java logs');
      await compareWords(t, members, modes);
    } finally {
      await Promise.all(members.map((m) => m.stop()));
    }
  });
}
