// Log-linear latency histogram over non-negative integer microseconds (HdrHistogram-style).
// Invariants: fixed bucket layout and storage (no allocation on record); every quantile is within
// 0.4% (< 1%) relative error of the exact nearest-rank value; count, sum, min and max are exact.

/** Sub-buckets per power of two above the exact range: 2^SUB_BITS = 128. */
const SUB_BITS = 7;
const SUB_COUNT = 1 << SUB_BITS;
/** Values below 2 · SUB_COUNT = 256 µs each have a bucket of their own (width 1, exact). */
const EXACT_LIMIT = 2 * SUB_COUNT;
const TWO_POW_32 = 4294967296;
/** The largest recordable value: Number.MAX_SAFE_INTEGER µs (≈ 285 years), so sums stay exact. */
export const MAX_RECORDABLE_US = Number.MAX_SAFE_INTEGER;
/** Bucket count: the highest value 2^53 − 1 has shift 52 − SUB_BITS = 45 and top bits 255. */
const BUCKET_COUNT = (53 - SUB_BITS) * SUB_COUNT + EXACT_LIMIT - SUB_COUNT;

/** 2^i and 2^−i for i = 0..63, built by exact doubling and halving (no Math.pow). */
const POW2 = new Float64Array(64);
const INV_POW2 = new Float64Array(64);
POW2[0] = 1;
INV_POW2[0] = 1;
for (let i = 1; i < 64; i++) {
  POW2[i] = POW2[i - 1] * 2;
  INV_POW2[i] = INV_POW2[i - 1] / 2;
}

/*
 * Layout. A value v ≥ 256 with highest set bit e (2^e ≤ v < 2^(e+1)) has shift s = e − 7 and
 * top = floor(v / 2^s) ∈ [128, 256); its bucket is s·128 + top and holds the integers
 * [top·2^s, top·2^s + 2^s − 1]. Values below 256 use bucket v, which is the same formula with s = 0,
 * so the layout is one monotone sequence of disjoint value ranges.
 *
 * Error bound. The nearest-rank value x is the r-th smallest recorded value; buckets are ordered and
 * disjoint, so x lies in the first bucket whose cumulative count reaches r. For s = 0 that bucket
 * holds x alone. Otherwise it spans w = 2^s integers from lo = top·2^s ≥ 2^(s+7), and its midpoint
 * m = lo + (w − 1)/2 satisfies |m − x| ≤ (w − 1)/2 < 2^(s−1) ≤ x · 2^−8, i.e. a relative error
 * below 1/256 ≈ 0.39%. Clamping m into [min, max] can only move it towards x (min ≤ x ≤ max).
 */

/** The bucket of a valid value (integer in [0, MAX_RECORDABLE_US]); exported for tests. */
export function bucketIndex(us: number): number {
  if (us < EXACT_LIMIT) return us;
  if (us < TWO_POW_32) {
    const s = 24 - Math.clz32(us); // e − 7 where e = 31 − clz32
    return (s << SUB_BITS) + (us >>> s);
  }
  // Above 32 bits: the highest bit comes from the high word. Scaling by 2^−k is exact, and
  // faster than dividing.
  const s = 56 - Math.clz32(Math.floor(us * INV_POW2[32])); // e − 7 where e = 63 − clz32(high)
  return (s << SUB_BITS) + Math.floor(us * INV_POW2[s]);
}

/** The integer midpoint of bucket `index`'s value range (exact for buckets of width 1). */
function bucketMidpoint(index: number): number {
  const s = Math.max(0, (index >> SUB_BITS) - 1);
  const top = index - (s << SUB_BITS);
  return top * POW2[s] + (POW2[s] - 1) / 2;
}

/** The smallest value in bucket `index`. */
function bucketLowest(index: number): number {
  const s = Math.max(0, (index >> SUB_BITS) - 1);
  return (index - (s << SUB_BITS)) * POW2[s];
}

/**
 * Nearest rank of quantile q among n values: ceil(q·n) clamped to [1, n]. A product within
 * 2^−40 (relative) of an integer counts as that integer, so 0.07 · 100 = 7.000000000000001 is 7.
 */
