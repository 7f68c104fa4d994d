// A sweep's plan, checked before anything runs: every grid point is built from the raw scenario
// and validated (bad values are reported like any scenario error), and the run list is fixed:
// point-major, seed-minor, which is also the order of the output rows.

import { BudgetExceededError, checkEventBudget, runnableProblems } from '../../sim-core/index';
import { DEFAULT_BUDGETS } from './run-budgets';
import type { RunBudgets } from './run-budgets';
import type { Scenario, SetResult } from '../../sim-core/index';
import { applySet, validateScenario } from '../../sim-core/index';
import { UsageError } from '../cli/errors';
import { cartesian, gridSize, seedList } from './grid';
import type { RunJob } from './run-job';
import { describeValue } from './vary';
import type { Axis, ParamValue } from './vary';

/** The most runs one sweep may plan (each is a full simulation; results stay in memory). */
export const MAX_RUNS = 100_000;

export interface SweepPoint {
  index: number;
  values: ParamValue[];
  scenario: Scenario;
}

export interface SweepPlan {
  scenarioName: string;
  file: string;
  axes: Axis[];
  seeds: number[];
  points: SweepPoint[];
}

export interface PlanOptions {
  file: string;
  /** The parsed scenario file, with any --duration override applied. */
  raw: unknown;
  axes: Axis[];
  seeds: number;
  /** First seed; default the scenario's own seed. */
  seed?: number;
}

/** `consumers.workers.prefetch=10, channels.orders.ackTimeout=5s` */
export function describePoint(axes: readonly Axis[], values: readonly ParamValue[]): string {
  return axes.map((a, i) => describeValue(a, values[i])).join(', ');
}

/** `consumers[0].prefetch`: where an axis writes, spelt the way the validator names paths. */
function validatorPath(axis: Axis): string {
  return axis.path.steps
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join('');
}

/**
 * The raw scenario of one grid point: each axis's value written at its PATH by applySet, the
 * same function the lab's "try this" buttons use, so a PATH means the same everywhere.
 */
export function applyAxes(
  raw: unknown,
  axes: readonly Axis[],
  values: readonly ParamValue[],
): SetResult {
  return applySet(raw, Object.fromEntries(axes.map((a, i) => [a.path.text, values[i]])));
}

/**
 * Problems of the grid's points, each reported once. A problem at a field a --vary writes is
 * pinned on that value (`--vary consumers.workers.prefetch=0`); any other (a rule between
 * fields) names the first point where it happens and how many more share it.
 */
class PointProblems {
  private readonly lines = new Map<string, { where: string; more: number }>();

  constructor(
    private readonly axes: readonly Axis[],
    private readonly pointCount: number,
  ) {}

  add(path: string, message: string, values: readonly ParamValue[]): void {
    const i = this.axes.findIndex((a) => {
      const at = validatorPath(a);
      return (
        path === a.path.text ||
        path === at ||
        path.startsWith(`${at}.`) ||
        path.startsWith(`${at}[`)
      );
    });
    const where =
      i >= 0
        ? `--vary ${describeValue(this.axes[i], values[i])}`
        : `with ${describePoint(this.axes, values)}`;
    const key = i >= 0 ? `${path}: ${message} (${where})` : `${path}: ${message}`;
    const seen = this.lines.get(key);
    if (seen) seen.more += i >= 0 ? 0 : 1;
    else this.lines.set(key, { where, more: 0 });
  }

  throwIfAny(): void {
    if (this.lines.size === 0) return;
    throw new UsageError(
      [...this.lines].map(([key, { where, more }]) => {
        if (key.endsWith(`(${where})`)) return key;
        if (more + 1 === this.pointCount && this.pointCount > 1) return `${key} (at every point)`;
        const others = more > 0 ? ` and ${more} more point${more > 1 ? 's' : ''}` : '';
        return `${key} (${where}${others})`;
      }),
    );
  }
}

function checkPoint(
  raw: unknown,
  values: readonly ParamValue[],
  problems: PointProblems,
): Scenario | null {
  const result = validateScenario(raw);
  if (!result.ok) {
    for (const e of result.errors) problems.add(e.path, e.message, values);
    return null;
  }
  const unrunnable = runnableProblems(result.scenario);
  for (const e of unrunnable) problems.add(e.path, e.message, values);
  try {
    checkEventBudget(result.scenario);
  } catch (e) {
    if (!(e instanceof BudgetExceededError)) throw e;
    problems.add('(root)', `this run would stop: ${e.message}`, values);
    return null;
  }
  return unrunnable.length === 0 ? result.scenario : null;
}

export function planSweep(o: PlanOptions): SweepPlan {
  const runs = gridSize(o.axes.map((a) => a.values)) * o.seeds;
  if (runs > MAX_RUNS)
    throw new UsageError([
      `--vary: ${runs.toLocaleString('en-US')} runs (points × seeds) is more than ${MAX_RUNS.toLocaleString('en-US')}; split the sweep`,
    ]);
  const problems = new PointProblems(o.axes, runs / o.seeds);
  const points: SweepPoint[] = [];
  cartesian(o.axes.map((a) => a.values)).forEach((values, index) => {
    const applied = applyAxes(o.raw, o.axes, values);
    if (!applied.ok) {
      for (const e of applied.errors) problems.add(e.path, e.message, values);
      return;
    }
    const scenario = checkPoint(applied.value, values, problems);
    if (scenario) points.push({ index, values, scenario });
  });
  problems.throwIfAny();
  const first = o.seed ?? points[0].scenario.seed;
  return {
    scenarioName: points[0].scenario.name,
    file: o.file,
    axes: o.axes,
    seeds: seedList(first, o.seeds),
    points,
  };
}

/** The run list: point-major, seed-minor; job i is row i of the output. */
export function sweepJobs(plan: SweepPlan, budgets: RunBudgets = DEFAULT_BUDGETS): RunJob[] {
  return plan.points.flatMap((p) =>
    plan.seeds.map((seed, s) => ({
      index: p.index * plan.seeds.length + s,
      scenario: p.scenario,
      seed,
      withLatencyQuantiles: false,
      budgets,
    })),
  );
}
