// The dynamic config files against golden files Apache ZooKeeper 3.8.0 wrote itself
// (compat-tests/golden/dynamic-config/generate.sh runs QuorumPeerConfig.parse, writeDynamicConfig
// and editStaticConfig on each case's input.cfg): the text transforms, the writers on disk, and
// the key order java.util.Properties gives the rewritten zoo.cfg.

import test from 'ava';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseZooCfg } from '../../src/config';
import {
  activateDynamicConfig,
  backupStaticConfig,
  dynamicConfigText,
  javaHostString,
  javaPropertiesOrder,
  needEraseClientPort,
  prepareStartupFiles,
  readJavaProperties,
  removeNextDynamicConfig,
  staticConfigText,
  writeNextDynamicConfig,
} from '../../src/config/dynamic-files';

const CASES = join(__dirname, '..', '..', '..', 'compat-tests', 'golden', 'dynamic-config', 'cases');
const VERSION = 0x100000000n;

interface GoldenCase {
  name: string;
  input: string;
  myid: string;
  expected: { cfg: string; dynamic: string; next: string; bak: string | null };
}

function cases(): GoldenCase[] {
  return readdirSync(CASES).sort().map((name) => {
    const read = (f: string): string => readFileSync(join(CASES, name, f), 'latin1');
    return {
      name,
      input: read('input.cfg'),
      myid: read('myid'),
      expected: {
        cfg: read('expected.cfg'),
        dynamic: read('expected.dynamic'),
        next: read('expected.dynamic.next'),
        bak: existsSync(join(CASES, name, 'expected.bak')) ? read('expected.bak') : null,
      },
    };
  });
}

/** The case parsed by zkts's own config reader, with @DIR@ as the dataDir holding its myid. */
function parsed(c: GoldenCase, dir = '/golden') {
  const text = c.input.split('@DIR@').join(dir);
  const config = parseZooCfg(text, join(dir, 'zoo.cfg'), { cwd: '/', readFile: (p) => (p === join(dir, 'myid') ? c.myid : undefined) }).config;
  if (config.serverId === null) throw new Error(`${c.name}: myid was not read`);
  return config;
}

test('the golden cases are there (generate.sh ran)', (t) => {
  t.true(cases().length >= 5);
});

for (const c of cases()) {
  test(`${c.name}: dynamic file and .dynamic.next texts are Java's`, (t) => {
    const config = parsed(c);
    t.is(dynamicConfigText(config.servers, VERSION, false), c.expected.dynamic);
    t.is(dynamicConfigText(config.servers, VERSION, true), c.expected.next);
  });

  test(`${c.name}: the rewritten zoo.cfg is Java's, key order included`, (t) => {
    const config = parsed(c);
    const erase = needEraseClientPort(config.servers, config.serverId!);
    t.is(staticConfigText(c.input, '@DIR@/zoo.cfg.dynamic.100000000', erase), c.expected.cfg);
  });

  test(`${c.name}: the writers leave Java's files on disk`, (t) => {
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'zkts-dynfiles-')));
    try {
      const cfgPath = join(dir, 'zoo.cfg');
      const input = c.input.split('@DIR@').join(dir);
      writeFileSync(cfgPath, input, 'latin1');
      const config = parsed(c, dir);
      const local = (s: string): string => s.split('@DIR@').join(dir);
      if (config.reconfigEnabled) t.is(readFileSync(backupStaticConfig(cfgPath), 'latin1'), local(c.expected.bak ?? ''));
      t.is(c.expected.bak !== null, config.reconfigEnabled, 'Java backs zoo.cfg up only with reconfigEnabled=true');
      writeNextDynamicConfig(cfgPath, config.servers, VERSION);
      t.is(readFileSync(`${cfgPath}.dynamic.next`, 'latin1'), local(c.expected.next));
      const file = activateDynamicConfig(cfgPath, config.servers, VERSION, config.serverId!);
      t.is(file, `${cfgPath}.dynamic.100000000`);
      t.is(readFileSync(file, 'latin1'), local(c.expected.dynamic));
      t.is(readFileSync(cfgPath, 'latin1'), local(c.expected.cfg));
      t.false(existsSync(`${cfgPath}.dynamic.next`), 'activating the last seen version removes .dynamic.next');
      t.false(readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary file is left');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a rewritten zoo.cfg reads back as the same ensemble, from its dynamic file', (t) => {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'zkts-dynfiles-')));
  try {
    const c = cases().find((x) => x.name === 'backcompat')!;
    const cfgPath = join(dir, 'zoo.cfg');
    writeFileSync(cfgPath, c.input.split('@DIR@').join(dir));
    const before = parsed(c, dir);
    activateDynamicConfig(cfgPath, before.servers, VERSION, before.serverId!);
    const after = parseZooCfg(readFileSync(cfgPath, 'utf8'), cfgPath, { readFile: (p) => (p.endsWith('myid') ? c.myid : existsSync(p) ? readFileSync(p, 'utf8') : undefined) }).config;
    t.deepEqual(after.servers, before.servers);
    t.is(after.dynamicConfigVersion, '100000000');
    t.is(after.dynamicConfigFile, `${cfgPath}.dynamic.100000000`);
    t.is(after.tickTimeMs, before.tickTimeMs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Properties order: fewer than 12 keys sit in hash-bucket order of a 16-bin table', (t) => {
  // "a".."e" hash to 97..101: bins 1..5 in order whatever the insertion order.
  t.deepEqual(javaPropertiesOrder(['e', 'c', 'a', 'd', 'b']), ['a', 'b', 'c', 'd', 'e']);
  // "q" (113) and "a" (97) share bin 1: the one put first comes first.
  t.deepEqual(javaPropertiesOrder(['q', 'a']), ['q', 'a']);
  t.deepEqual(javaPropertiesOrder(['a', 'q']), ['a', 'q']);
  // A repeated key keeps its first place.
  t.deepEqual(javaPropertiesOrder(['q', 'a', 'q']), ['q', 'a']);
});

