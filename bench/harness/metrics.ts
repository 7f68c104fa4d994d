// The key metrics of a run, defined once: what sweep and compare record per run, summarise
// across seeds, print, chart and write to CSV/JSON (in this order, under these keys).

import type { Report } from '../../sim-core/index';
import { isExchangeReport } from '../../sim-core/index';

export interface MetricDef {
  /** Column and JSON key; units last (`latencyP99Ms`). */
  key: string;
  /** For people: table headers, chart axes. */
  label: string;
  /** Short header for narrow tables. */
  short: string;
  unit: 'ms' | 'msg/s' | 'messages';
  /** Charted against each varied parameter in the HTML report, and shown in the stdout table. */
  headline: boolean;
  read: (r: Report) => number;
}

const m = (
  key: string,
  label: string,
  short: string,
  unit: MetricDef['unit'],
  headline: boolean,
  read: (r: Report) => number,
): MetricDef => ({ key, label, short, unit, headline, read });

export const METRICS: readonly MetricDef[] = [
  m('latencyP50Ms', 'p50 end-to-end latency', 'p50 ms', 'ms', true, (r) => r.latency.endToEnd.p50),
  m('latencyP90Ms', 'p90 end-to-end latency', 'p90 ms', 'ms', false, (r) => r.latency.endToEnd.p90),
  m('latencyP99Ms', 'p99 end-to-end latency', 'p99 ms', 'ms', true, (r) => r.latency.endToEnd.p99),
  m(
    'latencyMeanMs',
    'mean end-to-end latency',
    'mean ms',
    'ms',
    false,
    (r) => r.latency.endToEnd.mean,
  ),
  m('queueWaitP99Ms', 'p99 queue wait', 'wait p99 ms', 'ms', false, (r) => r.latency.queueWait.p99),
  m(
    'processedPerSec',
    'throughput (processed)',
    'processed/s',
    'msg/s',
    true,
    (r) => r.throughput.processedPerSec,
  ),
  m('published', 'published', 'published', 'messages', false, (r) => r.totals.published),
  m('processed', 'processed', 'processed', 'messages', false, (r) => r.totals.processed),
  m(
    'duplicatesProcessed',
    'duplicates processed',
    'duplicates',
    'messages',
    true,
    (r) => r.totals.duplicatesProcessed,
  ),
  m('lost', 'lost', 'lost', 'messages', true, (r) => r.totals.lost),
  m(
    'deadLettered',
    'dead-lettered',
    'dead-lettered',
    'messages',
    false,
    (r) => r.totals.deadLettered,
  ),
  m(
    'orderViolations',
    'order violations',
    'order viol.',
    'messages',
    true,
    (r) => r.totals.orderViolations,
  ),
  m('redelivered', 'redelivered', 'redelivered', 'messages', false, (r) => r.totals.redelivered),
  m('expired', 'expired', 'expired', 'messages', false, (r) => r.totals.expired),
  m('dropped', 'dropped', 'dropped', 'messages', false, (r) => r.totals.dropped),
  m('depthMax', 'max channel depth', 'max depth', 'messages', true, maxDepth),
];

export const HEADLINE_METRICS: readonly MetricDef[] = METRICS.filter((d) => d.headline);

/** Metric key → value, in METRICS order. */
export type MetricValues = Record<string, number>;

/** The deepest any channel got (depth counts ready and unacked copies). */
function maxDepth(r: Report): number {
  let max = 0;
  for (const c of Object.values(r.channels))
    if (!isExchangeReport(c) && c.depthMax > max) max = c.depthMax;
  return max;
}

export function readMetrics(r: Report): MetricValues {
  const out: MetricValues = {};
  for (const d of METRICS) out[d.key] = d.read(r);
  return out;
}

/** "p99 end-to-end latency (ms)": a label with its unit, for axes and table headers. */
export function labelWithUnit(d: MetricDef): string {
  return `${d.label} (${d.unit})`;
}
