// One chart as a standalone SVG string, drawn in Node with d3's pure modules (scales, shapes):
// lines, optional CI bands (shaded areas) and markers, axes with labels and units, a title and
// a legend. Styling is in attributes, so a chart pasted into a document looks the same.

import * as d3 from 'd3';

export interface ChartPoint {
  x: number | string;
  y: number;
  /** Interval around y, drawn as a shaded band when both are given. */
  lo?: number | null;
  hi?: number | null;
}

export interface ChartSeries {
  name: string;
  color: string;
  points: ChartPoint[];
  width?: number;
  opacity?: number;
  markers?: boolean;
  /** Listed in the legend (default true). */
  legend?: boolean;
}

export interface ChartSpec {
  /** Unique within a page (the plot's clip path is named after it). */
  id: string;
  title: string;
  subtitle?: string;
  xLabel: string;
  yLabel: string;
  /** 'point': categories in the given order; 'log' needs positive values. */
  xScale: 'linear' | 'log' | 'point';
  categories?: string[];
  yScale?: 'linear' | 'log';
  yDomain?: [number, number];
  series: ChartSeries[];
  /** A line under the legend (e.g. what the bands mean). */
  note?: string;
}

const WIDTH = 640;
const PLOT_HEIGHT = 300;
const MARGIN = { top: 58, right: 24, left: 72 };
const FONT = 'system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif';

export function escapeXml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** Two decimals are finer than any screen or print needs, and keep the SVG small. */
const round2 = (n: number) => Math.round(n * 100) / 100;

type Scale = ((v: number | string) => number) & {
  ticks: () => Array<{ v: number | string; label: string }>;
};

function xScaleOf(spec: ChartSpec, range: [number, number]): Scale {
  if (spec.xScale === 'point') {
    const s = d3
      .scalePoint<string>()
      .domain(spec.categories ?? [])
      .range(range)
      .padding(0.3);
    return Object.assign((v: number | string) => round2(s(String(v)) ?? range[0]), {
      ticks: () => (spec.categories ?? []).map((c) => ({ v: c, label: c })),
    });
  }
  const xs = spec.series.flatMap((s) => s.points.map((p) => p.x as number));
  // Data ends sit a little inside the axis, so end markers and bands are not cut in half.
  return numericScale(spec.xScale, xs, [range[0] + 10, range[1] - 10], 8, undefined, false);
}

function numericScale(
  kind: 'linear' | 'log',
  values: number[],
  range: [number, number],
  count: number,
  domain?: [number, number],
  /** Round the domain out to tick values (for y: the top line gets a label). */
  nice = true,
): Scale {
  const [lo, hi] = domain ?? (d3.extent(values) as [number, number]);
  if (kind === 'log') {
    const s = d3
      .scaleLog()
      .domain([lo, hi === lo ? lo * 10 : hi])
      .range(range);
    const label = s.tickFormat(count, ',~r');
    const ticks = s.ticks(count).filter((t) => label(t) !== '');
    return Object.assign((v: number | string) => round2(s(v as number)), {
      ticks: () => ticks.map((t) => ({ v: t, label: label(t) })),
    });
  }
  const s = d3
    .scaleLinear()
    .domain([lo, hi === lo ? lo + 1 : hi])
    .range(range);
  if (nice) s.nice(count);
  const label = s.tickFormat(count);
  return Object.assign((v: number | string) => round2(s(v as number)), {
    ticks: () => s.ticks(count).map((t) => ({ v: t, label: label(t) })),
  });
}

/** The y range the lines and bands need, from 0 for non-negative data (so sizes compare honestly). */
function yExtent(spec: ChartSpec): [number, number] {
  if (spec.yDomain) return spec.yDomain;
  const ys = spec.series.flatMap((s) => s.points.flatMap((p) => [p.y, p.lo ?? p.y, p.hi ?? p.y]));
  const lo = Math.min(0, d3.min(ys) ?? 0);
  const hi = d3.max(ys) ?? 1;
  return [lo, hi > lo ? hi : lo + 1];
}

/** Legend entries laid out left to right, wrapping; returns the SVG and the height it took. */
function legend(
  series: ChartSeries[],
  top: number,
  note?: string,
): { svg: string; height: number } {
  const items = series.filter((s) => s.legend !== false);
  let x = MARGIN.left;
  let y = top;
  let svg = '';
  for (const s of items) {
    const w = 28 + s.name.length * 6.6;
    if (x + w > WIDTH - MARGIN.right && x > MARGIN.left) {
      x = MARGIN.left;
      y += 18;
    }
    svg += `<line x1="${x}" x2="${x + 18}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="${s.width ?? 2}"/>`;
    svg += `<text x="${x + 24}" y="${y}" font-size="12" fill="#333">${escapeXml(s.name)}</text>`;
    x += w + 12;
  }
  if (items.length > 0) y += 18;
  if (note) {
    svg += `<text x="${MARGIN.left}" y="${y}" font-size="11" fill="#666">${escapeXml(note)}</text>`;
    y += 16;
  }
  return { svg, height: y - top };
}

