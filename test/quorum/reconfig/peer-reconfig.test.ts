// In-process zkts ensembles with reconfigEnabled: a leader removing itself hands over to the
// designated leader without an election (QuorumPeer.updateVote + updateServerState at
// release-3.8.0-1): the designated follower leads at once, the other follows it, and the old
// leader, once its followers left, follows the new leader too.

import test from 'ava';
import { GetDataResponse, ReconfigRequest } from '../../../src/protocol/generated';
import { ErrCode, OpCode } from '../../../src/protocol/opcodes';
import { fourLetterWord } from '../../support/four-letter-word';
import { TestEnsemble } from '../peer/support';

async function startReconfigurable(e: TestEnsemble, sid: number): Promise<void> {
  const m = e.member(sid);
  await e.start(sid, {
    reconfigEnabled: true,
    server: { host: '127.0.0.1', port: m.clientPort, dataDir: m.dataDir, tickTimeMs: e.tickTimeMs, fourLetterWords: ['*'], skipACL: true },
  });
}

test('a leader that removes itself: the designated follower leads without an election', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  t.teardown(() => e.close());
  await startReconfigurable(e, 3);
  await Promise.all([startReconfigurable(e, 1), startReconfigurable(e, 2)]);
  t.is(await e.settled(), 3);
  const c = await e.client(3);
  const reply = await c.request(OpCode.reconfig, ReconfigRequest.encode({ joiningServers: null, leavingServers: '3', newMembers: null, curConfigId: -1n }), GetDataResponse);
  t.is(reply.err, ErrCode.OK);
  t.false(/^server\.3=/m.test((reply.body?.data ?? Buffer.alloc(0)).toString()));
  // Both followers acked the reconfig and nothing came after it: the lower sid is designated.
  await e.peer(1).waitFor('leading', (p) => p.state === 'LEADING' && p.serving, 20_000);
  await e.peer(2).waitFor('following 1', (p) => p.state === 'FOLLOWING' && p.serving, 20_000);
  t.true(e.peer(1).history.includes('LEADING 1 (named by a reconfig)'), e.peer(1).history.join('; '));
  t.true(e.peer(2).history.includes('FOLLOWING 1 (named by a reconfig)'), e.peer(2).history.join('; '));
  // The old leader follows the designated one as well, once it lost its followers.
  await e.peer(3).waitFor('following 1', (p) => p.history.includes('FOLLOWING 1 (named by a reconfig)') && p.state === 'FOLLOWING' && p.serving, 20_000);
});

test('a newer .dynamic.next at start is the last seen config: the new leader proposes and activates it', async (t) => {
  const e = await TestEnsemble.create([1, 2, 3]);
  t.teardown(() => e.close());
  // As left by a reconfig in flight: the same members without 3's vote (3 observes), version 0x100000007.
  const servers = e.members.map((m) => (m.sid === 3 ? { ...m.spec, role: 'observer' as const } : m.spec));
  const nextConfig = { servers, version: 0x100000007n };
  for (const sid of [2, 1, 3]) {
    const m = e.member(sid);
    await e.start(sid, { reconfigEnabled: true, nextConfig, server: { host: '127.0.0.1', port: m.clientPort, dataDir: m.dataDir, tickTimeMs: e.tickTimeMs, fourLetterWords: ['*'] } });
  }
  const leader = await e.settled();
  t.not(leader, 3);
  for (const sid of [1, 2]) await e.peer(sid).waitFor('the next config active', (p) => p.reconfig.version === 0x100000007n, 20_000);
  t.deepEqual([...e.peer(leader).reconfig.members.observers], [3n]);
  // mntr's quorum_size gauge counts the voters of the active config (QuorumPeer.getQuorumSize).
  t.regex(await fourLetterWord('127.0.0.1', e.member(leader).clientPort, 'mntr'), /^zk_quorum_size\t2$/m);
  // 3 learns it is an observer and ends up observing under the new config.
  await e.peer(3).waitFor('observing', (p) => p.state === 'OBSERVING' && p.serving && p.reconfig.version === 0x100000007n, 20_000);
});
