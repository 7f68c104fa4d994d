// Arrival processes: exact times for constant and trace, Poisson counts against theory (count
// within 5·sqrt(expected), since a Poisson count has variance = mean), monotone integer times.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import type { Rate } from '../../sim-core/index';
import { compileArrivals, streamFor } from '../../sim-core/index';

/** Arrival times (µs) before `untilUs`, or the first `max` of them. */
function collect(rate: Rate, startMs: number, untilUs: number, seed = 42, max = 5e6): number[] {
  const arrivals = compileArrivals(rate, startMs);
  const rng = streamFor(seed, 'producer', 'arrivals');
  const times: number[] = [];
  for (let t = arrivals.next(rng); t < untilUs && times.length < max; t = arrivals.next(rng)) {
    times.push(t);
  }
  return times;
}

function countIn(times: number[], fromUs: number, toUs: number): number {
  return times.reduce((c, t) => c + (t >= fromUs && t < toUs ? 1 : 0), 0);
}

/** |observed − expected| < 5 standard deviations of a Poisson count. */
function expectPoissonCount(observed: number, expected: number): void {
  expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(expected));
}

describe('compileArrivals', () => {
  it('constant: first arrival at start, then exactly every 1e6/perSecond µs', () => {
    const times = collect({ kind: 'constant', perSecond: 1000 }, 5, 10_000);
    expect(times).toEqual([5000, 6000, 7000, 8000, 9000]);
  });

  it('constant: rounds each time from the exact multiple, never accumulating error', () => {
    const times = collect({ kind: 'constant', perSecond: 3 }, 0, Infinity, 42, 3001);
    expect(times.slice(0, 4)).toEqual([0, 333333, 666667, 1_000_000]);
    expect(times[3000]).toBe(1_000_000_000);
  });

  it('poisson: the count in [0, T) matches lambda·T and the first arrival is after start', () => {
    const times = collect({ kind: 'poisson', perSecond: 1000 }, 2000, 202e6);
    expect(times[0]).toBeGreaterThan(2e6);
    expectPoissonCount(times.length, 1000 * 200);
  });

  it('poisson: window counts have index of dispersion 1 (variance = mean)', () => {
    // 2000 windows of 100 ms at 1000/s: counts ~ Poisson(100). (N−1)·s²/λ ~ χ²(N−1), so the
    // dispersion s²/mean has standard error ≈ sqrt(2/(N−1)) ≈ 0.032.
    const windows = 2000;
    const counts = new Float64Array(windows);
    for (const t of collect({ kind: 'poisson', perSecond: 1000 }, 0, windows * 1e5)) {
      counts[Math.floor(t / 1e5)]++;
    }
    const mean = counts.reduce((a, c) => a + c, 0) / windows;
    const variance = counts.reduce((a, c) => a + (c - mean) ** 2, 0) / (windows - 1);
    expect(Math.abs(mean - 100)).toBeLessThan(5 * Math.sqrt(100 / windows));
    expect(Math.abs(variance / mean - 1)).toBeLessThan(5 * Math.sqrt(2 / (windows - 1)));
  });

  it('bursty: burstPerSecond inside [k·every, k·every + length), perSecond elsewhere', () => {
    const rate: Rate = {
      kind: 'bursty',
      perSecond: 100,
      burstPerSecond: 2000,
      burstEvery: 1000,
      burstLength: 200,
    };
    const times = collect(rate, 0, 200e6);
    const inBurst = times.filter((t) => t % 1e6 < 2e5).length;
    expectPoissonCount(inBurst, 2000 * 0.2 * 200);
    expectPoissonCount(times.length - inBurst, 100 * 0.8 * 200);
  });

  it('bursty: a zero base rate gives arrivals only inside bursts, from a mid-period start', () => {
    const rate: Rate = {
      kind: 'bursty',
      perSecond: 0,
      burstPerSecond: 500,
      burstEvery: 100,
      burstLength: 10,
    };
    const times = collect(rate, 55, 100e6);
    expect(times.every((t) => t >= 55_000 && t % 100_000 <= 10_000)).toBe(true);
    expectPoissonCount(times.length, 500 * 999 * 0.01); // bursts k = 1..999 of 10 ms each
  });

  it('bursty: a very sparse rate does not stall (whole periods are skipped at once)', () => {
    const rate: Rate = {
      kind: 'bursty',
      perSecond: 0,
      burstPerSecond: 1e-4,
      burstEvery: 1,
      burstLength: 0.5,
    };
    const times = collect(rate, 0, Infinity, 42, 20);
    expect(times.length).toBe(20);
    // Mean gap is 1/(1e-4 · 0.5) = 20,000 s of simulated time.
    expect(times[19]).toBeGreaterThan(1e9);
    expect(times.every((t) => t % 1000 <= 500)).toBe(true);
  });

  it('bursty: absurdly sparse rates end in Infinity instead of looping (found by fast-check)', () => {
    const rate: Rate = {
      kind: 'bursty',
      perSecond: 4e-53,
      burstPerSecond: 11136,
      burstEvery: 0.01,
      burstLength: 1e-271,
    };
    expect(collect(rate, 0, Infinity, 1, 3)).toEqual([]);
  });

  it('steps: rate 0 before the first step, each step rate in its segment, Infinity after a 0', () => {
    const rate: Rate = {
      kind: 'steps',
      steps: [
        [1000, 500],
        [3000, 0],
        [4000, 2000],
        [6000, 0],
      ],
    };
    const arrivals = compileArrivals(rate, 0);
    const rng = streamFor(42, 'producer', 'arrivals');
    const times: number[] = [];
    for (let t = arrivals.next(rng); t !== Infinity; t = arrivals.next(rng)) times.push(t);
    expect(arrivals.next(rng)).toBe(Infinity);
    expect(times[0]).toBeGreaterThanOrEqual(1e6);
    expect(times[times.length - 1]).toBeLessThanOrEqual(6e6);
    expect(countIn(times, 3e6, 4e6)).toBe(0);
    expectPoissonCount(countIn(times, 1e6, 3e6), 500 * 2);
    expectPoissonCount(countIn(times, 4e6, 6e6), 2000 * 2);
  });

  it('steps: continues forever at the last non-zero rate, starting mid-way', () => {
    const times = collect(
      {
        kind: 'steps',
        steps: [
          [0, 10],
          [1000, 1000],
        ],
      },
      500,
      101e6,
    );
    expect(times[0]).toBeGreaterThanOrEqual(5e5);
    expectPoissonCount(countIn(times, 0, 1e6), 10 * 0.5);
    expectPoissonCount(countIn(times, 1e6, 101e6), 1000 * 100);
  });

  it('trace: absolute times in order, rounded to µs, those before start skipped', () => {
    const arrivals = compileArrivals({ kind: 'trace', at: [5, 1, 3.0004, 10, 5] }, 2);
    const rng = streamFor(1, 'p', 'arrivals');
    const times = Array.from({ length: 7 }, () => arrivals.next(rng));
    expect(times).toEqual([3000, 5000, 5000, 10_000, Infinity, Infinity, Infinity]);
  });

  it('a zero rate never arrives', () => {
    const rng = streamFor(1, 'p', 'arrivals');
    for (const kind of ['constant', 'poisson'] as const) {
      expect(compileArrivals({ kind, perSecond: 0 }, 0).next(rng)).toBe(Infinity);
    }
    expect(compileArrivals({ kind: 'steps', steps: [] }, 0).next(rng)).toBe(Infinity);
  });

  it('rejects invalid parameters', () => {
    expect(() => compileArrivals({ kind: 'poisson', perSecond: -1 }, 0)).toThrow(RangeError);
    const bursty: Rate = {
      kind: 'bursty',
      perSecond: 1,
      burstPerSecond: 2,
      burstEvery: 0,
      burstLength: 0,
    };
    expect(() => compileArrivals(bursty, 0)).toThrow(RangeError);
  });

  const rates = fc.oneof(
    fc.record({
      kind: fc.constant('constant' as const),
      perSecond: fc.double({ min: 0.1, max: 1e5, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('poisson' as const),
      perSecond: fc.double({ min: 0.1, max: 1e5, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('bursty' as const),
      perSecond: fc.double({ min: 0, max: 1e4, noNaN: true }),
      burstPerSecond: fc.double({ min: 0.1, max: 1e5, noNaN: true }),
      burstEvery: fc.double({ min: 0.01, max: 1e4, noNaN: true }),
      burstLength: fc.double({ min: 0, max: 1e4, noNaN: true }),
    }),
    fc.record({
      kind: fc.constant('steps' as const),
      steps: fc.array(
        fc.tuple(
          fc.double({ min: 0, max: 1e4, noNaN: true }),
          fc.double({ min: 0, max: 1e4, noNaN: true }),
        ),
        { maxLength: 6 },
      ),
    }),
    fc.record({
      kind: fc.constant('trace' as const),
      at: fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 50 }),
    }),
  );

  test.prop([rates, fc.double({ min: 0, max: 1e4, noNaN: true }), fc.nat()])(
    'gives non-decreasing integer µs times from start on, the same for the same seed',
    (rate, startMs, seed) => {
      const a = collect(rate, startMs, Infinity, seed, 300);
      const b = collect(rate, startMs, Infinity, seed, 300);
      expect(a).toEqual(b);
      const startUs = Math.round(startMs * 1000);
      let ok = true;
      for (let i = 0; i < a.length; i++) {
        ok &&= Number.isInteger(a[i]) && a[i] >= startUs && (i === 0 || a[i] >= a[i - 1]);
      }
      expect(ok).toBe(true);
    },
  );
});
