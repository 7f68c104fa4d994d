// The run's time series on the main thread, in growable typed arrays: frames append to it and
// charts read it. `version` changes on every append so a chart knows when to redraw.

import type { SeriesPoints } from '../shared/protocol';

export class Column {
  data = new Float64Array(256);
  length = 0;

  push(x: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = x;
  }

  /** The filled part (a view: valid until the next push). */
  view(): Float64Array {
    return this.data.subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
  }
}

export const LATENCY_LINES = [
  'e2eP50',
  'e2eP90',
  'e2eP99',
  'waitP50',
  'waitP90',
  'waitP99',
] as const;
export type LatencyLine = (typeof LATENCY_LINES)[number];

export class SeriesStore {
  version = 0;
  readonly tMs = new Column();
  readonly latency: Record<LatencyLine, Column> = {
    e2eP50: new Column(),
    e2eP90: new Column(),
    e2eP99: new Column(),
    waitP50: new Column(),
    waitP90: new Column(),
    waitP99: new Column(),
  };
  readonly inPerSec = new Column();
  readonly outPerSec = new Column();
  /** One column per internal queue. */
  depth: Column[] = [];

  constructor(public queueNames: string[] = []) {
    this.depth = queueNames.map(() => new Column());
  }

  append(p: SeriesPoints): void {
    const n = p.tMs.length;
    if (n === 0) return;
    const nq = this.depth.length;
    for (let i = 0; i < n; i++) {
      this.tMs.push(p.tMs[i]);
      for (const line of LATENCY_LINES) this.latency[line].push(p[line][i]);
      this.inPerSec.push(p.inPerSec[i]);
      this.outPerSec.push(p.outPerSec[i]);
      for (let q = 0; q < nq; q++) this.depth[q].push(p.depth[i * nq + q]);
    }
    this.version++;
  }

  reset(queueNames: string[]): void {
    this.queueNames = queueNames;
    this.depth = queueNames.map(() => new Column());
    this.tMs.clear();
    for (const line of LATENCY_LINES) this.latency[line].clear();
    this.inPerSec.clear();
    this.outPerSec.clear();
    this.version++;
  }
}