function axes(x: Scale, y: Scale, spec: ChartSpec, plotBottom: number): string {
  const right = WIDTH - MARGIN.right;
  let svg = '';
  for (const t of y.ticks()) {
    const py = y(t.v);
    svg += `<line x1="${MARGIN.left}" x2="${right}" y1="${py}" y2="${py}" stroke="#e6e6e6"/>`;
    svg += `<text x="${MARGIN.left - 6}" y="${py + 4}" font-size="11" text-anchor="end" fill="#444">${escapeXml(t.label)}</text>`;
  }
  for (const t of x.ticks()) {
    const px = x(t.v);
    svg += `<line x1="${px}" x2="${px}" y1="${plotBottom}" y2="${plotBottom + 5}" stroke="#444"/>`;
    svg += `<text x="${px}" y="${plotBottom + 18}" font-size="11" text-anchor="middle" fill="#444">${escapeXml(t.label)}</text>`;
  }
  svg += `<line x1="${MARGIN.left}" x2="${right}" y1="${plotBottom}" y2="${plotBottom}" stroke="#444"/>`;
  svg += `<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${plotBottom}" stroke="#444"/>`;
  svg += `<text x="${(MARGIN.left + right) / 2}" y="${plotBottom + 38}" font-size="12" text-anchor="middle" fill="#222">${escapeXml(spec.xLabel)}</text>`;
  const midY = (MARGIN.top + plotBottom) / 2;
  svg += `<text transform="translate(18 ${midY}) rotate(-90)" font-size="12" text-anchor="middle" fill="#222">${escapeXml(spec.yLabel)}</text>`;
  return svg;
}

function seriesSvg(s: ChartSeries, x: Scale, y: Scale): string {
  const pts = s.points;
  let svg = '';
  const banded = pts.filter((p) => p.lo != null && p.hi != null);
  if (banded.length > 1) {
    const area = d3
      .area<ChartPoint>()
      .x((p) => x(p.x))
      .y0((p) => y(p.lo!))
      .y1((p) => y(p.hi!))
      .digits(2);
    svg += `<path d="${area(banded)}" fill="${s.color}" fill-opacity="0.16" stroke="none"/>`;
  }
  for (const p of banded.length === 1 ? banded : []) {
    svg += `<line x1="${x(p.x)}" x2="${x(p.x)}" y1="${y(p.lo!)}" y2="${y(p.hi!)}" stroke="${s.color}" stroke-opacity="0.5" stroke-width="6"/>`;
  }
  const line = d3
    .line<ChartPoint>()
    .x((p) => x(p.x))
    .y((p) => y(p.y))
    .digits(2);
  svg += `<path d="${line(pts)}" fill="none" stroke="${s.color}" stroke-width="${s.width ?? 2}" stroke-opacity="${s.opacity ?? 1}" stroke-linejoin="round"/>`;
  if (s.markers)
    for (const p of pts) svg += `<circle cx="${x(p.x)}" cy="${y(p.y)}" r="3" fill="${s.color}"/>`;
  return svg;
}

/** The chart as an `<svg>` element with its own size, font and white background. */
export function svgChart(spec: ChartSpec): string {
  const plotBottom = MARGIN.top + PLOT_HEIGHT;
  const x = xScaleOf(spec, [MARGIN.left, WIDTH - MARGIN.right]);
  const ys = spec.series.flatMap((s) => s.points.map((p) => p.y));
  const y = numericScale(
    spec.yScale ?? 'linear',
    ys,
    [plotBottom, MARGIN.top],
    6,
    yExtent(spec),
    spec.yDomain === undefined,
  );
  const key = legend(spec.series, plotBottom + 62, spec.note);
  const height = plotBottom + 62 + key.height;
  const clip = `clip-${spec.id}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}" role="img" aria-label="${escapeXml(spec.title)}">`,
    `<title>${escapeXml(spec.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<defs><clipPath id="${clip}"><rect x="${MARGIN.left}" y="${MARGIN.top - 2}" width="${WIDTH - MARGIN.left - MARGIN.right}" height="${PLOT_HEIGHT + 4}"/></clipPath></defs>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="600" fill="#111">${escapeXml(spec.title)}</text>`,
    spec.subtitle
      ? `<text x="${MARGIN.left}" y="40" font-size="12" fill="#555">${escapeXml(spec.subtitle)}</text>`
      : '',
    axes(x, y, spec, plotBottom),
    `<g clip-path="url(#${clip})">${spec.series.map((s) => seriesSvg(s, x, y)).join('')}</g>`,
    key.svg,
    '</svg>',
  ].join('');
}
