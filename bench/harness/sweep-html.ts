// The sweep's HTML report: each headline metric against each varied parameter, the mean across
// seeds as a line and its 95% interval as a shaded band; one line per combination of the other
// parameters. Then the summary table and any failed runs.

import { parseDuration } from '../../sim-core/index';
import { cartesian } from './grid';
import { figure, htmlPage, htmlTable, escapeHtml, slug } from './html-page';
import { HEADLINE_METRICS, labelWithUnit } from './metrics';
import type { MetricDef } from './metrics';
import { CONFIDENCE } from './stats';
import { svgChart } from './svg-chart';
import type { ChartSeries, ChartSpec } from './svg-chart';
import { meanWithCi, seedRange } from './sweep-output';
import type { SweepResults } from './sweep-results';
import { describeValue } from './vary';
import type { Axis, ParamValue } from './vary';

export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
];

interface XAxis {
  scale: ChartSpec['xScale'];
  /** Each value's position: a number (numbers, durations in ms) or its label (categories). */
  position: (v: ParamValue) => number | string;
  label: string;
  categories?: string[];
}

/** Numbers and durations get a numeric axis (log when they span 20× or more); the rest categories. */
function xAxisOf(axis: Axis): XAxis {
  const asNumber = (v: ParamValue) =>
    typeof v === 'number' ? v : typeof v === 'string' ? parseDuration(v) : null;
  const nums = axis.values.map(asNumber);
  const durations = axis.values.some((v) => typeof v === 'string');
  if (axis.values.length > 1 && nums.every((n) => n !== null)) {
    const lo = Math.min(...(nums as number[]));
    const hi = Math.max(...(nums as number[]));
    const log = lo > 0 && hi / lo >= 20;
    const units = [durations ? 'ms' : '', log ? 'log scale' : ''].filter(Boolean).join(', ');
    return {
      scale: log ? 'log' : 'linear',
      position: (v) => asNumber(v)!,
      label: units === '' ? axis.path.text : `${axis.path.text} (${units})`,
    };
  }
  const label = (v: ParamValue) => (v === null ? 'null' : String(v));
  return {
    scale: 'point',
    position: label,
    label: axis.path.text,
    categories: axis.values.map(label),
  };
}

function chart(r: SweepResults, metric: MetricDef, along: number): string {
  const { plan } = r;
  const axis = plan.axes[along];
  const x = xAxisOf(axis);
  const others = plan.axes.map((_, i) => i).filter((i) => i !== along);
  const combos = cartesian(others.map((i) => plan.axes[i].values));
  const byValues = new Map(r.summary.map((s) => [JSON.stringify(s.values), s]));
  const series: ChartSeries[] = combos.map((combo, c) => {
    const points = axis.values.flatMap((v) => {
      const values = plan.axes.map((_, i) => (i === along ? v : combo[others.indexOf(i)]));
      const m = byValues.get(JSON.stringify(values))?.metrics[metric.key];
      if (!m || m.mean === null) return [];
      return [{ x: x.position(v), y: m.mean, lo: m.ciLow, hi: m.ciHigh }];
    });
    const name =
      combo.length === 0
        ? 'mean across seeds'
        : combo.map((v, j) => describeValue(plan.axes[others[j]], v)).join(', ');
    return { name, color: PALETTE[c % PALETTE.length], points, markers: true };
  });
  const title = `${metric.label} vs ${axis.path.text}`;
  const svg = svgChart({
    id: slug(title),
    title,
    subtitle: `${plan.scenarioName} · ${seedRange(plan.seeds)} per point`,
    xLabel: x.label,
    yLabel: labelWithUnit(metric),
    xScale: x.scale,
    categories: x.categories,
    series,
    note:
      plan.seeds.length > 1
        ? `Line: mean across seeds; shaded: its ${CONFIDENCE * 100}% confidence interval (Student t).`
        : 'One seed per point: no confidence interval.',
  });
  return figure(slug(title), svg);
}

function summaryTable(r: SweepResults): string {
  const { plan } = r;
  return htmlTable([
    [
      ...plan.axes.map((a) => a.path.text),
      'runs',
      'failed',
      ...HEADLINE_METRICS.map(labelWithUnit),
    ],
    ...r.summary.map((s) => [
      ...s.values.map((v) => String(v)),
      String(s.ok),
      String(s.failed),
      ...HEADLINE_METRICS.map((d) => meanWithCi(s.metrics[d.key])),
    ]),
  ]);
}

export function sweepHtml(r: SweepResults): string {
  const { plan } = r;
  const failed = r.rows.filter((row) => row.status === 'failed');
  const parts = [
    `<h1>Sweep: ${escapeHtml(plan.scenarioName)}</h1>`,
    `<p class="meta">${escapeHtml(plan.file)} · ${plan.axes.map((a) => escapeHtml(`${a.path.text} = ${a.values.join(', ')}`)).join(' · ')}</p>`,
    `<p class="meta">${plan.points.length} points × ${escapeHtml(seedRange(plan.seeds))} (the same seeds at every point) · ${r.rows.length} runs finished, ${failed.length} failed${r.complete ? '' : ' · interrupted: partial results'}</p>`,
    ...plan.axes.map(
      (a, i) =>
        `<h2>Against ${escapeHtml(a.path.text)}</h2><div class="charts">${HEADLINE_METRICS.map((m) => chart(r, m, i)).join('')}</div>`,
    ),
    `<h2>Summary per point</h2><p class="meta">${plan.seeds.length > 1 ? `mean ± half-width of the ${CONFIDENCE * 100}% confidence interval across seeds` : 'one seed: means only'}</p>`,
    summaryTable(r),
  ];
  if (failed.length > 0)
    parts.push(
      `<h2 class="failed">Failed runs</h2><ul>${failed.map((f) => `<li>${escapeHtml(f.error ?? '')}</li>`).join('')}</ul>`,
    );
  return htmlPage(`Sweep: ${plan.scenarioName}`, parts.join('\n'));
}
