// Compiles a scenario Dist into a Sampler: one small class per kind, no allocation per sample, and
// only + − × ÷, Math.sqrt and our own ln/exp, so every engine draws the same values from a stream.

import type { Dist } from '../scenario/types';
import { US_PER_MS } from '../time';
import { exp, ln } from './math';
import type { Rng } from './prng';
import { standardExponential } from './exponential';

/** A compiled distribution. Samples are floats in the unit of the input (ms for durations). */
export interface Sampler {
  /** Draws one value from `rng`. */
  sample(rng: Rng): number;
  /** E[X]; Infinity if infinite. */
  readonly mean: number;
  /** E[X²]; Infinity if infinite. Variance = secondMoment − mean². */
  readonly secondMoment: number;
}

/** z such that P(Z ≤ z) = 0.99 for a standard normal Z. */
const Z99 = 2.326347874040841;

class ConstantSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  constructor(private readonly value: number) {
    this.mean = value;
    this.secondMoment = value * value;
  }
  sample(_rng: Rng): number {
    return this.value;
  }
}

class UniformSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  private readonly width: number;
  constructor(
    private readonly min: number,
    max: number,
  ) {
    this.width = max - min;
    this.mean = (min + max) / 2;
    this.secondMoment = (min * min + min * max + max * max) / 3;
  }
  sample(rng: Rng): number {
    return this.min + this.width * rng.nextFloat();
  }
}

class ExponentialSampler implements Sampler {
  readonly secondMoment: number;
  constructor(readonly mean: number) {
    this.secondMoment = 2 * mean * mean;
  }
  sample(rng: Rng): number {
    return this.mean * standardExponential(rng);
  }
}

/**
 * E[X] and E[X²] of Normal(mu, sigma) conditioned on X ≥ 0. With y = x/sigma and a = −mu/sigma,
 * E[X^k] = sigma^k · ∫ y^k w(y) dy / ∫ w(y) dy over y ≥ 0, where w is the normal density scaled
 * so it cannot underflow however far a is in the tail: e^(−a·y − y²/2) for a > 0, e^(−(y+a)²/2)
 * otherwise. Simpson's rule on 4096 intervals (relative error < 1e-9) avoids the cancellation
 * that closed forms through erfc suffer when mu ≪ 0. Below a = −10 the cut mass (< 1e-23) is
 * ignored.
 */
export function truncatedNormalMoments(mu: number, sigma: number): [number, number] {
  const a = -mu / sigma;
  if (a <= -10) return [mu, mu * mu + sigma * sigma];
  const top = a > 0 ? Math.sqrt(a * a + 92) - a : 10 - a; // w(top) ≈ e^-46
  const intervals = 4096;
  const h = top / intervals;
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i <= intervals; i++) {
    const y = i * h;
    const log = a > 0 ? -a * y - 0.5 * y * y : -0.5 * (y + a) * (y + a);
    const weight = (i === 0 || i === intervals ? 1 : i % 2 === 1 ? 4 : 2) * exp(log);
    m0 += weight;
    m1 += weight * y;
    m2 += weight * y * y;
  }
  return [(sigma * m1) / m0, (sigma * sigma * m2) / m0];
}

/** Normal(mu, sigma) conditioned on X ≥ 0, for mu ≥ 0: resample until non-negative (≥ 50% accepted). */
class TruncatedNormalSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    [this.mean, this.secondMoment] = truncatedNormalMoments(mu, sigma);
  }
  sample(rng: Rng): number {
    let x: number;
    do x = this.mu + this.sigma * rng.nextNormal();
    while (x < 0);
    return x;
  }
}

/**
 * Normal(mu, sigma) conditioned on X ≥ 0, for mu < 0, where plain resampling could take forever:
 * Robert's (1995) exponential-proposal rejection for the tail Z > a = −mu/sigma, accepting at
 * least ~76% of proposals for any a.
 */
class NormalTailSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  private readonly a: number;
  private readonly rate: number;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    this.a = -mu / sigma;
    this.rate = (this.a + Math.sqrt(this.a * this.a + 4)) / 2;
    [this.mean, this.secondMoment] = truncatedNormalMoments(mu, sigma);
  }
  sample(rng: Rng): number {
    for (;;) {
      const z = this.a - ln(rng.nextFloat()) / this.rate;
      const d = z - this.rate;
      if (rng.nextFloat() <= exp(-0.5 * d * d)) return this.mu + this.sigma * z;
    }
  }
}

/** exp(mu + sigma·Z): the lognormal with median e^mu and 99th percentile e^(mu + 2.326·sigma). */
class LognormalSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  constructor(
    private readonly mu: number,
    private readonly sigma: number,
  ) {
    this.mean = exp(mu + (sigma * sigma) / 2);
    this.secondMoment = exp(2 * mu + 2 * sigma * sigma);
  }
  sample(rng: Rng): number {
    return exp(this.mu + this.sigma * rng.nextNormal());
  }
}

/** min·u^(−1/alpha). u ≥ 2^-33 caps samples at min·2^(33/alpha), far beyond any run's reach. */
class ParetoSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  private readonly negInvAlpha: number;
  constructor(
    private readonly min: number,
    alpha: number,
  ) {
    this.negInvAlpha = -1 / alpha;
    this.mean = alpha > 1 ? (alpha * min) / (alpha - 1) : Infinity;
    this.secondMoment = alpha > 2 ? (alpha * min * min) / (alpha - 2) : Infinity;
  }
  sample(rng: Rng): number {
    return this.min * exp(this.negInvAlpha * ln(rng.nextFloat()));
  }
}

class EmpiricalSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  private readonly values: Float64Array;
  constructor(values: readonly number[]) {
    this.values = Float64Array.from(values);
    let sum = 0;
    let sumSq = 0;
    for (const v of values) {
      sum += v;
      sumSq += v * v;
    }
    this.mean = sum / values.length;
    this.secondMoment = sumSq / values.length;
  }
  sample(rng: Rng): number {
    return this.values[rng.nextInt(this.values.length)];
  }
}

/**
 * Picks an index with the given relative weights (null: all equal, one integer draw as
 * `empirical` makes), by one uniform draw and a search of the cumulative weights.
 */
export class WeightedPick {
  private readonly cumulative: Float64Array | null;
  constructor(
    readonly size: number,
    weights: readonly number[] | null,
  ) {
    if (weights === null || weights.every((w) => w === weights[0])) {
      this.cumulative = null;
      return;
    }
    this.cumulative = new Float64Array(size);
    let total = 0;
    weights.forEach((w, i) => (this.cumulative![i] = total += w));
  }
  pick(rng: Rng): number {
    const c = this.cumulative;
    if (c === null) return rng.nextInt(this.size);
    const u = rng.nextFloat() * c[c.length - 1];
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (c[mid] > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

class ChoiceSampler implements Sampler {
  readonly mean: number;
  readonly secondMoment: number;
  private readonly pickIndex: WeightedPick;
  constructor(
    private readonly values: readonly number[],
    weights: readonly number[] | null,
  ) {
    this.pickIndex = new WeightedPick(values.length, weights);
    const w = weights ?? values.map(() => 1);
    const total = w.reduce((a, b) => a + b, 0);
    this.mean = values.reduce((a, v, i) => a + (v * w[i]) / total, 0);
    this.secondMoment = values.reduce((a, v, i) => a + (v * v * w[i]) / total, 0);
  }
  sample(rng: Rng): number {
    return this.values[this.pickIndex.pick(rng)];
  }
}

function check(ok: boolean, d: Dist, rule: string): void {
  if (!ok) throw new RangeError(`${d.kind} distribution: ${rule} (got ${JSON.stringify(d)})`);
}

/**
 * Compiles a distribution into a reusable sampler. Parameters are checked (RangeError if invalid:
 * the validator should have caught it). `normal` is truncated at 0: its samples, `mean` and
 * `secondMoment` are those of Normal(mean, stddev) conditioned on X ≥ 0.
 */
export function compileDist(d: Dist): Sampler {
  switch (d.kind) {
    case 'constant':
      check(Number.isFinite(d.value), d, 'value must be finite');
      return new ConstantSampler(d.value);
    case 'uniform':
      check(
        Number.isFinite(d.min) && Number.isFinite(d.max) && d.min <= d.max,
        d,
        'need min ≤ max',
      );
      return new UniformSampler(d.min, d.max);
    case 'exponential':
      check(Number.isFinite(d.mean) && d.mean >= 0, d, 'mean must be ≥ 0');
      return new ExponentialSampler(d.mean);
    case 'normal': {
      const { mean, stddev } = d;
      check(Number.isFinite(mean) && Number.isFinite(stddev) && stddev >= 0, d, 'need stddev ≥ 0');
      if (stddev === 0) {
        check(mean >= 0, d, 'mean must be ≥ 0 when stddev is 0');
        return new ConstantSampler(mean);
      }
      return mean >= 0
        ? new TruncatedNormalSampler(mean, stddev)
        : new NormalTailSampler(mean, stddev);
    }
    case 'lognormal': {
      const { median, p99 } = d;
      check(median > 0 && p99 >= median && Number.isFinite(p99), d, 'need 0 < median ≤ p99');
      const mu = ln(median);
      return new LognormalSampler(mu, (ln(p99) - mu) / Z99);
    }
    case 'pareto':
      check(d.min > 0 && d.alpha > 0 && Number.isFinite(d.min * d.alpha), d, 'need min, alpha > 0');
      return new ParetoSampler(d.min, d.alpha);
    case 'empirical':
      check(d.values.length > 0 && d.values.every(Number.isFinite), d, 'need finite values');
      return new EmpiricalSampler(d.values);
    case 'choice':
      check(d.values.length > 0 && d.values.every(Number.isFinite), d, 'need finite values');
      return new ChoiceSampler(d.values, d.weights);
  }
}

/** A duration distribution in the engine's unit: every sample is an integer number of µs. */
export interface DurationSampler {
  /** One duration in integer µs; `factor` scales it before rounding (a slowed-down instance). */
  sampleUs(rng: Rng, factor?: number): number;
  /** Written as the constant 0: a hop with this latency runs inline, with no scheduled event. */
  readonly isZero: boolean;
}

/** 10^15 µs (about 31 years): the longest duration a scenario may name (MAX_DURATION_MS). */
const MAX_SAMPLE_US = 1e15;

/** Samples in ms, rounded once to integer µs: the engine's clock never sees a fraction. */
class MicrosecondSampler implements DurationSampler {
  constructor(
    private readonly ms: Sampler,
    readonly isZero: boolean,
  ) {}
  sampleUs(rng: Rng, factor = 1): number {
    // A heavy tail times a slow-down factor can exceed any run's end by far; capped there, the
    // time stays an exact integer (now + a sample < 2^53) and the event still never runs.
    return Math.min(MAX_SAMPLE_US, Math.round(this.ms.sample(rng) * factor * US_PER_MS));
  }
}

/** Compiles a duration distribution (parameters in ms, as in the scenario) to integer µs samples. */
export function compileDurationUs(d: Dist): DurationSampler {
  return new MicrosecondSampler(compileDist(d), d.kind === 'constant' && d.value === 0);
}