export function nearestRank(q: number, n: number): number {
  const r = q * n;
  const k = Math.round(r);
  const rank = Math.abs(r - k) <= r * 9.094947017729282e-13 ? k : Math.ceil(r);
  return Math.min(n, Math.max(1, rank));
}

/** The report's latency object: milliseconds, all 0 when nothing was recorded. */
export interface LatencySummaryMs {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

function invalidValue(us: number): RangeError {
  return new RangeError(
    `latency histogram: ${us} is not an integer number of µs in [0, ${MAX_RECORDABLE_US}]`,
  );
}

/**
 * A latency histogram in µs with 128 log-linear sub-buckets per power of two above 256 µs and exact
 * buckets below. Quantiles are within 0.4% relative error of the exact nearest-rank value.
 */
export class LatencyHistogram {
  /** Counts per bucket; promoted to 64-bit floats if a bucket ever passes 2^32 − 1. */
  private counts: Uint32Array | Float64Array = new Uint32Array(BUCKET_COUNT);
  private n = 0;
  private total = 0;
  /**
   * Exact extremes since the last markWindow (of everything if never marked), and before it:
   * record keeps only the first pair, so a LatencyWindow's min and max cost it nothing.
   */
  private lowest = Infinity;
  private highest = -Infinity;
  private lowestBefore = Infinity;
  private highestBefore = -Infinity;

  /**
   * Records one latency: an integer number of µs in [0, MAX_RECORDABLE_US]; else RangeError.
   * Returns its bucket, for a LatencyWindow over this histogram to note.
   */
  record(us: number): number {
    if (!(us >= 0 && us <= MAX_RECORDABLE_US && Math.floor(us) === us)) throw invalidValue(us);
    const b = bucketIndex(us);
    // A Uint32Array cell wraps to 0 past 2^32 − 1 (the stored value, read back, tells): then
    // promote to doubles, once, in a run of over four billion values.
    const c = this.counts;
    c[b]++;
    if (c[b] === 0) this.promote(b);
    this.n++;
    this.total += us;
    if (us < this.lowest) this.lowest = us;
    if (us > this.highest) this.highest = us;
    return b;
  }

  private promote(bucket: number): void {
    const wide = Float64Array.from(this.counts);
    wide[bucket] = 4294967296;
    this.counts = wide;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.n;
  }

  /** Exact sum of the recorded values in µs (exact while below 2^53). */
  get sum(): number {
    return this.total;
  }

  /** Smallest recorded value in µs, or 0 when empty. */
  get min(): number {
    return this.n === 0 ? 0 : Math.min(this.lowest, this.lowestBefore);
  }

  /** Largest recorded value in µs, or 0 when empty. */
  get max(): number {
    return this.n === 0 ? 0 : Math.max(this.highest, this.highestBefore);
  }

  /** Mean in µs, or 0 when empty. */
  mean(): number {
    return this.n === 0 ? 0 : this.total / this.n;
  }

