// Sweep and compare results (`brokerlab sweep|compare --out x.json`) dropped on the lab: the
// JSON read defensively into what the results view draws. Unknown or damaged files get a
// sentence saying what is wrong, never an exception.

export interface MeanCi {
  n: number;
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export interface MetricInfo {
  key: string;
  label: string;
  unit: string;
}

export interface SweepFile {
  kind: 'sweep';
  title: string;
  seeds: number[];
  vary: Array<{ path: string; values: unknown[] }>;
  metrics: MetricInfo[];
  summary: Array<{ values: Record<string, unknown>; metrics: Record<string, MeanCi> }>;
  complete: boolean;
}

export interface CompareFile {
  kind: 'compare';
  a: string;
  b: string;
  seeds: number[];
  metrics: MetricInfo[];
  comparison: Array<{
    metric: string;
    a: MeanCi;
    b: MeanCi;
    difference: MeanCi & { verdict: string };
  }>;
  /** Latency (ms) at each probability, averaged across seeds; null if nothing finished. */
  cdf: { probabilities: number[]; a: number[] | null; b: number[] | null };
  complete: boolean;
}

export type ResultsFile = SweepFile | CompareFile;

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const arr = (x: unknown): unknown[] => (Array.isArray(x) ? x : []);
const str = (x: unknown, d = ''): string => (typeof x === 'string' ? x : d);
const num = (x: unknown): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

function meanCi(x: unknown): MeanCi {
  const o = isObj(x) ? x : {};
  return { n: num(o.n) ?? 0, mean: num(o.mean), ciLow: num(o.ciLow), ciHigh: num(o.ciHigh) };
}

function metrics(x: unknown): MetricInfo[] {
  return arr(x)
    .filter(isObj)
    .map((m) => ({ key: str(m.key), label: str(m.label, str(m.key)), unit: str(m.unit) }))
    .filter((m) => m.key !== '');
}

/** A side's CDF: latencies in ms on the file's probability grid (`mean` holds [ms, p] pairs). */
function cdfSide(x: unknown, probabilities: number[]): number[] | null {
  const side = isObj(x) && 'mean' in x ? x.mean : x;
  if (!Array.isArray(side)) return null;
  const values = side.map((v) => {
    if (typeof v === 'number') return v;
    if (Array.isArray(v) && typeof v[0] === 'number') return v[0];
    return NaN;
  });
  return values.length === probabilities.length && values.every(Number.isFinite) ? values : null;
}

export function readResults(
  text: string,
): { ok: true; file: ResultsFile } | { ok: false; why: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { ok: false, why: `not JSON (${(e as Error).message})` };
  }
  if (!isObj(doc)) return { ok: false, why: 'not a brokerlab result (no object at the top)' };
  if (doc.version !== 1) return { ok: false, why: `unsupported version ${String(doc.version)}` };
  const seeds = arr(doc.seeds)
    .map(num)
    .filter((s): s is number => s !== null);
  if (doc.kind === 'brokerlab-sweep') {
    const scenario = isObj(doc.scenario) ? doc.scenario : {};
    return {
      ok: true,
      file: {
        kind: 'sweep',
        title: str(scenario.name, str(scenario.file, 'sweep')),
        seeds,
        vary: arr(doc.vary)
          .filter(isObj)
          .map((v) => ({ path: str(v.path), values: arr(v.values) })),
        metrics: metrics(doc.metrics),
        summary: arr(doc.summary)
          .filter(isObj)
          .map((s) => ({
            values: isObj(s.values) ? s.values : {},
            metrics: Object.fromEntries(
              Object.entries(isObj(s.metrics) ? s.metrics : {}).map(([k, v]) => [k, meanCi(v)]),
            ),
          })),
        complete: doc.complete !== false,
      },
    };
  }
  if (doc.kind === 'brokerlab-compare') {
    const cdf = isObj(doc.latencyCdf) ? doc.latencyCdf : {};
    const probabilities = arr(cdf.probabilities)
      .map(num)
      .filter((p): p is number => p !== null);
    const name = (x: unknown, d: string) => (isObj(x) ? str(x.name, str(x.file, d)) : d);
    return {
      ok: true,
      file: {
        kind: 'compare',
        a: name(doc.a, 'A'),
        b: name(doc.b, 'B'),
        seeds,
        metrics: metrics(doc.metrics),
        comparison: arr(doc.comparison)
          .filter(isObj)
          .map((c) => {
            const d = isObj(c.difference) ? c.difference : {};
            return {
              metric: str(c.metric),
              a: meanCi(c.a),
              b: meanCi(c.b),
              difference: { ...meanCi(d), verdict: str(d.verdict, 'no CI') },
            };
          }),
        cdf: { probabilities, a: cdfSide(cdf.a, probabilities), b: cdfSide(cdf.b, probabilities) },
        complete: doc.complete !== false,
      },
    };
  }
  return { ok: false, why: `not a sweep or compare result (kind ${JSON.stringify(doc.kind)})` };
}
