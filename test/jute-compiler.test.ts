import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { checkProgram, JuteCheckError } from '../jute/compiler/check';
import { compileDirectory } from '../jute/compiler/compile';
import { JuteSyntaxError } from '../jute/compiler/lexer';
import { parseJute } from '../jute/compiler/parser';
import { repoRoot } from './support/golden';

const cli = join(repoRoot, 'dist', 'jute', 'compiler', 'cli.js');

test('parses records, optional fields, qualified refs and sequences', (t) => {
  const m = parseJute(
    `// doc line\nmodule demo "x.y";\n// a record\nrecord A { int a; vector<x.y.B> bs; optional boolean ro; }\n` +
      `record B { ustring s; }\nsequence S of H(type) until done { 1, 2 => A; -1 => none; }\nrecord H { int type; boolean done; }\n`,
    'demo.jute',
  );
  t.is(m.name, 'demo');
  t.deepEqual(m.doc, ['doc line']);
  const a = m.decls[0]!;
  t.is(a.kind, 'record');
  if (a.kind !== 'record') return;
  t.deepEqual(a.doc, ['a record']);
  t.deepEqual(a.fields[1]!.type, { kind: 'vector', element: { kind: 'ref', name: 'B' } });
  t.true(a.fields[2]!.optional);
  const s = m.decls[2]!;
  if (s.kind !== 'sequence') return t.fail();
  t.deepEqual(s.cases.map((c) => [c.tags, c.body]), [[[1, 2], 'A'], [[-1], null]]);
  t.notThrows(() => checkProgram([m]));
});

test('syntax errors name the file, line and column', (t) => {
  const e = t.throws(() => parseJute('module m "p";\nrecord A {\n  int ;\n}\n', 'bad.jute'), { instanceOf: JuteSyntaxError });
  t.regex(e!.message, /^bad\.jute:3:7: expected ident/);
  t.throws(() => parseJute('module m "p"; record A { map<int,int> m; }', 'map.jute'), { message: /map<K,V> is not supported/ });
});

test('semantic errors are all reported at once', (t) => {
  const m = parseJute(
    'module m "p"; record A { Missing x; optional int o; int after; int after; } record A { int y; } ' +
      'sequence S of A(nope) until y { 1 => Nope; 1 => A; }',
    'sem.jute',
  );
  const e = t.throws(() => checkProgram([m]), { instanceOf: JuteCheckError });
  const text = e!.problems.join('\n');
  for (const p of [/'A' is already declared/, /unknown type 'Missing'/, /follows an optional field/, /field 'after' repeats/, /needs a int field 'nope'/, /needs a boolean field 'y'/, /tag 1 repeats/, /'Nope' is not a record/]) {
    t.regex(text, p);
  }
});

test('generation is deterministic and matches the committed output', (t) => {
  const a = compileDirectory(join(repoRoot, 'jute', 'idl'));
  const b = compileDirectory(join(repoRoot, 'jute', 'idl'));
  t.deepEqual(a, b);
  for (const f of a) {
    const committed = readFileSync(join(repoRoot, 'src', 'protocol', 'generated', f.path), 'utf8');
    t.true(committed === f.text, `${f.path} matches`);
    t.true(f.text.startsWith('// GENERATED FILE - DO NOT EDIT.'), `${f.path} has the do-not-edit header`);
  }
});

test('jute:check passes on the committed output and fails after an edit to a generated file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkts-jute-'));
  cpSync(join(repoRoot, 'src', 'protocol', 'generated'), dir, { recursive: true });
  const run = (): { code: number; out: string } => {
    try {
      return { code: 0, out: execFileSync(process.execPath, [cli, 'check', 'jute/idl', dir], { encoding: 'utf8', stdio: 'pipe' }) };
    } catch (e) {
      const err = e as { status: number; stderr: string };
      return { code: err.status, out: err.stderr };
    }
  };
  t.is(run().code, 0);
  const file = join(dir, 'data.ts');
  writeFileSync(file, readFileSync(file, 'utf8').replace('czxid: bigint;', 'czxid: number;'));
  const drift = run();
  t.is(drift.code, 1);
  t.regex(drift.out, /data\.ts: differs/);
  writeFileSync(join(dir, 'extra.ts'), '// stray\n');
  t.regex(run().out, /extra\.ts: not produced by the compiler/);
});
