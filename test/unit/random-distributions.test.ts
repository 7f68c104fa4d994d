// Samplers against theory: sample mean and variance within 5 standard errors (CLT, n = 200,000,
// fixed seeds), the mean/secondMoment fields against closed forms or numerical integration.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Dist } from '../../sim-core/index';
import {
  compileDist,
  truncatedNormalMoments as compiledMoments,
  type Sampler,
  streamFor,
} from '../../sim-core/index';

const N = 200_000;

/** Raw moments E[X], E[X²], E[X³], E[X⁴] of the distribution under test. */
type RawMoments = [number, number, number, number];

function draw(sampler: Sampler, n: number, seed = 42): Float64Array {
  const rng = streamFor(seed, 'dist', 'test');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = sampler.sample(rng);
  return out;
}

/**
 * Checks sample mean and variance within 5 standard errors: SE(mean) = σ/√n and
 * SE(variance) ≈ √((μ4 − σ⁴)/n), with μ4 the fourth central moment.
 */
function expectMoments(xs: Float64Array, [m1, m2, m3, m4]: RawMoments): void {
  const n = xs.length;
  const variance = m2 - m1 * m1;
  const mu4 = m4 - 4 * m3 * m1 + 6 * m2 * m1 * m1 - 3 * m1 ** 4;
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0;
  for (const x of xs) ss += (x - mean) ** 2;
  const sampleVariance = ss / (n - 1);
  expect(Math.abs(mean - m1)).toBeLessThan(5 * Math.sqrt(variance / n));
  expect(Math.abs(sampleVariance - variance)).toBeLessThan(
    5 * Math.sqrt((mu4 - variance ** 2) / n),
  );
}

/** Raw moments 1..4 of Normal(mu, sigma) conditioned on X ≥ 0, by Simpson's rule. */
function truncatedNormalMoments(mu: number, sigma: number): RawMoments {
  const hi = Math.max(mu, 0) + 14 * sigma;
  const steps = 200_000;
  const h = hi / steps;
  const sums = [0, 0, 0, 0, 0];
  for (let i = 0; i <= steps; i++) {
    const x = i * h;
    const w =
      (i === 0 || i === steps ? 1 : i % 2 ? 4 : 2) * Math.exp(-0.5 * ((x - mu) / sigma) ** 2);
    for (let k = 0; k <= 4; k++) sums[k] += w * x ** k;
  }
  return [sums[1] / sums[0], sums[2] / sums[0], sums[3] / sums[0], sums[4] / sums[0]];
}

function expectFields(s: Sampler, mean: number, secondMoment: number, relative = 1e-9): void {
  expect(Math.abs(s.mean / mean - 1)).toBeLessThan(relative);
  expect(Math.abs(s.secondMoment / secondMoment - 1)).toBeLessThan(relative);
}

