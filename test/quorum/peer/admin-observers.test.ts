// The AdminServer's quorum commands on an in-process zkts ensemble (voters 1..3, 3 leads; observer
// 4): `observers` on the leader lists the observer's LearnerHandler info (Commands'
// SyncedObserverConsCommand), `observer_connection_stat_reset` zeroes its counters, `leader` gives
// the leader's id and address, `voting_view` the voters of the current config.

import test from 'ava';
import { runCommand } from '../../../src/admin/commands';
import type { JsonValue } from '../../../src/admin/json';
import { zkServerSource } from '../../../src/admin/source';
import { CreateRequest, CreateResponse } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { HOST, TestEnsemble } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function ask(e: TestEnsemble, sid: number, name: string): Map<string, JsonValue> {
  return runCommand(name, { source: zkServerSource(e.peer(sid).zk), args: new Map() });
}

const field = (m: JsonValue | undefined, k: string): JsonValue | undefined => (m instanceof Map ? m.get(k) : undefined);

test.serial('observers, orst, leader and voting_view on a zkts leader with an observer', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3, 4], [4]);
  try {
    await e.startAll();
    t.is(await e.settled(), 3);
    await e.peer(4).waitFor('the observer to serve', (p) => p.state === 'OBSERVING' && p.serving, 20_000);
    // A write through the observer: a REQUEST it forwards and an INFORM back.
    const oc = await e.client(4);
    t.is((await oc.request(OpCode.create, CreateRequest.encode({ path: '/x', data: Buffer.from('x'), acl: OPEN_ACL, flags: 0 }), CreateResponse)).err, ErrCode.OK);

    const obs = ask(e, 3, 'obsr');
    t.is(obs.get('command'), 'observers');
    t.is(obs.get('synced_observers'), 1);
    const list = obs.get('observers') as JsonValue[];
    t.is(list.length, 1);
    const o = list[0] as Map<string, JsonValue>;
    t.deepEqual([...o.keys()], ['remote_socket_address', 'sid', 'established', 'queued_packets', 'queued_packets_size', 'packets_received', 'packets_sent', 'requests', 'last_zxid']);
    t.is(o.get('sid'), 4n);
    t.regex(o.get('remote_socket_address') as string, /^\/127\.0\.0\.1:\d+$/);
    t.true((o.get('requests') as number) >= 1, 'the forwarded create');
    t.true((o.get('packets_sent') as number) >= 2, 'at least the sync packets and the INFORM');
    t.is(o.get('last_zxid'), e.peer(3).lastProcessedZxid, 'the INFORM of the create was the last packet with a zxid');
    t.true(typeof o.get('established') === 'number' && (o.get('established') as number) <= Date.now());

    // orst zeroes the counters (read in the same turn, so no ping can come in between).
    t.deepEqual([...ask(e, 3, 'orst').keys()], ['command', 'error']);
    const after = (ask(e, 3, 'observers').get('observers') as JsonValue[])[0] as Map<string, JsonValue>;
    t.is(after.get('packets_received'), 0);
    t.is(after.get('packets_sent'), 0);
    t.is(after.get('requests'), 0);
    t.is(after.get('last_zxid'), -1n);

    // A follower without an observer master serves none.
    const f = ask(e, 1, 'observers');
    t.is(f.get('synced_observers'), 0);
    t.deepEqual(f.get('observers'), []);

    const lead = ask(e, 3, 'leader');
    t.deepEqual([...lead.entries()].slice(0, 3), [['is_leader', true], ['leader_id', 3n], ['leader_ip', HOST]]);

    const vv = ask(e, 2, 'voting_view').get('current_config') as Map<string, JsonValue>;
    t.deepEqual([...vv.keys()], ['1', '2', '3'], 'voters only, the observer is not one');
    for (const sid of [1, 2, 3]) {
      const a = e.member(sid).spec.addresses[0]!;
      t.deepEqual(field(vv.get(String(sid)), 'server_addresses'), [`${HOST}:${a.quorumPort}`]);
      t.deepEqual(field(vv.get(String(sid)), 'election_addresses'), [`${HOST}:${a.electionPort}`]);
      t.is(field(vv.get(String(sid)), 'learner_type'), 'participant');
    }
  } finally {
    await e.close();
  }
});
