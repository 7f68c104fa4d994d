// Key pickers: exact sequences for none and roundRobin, frequencies against theory for uniform and
// zipf (chi-square at p = 0.001, and each frequency within 5 binomial standard deviations).
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Keys } from '../../sim-core/index';
import { compileKeys, streamFor } from '../../sim-core/index';

function counts(keys: Keys, count: number, n: number): Float64Array {
  const picker = compileKeys(keys);
  const rng = streamFor(42, 'producer', 'keys');
  const out = new Float64Array(count);
  for (let i = 0; i < n; i++) out[picker.next(rng)]++;
  return out;
}

function chiSquare(observed: Float64Array, probabilities: number[], n: number): number {
  let chi2 = 0;
  for (let i = 0; i < observed.length; i++) {
    const expected = n * probabilities[i];
    chi2 += (observed[i] - expected) ** 2 / expected;
  }
  return chi2;
}

describe('compileKeys', () => {
  it('none always gives −1 and draws nothing from the stream', () => {
    const rng = streamFor(1, 'p', 'keys');
    const picker = compileKeys({ kind: 'none' });
    expect(Array.from({ length: 5 }, () => picker.next(rng))).toEqual([-1, -1, -1, -1, -1]);
    expect(rng.nextU32()).toBe(streamFor(1, 'p', 'keys').nextU32());
  });

  it('roundRobin cycles 0..count−1', () => {
    const rng = streamFor(1, 'p', 'keys');
    const picker = compileKeys({ kind: 'roundRobin', count: 3 });
    expect(Array.from({ length: 7 }, () => picker.next(rng))).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('uniform spreads keys evenly (chi-square with 15 degrees of freedom, p = 0.001)', () => {
    const n = 160_000;
    const observed = counts({ kind: 'uniform', count: 16 }, 16, n);
    // scipy.stats.chi2.ppf(0.999, 15) = 37.697
    expect(chiSquare(observed, Array(16).fill(1 / 16), n)).toBeLessThan(37.7);
  });

  it('zipf picks rank r with probability ∝ 1/(r+1)^s', () => {
    const [count, s, n] = [100, 1.2, 200_000];
    const weights = Array.from({ length: count }, (_, r) => (r + 1) ** -s);
    const total = weights.reduce((a, w) => a + w, 0);
    const p = weights.map((w) => w / total);
    const observed = counts({ kind: 'zipf', count, s }, count, n);
    for (let r = 0; r < count; r++) {
      const sd = Math.sqrt(n * p[r] * (1 - p[r]));
      expect(Math.abs(observed[r] - n * p[r]), `rank ${r}`).toBeLessThan(5 * sd);
    }
    // scipy.stats.chi2.ppf(0.999, 99) = 148.23
    expect(chiSquare(observed, p, n)).toBeLessThan(148.23);
  });

  it('zipf with s = 0 is uniform, and with one key always gives 0', () => {
    const n = 100_000;
    const observed = counts({ kind: 'zipf', count: 10, s: 0 }, 10, n);
    // scipy.stats.chi2.ppf(0.999, 9) = 27.877
    expect(chiSquare(observed, Array(10).fill(0.1), n)).toBeLessThan(27.88);
    expect(counts({ kind: 'zipf', count: 1, s: 2 }, 1, 100)[0]).toBe(100);
  });

  test.prop([
    fc.integer({ min: 1, max: 5000 }),
    fc.double({ min: 0, max: 5, noNaN: true }),
    fc.constantFrom('uniform', 'zipf', 'roundRobin'),
  ])('always gives an integer key in 0..count−1', (count, s, kind) => {
    const keys: Keys = kind === 'zipf' ? { kind, count, s } : { kind, count };
    const picker = compileKeys(keys);
    const rng = streamFor(count, kind, 'keys');
    let ok = true;
    for (let i = 0; i < 200; i++) {
      const k = picker.next(rng);
      ok &&= Number.isInteger(k) && k >= 0 && k < count;
    }
    expect(ok).toBe(true);
  });

  it('rejects invalid counts and exponents', () => {
    expect(() => compileKeys({ kind: 'uniform', count: 0 })).toThrow(RangeError);
    expect(() => compileKeys({ kind: 'roundRobin', count: 1.5 })).toThrow(RangeError);
    expect(() => compileKeys({ kind: 'zipf', count: 10, s: -1 })).toThrow(RangeError);
  });
});
