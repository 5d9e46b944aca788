// The leader's reconfig checks (planReconfig) in the reference's order, and the member lists an
// incremental change and a full replacement produce. Expected results are written from
// PrepRequestProcessor's reconfig case (release-3.8.0-1), not from our output.

import test from 'ava';
import type { QuorumServerSpec } from '../../../src/config/types';
import { ErrCode } from '../../../src/protocol/opcodes';
import { parseConfigText } from '../../../src/quorum/reconfig/config-parse';
import { planReconfig, type ReconfigBody, type ReconfigContext } from '../../../src/quorum/reconfig/plan';

const three = parseConfigText(
  'server.1=127.0.0.1:2881:3881:participant;127.0.0.1:2181\n' +
    'server.2=127.0.0.1:2882:3882:participant;127.0.0.1:2182\n' +
    'server.3=127.0.0.1:2883:3883:participant;127.0.0.1:2183\nversion=0',
).servers;

const ctx = (o: Partial<ReconfigContext> = {}): ReconfigContext => ({
  reconfigEnabled: true,
  sessionErr: ErrCode.OK,
  isLeader: true,
  committedVersion: 0x100000000n,
  lastSeenVersion: 0x100000000n,
  lastSeenServers: three,
  standaloneEnabled: true,
  quorumSynced: () => true,
  mayWriteConfig: true,
  ...o,
});
const body = (o: Partial<ReconfigBody>): ReconfigBody => ({ joiningServers: null, leavingServers: null, newMembers: null, curConfigId: -1n, ...o });
const ids = (servers: readonly QuorumServerSpec[]): string[] => servers.map((s) => `${s.id}:${s.role}`);

test('remove and add incrementally', (t) => {
  const r = planReconfig(body({ leavingServers: '2', joiningServers: 'server.4=127.0.0.1:2884:3884:observer;127.0.0.1:2184' }), ctx());
  if (!r.ok) return t.fail(r.message);
  t.deepEqual(ids(r.servers), ['1:participant', '3:participant', '4:observer']);
  t.deepEqual(r.servers.find((s) => s.id === 4)!.client, { host: '127.0.0.1', port: 2184 });
});

test('a joining server replaces one with the same id (role change), lists are trimmed', (t) => {
  const r = planReconfig(body({ joiningServers: ' server.3=127.0.0.1:2883:3883:observer;2183 , ' }), ctx());
  if (!r.ok) return t.fail(r.message);
  t.deepEqual(ids(r.servers), ['1:participant', '2:participant', '3:observer']);
  // A client port alone binds the wildcard address (InetSocketAddress(port)).
  t.deepEqual(r.servers.find((s) => s.id === 3)!.client, { host: '0.0.0.0', port: 2183 });
});

test('full replacement: commas become newlines', (t) => {
  const r = planReconfig(body({ newMembers: 'server.1=127.0.0.1:2881:3881:participant;2181,server.5=127.0.0.1:2885:3885;2185' }), ctx());
  if (!r.ok) return t.fail(r.message);
  t.deepEqual(ids(r.servers), ['1:participant', '5:participant']);
});

test('the checks in the reference order', (t) => {
  const all = body({ leavingServers: '1,2,3', curConfigId: 7n });
  t.is(err(all, ctx({ reconfigEnabled: false, sessionErr: ErrCode.SESSIONEXPIRED })), ErrCode.RECONFIGDISABLED);
  t.is(err(all, ctx({ sessionErr: ErrCode.SESSIONEXPIRED, isLeader: false })), ErrCode.SESSIONEXPIRED);
  t.is(err(all, ctx({ isLeader: false, lastSeenVersion: 1n })), ErrCode.UNIMPLEMENTED);
  // A proposed config not yet committed: in progress, before the version is even looked at.
  t.is(err(all, ctx({ lastSeenVersion: 0x100000005n })), ErrCode.RECONFIGINPROGRESS);
  t.is(err(all, ctx()), ErrCode.BADVERSION);
  // -1 skips the version check; the matching version passes it.
  t.is(err(body({ leavingServers: '1,2,3' }), ctx()), ErrCode.BADARGUMENTS, 'no voters left');
  t.is(err(body({ leavingServers: '2', curConfigId: 0x100000000n }), ctx({ quorumSynced: () => false, mayWriteConfig: false })), ErrCode.NEWCONFIGNOQUORUM);
  // NOAUTH comes last: the reference checks the ACL after the quorum.
  t.is(err(body({ leavingServers: '2' }), ctx({ mayWriteConfig: false })), ErrCode.NOAUTH);
});

test('voter counts: two with standaloneEnabled, one without', (t) => {
  t.is(err(body({ leavingServers: '2,3' }), ctx()), ErrCode.BADARGUMENTS);
  const r = planReconfig(body({ leavingServers: '2,3' }), ctx({ standaloneEnabled: false }));
  t.true(r.ok);
});

test('the quorum check sees the new voters', (t) => {
  let seen: bigint[] = [];
  planReconfig(body({ leavingServers: '2', joiningServers: 'server.4=127.0.0.1:2884:3884:observer;2184' }), ctx({ quorumSynced: (v) => ((seen = [...v]), true) }));
  t.deepEqual(seen, [1n, 3n]);
});

test('bad joiners and leavers are BADARGUMENTS, never a crash', (t) => {
  for (const joiningServers of ['server.4', 'server.4=127.0.0.1:2884', 'server.4=127.0.0.1:2884:3884', 'server.x=127.0.0.1:2884:3884;2184', 'server.4=a=b']) {
    t.is(err(body({ joiningServers }), ctx()), ErrCode.BADARGUMENTS, joiningServers);
  }
  t.is(err(body({ leavingServers: 'two' }), ctx()), ErrCode.BADARGUMENTS);
  // Server 4 would share server 1's quorum address.
  t.is(err(body({ joiningServers: 'server.4=127.0.0.1:2881:3884;2184' }), ctx()), ErrCode.BADARGUMENTS);
  t.is(err(body({ newMembers: 'server.1=nonsense' }), ctx()), ErrCode.BADARGUMENTS);
  t.is(err(body({ newMembers: 'group.1=1:2' }), ctx()), ErrCode.BADARGUMENTS);
});

function err(b: ReconfigBody, c: ReconfigContext): number {
  const r = planReconfig(b, c);
  return r.ok ? ErrCode.OK : r.err;
}
