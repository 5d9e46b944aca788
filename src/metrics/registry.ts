// The metrics registry (the reference's DefaultMetricsProvider context): gauges are callbacks read
// when someone looks; counters, summaries and their keyed sets hold values the server updates.
// It is the one source for `mntr`, the AdminServer's `monitor` and the Prometheus endpoint.
//
// Registration is not on the hot path (the server creates every metric once, at start); the hot
// path holds direct references to the Counter / Summary objects it updates.

import { Counter, CounterSet, SummarySet } from './counter';
import { concurrentHashMapOrder } from './java-order';
import { Summary, type DetailLevel } from './summary';

/** One `mntr` line: `zk_<key>\t<value>`; `double` values print as Java doubles (0.0, 2.5). */
export interface MetricSample {
  key: string;
  value: number;
  double: boolean;
}

export interface Gauge {
  name: string;
  /** null: no value now (the reference skips a null gauge in mntr and exports 0). */
  read: () => number | null;
  /** The reference's value is a double (avg_latency), not a long. */
  double: boolean;
}

export interface GaugeSet {
  name: string;
  /** Value per key; mntr names each `<key>_<name>`. */
  read: () => ReadonlyMap<string, number>;
}

/** The quantiles mntr prints for an advanced summary (AvgMinMaxPercentileCounter). */
export const MNTR_QUANTILES: readonly { prefix: string; q: number }[] = [
  { prefix: 'p50', q: 0.5 },
  { prefix: 'p95', q: 0.95 },
  { prefix: 'p99', q: 0.99 },
  { prefix: 'p999', q: 0.999 },
];

/**
 * A name -> metric table that also knows the order the reference's hash map would list it in.
 * Reserved names take their place in that order without being printed: a metric the reference
 * has and zkts leaves out must still count towards the table's size and bins.
 */
class Table<T> {
  readonly byName = new Map<string, T>();
  private readonly inserted: string[] = [];
  private readonly known = new Set<string>();
  private order: string[] | null = null;

  get(name: string): T | undefined {
    return this.byName.get(name);
  }

  set(name: string, value: T): void {
    this.reserve(name);
    this.byName.set(name, value);
  }

  reserve(name: string): void {
    if (this.known.has(name)) return;
    this.known.add(name);
    this.inserted.push(name);
    this.order = null;
  }

  delete(name: string): void {
    this.byName.delete(name);
  }

  /** Values in ConcurrentHashMap iteration order for the names' insertion order. */
  inJavaOrder(): T[] {
    this.order ??= concurrentHashMapOrder(this.inserted);
    const out: T[] = [];
    for (const n of this.order) {
      const v = this.byName.get(n);
      if (v !== undefined) out.push(v);
    }
    return out;
  }
}

/** Samples per key of a basic summary set, when basic summaries keep a window at all. */
const BASIC_SET_WINDOW = 256;

export interface MetricsRegistryOptions {
  /**
   * Samples a basic summary keeps for quantiles. The default provider prints none for them (0);
   * the Prometheus exporter reports their median, so it asks for a window.
   */
  basicSummaryWindow?: number;
}

export class MetricsRegistry {
  private readonly basicWindow: number;
  private readonly gauges = new Table<Gauge>();
  private readonly gaugeSets = new Table<GaugeSet>();
  private readonly counters = new Table<Counter>();
  private readonly counterSets = new Table<CounterSet>();
  private readonly basicSummaries = new Table<Summary>();
  private readonly summaries = new Table<Summary>();
  private readonly basicSummarySets = new Table<SummarySet>();
  private readonly summarySets = new Table<SummarySet>();

  constructor(opts: MetricsRegistryOptions = {}) {
    this.basicWindow = opts.basicSummaryWindow ?? 0;
  }