  /**
   * The nearest-rank q-quantile in µs (q ∈ [0, 1]; the smallest x with count(≤ x) ≥ ceil(q·n)),
   * reported as its bucket's midpoint clamped to [min, max]; within 0.4% of the exact value.
   * Ranks 1 and n (e.g. q = 0 and q = 1) give the exact min and max; an empty histogram gives 0.
   */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
    if (this.n === 0) return 0;
    const rank = nearestRank(q, this.n);
    if (rank === 1) return this.min; // the extremes are known exactly
    if (rank === this.n) return this.max;
    let cumulative = 0;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      cumulative += this.counts[i];
      if (cumulative >= rank) return this.clamp(bucketMidpoint(i));
    }
    return this.max; // unreachable: the counts add up to n
  }

  /** Adds every value recorded in `other` to this histogram (as if recorded here too). */
  merge(other: LatencyHistogram): void {
    if (other.n === 0) return;
    const wide = other.counts instanceof Float64Array || this.n + other.n >= 4294967295;
    if (wide && this.counts instanceof Uint32Array) this.counts = Float64Array.from(this.counts); // a sum could pass 2^32 − 1 in one bucket
    const mine = this.counts;
    const theirs = other.counts;
    for (let i = 0; i < BUCKET_COUNT; i++) mine[i] += theirs[i];
    this.n += other.n;
    this.total += other.total;
    this.lowest = Math.min(this.lowest, other.min);
    this.highest = Math.max(this.highest, other.max);
  }

  /** Makes this an exact copy of `other`. */
  copyFrom(other: LatencyHistogram): void {
    if (other.counts instanceof Float64Array && this.counts instanceof Uint32Array)
      this.counts = new Float64Array(BUCKET_COUNT);
    this.counts.set(other.counts);
    this.n = other.n;
    this.total = other.total;
    this.lowest = other.lowest;
    this.highest = other.highest;
    this.lowestBefore = other.lowestBefore;
    this.highestBefore = other.highestBefore;
  }

  /**
   * Makes this the values recorded in `later` since it looked like `earlier` (a copy taken
   * before): what happened in a window, from two snapshots of a running histogram. Exact min and
   * max of the window are not known, so they become the window's extreme buckets' bounds, and
   * quantiles at the extremes are within one bucket (< 0.8%) instead of exact.
   */
  setToDifference(later: LatencyHistogram, earlier: LatencyHistogram): void {
    if (later.counts instanceof Float64Array && this.counts instanceof Uint32Array)
      this.counts = new Float64Array(BUCKET_COUNT);
    const c = this.counts;
    let first = -1;
    let last = -1;
    for (let i = 0; i < BUCKET_COUNT; i++) {
      const d = later.counts[i] - earlier.counts[i];
      c[i] = d;
      if (d > 0) {
        if (first < 0) first = i;
        last = i;
      }
    }
    this.n = later.n - earlier.n;
    this.total = later.total - earlier.total;
    this.lowestBefore = Infinity;
    this.highestBefore = -Infinity;
    if (this.n <= 0 || first < 0) {
      this.n = 0;
      this.total = 0;
      this.lowest = Infinity;
      this.highest = -Infinity;
      return;
    }
    this.lowest = bucketLowest(first);
    this.highest = bucketLowest(last + 1) - 1;
  }

  /** Forgets every recorded value (keeps the storage). */
  reset(): void {
    this.counts.fill(0);
    this.n = 0;
    this.total = 0;
    this.lowest = Infinity;
    this.highest = -Infinity;
    this.lowestBefore = Infinity;
    this.highestBefore = -Infinity;
  }

  /** Exact min of the values recorded since the last markWindow; Infinity when none. */
  get windowLowest(): number {
    return this.lowest;
  }

  /** Exact max of the values recorded since the last markWindow; −Infinity when none. */
  get windowHighest(): number {
    return this.highest;
  }

  /** Starts a new window for windowLowest/windowHighest (min and max still cover every value). */
  markWindow(): void {
    if (this.lowest < this.lowestBefore) this.lowestBefore = this.lowest;
    if (this.highest > this.highestBefore) this.highestBefore = this.highest;
    this.lowest = Infinity;
    this.highest = -Infinity;
  }

  /** The report's latency object in milliseconds (µs / 1000); all fields 0 when empty. */
  summaryMs(): LatencySummaryMs {
    return {
      count: this.n,
      mean: this.mean() / 1000,
      p50: this.quantile(0.5) / 1000,
      p90: this.quantile(0.9) / 1000,
      p99: this.quantile(0.99) / 1000,
      p999: this.quantile(0.999) / 1000,
      max: this.max / 1000,
    };
  }

  /**
   * Up to `points` points [ms, fraction] of the empirical CDF for plotting: for the targets
   * i/points (i = 1..points), the quantile in ms and the fraction of values at or below its bucket.
   * Both coordinates are non-decreasing, repeated buckets are emitted once, and the last point is
   * [max, 1]. Empty histogram → [].
   */
  cdfMs(points: number): Array<[number, number]> {
    if (!(Number.isInteger(points) && points >= 1)) {
      throw new RangeError(`cdfMs: points must be a positive integer, got ${points}`);
    }
    const out: Array<[number, number]> = [];
    let target = 1;
    let rank = nearestRank(target / points, this.n);
    let cumulative = 0;
    for (let i = 0; i < BUCKET_COUNT && target <= points && this.n > 0; i++) {
      if (this.counts[i] === 0) continue;
      cumulative += this.counts[i];
      if (cumulative < rank) continue;
      // The last bucket is reported at the exact max, so the curve ends at [max, 1].
      const us = cumulative === this.n ? this.max : this.clamp(bucketMidpoint(i));
      out.push([us / 1000, cumulative / this.n]);
      while (target <= points && rank <= cumulative) {
        target++;
        rank = nearestRank(target / points, this.n);
      }
    }
    return out;
  }

  private clamp(us: number): number {
    return Math.min(this.max, Math.max(this.min, us));
  }
}

