// ACL rules: permission checks per scheme, the fix-up of ACLs clients send, getACL masking.

import test from 'ava';
import type { ACL, Id } from '../../src/protocol/generated';
import { ErrCode } from '../../src/protocol/opcodes';
import { checkACL, fixupACL, maskAclForReader } from '../../src/server/acl';
import { Perms } from '../../src/tree';

const on = { skipACL: false };
const acl = (perms: number, scheme: string | null, id: string | null): ACL => ({ perms, id: { scheme, id } });
const ip = (id: string): Id => ({ scheme: 'ip', id });
const digest = (id: string): Id => ({ scheme: 'digest', id });

const matchCases: Array<[string, ACL[] | null, number, Id[], boolean]> = [
  ['a null list passes', null, Perms.ADMIN, [], true],
  ['an empty list passes', [], Perms.ADMIN, [], true],
  ['world:anyone with the bit', [acl(Perms.READ, 'world', 'anyone')], Perms.READ, [], true],
  ['world:anyone without the bit', [acl(Perms.READ, 'world', 'anyone')], Perms.WRITE, [ip('1.2.3.4')], false],
  ['a super id passes anything', [acl(Perms.READ, 'digest', 'x:y')], Perms.ADMIN, [{ scheme: 'super', id: '' }], true],
  ['digest: equal id', [acl(Perms.ALL, 'digest', 'bob:abc')], Perms.WRITE, [ip('1.1.1.1'), digest('bob:abc')], true],
  ['digest: other id', [acl(Perms.ALL, 'digest', 'bob:abc')], Perms.WRITE, [digest('bob:abd')], false],
  ['digest: needs a caller id of the same scheme', [acl(Perms.ALL, 'digest', '127.0.0.1')], Perms.READ, [ip('127.0.0.1')], false],
  ['ip: exact', [acl(Perms.READ, 'ip', '10.1.2.3')], Perms.READ, [ip('10.1.2.3')], true],
  ['ip: another address', [acl(Perms.READ, 'ip', '10.1.2.3')], Perms.READ, [ip('10.1.2.4')], false],
  ['ip: /8 prefix', [acl(Perms.READ, 'ip', '10.0.0.0/8')], Perms.READ, [ip('10.200.3.4')], true],
  ['ip: /8 prefix, outside', [acl(Perms.READ, 'ip', '10.0.0.0/8')], Perms.READ, [ip('11.0.0.1')], false],
  ['ip: /20 prefix masks inside a byte', [acl(Perms.READ, 'ip', '192.168.16.0/20')], Perms.READ, [ip('192.168.31.255')], true],
  ['ip: /20 prefix, outside', [acl(Perms.READ, 'ip', '192.168.16.0/20')], Perms.READ, [ip('192.168.32.0')], false],
  ['ip: /0 matches every IPv4 caller', [acl(Perms.READ, 'ip', '1.2.3.4/0')], Perms.READ, [ip('9.9.9.9')], true],
  ['ip: bits over 32 never match', [acl(Perms.READ, 'ip', '1.2.3.4/33')], Perms.READ, [ip('1.2.3.4')], false],
  ['ip: an IPv6 caller never matches', [acl(Perms.READ, 'ip', '0.0.0.0/0')], Perms.READ, [ip('0:0:0:0:0:0:0:1')], false],
  ['sasl has no provider by default', [acl(Perms.READ, 'sasl', 'bob')], Perms.READ, [{ scheme: 'sasl', id: 'bob' }], false],
  ['the entry with the bit decides', [acl(Perms.READ, 'ip', '1.1.1.1'), acl(Perms.WRITE, 'world', 'anyone')], Perms.WRITE, [], true],
];

for (const [name, list, perm, ids, expected] of matchCases) {
  test(`checkACL: ${name}`, (t) => {
    t.is(checkACL(list, perm, ids, on), expected);
  });
}

test('checkACL: skipACL passes everything; registered sasl matches its id and "super"', (t) => {
  t.true(checkACL([acl(Perms.READ, 'digest', 'x:y')], Perms.ADMIN, [], { skipACL: true }));
  const sasl = { skipACL: false, authSchemes: ['ip', 'digest', 'sasl'] };
  t.true(checkACL([acl(Perms.READ, 'sasl', 'bob')], Perms.READ, [{ scheme: 'sasl', id: 'bob' }], sasl));
  t.true(checkACL([acl(Perms.READ, 'sasl', 'bob')], Perms.READ, [{ scheme: 'sasl', id: 'super' }], sasl));
  t.false(checkACL([acl(Perms.READ, 'sasl', 'bob')], Perms.READ, [{ scheme: 'sasl', id: 'eve' }], sasl));
});

test('fixupACL: duplicates are dropped keeping the first, order kept', (t) => {
  const a = acl(Perms.ALL, 'world', 'anyone');
  const b = acl(Perms.READ, 'ip', '10.0.0.0/8');
  t.deepEqual(fixupACL('/p', [], [a, b, { ...a, id: { ...a.id } }, b]), [a, b]);
});

