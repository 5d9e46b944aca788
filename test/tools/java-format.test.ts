// The Java renderings the tools rely on: toString() of Jute records, hex, dates, HashSet/HashMap
// order, UTF-8 decoding and JSON quoting. Expected values were printed by Java 17 and Apache
// ZooKeeper 3.8.0's own classes.

import test from 'ava';
import { javaRecordListToString, juteToJson, juteToString } from '../../src/tools/jute-render';
import {
  jacksonQuote,
  javaDateToString,
  javaHex,
  javaHex016,
  javaMediumDateTime,
  javaShortLongDateTime,
  op2String,
} from '../../src/tools/java-format';
import { javaChildOrder, javaSessionOrder } from '../../src/tools/java-hash-order';
import { javaLongHash, javaStringHash } from '../../src/util/java-hash';
import { javaUtf8Decode } from '../../src/protocol/jute/java-utf8';
import { OpCode } from '../../src/protocol/opcodes';

const OPEN = { perms: 31, id: { scheme: 'world', id: 'anyone' } };

test('toString of records: nested s{}, vectors v{}, escapes, trailing newline', (t) => {
  t.is(juteToString('ACL', OPEN), "31,s{'world,'anyone}\n");
  t.is(
    juteToString('SetACLTxn', { path: '/a', acl: [{ perms: 31, id: { scheme: 'digest', id: 'alice:x=' } }, { perms: 1, id: { scheme: 'world', id: 'anyone' } }], version: 1 }),
    "'/a,v{s{31,s{'digest,'alice:x=}},s{1,s{'world,'anyone}}},1\n",
  );
  t.is(juteToString('CloseSessionTxn', { paths2Delete: ['/a/e1', '/b'] }), "v{'/a/e1,'/b}\n");
  t.is(juteToString('CloseSessionTxn', { paths2Delete: null }), 'v{}\n');
  t.is(juteToString('CloseSessionTxn', { paths2Delete: [] }), 'v{}\n');
  t.is(juteToString('DeleteTxn', { path: 'a,b}c%d\ne\rf\0g' }), "'a%2Cb%7Dc%25d%0Ae%0Df%00g\n");
  t.is(juteToString('DeleteTxn', { path: null }), '\n');
  t.is(juteToString('ErrorTxn', { err: -101 }), '-101\n');
  t.is(juteToString('CreateTTLTxn', { path: '/t', data: Buffer.from([0x05, 0x80, 0xff, 0x10]), acl: [], parentCVersion: 3, ttl: -5n }), "'/t,#5ffffff80ffffffff10,v{},3,-5\n");
  t.is(juteToString('CreateTxn', { path: '/e', data: Buffer.alloc(0), acl: null, ephemeral: true, parentCVersion: 0 }), "'/e,,v{},T,0\n");
  // A null nested record prints nothing, not even its comma.
  t.is(juteToString('ACL', { perms: 1, id: null }), '1\n');
});

test("java.util.List.toString of records keeps each element's newline", (t) => {
  t.is(javaRecordListToString('ACL', [OPEN]), "[31,s{'world,'anyone}\n]");
  t.is(javaRecordListToString('ACL', [OPEN, { perms: 1, id: { scheme: 'ip', id: '10.0.0.1' } }]), "[31,s{'world,'anyone}\n, 1,s{'ip,'10.0.0.1}\n]");
  t.is(javaRecordListToString('ACL', []), '[]');
  t.is(javaRecordListToString('ACL', null), 'null');
});

test('JSON rendering: longs as decimal strings, buffers as hex, nulls kept', (t) => {
  t.deepEqual(juteToJson('CreateTTLTxn', { path: '/t', data: Buffer.from('hi'), acl: [OPEN], parentCVersion: 3, ttl: 1n << 62n }), {
    path: '/t',
    data: '6869',
    acl: [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }],
    parentCVersion: 3,
    ttl: (1n << 62n).toString(),
  });
  t.deepEqual(juteToJson('SetDataTxn', { path: null, data: null, version: -1 }), { path: null, data: null, version: -1 });
});

