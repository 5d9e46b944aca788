// Tokens of our Jute dialect. Line comments (`//`) directly above a declaration are kept as its doc.

import type { Position } from './ast';

export type TokenKind = 'ident' | 'number' | 'string' | 'punct' | 'comment' | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  pos: Position;
}

export class JuteSyntaxError extends Error {
  override readonly name = 'JuteSyntaxError';
  constructor(message: string, readonly pos: Position) {
    super(`${pos.file}:${pos.line}:${pos.column}: ${message}`);
  }
}

const PUNCT = ['=>', '{', '}', '<', '>', '(', ')', ';', ',', '.'];

export function tokenize(source: string, file: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  let lineStart = 0;
  const pos = (): Position => ({ file, line, column: i - lineStart + 1 });
  while (i < source.length) {
    const c = source[i]!;
    if (c === '\n') {
      i++;
      line++;
      lineStart = i;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (source.startsWith('//', i)) {
      const start = pos();
      const end = source.indexOf('\n', i);
      const stop = end === -1 ? source.length : end;
      tokens.push({ kind: 'comment', text: source.slice(i + 2, stop).trim(), pos: start });
      i = stop;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      const start = pos();
      let j = i + 1;
      while (j < source.length && /[A-Za-z0-9_]/.test(source[j]!)) j++;
      tokens.push({ kind: 'ident', text: source.slice(i, j), pos: start });
      i = j;
      continue;
    }
    if (/[0-9-]/.test(c)) {
      const start = pos();
      const m = /^-?(0x[0-9a-fA-F]+|[0-9]+)/.exec(source.slice(i));
      if (m === null) throw new JuteSyntaxError(`unexpected '${c}'`, start);
      tokens.push({ kind: 'number', text: m[0], pos: start });
      i += m[0].length;
      continue;
    }
    if (c === '"') {
      const start = pos();
      const end = source.indexOf('"', i + 1);
      if (end === -1 || source.slice(i, end).includes('\n')) throw new JuteSyntaxError('unterminated string', start);
      tokens.push({ kind: 'string', text: source.slice(i + 1, end), pos: start });
      i = end + 1;
      continue;
    }
    const p = PUNCT.find((q) => source.startsWith(q, i));
    if (p === undefined) throw new JuteSyntaxError(`unexpected '${c}'`, pos());
    tokens.push({ kind: 'punct', text: p, pos: pos() });
    i += p.length;
  }
  tokens.push({ kind: 'eof', text: '', pos: pos() });
  return tokens;
}
