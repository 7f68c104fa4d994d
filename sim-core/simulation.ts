// A run: the engine, its observers (metrics collector, trace hash, any caller's), time-series
// sampling and run control. Callers advance it in slices (the CLI shows progress, the UI paces
// playback) or run it to the end; either way the same events happen in the same order.

import { Engine } from './model/engine';
import type { EventKind, SimObserver } from './model/events';
import type { Scenario } from './scenario/types';
import type { MessageStore } from './model/messages';
import { Collector } from './metrics/collector';
import { TraceHash } from './metrics/trace-hash';
import { buildReport } from './report';
import type { Report } from './report';
import { toUs } from './model/runtime';
import { checkRunnable } from './model/support';
import { checkEventBudget } from './model/estimate';
import { BudgetExceededError } from './kernel/errors';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Extra observers of the event stream (trace file, UI animation). */
  observers?: SimObserver[];
  /** Called at each sampling instant only (cheaper than an observer that ignores events). */
  samplers?: Array<{ onSample(timeUs: number): void }>;
}

/**
 * Feeds the trace hash. Each event is folded into two 32-bit words (kind, where and message id;
 * time and aux) before mixing: four times cheaper than mixing every field, and any single
 * differing field still changes the hash.
 */
class HashObserver implements SimObserver {
  readonly hash = new TraceHash();
  private msgs!: MessageStore;
  attach(engine: Engine): void {
    this.msgs = engine.msgs;
  }
  onEvent(kind: EventKind, timeUs: number, s: number, where: number, aux: number): void {
    const m = this.msgs;
    let id = Math.imul(kind, 0x9e3779b1) ^ Math.imul(where + 1, 0x85ebca77);
    if (s >= 0) id ^= Math.imul(m.producer[s] + 1, 0xc2b2ae3d) + Math.imul(m.seq[s], 0x27d4eb2f);
    const hi = Math.floor(timeUs / 4294967296);
    let t = (timeUs >>> 0) ^ Math.imul(hi, 0x165667b1);
    if (aux !== 0)
      t ^= Math.imul(aux >>> 0, 0xd3a2646c) ^ Math.imul(Math.floor(aux / 4294967296), 0xfd7046c5);
    this.hash.mixInt(id);
    this.hash.mixInt(t);
  }
}

/** Hands each event to the collector, the trace hash and any caller's observers, in that order. */
class Observers implements SimObserver {
  collector!: Collector;
  constructor(
    private readonly hasher: HashObserver,
    private readonly extra: SimObserver[],
    private readonly samplers: Array<{ onSample(timeUs: number): void }>,
  ) {}
  onEvent(kind: EventKind, timeUs: number, s: number, where: number, aux: number): void {
    this.collector.onEvent(kind, timeUs, s, where, aux);
    this.hasher.onEvent(kind, timeUs, s, where, aux);
    const extra = this.extra;
    for (let i = 0; i < extra.length; i++) extra[i].onEvent(kind, timeUs, s, where, aux);
  }
  onSample(timeUs: number): void {
    this.collector.onSample(timeUs);
    for (const o of this.extra) o.onSample?.(timeUs);
    for (const o of this.samplers) o.onSample(timeUs);
  }
}

export class Simulation {
  readonly engine: Engine;
  readonly collector: Collector;
  readonly seed: number;
  /** End of the run in µs: the duration, or Infinity for an uncapped drained run. */
  readonly endUs: number;
  private readonly hasher: HashObserver;
  private readonly observer: Observers;
  private nextSampleUs: number;
  private finishedAtUs = -1;

  constructor(
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    checkRunnable(scenario);
    checkEventBudget(scenario);
    this.seed = options.seed ?? scenario.seed;
    this.endUs = scenario.duration === null ? Infinity : toUs(scenario.duration);
    this.hasher = new HashObserver();
    const sampleEveryUs = chooseSampleEvery(scenario);
    this.observer = new Observers(
      this.hasher,
      [...(options.observers ?? [])],
      [...(options.samplers ?? [])],
    );
    const engine = new Engine(scenario, this.seed, this.observer);
    this.engine = engine;
    this.hasher.attach(engine);
    this.collector = new Collector(engine, sampleEveryUs);
    this.observer.collector = this.collector;
    this.nextSampleUs = sampleEveryUs;
  }

  get nowUs(): number {
    return this.engine.kernel.nowUs;
  }

  /** The trace hash of the events so far (the report's traceHash once the run has finished). */
  get traceHash(): string {
    return this.hasher.hash.hex();
  }

  get done(): boolean {
    return this.finishedAtUs >= 0;
  }

  /**
   * Runs events up to simulated time untilUs (inclusive, rounded down to a whole µs), or until
   * maxSteps events have run.
   * Returns true once the whole run has finished.
   */
  advance(untilUs: number, maxSteps = Infinity): boolean {
    // The clock is an integer count of µs: a fractional target (a UI's wall-clock pacing) would
    // leave it between two sampling instants for ever.
    untilUs = Math.floor(untilUs);
    const k = this.engine.kernel;
    let steps = maxSteps;
    // The run covers [0, duration): events at exactly `duration` do not run.
    const lastUs = this.endUs - 1;
    while (!this.done) {
      const sampleAt = this.nextSampleUs;
      const target = Math.min(untilUs, lastUs, sampleAt - 1);
      if (target >= k.nowUs) {
        const before = k.events;
        const reason = k.run(this.engine, target, steps);
        steps -= k.events - before;
        if (reason === 'steps') return false;
        if (reason === 'halted') return this.finish(k.nowUs);
        if (reason === 'idle') {
          // Nothing can happen any more: a drained run ends here; a timed one lets the clock run on.
          if (this.scenario.until === 'drained' || this.endUs === Infinity)
            return this.finish(k.nowUs);
          k.nowUs = target;
        }
      }
      if (k.nowUs === sampleAt - 1 && sampleAt <= this.endUs && untilUs >= sampleAt) {
        k.nowUs = sampleAt;
        this.observer.onSample(sampleAt);
        this.nextSampleUs += this.collector.series.everyUs;
        continue;
      }
      if (k.nowUs >= lastUs) return this.finish(this.endUs);
      if (k.nowUs >= untilUs) return false;
    }
    return true;
  }

  /** Runs to the end and returns the report. */
  run(wallClockMs: () => number = () => 0): Report {
    const t0 = wallClockMs();
    this.advance(Infinity);
    return this.report(wallClockMs() - t0);
  }

  report(wallMs = 0): Report {
    if (!this.done) throw new Error('the run has not finished');
    return buildReport(
      this.engine,
      this.collector,
      this.finishedAtUs,
      this.hasher.hash.hex(),
      wallMs,
    );
  }

  private finish(atUs: number): true {
    this.engine.kernel.nowUs = atUs;
    this.finishedAtUs = atUs;
    return true;
  }
}

/** The sampling interval: as given, or duration/200, or an estimate for open-ended runs. */
function chooseSampleEvery(s: Scenario): number {
  if (s.sampleEvery !== null) return Math.max(1, toUs(s.sampleEvery));
  if (s.duration !== null) return Math.max(1, Math.round(toUs(s.duration) / 200));
  return 10_000; // 10 ms; the series coarsens itself as the run goes on
}

export { BudgetExceededError };
