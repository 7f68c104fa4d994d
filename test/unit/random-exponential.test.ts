// The ziggurat sampler of Exp(1): its moments, its whole distribution (Kolmogorov–Smirnov), its
// tail beyond the last layer, and its determinism, checked on fixed seeds with bounds from theory.
import { describe, expect, it } from 'vitest';
import { standardExponential, streamFor, exp } from '../../sim-core/index';

const N = 400_000;

function draws(seed: number, n = N): Float64Array {
  const rng = streamFor(seed, 'zig', 'test');
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = standardExponential(rng);
  return out;
}

describe('standardExponential (ziggurat)', () => {
  const xs = draws(7);

  it('has mean 1 and variance 1 within 5 standard errors', () => {
    let sum = 0;
    let sumSq = 0;
    for (const x of xs) {
      sum += x;
      sumSq += x * x;
    }
    const mean = sum / N;
    const variance = sumSq / N - mean * mean;
    // SE of the mean: 1/√N; of the variance: √((μ4 − σ⁴)/N) = √(8/N) for Exp(1).
    expect(Math.abs(mean - 1)).toBeLessThan(5 / Math.sqrt(N));
    expect(Math.abs(variance - 1)).toBeLessThan(5 * Math.sqrt(8 / N));
  });

  it('passes a Kolmogorov–Smirnov test against 1 − e^−x (α = 0.001)', () => {
    const sorted = Float64Array.from(xs).sort();
    let d = 0;
    for (let i = 0; i < N; i++) {
      const f = 1 - exp(-sorted[i]);
      d = Math.max(d, Math.abs(f - i / N), Math.abs(f - (i + 1) / N));
    }
    expect(d).toBeLessThan(1.949 / Math.sqrt(N)); // the 0.001 critical value
  });

  it('reaches the tail beyond the last layer (x > 7.697) as often as e^−7.697 predicts', () => {
    const n = 2_000_000;
    const more = draws(11, n);
    let tail = 0;
    let beyond = 0;
    for (const x of more) {
      if (x > 7.697117470131487) tail++;
      if (x > 10) beyond++;
    }
    const p = Math.exp(-7.697117470131487);
    const sd = Math.sqrt(n * p * (1 - p));
    expect(Math.abs(tail - n * p)).toBeLessThan(5 * sd);
    expect(beyond).toBeGreaterThan(0); // the tail is sampled exactly, not cut at the layer
  });

  it('is a pure function of the stream: same seed, same draws; another seed, others', () => {
    expect(Array.from(draws(3, 1000))).toEqual(Array.from(draws(3, 1000)));
    expect(Array.from(draws(4, 1000))).not.toEqual(Array.from(draws(3, 1000)));
  });
});
