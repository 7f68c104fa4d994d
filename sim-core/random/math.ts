// Engine-independent ln, exp and pow: ports of fdlibm's __ieee754_log and __ieee754_exp using only
// IEEE + − × ÷ and bit access, so every JavaScript engine returns the same bits (error < 1 ulp).

// One 8-byte scratch buffer viewed as a double and as two int32 words, only ever written as a
// double and read as words (the reverse stalls store forwarding). Which word holds the sign and
// exponent depends on the platform's byte order, checked once here.
const scratchF64 = new Float64Array(1);
const scratchI32 = new Int32Array(scratchF64.buffer);
scratchF64[0] = 1;
const HI = scratchI32[1] === 0x3ff00000 ? 1 : 0;

/** POW2[e + POW2_BIAS] = 2^e exactly, for e in −1074..1023. Scaling by it is exact. */
const POW2_BIAS = 1074;
const POW2 = new Float64Array(POW2_BIAS + 1024);
for (let e = 0, p = 1; e <= 1023; e++, p *= 2) POW2[POW2_BIAS + e] = p;
for (let e = 0, p = 1; e >= -1074; e--, p /= 2) POW2[POW2_BIAS + e] = p;

const MIN_NORMAL = 2.2250738585072014e-308;

// The decimal literals below round to exactly the bit patterns in the comments (fdlibm's values);
// test/unit/random-math.test.ts checks each one.
const LN2_HI = 6.9314718036912381649e-1; // 3fe62e42 fee00000
const LN2_LO = 1.90821492927058770002e-10; // 3dea39ef 35793c76
const TWO54 = 1.8014398509481984e16; // 43500000 00000000
const LG1 = 6.66666666666673513e-1; // 3fe55555 55555593
const LG2 = 3.999999999940941908e-1; // 3fd99999 9997fa04
const LG3 = 2.857142874366239149e-1; // 3fd24924 94229359
const LG4 = 2.222219843214978396e-1; // 3fcc71c5 1d8e78af
const LG5 = 1.818357216161805012e-1; // 3fc74664 96cb03de
const LG6 = 1.531383769920937332e-1; // 3fc39a09 d078c69f
const LG7 = 1.479819860511658591e-1; // 3fc2f112 df3e5244

/**
 * Natural logarithm, bit-identical in every engine (fdlibm `__ieee754_log`, error < 1 ulp).
 * ln(1) = 0 exactly; ln(±0) = −Infinity; ln(x < 0) = NaN; ln(Infinity) = Infinity; ln(NaN) = NaN.
 */
export function ln(x: number): number {
  // Small on purpose, so engines inline it: the rare inputs go out of line.
  return x >= MIN_NORMAL && x < Infinity ? lnNormal(x, 0) : lnRare(x);
}

/** Zero, negative, subnormal, infinite or NaN input. */
function lnRare(x: number): number {
  if (x === 0) return -Infinity;
  if (x > 0 && x < MIN_NORMAL) return lnNormal(x * TWO54, 54); // scale a subnormal up
  return x > 0 ? x : NaN; // Infinity stays; negatives and NaN give NaN
}

/** ln(x · 2^-scaled) for a positive normal finite x. */
function lnNormal(x: number, scaled: number): number {
  scratchF64[0] = x;
  const hi = scratchI32[HI];
  const m = hi & 0x000fffff; // high bits of the mantissa
  // x = 2^e · (1 + f) with 1 + f in [sqrt(2)/2, sqrt(2)).
  const e = (hi >> 20) - 1023 + (((m + 0x95f64) & 0x100000) >> 20);
  const f = x * POW2[POW2_BIAS - e] - 1;
  const k = e - scaled;
  if ((0x000fffff & (2 + m)) < 3) return lnNearPowerOfTwo(f, k); // |f| < 2^-20
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  if (((m - 0x6147a) | (0x6b851 - m)) > 0) {
    const hfsq = 0.5 * f * f;
    if (k === 0) return f - (hfsq - s * (hfsq + r));
    return k * LN2_HI - (hfsq - (s * (hfsq + r) + k * LN2_LO) - f);
  }
  if (k === 0) return f - s * (f - r);
  return k * LN2_HI - (s * (f - r) - k * LN2_LO - f);
}

