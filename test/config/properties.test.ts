// zoo.cfg is read as java.util.Properties. The expected values below are what Java 17's
// Properties.load returned for the same text (checked once by hand with a small Java program).

import test from 'ava';
import { ConfigError, parseZooCfg, readProperties } from '../../src/config';

const asObject = (text: string): Record<string, string> => Object.fromEntries(readProperties(text).map((e) => [e.key, e.value]));

test('separators: =, :, whitespace, and the first of them ends the key', (t) => {
  t.deepEqual(asObject('a=1\nb:2\nc 3\nd\t4\ne = = 5\nf   :   6\ng=x=y:z\n'), {
    a: '1', b: '2', c: '3', d: '4', e: '= 5', f: '6', g: 'x=y:z',
  });
});

test('comments: # and ! lines, leading blanks allowed, a trailing backslash does not continue them', (t) => {
  t.deepEqual(asObject('# comment \\\nnotcont=1\n! bang\n   # indented\nk=v # not a comment\n'), {
    notcont: '1',
    k: 'v # not a comment',
  });
});

test('continuation lines: odd backslashes join, leading blanks of the next line dropped, even ones do not', (t) => {
  t.deepEqual(asObject('cont = first \\\n       second \\\n   third\nevenbs = two \\\\\nnext = n\na=1 \\\n# not a comment\n'), {
    cont: 'first second third',
    evenbs: 'two \\',
    next: 'n',
    a: '1 # not a comment',
  });
  t.deepEqual(asObject('k\\\n\n=v\nkk=\\\n'), { k: '', '': 'v', kk: '' });
  t.deepEqual(asObject('trail.bs.eof = abc\\'), { 'trail.bs.eof': 'abc' });
});

test('escapes: \\t \\n \\r \\f, \\uXXXX (and surrogate pairs), any other escaped char is itself', (t) => {
  t.deepEqual(asObject('esc = a\\tb\\nc\\rd\\feqf\\\\g\nunicode = caf\\u00e9 \\u0041\nsurr=\\ud83d\\ude00\n'), {
    esc: 'a\tb\nc\rd\feqf\\g',
    unicode: 'café A',
    surr: '😀',
  });
  t.deepEqual(asObject('key\\ with\\ space = v\nk\\:colon = v2\nk\\=eq=v3\n'), { 'key with space': 'v', 'k:colon': 'v2', 'k=eq': 'v3' });
});

test('line endings: \\n, \\r\\n and a lone \\r', (t) => {
  t.deepEqual(asObject('crlf=a\r\ncr=b\rcont2=x\\\r\n   y\r\nlast=z'), { crlf: 'a', cr: 'b', cont2: 'xy', last: 'z' });
});

test('keys and values are trimmed as QuorumPeerConfig trims them; the last duplicate wins', (t) => {
  t.deepEqual(asObject('  leading = value with trailing   \n\\ lead = x\ndup=1\ndup=2\n'), { leading: 'value with trailing', lead: 'x', dup: '2' });
  t.deepEqual(asObject('empty\nempty2 =\nempty3 :\n'), { empty: '', empty2: '', empty3: '' });
});

test('a UTF-8 BOM is skipped', (t) => {
  t.deepEqual(asObject('\ufeffdataDir=/x\n'), { dataDir: '/x' });
});

test('a malformed \\uXXXX escape is a ConfigError naming the file', (t) => {
  const e = t.throws(() => parseZooCfg('dataDir=/d\nclientPort=1\nx=\\u00zz\n', '/etc/zk/zoo.cfg'), { instanceOf: ConfigError });
  t.regex(e.message, /^\/etc\/zk\/zoo\.cfg: 1 configuration error/);
  t.regex(e.message, /malformed/i);
});

test('a zoo.cfg written with escapes and continuations configures the server', (t) => {
  const { config } = parseZooCfg('dataDir : /var/lib/zk\\\n  /data\nclientPort   2181\ntickTime=\\u0032000\n', 'zoo.cfg');
  t.is(config.dataDir, '/var/lib/zk/data');
  t.is(config.clientPort, 2181);
  t.is(config.tickTimeMs, 2000);
});
