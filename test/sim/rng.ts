// The one source of randomness of a simulation run, derived from its seed.

import { prng } from '../support/prng';

export class Rng {
  readonly next: () => number;

  constructor(seed: number) {
    // Spread nearby seeds apart before mulberry32 sees them.
    this.next = prng(Math.imul(seed ^ 0x5bd1e995, 0x27d4eb2d) ^ seed);
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** A number in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
}
