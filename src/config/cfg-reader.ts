// Typed reads of the keys QuorumPeerConfig.parseProperties handles itself. Each read reports a bad
// value against its key and returns the default, so one pass finds every problem.

import type { Problems } from './errors';
import { parseJavaInt, parseJavaLong, parseStrictBoolean } from './java-values';

export class CfgReader {
  constructor(
    private readonly values: ReadonlyMap<string, string>,
    private readonly problems: Problems,
  ) {}

  has(key: string): boolean {
    return this.values.has(key);
  }

  string(key: string): string | undefined {
    return this.values.get(key);
  }

  /** Integer.parseInt, then `min` (zkts refuses values the reference accepts but cannot mean). */
  int(key: string, dflt: number, min?: number, max?: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return dflt;
    const v = parseJavaInt(raw);
    if (v === undefined) return this.bad(key, `'${raw}' is not a 32-bit integer`, dflt);
    if (min !== undefined && v < min) return this.bad(key, `${v} is too small (minimum ${min})`, dflt);
    if (max !== undefined && v > max) return this.bad(key, `${v} is too large (maximum ${max})`, dflt);
    return v;
  }

  /** Long.parseLong. */
  long(key: string, dflt: number): number {
    const raw = this.values.get(key);
    if (raw === undefined) return dflt;
    const v = parseJavaLong(raw);
    if (v === undefined) return this.bad(key, `'${raw}' is not a 64-bit integer`, dflt);
    if (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) return this.bad(key, `'${raw}' is too large`, dflt);
    return Number(v);
  }

  /** The reference's parseBoolean: true or false in any case, anything else an error. */
  bool(key: string, dflt: boolean): boolean {
    const raw = this.values.get(key);
    if (raw === undefined) return dflt;
    const v = parseStrictBoolean(raw);
    return v === undefined ? this.bad(key, `invalid option '${raw}': choose true or false`, dflt) : v;
  }

  /** A TCP port where the reference's 0 (or absence) means "not set". */
  optionalPort(key: string): number | null {
    const raw = this.values.get(key);
    if (raw === undefined) return null;
    const v = parseJavaInt(raw);
    if (v === undefined) return this.bad(key, `'${raw}' is not a port number`, null);
    if (v === 0) return null;
    if (v < 0 || v > 65535) return this.bad(key, `${v} is not a port number (1-65535, or 0 for none)`, null);
    return v;
  }

  private bad<T>(key: string, message: string, dflt: T): T {
    this.problems.error(key, message);
    return dflt;
  }
}
