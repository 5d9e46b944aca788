// Two generic renderings of decoded Jute records, driven by the generated field metadata
// (juteSchema), so no record needs its own printer:
//
// - juteToString: the reference's Record.toString(), i.e. the record serialized through
//   ToStringOutputArchive. Fields are comma-separated; a nested record is "s{...}", a vector
//   "v{...}", a map "m{...}"; numbers in decimal, booleans T/F; a string is "'" plus the text with
//   NUL, LF, CR, ',', '}' and '%' as %00 %0A %0D %2C %7D %25 (null prints nothing); a buffer is "#"
//   plus Integer.toHexString of each signed byte (0x05 -> "5", 0x80 -> "ffffff80"; null or empty
//   prints nothing); a null nested record prints nothing at all. The top-level record ends in "\n".
// - juteToJson: a JSON-safe value: longs as decimal strings, buffers as hex, nulls kept.

import { juteSchema } from '../protocol/generated/schema';
import type { JuteFieldSchema, JuteType } from '../protocol/jute/schema';

function fieldsOf(record: string): readonly JuteFieldSchema[] {
  const decl = juteSchema[record];
  if (decl === undefined || decl.kind !== 'record') throw new TypeError(`no Jute record named ${record}`);
  return decl.fields;
}

function escapeString(s: string | null): string {
  if (s === null) return '';
  let out = "'";
  for (const c of s) {
    switch (c) {
      case '\0':
        out += '%00';
        break;
      case '\n':
        out += '%0A';
        break;
      case '\r':
        out += '%0D';
        break;
      case ',':
        out += '%2C';
        break;
      case '}':
        out += '%7D';
        break;
      case '%':
        out += '%25';
        break;
      default:
        out += c;
    }
  }
  return out;
}

function escapeBuffer(b: Uint8Array | null): string {
  if (b === null || b.length === 0) return '';
  let out = '#';
  for (const byte of b) out += (byte < 0x80 ? byte : (byte | 0xffffff00) >>> 0).toString(16);
  return out;
}

/**
 * Double.toString, approximated: integral values get ".0", others print as JavaScript does (no
 * record of the txn log or the snapshot has a float or double field).
 */
function javaDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? 'Infinity' : '-Infinity';
  if (Number.isInteger(d) && Math.abs(d) < 1e7) return `${d}.0`;
  return String(d);
}

/** ToStringOutputArchive's state: whether the next item is the first at its level (no comma). */
class ToStringArchive {
  out = '';
  private first = true;

  private comma(): void {
    if (!this.first) this.out += ',';
    this.first = false;
  }

  item(text: string): void {
    this.comma();
    this.out += text;
  }

  open(marker: 's{' | 'v{'): void {
    this.comma();
    this.out += marker;
    this.first = true;
  }

  close(): void {
    this.out += '}';
    this.first = false;
  }

  endTopLevel(): void {
    this.out += '\n';
    this.first = true;
  }

  fields(record: string, value: Record<string, unknown>): void {
    for (const f of fieldsOf(record)) {
      const v = value[f.name];
      if (f.optional && v === undefined) continue;
      this.value(f.type, v);
    }
  }

  value(type: JuteType, v: unknown): void {
    switch (type.kind) {
      case 'primitive':
        switch (type.name) {
          case 'byte':
          case 'int':
          case 'long':
            return this.item(String(v));
          case 'boolean':
            return this.item(v === true ? 'T' : 'F');
          case 'float':
          case 'double':
            return this.item(javaDouble(v as number));
          case 'ustring':
            return this.item(escapeString(v as string | null));
          case 'buffer':
            return this.item(escapeBuffer(v as Buffer | null));
        }
        return;
      case 'vector':
        this.open('v{');
        if (v !== null && v !== undefined) for (const e of v as unknown[]) this.value(type.element, e);
        return this.close();
      case 'ref':
        if (v === null || v === undefined) return;
        this.open('s{');
        this.fields(type.name, v as Record<string, unknown>);
        return this.close();
    }
  }
}

/** The reference's `record.toString()` for a record of type `record` (ends with "\n"). */
export function juteToString(record: string, value: object): string {
  const a = new ToStringArchive();
  a.fields(record, value as Record<string, unknown>);
  a.endTopLevel();
  return a.out;
}

/** java.util.List.toString() of records: "[" + each toString() joined by ", " + "]"; null is "null". */
export function javaRecordListToString(record: string, list: readonly object[] | null): string {
  if (list === null) return 'null';
  return `[${list.map((e) => juteToString(record, e)).join(', ')}]`;
}

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

function jsonOf(type: JuteType, v: unknown): JsonValue {
  if (v === null || v === undefined) return null;
  switch (type.kind) {
    case 'primitive':
      if (type.name === 'long') return (v as bigint).toString();
      if (type.name === 'buffer') return (v as Buffer).toString('hex');
      return v as JsonValue;
    case 'vector':
      return (v as unknown[]).map((e) => jsonOf(type.element, e));
    case 'ref':
      return juteToJson(type.name, v as object);
  }
}

/** A JSON-safe copy of a record: longs as decimal strings, buffers as hex strings. */
export function juteToJson(record: string, value: object): { [k: string]: JsonValue } {
  const out: { [k: string]: JsonValue } = {};
  for (const f of fieldsOf(record)) {
    const v = (value as Record<string, unknown>)[f.name];
    if (f.optional && v === undefined) continue;
    out[f.name] = jsonOf(f.type, v);
  }
  return out;
}
