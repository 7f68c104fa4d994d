// One run on screen: its engine worker, the frames fetched ahead of what is shown, and the state
// the views read. Frames are applied by simulated time as the playback clock passes them, so
// the canvas, counters and charts all show the same instant.

import type { Report, Totals, TheoryBlock, ValidationError } from '../../sim-core/index';
import type {
  AnomalyEntry,
  Distribution,
  EventColumns,
  Frame,
  LatencyStats,
  LiveFault,
  NodeState,
  NodeStats,
  TopologyModel,
} from '../shared/protocol';
import { startEngine } from './engine-client';
import type { EngineClient } from './engine-client';
import { SeriesStore } from './series-store';
import { eventAnomaly } from './anomalies';

/** Where a run's events go to be drawn (the topology animator). */
export interface EventSink {
  onEvents(events: EventColumns, from: number, to: number): void;
  clear(): void;
}

/** What the dots are coloured by: delivery state, or the message's routing key or priority. */
export type DotColouring = 'state' | 'routingKey' | 'priority';

/** Per-node numbers are shown at most this often (ms of wall time). */
const STATS_EVERY_MS = 250;

/** Events kept for the event log. */
const RECENT = 80;

interface Pending {
  frame: Frame;
  /** Next event and series point to apply. */
  event: number;
  point: number;
}

export class RunView {
  model = $state.raw<TopologyModel | null>(null);
  name = $state('');
  description = $state('');
  fileName = $state('scenario.yaml');
  seed = $state(42);
  scenarioText = $state('');
  errors = $state.raw<ValidationError[]>([]);
  nodes = $state.raw<NodeState | null>(null);
  totals = $state.raw<Totals | null>(null);
  /** Per consumer, queue and exchange, as of the frame shown. */
  stats = $state.raw<NodeStats | null>(null);
  /** Latency per consumer and priority, refreshed a few times a second. */
  latency = $state.raw<LatencyStats | null>(null);
  /** Set from the lesson on load; the legend switches it. */
  colourBy = $state<DotColouring>('state');
  theory = $state.raw<TheoryBlock | null>(null);
  distribution = $state.raw<Distribution | null>(null);
  report = $state.raw<Report | null>(null);
  traceHash = $state('');
  /** Simulated time of the frame shown (the trace hash is of the events up to it). */
  shownUs = $state(0);
  /** The furthest simulated time shown since the run started (a seek back keeps it). */
  horizonUs = $state(0);
  done = $state(false);
  seriesVersion = $state(0);
  /** Messages drawn: 1 in sampleEvery. */
  sampleEvery = $state(1);
  /** Anomalies found so far (up to the furthest time reached; a seek back keeps them). */
  anomalies = $state.raw<AnomalyEntry[]>([]);
  /** Per kind (ANOMALY_KINDS order), kept in the list or not. */
  anomalyCounts = $state.raw<number[]>([]);
  readonly series = new SeriesStore();
  sink: EventSink | null = null;
  /** The latest events shown, newest last (for the event log). */
  private readonly recentRing: Array<{ timeUs: number; kind: number; where: number; id: string }> =
    [];

  /** Simulated time the engine has reached (frames up to here are fetched). */
  fetchedUs = 0;
  private readonly engine: EngineClient = startEngine();
  private pending: Pending[] = [];
  private inFlight = 0;
  /** Bumped on load/reset/fault/seek: replies to older requests are ignored. */
  private epoch = 0;
  /** The time a seek is to land on next (null: none waiting), and whether one is running. */
  private seekTarget: number | null = null;
  private seeking = false;
  /** Bumped when the engine's anomaly record starts again (load, reset, fault), not on a seek. */
  private anomalyEpoch = 0;
  private fetchingAnomalies = false;
  private lastDistributionMs = 0;
  private lastShownMs = 0;
  private lastStatsMs = 0;

  get api() {
    return this.engine.api;
  }

  /** The number of requests the engine is working on (a seek holds every other one off). */
  get busy(): number {
    return this.seeking ? Infinity : this.inFlight;
  }

  async load(text: string, fileName: string, seed?: number): Promise<boolean> {
    this.epoch++;
    this.seekTarget = null;
    const r = await this.engine.api.load(text, fileName, seed);
    if (!r.ok) {
      this.errors = r.errors;
      return false;
    }
    this.fileName = fileName;
    this.scenarioText = r.scenarioText;
    this.name = r.name;
    this.description = r.description;
    this.seed = r.seed;
    this.colourBy = r.model.colourBy ?? 'state'; // a reset keeps the student's choice
    this.start(r.model);
    return true;
  }

  async reset(seed?: number): Promise<void> {
    this.epoch++;
    this.seekTarget = null;
    const r = await this.engine.api.reset(seed);
    if (!r.ok) {
      this.errors = r.errors;
      return;
    }
    this.seed = r.seed;
    this.start(r.model);
  }

