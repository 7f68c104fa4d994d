// `brokerlab run` and `brokerlab validate`: load, validate, run in slices (for progress), then
// print the report as a table for people or as json/csv for scripts.

import { writeFileSync } from 'node:fs';
import {
  BudgetExceededError,
  NotRunnableError,
  Simulation,
  runNames,
  runnableProblems,
  checkEventBudget,
  reportCsv,
} from '../../sim-core/index';
import type { Report, Scenario } from '../../sim-core/index';
import { loadScenario } from './load';
import type { Overrides } from './load';
import { RunError, UsageError } from './errors';
import { checkWritable } from './writable';
import { Progress } from './progress';
import { TraceWriter } from './trace-writer';
import { reportTable } from './report-table';
import { count } from './format';
import {
  DEFAULT_BUDGETS,
  ResourceBudgetError,
  advanceToEnd,
  simulatedSoFar,
} from '../harness/run-budgets';
import type { RunBudgets } from '../harness/run-budgets';

export type Format = 'table' | 'json' | 'csv';

export interface RunCommand {
  file: string;
  seed?: number;
  format: Format;
  out?: string;
  trace?: string;
  overrides: Overrides;
  /** Wall-clock and memory budgets of the run. */
  budgets: RunBudgets;
  /** --progress: a line every second even when stderr is not a terminal. */
  progress: boolean;
}

/** Runs a validated scenario to the end; budget and runnability problems become CLI errors. */
export function runSimulation(
  scenario: Scenario,
  seed: number | undefined,
  trace?: string,
  progress?: Progress,
  budgets: RunBudgets = DEFAULT_BUDGETS,
  /** Called with the finished simulation, for what the report does not hold (its histograms). */
  inspect?: (sim: Simulation) => void,
): Report {
  let sim: Simulation;
  let writer: TraceWriter | undefined;
  try {
    writer = trace ? new TraceWriter(trace, runNames(scenario)) : undefined;
    sim = new Simulation(scenario, { seed, observers: writer ? [writer] : [] });
    const wallMs = advanceToEnd(sim, budgets, () =>
      progress?.update(() => `${simulatedSoFar(sim)} · ${count(sim.events)} events`),
    );
    progress?.done();
    inspect?.(sim);
    return sim.report(wallMs);
  } catch (e) {
    progress?.done();
    if (e instanceof NotRunnableError)
      throw new UsageError(e.errors.map((x) => `${x.path}: ${x.message}`));
    if (e instanceof BudgetExceededError || e instanceof ResourceBudgetError)
      throw new RunError(`run stopped: ${e.message}`);
    throw e;
  } finally {
    writer?.close();
  }
}

export function formatReport(r: Report, format: Format): string {
  if (format === 'json') return JSON.stringify(r, null, 2) + '\n';
  if (format === 'csv') return reportCsv(r);
  return reportTable(r);
}

export function runCommand(cmd: RunCommand): number {
  const scenario = loadScenario(cmd.file, cmd.overrides);
  checkWritable('--out', cmd.out);
  checkWritable('--trace', cmd.trace);
  const report = runSimulation(
    scenario,
    cmd.seed,
    cmd.trace,
    new Progress(
      cmd.progress ? 'lines' : process.stderr.isTTY === true ? 'terminal' : 'slow-lines',
    ),
    cmd.budgets,
  );
  const text = formatReport(report, cmd.format);
  if (cmd.out) {
    writeFileSync(cmd.out, text);
    process.stderr.write(`wrote the ${cmd.format} report to ${cmd.out}\n`);
  } else process.stdout.write(text);
  if (!report.checks.conservation) {
    process.stderr.write(
      'error: the conservation check failed: this is a bug in Brokerlab; please report the scenario and seed\n',
    );
    return 1;
  }
  return 0;
}

export function validateCommand(file: string): number {
  const s = loadScenario(file);
  // Valid but unrunnable (an option not modelled yet, a run bound to blow its budget) is reported too.
  const problems = runnableProblems(s);
  if (problems.length > 0) throw new UsageError(problems.map((x) => `${x.path}: ${x.message}`));
  try {
    checkEventBudget(s);
  } catch (e) {
    if (e instanceof BudgetExceededError)
      throw new RunError(`the scenario is valid, but its run would stop: ${e.message}`);
    throw e;
  }
  process.stdout.write(
    `${file}: valid (${s.producers.length} producers, ${s.channels.length} channels, ${s.consumers.length} consumers)\n`,
  );
  return 0;
}
