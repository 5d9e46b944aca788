// The JSON writer against the layout rules of Jackson's DefaultPrettyPrinter (what the reference's
// JsonOutputter uses) and Jackson's string escaping; expected texts are written from those rules
// and from bodies Debian's 3.8.0 AdminServer sent.

import test from 'ava';
import { JavaDouble, obj, prettyJson, quote } from '../../src/admin/json';

test('objects: one entry per line, two spaces per level, " : " between key and value', (t) => {
  t.is(prettyJson(obj([['command', 'ruok'], ['error', null]])), '{\n  "command" : "ruok",\n  "error" : null\n}');
  t.is(prettyJson(obj([['a', obj([['b', 1]])], ['c', true]])), '{\n  "a" : {\n    "b" : 1\n  },\n  "c" : true\n}');
});

test('arrays stay on one line and add no level; objects inside them do', (t) => {
  t.is(prettyJson(obj([['l', [1, 2, 3]]])), '{\n  "l" : [ 1, 2, 3 ]\n}');
  t.is(
    prettyJson(obj([['connections', [obj([['a', 1], ['b', 'x']]), obj([['a', 2]])]]])),
    '{\n  "connections" : [ {\n    "a" : 1,\n    "b" : "x"\n  }, {\n    "a" : 2\n  } ]\n}',
  );
  t.is(prettyJson([[1], []]), '[ [ 1 ], [ ] ]');
});

test('empty containers', (t) => {
  t.is(prettyJson(obj([])), '{ }');
  t.is(prettyJson([]), '[ ]');
  t.is(prettyJson(obj([['m', new Map()], ['l', []]])), '{\n  "m" : { },\n  "l" : [ ]\n}');
});

test('numbers: longs exact (bigint), doubles as Java prints them', (t) => {
  t.is(prettyJson(72058221693239296n), '72058221693239296');
  t.is(prettyJson(-1n), '-1');
  t.is(prettyJson(-1), '-1');
  t.is(prettyJson(new JavaDouble(7)), '7.0');
  t.is(prettyJson(new JavaDouble(0)), '0.0');
  t.is(prettyJson(new JavaDouble(0.3333)), '0.3333');
  t.is(prettyJson(new JavaDouble(1.4327)), '1.4327');
  t.is(prettyJson(new JavaDouble(12345678)), '1.2345678E7');
  t.is(prettyJson(new JavaDouble(0.0001)), '1.0E-4');
  t.is(prettyJson(2.5), '2.5');
});

test('integer-like keys keep their insertion order', (t) => {
  t.is(prettyJson(obj([['9602000', [1n]], ['12', [2n]]])), '{\n  "9602000" : [ 1 ],\n  "12" : [ 2 ]\n}');
});

test('strings: Jackson escapes quote, backslash and C0 controls (uppercase hex), nothing else', (t) => {
  t.is(quote('a"b\\c'), '"a\\"b\\\\c"');
  t.is(quote('\b\t\n\f\r'), '"\\b\\t\\n\\f\\r"');
  t.is(quote('\u0000\u001f'), '"\\u0000\\u001F"');
  t.is(quote('é/€\u007f'), '"é/€\u007f"');
  t.is(quote('tickTime=2000\ndataDir=/d\n'), '"tickTime=2000\\ndataDir=/d\\n"');
});
