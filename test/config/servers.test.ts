// server.N lines (QuorumPeer.QuorumServer), the quorum-mode decision (isDistributed), myid,
// hierarchical groups and the dynamic config file.

import test from 'ava';
import { ConfigError, parseZooCfg, type ParseOptions } from '../../src/config';
import { parseServerLine } from '../../src/config/servers';

const BASE = 'dataDir=/d\nclientPort=2181\ninitLimit=10\nsyncLimit=5\n';

function parse(text: string, files: Record<string, string> = {}) {
  const options: ParseOptions = { cwd: '/etc/zk', readFile: (p) => files[p] };
  return parseZooCfg(BASE + text, 'zoo.cfg', options);
}

function problems(text: string, files: Record<string, string> = {}): string {
  const e = t_throws(() => parse(text, files));
  return e.message;
}

function t_throws(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('host:quorumPort:electionPort[:role][;[clientHost:]clientPort]', (t) => {
  const ok = (v: string, multi = false) => {
    const r = parseServerLine(1, v, multi);
    if (!r.ok) throw new Error(r.error);
    return r.value;
  };
  t.deepEqual(ok('zk1:2888:3888'), { id: 1, addresses: [{ host: 'zk1', quorumPort: 2888, electionPort: 3888 }], role: 'participant', client: null });
  t.like(ok('zk1:2888:3888:observer'), { role: 'observer' });
  t.like(ok('zk1:2888:3888:Participant;2181'), { role: 'participant', client: { host: '0.0.0.0', port: 2181 } });
  t.like(ok('zk1:2888:3888;10.0.0.1:2181'), { client: { host: '10.0.0.1', port: 2181 } });
  t.like(ok('[2001:db8::1]:2888:3888;[::1]:2181'), { addresses: [{ host: '2001:db8::1', quorumPort: 2888, electionPort: 3888 }], client: { host: '::1', port: 2181 } });
  // Java's String.split drops trailing empty strings.
  t.like(ok('zk1:2888:3888:;'), { role: 'participant', client: null });
  t.deepEqual(ok('a:1:2|b:3:4', true).addresses, [
    { host: 'a', quorumPort: 1, electionPort: 2 },
    { host: 'b', quorumPort: 3, electionPort: 4 },
  ]);
});

test('bad server lines say what is wrong', (t) => {
  const err = (v: string, multi = false) => {
    const r = parseServerLine(7, v, multi);
    if (r.ok) throw new Error(`accepted ${v}`);
    return r.error;
  };
  t.regex(err('zk1:2888'), /does not have the form/);
  t.regex(err('zk1:2888:3888:observer:x'), /does not have the form/);
  t.regex(err('zk1:2888:3888;a;b'), /does not have the form/);
  t.regex(err('zk1:2888:2888'), /quorum and election port must be different/);
  t.regex(err('zk1:x:3888'), /quorum port 'x' is not a port number/);
  t.regex(err('zk1:2888:70000'), /election port '70000' is not a port number/);
  t.regex(err('zk1:2888:3888:leader'), /unrecognised peer type 'leader'/);
  t.regex(err('zk1:2888:3888;h:p'), /client port 'p' is not a port number/);
  t.regex(err('zk1:2888:3888;a:b:2181'), /does not have the form/);
  t.regex(err('a:1:2|b:3:4'), /need multiAddress\.enabled=true/);
  t.regex(err('a:1:2:observer|b:3:4:participant', true), /same role/);
  t.regex(err('[::1:2888:3888'), /no matching/);
  t.regex(err(':2888:3888'), /empty host/);
});

test('three participants are an ensemble: it loads, quorumMode is set', (t) => {
  const { config, warnings } = parse('server.1=127.0.0.1:2888:3888\nserver.2=127.0.0.2:2888:3888\nserver.3=127.0.0.3:2888:3888:participant;2181\nserver.4=127.0.0.4:2888:3888:observer\n');
  t.true(config.quorumMode);
  t.deepEqual(config.servers.map((s) => [s.id, s.role]), [
    [1, 'participant'],
    [2, 'participant'],
    [3, 'participant'],
    [4, 'observer'],
  ]);
  t.deepEqual(warnings, []);
});

test('a single server line is ignored with a warning (standalone), as the reference does', (t) => {
  const { config, warnings } = parse('server.1=127.0.0.1:2888:3888\n');
  t.false(config.quorumMode);
  t.is(config.servers.length, 1);
  t.true(warnings.some((w) => w.includes('only one server is listed')));
});

test('standaloneEnabled=false makes even one participant an ensemble; none is an error', (t) => {
  t.true(parse('standaloneEnabled=false\nserver.1=127.0.0.1:2888:3888\n').config.quorumMode);
  t.regex(problems('standaloneEnabled=false\n'), /standaloneEnabled: is false, so at least one participant/);
  t.regex(problems('server.1=h:1:2:observer\n'), /observers without participants/);
  t.regex(problems('server.1=h:1:2\nserver.2=h:3:4:observer\n'), /observers without a quorum/);
});

test('an ensemble needs initLimit and syncLimit', (t) => {
  const e = t_throws(() => parseZooCfg('dataDir=/d\nclientPort=1\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\n', 'zoo.cfg', { readFile: () => undefined }));
  t.deepEqual(e.problems.map((p) => p.key), ['initLimit', 'syncLimit']);
});

test('server ids: a number after the dot, each defined once', (t) => {
  const m = problems('server.x=a:1:2\nserver.1=a:1:2\nserver.01=b:1:2\n');
  t.regex(m, /server\.x: 'x' is not a server id/);
  t.regex(m, /server\.01: defines server 1 again \(server\.1\)/);
});

test('myid picks this server: its line gives the client address; a conflicting clientPort is an error', (t) => {
  const lines = 'server.1=a:1:2;127.0.0.1:2181\nserver.2=b:1:2;2182\nserver.3=c:1:2\n';
  const noClientPort = (myid: string) =>
    parseZooCfg(`dataDir=/d\ninitLimit=1\nsyncLimit=1\n${lines}`, 'zoo.cfg', { readFile: (p) => (p === '/d/myid' ? myid : undefined) }).config;
  t.like(noClientPort('2\n'), { serverId: 2, clientPort: 2182, clientPortAddress: null });
  t.like(noClientPort('1'), { serverId: 1, clientPort: 2181, clientPortAddress: '127.0.0.1' });
  // The static clientPort=2181 (any address) agrees with server.1's 127.0.0.1:2181.
  t.like(parse(lines, { '/d/myid': '1' }).config, { clientPort: 2181, clientPortAddress: '127.0.0.1' });
  t.regex(problems('server.1=a:1:2;2999\nserver.2=b:1:2\nserver.3=c:1:2\n', { '/d/myid': '1' }), /clientPort: 0\.0\.0\.0:2181 differs from server\.1's client address 0\.0\.0\.0:2999/);
  t.regex(problems(lines, { '/d/myid': 'one' }), /myid \(myid\): 'one' in \/d\/myid is not a server id/);
});

test('peerType disagreeing with the server list: the list wins, with a warning', (t) => {
  const { config, warnings } = parse('peerType=participant\nserver.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2:observer\n', { '/d/myid': '3' });
  t.is(config.peerType, 'observer');
  t.true(warnings.some((w) => w.startsWith('peerType: participant does not match the server list (observer)')));
});

test('hierarchical quorums: group.N and weight.N; every participant in one group', (t) => {
  const { config } = parse('server.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\ngroup.1=1:2\ngroup.2=3\nweight.1=2\n');
  t.deepEqual(config.quorumGroups, {
    groups: [
      { id: 1, members: [1, 2] },
      { id: 2, members: [3] },
    ],
    weights: { '1': 2, '2': 1, '3': 1 },
  });
  const m = problems('server.1=a:1:2\nserver.2=b:1:2\nserver.3=c:1:2\ngroup.1=1:2\ngroup.2=2\nweight.1=heavy\n');
  t.regex(m, /group\.2: server 2 is in more than one group/);
  t.regex(m, /server\.3: server 3 is not in a group/);
  t.regex(m, /weight\.1: 'heavy' is not a weight/);
});

test('dynamicConfigFile holds the server lines; they are refused in zoo.cfg then', (t) => {
  const dyn = '/etc/zk/zoo.cfg.dynamic.100000000';
  const { config } = parse('dynamicConfigFile=zoo.cfg.dynamic.100000000\n', { [dyn]: 'server.1=a:1:2;2181\nserver.2=b:1:2;2181\nserver.3=c:1:2;2181\n' });
  t.is(config.dynamicConfigFile, dyn);
  t.is(config.dynamicConfigVersion, '100000000');
  t.is(config.servers.length, 3);
  t.true(config.quorumMode);
  const m = problems('dynamicConfigFile=zoo.cfg.dynamic\nserver.1=a:1:2\n', { '/etc/zk/zoo.cfg.dynamic': 'server.1=a:1:2\nversion=1\ntickTime=5\n' });
  t.regex(m, /server\.1: must be in the dynamic config file/);
  t.regex(m, /version \(dynamic config\): must not be inside the dynamic config file/);
  t.regex(m, /tickTime \(dynamic config\): unrecognised parameter/);
  t.regex(problems('dynamicConfigFile=/nowhere\n'), /dynamicConfigFile: \/nowhere cannot be read/);
});
