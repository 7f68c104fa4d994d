// Calibration against a live broker, the pure part: what the live runs measured becomes the
// scenario's service and hop distributions, and the simulator's metrics are set beside the
// broker's (median and range of each side, relative error, whether each anomaly has the same
// sign), with the acceptance bands `calibrate` reports on.

import type { Report } from '../../sim-core/index';
import { METRICS } from './metrics';
import type { MetricDef } from './metrics';

/** How many quantiles of a measured distribution the scenario gets: its shape up to p99.9. */
export const EMPIRICAL_POINTS = 1000;

/** Medians within 15%, p99s within 25%: the bands the issue set from hand-run experiments. */
export const MEDIAN_BAND = 0.15;
export const TAIL_BAND = 0.25;

/** Counts whose sign matters more than their size: an anomaly either happens or it does not. */
export const ANOMALIES: ReadonlySet<string> = new Set([
  'duplicatesProcessed',
  'lost',
  'deadLettered',
  'orderViolations',
  'redelivered',
  'expired',
  'dropped',
]);

/** Latency metrics checked against a band, and which band. */
const BANDS: Record<string, number> = {
  latencyP50Ms: MEDIAN_BAND,
  latencyP99Ms: TAIL_BAND,
};

/**
 * `n` quantiles of `values` at the mid-points (i + ½)/n, as an `empirical` distribution's
 * values: drawing one uniformly reproduces the distribution, to within 1/n in probability.
 */
export function quantilePoints(values: readonly number[], n = EMPIRICAL_POINTS): number[] {
  if (values.length === 0) return [];
  const sorted = Float64Array.from(values).sort();
  if (sorted.length <= n) return Array.from(sorted, round3);
  return Array.from({ length: n }, (_, i) =>
    round3(sorted[Math.min(sorted.length - 1, Math.floor(((i + 0.5) / n) * sorted.length))]),
  );
}

/** µs precision is all the engine keeps; three decimals keep the JSON short. */
const round3 = (x: number) => Math.round(Math.max(0, x) * 1000) / 1000;

export interface SideStats {
  median: number;
  min: number;
  max: number;
  values: number[];
}

export interface MetricComparison {
  key: string;
  label: string;
  unit: MetricDef['unit'];
  real: SideStats;
  sim: SideStats;
  /** (sim − real) / real of the medians; null when the broker's median is 0. */
  relError: number | null;
  /** For anomalies: both sides happened (> 0) or both did not. */
  sameSign: boolean | null;
  /** For banded latencies: the band and whether the relative error is inside it. */
  band: number | null;
  withinBand: boolean | null;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function stats(values: number[]): SideStats {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), values };
}

/** Every metric of `METRICS`, the broker's runs beside the simulator's. */
export function compareMetrics(
  real: ReadonlyArray<Pick<Report, 'latency' | 'throughput' | 'totals' | 'channels'>>,
  sim: readonly Report[],
): MetricComparison[] {
  return METRICS.map((d) => {
    const r = stats(real.map((x) => d.read(x as Report)));
    const s = stats(sim.map(d.read));
    const relError =
      r.median === 0 ? (s.median === 0 ? 0 : null) : (s.median - r.median) / r.median;
    const anomaly = ANOMALIES.has(d.key);
    const band = BANDS[d.key] ?? null;
    return {
      key: d.key,
      label: d.label,
      unit: d.unit,
      real: r,
      sim: s,
      relError,
      sameSign: anomaly ? r.median > 0 === s.median > 0 : null,
      band,
      withinBand: band === null ? null : relError !== null && Math.abs(relError) <= band,
    };
  });
}

/** The calibration's verdict: every banded latency inside its band, every anomaly of one sign. */
export function agrees(rows: readonly MetricComparison[]): boolean {
  return rows.every((r) => r.withinBand !== false && r.sameSign !== false);
}

/** Why a calibration with overloaded live runs compares the machine, not the broker. */
export function overloadNote(seeds: readonly number[]): string {
  const runs = seeds.length > 1 ? 'runs' : 'run';
  return `Not a valid comparison: the client machine was overloaded during the live ${runs} with seed ${seeds.join(', ')}, so what was measured there includes its queueing. Run it again on a quiet machine.`;
}
