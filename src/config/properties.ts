// zoo.cfg is a java.util.Properties file. properties-file reproduces Properties.load (comments,
// `=`/`:`/whitespace separators, backslash continuations, escapes, \uXXXX, last duplicate wins);
// this adds what QuorumPeerConfig does on top: String.trim() on every key and value.

import { getProperties } from 'properties-file';

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
