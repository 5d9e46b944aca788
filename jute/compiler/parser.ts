// Recursive-descent parser for one .jute file:
//
//   file     := 'module' IDENT STRING ';' decl*
//   decl     := record | sequence
//   record   := 'record' IDENT '{' field* '}'
//   field    := ['optional'] type IDENT ';'
//   type     := PRIMITIVE | 'vector' '<' type '>' | IDENT ('.' IDENT)*
//   sequence := 'sequence' IDENT 'of' IDENT '(' IDENT ')' 'until' IDENT '{' case* '}'
//   case     := NUMBER (',' NUMBER)* '=>' (IDENT | 'none') ';'
//
// `//` comment lines right above `module`, `record` or `sequence` become that declaration's doc.

import type { Decl, FieldDecl, ModuleDecl, PrimitiveName, RecordDecl, SequenceCase, SequenceDecl, TypeRef } from './ast';
import { JuteSyntaxError, type Token, tokenize } from './lexer';

const PRIMITIVES: ReadonlySet<string> = new Set<PrimitiveName>(['byte', 'boolean', 'int', 'long', 'float', 'double', 'ustring', 'buffer']);

export function parseJute(source: string, file: string): ModuleDecl {
  return new JuteParser(tokenize(source, file)).file(file);
}

class JuteParser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  file(file: string): ModuleDecl {
    const doc = this.docs();
    this.keyword('module');
    const name = this.ident();
    const javaPackage = this.expect('string').text;
    this.punct(';');
    const decls: Decl[] = [];
    for (;;) {
      const declDoc = this.docs();
      const t = this.peek();
      if (t.kind === 'eof') break;
      if (t.kind === 'ident' && t.text === 'record') decls.push(this.record(declDoc));
      else if (t.kind === 'ident' && t.text === 'sequence') decls.push(this.sequence(declDoc));
      else throw new JuteSyntaxError(`expected 'record' or 'sequence', found '${t.text}'`, t.pos);
    }
    return { name, javaPackage, doc, decls, file };
  }

  private record(doc: string[]): RecordDecl {
    const pos = this.keyword('record').pos;
    const name = this.ident();
    this.punct('{');
    const fields: FieldDecl[] = [];
    while (!this.atPunct('}')) {
      this.docs();
      if (this.atPunct('}')) break;
      const fpos = this.peek().pos;
      const optional = this.peek().kind === 'ident' && this.peek().text === 'optional';
      if (optional) this.i++;
      const type = this.type();
      const fname = this.ident();
      this.punct(';');
      fields.push({ name: fname, type, optional, pos: fpos });
    }
    this.punct('}');
    return { kind: 'record', name, doc, fields, pos };
  }

  private sequence(doc: string[]): SequenceDecl {
    const pos = this.keyword('sequence').pos;
    const name = this.ident();
    this.keyword('of');
    const header = this.ident();
    this.punct('(');
    const tagField = this.ident();
    this.punct(')');
    this.keyword('until');
    const doneField = this.ident();
    this.punct('{');
    const cases: SequenceCase[] = [];
    while (!this.atPunct('}')) {
      this.docs();
      if (this.atPunct('}')) break;
      const cpos = this.peek().pos;
      const tags = [this.number()];
      while (this.atPunct(',')) {
        this.i++;
        tags.push(this.number());
      }
      this.punct('=>');
      const body = this.ident();
      this.punct(';');
      cases.push({ tags, body: body === 'none' ? null : body, pos: cpos });
    }
    this.punct('}');
    return { kind: 'sequence', name, doc, header, tagField, doneField, cases, pos };
  }

  private type(): TypeRef {
    const t = this.peek();
    const first = this.ident();
    if (PRIMITIVES.has(first)) return { kind: 'primitive', name: first as PrimitiveName };
    if (first === 'vector') {
      this.punct('<');
      const element = this.type();
      this.punct('>');
      return { kind: 'vector', element };
    }
    if (first === 'map') throw new JuteSyntaxError('map<K,V> is not supported: no ZooKeeper record uses it', t.pos);
    // Qualified names (data.Stat) resolve by their last segment: record names are global.
    let name = first;
    while (this.atPunct('.')) {
      this.i++;
      name = this.ident();
    }
    return { kind: 'ref', name };
  }

  private docs(): string[] {
    const out: string[] = [];
    while (this.tokens[this.i]!.kind === 'comment') out.push(this.tokens[this.i++]!.text);
    return out;
  }

  private peek(): Token {
    // Comments after a field on the same line are not docs: skip them wherever they appear.
    while (this.tokens[this.i]!.kind === 'comment') this.i++;
    return this.tokens[this.i]!;
  }

  private expect(kind: Token['kind']): Token {
    const t = this.peek();
    if (t.kind !== kind) throw new JuteSyntaxError(`expected ${kind}, found '${t.text || t.kind}'`, t.pos);
    this.i++;
    return t;
  }

  private ident(): string {
    return this.expect('ident').text;
  }

  private number(): number {
    const t = this.expect('number');
    const negative = t.text.startsWith('-');
    const body = negative ? t.text.slice(1) : t.text;
    const v = body.startsWith('0x') ? parseInt(body.slice(2), 16) : parseInt(body, 10);
    const n = negative ? -v : v;
    if (!Number.isSafeInteger(n) || n < -0x80000000 || n > 0x7fffffff) throw new JuteSyntaxError(`tag ${t.text} is not an int`, t.pos);
    return n;
  }

  private keyword(word: string): Token {
    const t = this.peek();
    if (t.kind !== 'ident' || t.text !== word) throw new JuteSyntaxError(`expected '${word}', found '${t.text || t.kind}'`, t.pos);
    this.i++;
    return t;
  }

  private punct(p: string): void {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) throw new JuteSyntaxError(`expected '${p}', found '${t.text || t.kind}'`, t.pos);
    this.i++;
  }

  private atPunct(p: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.text === p;
  }
}
