// Shared chart machinery: a redraw throttle, NaN-aware decimated line paths from typed arrays,
// axis ticks, colour-blind-safe palettes and the theoretical M/M/c latency distribution.

import * as d3 from 'd3';
import { mmcCdf as theoryCdf } from '../../sim-core/index';
import type { TheoryBlock } from '../../sim-core/index';
import { fmtTick } from './format';

/** Okabe–Ito colours with their meaning in the lab (see src/topology/palette.ts). */
export const THEORY_COLOUR = '#56B4E9';
export const THEORY_DASH = '5 3';

/** Percentile lines: colour and dash pattern, so they differ without colour too. */
export const PERCENTILE_STYLES = {
  p50: { colour: '#009E73', dash: '' },
  p90: { colour: '#E69F00', dash: '6 3' },
  p99: { colour: '#D55E00', dash: '2 2' },
} as const;

/**
 * Paul Tol's "bright" scheme (colour-blind safe, and apart from the Okabe–Ito message-state
 * colours), for categories such as queues. Past seven, colours repeat with another dash pattern.
 */
export const CATEGORY_COLOURS = [
  '#4477AA',
  '#EE6677',
  '#228833',
  '#CCBB44',
  '#66CCEE',
  '#AA3377',
  '#BBBBBB',
];
export const CATEGORY_DASHES = ['', '6 3', '2 2', '8 3 2 3'];

export function categoryStyle(i: number): { colour: string; dash: string } {
  const n = CATEGORY_COLOURS.length;
  return {
    colour: CATEGORY_COLOURS[i % n],
    dash: CATEGORY_DASHES[Math.floor(i / n) % CATEGORY_DASHES.length],
  };
}

/** Reads its arguments so an `$effect` depends on them; does nothing else. */
export function track(..._deps: unknown[]): void {}

export interface RedrawScheduler {
  /** Asks for a redraw: at most one per interval, always on an animation frame, never dropped. */
  request(immediate?: boolean): void;
  cancel(): void;
}

/**
 * Throttles redraws to one per `minIntervalMs` (default 250 ms: at most 4 per second). A request
 * inside the interval is deferred, not dropped, so the last state is always drawn.
 */
export function createRedrawScheduler(draw: () => void, minIntervalMs = 250): RedrawScheduler {
  let last = -Infinity;
  let frame = 0;
  let timer: ReturnType<typeof setTimeout> | 0 = 0;
  const run = () => {
    frame = 0;
    last = performance.now();
    draw();
  };
  const onFrame = () => {
    if (frame === 0) frame = requestAnimationFrame(run);
  };
  return {
    request(immediate = false) {
      if (frame !== 0) return;
      if (timer !== 0) {
        if (!immediate) return;
        clearTimeout(timer);
        timer = 0;
      }
      const wait = immediate ? 0 : last + minIntervalMs - performance.now();
      if (wait <= 0) onFrame();
      else
        timer = setTimeout(() => {
          timer = 0;
          onFrame();
        }, wait);
    },
    cancel() {
      if (frame !== 0) cancelAnimationFrame(frame);
      if (timer !== 0) clearTimeout(timer);
      frame = 0;
      timer = 0;
    },
  };
}

/** Whether the user asked for less motion (charts never animate anyway; for callers). */
export function prefersReducedMotion(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
}

type Scale = (v: number) => number;

/**
 * An SVG path through (x[i], y[i]) for i < n, broken where y is NaN. Points that fall in the same
 * pixel column are reduced to first, min, max and last, so a path never has more than about
 * four points per pixel however long the run. With `positiveOnly` (log scales), values ≤ 0 leave
 * a gap too: a log axis has no place for them.
 */
export function linePath(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  n: number,
  sx: Scale,
  sy: Scale,
  positiveOnly = false,
): string {
  const out: string[] = [];
  let col = NaN;
  let first = 0;
  let last = 0;
  let min = 0;
  let max = 0;
  let penDown = false;
  let segmentPoints = 0;
  let bucket = false;
  let px = 0;
  const put = (xx: number, yy: number) => {
    out.push(`${penDown ? 'L' : 'M'}${xx.toFixed(1)},${sy(yy).toFixed(1)}`);
    penDown = true;
    segmentPoints++;
  };
  const flush = () => {
    if (!bucket) return;
    put(px, first);
    if (min !== first) put(px, min);
    if (max !== min) put(px, max);
    if (last !== max) put(px, last);
    bucket = false;
  };
  const penUp = () => {
    flush();
    if (segmentPoints === 1) out.push('h1');
    penDown = false;
    segmentPoints = 0;
  };
  for (let i = 0; i < n; i++) {
    const v = y[i];
    const xv = x[i];
    if (Number.isNaN(v) || Number.isNaN(xv) || (positiveOnly && v <= 0)) {
      penUp();
      continue;
    }
    const xx = sx(xv);
    const c = Math.round(xx);
    if (bucket && c === col) {
      last = v;
      if (v < min) min = v;
      if (v > max) max = v;
      continue;
    }
    flush();
    col = c;
    px = xx;
    first = last = min = max = v;
    bucket = true;
  }
  penUp();
  return out.join('');
}

/** Largest finite value of y[0..n), or -Infinity. */
export function maxOf(y: ArrayLike<number>, n = y.length): number {
  let m = -Infinity;
  for (let i = 0; i < n; i++) if (y[i] > m) m = y[i];
  return m;
}

