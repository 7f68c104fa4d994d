// xoshiro128** against its reference C output, golden stream values, uniformity, and the
// independence and stability of named streams.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { Rng, streamFor } from '../../sim-core/index';

function take(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

describe('Rng', () => {
  it('matches the reference C implementation of xoshiro128** from state (1, 2, 3, 4)', () => {
    // Printed by Blackman & Vigna's xoshiro128starstar.c, compiled with gcc.
    expect(take(new Rng(1, 2, 3, 4), 10)).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849, 3729100597,
      4258142804,
    ]);
    expect(take(new Rng(0x12345678, 0x9abcdef0, 0xdeadbeef, 0x0badf00d), 5)).toEqual([
      2576881682, 1162350735, 808537200, 2062165408, 3804998253,
    ]);
  });

  it('refuses the all-zero state', () => {
    expect(() => new Rng(0, 0, 0, 0)).toThrow(RangeError);
  });

  it('spreads nextFloat uniformly over 64 bins (chi-square, p = 0.001)', () => {
    const rng = streamFor(1, 'chi', 'square');
    const bins = new Float64Array(64);
    const n = 640_000;
    for (let i = 0; i < n; i++) bins[Math.floor(rng.nextFloat() * 64)]++;
    const expected = n / 64;
    let chi2 = 0;
    for (const observed of bins) chi2 += (observed - expected) ** 2 / expected;
    // Upper 0.001 quantile of chi-square with 63 degrees of freedom (scipy.stats.chi2.ppf).
    expect(chi2).toBeLessThan(103.44);
  });

  it('spreads every bit evenly (each bit set in 50% ± 5 standard errors of draws)', () => {
    const rng = streamFor(7, 'bits', 'test');
    const n = 100_000;
    const ones = new Float64Array(32);
    for (let i = 0; i < n; i++) {
      const x = rng.nextU32();
      for (let b = 0; b < 32; b++) ones[b] += (x >>> b) & 1;
    }
    const tolerance = 5 * Math.sqrt(n * 0.25); // binomial standard deviation
    for (const count of ones) expect(Math.abs(count - n / 2)).toBeLessThan(tolerance);
  });

  test.prop([fc.integer(), fc.integer(), fc.integer(), fc.integer({ min: 1 })])(
    'nextFloat stays strictly inside (0, 1) and nextU32 is an unsigned 32-bit integer',
    (a, b, c, d) => {
      const rng = new Rng(a, b, c, d);
      let ok = true;
      for (let i = 0; i < 1000; i++) {
        const x = rng.nextU32();
        const u = rng.nextFloat();
        ok &&= x >>> 0 === x && u > 0 && u < 1;
      }
      expect(ok).toBe(true);
    },
  );

  it('maps the extreme 32-bit outputs strictly inside (0, 1)', () => {
    class Fixed extends Rng {
      constructor(private readonly value: number) {
        super(1, 2, 3, 4);
      }
      override nextU32(): number {
        return this.value;
      }
    }
    expect(new Fixed(0).nextFloat()).toBe(2 ** -33);
    expect(new Fixed(2 ** 32 - 1).nextFloat()).toBe(1 - 2 ** -33);
    expect(new Fixed(2 ** 32 - 1).nextInt(2 ** 32)).toBe(2 ** 32 - 1);
  });

  test.prop([fc.integer({ min: 1, max: 2 ** 32 }), fc.nat()])(
    'nextInt(n) is an integer in 0..n-1',
    (n, seed) => {
      const rng = streamFor(seed, 'int', 'test');
      let ok = true;
      for (let i = 0; i < 100; i++) {
        const k = rng.nextInt(n);
        ok &&= Number.isInteger(k) && k >= 0 && k < n;
      }
      expect(ok).toBe(true);
    },
  );
});

describe('streamFor', () => {
  it('gives the golden first values for seed 42, entity "web", purpose "arrivals"', () => {
    expect(take(streamFor(42, 'web', 'arrivals'), 5)).toEqual([
      3450945789, 3457953047, 137152034, 3064615124, 2510514875,
    ]);
  });

  it('gives the same stream for the same triple', () => {
    expect(take(streamFor(9, 'a', 'b'), 50)).toEqual(take(streamFor(9, 'a', 'b'), 50));
  });

  test.prop([fc.string(), fc.string(), fc.string(), fc.string(), fc.nat()])(
    'gives different streams for different (entity, purpose) pairs',
    (e1, p1, e2, p2, seed) => {
      fc.pre(e1 !== e2 || p1 !== p2);
      expect(take(streamFor(seed, e1, p1), 4)).not.toEqual(take(streamFor(seed, e2, p2), 4));
    },
  );

  it('does not confuse how a name is split between entity and purpose', () => {
    expect(take(streamFor(1, 'ab', 'c'), 4)).not.toEqual(take(streamFor(1, 'a', 'bc'), 4));
    expect(take(streamFor(1, '', 'x'), 4)).not.toEqual(take(streamFor(1, 'x', ''), 4));
  });

  it('uses all 53 bits of the seed', () => {
    const low = take(streamFor(7, 'web', 'arrivals'), 4);
    expect(take(streamFor(2 ** 32 + 7, 'web', 'arrivals'), 4)).not.toEqual(low);
    expect(take(streamFor(2 ** 52 + 7, 'web', 'arrivals'), 4)).not.toEqual(low);
    expect(take(streamFor(Number.MAX_SAFE_INTEGER, 'web', 'arrivals'), 4)).not.toEqual(
      take(streamFor(2 ** 32 - 1, 'web', 'arrivals'), 4),
    );
  });

  it('rejects seeds that are not non-negative safe integers', () => {
    for (const seed of [-1, 1.5, 2 ** 53, NaN, Infinity]) {
      expect(() => streamFor(seed, 'x', 'y')).toThrow(RangeError);
    }
  });

  it('gives uncorrelated streams for neighbouring seeds and purposes (|r| < 5/sqrt(n))', () => {
    // Under independence the sample correlation of n pairs is approximately N(0, 1/n).
    const n = 100_000;
    const pairs: Array<[Rng, Rng]> = [
      [streamFor(42, 'web', 'arrivals'), streamFor(43, 'web', 'arrivals')],
      [streamFor(42, 'web', 'arrivals'), streamFor(42, 'web', 'sizes')],
      [streamFor(42, 'web1', 'arrivals'), streamFor(42, 'web2', 'arrivals')],
    ];
    for (const [a, b] of pairs) {
      let sab = 0;
      let sa = 0;
      let sb = 0;
      let saa = 0;
      let sbb = 0;
      for (let i = 0; i < n; i++) {
        const x = a.nextFloat();
        const y = b.nextFloat();
        sa += x;
        sb += y;
        sab += x * y;
        saa += x * x;
        sbb += y * y;
      }
      const cov = sab / n - (sa / n) * (sb / n);
      const r = cov / Math.sqrt((saa / n - (sa / n) ** 2) * (sbb / n - (sb / n) ** 2));
      expect(Math.abs(r)).toBeLessThan(5 / Math.sqrt(n));
    }
  });
});
