// Key pickers for ordering/partition keys: an integer key 0..count−1, or −1 for no key. Zipf uses
// a precomputed CDF (Float64Array, our pow) and binary search: O(log count), no allocation.

import type { Keys } from '../scenario/types';
import { pow } from './math';
import type { Rng } from './prng';

/** A stateful key picker; compile one per producer. */
export interface KeyPicker {
  /** The next key in 0..count−1, or −1 for no key. */
  next(rng: Rng): number;
}

class NoKeys implements KeyPicker {
  next(_rng: Rng): number {
    return -1;
  }
}

class UniformKeys implements KeyPicker {
  constructor(private readonly count: number) {}
  next(rng: Rng): number {
    return rng.nextInt(this.count);
  }
}

/** 0, 1, ..., count−1, 0, ...: draws nothing from the stream. */
class RoundRobinKeys implements KeyPicker {
  private i = -1;
  constructor(private readonly count: number) {}
  next(_rng: Rng): number {
    this.i = this.i + 1 === this.count ? 0 : this.i + 1;
    return this.i;
  }
}

/** Rank r with probability ∝ 1/(r+1)^s. */
class ZipfKeys implements KeyPicker {
  private readonly cdf: Float64Array;
  constructor(count: number, s: number) {
    this.cdf = new Float64Array(count);
    let total = 0;
    for (let r = 0; r < count; r++) {
      total += pow(r + 1, -s);
      this.cdf[r] = total;
    }
    for (let r = 0; r < count; r++) this.cdf[r] /= total;
    this.cdf[count - 1] = 1; // u < 1 always finds a rank, whatever the rounding of the sum
  }
  next(rng: Rng): number {
    // The first rank whose cumulative probability exceeds u.
    const u = rng.nextFloat();
    const cdf = this.cdf;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

function checkCount(count: number, kind: string): void {
  if (!(Number.isInteger(count) && count >= 1 && count <= 2 ** 31 - 1)) {
    throw new RangeError(`${kind} keys: count must be an integer ≥ 1, got ${count}`);
  }
}

/** Compiles a key picker. Invalid parameters throw RangeError. */
export function compileKeys(k: Keys): KeyPicker {
  switch (k.kind) {
    case 'none':
      return new NoKeys();
    case 'uniform':
      checkCount(k.count, k.kind);
      return new UniformKeys(k.count);
    case 'roundRobin':
      checkCount(k.count, k.kind);
      return new RoundRobinKeys(k.count);
    case 'zipf':
      checkCount(k.count, k.kind);
      if (!(Number.isFinite(k.s) && k.s >= 0)) {
        throw new RangeError(`zipf keys: s must be ≥ 0, got ${k.s}`);
      }
      return new ZipfKeys(k.count, k.s);
  }
}
