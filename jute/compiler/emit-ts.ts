// TypeScript emitter: one file per module with, for every record, its interface, a binary-parser
// decoder, a smart-buffer encoder and a codec object; plus index.ts (registry) and schema.ts
// (field metadata used by the golden-vector tests).
//
// Type mapping: long -> bigint, buffer -> Buffer | null, ustring -> string | null,
// vector<T> -> T[] | null, boolean -> boolean, byte/int/float/double -> number,
// record -> its interface, optional field -> `field?: T`.

import type { Decl, FieldDecl, ModuleDecl, RecordDecl, SequenceDecl, TypeRef } from './ast';
import type { Program } from './check';

export interface GeneratedFile {
  /** Path relative to the output directory. */
  path: string;
  text: string;
}

const HEADER = (source: string): string =>
  `// GENERATED FILE - DO NOT EDIT.\n` +
  `// Produced by jute/compiler from ${source}; change the .jute file and run \`npm run jute:gen\`.\n` +
  `// \`npm run jute:check\` (run in CI) fails if this file differs from what the compiler emits.\n`;

export function emitProgram(program: Program): GeneratedFile[] {
  const files = program.modules.map((m) => ({ path: `${m.name}.ts`, text: emitModule(program, m) }));
  files.push({ path: 'index.ts', text: emitIndex(program) });
  files.push({ path: 'schema.ts', text: emitSchema(program) });
  return files;
}

function emitModule(program: Program, m: ModuleDecl): string {
  const out: string[] = [HEADER(`jute/idl/${m.name}.jute`)];
  out.push(`// Module ${m.name}: records of the reference's ${m.javaPackage}.`);
  for (const d of m.doc) out.push(`// ${d}`);
  out.push('');
  out.push(`import { Parser } from 'binary-parser';`);
  out.push(`import type { SmartBuffer } from 'smart-buffer';`);
  out.push(`import * as rt from '../jute/runtime';`);
  const imports = new Map<string, Set<string>>();
  for (const d of m.decls) {
    for (const ref of referencedNames(d)) {
      const target = program.decls.get(ref)!;
      if (target.module === m) continue;
      const names = imports.get(target.module.name) ?? new Set<string>();
      names.add(ref);
      imports.set(target.module.name, names);
    }
  }
  for (const [mod, names] of [...imports].sort(([a], [b]) => a.localeCompare(b))) {
    const symbols = [...names].sort().flatMap((n) => [n, `${n}$parser`, `write${n}`]);
    out.push(`import { ${symbols.join(', ')} } from './${mod}';`);
  }
  for (const d of orderByDependency(program, m)) {
    out.push('');
    out.push(...(d.kind === 'record' ? emitRecord(program, d) : emitSequence(program, d)));
  }
  return out.join('\n') + '\n';
}

function referencedNames(d: Decl): string[] {
  if (d.kind === 'sequence') return [d.header, ...d.cases.flatMap((c) => (c.body === null ? [] : [c.body]))];
  const names: string[] = [];
  const walk = (t: TypeRef): void => {
    if (t.kind === 'vector') walk(t.element);
    else if (t.kind === 'ref') names.push(t.name);
  };
  for (const f of d.fields) walk(f.type);
  return names;
}

/** Parsers are built at module load, so a record's dependencies must be emitted before it. */
function orderByDependency(program: Program, m: ModuleDecl): Decl[] {
  const done = new Set<string>();
  const visiting = new Set<string>();
  const ordered: Decl[] = [];
  const visit = (d: Decl): void => {
    if (done.has(d.name)) return;
    if (visiting.has(d.name)) throw new Error(`records refer to each other in a cycle through ${d.name}`);
    visiting.add(d.name);
    for (const ref of referencedNames(d)) {
      const target = program.decls.get(ref)!;
      if (target.module === m) visit(target.decl);
    }
    visiting.delete(d.name);
    done.add(d.name);
    ordered.push(d);
  };
  m.decls.forEach(visit);
  return ordered;
}

function docComment(doc: string[], indent = ''): string[] {
  if (doc.length === 0) return [];
  if (doc.length === 1) return [`${indent}/** ${doc[0]} */`];
  return [`${indent}/**`, ...doc.map((d) => `${indent} * ${d}`), `${indent} */`];
}

function tsType(t: TypeRef): string {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'long':
          return 'bigint';
        case 'boolean':
          return 'boolean';
        case 'ustring':
          return 'string | null';
        case 'buffer':
          return 'Buffer | null';
        default:
          return 'number';
      }
    case 'vector': {
      const inner = tsType(t.element);
      return inner.includes('|') ? `Array<${inner}> | null` : `${inner}[] | null`;
    }
    case 'ref':
      return t.name;
  }
}

