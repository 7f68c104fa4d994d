// End-to-end latency distributions for compare: each run's quantiles on one fixed probability
// grid (computed in the worker from the run's histogram), so runs combine point by point.

/**
 * The grid: every percent, then the tail, where designs usually differ. Fixed, so the quantiles
 * of different seeds and scenarios line up and can be averaged at equal probability.
 */
export const CDF_PROBABILITIES: readonly number[] = [
  ...Array.from({ length: 100 }, (_, i) => i / 100),
  0.995,
  0.999,
  0.9995,
  0.9999,
  1,
];

/** Something with the latency histogram's quantile method (µs in, µs out). */
export interface QuantileSource {
  readonly count: number;
  quantile(q: number): number;
}

/** A run's end-to-end latency quantiles in ms on CDF_PROBABILITIES; null when nothing finished. */
export function latencyQuantilesMs(h: QuantileSource): number[] | null {
  if (h.count === 0) return null;
  return CDF_PROBABILITIES.map((p) => h.quantile(p) / 1000);
}

/**
 * The quantile average across seeds (Vincent averaging): at each probability, the mean of the
 * seeds' quantiles. Unlike pooling raw samples it weights seeds equally, and it keeps the shape
 * of the typical run's distribution rather than smearing it.
 */
export function averageQuantiles(perSeed: ReadonlyArray<readonly number[]>): number[] | null {
  if (perSeed.length === 0) return null;
  return CDF_PROBABILITIES.map((_, i) => {
    let sum = 0;
    for (const q of perSeed) sum += q[i];
    return sum / perSeed.length;
  });
}

/** [ms, probability] points of a CDF, ready to draw. */
export function cdfPoints(quantilesMs: readonly number[]): Array<[number, number]> {
  return quantilesMs.map((ms, i) => [ms, CDF_PROBABILITIES[i]]);
}
