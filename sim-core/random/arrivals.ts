// Arrival processes: each keeps a floating clock in µs and returns Math.round(clock), so rounding
// never accumulates and times never decrease (past 2^53 µs: Infinity). Time-varying Poisson rates
// are sampled exactly by inverting the cumulative rate (no thinning loops); no allocation per call.

import type { Rate } from '../scenario/types';
import { msToUs, US_PER_SEC } from '../time';
import { standardExponential } from './exponential';
import type { Rng } from './prng';

/** A stateful arrival process; compile one per producer. */
export interface Arrivals {
  /** Next arrival time in integer µs of simulated time, or Infinity when there are no more. */
  next(rng: Rng): number;
}

/** Beyond this no time is an exact integer µs (285 years): reported as "no more arrivals". */
const HORIZON_US = Number.MAX_SAFE_INTEGER;

/** The integer µs to report for a floating clock. */
function report(clockUs: number): number {
  return clockUs <= HORIZON_US ? Math.round(clockUs) : Infinity;
}

class NoArrivals implements Arrivals {
  next(_rng: Rng): number {
    return Infinity;
  }
}

/** Arrivals at start, start + period, start + 2·period, ...: computed, not summed. */
class ConstantArrivals implements Arrivals {
  private n = 0;
  constructor(
    private readonly startUs: number,
    private readonly periodUs: number,
  ) {}
  next(_rng: Rng): number {
    return report(this.startUs + this.n++ * this.periodUs);
  }
}

/** Homogeneous Poisson: exponential gaps, the first one after start. */
class PoissonArrivals implements Arrivals {
  constructor(
    private clockUs: number,
    private readonly meanGapUs: number,
  ) {}
  next(rng: Rng): number {
    this.clockUs += this.meanGapUs * standardExponential(rng);
    return report(this.clockUs);
  }
}

/**
 * Poisson with a periodic rate: `burstRate` on [k·every, k·every + len), `baseRate` on the rest
 * of each period (absolute time). Each arrival draws E ~ Exp(1) and walks segments, spending
 * rate × length of each, skipping whole periods at once so a sparse rate cannot stall the walk.
 */
class BurstyArrivals implements Arrivals {
  private k: number; // current period index
  private inBurst: boolean;
  private readonly perPeriod: number; // expected arrivals per period
  constructor(
    private clockUs: number,
    private readonly baseRate: number, // per µs
    private readonly burstRate: number, // per µs
    private readonly everyUs: number,
    private readonly lenUs: number,
  ) {
    this.k = Math.floor(clockUs / everyUs);
    this.inBurst = clockUs - this.k * everyUs < lenUs;
    this.perPeriod = burstRate * lenUs + baseRate * (everyUs - lenUs);
  }
  next(rng: Rng): number {
    let e = standardExponential(rng);
    for (;;) {
      if (this.clockUs > HORIZON_US) return Infinity; // also bounds the walk at absurd rates
      const periodStart = this.k * this.everyUs;
      if (this.inBurst && this.clockUs === periodStart && e >= this.perPeriod) {
        const skip = Math.floor(e / this.perPeriod);
        this.k += skip;
        this.clockUs = this.k * this.everyUs;
        e = Math.max(0, e - skip * this.perPeriod);
        continue;
      }
      const rate = this.inBurst ? this.burstRate : this.baseRate;
      const endUs = periodStart + (this.inBurst ? this.lenUs : this.everyUs);
      const expected = rate * (endUs - this.clockUs);
      if (e < expected) {
        this.clockUs += e / rate;
        return report(this.clockUs);
      }
      e -= expected;
      this.clockUs = endUs;
      if (this.inBurst) this.inBurst = false;
      else {
        this.inBurst = true;
        this.k++;
      }
    }
  }
}

/**
 * Piecewise-constant Poisson: rate `rates[i]` (per µs) from `atUs[i]` until the next step, 0 before
 * the first. Same inversion walk as bursty; the segment index only moves forward.
 */
