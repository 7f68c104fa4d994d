// Our ln/exp/pow against the engine's Math (within 1 ulp), exact special cases, and golden bit
// patterns that pin the fdlibm ports so any change to them is noticed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { exp, ln, pow } from '../../sim-core/index';

const f64 = new Float64Array(1);
const i64 = new BigInt64Array(f64.buffer);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** Bits of a double as 16 hex digits, sign/exponent first. */
function hex(x: number): string {
  f64[0] = x;
  return u32[HI].toString(16).padStart(8, '0') + u32[1 - HI].toString(16).padStart(8, '0');
}

/** Number of representable doubles between a and b (both finite, same sign). */
function ulps(a: number, b: number): number {
  if (a === b) return 0;
  f64[0] = a;
  const ia = i64[0];
  f64[0] = b;
  const ib = i64[0];
  return Number(ia > ib ? ia - ib : ib - ia);
}

describe('ln', () => {
  test.prop([fc.double({ min: Number.MIN_VALUE, max: Number.MAX_VALUE, noNaN: true })], {
    numRuns: 10_000,
  })('is within 1 ulp of Math.log for every positive finite double', (x) => {
    expect(ulps(ln(x), Math.log(x))).toBeLessThanOrEqual(1);
  });

  it('is within 1 ulp of Math.log on a sweep across all binades, subnormals included', () => {
    let worst = 0;
    for (let e = -1074; e <= 1023; e++) {
      for (let m = 1; m < 2; m += 1 / 64) {
        const x = m * 2 ** e;
        if (x > 0 && Number.isFinite(x)) worst = Math.max(worst, ulps(ln(x), Math.log(x)));
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('is exact at 1 and follows IEEE at the edges', () => {
    expect(ln(1)).toBe(0);
    expect(Object.is(ln(1), 0)).toBe(true);
    expect(ln(0)).toBe(-Infinity);
    expect(ln(-0)).toBe(-Infinity);
    expect(ln(-1)).toBeNaN();
    expect(ln(-Infinity)).toBeNaN();
    expect(ln(NaN)).toBeNaN();
    expect(ln(Infinity)).toBe(Infinity);
    expect(ln(Number.MIN_VALUE)).toBe(-744.4400719213812);
  });

  it('returns the golden bit patterns', () => {
    const golden: Array<[number, string]> = [
      [2, '3fe62e42fefa39ef'],
      [10, '40026bb1bbb55516'],
      [0.1, 'c0026bb1bbb55515'],
      [1e-300, 'c085963447f87fb5'],
      [5e-324, 'c0874385446d71c3'],
      [1.5, '3fd9f323ecbf984c'],
      [123456.789, '40277281cad8a844'],
      [0.999999, 'beb0c6f82d74d230'],
    ];
    for (const [x, bits] of golden) expect(hex(ln(x)), `ln(${x})`).toBe(bits);
  });
});

describe('exp', () => {
  test.prop([fc.double({ min: -745, max: 709.78, noNaN: true })], { numRuns: 10_000 })(
    'is within 1 ulp of Math.exp over the whole finite range',
    (x) => {
      const e = exp(x);
      const m = Math.exp(x);
      // Deep in the subnormal range 1 ulp is a large relative step; compare absolutely there.
      if (m < 2 ** -1022) expect(Math.abs(e - m)).toBeLessThanOrEqual(Number.MIN_VALUE);
      else expect(ulps(e, m)).toBeLessThanOrEqual(1);
    },
  );

  it('is exact at 0 and follows IEEE at the edges', () => {
    expect(exp(0)).toBe(1);
    expect(exp(-0)).toBe(1);
    expect(exp(-Infinity)).toBe(0);
    expect(exp(Infinity)).toBe(Infinity);
    expect(exp(NaN)).toBeNaN();
    expect(exp(710)).toBe(Infinity);
    expect(exp(-746)).toBe(0);
    expect(exp(1e-300)).toBe(1);
  });

  it('returns the golden bit patterns', () => {
    const golden: Array<[number, string]> = [
      [1, '4005bf0a8b14576a'],
      [-1, '3fd78b56362cef38'],
      [0.5, '3ffa61298e1e069c'],
      [10, '40d5829dcf950560'],
      [-700, '00d14f2b0fb9307f'],
      [709, '7fdd422d2be5dc9b'],
      [3.3, '403b1cd5e7807b7b'],
      [709.782712893384, '7fefffffffffff2a'], // k = 1024: scaled by 2·2^1023
      [-740, '0000000000000055'], // subnormal result
    ];
    for (const [x, bits] of golden) expect(hex(exp(x)), `exp(${x})`).toBe(bits);
  });

  test.prop([fc.double({ min: 1e-300, max: 1e300, noNaN: true })])(
    'inverts ln to within a few ulps',
    (x) => {
      // exp(ln x) loses |ln x|·2^-53 relative in ln's rounding, up to ~690 ulps near 1e±300.
      expect(Math.abs(exp(ln(x)) / x - 1)).toBeLessThanOrEqual((Math.abs(ln(x)) + 2) * 2 ** -52);
    },
  );
});

describe('pow', () => {
  test.prop([
    fc.double({ min: 1e-6, max: 1e6, noNaN: true }),
    fc.double({ min: -20, max: 20, noNaN: true }),
  ])('agrees with Math.pow to within (|y·ln x| + 2)·2^-52 relative', (x, y) => {
    const expected = Math.pow(x, y);
    const tolerance = (Math.abs(y * Math.log(x)) + 2) * 2 ** -52;
    expect(Math.abs(pow(x, y) / expected - 1)).toBeLessThanOrEqual(tolerance);
  });

  it('handles the special cases and golden values', () => {
    expect(pow(123, 0)).toBe(1);
    expect(pow(0, 0)).toBe(1);
    expect(pow(1, 1e300)).toBe(1);
    expect(pow(0, 2)).toBe(0);
    expect(pow(0, -2)).toBe(Infinity);
    expect(pow(-2, 2)).toBeNaN();
    expect(hex(pow(2, 0.5))).toBe('3ff6a09e667f3bcc');
    expect(hex(pow(10, -1.5))).toBe('3fa030dc4ea03a71');
    expect(hex(pow(1.7, 3.2))).toBe('4015da2e4e8f7a0d');
  });
});

it('writes every fdlibm constant with exactly the bit pattern noted beside it', () => {
  const source = readFileSync(new URL('../../sim-core/random/math.ts', import.meta.url), 'utf8');
  const constants = [
    ...source.matchAll(/^const (\w+) = (-?[\d.e+-]+); \/\/ ([0-9a-f]{8}) ([0-9a-f]{8})$/gm),
  ];
  expect(constants.length).toBe(19);
  for (const [, name, literal, hi, lo] of constants) {
    expect(hex(Number(literal)), name).toBe(hi + lo);
  }
});
