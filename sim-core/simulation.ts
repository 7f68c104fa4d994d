// A run: the engine, its observers (metrics collector, trace hash, any caller's), time-series
// sampling and run control. Callers advance it in slices (the CLI shows progress, the UI paces
// playback) or run it to the end; either way the same events happen in the same order.

import { groupLag } from './model/log-state';
import { Engine } from './model/engine';
import type { SimObserver } from './model/events';
import type { State } from './model/state';
import type { Fault, Scenario } from './scenario/types';
import { Collector } from './metrics/collector';
import { Merge, Series } from './metrics/series';
import type { Point } from './metrics/series';
import { buildReport } from './report';
import type { Report } from './report';
import { msToUs } from './time';
import { checkRunnable } from './model/support';
import { checkEventBudget } from './model/estimate';
import { runNames } from './names';
import { buildTopology } from './model/topology';
import type { RunNames } from './names';

export interface RunOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Extra observers of the event stream (trace file, UI animation). */
  observers?: SimObserver[];
  /** Called at each sampling instant only (cheaper than an observer that ignores events). */
  samplers?: Array<{ onSample(timeUs: number): void }>;
  /** Check the engine's own bookkeeping as it runs (tests): slower; a broken book throws. */
  checkInvariants?: boolean;
}

export class Simulation {
  readonly engine: Engine;
  readonly collector: Collector;
  readonly series: Series;
  readonly seed: number;
  /** Names of every indexed entity, for reading events. */
  readonly names: RunNames;
  /** End of the run in µs: the duration, or Infinity for an uncapped drained run. */
  readonly endUs: number;
  private readonly observers: SimObserver[];
  private readonly samplers: Array<{ onSample(timeUs: number): void }>;
  private nextSampleUs: number;
  private lastSampleUs = 0;
  private finishedAtUs = -1;
  private depthColumns: Point[][] | null = null;
  private lagColumns: Point[][] | null = null;
  private rateColumns: Point[][] | null = null;
  private latencyP50: Point[] | null = null;
  private latencyP99: Point[] | null = null;
  /** p50 and p99 of the last interval (µs), reused by every sample. */
  private readonly latencyQuantiles = new Float64Array(2);

  constructor(
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    checkRunnable(scenario);
    checkEventBudget(scenario);
    this.seed = options.seed ?? scenario.seed;
    this.endUs = scenario.duration === null ? Infinity : msToUs(scenario.duration);
    this.names = runNames(scenario);
    this.collector = new Collector({
      queues: this.names.queues.length,
      consumers: scenario.consumers.length,
      senders: this.names.senders.length,
      keySlots: Math.max(
        0,
        ...scenario.producers.map((p) => (p.keys.kind === 'none' ? 0 : p.keys.count)),
      ),
      warmupUs: msToUs(scenario.warmup),
      emitters: scenario.consumers.some((c) => c.emit.length > 0),
      channels: scenario.channels.length,
      priorities: scenario.producers.some((p) => p.priority !== null),
      requesters: scenario.producers.map((p) => p.request !== null),
      deadLetterTo: deadLetterTargets(scenario),
    });
    this.observers = [this.collector, ...(options.observers ?? [])];
    this.samplers = [...(options.samplers ?? [])];
    this.engine = new Engine(scenario, this.seed, this.observers, {
      checkInvariants: options.checkInvariants,
    });
    const sampleEveryUs = chooseSampleEvery(scenario);
    this.series = new Series(sampleEveryUs);
    this.nextSampleUs = sampleEveryUs;
  }

  /** The engine's state, for snapshots (the lab's node view, tests): read it, never write it. */
  get state(): State {
    return this.engine.state;
  }

  get nowUs(): number {
    return this.engine.kernel.nowUs;
  }

  /** Events handled so far. */
  get events(): number {
    return this.engine.kernel.events;
  }

