// Keys that are system properties: zoo.cfg's `zookeeper.<key>` mapping, the full names zkts also
// takes in zoo.cfg, and -D flags from SERVER_JVMFLAGS / JVMFLAGS as zkServer.sh passes them.

import test from 'ava';
import { ConfigError, environmentProperties, parseJvmFlags, parseZooCfg, type ParseOptions } from '../../src/config';
import { decodeJavaInt, parseJavaInt } from '../../src/config/java-values';

const BASE = 'dataDir=/d\nclientPort=2181\n';
const NO_FILES: ParseOptions = { cwd: '/', readFile: () => undefined };

function parse(text: string, env: ParseOptions['env'] = {}) {
  return parseZooCfg(BASE + text, 'zoo.cfg', { ...NO_FILES, env });
}

test('unknown zoo.cfg keys are the system property zookeeper.<key>', (t) => {
  const { config } = parse(
    [
      'snapCount=5000',
      'preAllocSize=1024',
      'forceSync=no',
      'skipACL=yes',
      'digest.enabled=false',
      'extendedTypesEnabled=true',
      'snapshot.trust.empty=true',
      'snapshot.compression.method=snappy',
      'globalOutstandingLimit=10',
      'DigestAuthenticationProvider.superDigest=super:x',
      'enforceQuota=true',
      'txnLogSizeLimitInKb=2048',
      'snapSizeLimitInKb=-1',
      'maxCnxns=100',
      '4lw.commands.whitelist=*',
      'closeSessionTxn.enabled=false',
    ].join('\n'),
  );
  t.like(config.system, {
    snapCount: 5000,
    preAllocSizeKb: 1024,
    forceSync: false,
    skipACL: true,
    digestEnabled: false,
    extendedTypesEnabled: true,
    snapshotTrustEmpty: true,
    snapshotCompression: 'snappy',
    globalOutstandingLimit: 10,
    superDigest: 'super:x',
    enforceQuota: true,
    txnLogSizeLimitKb: 2048,
    snapSizeLimitKb: -1,
    maxCnxns: 100,
    closeSessionTxnEnabled: false,
  });
  t.deepEqual(config.system.fourLetterWords, ['*']);
  t.deepEqual(config.systemProperties['zookeeper.snapCount'], { value: '5000', source: 'zoo.cfg', status: 'active' });
  t.deepEqual(config.systemProperties['zookeeper.txnLogSizeLimitInKb'], { value: '2048', source: 'zoo.cfg', status: 'parsed' });
});

test('zkts also takes full property names in zoo.cfg: zookeeper.-prefixed and bare ones', (t) => {
  const { config, warnings } = parse('zookeeper.extendedTypesEnabled=true\njute.maxbuffer=4194304\nreadonlymode.enabled=true\nzookeeper.snapCount=77\n');
  t.deepEqual(warnings, []);
  t.true(config.system.extendedTypesEnabled);
  t.is(config.system.juteMaxBufferBytes, 4194304);
  t.true(config.system.readOnlyModeEnabled);
  t.is(config.system.snapCount, 77);
  // readonlymode.enabled puts isro on the whitelist, as FourLetterCommands does.
  t.deepEqual(config.system.fourLetterWords, ['isro', 'srvr']);
});

test('both spellings of one property must agree', (t) => {
  t.is(parse('snapCount=5\nzookeeper.snapCount=5\n').config.system.snapCount, 5);
  const e = t.throws(() => parse('snapCount=5\nzookeeper.snapCount=6\n'), { instanceOf: ConfigError });
  t.regex(e.message, /zookeeper\.snapCount: sets zookeeper\.snapCount to '6', but snapCount sets it to '5'/);
});

test('snapCount below 2 becomes 2 with a warning, as the reference does', (t) => {
  const { config, warnings } = parse('snapCount=1\n');
  t.is(config.system.snapCount, 2);
  t.deepEqual(warnings, ['snapCount: 1 is below 2; using 2, as the reference does']);
});

test('unknown four-letter words in the whitelist are warnings; srvr is always on', (t) => {
  const { config, warnings } = parse('4lw.commands.whitelist=ruok,nope\n');
  t.deepEqual(config.system.fourLetterWords, ['ruok', 'srvr']);
  t.deepEqual(warnings, ["4lw.commands.whitelist: 'nope' is not a four-letter word the reference knows; ignored"]);
});

