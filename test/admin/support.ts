// Helpers for the AdminServer tests: a bounded HTTP client, and a JSON reader that keeps what
// JSON.parse loses (key order of integer-like keys, the exact text of numbers: 64-bit session
// ids, and whether a number was written as a double like "7.0").

import { request } from 'node:http';
import { connect } from 'node:net';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One HTTP request with a bounded wait; a fresh connection each time. */
export function http(url: string, method = 'GET', timeoutMs = 10_000): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer in ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** Writes raw bytes and returns everything the server sends until it closes (bounded). */
export function rawHttp(host: string, port: number, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect({ host, port }, () => s.write(text));
    const timer = setTimeout(() => s.destroy(new Error(`no close in ${timeoutMs} ms`)), timeoutMs);
    s.on('data', (c: Buffer) => chunks.push(c));
    // A server that answers and closes while we still write resets the connection: what it sent
    // before that is the answer.
    s.on('error', (e) => {
      clearTimeout(timer);
      if (chunks.length > 0) resolve(Buffer.concat(chunks).toString('utf8'));
      else reject(e);
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export type Exact = null | boolean | string | { num: string } | Exact[] | { entries: [string, Exact][] };

/** A strict JSON reader; numbers keep their text, objects their entry order. */
export function parseExact(text: string): Exact {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const fail = (what: string): never => {
    throw new SyntaxError(`${what} at ${i}: ${JSON.stringify(text.slice(i, i + 20))}`);
  };
  const value = (): Exact => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const entries: [string, Exact][] = [];
      ws();
      if (text[i] === '}') {
        i++;
        return { entries };
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = str();
        ws();
        if (text[i++] !== ':') fail('expected :');
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === '}') {
          i++;
          return { entries };
        } else fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const items: Exact[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') i++;
        else if (text[i] === ']') {
          i++;
          return items;
        } else fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    for (const [word, v] of [['null', null], ['true', true], ['false', false]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (m === null) return fail('unexpected character');
    i += m[0].length;
    return { num: m[0] };
  };
  const str = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (text[i] !== '"') fail('unterminated string');
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing text');
  return v;
}

export type Kind = 'integer' | 'double' | 'string' | 'boolean' | 'null' | 'object' | 'array';

export function kindOf(v: Exact): Kind {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'string') return 'string';
  if (Array.isArray(v)) return 'array';
  if ('num' in v) return /^-?\d+$/.test(v.num) ? 'integer' : 'double';
  return 'object';
}

export function entriesOf(v: Exact): [string, Exact][] {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('entries' in v)) throw new TypeError(`not an object: ${JSON.stringify(v)}`);
  return v.entries;
}

/** The value under `key` of an object; throws when missing. */
export function field(v: Exact, key: string): Exact {
  const e = entriesOf(v).find(([k]) => k === key);
  if (e === undefined) throw new Error(`no "${key}" in ${entriesOf(v).map(([k]) => k).join(', ')}`);
  return e[1];
}

export function num(v: Exact): bigint {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !('num' in v) || !/^-?\d+$/.test(v.num)) throw new TypeError(`not an integer: ${JSON.stringify(v)}`);
  return BigInt(v.num);
}
