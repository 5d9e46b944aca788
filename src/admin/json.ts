// The AdminServer's JSON, laid out as the reference's JsonOutputter writes it: Jackson with
// INDENT_OUTPUT, i.e. its DefaultPrettyPrinter. Objects put each entry on its own line, indented
// two spaces per level, with " : " between key and value; arrays stay on one line ("[ a, b ]")
// and do not add a level; empty containers are "{ }" and "[ ]"; no newline at the end.
//
// Objects are Maps so that keys keep their insertion order (a plain object would move
// integer-like keys such as expiry times to the front). Longs may be bigint; doubles that Java
// prints with a fraction ("7.0") are wrapped in JavaDouble.

export class JavaDouble {
  constructor(readonly value: number) {}
}

export type JsonValue = null | boolean | string | number | bigint | JavaDouble | readonly JsonValue[] | JsonObject;
export type JsonObject = ReadonlyMap<string, JsonValue>;

/** An object from [key, value] pairs, in order. */
export function obj(entries: Iterable<readonly [string, JsonValue]>): Map<string, JsonValue> {
  return new Map(entries);
}

export function prettyJson(value: JsonValue): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}

function write(value: JsonValue, level: number, out: string[]): void {
  if (value === null) out.push('null');
  else if (typeof value === 'boolean') out.push(value ? 'true' : 'false');
  else if (typeof value === 'string') out.push(quote(value));
  else if (typeof value === 'bigint') out.push(value.toString());
  else if (typeof value === 'number') out.push(Number.isInteger(value) ? integerText(value) : javaDoubleText(value));
  else if (value instanceof JavaDouble) out.push(javaDoubleText(value.value));
  else if (value instanceof Map) writeObject(value, level, out);
  else writeArray(value as readonly JsonValue[], level, out);
}

function writeObject(m: JsonObject, level: number, out: string[]): void {
  if (m.size === 0) {
    out.push('{ }');
    return;
  }
  const inner = '\n' + '  '.repeat(level + 1);
  out.push('{');
  let first = true;
  for (const [k, v] of m) {
    out.push(first ? inner : ',' + inner, quote(k), ' : ');
    first = false;
    write(v, level + 1, out);
  }
  out.push('\n' + '  '.repeat(level) + '}');
}

function writeArray(a: readonly JsonValue[], level: number, out: string[]): void {
  if (a.length === 0) {
    out.push('[ ]');
    return;
  }
  out.push('[ ');
  a.forEach((v, i) => {
    if (i > 0) out.push(', ');
    write(v, level, out);
  });
  out.push(' ]');
}

function integerText(n: number): string {
  // -0 prints as 0, as a Java long would.
  return Object.is(n, -0) ? '0' : String(n);
}

const HEX = '0123456789ABCDEF';

/** Jackson's escaping: `"`, `\` and the C0 controls (short forms where JSON has them, else \u00XX). */
export function quote(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c !== 0x22 && c !== 0x5c) continue;
    out += s.slice(start, i);
    start = i + 1;
    switch (c) {
      case 0x22: out += '\\"'; break;
      case 0x5c: out += '\\\\'; break;
      case 0x08: out += '\\b'; break;
      case 0x09: out += '\\t'; break;
      case 0x0a: out += '\\n'; break;
      case 0x0c: out += '\\f'; break;
      case 0x0d: out += '\\r'; break;
      default: out += `\\u00${HEX[c >> 4]}${HEX[c & 15]}`;
    }
  }
  return out + s.slice(start) + '"';
}

/**
 * Java's Double.toString: plain notation with at least one fraction digit in [1e-3, 1e7),
 * otherwise d.dddE±n. JavaScript's shortest round-trip digits stand in for Java's.
 */
export function javaDoubleText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : `${mantissa}.0`;
  return `${m}E${exponent.startsWith('+') ? exponent.slice(1) : exponent}`;
}