describe('compileDist', () => {
  it('constant always returns its value', () => {
    const s = compileDist({ kind: 'constant', value: 7.5 });
    expect([...draw(s, 10)].every((x) => x === 7.5)).toBe(true);
    expectFields(s, 7.5, 56.25);
  });

  it('uniform matches mean (a+b)/2 and variance (b−a)²/12', () => {
    const [a, b] = [2, 10];
    const s = compileDist({ kind: 'uniform', min: a, max: b });
    const xs = draw(s, N);
    expect(xs.every((x) => x > a && x < b)).toBe(true);
    const raw = [1, 2, 3, 4].map((k) => (b ** (k + 1) - a ** (k + 1)) / ((k + 1) * (b - a)));
    expectMoments(xs, raw as RawMoments);
    expectFields(s, raw[0], raw[1]);
  });

  it('exponential matches E[X^k] = k!·mean^k', () => {
    const m = 3;
    const s = compileDist({ kind: 'exponential', mean: m });
    const raw: RawMoments = [m, 2 * m ** 2, 6 * m ** 3, 24 * m ** 4];
    expectMoments(draw(s, N), raw);
    expectFields(s, raw[0], raw[1]);
  });

  for (const [mu, sigma] of [
    [5, 1],
    [3, 2],
    [0, 1],
    [-2, 1],
  ]) {
    it(`normal(${mu}, ${sigma}) truncated at 0 matches its truncated moments`, () => {
      const s = compileDist({ kind: 'normal', mean: mu, stddev: sigma });
      const raw = truncatedNormalMoments(mu, sigma);
      const xs = draw(s, N);
      expect(xs.every((x) => x >= 0)).toBe(true);
      expectMoments(xs, raw);
      expectFields(s, raw[0], raw[1], 1e-8);
    });
  }

  it('normal far below zero still samples quickly and reports finite moments', () => {
    const s = compileDist({ kind: 'normal', mean: -30, stddev: 1 });
    const raw = truncatedNormalMoments(-30, 1);
    const xs = draw(s, 10_000);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expectFields(s, raw[0], raw[1], 1e-8);
  });

  test.prop([
    fc.double({ min: -50, max: 50, noNaN: true }),
    fc.double({ min: 1e-3, max: 50, noNaN: true }),
  ])('normal is never negative', (mean, stddev) => {
    const xs = draw(compileDist({ kind: 'normal', mean, stddev }), 1000);
    expect(xs.every((x) => x >= 0)).toBe(true);
  });

  it('lognormal hits the given median and p99 (binomial CLT on the sample fractions)', () => {
    const [median, p99] = [10, 30];
    const s = compileDist({ kind: 'lognormal', median, p99 });
    const xs = draw(s, N);
    const below = (q: number) => xs.reduce((c, x) => c + (x <= q ? 1 : 0), 0) / N;
    expect(Math.abs(below(median) - 0.5)).toBeLessThan(5 * Math.sqrt(0.25 / N));
    expect(Math.abs(below(p99) - 0.99)).toBeLessThan(5 * Math.sqrt(0.0099 / N));
    const mu = Math.log(median);
    const sigma = (Math.log(p99) - mu) / 2.326347874040841;
    const raw = [1, 2, 3, 4].map((k) => Math.exp(k * mu + (k * k * sigma * sigma) / 2));
    expectMoments(xs, raw as RawMoments);
    expectFields(s, raw[0], raw[1], 1e-14);
  });

  it('pareto matches E[X^k] = alpha·min^k/(alpha−k) and never goes below min', () => {
    const [min, alpha] = [2, 6];
    const s = compileDist({ kind: 'pareto', min, alpha });
    const xs = draw(s, N);
    expect(xs.every((x) => x >= min)).toBe(true);
    const raw = [1, 2, 3, 4].map((k) => (alpha * min ** k) / (alpha - k));
    expectMoments(xs, raw as RawMoments);
    expectFields(s, raw[0], raw[1]);
  });

  it('pareto reports infinite moments where they diverge', () => {
    const heavy = compileDist({ kind: 'pareto', min: 1, alpha: 1 });
    expect(heavy.mean).toBe(Infinity);
    expect(heavy.secondMoment).toBe(Infinity);
    const mid = compileDist({ kind: 'pareto', min: 1, alpha: 1.5 });
    expect(mid.mean).toBe(3);
    expect(mid.secondMoment).toBe(Infinity);
  });

  it('empirical picks each value uniformly', () => {
    const values = [1, 2, 2, 10];
    const s = compileDist({ kind: 'empirical', values });
    const xs = draw(s, N);
    const raw = [1, 2, 3, 4].map((k) => values.reduce((a, v) => a + v ** k, 0) / values.length);
    expectMoments(xs, raw as RawMoments);
    expectFields(s, raw[0], raw[1]);
    const ones = xs.reduce((c, x) => c + (x === 1 ? 1 : 0), 0);
    expect(Math.abs(ones - N / 4)).toBeLessThan(5 * Math.sqrt(N * 0.25 * 0.75));
  });

  it('gives the golden first samples for seed 42 (pins the samplers)', () => {
    const dists: Dist[] = [
      { kind: 'exponential', mean: 1 },
      { kind: 'normal', mean: 5, stddev: 2 },
      { kind: 'lognormal', median: 10, p99: 30 },
      { kind: 'pareto', min: 1, alpha: 2 },
      { kind: 'uniform', min: 0, max: 1 },
    ];
    const golden = dists.map((d) => [...draw(compileDist(d), 3)]);
    expect(golden).toEqual(GOLDEN);
  });

  it('keeps the spare normal on the stream, so other streams cannot shift its draws', () => {
    const s = compileDist({ kind: 'normal', mean: 10, stddev: 1 });
    const alone = streamFor(5, 'a', 'service');
    const expected = Array.from({ length: 9 }, () => s.sample(alone));
    const a = streamFor(5, 'a', 'service');
    const b = streamFor(5, 'b', 'service');
    const interleaved: number[] = [];
    for (let i = 0; i < 9; i++) {
      s.sample(b);
      interleaved.push(s.sample(a));
    }
    expect(interleaved).toEqual(expected);
  });

  it('rejects invalid parameters', () => {
    const bad: Dist[] = [
      { kind: 'constant', value: NaN },
      { kind: 'uniform', min: 3, max: 1 },
      { kind: 'exponential', mean: -1 },
      { kind: 'normal', mean: 1, stddev: -1 },
      { kind: 'normal', mean: -1, stddev: 0 },
      { kind: 'lognormal', median: 10, p99: 5 },
      { kind: 'lognormal', median: 0, p99: 5 },
      { kind: 'pareto', min: 1, alpha: 0 },
      { kind: 'empirical', values: [] },
    ];
    for (const d of bad) expect(() => compileDist(d), d.kind).toThrow(RangeError);
  });

  it('truncatedNormalMoments has the closed forms of the half-normal and the far tail', () => {
    const [m1, m2] = compiledMoments(0, 2);
    expect(Math.abs(m1 / (2 * Math.sqrt(2 / Math.PI)) - 1)).toBeLessThan(1e-9);
    expect(Math.abs(m2 / 4 - 1)).toBeLessThan(1e-9);
    // Far in the tail X/sigma is nearly Exp(a) with a = −mu/sigma: E[X] ≈ sigma(1/a − 2/a³).
    const [t1] = compiledMoments(-1000, 1);
    expect(Math.abs(t1 / (1 / 1000 - 2 / 1000 ** 3) - 1)).toBeLessThan(1e-8);
    expect(compiledMoments(50, 1)).toEqual([50, 2501]);
  });
});

/** Computed once with this implementation; a change here means every run's draws changed. */
const GOLDEN: number[][] = [
  [0.14427590072734145, 0.15841261850201166, 0.032101485157891886],
  [3.323945501599366, 5.182270343630213, 4.423588256889416],
  [6.731706677370899, 10.439779511276145, 8.727513884582137],
  [3.4537121636373405, 1.3542507244743385, 2.6986766336639874],
  [0.08383545384276658, 0.5452577496180311, 0.13730877812486142],
];