test('hex: Long.toHexString and %#016x', (t) => {
  t.is(javaHex(0n), '0');
  t.is(javaHex(0x100000001n), '100000001');
  t.is(javaHex(-1), 'ffffffffffffffff');
  t.is(javaHex(-(1n << 63n)), '8000000000000000');
  t.is(javaHex016(0n), '0x00000000000000');
  t.is(javaHex016(0x30000002en), '0x0000030000002e');
  t.is(javaHex016(0x1000a8b2c3d0001n), '0x1000a8b2c3d0001');
  t.is(javaHex016(-(1n << 63n)), '0x8000000000000000');
});

test('dates as Java 17 prints them in en_US', (t) => {
  t.is(javaShortLongDateTime(0n, 'UTC'), '1/1/70, 12:00:00 AM UTC');
  t.is(javaShortLongDateTime(1700000000000n, 'UTC'), '11/14/23, 10:13:20 PM UTC');
  t.is(javaShortLongDateTime(1700000000000n, 'America/New_York'), '11/14/23, 5:13:20 PM EST');
  t.is(javaShortLongDateTime(0n, 'Etc/GMT-3'), '1/1/70, 3:00:00 AM GMT+03:00');
  t.is(javaDateToString(0n, 'UTC'), 'Thu Jan 01 00:00:00 UTC 1970');
  t.is(javaDateToString(1700000000000n, 'UTC'), 'Tue Nov 14 22:13:20 UTC 2023');
  t.is(javaDateToString(0n, 'America/New_York'), 'Wed Dec 31 19:00:00 EST 1969');
  t.is(javaDateToString(253402300800000n, 'UTC'), 'Sat Jan 01 00:00:00 UTC 10000');
  t.is(javaMediumDateTime(1700000000000, 'UTC'), 'Nov 14, 2023, 10:13:20 PM');
  t.is(javaMediumDateTime(0, 'UTC'), 'Jan 1, 1970, 12:00:00 AM');
  // Beyond JavaScript's Date range: the raw milliseconds.
  t.is(javaDateToString(1n << 62n, 'UTC'), (1n << 62n).toString());
});

test("op2String: the reference's names, createTtl spelling and unknown codes", (t) => {
  t.is(op2String(OpCode.createTTL), 'createTtl');
  t.is(op2String(OpCode.createSession), 'createSession');
  t.is(op2String(OpCode.addWatch), 'unknown 106');
  t.is(op2String(999), 'unknown 999');
});

test('hash codes match String.hashCode and Long.hashCode', (t) => {
  t.is(javaStringHash('Aa'), 2112);
  t.is(javaStringHash('日本語'), 25921943);
  t.is(javaLongHash(-5n), 4);
  t.is(javaLongHash(0x1000001a2b3c0001n), 993787931);
});

test('HashSet<String>(8) iteration order, resizes included', (t) => {
  const names = Array.from({ length: 100 }, (_, i) => `n${String(i).padStart(2, '0')}`);
  t.is(
    javaChildOrder(names).join(','),
    'n90,n92,n91,n94,n93,n96,n95,n10,n98,n97,n12,n11,n99,n14,n13,n16,n15,n18,n17,n19,n21,n20,n23,n22,n25,n24,n27,n26,n29,n28,' +
      'n30,n32,n31,n34,n33,n36,n35,n38,n37,n39,n41,n40,n43,n42,n45,n44,n47,n46,n49,n48,n50,n52,n51,n54,n53,n56,n55,n58,n57,n59,' +
      'n61,n60,n63,n62,n65,n64,n67,n66,n69,n68,n70,n72,n71,n74,n73,n76,n75,n78,n77,n79,n81,n80,n83,n82,n85,n84,n87,n86,n01,n89,' +
      'n00,n88,n03,n02,n05,n04,n07,n06,n09,n08',
  );
  t.deepEqual(javaChildOrder([]), []);
  t.deepEqual(javaChildOrder(['only']), ['only']);
});

