// Time series sampled every `everyUs`; halves its resolution when it grows past MAX_POINTS, so
// an open-ended run keeps bounded memory. Levels keep the later sample, rates average.

export class Series {
  static readonly MAX_POINTS = 4000;
  readonly t: number[] = [];
  readonly columns = new Map<string, number[]>();
  constructor(public everyUs: number) {}

  column(name: string): number[] {
    let c = this.columns.get(name);
    if (!c) this.columns.set(name, (c = []));
    return c;
  }

  /** Merges adjacent pairs: levels keep the later sample, rates average. */
  coarsen(isRate: (name: string) => boolean): void {
    const half = (xs: number[], avg: boolean) => {
      const out: number[] = [];
      for (let i = 1; i < xs.length; i += 2) out.push(avg ? (xs[i - 1] + xs[i]) / 2 : xs[i]);
      return out;
    };
    const t = half(this.t, false);
    this.t.length = 0;
    this.t.push(...t);
    for (const [name, xs] of this.columns) {
      const c = half(xs, isRate(name));
      xs.length = 0;
      xs.push(...c);
    }
    this.everyUs *= 2;
  }
}
