// Loads the golden fixtures written by compat-tests/golden/GoldenVectors.java (Apache ZooKeeper's
// own serializers) and converts between their JSON value convention and our typed values.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { juteSchema } from '../../src/protocol/generated/schema';
import type { JuteType } from '../../src/protocol/jute/schema';

export const repoRoot = resolve(__dirname, '..', '..', '..');
export const fixturesDir = join(repoRoot, 'compat-tests', 'golden', 'fixtures');

export interface Fixture {
  record: string;
  case: string;
  value: unknown;
  encodeOnly?: boolean;
  bytes: Buffer;
}

export function loadFixtures(dir = fixturesDir): Fixture[] {
  const out: Fixture[] = [];
  for (const record of readdirSync(dir).sort()) {
    for (const f of readdirSync(join(dir, record)).sort()) {
      if (!f.endsWith('.json')) continue;
      const meta = JSON.parse(readFileSync(join(dir, record, f), 'utf8')) as Omit<Fixture, 'bytes'>;
      out.push({ ...meta, bytes: readFileSync(join(dir, record, f.replace(/\.json$/, '.bin'))) });
    }
  }
  return out;
}

/** Fixture record names map onto our declarations; the ReadOnly variants use the optional trailing field. */
export function declFor(record: string): string {
  return record.replace(/ReadOnly$/, '');
}

const BIG_BUFFER = 4096;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Our typed value -> the fixture JSON convention, checking each field's runtime type on the way. */
export function toFixtureJson(decl: string, value: unknown): Json {
  const schema = juteSchema[decl];
  if (schema === undefined) throw new Error(`no declaration ${decl}`);
  const v = value as Record<string, unknown>;
  if (schema.kind === 'sequence') {
    const items = v['items'] as { header: unknown; body: unknown }[];
    return {
      items: items.map((item) => {
        const h = toFixtureJson(schema.header, item.header) as { [k: string]: Json };
        const c = schema.cases.find((x) => x.tags.includes(h[schema.tagField] as number));
        const body = item.body === null || c?.body == null ? null : toFixtureJson(c.body, item.body);
        return { header: h, body };
      }),
      end: toFixtureJson(schema.header, v['end']),
    };
  }
  const out: { [k: string]: Json } = {};
  for (const f of schema.fields) {
    if (f.optional && v[f.name] === undefined) continue;
    out[f.name] = typeToJson(f.type, v[f.name], `${decl}.${f.name}`);
  }
  return out;
}

function typeToJson(t: JuteType, v: unknown, where: string): Json {
  const fail = (expected: string): never => {
    throw new Error(`${where}: expected ${expected}, got ${typeof v} ${String(v)}`);
  };
  switch (t.kind) {
    case 'ref':
      return toFixtureJson(t.name, v);
    case 'vector':
      if (v === null) return null;
      if (!Array.isArray(v)) return fail('array');
      return v.map((e, i) => typeToJson(t.element, e, `${where}[${i}]`));
    case 'primitive':
      switch (t.name) {
        case 'long':
          return typeof v === 'bigint' ? v.toString() : fail('bigint');
        case 'int':
        case 'byte':
        case 'float':
        case 'double':
          return typeof v === 'number' ? v : fail('number');
        case 'boolean':
          return typeof v === 'boolean' ? v : fail('boolean');
        case 'ustring':
          return v === null || typeof v === 'string' ? v : fail('string | null');
        case 'buffer':
          if (v === null) return null;
          if (!Buffer.isBuffer(v)) return fail('Buffer | null');
          return v.length <= BIG_BUFFER
            ? { hex: v.toString('hex') }
            : { length: v.length, sha256: createHash('sha256').update(v).digest('hex') };
      }
  }
}

/** Fixture JSON -> our typed value; undefined when the JSON only holds a digest of a large buffer. */
export function fromFixtureJson(decl: string, j: Json): unknown {
  const schema = juteSchema[decl]!;
  const o = j as { [k: string]: Json };
  if (schema.kind === 'sequence') {
    const items = (o['items'] as { [k: string]: Json }[]).map((item) => {
      const header = fromFixtureJson(schema.header, item['header']!) as Record<string, number>;
      const c = schema.cases.find((x) => x.tags.includes(header[schema.tagField]!));
      return { header, body: item['body'] === null || c?.body == null ? null : fromFixtureJson(c.body, item['body']!) };
    });
    return { items, end: fromFixtureJson(schema.header, o['end']!) };
  }
  const out: Record<string, unknown> = {};
  for (const f of schema.fields) {
    if (!(f.name in o)) {
      if (!f.optional) throw new Error(`${decl}: fixture lacks ${f.name}`);
      continue;
    }
    out[f.name] = typeFromJson(f.type, o[f.name]!);
  }
  return out;
}

function typeFromJson(t: JuteType, j: Json): unknown {
  if (t.kind === 'ref') return fromFixtureJson(t.name, j);
  if (t.kind === 'vector') return j === null ? null : (j as Json[]).map((e) => typeFromJson(t.element, e));
  switch (t.name) {
    case 'long':
      return BigInt(j as string);
    case 'buffer': {
      if (j === null) return null;
      const b = j as { hex?: string };
      if (b.hex === undefined) throw new LargeBufferError();
      return Buffer.from(b.hex, 'hex');
    }
    default:
      return j;
  }
}

export class LargeBufferError extends Error {}
