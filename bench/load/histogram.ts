// Latency histogram with log buckets (about 1% wide), HDR-style: constant memory, O(1) record.
// Values are microseconds; percentiles are reported as the upper edge of their bucket.

const SCALE = 100; // buckets per e-fold: bucket i covers [e^(i/100), e^((i+1)/100)) µs
const BUCKETS = 2600; // e^26 µs ≈ 2e11 µs: far above any bounded run

export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  max = 0;
  sum = 0;

  record(us: number): void {
    const v = us < 1 ? 1 : us;
    let i = Math.floor(Math.log(v) * SCALE);
    if (i >= BUCKETS) i = BUCKETS - 1;
    this.counts[i]!++;
    this.count++;
    this.sum += us;
    if (us > this.max) this.max = us;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
  }

  percentile(p: number): number {
    if (this.count === 0) return 0;
    const want = Math.ceil((p / 100) * this.count);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= want) return Math.min(this.max, Math.exp((i + 1) / SCALE));
    }
    return this.max;
  }

  summary(): LatencySummary {
    return {
      count: this.count,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
      mean: this.count === 0 ? 0 : this.sum / this.count,
    };
  }
}