  /** The trace hash of the events so far (the report's traceHash once the run has finished). */
  get traceHash(): string {
    return this.engine.traceHex();
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
        this.sample(sampleAt);
        this.nextSampleUs += this.series.everyUs;
        continue;
      }
      if (k.nowUs >= lastUs) return this.finish(this.endUs);
      if (k.nowUs >= untilUs) return false;
    }
    return true;
  }

  /**
   * A port: publishes one message from the producer now, through the real publish path (its
   * keys, size, confirms and network), as if its arrival process had fired.
   */
  publish(producerId: string): void {
    const index = this.scenario.producers.findIndex((p) => p.id === producerId);
    if (index < 0) throw new RangeError(`publish: no producer "${producerId}"`);
    this.engine.publishNow(index);
  }

  /**
   * A port: adds a fault (`at` in ms, not before now). One due now starts at once, before
   * anything else at this instant; a later one is scheduled like the scenario's own faults.
   */
  injectFault(fault: Fault): void {
    this.engine.injectFault(fault);
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
      this.engine.state,
      this.collector,
      this.series,
      this.finishedAtUs,
      this.events,
      this.engine.traceHex(),
      wallMs,
    );
  }

  /**
   * The report's series (depth per queue, completions per consumer, end-to-end latency of the
   * interval's completions), then everyone else's.
   */
  private sample(timeUs: number): void {
    const st = this.engine.state;
    const sr = this.series;
    const dtSec = (timeUs - this.lastSampleUs) / 1e6;
    this.lastSampleUs = timeUs;
    sr.t.push(timeUs / 1000);
    // Columns looked up once: a 10,000-consumer run samples 200 times.
    this.depthColumns ??= st.queues.map((q) => sr.column(`${q.name}.depth`));
    this.rateColumns ??= this.scenario.consumers.map((c) => sr.column(`${c.id}.processedPerSec`));
    for (let q = 0; q < st.queues.length; q++) this.depthColumns[q].push(st.queues[q].depth);
    // A log group's lag (Kafka's: log end minus committed offset), beside its unprocessed copies.
    this.lagColumns ??= st.groups.map((g) => sr.column(`${st.queues[g.target].name}.lag`));
    for (let g = 0; g < st.groups.length; g++) this.lagColumns[g].push(groupLag(st.groups[g]));
    for (let i = 0; i < this.rateColumns.length; i++) {
      const cs = this.collector.consumerStats[i];
      this.rateColumns[i].push(dtSec > 0 ? cs.sinceSample / dtSec : 0);
      cs.sinceSample = 0;
    }
    this.sampleLatency();
    if (sr.t.length >= Series.MAX_POINTS) sr.coarsen(mergeOf);
    for (const o of this.observers) o.onSample?.(timeUs);
    for (const o of this.samplers) o.onSample(timeUs);
  }

  /**
   * End-to-end latency of the interval's completions (the collector's window over its
   * end-to-end histogram, read and marked here). No completion: null (JSON has no NaN).
   */
  private sampleLatency(): void {
    const w = this.collector.endToEndWindow;
    this.latencyP50 ??= this.series.column(LATENCY_P50);
    this.latencyP99 ??= this.series.column(LATENCY_P99);
    if (w.count === 0) {
      this.latencyP50.push(null);
      this.latencyP99.push(null);
      return;
    }
    const q = this.latencyQuantiles;
    w.takeQuantiles(0.5, 0.99, q);
    this.latencyP50.push(q[0] / 1000);
    this.latencyP99.push(q[1] / 1000);
  }

  private finish(atUs: number): true {
    this.engine.kernel.nowUs = atUs;
    this.finishedAtUs = atUs;
    return true;
  }
}

/** The series' latency columns: p50 and p99 end-to-end latency (ms) per sampling interval. */
const LATENCY_P50 = 'latencyP50';
const LATENCY_P99 = 'latencyP99';

/**
 * How two adjacent points of a column merge when the series coarsens: levels keep the later
 * sample, rates average, and a latency quantile keeps the larger, which bounds the merged
 * interval's quantile from above (it lies between the two).
 */
function mergeOf(name: string): Merge {
  if (name === LATENCY_P50 || name === LATENCY_P99) return Merge.larger;
  return name.endsWith('PerSec') ? Merge.mean : Merge.later;
}

/** Per internal queue, the channel its dead letters go to (−1: it discards them, or has none). */
function deadLetterTargets(s: Scenario): number[] {
  const topo = buildTopology(s);
  return topo.queues.map((q) => {
    const to = q.options.deadLetter;
    return to === null ? -1 : (topo.channelIndex.get(to) ?? -1);
  });
}

/** The sampling interval: as given, or duration/200, or an estimate for open-ended runs. */
function chooseSampleEvery(s: Scenario): number {
  if (s.sampleEvery !== null) return Math.max(1, msToUs(s.sampleEvery));
  if (s.duration !== null) return Math.max(1, Math.round(msToUs(s.duration) / 200));
  return 10_000; // 10 ms; the series coarsens itself as the run goes on
}
