// One scenario loaded in the engine worker: the run, its event log and live metrics, and the
// scenario text with every live fault recorded in it. A live fault does not poke the running
// engine: it goes into the scenario's `faults` timeline just after the current time and the run
// is replayed up to here, so a reset or a shared link reproduces exactly what the user saw.
// A seek back replays the same way, from the nearest checkpoint: a run is a pure function of
// its scenario and seed.

import {
  Ev,
  Simulation,
  NotRunnableError,
  BudgetExceededError,
  parseScenarioText,
  validateScenario,
} from '../../sim-core/index';
import type { Report, Scenario, ValidationError } from '../../sim-core/index';
import { EventLog } from './event-log';
import { LiveMetrics, distribution, liveTheory, nodeState } from './live-metrics';
import { topologyModel } from './topology-model';
import { MessageClasses } from './message-classes';
import { latencyStats, nodeStats } from './node-stats';
import { AnomalyRecorder } from './anomaly-recorder';
import { appendFault } from './append-fault';
import { CHECKPOINT_EVERY, Checkpoints } from './checkpoints';
import type {
  AnomalyList,
  Frame,
  Lifecycle,
  LiveFault,
  LoadResult,
  SeriesPoints,
  TopologyModel,
} from '../shared/protocol';

/** A message's life shows the lives it led to this many emits deep, and this many at most. */
const CHAIN_DEPTH = 4;
const CHAIN_LIVES = 16;

/** Events a seek's frame carries: the latest ones, for the event log (none are animated). */
const SEEK_EVENTS = 80;
/** The engine runs in slices of this many events: budgets and checkpoints are looked at between. */
const SLICE_EVENTS = 20_000;

export interface AdvanceOptions {
  /** Stop after this much wall time (ms) even if untilUs is not reached (keeps frames small). */
  budgetMs?: number;
  /** Send the events of 1 message in N (1: all); a power of two, so samples nest. */
  sampleEvery?: number;
  /** Sample more thinly if need be so a frame carries about this many events at most. */
  maxEvents?: number;
  /** Record only the sampled messages' histories while running (at "max"). */
  logSampledOnly?: boolean;
  /** Include the cumulative latency distribution (costs a scan of the histograms). */
  withDistribution?: boolean;
}

type Built = { ok: true; scenario: Scenario } | { ok: false; errors: ValidationError[] };

function build(text: string, fileName: string): Built {
  const parsed = parseScenarioText(text, fileName);
  if (!parsed.ok) return parsed;
  return validateScenario(parsed.value);
}

export class LabSession {
  private text = '';
  private fileName = 'scenario.yaml';
  private scenario!: Scenario;
  private seed = 0;
  private sim!: Simulation;
  private log!: EventLog;
  private live!: LiveMetrics;
  private anomalies!: AnomalyRecorder;
  private checkpoints!: Checkpoints;
  private model!: TopologyModel;
  private sentIndex = 0;
  /** The sample the log keeps while logSampledOnly (the last frame's). */
  private logSample = 1;
  /** Wall time spent running the engine and building frames (for the lab benchmark). */
  readonly timing = { engineMs: 0, frameMs: 0, frames: 0 };

  /** `checkpointEvery`: engine events between seek checkpoints (tests make it small). */
  constructor(private readonly checkpointEvery = CHECKPOINT_EVERY) {}

  /** Parses and validates a scenario and starts a fresh run (paused at time 0). */
  load(text: string, fileName: string, seed?: number): LoadResult {
    const built = build(text, fileName);
    if (!built.ok) return built;
    const seedToUse = seed ?? built.scenario.seed;
    const started = this.start(built.scenario, seedToUse);
    if (started) return { ok: false, errors: started };
    this.text = text;
    this.fileName = fileName;
    return this.loaded();
  }

  /** Starts the same scenario again (optionally with another seed). */
  reset(seed?: number): LoadResult {
    const problems = this.start(this.scenario, seed ?? this.seed);
    return problems ? { ok: false, errors: problems } : this.loaded();
  }

  /** Runs until simulated time untilUs (or the wall-time budget) and returns what happened. */
  advanceTo(untilUs: number, options: AdvanceOptions = {}): Frame {
    const t0 = performance.now();
    this.log.sampleMask = options.logSampledOnly ? this.logSample - 1 : 0;
    this.runTo(untilUs, options.budgetMs);
    const t1 = performance.now();
    const frame = this.frame(options);
    this.timing.engineMs += t1 - t0;
    this.timing.frameMs += performance.now() - t1;
    this.timing.frames++;
    return frame;
  }

  /** Runs until at least one event happens: the lab's single step. */
  step(options: AdvanceOptions = {}): Frame {
    const before = this.log.total;
    for (let i = 0; i < 10_000 && this.log.total === before && !this.sim.done; i++)
      this.sim.advance(Infinity, 1);
    return this.frame(options);
  }

  /** Runs to the end: the report is the CLI's for the same scenario and seed. */
  finish(options: AdvanceOptions = {}): Frame {
    return this.advanceTo(Infinity, options);
  }