function lnNearPowerOfTwo(f: number, k: number): number {
  if (f === 0) return k === 0 ? 0 : k * LN2_HI + k * LN2_LO;
  const r = f * f * (0.5 - 0.3333333333333333 * f);
  return k === 0 ? f - r : k * LN2_HI - (r - k * LN2_LO - f);
}

const O_THRESHOLD = 7.09782712893383973096e2; // 40862e42 fefa39ef
const U_THRESHOLD = -7.4513321910194110842e2; // c0874910 d52d3051
const INV_LN2 = 1.442695040888963387; // 3ff71547 652b82fe
const TWOM1000 = 9.3326361850321887899e-302; // 01700000 00000000
const P1 = 1.66666666666666019037e-1; // 3fc55555 5555553e
const P2 = -2.77777777770155933842e-3; // bf66c16c 16bebd93
const P3 = 6.61375632143793436117e-5; // 3f11566a af25de2c
const P4 = -1.6533902205465251539e-6; // bebbbd41 c5d26bf1
const P5 = 4.13813679705723846039e-8; // 3e663769 72bea4d0

/**
 * e^x, bit-identical in every engine (fdlibm `__ieee754_exp`, error < 1 ulp).
 * exp(0) = 1 exactly; overflow gives Infinity, underflow 0; exp(−Infinity) = 0; exp(NaN) = NaN.
 */
export function exp(x: number): number {
  scratchF64[0] = x;
  const hx = scratchI32[HI] & 0x7fffffff; // high word of |x|
  if (hx >= 0x40862e42) return expLarge(x); // |x| >= 709.78..., or not finite
  if (hx > 0x3fd62e42) return expReduced(x, hx); // |x| > 0.5 ln2
  if (hx < 0x3e300000) return 1 + x; // |x| < 2^-28
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return 1 - ((x * c) / (c - 2) - x);
}

function expLarge(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x > O_THRESHOLD) return Infinity;
  if (x < U_THRESHOLD) return 0;
  scratchF64[0] = x;
  return expReduced(x, scratchI32[HI] & 0x7fffffff);
}

/** exp for 0.5 ln2 < |x| <= 709.78...: x = k ln2 + r with |r| <= 0.5 ln2, then scale by 2^k. */
function expReduced(x: number, hx: number): number {
  const negative = x < 0;
  let k: number;
  let hi: number;
  let lo: number;
  if (hx < 0x3ff0a2b2) {
    // |x| < 1.5 ln2
    k = negative ? -1 : 1;
    hi = negative ? x + LN2_HI : x - LN2_HI;
    lo = negative ? -LN2_LO : LN2_LO;
  } else {
    k = Math.trunc(INV_LN2 * x + (negative ? -0.5 : 0.5));
    hi = x - k * LN2_HI; // k * LN2_HI is exact here
    lo = k * LN2_LO;
  }
  const r = hi - lo;
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y · 2^k, exact while the result is normal (fdlibm adds k to the exponent field instead).
  if (k >= -1021) return k === 1024 ? y * 2 * POW2[POW2_BIAS + 1023] : y * POW2[POW2_BIAS + k];
  return y * POW2[POW2_BIAS + k + 1000] * TWOM1000; // one rounding, into the subnormal range
}

/**
 * x^y as exp(y·ln x), engine-independent. Relative error grows with |y·ln x| (about
 * |y·ln x|·2^-53 beyond exp's own), which is fine for sampling. pow(x, 0) = 1; pow(1, y) = 1;
 * pow(0, y) = 0 for y > 0 and Infinity for y < 0; x < 0 gives NaN (no integer-exponent cases).
 */
export function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (x === 0) return y > 0 ? 0 : Infinity;
  return exp(y * ln(x));
}
