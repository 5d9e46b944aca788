// QuorumPeerConfig semantics: defaults, derived values, validation (every error in one
// ConfigError), warnings, and the frozen result.

import test from 'ava';
import { ConfigError, parseZooCfg, toServerOptions, type ParseOptions } from '../../src/config';
import { silentLogger } from '../../src/util/logger';

const NO_FILES: ParseOptions = { cwd: '/srv/zk', readFile: () => undefined };

function parse(text: string, options: ParseOptions = {}) {
  return parseZooCfg(text, 'conf/zoo.cfg', { ...NO_FILES, ...options });
}

function errorsOf(text: string, options: ParseOptions = {}): ConfigError {
  try {
    parse(text, options);
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

test('the minimal config gets the reference defaults', (t) => {
  const { config, warnings } = parse('dataDir=/var/zk\nclientPort=2181\n');
  t.deepEqual(warnings, []);
  t.is(config.configFile, '/srv/zk/conf/zoo.cfg');
  t.is(config.dataDir, '/var/zk');
  t.is(config.dataLogDir, '/var/zk');
  t.is(config.clientPort, 2181);
  t.is(config.clientPortAddress, null);
  t.is(config.tickTimeMs, 3000);
  t.is(config.minSessionTimeoutMs, 6000);
  t.is(config.maxSessionTimeoutMs, 60000);
  t.is(config.maxClientCnxns, 60);
  t.deepEqual(config.autopurge, { snapRetainCount: 3, purgeIntervalHours: 0 });
  t.is(config.initLimit, 0);
  t.is(config.syncLimit, 0);
  t.is(config.electionAlg, 3);
  t.is(config.peerType, 'participant');
  t.true(config.standaloneEnabled);
  t.false(config.reconfigEnabled);
  t.false(config.localSessionsEnabled);
  t.false(config.quorumListenOnAllIPs);
  t.true(config.syncEnabled);
  t.is(config.clientPortListenBacklog, -1);
  t.is(config.metricsProvider.className, 'org.apache.zookeeper.metrics.impl.DefaultMetricsProvider');
  t.false(config.quorumMode);
  t.deepEqual(config.servers, []);
  t.is(config.serverId, null);
  const s = config.system;
  t.is(s.juteMaxBufferBytes, 0xfffff);
  t.is(s.snapCount, 100000);
  t.is(s.preAllocSizeKb, 65536);
  t.is(s.snapSizeLimitKb, 4194304);
  t.is(s.txnLogSizeLimitKb, -1);
  t.true(s.forceSync);
  t.false(s.skipACL);
  t.true(s.digestEnabled);
  t.false(s.extendedTypesEnabled);
  t.false(s.snapshotTrustEmpty);
  t.is(s.snapshotCompression, '');
  t.is(s.globalOutstandingLimit, 1000);
  t.is(s.superDigest, null);
  t.false(s.enforceQuota);
  t.is(s.maxCnxns, 0);
  t.deepEqual(s.fourLetterWords, ['srvr']);
  t.is(s.containerCheckIntervalMs, 60000);
  t.is(s.containerMaxNeverUsedIntervalMs, 0);
  t.deepEqual(s.admin, { enableServer: true, serverAddress: '0.0.0.0', serverPort: 8080, idleTimeoutMs: 30000, commandURL: '/commands' });
  t.deepEqual(config.inactiveKeys, []);
});

test('session timeouts follow tickTime unless set; -1 means unset', (t) => {
  t.like(parse('dataDir=/d\nclientPort=1\ntickTime=2000\n').config, { minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 40000 });
  t.like(parse('dataDir=/d\nclientPort=1\ntickTime=2000\nminSessionTimeout=-1\nmaxSessionTimeout=5000\n').config, { minSessionTimeoutMs: 4000, maxSessionTimeoutMs: 5000 });
  const e = errorsOf('dataDir=/d\nclientPort=1\nminSessionTimeout=9000\nmaxSessionTimeout=8000\n');
  t.regex(e.message, /minSessionTimeout: 9000 ms must not be larger than maxSessionTimeout \(8000 ms\)/);
});

test('relative dataDir and dataLogDir resolve against the working directory, as Java does', (t) => {
  const { config, warnings } = parse('dataDir=./data\ndataLogDir=logs\nclientPort=2181\n', { cwd: '/home/op' });
  t.is(config.dataDir, '/home/op/data');
  t.is(config.dataLogDir, '/home/op/logs');
  t.is(config.configFile, '/home/op/conf/zoo.cfg');
  // VerifyingFileFactory's warning for a relative path without ./
  t.deepEqual(warnings.filter((w) => w.startsWith('dataLogDir')).length, 1);
  t.false(warnings.some((w) => w.startsWith('dataDir')));
});

test('every bad key is reported at once, naming the file and each key', (t) => {
  const e = errorsOf(
    [
      'clientPort=abc',
      'tickTime=-5',
      'maxClientCnxns=-1',
      'initLimit=x',
      'electionAlg=1',
      'peerType=leader',
      'standaloneEnabled=maybe',
      'autopurge.purgeInterval=-2',
      'secureClientPortAddress=127.0.0.1',
      'forceSync=false',
      'skipACL=true',
      'snapshot.compression.method=lz4',
      'digest.enabled=yes',
      'snapCount=lots',
      'preAllocSize=0x10',
      'jute.maxbuffer=0',
      'globalOutstandingLimit=0',
      'quorum.auth.serverRequireSasl=true',
    ].join('\n'),
  );
  t.is(e.file, '/srv/zk/conf/zoo.cfg');
  t.is(e.code, 'CONFIG_INVALID');
  const keys = e.problems.map((p) => p.key).sort();
  t.deepEqual(keys, [
    'autopurge.purgeInterval', 'clientPort', 'dataDir', 'digest.enabled', 'electionAlg', 'forceSync', 'globalOutstandingLimit',
    'initLimit', 'jute.maxbuffer', 'maxClientCnxns', 'peerType', 'preAllocSize', 'quorum.auth.serverRequireSasl',
    'quorum.auth.serverRequireSasl', 'secureClientPortAddress', 'skipACL', 'snapCount', 'snapshot.compression.method',
    'standaloneEnabled', 'tickTime',
  ]);
  t.regex(e.message, /^\/srv\/zk\/conf\/zoo\.cfg: 20 configuration errors:\n/);
  for (const k of new Set(keys)) t.true(e.message.includes(`\n  ${k}: `), k);
});

test('tickTime 0 is the reference\'s "tickTime is not set"', (t) => {
  t.regex(errorsOf('dataDir=/d\nclientPort=1\ntickTime=0\n').message, /tickTime: is 0/);
});

test('ports: 0 means unset; out of range is an error; clientPortAddress needs clientPort', (t) => {
  t.regex(errorsOf('dataDir=/d\nclientPort=70000\n').message, /clientPort: 70000 is not a port number/);
  t.regex(errorsOf('dataDir=/d\nclientPort=0\nclientPortAddress=127.0.0.1\n').message, /clientPortAddress: is set but clientPort is not set/);
  t.regex(errorsOf('dataDir=/d\n').message, /clientPort: is not set: a standalone server needs a client port/);
  t.is(parse('dataDir=/d\nclientPort=2181\nclientPortAddress=[::1]\n').config.clientPortAddress, '::1');
});

test('autopurge.snapRetainCount below 3 becomes 3 with a warning, as the reference does', (t) => {
  const { config, warnings } = parse('dataDir=/d\nclientPort=1\nautopurge.snapRetainCount=1\nautopurge.purgeInterval=24\n');
  t.deepEqual(config.autopurge, { snapRetainCount: 3, purgeIntervalHours: 24 });
  t.true(warnings.some((w) => w.startsWith('autopurge.snapRetainCount: 1 is below the minimum')));
});

test('unknown keys are one warning each, not errors', (t) => {
  const { warnings } = parse('dataDir=/d\nclientPort=1\nfoo=1\nbar.baz=2\n');
  t.is(warnings.length, 2);
  t.regex(warnings[0]!, /^foo: unknown key; the reference would set the system property zookeeper\.foo/);
  t.regex(warnings[1]!, /^bar\.baz: unknown key/);
});

test('the config is frozen all the way down', (t) => {
  const { config } = parse('dataDir=/d\nclientPort=1\nserver.1=h:2888:3888\n');
  t.true(Object.isFrozen(config));
  t.true(Object.isFrozen(config.system));
  t.true(Object.isFrozen(config.system.fourLetterWords));
  t.true(Object.isFrozen(config.servers[0]!.addresses[0]));
  t.throws(() => {
    (config as { tickTimeMs: number }).tickTimeMs = 1;
  });
});

test('metricsProvider.* settings are kept; a class zkts cannot load is a warning', (t) => {
  const { config, warnings } = parse(
    'dataDir=/d\nclientPort=1\nmetricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider\nmetricsProvider.httpPort=7000\nmetricsProvider.numWorkerThreads=2\n',
  );
  t.deepEqual(config.metricsProvider.settings, { httpPort: '7000', numWorkerThreads: '2' });
  // The Prometheus provider is built in (src/metrics): its port is active, its worker threads are not.
  t.false(warnings.some((w) => w.startsWith('metricsProvider.className')));
  t.false(config.inactiveKeys.includes('metricsProvider.httpPort'));
  t.true(config.inactiveKeys.includes('metricsProvider.numWorkerThreads'));
  const other = parse('dataDir=/d\nclientPort=1\nmetricsProvider.className=com.example.Metrics\nmetricsProvider.x=1\n');
  t.true(other.warnings.some((w) => w.startsWith('metricsProvider.className: zkts cannot load the Java class com.example.Metrics')));
  t.true(other.config.inactiveKeys.includes('metricsProvider.x'));
});

test('keys zkts accepts but does not act on yet are listed', (t) => {
  const { config, warnings } = parse('dataDir=/d\nclientPort=1\nadmin.forceHttps=false\nsyncEnabled=false\nsecureClientPort=2281\n');
  t.deepEqual([...config.inactiveKeys].sort(), ['admin.forceHttps', 'secureClientPort', 'syncEnabled']);
  t.true(warnings.some((w) => w.startsWith('secureClientPort: zkts does not serve TLS yet')));
});

test('toServerOptions carries every setting the server takes', (t) => {
  const { config } = parse(
    [
      'dataDir=/d',
      'dataLogDir=/l',
      'clientPort=2181',
      'clientPortAddress=127.0.0.1',
      'tickTime=1000',
      'maxClientCnxns=0',
      'autopurge.purgeInterval=1',
      'snapCount=5000',
      'preAllocSize=1024',
      'snapSizeLimitInKb=100',
      'forceSync=no',
      'skipACL=yes',
      'extendedTypesEnabled=true',
      'enforceQuota=true',
      'DigestAuthenticationProvider.superDigest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      'snapshot.compression.method=GZ',
      '4lw.commands.whitelist=ruok, stat,, mntr',
      'globalOutstandingLimit=500',
      'jute.maxbuffer=0x200000',
      'znode.container.checkIntervalMs=1000',
      'znode.container.maxNeverUsedIntervalMs=5000',
      'digest.enabled=false',
      'snapshot.trust.empty=true',
      'db.autocreate=false',
    ].join('\n'),
  );
  const o = toServerOptions(config, silentLogger);
  t.deepEqual(o, {
    host: '127.0.0.1',
    port: 2181,
    dataDir: '/d',
    dataLogDir: '/l',
    tickTimeMs: 1000,
    minSessionTimeoutMs: 2000,
    maxSessionTimeoutMs: 20000,
    maxClientCnxns: 0,
    juteMaxBuffer: 0x200000,
    extendedTypesEnabled: true,
    skipACL: true,
    superDigest: 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
    enforceQuota: true,
    snapCount: 5000,
    snapSizeLimitBytes: 100 * 1024,
    preAllocSizeBytes: 1024 * 1024,
    forceSync: false,
    snapshotCompression: 'gz',
    autopurge: { snapRetainCount: 3, purgeIntervalHours: 1 },
    fourLetterWords: ['ruok', 'stat', 'mntr', 'srvr'],
    globalOutstandingLimit: 500,
    containerCheckIntervalMs: 1000,
    containerMaxNeverUsedIntervalMs: 5000,
    digestEnabled: false,
    dbAutocreate: false,
    trustEmptySnapshot: true,
    // The reference's defaults: on, every address, 8080 (startServer() turns it off for tests).
    admin: { enabled: true, host: '0.0.0.0', port: 8080, commandUrl: '/commands', idleTimeoutMs: 30000 },
    // The system properties set, as written (for the AdminServer's system_properties).
    systemProperties: {
      'jute.maxbuffer': '0x200000',
      'zookeeper.DigestAuthenticationProvider.superDigest': 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
      'zookeeper.4lw.commands.whitelist': 'ruok, stat,, mntr',
      'zookeeper.digest.enabled': 'false',
      'zookeeper.db.autocreate': 'false',
      'zookeeper.enforceQuota': 'true',
      'zookeeper.extendedTypesEnabled': 'true',
      'zookeeper.forceSync': 'no',
      'zookeeper.globalOutstandingLimit': '500',
      'zookeeper.preAllocSize': '1024',
      'zookeeper.skipACL': 'yes',
      'zookeeper.snapCount': '5000',
      'zookeeper.snapSizeLimitInKb': '100',
      'zookeeper.snapshot.compression.method': 'GZ',
      'zookeeper.snapshot.trust.empty': 'true',
      'znode.container.checkIntervalMs': '1000',
      'znode.container.maxNeverUsedIntervalMs': '5000',
    },
    logger: silentLogger,
  });
});