/** Smallest value > 0 of y[0..n), or Infinity. */
export function minPositive(y: ArrayLike<number>, n = y.length): number {
  let m = Infinity;
  for (let i = 0; i < n; i++) if (y[i] > 0 && y[i] < m) m = y[i];
  return m;
}

export interface Tick {
  value: number;
  pos: number;
  label: string;
}

/** Half the width of a 10 px tick label, roughly: keeps the last one inside the svg. */
export function tickHalf(label: string): number {
  return label.length * 2.9 + 1;
}

export function linearTicks(scale: d3.ScaleLinear<number, number>, count: number): Tick[] {
  return scale.ticks(count).map((value) => ({ value, pos: scale(value), label: fmtTick(value) }));
}

/** Powers of ten in the domain, with 2 and 5 between them when there are too few. */
export function logTicks(scale: d3.ScaleLogarithmic<number, number>, max = 5): Tick[] {
  const [lo, hi] = scale.domain();
  const a = Math.floor(Math.log10(lo));
  const b = Math.ceil(Math.log10(hi));
  const values: number[] = [];
  const steps = b - a <= 1 ? [1, 2, 5] : b - a <= 2 ? [1, 3] : [1];
  for (let e = a; e <= b; e++) {
    for (const m of steps) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) values.push(Number(v.toPrecision(6)));
    }
  }
  let shown = values;
  if (values.length > max) {
    const every = Math.ceil(values.length / max);
    shown = values.filter((_, i) => i % every === 0);
  }
  return shown.map((value) => ({ value, pos: scale(value), label: fmtTick(value) }));
}

/** A y scale from 0 (linear) or from the smallest positive value (log) to the largest. */
export function valueScale(
  log: boolean,
  lo: number,
  hi: number,
  range: [number, number],
):
  | { log: false; scale: d3.ScaleLinear<number, number>; floor: number }
  | { log: true; scale: d3.ScaleLogarithmic<number, number>; floor: number } {
  if (log) {
    const a = Number.isFinite(lo) && lo > 0 ? lo : 1;
    const b = Number.isFinite(hi) && hi > a ? hi : a * 10;
    const scale = d3.scaleLog().domain([a, b]).range(range).nice().clamp(true);
    return { log: true, scale, floor: scale.domain()[0] };
  }
  const top = Number.isFinite(hi) && hi > 0 ? hi * 1.05 : 1;
  const scale = d3.scaleLinear().domain([0, top]).range(range).nice(4);
  return { log: false, scale, floor: -Infinity };
}

/** Index of the sample whose time is nearest to t (t ascending), or -1 when there is none. */
export function nearestIndex(t: ArrayLike<number>, n: number, value: number): number {
  if (n === 0) return -1;
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  if (lo > 0 && Math.abs(t[lo - 1] - value) <= Math.abs(t[lo] - value)) return lo - 1;
  return lo;
}

/** The value at cumulative level p by linear interpolation of (levels, values), or NaN. */
export function quantileAt(
  levels: ArrayLike<number>,
  values: ArrayLike<number>,
  p: number,
): number {
  const n = Math.min(levels.length, values.length);
  if (n === 0) return NaN;
  if (p <= levels[0]) return values[0];
  for (let i = 1; i < n; i++) {
    if (levels[i] >= p) {
      const f = (p - levels[i - 1]) / (levels[i] - levels[i - 1] || 1);
      return values[i - 1] + f * (values[i] - values[i - 1]);
    }
  }
  return values[n - 1];
}

/** The fraction ≤ x by linear interpolation of the (values, levels) points; 0 below, last above. */
export function fractionAt(
  levels: ArrayLike<number>,
  values: ArrayLike<number>,
  x: number,
): number {
  const n = Math.min(levels.length, values.length);
  if (n === 0) return NaN;
  if (x < values[0]) return 0;
  let i = n - 1;
  while (i > 0 && values[i] > x) i--;
  // values[i] ≤ x: take the highest level at that value, then interpolate towards the next one.
  if (i === n - 1) return levels[n - 1];
  const x0 = values[i];
  const x1 = values[i + 1];
  const f = x1 > x0 ? (x - x0) / (x1 - x0) : 0;
  return levels[i] + f * (levels[i + 1] - levels[i]);
}

/** The theoretical CDF (ms) of queue wait or end-to-end latency, or null unless M/M/c applies. */
export function mmcCdf(
  theory: TheoryBlock | null | undefined,
  which: 'e2e' | 'wait',
): ((t: number) => number) | null {
  if (!theory || !theory.model.startsWith('M/M/')) return null;
  const input = {
    lambdaPerMs: theory.arrivalPerSec / 1000,
    serviceMeanMs: theory.serviceMeanMs,
    servers: theory.servers,
  };
  return theoryCdf(input, which);
}

/** A unit for a latency axis: milliseconds, or seconds once values reach a few seconds. */
export function latencyUnit(maxMs: number): { unit: 'ms' | 's'; perMs: number } {
  return maxMs >= 2000 ? { unit: 's', perMs: 1 / 1000 } : { unit: 'ms', perMs: 1 };
}

let uid = 0;
/** A page-unique id for aria wiring. */
export function uniqueId(prefix: string): string {
  uid += 1;
  return `${prefix}-${uid}`;
}
