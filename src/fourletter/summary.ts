// A summary metric as mntr prints it (the reference's SummarySet entries): count, sum, min, max
// since the last reset, and quantiles over a window of the most recent samples.

import type { SummaryView } from './view';

const WINDOW = 1024;

export class Summary implements SummaryView {
  count = 0;
  sum = 0;
  min = 0;
  max = 0;
  private readonly window: number[] = [];
  private next = 0;

  add(value: number): void {
    if (this.count === 0 || value < this.min) this.min = value;
    if (this.count === 0 || value > this.max) this.max = value;
    this.count++;
    this.sum += value;
    if (this.window.length < WINDOW) this.window.push(value);
    else this.window[this.next] = value;
    this.next = (this.next + 1) % WINDOW;
  }

  quantile(q: number): number {
    if (this.window.length === 0) return 0;
    const sorted = [...this.window].sort((a, b) => a - b);
    const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
    return sorted[i]!;
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.min = 0;
    this.max = 0;
    this.window.length = 0;
    this.next = 0;
  }
}
