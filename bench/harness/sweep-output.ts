// A sweep's results as files and text: JSON (kind "brokerlab-sweep", for scripts and the lab),
// CSV of runs (one row per run) and of the summary, and the stdout table for people. None of
// them holds wall-clock time, so their bytes are the same whatever the worker count.

import { columns, sig3 } from '../cli/format';
import { csvLine } from './csv';
import { HEADLINE_METRICS, METRICS } from './metrics';
import { CONFIDENCE } from './stats';
import type { MeanCi } from './stats';
import type { SweepResults } from './sweep-results';
import type { Axis, ParamValue } from './vary';

export const SWEEP_KIND = 'brokerlab-sweep';

const byPath = (axes: readonly Axis[], values: readonly ParamValue[]) =>
  Object.fromEntries(axes.map((a, i) => [a.path.text, values[i]]));

export function sweepJson(r: SweepResults): string {
  const { plan } = r;
  const doc = {
    kind: SWEEP_KIND,
    version: 1,
    scenario: { name: plan.scenarioName, file: plan.file },
    vary: plan.axes.map((a) => ({ path: a.path.text, values: a.values })),
    seeds: plan.seeds,
    confidence: CONFIDENCE,
    complete: r.complete,
    metrics: METRICS.map((d) => ({ key: d.key, label: d.label, unit: d.unit })),
    runs: r.rows.map((row) => ({
      point: row.point,
      values: byPath(plan.axes, row.values),
      seed: row.seed,
      status: row.status,
      error: row.error,
      metrics: row.metrics,
      traceHash: row.traceHash,
    })),
    summary: r.summary.map((s) => ({
      point: s.point,
      values: byPath(plan.axes, s.values),
      ok: s.ok,
      failed: s.failed,
      metrics: s.metrics,
    })),
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

/** One row per run: point, the varied values (one column per PATH), seed, status, metrics. */
export function sweepRunsCsv(r: SweepResults): string {
  const paths = r.plan.axes.map((a) => a.path.text);
  let out = csvLine([
    'point',
    ...paths,
    'seed',
    'status',
    'error',
    ...METRICS.map((d) => d.key),
    'traceHash',
  ]);
  for (const row of r.rows) {
    out += csvLine([
      row.point,
      ...row.values,
      row.seed,
      row.status,
      row.error,
      ...METRICS.map((d) => row.metrics?.[d.key]),
      row.traceHash,
    ]);
  }
  return out;
}

/** One row per point: the varied values, run counts, and mean, sd and CI bounds per metric. */
export function sweepSummaryCsv(r: SweepResults): string {
  const paths = r.plan.axes.map((a) => a.path.text);
  const stats = ['mean', 'sd', 'ciLow', 'ciHigh'] as const;
  let out = csvLine([
    'point',
    ...paths,
    'ok',
    'failed',
    ...METRICS.flatMap((d) => stats.map((s) => `${d.key}.${s}`)),
  ]);
  for (const s of r.summary) {
    out += csvLine([
      s.point,
      ...s.values,
      s.ok,
      s.failed,
      ...METRICS.flatMap((d) => stats.map((k) => s.metrics[d.key][k])),
    ]);
  }
  return out;
}

/** `12.3 ± 0.45`, or just the mean when there is no interval. */
export function meanWithCi(m: MeanCi): string {
  if (m.mean === null) return '—';
  // A zero-width interval means every seed gave the same value: the mean says it all.
  if (m.halfWidth === null || m.halfWidth === 0) return sig3(m.mean);
  return `${sig3(m.mean)} ± ${sig3(m.halfWidth)}`;
}

export function seedRange(seeds: readonly number[]): string {
  if (seeds.length === 1) return `seed ${seeds[0]}`;
  return `seeds ${seeds[0]}–${seeds[seeds.length - 1]} (${seeds.length})`;
}

export function sweepTable(r: SweepResults): string {
  const { plan } = r;
  const failed = r.rows.filter((x) => x.status === 'failed').length;
  const lines = [
    `Sweep of ${plan.scenarioName} (${plan.file}): ${plan.points.length} point${plan.points.length > 1 ? 's' : ''} × ${seedRange(plan.seeds)}; ${r.rows.length} runs finished, ${failed} failed${r.complete ? '' : ' (interrupted)'}`,
    plan.seeds.length > 1
      ? `Each cell: mean across seeds ± half-width of its ${CONFIDENCE * 100}% confidence interval (Student t).`
      : 'One seed: means only, no confidence interval (use --seeds 2 or more).',
    '',
    columns([
      [...plan.axes.map((a) => a.path.text), 'runs', ...HEADLINE_METRICS.map((d) => d.short)],
      ...r.summary.map((s) => [
        ...s.values.map((v) => String(v)),
        s.failed > 0 ? `${s.ok} (+${s.failed} failed)` : String(s.ok),
        ...HEADLINE_METRICS.map((d) => meanWithCi(s.metrics[d.key])),
      ]),
    ]),
  ];
  return lines.join('\n') + '\n';
}
