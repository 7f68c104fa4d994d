// A compare's results: both scenarios on the same seeds (common random numbers), each metric's
// mean per side and the paired difference B − A with its interval, and the latency CDFs.

import type { Scenario } from '../../sim-core/index';
import { DEFAULT_BUDGETS } from './run-budgets';
import type { RunBudgets } from './run-budgets';
import { averageQuantiles, cdfPoints } from './latency-cdf';
import { METRICS } from './metrics';
import type { MetricDef, MetricValues } from './metrics';
import type { RunJob, RunOutcome } from './run-job';
import { meanCi, pairedDifference } from './stats';
import type { MeanCi, PairedDifference } from './stats';
import { runError } from './sweep-results';

export interface CompareSide {
  label: 'A' | 'B';
  name: string;
  file: string;
  scenario: Scenario;
}

export interface CompareRun {
  side: 'A' | 'B';
  seed: number;
  status: 'ok' | 'failed';
  error: string | null;
  metrics: MetricValues | null;
  traceHash: string | null;
  latencyQuantilesMs: number[] | null;
}

export interface MetricComparison {
  def: MetricDef;
  a: MeanCi;
  b: MeanCi;
  difference: PairedDifference;
}

export interface SideCdf {
  /** Quantile average across the paired seeds; null if no run recorded a latency. */
  mean: Array<[number, number]> | null;
  perSeed: Array<{ seed: number; points: Array<[number, number]> }>;
}

export interface CompareResults {
  a: CompareSide;
  b: CompareSide;
  seeds: number[];
  /** Seeds where both runs finished: the only ones the comparison uses. */
  pairedSeeds: number[];
  runs: CompareRun[];
  comparison: MetricComparison[];
  cdf: { a: SideCdf; b: SideCdf };
  /** Producer ids both scenarios share: those producers draw the same arrivals on both sides. */
  sharedProducers: string[];
  complete: boolean;
}

/** Jobs for both sides on the same seeds: all of A's, then all of B's. */
export function compareJobs(
  a: CompareSide,
  b: CompareSide,
  seeds: readonly number[],
  budgets: RunBudgets = DEFAULT_BUDGETS,
): RunJob[] {
  return [a, b].flatMap((side, s) =>
    seeds.map((seed, i) => ({
      index: s * seeds.length + i,
      scenario: side.scenario,
      seed,
      withLatencyQuantiles: true,
      budgets,
    })),
  );
}

function toRun(side: CompareSide, seed: number, outcome: RunOutcome): CompareRun {
  const error = runError(outcome);
  return {
    side: side.label,
    seed,
    status: error === null ? 'ok' : 'failed',
    error: error === null ? null : `${side.name} (${side.file}) seed ${seed}: ${error}`,
    metrics: outcome.ok ? outcome.metrics : null,
    traceHash: outcome.ok ? outcome.traceHash : null,
    latencyQuantilesMs: outcome.ok ? outcome.latencyQuantilesMs : null,
  };
}

/** Runs' latency CDFs: each run's, and their quantile average. */
export function sideCdf(
  runs: ReadonlyArray<{ seed: number; latencyQuantilesMs: number[] | null }>,
): SideCdf {
  const withLatency = runs.filter((r) => r.latencyQuantilesMs !== null);
  const mean = averageQuantiles(withLatency.map((r) => r.latencyQuantilesMs!));
  return {
    mean: mean && cdfPoints(mean),
    perSeed: withLatency.map((r) => ({ seed: r.seed, points: cdfPoints(r.latencyQuantilesMs!) })),
  };
}

export function compareResults(
  a: CompareSide,
  b: CompareSide,
  seeds: readonly number[],
  outcomes: ReadonlyArray<RunOutcome | undefined>,
  complete: boolean,
): CompareResults {
  const k = seeds.length;
  const runs: CompareRun[] = [];
  [a, b].forEach((side, s) =>
    seeds.forEach((seed, i) => {
      const outcome = outcomes[s * k + i];
      if (outcome) runs.push(toRun(side, seed, outcome));
    }),
  );
  const ok = (side: 'A' | 'B', seed: number) =>
    runs.find((r) => r.side === side && r.seed === seed && r.status === 'ok');
  const pairedSeeds = seeds.filter((seed) => ok('A', seed) && ok('B', seed));
  const pairedA = pairedSeeds.map((seed) => ok('A', seed)!);
  const pairedB = pairedSeeds.map((seed) => ok('B', seed)!);
  const comparison = METRICS.map((def) => {
    const xa = pairedA.map((r) => r.metrics![def.key]);
    const xb = pairedB.map((r) => r.metrics![def.key]);
    return { def, a: meanCi(xa), b: meanCi(xb), difference: pairedDifference(xa, xb) };
  });
  const producerIds = new Set(b.scenario.producers.map((p) => p.id));
  return {
    a,
    b,
    seeds: [...seeds],
    pairedSeeds,
    runs,
    comparison,
    cdf: { a: sideCdf(pairedA), b: sideCdf(pairedB) },
    sharedProducers: a.scenario.producers.map((p) => p.id).filter((id) => producerIds.has(id)),
    complete,
  };
}