test('Properties order: the 12th key doubles the table and splits shared bins', (t) => {
  // 97 ("a") and 113 ("q") share bin 1 of 16 but not of 32 (113 & 16): after the resize "a" is
  // in bin 1 and "q" in bin 17, so "a" comes first even though "q" was put first.
  const filler = ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k'];
  t.deepEqual(javaPropertiesOrder(['q', 'a', ...filler.slice(0, 9)]).slice(0, 2), ['q', 'a']);
  const grown = javaPropertiesOrder(['q', 'a', ...filler]);
  t.true(grown.indexOf('a') < grown.indexOf('q'));
});

test('readJavaProperties keeps the last value of a repeated key, in the first one\'s place', (t) => {
  t.deepEqual(readJavaProperties('a=1\nq=2\na=3\n'), [{ key: 'a', value: '3' }, { key: 'q', value: '2' }]);
});

test('staticConfigText: comments go, values are trimmed and not re-escaped, the pointer comes last', (t) => {
  const text = staticConfigText('# c\nk\\ 1 = v \\u0041 \nserver.1=h:1:2\ngroup.1=1\nweight.1=1\npeerType=observer\ndynamicConfigFile=/old\n', '/new', false);
  t.is(text, 'k 1=v A\ndynamicConfigFile=/new\n');
  t.is(staticConfigText('clientPort=1\nclientPortAddress=h\nclientPortListenBacklog=5\n', '/d', true), 'dynamicConfigFile=/d\n');
  t.is(staticConfigText('clientPort=1\n', '/d', false), 'clientPort=1\ndynamicConfigFile=/d\n');
});

test('javaHostString prints IPv6 literals as InetSocketAddress.getHostString does', (t) => {
  t.is(javaHostString('::1'), '0:0:0:0:0:0:0:1');
  t.is(javaHostString('2001:DB8::a:1'), '2001:db8:0:0:0:0:a:1');
  t.is(javaHostString('::ffff:10.0.0.1'), '10.0.0.1');
  t.is(javaHostString('fe80::1%eth0'), 'fe80:0:0:0:0:0:0:1%eth0');
  t.is(javaHostString('127.0.0.1'), '127.0.0.1');
  t.is(javaHostString('zk1.example.com'), 'zk1.example.com');
});