  /**
   * Records a fault into the scenario one microsecond after `atUs` (the time the user saw when
   * clicking, at most the engine's current time) and replays the run up to `atUs`. Events after
   * `atUs` that were already sent are void: the caller drops them and takes frames from here.
   */
  addFault(
    fault: LiveFault,
    atUs: number,
  ): { ok: true; text: string } | { ok: false; errors: ValidationError[] } {
    const clickUs = Math.max(0, Math.min(Math.floor(atUs), this.sim.nowUs));
    const entry = { at: `${clickUs + 1}us`, ...fault } as Record<string, unknown>;
    for (const k of ['restart', 'for'] as const)
      if (typeof entry[k] === 'number') entry[k] = `${entry[k]}ms`;
    const text = appendFault(this.text, this.fileName, entry);
    const built = build(text, this.fileName);
    if (!built.ok) return built;
    const problems = this.start(built.scenario, this.seed);
    if (problems) return { ok: false, errors: problems };
    this.text = text;
    this.runTo(clickUs);
    this.sentIndex = this.log.total;
    this.live.takePoints(clickUs); // sampled before the click: the caller has them
    return { ok: true, text };
  }

  /**
   * Moves the run to simulated time `toUs`, forwards or back. Back is a replay of the same
   * scenario (with its recorded faults) and seed from the nearest checkpoint, so it lands on
   * exactly the state the run had there: the same trace hash so far. The frame carries the whole series up to `toUs` and
   * the latest events for the event log; nothing in flight is animated.
   */
  seek(toUs: number, options: AdvanceOptions = {}): Frame {
    const target = Math.max(0, Math.floor(toUs));
    this.log.sampleMask = 0;
    if (target < this.sim.nowUs) {
      const back = this.checkpoints.restore(target);
      this.sim = back.sim;
      this.live = back.live;
      this.anomalies = back.anomalies;
    }
    this.runTo(target);
    this.sentIndex = Math.max(this.log.firstIndex, this.log.total - SEEK_EVENTS);
    const all = this.live.pointsUpTo(this.sim.nowUs);
    return this.frame({ ...options, sampleEvery: 1, withDistribution: true }, all);
  }

  /** The anomalies kept, from index `from` on (the frames say how many there are). */
  anomalyList(from = 0): AnomalyList {
    return { from, entries: this.anomalies.entries.slice(from) };
  }

  /** The whole run's report, computed in a fresh run: the CLI's report for this text and seed. */
  fullReport(): Report {
    return new Simulation(this.scenario, { seed: this.seed }).run();
  }

  /**
   * Every kept event of one message (`producer:sequence`), oldest first, with the message whose
   * processing published it and, a few levels deep, the lives of those its processings published
   * (an event-driven chain). One pass over the log per level.
   */
  lifecycle(id: string): Lifecycle | null {
    const colon = id.lastIndexOf(':');
    const sender = this.model.senders.findIndex((x) => x.name === id.slice(0, colon));
    const seq = Number(id.slice(colon + 1));
    if (colon < 0 || sender < 0 || !Number.isInteger(seq)) return null;
    const log = this.log;
    const life = (m: { sender: number; seq: number }, indices: number[]): Lifecycle => ({
      id: `${this.model.senders[m.sender].name}:${m.seq}`,
      entries: indices.map((i) => log.entry(i)),
      keptFromUs: log.keptFromUs,
      partial: log.partial,
      parent: null,
      children: [],
    });
    const first = { sender, seq };
    const firstIndices = log.eventsOf([first])[0];
    const root = life(first, firstIndices);
    root.parent = this.publishedBy(sender, firstIndices);
    let level = [{ life: root, indices: firstIndices }];
    let shown = 1;
    for (let depth = 0; depth < CHAIN_DEPTH && level.length > 0 && shown < CHAIN_LIVES; depth++) {
      const kids: Array<{ parent: Lifecycle; m: { sender: number; seq: number } }> = [];
      for (const { life: parent, indices } of level)
        for (const i of indices) {
          const e = log.entry(i);
          if (e.kind !== Ev.processed && e.kind !== Ev.reprocessed) continue;
          const emitter = this.emitterOf(this.model.instances[e.where].consumer);
          if (emitter < 0) continue;
          for (const j of log.emittedAfter(i, emitter))
            if (shown + kids.length < CHAIN_LIVES) kids.push({ parent, m: log.messageOf(j) });
        }
      if (kids.length === 0) break; // no emits: no pass over the log for nothing
      const found = log.eventsOf(kids.map((k) => k.m));
      level = kids.map((k, n) => {
        const child = life(k.m, found[n]);
        child.parent = k.parent.id;
        k.parent.children.push(child);
        return { life: child, indices: found[n] };
      });
      shown += kids.length;
    }
    return root;
  }

  /** The sender index a consumer publishes onward as, or −1. */
  private emitterOf(consumer: number): number {
    return this.model.senders.findIndex((x) => x.kind === 'consumer' && x.consumer === consumer);
  }

