// The `--format csv` report: one header row of flattened field paths and one row of values,
// so runs append into one table. Time series are left out (use json for them).

import type { Report } from './report';

/** Flattens nested objects into dotted paths; arrays (the series) are skipped. */
export function flatten(
  value: unknown,
  prefix = '',
  out: Array<[string, unknown]> = [],
): Array<[string, unknown]> {
  if (value === null || typeof value !== 'object') {
    out.push([prefix, value]);
    return out;
  }
  if (Array.isArray(value)) return out;
  for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The theory block's columns, present (empty) even when a scenario has no closed form. */
const THEORY_FIELDS = ['model', 'servers', 'arrivalPerSec', 'serviceMeanMs', 'probWait'];
const THEORY_COMPARED = [
  'utilization',
  'queueWaitMeanMs',
  'queueWaitP99Ms',
  'endToEndMeanMs',
  'endToEndP99Ms',
  'queueLengthMean',
];

function theoryPairs(theory: Report['theory']): Array<[string, unknown]> {
  const t = (theory ?? {}) as Record<string, unknown>;
  return [
    ...THEORY_FIELDS.map((k): [string, unknown] => [`theory.${k}`, t[k] ?? null]),
    ...THEORY_COMPARED.flatMap((k): Array<[string, unknown]> => {
      const c = (t[k] ?? {}) as { theory?: number | null; measured?: number };
      return [
        [`theory.${k}.theory`, c.theory ?? null],
        [`theory.${k}.measured`, c.measured ?? null],
      ];
    }),
  ];
}

export function reportCsv(r: Report): string {
  const { series: _series, theory, ...rest } = r;
  const pairs = [...flatten(rest), ...theoryPairs(theory)];
  return `${pairs.map(([k]) => cell(k)).join(',')}\n${pairs.map(([, v]) => cell(v)).join(',')}\n`;
}
