// A sweep's results: one row per run in plan order (finished runs only, when interrupted) and a
// summary per point — mean and 95% interval across the seeds that finished — for every metric.

import { METRICS } from './metrics';
import type { MetricValues } from './metrics';
import type { RunOutcome } from './run-job';
import { meanCi } from './stats';
import type { MeanCi } from './stats';
import { describePoint } from './sweep-plan';
import type { SweepPlan } from './sweep-plan';
import type { ParamValue } from './vary';

export interface RunRow {
  point: number;
  values: ParamValue[];
  seed: number;
  status: 'ok' | 'failed';
  /** Names the scenario, the point and the seed, so a failure can be reproduced from it alone. */
  error: string | null;
  metrics: MetricValues | null;
  traceHash: string | null;
}

export interface PointSummary {
  point: number;
  values: ParamValue[];
  /** Runs that finished with metrics, and runs that failed (interrupted runs are neither). */
  ok: number;
  failed: number;
  metrics: Record<string, MeanCi>;
}

export interface SweepResults {
  plan: SweepPlan;
  rows: RunRow[];
  summary: PointSummary[];
  /** false when the sweep was interrupted: rows hold only the runs that finished. */
  complete: boolean;
}

/** A failed outcome, or a run that broke conservation (an engine bug), as a row's error. */
export function runError(outcome: RunOutcome): string | null {
  if (!outcome.ok) return outcome.error;
  if (!outcome.conservation)
    return 'the conservation check failed: this is a bug in Brokerlab; please report the scenario and seed';
  return null;
}

export function sweepResults(
  plan: SweepPlan,
  outcomes: ReadonlyArray<RunOutcome | undefined>,
  complete: boolean,
): SweepResults {
  const k = plan.seeds.length;
  const rows: RunRow[] = [];
  const summary: PointSummary[] = [];
  for (const p of plan.points) {
    const finished: RunRow[] = [];
    plan.seeds.forEach((seed, s) => {
      const outcome = outcomes[p.index * k + s];
      if (!outcome) return;
      const error = runError(outcome);
      finished.push({
        point: p.index,
        values: p.values,
        seed,
        status: error === null ? 'ok' : 'failed',
        error:
          error === null
            ? null
            : `${plan.scenarioName} (${describePoint(plan.axes, p.values)}) seed ${seed}: ${error}`,
        metrics: outcome.ok ? outcome.metrics : null,
        traceHash: outcome.ok ? outcome.traceHash : null,
      });
    });
    rows.push(...finished);
    const good = finished.filter((r) => r.status === 'ok');
    const metrics: Record<string, MeanCi> = {};
    for (const d of METRICS) metrics[d.key] = meanCi(good.map((r) => r.metrics![d.key]));
    summary.push({
      point: p.index,
      values: p.values,
      ok: good.length,
      failed: finished.length - good.length,
      metrics,
    });
  }
  return { plan, rows, summary, complete };
}