const PRIMITIVE_READ: Record<string, string> = {
  byte: 'int8',
  boolean: 'uint8',
  int: 'int32be',
  long: 'int64be',
  float: 'floatbe',
  double: 'doublebe',
};

/** Minimum encoded size of a type, used to bound vector counts before reading them. */
function minBytes(program: Program, t: TypeRef): number {
  if (t.kind === 'vector') return 4;
  if (t.kind === 'primitive') {
    return { byte: 1, boolean: 1, int: 4, long: 8, float: 4, double: 8, ustring: 4, buffer: 4 }[t.name];
  }
  const d = program.decls.get(t.name)!.decl;
  if (d.kind === 'sequence') return minBytes(program, { kind: 'ref', name: d.header });
  return d.fields.filter((f) => !f.optional).reduce((n, f) => n + minBytes(program, f.type), 0);
}

/** The parser to use for one value of `t` and the formatter that turns its raw output into the field. */
function valueParser(program: Program, t: TypeRef): { parser: string; formatter: string | null } {
  switch (t.kind) {
    case 'primitive':
      if (t.name === 'ustring') return { parser: 'rt.lengthPrefixedParser', formatter: 'rt.toUstring' };
      if (t.name === 'buffer') return { parser: 'rt.lengthPrefixedParser', formatter: 'rt.toBuffer' };
      return { parser: `'${PRIMITIVE_READ[t.name]}'`, formatter: t.name === 'boolean' ? 'rt.toBoolean' : null };
    case 'ref': {
      const d = program.decls.get(t.name)!.decl;
      return { parser: `${t.name}$parser`, formatter: d.kind === 'sequence' ? `${t.name}$finish` : null };
    }
    case 'vector': {
      const el = t.element;
      const min = minBytes(program, el);
      let formatter: string;
      let element: string;
      if (el.kind === 'primitive' && (el.name === 'ustring' || el.name === 'buffer')) {
        element = 'rt.lengthPrefixedParser';
        formatter = el.name === 'ustring' ? 'rt.toUstringVector' : 'rt.toBufferVector';
      } else if (el.kind === 'primitive') {
        element = `'${PRIMITIVE_READ[el.name]}'`;
        formatter = el.name === 'boolean' ? 'rt.toBooleanVector' : 'rt.toVector';
      } else if (el.kind === 'ref' && program.decls.get(el.name)!.decl.kind === 'record') {
        element = `${el.name}$parser`;
        formatter = 'rt.toVector';
      } else {
        throw new Error(`vector<${el.kind === 'ref' ? el.name : 'vector'}> is not supported by the emitter`);
      }
      return { parser: `rt.vectorParser(${element}, ${min})`, formatter };
    }
  }
}

function fieldParse(program: Program, f: FieldDecl): string {
  const { parser, formatter } = valueParser(program, f.type);
  if (f.optional) {
    const conv = formatter ?? 'rt.identity';
    return `  .nest('${f.name}', { type: rt.optionalParser(${parser}), formatter: rt.optionalValue(${conv}) })`;
  }
  if (f.type.kind === 'primitive' && parser.startsWith("'")) {
    const opts = formatter === null ? '' : `, { formatter: ${formatter} }`;
    return `  .${parser.slice(1, -1)}('${f.name}'${opts})`;
  }
  const fmt = formatter === null ? '' : `, formatter: ${formatter}`;
  return `  .nest('${f.name}', { type: ${parser}${fmt} })`;
}

/** Statements that write `expr` of type `t`; `depth` keeps loop variables distinct. */
function writeValue(program: Program, t: TypeRef, expr: string, indent: string, depth = 0): string[] {
  switch (t.kind) {
    case 'primitive':
      switch (t.name) {
        case 'byte':
          return [`${indent}out.writeInt8(${expr});`];
        case 'boolean':
          return [`${indent}out.writeUInt8(${expr} ? 1 : 0);`];
        case 'int':
          return [`${indent}out.writeInt32BE(${expr});`];
        case 'long':
          return [`${indent}out.writeBigInt64BE(${expr});`];
        case 'float':
          return [`${indent}out.writeFloatBE(${expr});`];
        case 'double':
          return [`${indent}out.writeDoubleBE(${expr});`];
        case 'ustring':
          return [`${indent}rt.writeUstring(out, ${expr});`];
        case 'buffer':
          return [`${indent}rt.writeBuffer(out, ${expr});`];
      }
      break;
    case 'ref':
      return [`${indent}write${t.name}(out, ${expr});`];
    case 'vector': {
      const v = `v${depth}`;
      const e = `e${depth}`;
      return [
        `${indent}const ${v} = ${expr};`,
        `${indent}if (${v} === null) {`,
        `${indent}  out.writeInt32BE(-1);`,
        `${indent}} else {`,
        `${indent}  out.writeInt32BE(${v}.length);`,
        `${indent}  for (const ${e} of ${v}) {`,
        ...writeValue(program, t.element, e, `${indent}    `, depth + 1),
        `${indent}  }`,
        `${indent}}`,
      ];
    }
  }
  throw new Error('unreachable');
}

