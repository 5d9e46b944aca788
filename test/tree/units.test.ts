// Small units with the reference's exact rules: ACL cache, StatsTrack text, the quota path trie,
// ephemeral owner encodings, path helpers.

import test from 'ava';
import {
  AclCache,
  AclCacheError,
  CONTAINER_EPHEMERAL_OWNER,
  EphemeralType,
  InvalidEphemeralOwnerError,
  OPEN_ACL_UNSAFE,
  PathTrie,
  StatsTrack,
  StatsTrackFormatError,
  TTL_MAX_MS,
  clientEphemeralOwner,
  ephemeralTypeOf,
  eventPath,
  isSpecialPath,
  parentOf,
  ttlOfEphemeralOwner,
  ttlToEphemeralOwner,
} from '../../src/tree';

const A = [{ perms: 31, id: { scheme: 'digest', id: 'u:x' } }];
const B = [{ perms: 1, id: { scheme: 'world', id: 'anyone' } }];

test('ACL cache: equal lists share an index, counts go up and down, an entry goes with its last user', (t) => {
  const c = new AclCache();
  t.is(c.convertAcls(null), -1);
  t.deepEqual(c.convertIndex(-1), OPEN_ACL_UNSAFE);
  const a = c.convertAcls(A);
  t.is(a, 1);
  t.is(c.convertAcls([{ perms: 31, id: { scheme: 'digest', id: 'u:x' } }]), 1, 'equality is by content');
  t.is(c.convertAcls(B), 2);
  t.is(c.convertAcls([...A, ...B]), 3, 'order and length matter');
  t.is(c.convertAcls([]), 4, 'an empty list is a real entry');
  t.is(c.usage(1), 2);
  c.removeUsage(1);
  t.is(c.size, 4);
  c.removeUsage(1);
  t.is(c.size, 3);
  t.throws(() => c.convertIndex(1), { instanceOf: AclCacheError });
  t.is(c.convertAcls(A), 5, 'indexes are never reused');
  c.removeUsage(99);
  c.addUsage(99);
  t.false(c.has(99), 'unknown indexes are ignored');
});

test('ACL cache load: entries start unused, purgeUnused drops them, indexes continue after the largest', (t) => {
  const c = new AclCache();
  c.load({ index: 7n, acls: A });
  c.load({ index: 3n, acls: B });
  c.addUsage(3);
  c.purgeUnused();
  t.is(c.size, 1);
  t.deepEqual(c.convertIndex(3), B);
  t.is(c.convertAcls(A), 8);
  c.clear();
  t.is(c.convertAcls(A), 9, 'clearing keeps the counter');
});

test('StatsTrack: count and bytes first, other keys sorted after "=;", missing values read -1', (t) => {
  t.is(StatsTrack.parse('count=3,bytes=10').toString(), 'count=3,bytes=10');
  t.is(StatsTrack.parse('bytes=10,count=3').toString(), 'count=3,bytes=10');
  t.is(StatsTrack.parse('count=1,bytes=2=;countHardLimit=5;byteHardLimit=9').toString(), 'count=1,bytes=2=;byteHardLimit=9;countHardLimit=5');
  t.is(StatsTrack.parse('').toString(), 'count=-1,bytes=-1');
  // Expected values checked against org.apache.zookeeper.StatsTrack 3.8.0 (a throwaway jshell-style program).
  t.is(StatsTrack.parse('count==5,bytes=4').toString(), 'count=-1,bytes=4', 'an empty value between two "=" reads -1');
  t.throws(() => StatsTrack.parse('count=,bytes=4'), { instanceOf: StatsTrackFormatError }, 'Java drops the trailing empty string: no value');
  t.throws(() => StatsTrack.parse(',count=1'), { instanceOf: StatsTrackFormatError }, 'a leading separator gives an empty pair');
  const s = StatsTrack.parse('count=1,,;bytes=+7');
  t.is(s.bytes, 7n);
  t.is(StatsTrack.parse('count=1=2,bytes=3').count, 1n, 'only the text between the first two "="');
  t.throws(() => StatsTrack.parse('count'), { instanceOf: StatsTrackFormatError });
  t.throws(() => StatsTrack.parse('count=x'), { instanceOf: StatsTrackFormatError });
  t.throws(() => StatsTrack.parse('count=9223372036854775808'), { instanceOf: StatsTrackFormatError });
  const u = new StatsTrack();
  u.count = 2n;
  u.bytes = 5n;
  t.is(u.toBuffer().toString(), 'count=2,bytes=5');
  t.is(u.countHardLimit, -1n);
});

test('PathTrie: deepest marked prefix, "/" when none, deletes unmark and prune only leaves', (t) => {
  const trie = new PathTrie();
  trie.addPath('/a');
  trie.addPath('/a/b/c');
  t.is(trie.findMaxPrefix('/a/b/c/d'), '/a/b/c');
  t.is(trie.findMaxPrefix('/a/b/x'), '/a');
  t.is(trie.findMaxPrefix('/ab'), '/');
  t.is(trie.findMaxPrefix('//a///b/c'), '/a/b/c', 'empty components are skipped');
  trie.deletePath('/a');
  t.is(trie.findMaxPrefix('/a/b'), '/', 'an inner node is only unmarked');
  t.is(trie.findMaxPrefix('/a/b/c'), '/a/b/c');
  trie.deletePath('/a/b/c');
  t.is(trie.findMaxPrefix('/a/b/c'), '/');
  trie.deletePath('/not/there');
  trie.addPath('/x');
  trie.clear();
  t.is(trie.findMaxPrefix('/x'), '/');
});

test('ephemeral owners: containers always, TTL only with extended types, invalid features throw', (t) => {
  t.is(ephemeralTypeOf(0n, true), EphemeralType.VOID);
  t.is(ephemeralTypeOf(0x1234n, true), EphemeralType.NORMAL);
  t.is(ephemeralTypeOf(CONTAINER_EPHEMERAL_OWNER, false), EphemeralType.CONTAINER);
  const ttl = ttlToEphemeralOwner(1000n);
  t.is(BigInt.asUintN(64, ttl), 0xff000000000003e8n);
  t.is(ttlOfEphemeralOwner(ttl), 1000n);
  t.is(ephemeralTypeOf(ttl, true), EphemeralType.TTL);
  t.is(ephemeralTypeOf(ttl, false), EphemeralType.NORMAL);
  t.is(clientEphemeralOwner(ttl, true), 0n);
  t.is(clientEphemeralOwner(ttl, false), ttl);
  t.is(clientEphemeralOwner(CONTAINER_EPHEMERAL_OWNER, false), 0n);
  t.throws(() => ephemeralTypeOf(BigInt.asIntN(64, 0xff00010000000001n), true), { instanceOf: InvalidEphemeralOwnerError });
  t.throws(() => ttlToEphemeralOwner(0n), { instanceOf: RangeError });
  t.throws(() => ttlToEphemeralOwner(TTL_MAX_MS + 1n), { instanceOf: RangeError });
  t.is(BigInt.asUintN(64, ttlToEphemeralOwner(TTL_MAX_MS)), 0xff0000ffffffffffn);
});

test('paths: parent by the last "/", the root is "" and reported as "/"', (t) => {
  t.is(parentOf('/a'), '');
  t.is(parentOf('/a/b'), '/a');
  t.is(parentOf('/p/'), '/p');
  t.is(eventPath(''), '/');
  t.true(isSpecialPath('/'));
  t.true(isSpecialPath('/zookeeper/config'));
  t.false(isSpecialPath(''));
  t.false(isSpecialPath('/zookeeper/quota/x'));
});
