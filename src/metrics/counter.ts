// Counters and keyed sets (the reference's SimpleCounter, SimpleCounterSet, AvgMinMaxCounterSet
// and AvgMinMaxPercentileCounterSet). A fixed counter is a plain object whose `value` the hot path
// bumps directly; the keyed sets pay one Map lookup per observation, which is what keying costs.

import { Summary, type DetailLevel } from './summary';

export class Counter {
  value = 0;
  constructor(readonly name: string) {}

  add(delta: number): void {
    this.value += delta;
  }

  reset(): void {
    this.value = 0;
  }
}

/** Counters per key; mntr names each `<key>_<name>`. */
export class CounterSet {
  readonly byKey = new Map<string, Counter>();
  constructor(readonly name: string) {}

  add(key: string, delta: number): void {
    let c = this.byKey.get(key);
    if (c === undefined) {
      c = new Counter(`${key}_${this.name}`);
      this.byKey.set(key, c);
    }
    c.value += delta;
  }

  reset(): void {
    for (const c of this.byKey.values()) c.reset();
  }
}

/** Keys summaryForBytes remembers by their bytes. */
const RECENT_KEYS = 8;

/** Summaries per key (e.g. per top-level namespace); mntr names each `<key>_<name>`. */
export class SummarySet {
  readonly byKey = new Map<string, Summary>();
  private readonly recent: { bytes: Buffer; summary: Summary }[] = [];
  constructor(
    readonly name: string,
    readonly detail: DetailLevel,
    private readonly windowSize?: number,
  ) {}

  add(key: string, value: number): void {
    this.summary(key).add(value);
  }

  /** The summary of `key`, created (empty) on first use; callers may keep it and add to it. */
  summary(key: string): Summary {
    let s = this.byKey.get(key);
    if (s === undefined) {
      s = new Summary(`${key}_${this.name}`, this.detail, this.windowSize);
      this.byKey.set(key, s);
    }
    return s;
  }

  /**
   * The summary of the key whose UTF-8 bytes are buf[start, end), for hot paths that have bytes,
   * not a string: recent keys are matched byte by byte, the string is decoded only on a miss.
   */
  summaryForBytes(buf: Buffer, start: number, end: number): Summary {
    const n = end - start;
    const recent = this.recent;
    for (let k = 0; k < recent.length; k++) {
      const c = recent[k]!;
      const bytes = c.bytes;
      if (bytes.length !== n) continue;
      let i = 0;
      while (i < n && bytes[i] === buf[start + i]) i++;
      if (i === n) return c.summary;
    }
    const summary = this.summary(buf.toString('utf8', start, end));
    if (this.recent.length >= RECENT_KEYS) this.recent.shift();
    this.recent.push({ bytes: Buffer.from(buf.subarray(start, end)), summary });
    return summary;
  }

  reset(): void {
    for (const s of this.byKey.values()) s.reset();
  }
}
