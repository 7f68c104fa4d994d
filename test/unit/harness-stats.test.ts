// The harness's statistics: Student t quantiles against published tables and closed forms, the
// mean's confidence interval, and paired differences with their verdicts.
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import {
  lnGamma,
  regularizedBeta,
  studentTCdf,
  studentTQuantile,
} from '../../bench/harness/student-t';
import { meanCi, pairedDifference, sampleSd, tMultiplier } from '../../bench/harness/stats';

/** Two-sided 95% t multipliers (the 0.975 quantile) as printed in statistics tables. */
const T_975: Array<[number, number]> = [
  [1, 12.7062],
  [2, 4.3027],
  [3, 3.1824],
  [4, 2.7764],
  [5, 2.5706],
  [6, 2.4469],
  [7, 2.3646],
  [8, 2.306],
  [9, 2.2622],
  [10, 2.2281],
  [15, 2.1314],
  [20, 2.086],
  [30, 2.0423],
  [60, 2.0003],
  [120, 1.9799],
];

describe('studentTQuantile', () => {
  it.each(T_975)('matches the table at p = 0.975 with %i degrees of freedom', (df, table) => {
    expect(studentTQuantile(0.975, df)).toBeCloseTo(table, 4);
  });

  it('matches the table at other levels (one-sided 95%, two-sided 99%)', () => {
    expect(studentTQuantile(0.95, 10)).toBeCloseTo(1.8125, 4);
    expect(studentTQuantile(0.995, 5)).toBeCloseTo(4.0321, 4);
    expect(studentTQuantile(0.9, 3)).toBeCloseTo(1.6377, 4);
  });

  it('tends to the normal quantile 1.959964 as the degrees of freedom grow', () => {
    expect(studentTQuantile(0.975, 1e7)).toBeCloseTo(1.959964, 5);
  });

  test.prop([fc.double({ min: 0.001, max: 0.999, noNaN: true })])(
    'equals the closed forms for 1 (Cauchy) and 2 degrees of freedom',
    (p) => {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 6);
      const two = (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
      expect(studentTQuantile(p, 2)).toBeCloseTo(two, 8);
    },
  );

  test.prop([
    fc.double({ min: 0.0005, max: 0.9995, noNaN: true }),
    fc.integer({ min: 1, max: 500 }),
  ])('inverts the CDF and is antisymmetric', (p, df) => {
    const t = studentTQuantile(p, df);
    expect(studentTCdf(t, df)).toBeCloseTo(p, 9);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 7);
  });

  test.prop([fc.integer({ min: 1, max: 200 })])(
    'shrinks towards the normal quantile as the degrees of freedom grow',
    (df) => {
      expect(studentTQuantile(0.975, df + 1)).toBeLessThan(studentTQuantile(0.975, df));
      expect(studentTQuantile(0.975, df)).toBeGreaterThan(1.959963);
    },
  );

  it('refuses p outside (0, 1) and non-positive degrees of freedom', () => {
    expect(() => studentTQuantile(0, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe('the special functions underneath', () => {
  it('lnGamma matches factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });

  test.prop([fc.double({ min: 0, max: 1, noNaN: true })])(
    'the regularized beta I_x(1, 1) is x and I_x(a, b) = 1 − I_(1−x)(b, a)',
    (x) => {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 12);
      expect(regularizedBeta(x, 2.5, 0.5)).toBeCloseTo(1 - regularizedBeta(1 - x, 0.5, 2.5), 10);
    },
  );
});

describe('meanCi', () => {
  it('gives the textbook interval for 1, 2, 3, 4, 5', () => {
    const ci = meanCi([1, 2, 3, 4, 5]);
    const halfWidth = (2.776445105 * Math.sqrt(2.5)) / Math.sqrt(5);
    expect(ci.mean).toBe(3);
    expect(ci.sd).toBeCloseTo(Math.sqrt(2.5), 12);
    expect(ci.halfWidth).toBeCloseTo(halfWidth, 8);
    expect(ci.ciLow).toBeCloseTo(3 - halfWidth, 8);
    expect(ci.ciHigh).toBeCloseTo(3 + halfWidth, 8);
  });

  it('gives no interval from one value, and nothing from none', () => {
    expect(meanCi([7])).toEqual({
      n: 1,
      mean: 7,
      sd: null,
      halfWidth: null,
      ciLow: null,
      ciHigh: null,
    });
    expect(meanCi([]).mean).toBeNull();
  });

  it('has a zero-width interval when every seed agrees', () => {
    expect(meanCi([4, 4, 4]).halfWidth).toBe(0);
    expect(sampleSd([1e12 + 0.1, 1e12 + 0.1])).toBe(0);
  });

  const samples = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
    minLength: 2,
    maxLength: 30,
  });

  test.prop([samples])('contains the mean and is symmetric around it', (xs) => {
    const ci = meanCi(xs);
    expect(ci.ciLow!).toBeLessThanOrEqual(ci.mean!);
    expect(ci.ciHigh!).toBeGreaterThanOrEqual(ci.mean!);
    expect(ci.ciHigh! - ci.mean!).toBeCloseTo(ci.mean! - ci.ciLow!, 6);
  });

  test.prop([samples, fc.double({ min: 0.01, max: 100, noNaN: true })])(
    'scales with the data (the half-width is sd · t / √n)',
    (xs, k) => {
      const a = meanCi(xs);
      const b = meanCi(xs.map((x) => x * k));
      expect(b.halfWidth!).toBeCloseTo(a.halfWidth! * k, 4);
      expect(a.halfWidth!).toBeCloseTo(
        (a.sd! * tMultiplier(xs.length - 1)) / Math.sqrt(xs.length),
        6,
      );
    },
  );
});

describe('pairedDifference', () => {
  it('says B is higher when every seed moved up by about the same amount', () => {
    const d = pairedDifference([10, 20, 30, 40], [12, 21.5, 32, 42.5]);
    expect(d.mean).toBeCloseTo(2, 12);
    expect(d.verdict).toBe('B higher');
  });

  it('is not significant when the differences straddle 0', () => {
    expect(pairedDifference([10, 20, 30], [11, 19, 30.5]).verdict).toBe('not significant');
  });

  it('calls equal runs identical, and one seed no CI', () => {
    expect(pairedDifference([1, 2, 3], [1, 2, 3]).verdict).toBe('identical');
    expect(pairedDifference([5], [9]).verdict).toBe('no CI');
  });

  it('pairs by seed: a shared seed effect does not hide a small steady difference', () => {
    // The seeds differ wildly (common noise), B is always 1 lower: paired, that is clear.
    const a = [100, 500, 50, 900, 300];
    const b = a.map((x) => x - 1);
    const d = pairedDifference(a, b);
    expect(d.verdict).toBe('B lower');
    expect(d.halfWidth).toBe(0);
  });

  test.prop([
    fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 20 }),
  ])('swapping A and B negates the difference and its interval', (a) => {
    const b = a.map((x, i) => x * 1.1 + i);
    const ab = pairedDifference(a, b);
    const ba = pairedDifference(b, a);
    expect(ba.mean!).toBeCloseTo(-ab.mean!, 9);
    expect(ba.ciLow!).toBeCloseTo(-ab.ciHigh!, 9);
  });
});
