// The compare's HTML report: A's and B's end-to-end latency CDFs overlaid (each seed thin, the
// quantile average bold), the tail on a log scale, and the side-by-side table with verdicts.

import { figure, htmlPage, htmlTable, escapeHtml, slug } from './html-page';
import type { CompareResults, SideCdf } from './compare-results';
import {
  COMPARISON_ALIGN,
  comparisonCells,
  comparisonHeader,
  compareNotes,
} from './compare-output';
import { svgChart } from './svg-chart';
import type { ChartSeries } from './svg-chart';
import { seedRange } from './sweep-output';

const COLORS = { A: '#1f77b4', B: '#ff7f0e' };

/** One side of an overlaid CDF chart: its runs thin, their quantile average bold. */
export interface CdfSide {
  /** Legend prefix: "A", "real". */
  label: string;
  name: string;
  color: string;
  cdf: SideCdf;
  /** What one thin line is: "seed", "run". */
  unit: string;
}

function cdfSeries(side: CdfSide, tail: boolean): ChartSeries[] {
  const keep = (points: Array<[number, number]>) =>
    points
      .filter(([ms, p]) => (!tail || p < 1) && ms > 0)
      .map(([ms, p]) => ({ x: ms, y: tail ? 1 - p : p }));
  const runs = side.cdf.perSeed.map((s) => ({
    name: `${side.label} ${side.unit} ${s.seed}`,
    color: side.color,
    points: keep(s.points),
    width: 1,
    opacity: 0.3,
    legend: false,
  }));
  const mean = side.cdf.mean
    ? [
        {
          name: `${side.label}: ${side.name}`,
          color: side.color,
          points: keep(side.cdf.mean),
          width: 2.5,
        },
      ]
    : [];
  return [...runs, ...mean];
}

/** End-to-end latency CDFs of several sides overlaid (tail: the fraction slower than x, log). */
export function overlaidCdfChart(
  sides: readonly CdfSide[],
  subtitle: string,
  tail: boolean,
): string {
  const series = sides.flatMap((side) => cdfSeries(side, tail));
  const xs = series.flatMap((s) => s.points.map((p) => p.x as number));
  if (xs.length === 0) return '<p>No run recorded an end-to-end latency: nothing to draw.</p>';
  const wide = Math.max(...xs) / Math.min(...xs) >= 100;
  const title = tail ? 'End-to-end latency tail: fraction slower than x' : 'End-to-end latency CDF';
  const svg = svgChart({
    id: slug(title),
    title,
    subtitle,
    xLabel: `end-to-end latency (ms${wide ? ', log scale' : ''})`,
    yLabel: tail ? 'fraction of messages slower (log)' : 'fraction of messages ≤ x',
    xScale: wide ? 'log' : 'linear',
    yScale: tail ? 'log' : 'linear',
    yDomain: tail ? [1e-4, 1] : [0, 1],
    series,
    note: `Bold: quantile average across ${sides[0]?.unit ?? 'seed'}s; thin: each one.`,
  });
  return figure(slug(title), svg);
}

function cdfChart(r: CompareResults, tail: boolean): string {
  return overlaidCdfChart(
    [
      { label: 'A', name: r.a.name, color: COLORS.A, cdf: r.cdf.a, unit: 'seed' },
      { label: 'B', name: r.b.name, color: COLORS.B, cdf: r.cdf.b, unit: 'seed' },
    ],
    `A: ${r.a.name} vs B: ${r.b.name} · ${seedRange(r.pairedSeeds)}`,
    tail,
  );
}

export function compareHtml(r: CompareResults): string {
  const failed = r.runs.filter((x) => x.status === 'failed');
  const parts = [
    `<h1>Compare: ${escapeHtml(r.a.name)} vs ${escapeHtml(r.b.name)}</h1>`,
    `<p class="meta">A: ${escapeHtml(`${r.a.name} (${r.a.file})`)} · B: ${escapeHtml(`${r.b.name} (${r.b.file})`)}</p>`,
    `<p class="meta">${escapeHtml(seedRange(r.seeds))}, the same for A and B (common random numbers)${r.complete ? '' : ' · interrupted: partial results'}</p>`,
    `<div class="charts">${cdfChart(r, false)}${cdfChart(r, true)}</div>`,
    `<h2>Key metrics</h2>`,
    htmlTable([comparisonHeader(), ...r.comparison.map(comparisonCells)], COMPARISON_ALIGN),
    `<ul class="notes">${compareNotes(r)
      .map((n) => `<li>${escapeHtml(n)}</li>`)
      .join('')}</ul>`,
  ];
  if (failed.length > 0)
    parts.push(
      `<h2 class="failed">Failed runs</h2><ul>${failed.map((f) => `<li>${escapeHtml(f.error ?? '')}</li>`).join('')}</ul>`,
    );
  return htmlPage(`Compare: ${r.a.name} vs ${r.b.name}`, parts.join('\n'));
}
