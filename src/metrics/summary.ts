// A summary metric (the reference's AvgMinMaxCounter, and AvgMinMaxPercentileCounter when it keeps
// a sample window): count, sum, min and max since the last reset, and for the "advanced" detail
// level the p50/p95/p99/p999 quantiles over the most recent samples.
//
// The hot path is `add`: a few number updates and, with a window, one store into a preallocated
// ring. Quantiles are computed when someone asks (mntr, a scrape), over a sorted copy.
//
// The reference samples its window uniformly over everything since the reset (a 4096-slot
// reservoir); zkts keeps the 4096 most recent samples instead, so the quantiles follow the current
// load rather than the whole uptime. Both interpolate the same way (Dropwizard's UniformSnapshot).

/** Samples kept for the quantiles (the reference's reservoir size). */
export const SUMMARY_WINDOW = 4096;

export type DetailLevel = 'basic' | 'advanced';

export class Summary {
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  private readonly ring: Float64Array | null;
  private next = 0;
  private filled = 0;

  /**
   * `windowSize`: samples kept for quantiles; default SUMMARY_WINDOW for an advanced summary and
   * none for a basic one (mntr prints no quantiles for it; an exporter that does asks for a window).
   */
  constructor(
    readonly name: string,
    readonly detail: DetailLevel,
    windowSize = detail === 'advanced' ? SUMMARY_WINDOW : 0,
  ) {
    if (!Number.isInteger(windowSize) || windowSize < 0) throw new RangeError(`summary ${name}: window size must be an integer >= 0`);
    this.ring = windowSize > 0 ? new Float64Array(windowSize) : null;
  }

  add(value: number): void {
    if (this.count === 0 || value < this.min) this.min = value;
    if (this.count === 0 || value > this.max) this.max = value;
    this.count++;
    this.sum += value;
    const ring = this.ring;
    if (ring !== null) {
      ring[this.next] = value;
      this.next = this.next + 1 === ring.length ? 0 : this.next + 1;
      if (this.filled < ring.length) this.filled++;
    }
  }

  /** The reference's getAvg: sum / count rounded to 4 decimals, 0 when empty. */
  get avg(): number {
    if (this.count === 0) return 0;
    return Math.round((this.sum / this.count) * 10_000) / 10_000;
  }

  /** Samples currently in the window (0 without one). */
  get windowCount(): number {
    return this.filled;
  }

  /**
   * Quantiles `qs` (each in [0, 1]) over the window, interpolated between neighbours as
   * UniformSnapshot.getValue does; 0 each when the window is empty or there is none.
   */
  quantiles(qs: readonly number[]): number[] {
    for (const q of qs) if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
    if (this.ring === null || this.filled === 0) return qs.map(() => 0);
    const sorted = this.ring.slice(0, this.filled).sort();
    return qs.map((q) => interpolatedQuantile(sorted, q));
  }

  /** One quantile (see `quantiles`). */
  quantile(q: number): number {
    return this.quantiles([q])[0]!;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = 0;
    this.max = 0;
    this.next = 0;
    this.filled = 0;
  }
}

/** Dropwizard's UniformSnapshot.getValue over ascending `sorted` (non-empty). */
function interpolatedQuantile(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  const pos = q * (n + 1);
  const index = Math.floor(pos);
  if (index < 1) return sorted[0]!;
  if (index >= n) return sorted[n - 1]!;
  const lower = sorted[index - 1]!;
  const upper = sorted[index]!;
  return lower + (pos - index) * (upper - lower);
}
