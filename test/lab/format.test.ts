import { describe, expect, test } from 'vitest';
import {
  MISSING,
  fmtBytes,
  fmtClock,
  fmtCount,
  fmtMB,
  fmtMs,
  fmtPercent,
  fmtRate,
  fmtRelDiff,
  fmtSeconds,
  fmtSi,
  fmtSig,
  fmtSignedPercent,
  fmtTick,
  percentileLabel,
  relativeDifference,
  roundSig,
} from '../../src/charts/format';

const MINUS = '\u2212';

describe('fmtSig: three significant digits', () => {
  test.each([
    [0.01234, '0.0123'],
    [1.2, '1.20'],
    [12.345, '12.3'],
    [123.45, '123'],
    [1234.5, '1,230'],
    [999.96, '1,000'],
    [0.000123456, '0.000123'],
    [0, '0'],
    [-0, '0'],
    [-12.345, `${MINUS}12.3`],
  ])('%s → %s', (x, s) => {
    expect(fmtSig(x)).toBe(s);
  });

  test('other digit counts', () => {
    expect(fmtSig(3.14159, 2)).toBe('3.1');
    expect(fmtSig(3.14159, 5)).toBe('3.1416');
  });

  test('values that do not exist are a dash', () => {
    for (const x of [NaN, Infinity, -Infinity, null, undefined]) expect(fmtSig(x)).toBe(MISSING);
  });

  test('roundSig', () => {
    expect(roundSig(1234.5)).toBe(1230);
    expect(roundSig(0.012345)).toBe(0.0123);
    expect(roundSig(-0)).toBe(0);
    expect(Number.isNaN(roundSig(NaN))).toBe(true);
  });
});

describe('fmtMs', () => {
  test.each([
    [0.01234, '0.0123 ms'],
    [1234.5, '1.23 s'],
    [0, '0 ms'],
    [1, '1.00 ms'],
    [12.3456, '12.3 ms'],
    [999.4, '999 ms'],
    [999.6, '1.00 s'], // rounds up into seconds rather than "1,000 ms"
    [60_000, '60.0 s'],
    [1_234_567, '1,230 s'],
    [-5, `${MINUS}5.00 ms`],
  ])('%s → %s', (x, s) => {
    expect(fmtMs(x)).toBe(s);
  });

  test('missing', () => {
    expect(fmtMs(NaN)).toBe(MISSING);
    expect(fmtMs(null)).toBe(MISSING);
  });

  test('fmtSeconds goes through milliseconds', () => {
    expect(fmtSeconds(1.2345)).toBe('1.23 s');
    expect(fmtSeconds(0.5)).toBe('500 ms');
    expect(fmtSeconds(undefined)).toBe(MISSING);
  });

  test('fmtClock keeps millisecond resolution', () => {
    expect(fmtClock(12.3456)).toBe('12.346 s');
    expect(fmtClock(0)).toBe('0.000 s');
  });
});

describe('rates and SI prefixes', () => {
  test.each([
    [0, '0 msg/s'],
    [0.5, '0.500 msg/s'],
    [950, '950 msg/s'],
    [999.7, '1.00k msg/s'],
    [1000, '1.00k msg/s'],
    [12_345, '12.3k msg/s'],
    [1_234_567, '1.23M msg/s'],
    [2.5e9, '2.50G msg/s'],
  ])('fmtRate(%s) → %s', (x, s) => {
    expect(fmtRate(x)).toBe(s);
  });

  test('another unit', () => {
    expect(fmtRate(1500, 'B/s')).toBe('1.50k B/s');
  });

  test('fmtSi without a unit', () => {
    expect(fmtSi(42)).toBe('42.0');
    expect(fmtSi(-4200)).toBe(`${MINUS}4.20k`);
    expect(fmtSi(NaN)).toBe(MISSING);
  });
});

describe('fmtCount: exact integers with thousands separators', () => {
  test.each([
    [0, '0'],
    [7, '7'],
    [1234, '1,234'],
    [1_234_567, '1,234,567'],
    [123_456_789_012, '123,456,789,012'],
    [-1234, `${MINUS}1,234`],
  ])('%s → %s', (x, s) => {
    expect(fmtCount(x)).toBe(s);
  });

  test('never rounded to significant digits', () => {
    expect(fmtCount(98_765)).toBe('98,765');
  });

  test('missing', () => {
    expect(fmtCount(NaN)).toBe(MISSING);
    expect(fmtCount(null)).toBe(MISSING);
  });
});

describe('bytes', () => {
  test('fmtMB', () => {
    expect(fmtMB(1_234_567)).toBe('1.23 MB');
    expect(fmtMB(1000)).toBe('0.00100 MB');
    expect(fmtMB(0)).toBe('0 MB');
  });

  test.each([
    [512, '512 B'],
    [12_345, '12.3 kB'],
    [1_234_567, '1.23 MB'],
    [4.56e9, '4.56 GB'],
  ])('fmtBytes(%s) → %s', (x, s) => {
    expect(fmtBytes(x)).toBe(s);
  });
});

describe('percentages and differences', () => {
  test('fmtPercent', () => {
    expect(fmtPercent(0.7341)).toBe('73.4%');
    expect(fmtPercent(1)).toBe('100%');
    expect(fmtPercent(0.0001234)).toBe('0.0123%');
    expect(fmtPercent(0)).toBe('0%');
    expect(fmtPercent(NaN)).toBe(MISSING);
  });

  test('fmtSignedPercent', () => {
    expect(fmtSignedPercent(0.0342)).toBe('+3.42%');
    expect(fmtSignedPercent(-0.012)).toBe(`${MINUS}1.20%`);
    expect(fmtSignedPercent(0)).toBe('0%');
  });

  test('relative difference from theory', () => {
    expect(relativeDifference(110, 100)).toBeCloseTo(0.1, 12);
    expect(relativeDifference(90, 100)).toBeCloseTo(-0.1, 12);
    expect(relativeDifference(5, null)).toBeNull();
    expect(relativeDifference(5, 0)).toBeNull();
    expect(relativeDifference(0, 0)).toBe(0);
    expect(fmtRelDiff(103.42, 100)).toBe('+3.42%');
    expect(fmtRelDiff(98.8, 100)).toBe(`${MINUS}1.20%`);
    expect(fmtRelDiff(1, null)).toBe(MISSING);
  });
});

describe('axis ticks and percentile labels', () => {
  test.each([
    [0, '0'],
    [0.5, '0.5'],
    [2, '2'],
    [2.5, '2.5'],
    [0.1 + 0.2, '0.3'],
    [1000, '1,000'],
    [20_000, '20k'],
    [12_500, '12.5k'],
    [1e6, '1M'],
  ])('fmtTick(%s) → %s', (x, s) => {
    expect(fmtTick(x)).toBe(s);
  });

  test('percentile labels', () => {
    expect(percentileLabel(0.5)).toBe('p50');
    expect(percentileLabel(0.9)).toBe('p90');
    expect(percentileLabel(0.99)).toBe('p99');
    expect(percentileLabel(0.999)).toBe('p99.9');
  });
});