function emitRecord(program: Program, d: RecordDecl): string[] {
  const out: string[] = [];
  out.push(...docComment(d.doc));
  out.push(`export interface ${d.name} {`);
  for (const f of d.fields) out.push(`  ${f.name}${f.optional ? '?' : ''}: ${tsType(f.type)};`);
  out.push('}');
  out.push('');
  out.push(`export const ${d.name}$parser: Parser = new Parser()`);
  const parseLines = d.fields.map((f) => fieldParse(program, f));
  parseLines[parseLines.length - 1] += ';';
  out.push(...parseLines);
  out.push('');
  out.push(`export function write${d.name}(out: SmartBuffer, v: ${d.name}): void {`);
  for (const f of d.fields) {
    if (f.optional) {
      out.push(`  if (v.${f.name} !== undefined) {`);
      out.push(...wrapBlock(writeValue(program, f.type, `v.${f.name}`, '    ')));
      out.push('  }');
    } else {
      out.push(...wrapBlock(writeValue(program, f.type, `v.${f.name}`, '  ')));
    }
  }
  out.push('}');
  out.push('');
  out.push(`export const ${d.name}: rt.JuteCodec<${d.name}> = rt.makeCodec<${d.name}>('${d.name}', ${d.name}$parser, write${d.name});`);
  return out;
}

/** Vector writers declare locals; give each its own block so several vectors can share a function. */
function wrapBlock(lines: string[]): string[] {
  if (!lines.some((l) => l.trimStart().startsWith('const '))) return lines;
  const indent = lines[0]!.match(/^ */)![0];
  return [`${indent}{`, ...lines.map((l) => `  ${l}`), `${indent}}`];
}

function emitSequence(program: Program, d: SequenceDecl): string[] {
  const header = program.decls.get(d.header)!.decl as RecordDecl;
  const bodies = [...new Set(d.cases.flatMap((c) => (c.body === null ? [] : [c.body])))];
  const allTags = d.cases.flatMap((c) => c.tags);
  // A choice key for "no body" (terminator or a bodiless case) that no real tag uses.
  let none = 1_000_000;
  while (allTags.includes(none)) none++;
  const out: string[] = [];
  out.push(...docComment(d.doc));
  out.push(`export type ${d.name}Body = ${bodies.join(' | ')};`);
  out.push('');
  out.push(`export interface ${d.name}Item {`);
  out.push(`  header: ${header.name};`);
  out.push(`  /** null for the tags that carry no body. */`);
  out.push(`  body: ${d.name}Body | null;`);
  out.push('}');
  out.push('');
  out.push(`export interface ${d.name} {`);
  out.push(`  items: ${d.name}Item[];`);
  out.push(`  /** The terminating header (${d.doneField} = true). */`);
  out.push(`  end: ${header.name};`);
  out.push('}');
  out.push('');
  out.push(`const ${d.name}$none = ${none};`);
  out.push(`// Header ${d.tagField} -> choice key: the first tag of its case, or the no-body key.`);
  out.push(`const ${d.name}$choice: ReadonlyMap<number, number> = new Map([`);
  for (const c of d.cases) {
    for (const tag of c.tags) out.push(`  [${tag}, ${c.body === null ? `${d.name}$none` : c.tags[0]}],`);
  }
  out.push(']);');
  out.push('');
  out.push(`const ${d.name}$item: Parser = new Parser()`);
  out.push(`  .nest('header', { type: ${header.name}$parser })`);
  out.push(`  .choice('body', {`);
  out.push(`    tag: function (this: { header: ${header.name} }): number {`);
  out.push(`      const h = this.header;`);
  out.push(`      if (h.${d.doneField}) return ${d.name}$none;`);
  out.push(`      return ${d.name}$choice.get(h.${d.tagField}) ?? rt.unknownTag(h.${d.tagField}, -1);`);
  out.push(`    },`);
  out.push(`    choices: {`);
  out.push(`      [${d.name}$none]: new Parser(),`);
  for (const c of d.cases) if (c.body !== null) out.push(`      [${c.tags[0]}]: ${c.body}$parser,`);
  out.push(`    },`);
  out.push(`    formatter: function (this: { header: ${header.name} }, body: ${d.name}Body): ${d.name}Body | null {`);
  out.push(`      return ${d.name}$choice.get(this.header.${d.tagField}) === ${d.name}$none || this.header.${d.doneField} ? null : body;`);
  out.push(`    },`);
  out.push(`  });`);
  out.push('');
  out.push(`export const ${d.name}$parser: Parser = new Parser().array('items', {`);
  out.push(`  type: ${d.name}$item,`);
  out.push(`  readUntil: (item: ${d.name}Item) => item.header.${d.doneField},`);
  out.push(`});`);
  out.push('');
  out.push(`export function ${d.name}$finish(raw: { items: ${d.name}Item[] }): ${d.name} {`);
  out.push(`  const items = raw.items;`);
  out.push(`  const end = items.pop()!.header;`);
  out.push(`  return { items, end };`);
  out.push('}');
  out.push('');
  out.push(`export function write${d.name}(out: SmartBuffer, v: ${d.name}): void {`);
  out.push(`  for (const item of v.items) {`);
  out.push(`    write${header.name}(out, item.header);`);
  out.push(`    const body = item.body;`);
  out.push(`    switch (item.header.${d.tagField}) {`);
  for (const c of d.cases) {
    out.push(`      ${c.tags.map((t) => `case ${t}:`).join(' ')}`);
    if (c.body !== null) {
      out.push(`        if (body === null) throw new RangeError('${d.name}: header ${d.tagField} ' + item.header.${d.tagField} + ' needs a body');`);
      out.push(`        write${c.body}(out, body as ${c.body});`);
    }
    out.push(`        break;`);
  }
  out.push(`      default:`);
  out.push(`        throw new RangeError('${d.name}: no body is defined for header ${d.tagField} ' + item.header.${d.tagField});`);
  out.push(`    }`);
  out.push(`  }`);
  out.push(`  write${header.name}(out, v.end);`);
  out.push('}');
  out.push('');
  out.push(`export const ${d.name}: rt.JuteCodec<${d.name}> = rt.makeCodec<${d.name}>('${d.name}', ${d.name}$parser, write${d.name}, ${d.name}$finish);`);
  return out;
}