  /** The counter `name`, created on first use. */
  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (c === undefined) {
      c = new Counter(name);
      this.counters.set(name, c);
    }
    return c;
  }

  counterSet(name: string): CounterSet {
    let c = this.counterSets.get(name);
    if (c === undefined) {
      c = new CounterSet(name);
      this.counterSets.set(name, c);
    }
    return c;
  }

  /** The summary `name`; asking for it again with the other detail level is an error, as in the reference. */
  summary(name: string, detail: DetailLevel): Summary {
    const [mine, other] = detail === 'basic' ? [this.basicSummaries, this.summaries] : [this.summaries, this.basicSummaries];
    if (other.get(name) !== undefined) throw new Error(`summary ${name} is already registered with another detail level`);
    let s = mine.get(name);
    if (s === undefined) {
      s = detail === 'basic' ? new Summary(name, detail, this.basicWindow) : new Summary(name, detail);
      mine.set(name, s);
    }
    return s;
  }

  summarySet(name: string, detail: DetailLevel): SummarySet {
    const [mine, other] = detail === 'basic' ? [this.basicSummarySets, this.summarySets] : [this.summarySets, this.basicSummarySets];
    if (other.get(name) !== undefined) throw new Error(`summary set ${name} is already registered with another detail level`);
    let s = mine.get(name);
    if (s === undefined) {
      // One summary per key, and keys (namespaces) are not bounded: keep their windows small.
      s = detail === 'basic' ? new SummarySet(name, detail, Math.min(this.basicWindow, BASIC_SET_WINDOW)) : new SummarySet(name, detail);
      mine.set(name, s);
    }
    return s;
  }

  /** Gives `name` its place in the dump order of its kind without registering a metric. */
  reserve(kind: 'counter' | 'counterSet' | 'summary' | 'summarySet' | 'gauge', name: string, detail: DetailLevel = 'basic'): void {
    const table =
      kind === 'counter' ? this.counters
      : kind === 'counterSet' ? this.counterSets
      : kind === 'gauge' ? this.gauges
      : kind === 'summary' ? (detail === 'basic' ? this.basicSummaries : this.summaries)
      : detail === 'basic' ? this.basicSummarySets : this.summarySets;
    table.reserve(name);
  }

  /** Registers (or replaces) a gauge: `read` runs each time the value is collected. */
  registerGauge(name: string, read: () => number | null, opts: { double?: boolean } = {}): void {
    this.gauges.set(name, { name, read, double: opts.double ?? false });
  }

  unregisterGauge(name: string): void {
    this.gauges.delete(name);
  }

  registerGaugeSet(name: string, read: () => ReadonlyMap<string, number>): void {
    this.gaugeSets.set(name, { name, read });
  }

  /** Zeroes counters and summaries (srst); gauges read live values and have nothing to reset. */
  reset(): void {
    for (const c of this.counters.byName.values()) c.reset();
    for (const c of this.counterSets.byName.values()) c.reset();
    for (const s of this.basicSummaries.byName.values()) s.reset();
    for (const s of this.summaries.byName.values()) s.reset();
    for (const s of this.basicSummarySets.byName.values()) s.reset();
    for (const s of this.summarySets.byName.values()) s.reset();
  }

  /**
   * Every value, as the reference's provider dumps them: gauges, gauge sets, counters, counter
   * sets, basic summaries, summaries, basic summary sets, summary sets; each kind in its hash
   * map's order. A gauge reading null is left out, as the reference skips null values.
   */
  dump(): MetricSample[] {
    const out: MetricSample[] = [];
    for (const g of this.gauges.inJavaOrder()) {
      const v = g.read();
      if (v === null) continue;
      out.push({ key: g.name, value: v, double: g.double });
    }
    for (const g of this.gaugeSets.inJavaOrder()) {
      const values = g.read();
      for (const key of concurrentHashMapOrder(values.keys())) out.push({ key: `${key}_${g.name}`, value: values.get(key)!, double: false });
    }
    for (const c of this.counters.inJavaOrder()) out.push({ key: c.name, value: c.value, double: false });
    for (const set of this.counterSets.inJavaOrder()) {
      for (const key of concurrentHashMapOrder(set.byKey.keys())) {
        const c = set.byKey.get(key)!;
        out.push({ key: c.name, value: c.value, double: false });
      }
    }
    for (const s of this.basicSummaries.inJavaOrder()) dumpSummary(s, out);
    for (const s of this.summaries.inJavaOrder()) dumpSummary(s, out);
    for (const set of [...this.basicSummarySets.inJavaOrder(), ...this.summarySets.inJavaOrder()]) {
      for (const key of concurrentHashMapOrder(set.byKey.keys())) dumpSummary(set.byKey.get(key)!, out);
    }
    return out;
  }

  // ---- for exporters (Prometheus): every metric by kind, in registration order ----

  allGauges(): Gauge[] {
    return [...this.gauges.byName.values()];
  }

  allGaugeSets(): GaugeSet[] {
    return [...this.gaugeSets.byName.values()];
  }

  allCounters(): Counter[] {
    return [...this.counters.byName.values()];
  }

  allCounterSets(): CounterSet[] {
    return [...this.counterSets.byName.values()];
  }

  allSummaries(): Summary[] {
    return [...this.basicSummaries.byName.values(), ...this.summaries.byName.values()];
  }

  allSummarySets(): SummarySet[] {
    return [...this.basicSummarySets.byName.values(), ...this.summarySets.byName.values()];
  }
}

/** avg_/min_/max_/cnt_/sum_ and, for an advanced summary, p50_/p95_/p99_/p999_ (rounded, as Math.round). */
function dumpSummary(s: Summary, out: MetricSample[]): void {
  out.push(
    { key: `avg_${s.name}`, value: s.avg, double: true },
    { key: `min_${s.name}`, value: s.min, double: false },
    { key: `max_${s.name}`, value: s.max, double: false },
    { key: `cnt_${s.name}`, value: s.count, double: false },
    { key: `sum_${s.name}`, value: s.sum, double: false },
  );
  if (s.detail !== 'advanced') return;
  const qs = s.quantiles(MNTR_QUANTILES.map((x) => x.q));
  MNTR_QUANTILES.forEach(({ prefix }, i) => out.push({ key: `${prefix}_${s.name}`, value: Math.round(qs[i]!), double: false }));
}