test('HashSet: a bucket reaching 9 entries in a small table doubles it', (t) => {
  // "Aa" and "BB" share a hash code, so these ten names all collide.
  const colliding = Array.from({ length: 10 }, (_, i) => [3, 2, 1, 0].map((j) => ((i >> j) & 1 ? 'BB' : 'Aa')).join(''));
  const names = [...colliding, ...Array.from({ length: 20 }, (_, i) => `y${i}`)];
  t.is(
    javaChildOrder(names).join(','),
    'AaAaAaAa,AaAaAaBB,AaAaBBAa,AaAaBBBB,AaBBAaAa,AaBBAaBB,AaBBBBAa,AaBBBBBB,BBAaAaAa,BBAaAaBB,' +
      'y0,y1,y11,y2,y10,y3,y13,y4,y12,y5,y15,y6,y14,y7,y17,y8,y16,y9,y19,y18',
  );
});

test('HashSet: 9+ colliding names in a table of 64 become a tree, iterated root first', (t) => {
  const colliding = Array.from({ length: 16 }, (_, i) => [3, 2, 1, 0].map((j) => ((i >> j) & 1 ? 'BB' : 'Aa')).join(''));
  const names: string[] = [];
  for (let i = 0; i < 30; i++) {
    names.push(`x${i}`);
    if (i % 3 === 0 && colliding.length > 6) names.push(colliding.shift()!);
  }
  t.is(
    javaChildOrder(names).join(','),
    'x8,x9,AaAaBBBB,AaAaAaAa,AaAaAaBB,AaAaBBAa,AaBBAaAa,AaBBAaBB,AaBBBBAa,AaBBBBBB,BBAaAaAa,BBAaAaBB,' +
      'x10,x12,x11,x14,x13,x16,x15,x18,x17,x19,x21,x20,x0,x23,x1,x22,x2,x25,x3,x24,x4,x27,x5,x26,x6,x29,x7,x28',
  );
});

test('HashMap<Long, Integer>() iteration order (sessions)', (t) => {
  const ids = [...Array.from({ length: 20 }, (_, i) => 0x1000001a2b3c0001n + BigInt(i) * 0x10000n + BigInt(i)), -1n, -(1n << 63n), 0n, (1n << 63n) - 1n];
  t.is(
    javaSessionOrder(ids).join(','),
    '-1,-9223372036854775808,0,9223372036854775807,1152921617001545732,1152921617002332176,1152921617002594324,' +
      '1152921617001414658,1152921617002463250,1152921617001349121,1152921617001480195,1152921617002397713,' +
      '1152921617002528787,1152921617001807880,1152921617002070028,1152921617001938954,1152921617001873417,' +
      '1152921617002004491,1152921617001676806,1152921617002201102,1152921617001611269,1152921617001742343,' +
      '1152921617002135565,1152921617002266639',
  );
});

test("UTF-8 decoding with Java's replacement rules", (t) => {
  const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');
  t.is(javaUtf8Decode(hex('41 c3a9 e697a5 f09f9880')), 'Aé日😀');
  // An encoded surrogate is one U+FFFD in Java (three in Node's decoder).
  t.is(javaUtf8Decode(hex('41 eda080 42')), 'A\ufffdB');
  t.is(hex('eda080').toString('utf8'), '\ufffd\ufffd\ufffd');
  t.is(javaUtf8Decode(hex('ff ff ff ff')), '\ufffd'.repeat(4));
  t.is(javaUtf8Decode(hex('00 00 ea 60')), '\0\0\ufffd`');
  t.is(javaUtf8Decode(hex('e0 80 80')), '\ufffd'.repeat(3));
  t.is(javaUtf8Decode(hex('f0 90 80')), '\ufffd');
  t.is(javaUtf8Decode(hex('f0 90 41')), '\ufffdA');
  t.is(javaUtf8Decode(hex('c3')), '\ufffd');
  t.is(javaUtf8Decode(Buffer.alloc(0)), '');
});

test("JSON strings quoted as Jackson's JsonStringEncoder does", (t) => {
  t.is(jacksonQuote('a"b\\c/d\u0001\u001f\t\n\r\b\f\u007f\u2028é'), 'a\\"b\\\\c/d\\u0001\\u001F\\t\\n\\r\\b\\f\u007f\u2028é');
});
