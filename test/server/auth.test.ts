// Authentication providers with the reference's rules: digest, ip, unknown schemes, whoAmI user
// names, the `auth` ACL expansion flag, and the order a connection's ids come out in.
//
// The "Java:" orders come from a throwaway OpenJDK 17 program that adds the same ids, in the same
// order, to Collections.newSetFromMap(new ConcurrentHashMap<>()) using jute's Id.hashCode()
// (37 * (37 * 17 + scheme.hashCode()) + id.hashCode()), and prints the iteration order.

import { createHash } from 'node:crypto';
import test from 'ava';
import { AuthPacket, type Id } from '../../src/protocol/generated';
import {
  DigestAlgorithmError,
  authenticate,
  generateDigest,
  initialIds,
  isAuthenticated,
  isValidId,
  javaAuthInfoOrder,
  javaHostAddress,
  matchesId,
  userName,
} from '../../src/server/auth';

const ctx = { remoteAddress: '127.0.0.1' };

test('generateDigest: bob:secret and friends', (t) => {
  t.is(generateDigest('bob:secret'), 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=');
  t.is(generateDigest('super:admin'), 'super:xQJmxLMiHGwaqBvst5y6rkB6HQs=');
  // No ':' at all: the whole string is the user, and still hashed.
  t.is(generateDigest('alice'), `alice:${createHash('sha1').update('alice').digest('base64')}`);
  // Only the first ':' splits; the password may contain more.
  t.true(generateDigest('u:p:q').startsWith('u:'));
});

test('digest auth always succeeds with digest:<user:hash>', (t) => {
  t.deepEqual(authenticate('digest', Buffer.from('bob:secret'), ctx), {
    ok: true,
    ids: [{ scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' }],
  });
  const odd = authenticate('digest', Buffer.from(''), ctx);
  t.true(odd.ok);
  if (odd.ok) t.is(odd.ids[0]!.id, `:${createHash('sha1').update('').digest('base64')}`);
});

test('digest auth adds super when the digest equals superDigest', (t) => {
  const superDigest = 'super:xQJmxLMiHGwaqBvst5y6rkB6HQs=';
  t.deepEqual(authenticate('digest', Buffer.from('super:admin'), { ...ctx, superDigest }), {
    ok: true,
    ids: [
      { scheme: 'super', id: '' },
      { scheme: 'digest', id: superDigest },
    ],
  });
  t.deepEqual(authenticate('digest', Buffer.from('super:wrong'), { ...ctx, superDigest }), {
    ok: true,
    ids: [{ scheme: 'digest', id: generateDigest('super:wrong') }],
  });
});

test('digest: a null auth buffer fails; digestAlg is honoured; disabled digest is an unknown scheme', (t) => {
  t.deepEqual(authenticate('digest', null, ctx), { ok: false, reason: 'failed' });
  const sha256 = createHash('sha256').update('bob:secret').digest('base64');
  t.deepEqual(authenticate('digest', Buffer.from('bob:secret'), { ...ctx, digestAlgorithm: 'SHA-256' }), {
    ok: true,
    ids: [{ scheme: 'digest', id: `bob:${sha256}` }],
  });
  t.throws(() => authenticate('digest', Buffer.from('bob:secret'), { ...ctx, digestAlgorithm: 'NOPE' }), { instanceOf: DigestAlgorithmError });
  t.deepEqual(authenticate('digest', Buffer.from('bob:secret'), { ...ctx, digestEnabled: false }), { ok: false, reason: 'unknownScheme' });
});

test('ip auth ignores the data and adds the peer address as Java prints it', (t) => {
  t.deepEqual(authenticate('ip', Buffer.from('whatever'), ctx), { ok: true, ids: [{ scheme: 'ip', id: '127.0.0.1' }] });
  t.deepEqual(authenticate('ip', null, { remoteAddress: '::ffff:10.0.0.7' }), { ok: true, ids: [{ scheme: 'ip', id: '10.0.0.7' }] });
});

test('unknown schemes fail, world and super included', (t) => {
  for (const scheme of ['world', 'super', 'sasl', 'x509', 'auth', 'nope', '', null]) {
    t.deepEqual(authenticate(scheme, Buffer.from('x'), ctx), { ok: false, reason: 'unknownScheme' }, String(scheme));
  }
});

test('authenticate(packet): decodes the AuthPacket body; garbage is malformed', (t) => {
  const body = AuthPacket.encode({ type: 0, scheme: 'digest', auth: Buffer.from('bob:secret') });
  t.deepEqual(authenticate(body, ctx), { ok: true, ids: [{ scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' }] });
  const unknown = AuthPacket.encode({ type: 0, scheme: 'kerberos', auth: Buffer.alloc(0) });
  t.deepEqual(authenticate(unknown, ctx), { ok: false, reason: 'unknownScheme' });
  t.deepEqual(authenticate(Buffer.from([0, 0]), ctx), { ok: false, reason: 'malformed' });
});

test('javaHostAddress: IPv4 as is, mapped IPv6 to IPv4, IPv6 expanded without compression', (t) => {
  t.is(javaHostAddress('192.168.1.20'), '192.168.1.20');
  t.is(javaHostAddress('::ffff:127.0.0.1'), '127.0.0.1');
  t.is(javaHostAddress('::1'), '0:0:0:0:0:0:0:1');
  t.is(javaHostAddress('::'), '0:0:0:0:0:0:0:0');
  t.is(javaHostAddress('2001:DB8::0001:0:ab'), '2001:db8:0:0:0:1:0:ab');
  t.is(javaHostAddress('fe80::1%eth0'), 'fe80:0:0:0:0:0:0:1%eth0');
  t.is(javaHostAddress('::1.2.3.4'), '0:0:0:0:0:0:102:304', 'IPv4-compatible stays IPv6 in the JDK');
  t.is(javaHostAddress('not:an::address::'), 'not:an::address::');
});

test('initialIds: ip:<addr>', (t) => {
  t.deepEqual(initialIds('127.0.0.1'), [{ scheme: 'ip', id: '127.0.0.1' }]);
  t.deepEqual(initialIds('::1'), [{ scheme: 'ip', id: '0:0:0:0:0:0:0:1' }]);
});

test('userName (whoAmI): digest before the colon, ip the address, no provider -> ""', (t) => {
  t.is(userName({ scheme: 'digest', id: 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=' }), 'bob');
  t.is(userName({ scheme: 'ip', id: '127.0.0.1' }), '127.0.0.1');
  t.is(userName({ scheme: 'super', id: '' }), '');
  t.is(userName({ scheme: 'world', id: 'anyone' }), '');
  t.is(userName({ scheme: 'sasl', id: 'zk@EXAMPLE.COM' }), '');
});

test('isAuthenticated: digest yes, ip and unregistered schemes no', (t) => {
  t.true(isAuthenticated('digest'));
  t.false(isAuthenticated('ip'));
  t.false(isAuthenticated('super'));
  t.false(isAuthenticated('world'));
  t.false(isAuthenticated('digest', { digestEnabled: false }));
});

test('isValidId: digest needs exactly two parts as Java splits; ip needs IPv4 and a sane prefix', (t) => {
  t.true(isValidId('digest', 'bob:hash'));
  t.true(isValidId('digest', ':hash'));
  t.true(isValidId('digest', 'a:b:'), 'trailing empty parts are dropped by Java split');
  t.false(isValidId('digest', 'a:'));
  t.false(isValidId('digest', 'a:b:c'));
  t.false(isValidId('digest', 'nocolon'));
  t.true(isValidId('ip', '10.0.0.1'));
  t.true(isValidId('ip', '10.0.0.0/8'));
  t.true(isValidId('ip', '10.0.0.0/0'));
  t.true(isValidId('ip', '+10.-0.0.1'), 'Integer.parseInt takes a sign');
  t.false(isValidId('ip', '10.0.0.0/33'));
  t.false(isValidId('ip', '10.0.0/8'));
  t.false(isValidId('ip', '10.0.0.256'));
  t.false(isValidId('ip', '10.0.0.1/x'));
  t.false(isValidId('ip', '::1'));
  t.false(isValidId('world', 'anyone'), 'world:anyone is special-cased by the ACL code, not a provider');
  t.false(isValidId('nope', 'x'));
});

test('matchesId: ip prefixes, digest equality', (t) => {
  t.true(matchesId('ip', '10.1.2.3', '10.0.0.0/8'));
  t.false(matchesId('ip', '11.1.2.3', '10.0.0.0/8'));
  t.true(matchesId('ip', '10.1.2.3', '10.1.2.0/28'));
  t.false(matchesId('ip', '10.1.2.30', '10.1.2.0/28'));
  t.true(matchesId('ip', '10.1.2.3', '10.1.2.3'));
  t.true(matchesId('ip', '99.1.2.3', '10.1.2.3/0'));
  t.false(matchesId('ip', '0:0:0:0:0:0:0:1', '0.0.0.0/0'), '3.8 never matches an IPv6 peer');
  t.false(matchesId('ip', '10.1.2.3', 'garbage'));
  t.true(matchesId('digest', 'bob:x', 'bob:x'));
  t.false(matchesId('digest', 'bob:x', 'bob:y'));
});

function order(pairs: string[]): Id[] {
  const ids: Id[] = [];
  for (let i = 0; i < pairs.length; i += 2) ids.push({ scheme: pairs[i]!, id: pairs[i + 1]! });
  return ids;
}

function show(ids: Id[]): string {
  return ids.map((i) => `${i.scheme}=${i.id}`).join(' ');
}

test('javaAuthInfoOrder: small sets, Java goldens', (t) => {
  t.is(show(javaAuthInfoOrder(order(['ip', '127.0.0.1', 'digest', 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0=']))), 'digest=bob:fyVmFCwVbTJYrznoSu1koqYEYF0= ip=127.0.0.1');
  t.is(
    show(javaAuthInfoOrder(order(['ip', '127.0.0.1', 'super', '', 'digest', 'super:D/InIHSb7yEEbrWz8b9l71RjZJU=']))),
    'super= ip=127.0.0.1 digest=super:D/InIHSb7yEEbrWz8b9l71RjZJU=',
  );
  t.is(
    show(javaAuthInfoOrder(order(['ip', '10.1.2.3', 'digest', 'a:x', 'digest', 'b:y', 'digest', 'c:z', 'digest', 'd:w']))),
    'digest=c:z digest=a:x ip=10.1.2.3 digest=b:y digest=d:w',
  );
  t.is(show(javaAuthInfoOrder(order(['ip', '1.1.1.1', 'ip', '1.1.1.1']))), 'ip=1.1.1.1', 'duplicates collapse');
});

test('javaAuthInfoOrder: across table doublings, Java goldens', (t) => {
  const forty: string[] = [];
  for (let i = 0; i < 40; i++) forty.push('digest', `u${i}:h${i * 7}`);
  t.is(
    show(javaAuthInfoOrder(order(forty))),
    'digest=u1:h7 digest=u9:h63 digest=u27:h189 digest=u24:h168 digest=u37:h259 digest=u21:h147 digest=u2:h14 digest=u14:h98 ' +
      'digest=u4:h28 digest=u8:h56 digest=u6:h42 digest=u34:h238 digest=u31:h217 digest=u19:h133 digest=u29:h203 digest=u10:h70 ' +
      'digest=u16:h112 digest=u18:h126 digest=u20:h140 digest=u11:h77 digest=u23:h161 digest=u26:h182 digest=u12:h84 digest=u0:h0 ' +
      'digest=u25:h175 digest=u32:h224 digest=u39:h273 digest=u17:h119 digest=u28:h196 digest=u35:h245 digest=u36:h252 digest=u33:h231 ' +
      'digest=u30:h210 digest=u3:h21 digest=u15:h105 digest=u38:h266 digest=u5:h35 digest=u22:h154 digest=u13:h91 digest=u7:h49',
  );
  const thirteen: string[] = [];
  for (let i = 0; i < 13; i++) thirteen.push(i % 2 === 0 ? 'ip' : 'digest', `user${i * 31}:x`);
  t.is(
    show(javaAuthInfoOrder(order(thirteen))),
    'ip=user62:x ip=user310:x ip=user124:x digest=user279:x digest=user217:x ip=user248:x ip=user0:x digest=user93:x ' +
      'ip=user186:x digest=user31:x digest=user341:x digest=user155:x ip=user372:x',
  );
});