/**
 * What a running histogram recorded since the last mark (a sampling interval): the count is the
 * running count less the count at the mark, min and max are the running histogram's exact window
 * extremes, and the buckets are the window's own counts, noted from the bucket `record` returns
 * (one increment per value: no second record). A quantile scans the buckets of [min, max] only
 * (a few hundred for a window within a few powers of two); it is within 0.4%, as the
 * histogram's own, and exact at the extremes. Taking the quantiles clears those buckets.
 */
export class LatencyWindow {
  /** Counts per bucket of this sampling interval; zero outside its [min, max]. */
  private readonly counts = new Float64Array(BUCKET_COUNT);
  private countAtMark = 0;

  /** `running` must be empty, its values noted here, and marked by this window alone. */
  constructor(private readonly running: LatencyHistogram) {}

  /** A value went into the running histogram's bucket `bucket` (what its record returned). */
  note(bucket: number): void {
    this.counts[bucket]++;
  }

  /** Values recorded since the last mark. */
  get count(): number {
    return this.running.count - this.countAtMark;
  }

  /** The window's nearest-rank q-quantile in µs (as LatencyHistogram.quantile); 0 when empty. */
  quantile(q: number): number {
    if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile: q must be in [0, 1], got ${q}`);
    const n = this.count;
    if (n === 0) return 0;
    const lowest = this.running.windowLowest;
    const highest = this.running.windowHighest;
    const rank = nearestRank(q, n);
    const counts = this.counts;
    let cumulative = 0;
    let i = bucketIndex(lowest);
    for (; cumulative + counts[i] < rank; i++) cumulative += counts[i];
    return windowValue(rank, i, n, lowest, highest);
  }

  /**
   * The window's lowQ- and highQ-quantiles (lowQ ≤ highQ, in µs, as `quantile`) into out[0] and
   * out[1], then starts the next sampling interval (what is recorded from now on): a walk from
   * the window's min to the low quantile, one from its max to the high one, and its buckets
   * cleared at once.
   */
  takeQuantiles(lowQ: number, highQ: number, out: Float64Array): void {
    if (!(lowQ >= 0 && lowQ <= highQ && highQ <= 1))
      throw new RangeError(`takeQuantiles: need 0 ≤ lowQ ≤ highQ ≤ 1, got ${lowQ}, ${highQ}`);
    const n = this.count;
    if (n === 0) {
      out[0] = 0;
      out[1] = 0;
      return;
    }
    const running = this.running;
    const lowest = running.windowLowest;
    const highest = running.windowHighest;
    const rankLow = nearestRank(lowQ, n);
    const rankHigh = nearestRank(highQ, n);
    const counts = this.counts;
    const first = bucketIndex(lowest);
    const last = bucketIndex(highest);
    // The low quantile from below, the high one from above (a tail is a short walk).
    let below = 0;
    let i = first;
    for (; below + counts[i] < rankLow; i++) below += counts[i];
    out[0] = windowValue(rankLow, i, n, lowest, highest);
    let above = 0;
    let j = last;
    for (; above + counts[j] <= n - rankHigh; j--) above += counts[j];
    out[1] = windowValue(rankHigh, j, n, lowest, highest);
    counts.fill(0, first, last + 1);
    this.countAtMark = running.count;
    running.markWindow();
  }
}

/** A window quantile from its rank and bucket: the exact extremes at the ends, else the midpoint. */
function windowValue(rank: number, bucket: number, n: number, lowest: number, highest: number) {
  if (rank === 1) return lowest;
  if (rank === n) return highest;
  return Math.min(highest, Math.max(lowest, bucketMidpoint(bucket)));
}
