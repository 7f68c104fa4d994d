// `brokerlab compare`: two scenarios on the same seeds (common random numbers), the key
// metrics side by side with the paired difference and its interval; JSON or an HTML report.

import { writeFileSync } from 'node:fs';
import { BudgetExceededError, checkEventBudget, runnableProblems } from '../../sim-core/index';
import { compareHtml } from '../harness/compare-html';
import { compareJson, compareTable } from '../harness/compare-output';
import { compareJobs, compareResults } from '../harness/compare-results';
import type { CompareSide } from '../harness/compare-results';
import { seedList } from '../harness/grid';
import { RunError, UsageError } from './errors';
import { loadScenario } from './load';
import {
  EXIT_INTERRUPTED,
  outKind,
  jobBudgets,
  parsePoolSettings,
  parseSeeds,
  runJobs,
} from './run-jobs';
import { checkWritable } from './writable';
import type { HarnessOptions } from './run-jobs';

export interface CompareCommand extends HarnessOptions {
  files: string[];
  format: 'table' | 'json';
}

function side(label: 'A' | 'B', file: string, duration: string | undefined): CompareSide {
  const scenario = loadScenario(file, { duration });
  const problems = runnableProblems(scenario);
  if (problems.length > 0)
    throw new UsageError(problems.map((x) => `${file}: ${x.path}: ${x.message}`));
  try {
    checkEventBudget(scenario);
  } catch (e) {
    if (e instanceof BudgetExceededError)
      throw new RunError(`${file}: its runs would stop: ${e.message}`);
    throw e;
  }
  return { label, name: scenario.name, file, scenario };
}

export async function compareCommand(cmd: CompareCommand): Promise<number> {
  if (cmd.files.length !== 2)
    throw new UsageError([
      `arguments: compare takes exactly two scenario files (got ${cmd.files.length})`,
    ]);
  const kind = cmd.out === undefined ? undefined : outKind(cmd.out, ['json', 'html'] as const);
  const settings = parsePoolSettings(cmd.workers, cmd.workerMemory);
  const count = parseSeeds(cmd.seeds);
  const a = side('A', cmd.files[0], cmd.duration);
  const b = side('B', cmd.files[1], cmd.duration);
  checkWritable('--out', cmd.out);
  const seeds = seedList(cmd.seed ?? a.scenario.seed, count);
  if (cmd.seed === undefined && b.scenario.seed !== a.scenario.seed)
    process.stderr.write(
      `seeds start at A's seed ${a.scenario.seed} (B's own seed ${b.scenario.seed} is not used; --seed sets it)\n`,
    );

  const { outcomes, interrupted } = await runJobs(
    compareJobs(a, b, seeds, jobBudgets(cmd.maxWall, settings)),
    settings,
    'compare',
  );
  const results = compareResults(a, b, seeds, outcomes, !interrupted);
  if (cmd.out !== undefined) {
    writeFileSync(cmd.out, kind === 'html' ? compareHtml(results) : compareJson(results));
    process.stderr.write(`wrote the comparison to ${cmd.out}\n`);
    process.stdout.write(compareTable(results));
  } else process.stdout.write(cmd.format === 'json' ? compareJson(results) : compareTable(results));
  const failed = results.runs.filter((r) => r.status === 'failed');
  for (const f of failed) process.stderr.write(`run failed: ${f.error}\n`);
  if (interrupted) return EXIT_INTERRUPTED;
  return failed.length > 0 ? 1 : 0;
}
