// `brokerlab sweep`: runs a scenario over a grid of parameter values × K seeds on worker
// threads, then prints a summary table and writes CSV, JSON or an HTML report.

import { writeFileSync } from 'node:fs';
import { listPaths } from '../harness/paths';
import { ScenarioSchema } from '../harness/scenario-schema';
import { sweepHtml } from '../harness/sweep-html';
import { sweepJson, sweepRunsCsv, sweepSummaryCsv, sweepTable } from '../harness/sweep-output';
import { planSweep, sweepJobs } from '../harness/sweep-plan';
import { sweepResults } from '../harness/sweep-results';
import type { SweepResults } from '../harness/sweep-results';
import { parseAxes } from '../harness/vary';
import { UsageError } from './errors';
import { readScenarioValue, withOverrides } from './load';
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

export interface SweepCommand extends HarnessOptions {
  file: string;
  vary: string[];
  summary?: string;
  format: 'table' | 'csv' | 'json';
  listPaths: boolean;
}

const OUT_KINDS = ['csv', 'json', 'html'] as const;

function render(r: SweepResults, kind: 'table' | (typeof OUT_KINDS)[number]): string {
  if (kind === 'json') return sweepJson(r);
  if (kind === 'csv') return sweepRunsCsv(r);
  if (kind === 'html') return sweepHtml(r);
  return sweepTable(r);
}

/** `--list-paths`: every PATH of the scenario with its value, or the default it takes. */
function printPaths(schema: ScenarioSchema, raw: unknown): number {
  const lines = listPaths(schema, raw).map((e) => {
    const shown =
      e.value !== undefined
        ? JSON.stringify(e.value)
        : e.fallback !== undefined
          ? `(default ${JSON.stringify(e.fallback)})`
          : '(not set)';
    return `${e.path} = ${shown}\n`;
  });
  process.stdout.write(lines.join(''));
  return 0;
}

export async function sweepCommand(cmd: SweepCommand): Promise<number> {
  const raw = withOverrides(readScenarioValue(cmd.file), { duration: cmd.duration });
  const schema = new ScenarioSchema();
  if (cmd.listPaths) return printPaths(schema, raw);
  if (cmd.vary.length === 0)
    throw new UsageError([
      '--vary: give at least one PATH=v1,v2,... (e.g. --vary consumers.workers.prefetch=1,10,100); --list-paths shows them all',
    ]);
  const kind = cmd.out === undefined ? undefined : outKind(cmd.out, OUT_KINDS);
  if (cmd.summary !== undefined) outKind(cmd.summary, ['csv'] as const);
  const settings = parsePoolSettings(cmd.workers, cmd.workerMemory);
  const plan = planSweep({
    file: cmd.file,
    raw,
    axes: parseAxes(schema, raw, cmd.vary),
    seeds: parseSeeds(cmd.seeds),
    seed: cmd.seed,
  });
  checkWritable('--out', cmd.out);
  checkWritable('--summary', cmd.summary);

  const { outcomes, interrupted } = await runJobs(
    sweepJobs(plan, jobBudgets(cmd.maxWall, settings)),
    settings,
    'sweep',
  );
  const results = sweepResults(plan, outcomes, !interrupted);
  if (cmd.out !== undefined && kind !== undefined) {
    writeFileSync(cmd.out, render(results, kind));
    process.stderr.write(`wrote ${results.rows.length} runs to ${cmd.out}\n`);
    process.stdout.write(sweepTable(results));
  } else process.stdout.write(render(results, cmd.format));
  if (cmd.summary !== undefined) {
    writeFileSync(cmd.summary, sweepSummaryCsv(results));
    process.stderr.write(`wrote the summary per point to ${cmd.summary}\n`);
  }
  const failed = results.rows.filter((r) => r.status === 'failed');
  for (const f of failed) process.stderr.write(`run failed: ${f.error}\n`);
  if (interrupted) return EXIT_INTERRUPTED;
  return failed.length > 0 ? 1 : 0;
}
