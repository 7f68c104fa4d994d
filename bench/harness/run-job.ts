// What a worker does for one run: simulate (scenario, seed) and keep only what the sweep needs
// (key metrics, hash, optionally latency quantiles), so results stay small and memory stays flat.

import { BudgetExceededError, Simulation } from '../../sim-core/index';
import type { Scenario } from '../../sim-core/index';
import { readMetrics } from './metrics';
import type { MetricValues } from './metrics';
import { latencyQuantilesMs } from './latency-cdf';
import { ResourceBudgetError, advanceToEnd } from './run-budgets';
import type { RunBudgets } from './run-budgets';

export interface RunJob {
  /** Position of the run in the plan; results are put back in this order. */
  index: number;
  scenario: Scenario;
  seed: number;
  /** Also return the end-to-end latency quantiles (compare draws CDFs from them). */
  withLatencyQuantiles: boolean;
  /** Wall-clock and memory budgets of this run. */
  budgets: RunBudgets;
}

export type RunOutcome =
  | {
      index: number;
      ok: true;
      metrics: MetricValues;
      traceHash: string;
      /** false would be a bug in the engine: a copy unaccounted for. */
      conservation: boolean;
      latencyQuantilesMs: number[] | null;
    }
  | { index: number; ok: false; error: string };

/** Runs one job; an exception from the engine becomes a failed outcome, not a crash. */
export function runJob(job: RunJob): RunOutcome {
  try {
    const sim = new Simulation(job.scenario, { seed: job.seed });
    const wallMs = advanceToEnd(sim, job.budgets);
    const report = sim.report(wallMs);
    return {
      index: job.index,
      ok: true,
      metrics: readMetrics(report),
      traceHash: report.traceHash,
      conservation: report.checks.conservation,
      latencyQuantilesMs: job.withLatencyQuantiles
        ? latencyQuantilesMs(sim.collector.endToEnd)
        : null,
    };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const budget = e instanceof BudgetExceededError || e instanceof ResourceBudgetError;
    const error = budget ? `run stopped: ${message}` : message;
    return { index: job.index, ok: false, error };
  }
}
