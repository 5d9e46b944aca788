// Parsing config text and deciding what activating it means for one server (processReconfig's
// updateLearnerType / updateVote / leader-address rules at release-3.8.0-1).

import test from 'ava';
import { quorumConfigText } from '../../../src/quorum/election/config-text';
import { decideActivation, sameMembers } from '../../../src/quorum/reconfig/activation';
import { ConfigTextError, parseConfigText } from '../../../src/quorum/reconfig/config-parse';

const OLD = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\nserver.2=127.0.0.1:2882:3882:participant;127.0.0.1:2182\nserver.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183\nversion=0';
const NO_2 = 'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\nserver.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183\nversion=100000003';

test('config text parses back to what renders it (QuorumMaj.toString round trip)', (t) => {
  // IPv6 in Java's full form: that is how the reference (and zkts) writes a config, so it round-trips.
  for (const text of [OLD, NO_2, 'server.7=[0:0:0:0:0:0:0:1]:2887:3887:observer;[0:0:0:0:0:0:0:1]:2187\nversion=deadbeef00000001']) {
    const p = parseConfigText(text);
    t.is(quorumConfigText(p.servers, p.version!), text);
  }
  t.is(parseConfigText(NO_2).version, 0x100000003n);
  t.is(parseConfigText('server.1=127.0.0.1:1:2').version, null);
});

test('config text that is not a majority config is refused with a reason', (t) => {
  t.throws(() => parseConfigText('server.1=127.0.0.1:1:2\nversion=zz'), { instanceOf: ConfigTextError });
  t.throws(() => parseConfigText('group.1=1:2'), { instanceOf: ConfigTextError });
  t.throws(() => parseConfigText('server.1=127.0.0.1:1'), { instanceOf: ConfigTextError });
  t.throws(() => parseConfigText('clientPort=2181'), { instanceOf: ConfigTextError });
});

const base = (next: string, o: { myId?: number; observing?: boolean; leader?: bigint; designated?: bigint | null } = {}) => {
  const p = parseConfigText(OLD);
  const n = parseConfigText(next);
  return decideActivation({
    myId: o.myId ?? 1,
    prevServers: p.servers,
    prevVersion: p.version!,
    nextServers: n.servers,
    nextVersion: n.version!,
    myRole: o.observing === true ? 'observer' : 'participant',
    currentLeader: o.leader ?? 3n,
    designatedLeader: o.designated === undefined ? 3n : o.designated,
  });
};

test('a follower that stays a voter under the same leader keeps its role', (t) => {
  const a = base(NO_2);
  t.true(a.applies);
  t.false(a.majorChange);
});

test('a removed server becomes a non-voting participant: no role change for a follower', (t) => {
  const a = base(NO_2, { myId: 2 });
  t.is(a.role, 'participant');
  t.false(a.roleChange);
});

test('role changes and a new designated leader are major changes', (t) => {
  t.true(base(NO_2.replace('2881:3881:participant', '2881:3881:observer')).roleChange);
  t.true(base(NO_2, { observing: true }).roleChange, 'an observer made a voter');
  const moved = base(NO_2, { designated: 1n });
  t.true(moved.leaderChange);
  t.true(moved.majorChange);
});

test('without a designated leader, the leader must keep voting at the same address', (t) => {
  t.false(base(NO_2, { designated: null }).leaderChange);
  t.true(base(NO_2, { designated: null, leader: 2n }).leaderChange, 'our leader was removed');
  t.true(base(NO_2.replace('2883:3883', '2893:3893'), { designated: null }).leaderChange, 'it moved');
});

test('an older or equal version, or the same members, changes nothing', (t) => {
  t.false(base(OLD).applies);
  const same = base(OLD.replace('version=0', 'version=100000001'));
  t.true(same.applies);
  t.false(same.majorChange);
  t.true(sameMembers(parseConfigText(OLD).servers, parseConfigText(OLD.replace('version=0', 'version=5')).servers));
});
