import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  LatencyHistogram,
  LatencyWindow,
  MAX_RECORDABLE_US,
  bucketIndex,
  nearestRank,
} from '../../sim-core/index';

const QUANTILES = [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 0.9999, 1];

function exactQuantile(sorted: number[], q: number): number {
  return sorted[nearestRank(q, sorted.length) - 1];
}

function histogramOf(values: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of values) h.record(v);
  return h;
}

/** The documented bound: |estimate − exact| < exact / 256 (0.39%), well inside the 1% contract. */
function expectWithinBound(estimate: number, exact: number): void {
  expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(exact / 256);
}

/** Log-uniform integers up to 2^40 µs (≈ 12.7 days): every scale from 0 to heavy tails. */
const logUniform = (maxBits: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: maxBits - 1 }), fc.double({ min: 1, max: 2, noNaN: true }))
    .map(([e, m]) => Math.min(2 ** maxBits - 1, Math.floor(m * 2 ** e)));
const edgeValue = fc.constantFrom(0, 1, 127, 128, 255, 256, 257, 511, 512, 2 ** 31, 2 ** 32 - 1);
const value = fc.oneof(
  fc.nat({ max: 300 }),
  logUniform(40),
  edgeValue,
  fc.integer({ min: 0, max: 1e12 }),
);
/** Arrays of mixed values, constant arrays, and Pareto-like heavy tails. */
const valueArray = fc.oneof(
  fc.array(value, { minLength: 1, maxLength: 2000 }),
  fc.tuple(value, fc.integer({ min: 1, max: 500 })).map(([v, n]) => new Array<number>(n).fill(v)),
  fc
    .array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: 1, maxLength: 2000 })
    .map((us) => us.map((u) => Math.floor(1000 / u ** (1 / 1.1)))),
);

describe('nearestRank', () => {
  test('is ceil(q·n) clamped to [1, n], reading near-integer products as integers', () => {
    expect(nearestRank(0, 10)).toBe(1);
    expect(nearestRank(1, 10)).toBe(10);
    expect(nearestRank(0.5, 10)).toBe(5);
    expect(nearestRank(0.5, 11)).toBe(6);
    expect(nearestRank(0.07, 100)).toBe(7); // 0.07 · 100 = 7.000000000000001 in floating point
    expect(nearestRank(0.999, 1000)).toBe(999);
    expect(nearestRank(0.99, 101)).toBe(100);
  });
});

describe('bucketIndex', () => {
  test('is exact below 256 µs and monotone across every power of two up to 2^53', () => {
    for (let v = 0; v < 256; v++) expect(bucketIndex(v)).toBe(v);
    let previous = -1;
    for (let k = 8; k <= 53; k++) {
      for (const v of [2 ** k - 2, 2 ** k - 1, 2 ** k, 2 ** k + 1]) {
        if (v > MAX_RECORDABLE_US) continue;
        expect(bucketIndex(v)).toBeGreaterThanOrEqual(previous);
        previous = bucketIndex(v);
      }
      // each power of two opens a new bucket: 128 sub-buckets per octave
      if (2 ** k <= MAX_RECORDABLE_US) expect(bucketIndex(2 ** k)).toBe((k - 6) * 128);
    }
    expect(bucketIndex(MAX_RECORDABLE_US)).toBe(6015);
  });

  test.prop([fc.integer({ min: 0, max: MAX_RECORDABLE_US - 1 })])(
    'never decreases from one value to the next',
    (v) => {
      expect(bucketIndex(v + 1) - bucketIndex(v)).toBeGreaterThanOrEqual(0);
      expect(bucketIndex(v + 1) - bucketIndex(v)).toBeLessThanOrEqual(1);
    },
  );
});