  /** Asks the engine for the next stretch of the run; the frame is queued for the clock. */
  async fetch(untilUs: number, budgetMs: number, maxEvents?: number): Promise<void> {
    const epoch = this.epoch;
    this.inFlight++;
    const wantDistribution = performance.now() - this.lastDistributionMs > 300;
    if (wantDistribution) this.lastDistributionMs = performance.now();
    try {
      const frame = await this.engine.api.advanceTo(untilUs, {
        budgetMs,
        sampleEvery: this.sampleEvery,
        maxEvents,
        logSampledOnly: maxEvents !== undefined,
        withDistribution: wantDistribution,
      });
      if (epoch !== this.epoch) return;
      if (frame.sampleEvery > this.sampleEvery) this.sampleEvery = frame.sampleEvery;
      this.fetchedUs = frame.nowUs;
      this.pending.push({ frame, event: 0, point: 0 });
    } finally {
      if (epoch === this.epoch) this.inFlight--;
    }
  }

  /** Time of the next event not shown yet, or null if none is fetched. */
  nextEventUs(): number | null {
    for (const p of this.pending)
      if (p.event < p.frame.events.count) return p.frame.events.timeUs[p.event];
    return null;
  }

  /**
   * The first anomaly fetched but not shown yet, up to `untilUs` (see eventAnomaly), with its
   * ANOMALY_KINDS index, or null.
   */
  anomalyBefore(untilUs: number): { timeUs: number; kind: number } | null {
    for (const p of this.pending) {
      const ev = p.frame.events;
      for (let e = p.event; e < ev.count; e++) {
        const t = ev.timeUs[e];
        if (t > untilUs) return null;
        const kind = eventAnomaly(ev.kind[e], ev.aux[e]);
        if (kind >= 0) return { timeUs: t, kind };
      }
    }
    return null;
  }

  /** Runs one more event in the engine (when every fetched event is shown) and shows it. */
  async stepEngine(): Promise<number> {
    const epoch = this.epoch;
    const frame = await this.engine.api.step({ sampleEvery: 1, withDistribution: true });
    if (epoch !== this.epoch) return this.fetchedUs;
    this.fetchedUs = frame.nowUs;
    this.pending.push({ frame, event: 0, point: 0 });
    return frame.events.count > 0 ? frame.events.timeUs[frame.events.count - 1] : frame.nowUs;
  }

  /**
   * Shows everything up to simulated time `us`: events go to the sink, state to the views. With
   * `quietMs`, the views (counters, charts) are refreshed at most that often: at "max" the
   * engine needs the CPU more than the charts need refreshing at frame rate.
   */
  applyUpTo(us: number, quietMs = 0): void {
    let latest: Frame | null = null;
    while (this.pending.length > 0) {
      const p = this.pending[0];
      const f = p.frame;
      const ev = f.events;
      let e = p.event;
      while (e < ev.count && ev.timeUs[e] <= us) e++;
      if (e > p.event) {
        this.sink?.onEvents(ev, p.event, e);
        this.remember(ev, Math.max(p.event, e - RECENT), e);
      }
      p.event = e;
      const t = f.series.tMs;
      let k = p.point;
      while (k < t.length && t[k] * 1000 <= us) k++;
      if (k > p.point) this.series.append(slicePoints(f, p.point, k, this.series.depth.length));
      p.point = k;
      if (f.nowUs > us && !(f.done && e === ev.count && k === t.length)) break;
      if (f.distribution) this.distribution = f.distribution;
      if (f.latency) this.latency = f.latency;
      latest = f;
      this.pending.shift();
    }
    const now = performance.now();
    if (latest && (latest.done || now - this.lastShownMs >= quietMs)) {
      this.lastShownMs = now;
      this.showFrame(latest);
    }
  }

  /** The latest events shown, newest first. */
  recentEvents(): Array<{ timeUs: number; kind: number; where: number; id: string }> {
    return this.recentRing.slice().reverse();
  }

  private remember(ev: EventColumns, from: number, to: number): void {
    const senders = this.model?.senders ?? [];
    for (let i = from; i < to; i++) {
      const s = ev.sender[i];
      this.recentRing.push({
        timeUs: ev.timeUs[i],
        kind: ev.kind[i],
        where: ev.where[i],
        id: s >= 0 && senders[s] ? `${senders[s].name}:${ev.seq[i]}` : '',
      });
    }
    if (this.recentRing.length > RECENT) this.recentRing.splice(0, this.recentRing.length - RECENT);
  }

  /**
   * Shows the run at simulated time `us`, forwards or back (the engine replays to it). Calls
   * while one is running coalesce: a dragged slider lands on where it stopped, not on every
   * place it passed. Resolves once the latest target is shown.
   */
  async seek(us: number): Promise<void> {
    this.epoch++;
    this.pending = [];
    this.inFlight = 0;
    this.fetchedUs = us; // the clock waits here for the seek's frame
    this.seekTarget = us;
    if (this.seeking) return;
    this.seeking = true;
    try {
      while (this.seekTarget !== null) {
        const target = this.seekTarget;
        this.seekTarget = null;
        const epoch = this.epoch;
        const frame = await this.engine.api.seek(target);
        // Superseded by another seek (which loops on), or by a load, reset or fault (which stop it).
        if (epoch === this.epoch) this.showSeek(frame);
      }
    } finally {
      this.seeking = false;
    }
  }