test('Integer.getInteger syntax for numeric properties: hex and octal as Integer.decode', (t) => {
  t.is(parse('jute.maxbuffer=0xfffff\n').config.system.juteMaxBufferBytes, 0xfffff);
  t.is(parse('jute.maxbuffer=#100\n').config.system.juteMaxBufferBytes, 256);
  t.is(parse('globalOutstandingLimit=010\n').config.system.globalOutstandingLimit, 8);
  t.is(decodeJavaInt('-0x10'), -16);
  t.is(decodeJavaInt('0x-10'), undefined);
  t.is(decodeJavaInt('2147483648'), undefined);
  t.is(parseJavaInt('+42'), 42);
  t.is(parseJavaInt('0x10'), undefined);
  t.is(parseJavaInt(' 1'), undefined);
  t.is(parseJavaInt('-2147483648'), -2147483648);
});

test('JVMFLAGS tokens: split on blanks like an unquoted shell expansion; -Dname alone is empty', (t) => {
  t.deepEqual(parseJvmFlags('-Xmx1g  -Djute.maxbuffer=0x200000\t-Dzookeeper.skipACL=yes -Dfoo -Dbar= -D -D=x -Dq="a b"'), [
    { name: 'jute.maxbuffer', value: '0x200000' },
    { name: 'zookeeper.skipACL', value: 'yes' },
    { name: 'foo', value: '' },
    { name: 'bar', value: '' },
    { name: 'q', value: '"a' },
  ]);
  t.deepEqual(parseJvmFlags('-Da=b=c'), [{ name: 'a', value: 'b=c' }]);
});

test('SERVER_JVMFLAGS then JVMFLAGS (later wins), then zoo.cfg over both; other flags ignored', (t) => {
  const env = {
    SERVER_JVMFLAGS: '-Djute.maxbuffer=1000 -Dzookeeper.snapCount=10 -Dzookeeper.forceSync=no -Dlog4j.configuration=x -DsnapCount=99',
    JVMFLAGS: '-Xmx512m -Djute.maxbuffer=2000 -Dzookeeper.digest.enabled=false',
  };
  const props = environmentProperties(env);
  t.deepEqual([...props.keys()].sort(), ['jute.maxbuffer', 'zookeeper.digest.enabled', 'zookeeper.forceSync', 'zookeeper.snapCount']);
  const { config } = parse('snapCount=20\n', env);
  t.is(config.system.juteMaxBufferBytes, 2000);
  t.is(config.system.snapCount, 20);
  t.false(config.system.forceSync);
  t.false(config.system.digestEnabled);
  t.deepEqual(config.systemProperties['jute.maxbuffer'], { value: '2000', source: 'JVMFLAGS', status: 'active' });
  t.deepEqual(config.systemProperties['zookeeper.forceSync'], { value: 'no', source: 'SERVER_JVMFLAGS', status: 'active' });
});

test('a bad -D value is an error naming the flag and the variable', (t) => {
  const e = t.throws(() => parse('', { JVMFLAGS: '-Djute.maxbuffer=big -Dzookeeper.forceSync=false' }), { instanceOf: ConfigError });
  t.deepEqual(
    e.problems.map((p) => [p.key, p.source]),
    [
      ['jute.maxbuffer', 'JVMFLAGS'],
      ['zookeeper.forceSync', 'JVMFLAGS'],
    ],
  );
  t.regex(e.message, /jute\.maxbuffer \(-D in JVMFLAGS\): 'big' is not a 32-bit integer/);
});

test('ZOO_DATADIR_AUTOCREATE_DISABLE turns datadir autocreation off, as zkServer.sh does', (t) => {
  t.true(parse('').config.system.dataDirAutocreate);
  t.false(parse('', { ZOO_DATADIR_AUTOCREATE_DISABLE: '1' }).config.system.dataDirAutocreate);
});

test('documented tuning keys of the Java implementation are accepted without warnings', (t) => {
  const { warnings, config } = parse('maxResponseCacheSize=0\nconnectionMaxTokens=10\nssl.keyStore.location=/k\nauthProvider.1=x\nnio.numWorkerThreads=4\n');
  t.deepEqual(warnings, []);
  t.is(config.inactiveKeys.length, 5);
});