describe('LatencyHistogram', () => {
  test.prop([valueArray], { numRuns: 300 })(
    'every quantile is within 1% (in fact 1/256) of the exact nearest-rank value',
    (values) => {
      const h = histogramOf(values);
      const sorted = [...values].sort((a, b) => a - b);
      for (const q of QUANTILES) expectWithinBound(h.quantile(q), exactQuantile(sorted, q));
      expect(h.quantile(0)).toBe(sorted[0]);
      expect(h.quantile(1)).toBe(sorted[sorted.length - 1]);
    },
  );

  test.prop([
    fc.array(logUniform(53), { minLength: 1, maxLength: 500 }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ])('keeps the bound for huge values up to 2^53 and arbitrary q', (values, q) => {
    const h = histogramOf(values);
    const sorted = [...values].sort((a, b) => a - b);
    expectWithinBound(h.quantile(q), exactQuantile(sorted, q));
  });

  test.prop([valueArray])('count, sum, min, max and mean are exact', (values) => {
    const h = histogramOf(values);
    const exactSum = values.reduce((s, v) => s + BigInt(v), 0n);
    expect(h.count).toBe(values.length);
    expect(BigInt(h.sum)).toBe(exactSum);
    expect(h.min).toBe(Math.min(...values));
    expect(h.max).toBe(Math.max(...values));
    expect(h.mean()).toBe(Number(exactSum) / values.length);
  });

  test.prop([valueArray, valueArray])('merge equals recording both', (a, b) => {
    const merged = histogramOf(a);
    merged.merge(histogramOf(b));
    const both = histogramOf([...a, ...b]);
    expect(merged.count).toBe(both.count);
    expect(merged.sum).toBe(both.sum);
    expect(merged.min).toBe(both.min);
    expect(merged.max).toBe(both.max);
    for (const q of QUANTILES) expect(merged.quantile(q)).toBe(both.quantile(q));
    expect(merged.cdfMs(20)).toEqual(both.cdfMs(20));
    expect(merged.summaryMs()).toEqual(both.summaryMs());
  });

  test('an empty histogram reports zeros everywhere', () => {
    const h = new LatencyHistogram();
    expect(h.summaryMs()).toEqual({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect([h.count, h.sum, h.min, h.max, h.mean(), h.quantile(0.5)]).toEqual([0, 0, 0, 0, 0, 0]);
    expect(h.cdfMs(10)).toEqual([]);
    h.merge(new LatencyHistogram());
    expect(h.count).toBe(0);
  });

  test('record rejects negative, fractional, non-finite and too large values', () => {
    const h = new LatencyHistogram();
    for (const bad of [-1, 0.5, 1.5, NaN, Infinity, MAX_RECORDABLE_US + 1]) {
      expect(() => h.record(bad)).toThrow(RangeError);
    }
    expect(h.count).toBe(0);
    h.record(MAX_RECORDABLE_US);
    expect(h.max).toBe(MAX_RECORDABLE_US);
    expect(h.quantile(0.5)).toBe(MAX_RECORDABLE_US);
  });

  test('quantile rejects q outside [0, 1]', () => {
    const h = histogramOf([1, 2, 3]);
    for (const bad of [-0.1, 1.1, NaN]) expect(() => h.quantile(bad)).toThrow(RangeError);
  });

  test('summaryMs reports the latency object in milliseconds', () => {
    // 1 ms, 2 ms, ..., 1000 ms
    const h = histogramOf(Array.from({ length: 1000 }, (_, i) => (i + 1) * 1000));
    const s = h.summaryMs();
    expect(s.count).toBe(1000);
    expect(s.mean).toBe(500.5);
    expect(s.max).toBe(1000);
    expect(Math.abs(s.p50 - 500) / 500).toBeLessThan(0.01);
    expect(Math.abs(s.p90 - 900) / 900).toBeLessThan(0.01);
    expect(Math.abs(s.p99 - 990) / 990).toBeLessThan(0.01);
    expect(Math.abs(s.p999 - 999) / 999).toBeLessThan(0.01);
  });

  test('a constant latency gives that exact value for every percentile', () => {
    const h = histogramOf(new Array<number>(100).fill(123_457));
    expect(h.summaryMs()).toEqual({
      count: 100,
      mean: 123.457,
      p50: 123.457,
      p90: 123.457,
      p99: 123.457,
      p999: 123.457,
      max: 123.457,
    });
    expect(h.cdfMs(10)).toEqual([[123.457, 1]]);
  });

  test.prop([valueArray, fc.integer({ min: 1, max: 200 })])(
    'cdfMs is a non-decreasing step CDF ending at [max, 1]',
    (values, points) => {
      const h = histogramOf(values);
      const cdf = h.cdfMs(points);
      expect(cdf.length).toBeGreaterThanOrEqual(1);
      expect(cdf.length).toBeLessThanOrEqual(points);
      for (let i = 1; i < cdf.length; i++) {
        expect(cdf[i][0]).toBeGreaterThan(cdf[i - 1][0]);
        expect(cdf[i][1]).toBeGreaterThan(cdf[i - 1][1]);
      }
      expect(cdf[cdf.length - 1]).toEqual([h.max / 1000, 1]);
      // each point's fraction is the exact share of values at or below its bucket
      const sorted = [...values].sort((a, b) => a - b);
      for (const [ms, fraction] of cdf) {
        const atOrBelow = sorted.filter((v) => v <= ms * 1000 * (1 + 1 / 256)).length;
        expect(atOrBelow / values.length).toBeGreaterThanOrEqual(fraction);
      }
    },
  );

  test('a bucket past 2^32 − 1 values keeps counting (32-bit counts widen, not wrap)', () => {
    const h = new LatencyHistogram();
    h.record(1000);
    // Four billion records take minutes; start the bucket one short of the 32-bit limit instead.
    const counts = (h as unknown as { counts: Uint32Array }).counts;
    counts[bucketIndex(1000)] = 0xffffffff;
    h.record(1000);
    h.record(1000);
    const after = (h as unknown as { counts: ArrayLike<number> }).counts;
    expect(after[bucketIndex(1000)]).toBe(2 ** 32 + 1);
    const other = new LatencyHistogram();
    other.merge(h);
    expect((other as unknown as { counts: ArrayLike<number> }).counts[bucketIndex(1000)]).toBe(
      2 ** 32 + 1,
    );
  });

  test('reset forgets everything', () => {
    const h = histogramOf([5, 500, 5_000_000]);
    h.reset();
    expect(h.summaryMs()).toEqual(new LatencyHistogram().summaryMs());
    h.record(42);
    expect([h.count, h.min, h.max, h.quantile(0.5)]).toEqual([1, 42, 42, 42]);
  });
});

describe('window of a running histogram (setToDifference)', () => {
  test.prop([valueArray, valueArray, fc.double({ min: 0, max: 1, noNaN: true })])(
    'quantiles of what came after a snapshot match a histogram of those values alone, within a bucket',
    (before, after, q) => {
      const running = new LatencyHistogram();
      for (const v of before) running.record(v);
      const snapshot = new LatencyHistogram();
      snapshot.copyFrom(running);
      const alone = new LatencyHistogram();
      for (const v of after) {
        running.record(v);
        alone.record(v);
      }
      const window = new LatencyHistogram();
      window.setToDifference(running, snapshot);
      expect(window.count).toBe(after.length);
      expect(window.sum).toBe(alone.sum);
      const exact = alone.quantile(q);
      // Interior quantiles are the same bucket midpoints; the extremes become bucket bounds.
      expect(Math.abs(window.quantile(q) - exact)).toBeLessThanOrEqual(exact / 128 + 1);
    },
  );

  test('an empty window', () => {
    const h = new LatencyHistogram();
    h.record(5);
    const w = new LatencyHistogram();
    w.setToDifference(h, h);
    expect([w.count, w.quantile(0.5), w.max]).toEqual([0, 0, 0]);
  });
});

describe('LatencyWindow (what a running histogram recorded since the last mark)', () => {
  /** Small, large and single-valued windows. */
  const windows = fc.array(
    fc.oneof(
      fc.array(value, { maxLength: 128 }),
      valueArray,
      fc
        .tuple(value, fc.integer({ min: 1, max: 300 }))
        .map(([v, n]) => new Array<number>(n).fill(v)),
    ),
    { minLength: 1, maxLength: 6 },
  );

  test.prop([windows])('reads each window as a histogram of it alone would', (ws) => {
    const running = new LatencyHistogram();
    const window = new LatencyWindow(running);
    for (const [k, values] of ws.entries()) {
      for (const v of values) window.note(running.record(v));
      expect(window.count).toBe(values.length);
      const alone = histogramOf(values);
      for (const q of QUANTILES) expect(window.quantile(q), `q ${q}`).toBe(alone.quantile(q));
      // The sampler's read: two quantiles (a low and a high one), and a mark for the next window.
      const [low, high] = [QUANTILES[k % 6], QUANTILES[6 + (k % 7)]];
      const taken = new Float64Array(2);
      window.takeQuantiles(low, high, taken);
      expect([...taken]).toEqual([alone.quantile(low), alone.quantile(high)]);
    }
    // Marks move the window only: the running histogram still reads as one of every value.
    const all = histogramOf(ws.flat());
    expect([running.min, running.max]).toEqual([all.min, all.max]);
    for (const q of QUANTILES) expect(running.quantile(q), `running q ${q}`).toBe(all.quantile(q));
  });
});
