// The AdminServer's `dump` (expiry_time_to_session_ids) with local sessions on (3.8.0's trackers):
// the leader's LeaderSessionTracker merges its local sessions into the global expiry map; a
// learner's LearnerSessionTracker answers an empty map. An in-process zkts ensemble, and the merge
// rule (a global bucket replaces a local one with the same expiry time: TreeMap.putAll) on a view.

import test from 'ava';
import { runCommand } from '../../../src/admin/commands';
import type { JsonValue } from '../../../src/admin/json';
import { zkServerSource, type AdminSource } from '../../../src/admin/source';
import type { ServerView } from '../../../src/fourletter/view';
import { CreateRequest, CreateResponse } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { HOST, TestEnsemble, TICK_MS } from './support';

const OPEN_ACL = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

function expiryMap(source: AdminSource): Map<string, JsonValue> {
  return runCommand('dump', { source, args: new Map() }).get('expiry_time_to_session_ids') as Map<string, JsonValue>;
}

const ids = (m: Map<string, JsonValue>): bigint[] => [...m.values()].flatMap((v) => v as bigint[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

test.serial('dump on a zkts ensemble with local sessions: the leader lists its local and the global sessions, learners none', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  try {
    const start = (sid: number): Promise<unknown> => {
      const m = e.member(sid);
      return e.start(sid, {
        server: { host: HOST, port: m.clientPort, dataDir: m.dataDir, tickTimeMs: TICK_MS, fourLetterWords: ['*'], localSessionsEnabled: true, localSessionsUpgradingEnabled: true },
      });
    };
    await start(3);
    await Promise.all([start(1), start(2)]);
    t.is(await e.settled(), 3);
    const leaderLocal = await e.client(3);
    const followerLocal = await e.client(1);
    const upgraded = await e.client(1);
    // An ephemeral create upgrades the session: a createSession txn, so the leader tracks it globally.
    t.is((await upgraded.request(OpCode.create, CreateRequest.encode({ path: '/eph', data: Buffer.alloc(0), acl: OPEN_ACL, flags: 1 }), CreateResponse)).err, ErrCode.OK);

    const leaderMap = expiryMap(zkServerSource(e.peer(3).zk));
    const listed = ids(leaderMap);
    t.true(listed.includes(upgraded.sessionId), 'the upgraded (global) session');
    t.false(listed.includes(followerLocal.sessionId), 'a follower\'s local session is not the leader\'s');
    // The leader's local session is listed unless a global bucket has the same expiry time (both
    // trackers round to the tick, so sessions made in the same tick share it): putAll replaces it.
    const v = e.peer(3).zk.view();
    const localAt = v.localSessionBuckets()!.find((b) => b.elements.includes(leaderLocal.sessionId))!.expiresAtMs;
    const shadowed = v.sessionBuckets().some((b) => b.expiresAtMs === localAt);
    t.is(listed.includes(leaderLocal.sessionId), !shadowed, `local bucket ${localAt}, shadowed by a global one: ${shadowed}`);
    t.deepEqual(leaderMap.get(String(localAt)), shadowed ? v.sessionBuckets().find((b) => b.expiresAtMs === localAt)!.elements : [leaderLocal.sessionId]);
    const keys = [...leaderMap.keys()].map(Number);
    t.deepEqual(keys, [...keys].sort((a, b) => a - b), 'expiry times ascend');

    for (const sid of [1, 2]) t.deepEqual(expiryMap(zkServerSource(e.peer(sid).zk)), new Map(), `learner ${sid}`);
  } finally {
    await e.close();
  }
});

function viewSource(view: Partial<ServerView>): AdminSource {
  const v = { serving: true, ...view } as ServerView;
  return { view: () => v, lastSnapshot: () => null, fsyncThresholdExceeded: () => 0, initialConfig: () => null, systemProperties: () => new Map() };
}

test('the leader\'s merge: local buckets first, a global bucket with the same time replaces the local one', (t) => {
  const source = viewSource({
    mode: 'leader',
    sessionBuckets: () => [{ expiresAtMs: 2000, elements: [0x20n] }, { expiresAtMs: 4000, elements: [0x40n] }],
    localSessionBuckets: () => [{ expiresAtMs: 1000, elements: [0x10n] }, { expiresAtMs: 4000, elements: [0x41n, 0x42n] }],
    ephemerals: () => [],
  });
  t.deepEqual(expiryMap(source), new Map<string, JsonValue>([['1000', [0x10n]], ['2000', [0x20n]], ['4000', [0x40n]]]));
  // Without local sessions (null) only the global tracker's buckets.
  const plain = viewSource({ mode: 'leader', sessionBuckets: () => [{ expiresAtMs: 5, elements: [1n] }], localSessionBuckets: () => null, ephemerals: () => [] });
  t.deepEqual(expiryMap(plain), new Map<string, JsonValue>([['5', [1n]]]));
  // A learner's tracker answers an empty map whatever it tracks.
  const learner = viewSource({ mode: 'observer', sessionBuckets: () => [{ expiresAtMs: 5, elements: [1n] }], localSessionBuckets: () => [{ expiresAtMs: 6, elements: [2n] }], ephemerals: () => [] });
  t.deepEqual(expiryMap(learner), new Map());
});