test('removeNextDynamicConfig reports whether a .dynamic.next was there', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-dynfiles-'));
  try {
    const cfgPath = join(dir, 'zoo.cfg');
    t.false(removeNextDynamicConfig(cfgPath));
    writeFileSync(`${cfgPath}.dynamic.next`, 'server.1=h:1:2:participant\nversion=1');
    t.true(removeNextDynamicConfig(cfgPath));
    t.false(existsSync(`${cfgPath}.dynamic.next`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---- start-up: .dynamic.next and zoo.cfg.bak ----

const DYN = '/etc/zk/zoo.cfg.dynamic.100000000';
const MEMBERS = 'server.1=a:1:2:participant;2181\nserver.2=b:1:2:participant;2181\nserver.3=c:1:2:participant;2181';

function parseWith(files: Record<string, string>, text = `dataDir=/d\ninitLimit=5\nsyncLimit=2\ndynamicConfigFile=${DYN}\n`) {
  return parseZooCfg(text, '/etc/zk/zoo.cfg', { cwd: '/', readFile: (p) => files[p] });
}

test('.dynamic.next next to a dynamic config file is read as the proposed config', (t) => {
  const { config } = parseWith({ [DYN]: MEMBERS, '/etc/zk/zoo.cfg.dynamic.next': `${MEMBERS}\nserver.4=d:1:2:observer\nversion=200000000` });
  t.is(config.dynamicConfigVersion, '100000000');
  t.is(config.servers.length, 3);
  t.is(config.nextDynamicConfig?.file, '/etc/zk/zoo.cfg.dynamic.next');
  t.is(config.nextDynamicConfig?.version, '200000000');
  t.deepEqual(config.nextDynamicConfig?.servers.map((s) => [s.id, s.role]), [[1, 'participant'], [2, 'participant'], [3, 'participant'], [4, 'observer']]);
  t.is(parseWith({ [DYN]: MEMBERS }).config.nextDynamicConfig, null, 'none there');
});

test('.dynamic.next is not read without dynamicConfigFile (QuorumPeerConfig reads it only then)', (t) => {
  const { config } = parseWith({ '/etc/zk/zoo.cfg.dynamic.next': 'server.1=garbage\nversion=zz' }, `dataDir=/d\ninitLimit=5\nsyncLimit=2\n${MEMBERS}\n`);
  t.is(config.nextDynamicConfig, null);
  t.true(config.quorumMode);
});

test('a malformed .dynamic.next is a configuration error naming the file, as Java exits with "Invalid config"', (t) => {
  const e = t.throws(() => parseWith({ [DYN]: MEMBERS, '/etc/zk/zoo.cfg.dynamic.next': 'server.1=garbage\nversion=zz' }));
  t.regex(e!.message, /server\.1 \(dynamic config\): \/etc\/zk\/zoo\.cfg\.dynamic\.next: 'garbage' does not have the form/);
  t.regex(e!.message, /version \(dynamic config\): \/etc\/zk\/zoo\.cfg\.dynamic\.next: 'zz' is not a hexadecimal config version/);
});

test('a version= key inside the dynamic config file is an error naming the file', (t) => {
  const e = t.throws(() => parseWith({ [DYN]: `${MEMBERS}\nversion=100000000` }));
  t.regex(e!.message, /must not be inside the dynamic config file \/etc\/zk\/zoo\.cfg\.dynamic\.100000000/);
});

test('prepareStartupFiles: backup only for an ensemble in zoo.cfg with reconfig on; .dynamic.next always removed', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-dynfiles-'));
  try {
    const configFile = join(dir, 'zoo.cfg');
    const original = '# keep me\nserver.1=a:1:2\n';
    writeFileSync(configFile, original);
    const base = { configFile, quorumMode: true, reconfigEnabled: true, dynamicConfigFile: null };
    writeFileSync(`${configFile}.dynamic.next`, 'server.1=a:1:2\nversion=1');
    t.deepEqual(prepareStartupFiles(base), { backup: `${configFile}.bak`, removedNext: true });
    t.is(readFileSync(`${configFile}.bak`, 'utf8'), original);
    t.is(readFileSync(configFile, 'utf8'), original, 'zoo.cfg itself is not touched at start-up');
    rmSync(`${configFile}.bak`);
    for (const variant of [{ reconfigEnabled: false }, { dynamicConfigFile: `${configFile}.dynamic.1` }, { quorumMode: false }]) {
      writeFileSync(`${configFile}.dynamic.next`, 'x=1');
      const r = prepareStartupFiles({ ...base, ...variant });
      t.is(r.backup, null, JSON.stringify(variant));
      t.false(existsSync(`${configFile}.bak`), JSON.stringify(variant));
      // A standalone server never builds a QuorumPeer, so its .dynamic.next stays.
      t.is(r.removedNext, variant.quorumMode !== false, JSON.stringify(variant));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
