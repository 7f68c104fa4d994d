// A compare's results as JSON (kind "brokerlab-compare": for scripts and the lab, with latency
// CDF points per scenario) and as the side-by-side table, which says in words when a
// difference is not significant.

import { sig3 } from '../cli/format';
import { textTable } from './text-table';
import type { Align } from './text-table';
import type { CompareResults } from './compare-results';
import { CDF_PROBABILITIES } from './latency-cdf';
import { METRICS, labelWithUnit } from './metrics';
import { CONFIDENCE } from './stats';
import type { PairedDifference } from './stats';
import { seedRange } from './sweep-output';

export const COMPARE_KIND = 'brokerlab-compare';

export function compareJson(r: CompareResults): string {
  const doc = {
    kind: COMPARE_KIND,
    version: 1,
    a: { name: r.a.name, file: r.a.file },
    b: { name: r.b.name, file: r.b.file },
    seeds: r.seeds,
    pairedSeeds: r.pairedSeeds,
    sharedProducers: r.sharedProducers,
    confidence: CONFIDENCE,
    complete: r.complete,
    metrics: METRICS.map((d) => ({ key: d.key, label: d.label, unit: d.unit })),
    runs: r.runs.map((x) => ({
      scenario: x.side === 'A' ? 'a' : 'b',
      seed: x.seed,
      status: x.status,
      error: x.error,
      metrics: x.metrics,
      traceHash: x.traceHash,
    })),
    comparison: r.comparison.map((c) => ({
      metric: c.def.key,
      a: c.a,
      b: c.b,
      difference: c.difference,
    })),
    latencyCdf: {
      measure: 'endToEnd',
      unit: 'ms',
      probabilities: CDF_PROBABILITIES,
      a: r.cdf.a,
      b: r.cdf.b,
    },
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

const signed = (x: number) => (x > 0 ? `+${sig3(x)}` : sig3(x));

export const VERDICT_WORDS: Record<PairedDifference['verdict'], string> = {
  'B higher': 'B higher',
  'B lower': 'B lower',
  'not significant': 'not significant',
  identical: 'identical on every seed',
  'no CI': 'no CI (one seed)',
};

export const comparisonHeader = () => [
  'metric',
  'A',
  'B',
  'B − A',
  `${CONFIDENCE * 100}% CI of B − A`,
  'verdict',
];
export const COMPARISON_ALIGN: Align[] = ['left', 'right', 'right', 'right', 'right', 'left'];

/** The table's cells for one metric: A, B, B − A (with % of A), its interval, the verdict. */
export function comparisonCells(c: CompareResults['comparison'][number]): string[] {
  const d = c.difference;
  const pct =
    d.mean !== null && c.a.mean !== null && c.a.mean !== 0 && d.mean !== 0
      ? ` (${signed((d.mean / c.a.mean) * 100)}%)`
      : '';
  return [
    labelWithUnit(c.def),
    c.a.mean === null ? '—' : sig3(c.a.mean),
    c.b.mean === null ? '—' : sig3(c.b.mean),
    d.mean === null ? '—' : `${signed(d.mean)}${pct}`,
    d.ciLow === null || d.ciHigh === null ? '—' : `${signed(d.ciLow)} to ${signed(d.ciHigh)}`,
    VERDICT_WORDS[d.verdict],
  ];
}

/** What the verdicts mean, and the caveats a careful reader needs. */
export function compareNotes(r: CompareResults): string[] {
  const n = r.pairedSeeds.length;
  const notes: string[] = [];
  if (n < 2) {
    notes.push(
      `With ${n === 1 ? 'one seed' : 'no finished pair'} no confidence interval can be given: the table shows single runs, and any difference may be chance. Use --seeds 2 or more (5 to 10 is typical).`,
    );
  } else {
    notes.push(
      `B − A is the mean over seeds of the paired difference (same seed on both sides); its ${CONFIDENCE * 100}% interval is Student t with ${n - 1} degrees of freedom.`,
      `"not significant": the interval contains 0, so these ${n} seeds cannot tell A and B apart on that metric; more seeds (--seeds) narrow the interval.`,
      `With ${METRICS.length} metrics compared at once, about one in ${Math.round(1 / (1 - CONFIDENCE))} comparisons of designs that do not differ looks significant by chance.`,
    );
  }
  if (r.sharedProducers.length === 0)
    notes.push(
      'A and B share no producer id, so their arrivals are drawn independently (no common random numbers): the comparison is still valid, but its intervals are wider than they need be.',
    );
  return notes;
}

export function compareTable(r: CompareResults): string {
  const failed = r.runs.filter((x) => x.status === 'failed').length;
  const lines = [
    `Compare on ${seedRange(r.seeds)}, the same for A and B (common random numbers)${r.complete ? '' : ' — interrupted'}`,
    textTable(
      [
        ['A', r.a.name, r.a.file],
        ['B', r.b.name, r.b.file],
      ],
      ['left', 'left', 'left'],
    ),
  ];
  if (failed > 0 || r.pairedSeeds.length !== r.seeds.length)
    lines.push(
      `${failed} run${failed === 1 ? '' : 's'} failed; the comparison uses the ${r.pairedSeeds.length} seed${r.pairedSeeds.length === 1 ? '' : 's'} where both finished.`,
    );
  lines.push(
    '',
    textTable([comparisonHeader(), ...r.comparison.map(comparisonCells)], COMPARISON_ALIGN),
    '',
    ...compareNotes(r),
  );
  return lines.join('\n') + '\n';
}
