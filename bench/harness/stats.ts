// Summaries across seeds: mean, sample standard deviation and the two-sided Student t
// confidence interval of the mean; paired differences for common-random-number comparisons.

import { studentTQuantile } from './student-t';

/** The confidence level of every interval the harness prints. */
export const CONFIDENCE = 0.95;

export interface MeanCi {
  /** Number of values (seeds that finished). */
  n: number;
  /** null when there are no values. */
  mean: number | null;
  /** Sample standard deviation (n − 1 in the denominator); null below 2 values. */
  sd: number | null;
  /** Half the width of the interval; null below 2 values (no interval from one seed). */
  halfWidth: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/** Sample standard deviation; two-pass, so large equal values give exactly 0. */
export function sampleSd(xs: readonly number[]): number {
  const m = mean(xs);
  let ss = 0;
  for (const x of xs) ss += (x - m) * (x - m);
  return Math.sqrt(ss / (xs.length - 1));
}

const tCache = new Map<number, number>();

/** The t multiplier of a two-sided interval at CONFIDENCE with `df` degrees of freedom. */
export function tMultiplier(df: number): number {
  let t = tCache.get(df);
  if (t === undefined) {
    t = studentTQuantile(1 - (1 - CONFIDENCE) / 2, df);
    tCache.set(df, t);
  }
  return t;
}

/** Mean with its two-sided Student t interval (the seeds are independent draws of a run). */
export function meanCi(xs: readonly number[]): MeanCi {
  const n = xs.length;
  if (n === 0) return { n, mean: null, sd: null, halfWidth: null, ciLow: null, ciHigh: null };
  const m = mean(xs);
  if (n === 1) return { n, mean: m, sd: null, halfWidth: null, ciLow: null, ciHigh: null };
  const sd = sampleSd(xs);
  const halfWidth = (tMultiplier(n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, sd, halfWidth, ciLow: m - halfWidth, ciHigh: m + halfWidth };
}

/** What a paired difference says, in words a reader of the table can act on. */
export type Verdict = 'B higher' | 'B lower' | 'not significant' | 'identical' | 'no CI';

export interface PairedDifference extends MeanCi {
  verdict: Verdict;
}

/**
 * The mean of b[i] − a[i] over seeds with its t interval. Pairing by seed removes the variation
 * both designs share (same arrivals, same service draws), so the interval is far narrower than
 * one from two independent samples. The difference is significant when the interval excludes 0.
 */
export function pairedDifference(a: readonly number[], b: readonly number[]): PairedDifference {
  if (a.length !== b.length) throw new RangeError('pairedDifference: a and b differ in length');
  const d = a.map((x, i) => b[i] - x);
  const ci = meanCi(d);
  return { ...ci, verdict: verdictOf(d, ci) };
}

function verdictOf(d: readonly number[], ci: MeanCi): Verdict {
  if (d.length > 0 && d.every((x) => x === 0)) return 'identical';
  if (ci.ciLow === null || ci.ciHigh === null) return 'no CI';
  if (ci.ciLow <= 0 && ci.ciHigh >= 0) return 'not significant';
  return ci.ciLow > 0 ? 'B higher' : 'B lower';
}