  /** Time of the latest event shown (−1: none), for stepping back one instant. */
  latestEventUs(): number {
    return this.recentRing.length > 0 ? this.recentRing[this.recentRing.length - 1].timeUs : -1;
  }

  /** Rebuilds every view from a seek's frame: charts from the whole series, no dots in flight. */
  private showSeek(f: Frame): void {
    this.sink?.clear();
    this.series.reset(this.series.queueNames);
    this.series.append(f.series);
    this.recentRing.length = 0;
    this.remember(f.events, 0, f.events.count);
    this.distribution = f.distribution;
    this.latency = f.latency;
    this.report = null;
    this.stats = null; // shown now, not throttled
    this.fetchedUs = f.nowUs;
    this.showFrame(f);
  }

  /** Records a live fault at the time on screen; the engine replays to there. */
  async addFault(fault: LiveFault, atUs: number): Promise<boolean> {
    this.applyUpTo(atUs);
    this.epoch++;
    this.seekTarget = null;
    this.pending = [];
    this.inFlight = 0;
    // A fault read from reactive state (a lesson's Try button) is a proxy, which postMessage
    // cannot clone: send a plain copy.
    const r = await this.engine.api.addFault($state.snapshot(fault) as LiveFault, atUs);
    if (!r.ok) {
      this.errors = r.errors;
      return false;
    }
    this.scenarioText = r.text;
    this.fetchedUs = atUs;
    this.clearAnomalies(); // the run after the fault is another run: found again up to here
    return true;
  }

  async lifecycle(id: string) {
    return this.engine.api.lifecycle(id);
  }

  dispose(): void {
    this.engine.terminate();
  }

  private start(model: TopologyModel): void {
    this.pending = [];
    this.inFlight = 0;
    this.fetchedUs = 0;
    this.errors = [];
    this.model = model;
    this.nodes = null;
    this.totals = null;
    this.stats = null;
    this.latency = null;
    this.theory = null;
    this.distribution = null;
    this.report = null;
    this.done = false;
    this.traceHash = '';
    this.shownUs = 0;
    this.horizonUs = 0;
    this.series.reset(model.queues.map((q) => q.name));
    this.seriesVersion = this.series.version;
    this.sink?.clear();
    this.recentRing.length = 0;
    this.clearAnomalies();
  }

  private clearAnomalies(): void {
    this.anomalyEpoch++;
    this.anomalies = [];
    this.anomalyCounts = [];
  }

  /** Fetches the anomalies found since the last fetch (one request at a time). */
  private async fetchAnomalies(): Promise<void> {
    if (this.fetchingAnomalies) return;
    this.fetchingAnomalies = true;
    const epoch = this.anomalyEpoch;
    try {
      const list = await this.engine.api.anomalies(this.anomalies.length);
      if (epoch === this.anomalyEpoch && list.from === this.anomalies.length)
        this.anomalies = this.anomalies.concat(list.entries);
    } finally {
      this.fetchingAnomalies = false;
    }
  }

  private showFrame(f: Frame): void {
    this.seriesVersion = this.series.version;
    this.nodes = f.state;
    this.totals = f.totals;
    // Tables of per-node numbers need not redraw at frame rate: a few times a second will do.
    const now = performance.now();
    if (f.done || this.stats === null || now - this.lastStatsMs >= STATS_EVERY_MS) {
      this.stats = f.stats;
      this.lastStatsMs = now;
    }
    this.theory = f.theory;
    if (f.anomalyCounts.some((n, k) => n !== this.anomalyCounts[k]))
      this.anomalyCounts = f.anomalyCounts;
    if (f.anomalyCount > this.anomalies.length) void this.fetchAnomalies();
    this.traceHash = f.traceHash;
    this.shownUs = f.nowUs;
    if (f.nowUs > this.horizonUs) this.horizonUs = f.nowUs;
    if (f.report) this.report = f.report;
    this.done = f.done;
  }
}

function slicePoints(f: Frame, from: number, to: number, queues: number) {
  const s = f.series;
  return {
    tMs: s.tMs.subarray(from, to),
    e2eP50: s.e2eP50.subarray(from, to),
    e2eP90: s.e2eP90.subarray(from, to),
    e2eP99: s.e2eP99.subarray(from, to),
    waitP50: s.waitP50.subarray(from, to),
    waitP90: s.waitP90.subarray(from, to),
    waitP99: s.waitP99.subarray(from, to),
    inPerSec: s.inPerSec.subarray(from, to),
    outPerSec: s.outPerSec.subarray(from, to),
    depth: s.depth.subarray(from * queues, to * queues),
  };
}
