// The config text of notifications and /zookeeper/config (QuorumVerifier.toString): hosts as the
// reference's InetSocketAddress.getHostString spells them. Java resolves an IP literal without
// keeping its text, so an IPv6 literal comes out in the full form of Inet6Address.getHostAddress
// however zoo.cfg wrote it; a host name stays as written. Only text here: nothing binds an address.

import test from 'ava';
import { parseServerLine } from '../../../src/config/servers';
import type { QuorumServerSpec } from '../../../src/config/types';
import { quorumConfigText } from '../../../src/quorum/election/config-text';

function server(id: number, value: string, multiAddress = false): QuorumServerSpec {
  const r = parseServerLine(id, value, multiAddress);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

test('an IPv6 literal is written in full, whether zoo.cfg abbreviated it or not', (t) => {
  const text = quorumConfigText([server(1, '[::1]:2888:3888;[::1]:2181'), server(2, '[0:0:0:0:0:0:0:1]:2889:3889:participant;[0:0:0:0:0:0:0:1]:2182')], 0x100000000n);
  t.is(text, 'server.1=[0:0:0:0:0:0:0:1]:2888:3888:participant;[0:0:0:0:0:0:0:1]:2181\nserver.2=[0:0:0:0:0:0:0:1]:2889:3889:participant;[0:0:0:0:0:0:0:1]:2182\nversion=100000000');
});

test('leading zeros and upper case go; a zone id is kept', (t) => {
  const text = quorumConfigText([server(3, '[FE80::00A1%lo]:2888:3888:observer;2181')]);
  t.is(text, 'server.3=[fe80:0:0:0:0:0:0:a1%lo]:2888:3888:observer;0.0.0.0:2181\nversion=0');
});

test('host names and IPv4 literals are written as given; an IPv4-mapped IPv6 literal as its IPv4 address', (t) => {
  const text = quorumConfigText([server(1, 'localhost:2888:3888;127.0.0.1:2181'), server(2, '[::ffff:127.0.0.2]:2888:3888;zk-2.example:2181')]);
  t.is(text, 'server.1=localhost:2888:3888:participant;127.0.0.1:2181\nserver.2=127.0.0.2:2888:3888:participant;zk-2.example:2181\nversion=0');
});

test('several addresses sort by the host as written out, not as in zoo.cfg', (t) => {
  // As written, '0:0:0:0:0:0:0:a' sorts before '::9'; in full form '...:9' comes first.
  const text = quorumConfigText([server(1, '[0:0:0:0:0:0:0:a]:2888:3888|[::9]:2889:3889', true)]);
  t.is(text, 'server.1=[0:0:0:0:0:0:0:9]:2889:3889|[0:0:0:0:0:0:0:a]:2888:3888:participant\nversion=0');
});
