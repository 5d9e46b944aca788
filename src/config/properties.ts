// zoo.cfg is a java.util.Properties file. properties-file reproduces Properties.load (comments,
// `=`/`:`/whitespace separators, backslash continuations, escapes, \uXXXX, last duplicate wins);
// this adds what QuorumPeerConfig does on top: String.trim() on every key and value.

import { getProperties } from 'properties-file';

// properties-file's ordered parser; its subpath has no typings under moduleResolution "node".
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Properties } = require('properties-file/parser') as { Properties: new (content: string) => { getProperties(): PropertiesEntry[] } };

export interface PropertiesEntry {
  readonly key: string;
  readonly value: string;
}

/** Thrown for text Properties.load itself rejects (a malformed \uXXXX escape). */
export class PropertiesSyntaxError extends Error {
  override readonly name = 'PropertiesSyntaxError';
}

/** The entries of a .properties text, keys and values trimmed as the reference trims them. */
export function readProperties(text: string): PropertiesEntry[] {
  let raw: Record<string, string>;
  try {
    raw = getProperties(text);
  } catch (e) {
    throw new PropertiesSyntaxError(e instanceof Error ? e.message : String(e));
  }
  const byKey = new Map<string, string>();
  for (const [k, v] of Object.entries(raw)) byKey.set(javaTrim(k), javaTrim(v));
  return [...byKey].map(([key, value]) => ({ key, value }));
}

/** String.trim(): strips every char <= U+0020 at both ends (not just whitespace). */
export function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/**
 * Every key/value line of a .properties text in file order, untrimmed and with repeats (as
 * Properties.load sees them before the map): for rewriting a file as the reference does.
 */
export function readRawProperties(text: string): PropertiesEntry[] {
  return new Properties(text).getProperties();
}