test('fixupACL: auth expands to every authenticated caller id (digest yes, ip and super no)', (t) => {
  const ids = [ip('127.0.0.1'), digest('bob:h1'), { scheme: 'super', id: '' }, digest('amy:h2')];
  t.deepEqual(fixupACL('/p', ids, [acl(Perms.READ | Perms.WRITE, 'auth', '')]), [
    acl(Perms.READ | Perms.WRITE, 'digest', 'bob:h1'),
    acl(Perms.READ | Perms.WRITE, 'digest', 'amy:h2'),
  ]);
  // The expansion is not deduplicated again (as the reference).
  t.deepEqual(fixupACL('/p', [digest('bob:h1')], [acl(31, 'auth', ''), acl(31, 'digest', 'bob:h1')]), [acl(31, 'digest', 'bob:h1'), acl(31, 'digest', 'bob:h1')]);
});

const invalid: Array<[string, ACL[] | null, Id[]]> = [
  ['a null list', null, []],
  ['an empty list', [], []],
  ['auth with only an ip id', [acl(31, 'auth', '')], [ip('127.0.0.1')]],
  ['auth with no ids', [acl(31, 'auth', '')], []],
  ['an unknown scheme', [acl(31, 'foo', 'bar')], []],
  ['world with another id', [acl(31, 'world', 'everyone')], []],
  ['a null scheme', [acl(31, null, 'x')], []],
  ['digest without a colon', [acl(31, 'digest', 'bob')], []],
  ['digest with three parts', [acl(31, 'digest', 'a:b:c')], []],
  ['digest with an empty hash', [acl(31, 'digest', 'bob:')], []],
  ['ip with a part over 255', [acl(31, 'ip', '1.2.3.256')], []],
  ['ip with three parts', [acl(31, 'ip', '1.2.3')], []],
  ['ip with bits over 32', [acl(31, 'ip', '1.2.3.4/33')], []],
  ['ip with empty bits', [acl(31, 'ip', '1.2.3.4/')], []],
  ['ip with a host name', [acl(31, 'ip', 'localhost')], []],
  ['sasl without a provider', [acl(31, 'sasl', 'bob')], []],
  ['one bad entry among good ones', [acl(31, 'world', 'anyone'), acl(31, 'ip', 'x')], []],
];

for (const [name, list, ids] of invalid) {
  test(`fixupACL: INVALIDACL for ${name}`, (t) => {
    t.is(fixupACL('/p', ids, list), ErrCode.INVALIDACL);
  });
}

test('fixupACL: ids the reference accepts', (t) => {
  for (const a of [acl(1, 'digest', 'a:b'), acl(1, 'digest', ':b'), acl(1, 'digest', 'a:b:'), acl(1, 'ip', '1.2.3.4/0'), acl(1, 'ip', '+1.02.3.4/32')]) {
    t.deepEqual(fixupACL('/p', [], [a]), [a], `${a.id.scheme}:${a.id.id}`);
  }
  const sasl = { skipACL: false, authSchemes: ['ip', 'digest', 'sasl'] };
  t.deepEqual(fixupACL('/p', [], [acl(1, 'sasl', 'zk/host@REALM')], sasl), [acl(1, 'sasl', 'zk/host@REALM')]);
  t.is(fixupACL('/p', [], [acl(1, 'sasl', 'a@b@c')], sasl), ErrCode.INVALIDACL);
});

test('fixupACL: a null id where the reference dereferences it is MARSHALLINGERROR', (t) => {
  t.is(fixupACL('/p', [], [acl(31, 'world', null)]), ErrCode.MARSHALLINGERROR);
  t.is(fixupACL('/p', [], [acl(31, 'digest', null)]), ErrCode.MARSHALLINGERROR);
  // Dedup compares with this entry's scheme first: a null scheme after a same-perms entry throws there.
  t.is(fixupACL('/p', [], [acl(31, 'world', 'anyone'), acl(31, null, 'x')]), ErrCode.MARSHALLINGERROR);
  t.is(fixupACL('/p', [], [acl(31, null, 'x'), acl(31, 'world', 'anyone')]), ErrCode.INVALIDACL);
});

test('maskAclForReader: digest ids become user:x without ADMIN, everything else is kept', (t) => {
  const list = [acl(31, 'digest', 'bob:fyVmFCwVbTJYrznoSu1koqYEYF0='), acl(1, 'ip', '1.2.3.4'), acl(1, 'world', 'anyone'), acl(3, 'digest', 'a:b\nc:d')];
  t.deepEqual(maskAclForReader(list, [], false), [acl(31, 'digest', 'bob:x'), acl(1, 'ip', '1.2.3.4'), acl(1, 'world', 'anyone'), acl(3, 'digest', 'a:x\nc:x')]);
  t.deepEqual(maskAclForReader(list, false), maskAclForReader(list, [], false));
  t.deepEqual(maskAclForReader(list, [], true), list);
  t.deepEqual(maskAclForReader([acl(1, 'digest', 'nocolon')], false), [acl(1, 'digest', 'nocolon')]);
});