  /** The message whose processing published this one (its first publish's), or null. */
  private publishedBy(sender: number, indices: number[]): string | null {
    if (this.model.senders[sender].kind !== 'consumer') return null;
    const publish = indices.find((i) => this.log.entry(i).kind === Ev.published);
    if (publish === undefined) return null;
    const p = this.log.processingBefore(publish);
    if (p < 0) return null;
    const consumer = this.model.instances[this.log.entry(p).where].consumer;
    if (this.emitterOf(consumer) !== sender) return null;
    const m = this.log.messageOf(p);
    return `${this.model.senders[m.sender].name}:${m.seq}`;
  }

  /** A fresh run of a scenario: nothing recorded yet. */
  private start(scenario: Scenario, seed: number): ValidationError[] | null {
    try {
      const classes = this.run(scenario, seed);
      this.scenario = scenario;
      this.seed = seed;
      this.model = topologyModel(this.sim.state, this.sim.endUs, classes);
      return null;
    } catch (e) {
      if (e instanceof NotRunnableError) return e.errors;
      if (e instanceof BudgetExceededError) return [{ path: 'limits', message: e.message }];
      throw e;
    }
  }

  /**
   * Runs to simulated time `untilUs` in slices, offering a checkpoint after each; stops early
   * once `budgetMs` of wall time is spent (the next call goes on from there).
   */
  private runTo(untilUs: number, budgetMs = Infinity): void {
    // Whole µs, as the engine's clock: a fractional target would never be reached exactly.
    untilUs = Math.floor(untilUs);
    const sim = this.sim;
    const t0 = performance.now();
    for (;;) {
      const before = sim.events;
      sim.advance(untilUs, SLICE_EVENTS);
      this.checkpoints.offer({ sim, live: this.live, anomalies: this.anomalies });
      // A whole slice may have stopped inside an instant: only a shorter one reached the time.
      if (sim.done || sim.events - before < SLICE_EVENTS) return;
      if (performance.now() - t0 >= budgetMs) return;
    }
  }

  private run(scenario: Scenario, seed: number): MessageClasses {
    const live = new LiveMetrics();
    const anomalies = new AnomalyRecorder();
    const log = new EventLog();
    // The recorder reads the collector's counters, so it must come after it (the collector is
    // always the run's first observer).
    const sim = new Simulation(scenario, { seed, observers: [log, anomalies], samplers: [live] });
    live.attach(sim);
    anomalies.attach(sim);
    const classes = new MessageClasses(sim.state);
    log.colourWith(classes);
    this.sim = sim;
    this.log = log;
    this.live = live;
    this.anomalies = anomalies;
    this.sentIndex = 0;
    const shared = new Set([scenario, log, live.kept, anomalies.entries, anomalies.counts]);
    this.checkpoints = new Checkpoints(log, shared, this.checkpointEvery);
    this.checkpoints.offer({ sim, live, anomalies }); // at time 0: a seek back before any other replays from here
    return classes;
  }

  private loaded(): LoadResult {
    return {
      ok: true,
      model: this.model,
      scenarioText: this.text,
      name: this.scenario.name,
      description: this.scenario.description,
      seed: this.seed,
    };
  }

  /** What happened since the last frame; `series`: the points it carries (the new ones). */
  private frame(
    options: AdvanceOptions,
    series: SeriesPoints = this.live.takePoints(this.sim.nowUs),
  ): Frame {
    const sim = this.sim;
    let sampleEvery = powerOfTwoAtLeast(options.sampleEvery ?? 1);
    const pending = this.log.total - this.sentIndex;
    if (options.maxEvents !== undefined && pending > options.maxEvents)
      sampleEvery = Math.max(sampleEvery, powerOfTwoAtLeast(pending / options.maxEvents));
    // The next stretch at "max" records about what this frame needed to send.
    this.logSample = sampleEvery;
    const events = this.log.slice(this.sentIndex, sampleEvery);
    this.sentIndex = this.log.total;
    return {
      nowUs: sim.nowUs,
      done: sim.done,
      engineEvents: sim.events,
      events,
      sampleEvery,
      state: nodeState(sim.state, sim.nowUs),
      series,
      // Time without a leader is a gauge of the engine, folded into the totals at the end.
      totals: {
        ...sim.collector.totals,
        unavailableMs: sim.state.cluster.unavailableUsAt(sim.nowUs) / 1000,
      },
      stats: nodeStats(sim),
      latency: options.withDistribution || sim.done ? latencyStats(sim) : null,
      distribution: options.withDistribution || sim.done ? distribution(sim) : null,
      theory: liveTheory(sim),
      traceHash: sim.traceHash,
      report: sim.done ? sim.report() : null,
      anomalyCount: this.anomalies.entries.length,
      anomalyCounts: [...this.anomalies.counts],
    };
  }
}

/** Powers of two make samples nest: a message kept at 1 in 128 is kept at 1 in 64 too. */
export function powerOfTwoAtLeast(x: number): number {
  let p = 1;
  while (p < x && p < 2 ** 30) p *= 2;
  return p;
}
