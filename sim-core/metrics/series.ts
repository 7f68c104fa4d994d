// Time series sampled every `everyUs`; halves its resolution when it grows past MAX_POINTS, so
// an open-ended run keeps bounded memory. Each column says how two adjacent points merge. A
// point may be null: nothing to measure in that interval (a latency without completions).

export type Point = number | null;

/** How two adjacent points merge into one (null: no value) when the series coarsens. */
export const Merge = {
  /** A level: the later sample. */
  later: (_a: Point, b: Point): Point => b,
  /** A rate: the mean of the two intervals' rates. */
  mean: (a: Point, b: Point): Point => (a === null || b === null ? (a ?? b) : (a + b) / 2),
  /** The larger value (a bound on a quantile of the merged interval). */
  larger: (a: Point, b: Point): Point => (a === null || b === null ? (a ?? b) : Math.max(a, b)),
} as const;

export type Merge = (typeof Merge)[keyof typeof Merge];

export class Series {
  static readonly MAX_POINTS = 4000;
  readonly t: number[] = [];
  readonly columns = new Map<string, Point[]>();
  constructor(public everyUs: number) {}

  column(name: string): Point[] {
    let c = this.columns.get(name);
    if (!c) this.columns.set(name, (c = []));
    return c;
  }

  /** Merges adjacent pairs of points, each column as `mergeOf` its name says. */
  coarsen(mergeOf: (name: string) => Merge): void {
    const half = <T extends Point>(xs: T[], merge: (a: T, b: T) => T) => {
      const out: T[] = [];
      for (let i = 1; i < xs.length; i += 2) out.push(merge(xs[i - 1], xs[i]));
      return out;
    };
    const t = half(this.t, (_a, b) => b);
    this.t.length = 0;
    this.t.push(...t);
    for (const [name, xs] of this.columns) {
      const c = half(xs, mergeOf(name));
      xs.length = 0;
      xs.push(...c);
    }
    this.everyUs *= 2;
  }
}