function emitIndex(program: Program): string {
  const out: string[] = [HEADER('jute/idl/*.jute')];
  out.push(`import type { JuteCodec } from '../jute/runtime';`);
  for (const m of program.modules) {
    const names = m.decls.map((d) => d.name);
    out.push(`import { ${names.join(', ')} } from './${m.name}';`);
  }
  out.push('');
  for (const m of program.modules) out.push(`export * from './${m.name}';`);
  out.push('');
  out.push('/** Every codec by record name. */');
  out.push('// eslint-disable-next-line @typescript-eslint/no-explicit-any');
  out.push('export const codecs: Readonly<Record<string, JuteCodec<any>>> = {');
  for (const m of program.modules) for (const d of m.decls) out.push(`  ${d.name},`);
  out.push('};');
  return out.join('\n') + '\n';
}

function emitSchema(program: Program): string {
  const out: string[] = [HEADER('jute/idl/*.jute')];
  out.push(`import type { JuteSchema } from '../jute/schema';`);
  out.push('');
  out.push('/** Field layout of every declaration, for generic tooling (golden-vector tests, dumps). */');
  out.push('export const juteSchema: JuteSchema = {');
  for (const m of program.modules) {
    for (const d of m.decls) {
      if (d.kind === 'record') {
        out.push(`  ${d.name}: {`);
        out.push(`    kind: 'record',`);
        out.push(`    module: '${m.name}',`);
        out.push(`    fields: [`);
        for (const f of d.fields) {
          out.push(`      { name: '${f.name}', type: ${JSON.stringify(f.type).replace(/"/g, "'")}, optional: ${f.optional} },`);
        }
        out.push(`    ],`);
        out.push(`  },`);
      } else {
        out.push(`  ${d.name}: {`);
        out.push(`    kind: 'sequence',`);
        out.push(`    module: '${m.name}',`);
        out.push(`    header: '${d.header}',`);
        out.push(`    tagField: '${d.tagField}',`);
        out.push(`    doneField: '${d.doneField}',`);
        out.push(`    cases: [`);
        for (const c of d.cases) out.push(`      { tags: [${c.tags.join(', ')}], body: ${c.body === null ? 'null' : `'${c.body}'`} },`);
        out.push(`    ],`);
        out.push(`  },`);
      }
    }
  }
  out.push('};');
  return out.join('\n') + '\n';
}