class StepsArrivals implements Arrivals {
  private seg = -1; // -1: before the first step
  private done = false;
  constructor(
    private clockUs: number,
    private readonly atUs: Float64Array,
    private readonly rates: Float64Array,
  ) {
    while (this.seg + 1 < atUs.length && atUs[this.seg + 1] <= clockUs) this.seg++;
  }
  next(rng: Rng): number {
    if (this.done) return Infinity;
    let e = standardExponential(rng);
    for (;;) {
      const endUs = this.seg + 1 < this.atUs.length ? this.atUs[this.seg + 1] : Infinity;
      const rate = this.seg >= 0 ? this.rates[this.seg] : 0;
      if (rate > 0) {
        const expected = rate * (endUs - this.clockUs); // Infinity in the last segment
        if (e < expected) {
          this.clockUs += e / rate;
          return report(this.clockUs);
        }
        e -= expected;
      } else if (endUs === Infinity) {
        this.done = true; // the last step has rate 0: no more arrivals, ever
        return Infinity;
      }
      this.clockUs = endUs;
      this.seg++;
    }
  }
}

/** Replays given absolute times (already rounded to µs and sorted). */
class TraceArrivals implements Arrivals {
  private i = 0;
  constructor(private readonly atUs: Float64Array) {}
  next(_rng: Rng): number {
    return this.i < this.atUs.length ? this.atUs[this.i++] : Infinity;
  }
}

function checkRate(perSecond: number, what: string): void {
  if (!(Number.isFinite(perSecond) && perSecond >= 0)) {
    throw new RangeError(`${what} must be a finite rate ≥ 0 per second, got ${perSecond}`);
  }
}

/**
 * Compiles an arrival process that starts at `startMs` (ms of simulated time). Times in `steps`,
 * `trace` and bursty periods are absolute, in ms, rounded to whole µs. `steps` and `trace` are
 * sorted by time (for equal step times the later-listed one wins); trace times before the start
 * are skipped. Invalid parameters throw RangeError.
 */
export function compileArrivals(rate: Rate, startMs: number): Arrivals {
  const startUs = msToUs(startMs);
  switch (rate.kind) {
    case 'constant':
      checkRate(rate.perSecond, 'constant.perSecond');
      if (rate.perSecond === 0) return new NoArrivals();
      return new ConstantArrivals(startUs, US_PER_SEC / rate.perSecond);
    case 'poisson':
      checkRate(rate.perSecond, 'poisson.perSecond');
      if (rate.perSecond === 0) return new NoArrivals();
      return new PoissonArrivals(startUs, US_PER_SEC / rate.perSecond);
    case 'bursty': {
      checkRate(rate.perSecond, 'bursty.perSecond');
      checkRate(rate.burstPerSecond, 'bursty.burstPerSecond');
      const everyUs = msToUs(rate.burstEvery);
      if (!(everyUs > 0) || !(rate.burstLength >= 0)) {
        throw new RangeError('bursty: burstEvery must be > 0 and burstLength ≥ 0');
      }
      const lenUs = Math.min(msToUs(rate.burstLength), everyUs);
      const base = rate.perSecond / US_PER_SEC;
      const burst = rate.burstPerSecond / US_PER_SEC;
      if (base * (everyUs - lenUs) + burst * lenUs === 0) return new NoArrivals();
      return new BurstyArrivals(startUs, base, burst, everyUs, lenUs);
    }
    case 'steps': {
      const steps = rate.steps.map(([at, perSecond]) => {
        checkRate(perSecond, 'steps[].perSecond');
        if (!Number.isFinite(at)) throw new RangeError(`steps: time must be finite, got ${at}`);
        return [msToUs(at), perSecond / US_PER_SEC] as const;
      });
      steps.sort((a, b) => a[0] - b[0]); // stable: equal times keep their listed order
      const atUs = Float64Array.from(steps, (s) => s[0]);
      return new StepsArrivals(
        startUs,
        atUs,
        Float64Array.from(steps, (s) => s[1]),
      );
    }
    case 'trace': {
      if (!rate.at.every(Number.isFinite)) throw new RangeError('trace: times must be finite');
      const atUs = Float64Array.from(rate.at, (ms) => msToUs(ms)).sort();
      const first = atUs.findIndex((t) => t >= startUs);
      return new TraceArrivals(first < 0 ? new Float64Array(0) : atUs.subarray(first));
    }
  }
}
