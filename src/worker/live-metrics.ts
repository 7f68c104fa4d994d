// What the lab's charts need while a run plays and the report does not give until the end:
// latency percentiles per sampling interval, rates in and out, depth per queue, the node states
// and a live theory comparison. Reads the engine and its collector; never changes them (the
// report must not notice).

import {
  LatencyHistogram,
  groupLag,
  partitionLag as partitionLagOf,
  theoryBlock,
} from '../../sim-core/index';
import type { Simulation, State, TheoryBlock } from '../../sim-core/index';
import type { Distribution, NodeState, SeriesPoints } from '../shared/protocol';

/** Quantile levels of the distribution sent for the CDF (dense in the tail, where it matters). */
const CDF_LEVELS = (() => {
  const q: number[] = [];
  for (let i = 1; i < 90; i++) q.push(i / 100);
  for (let i = 90; i < 99; i += 0.5) q.push(i / 100);
  for (let i = 99; i < 99.9; i += 0.1) q.push(i / 100);
  q.push(0.999, 0.9999);
  return Float64Array.from(q);
})();

interface KeptPoints {
  tMs: number[];
  e2e: number[][];
  wait: number[][];
  inPerSec: number[];
  outPerSec: number[];
  depth: number[];
}

/**
 * Samples the run at each sampling instant. Latency percentiles per interval come from the
 * difference of two snapshots of the collector's histograms (the report's own numbers, after
 * warmup), so nothing runs per event: the engine goes as fast with the lab as without it.
 * It keeps every point and outlives a replay (a seek re-runs the same scenario and seed from
 * zero): the replayed run's points are the ones it already has, so it re-samples none of them.
 */
export class LiveMetrics {
  private readonly window = new LatencyHistogram();
  private readonly lastE2e = new LatencyHistogram();
  private readonly lastWait = new LatencyHistogram();
  private lastPublished = 0;
  private lastProcessed = 0;
  private lastSampleUs = 0;
  private groupOfQueue: Int32Array | null = null;
  private readonly points: KeptPoints = emptyPoints();
  /** Points handed out so far (by takePoints / pointsUpTo). */
  private sent = 0;
  /** Sampling instants seen in the current run (a replay starts again from 0). */
  private instant = 0;
  private sim!: Simulation;

  /** What it keeps across replays: a checkpoint of the run shares it rather than copying it. */
  get kept(): object {
    return this.points;
  }

  /** The run it samples (created with this as one of its samplers), fresh or a replay. */
  attach(sim: Simulation): void {
    this.sim = sim;
    this.groupOfQueue = null;
    this.instant = 0;
  }

  onSample(timeUs: number): void {
    const i = this.instant++;
    const have = this.points.tMs.length;
    if (i < have - 1) return; // a replay: this point is kept already
    if (i >= have) this.sample(timeUs);
    // The last point's snapshots open the next interval.
    const c = this.sim.collector;
    this.lastE2e.copyFrom(c.endToEnd);
    this.lastWait.copyFrom(c.queueWait);
    this.lastPublished = c.totals.published;
    this.lastProcessed = c.totals.processed;
    this.lastSampleUs = timeUs;
  }

  private sample(timeUs: number): void {
    const c = this.sim.collector;
    const dtSec = (timeUs - this.lastSampleUs) / 1e6;
    const p = this.points;
    p.tMs.push(timeUs / 1000);
    for (const [now, last, out] of [
      [c.endToEnd, this.lastE2e, p.e2e],
      [c.queueWait, this.lastWait, p.wait],
    ] as const) {
      const h = this.window;
      h.setToDifference(now, last);
      const empty = h.count === 0;
      out[0].push(empty ? NaN : h.quantile(0.5) / 1000);
      out[1].push(empty ? NaN : h.quantile(0.9) / 1000);
      out[2].push(empty ? NaN : h.quantile(0.99) / 1000);
    }
    const t = c.totals;
    p.inPerSec.push(dtSec > 0 ? (t.published - this.lastPublished) / dtSec : 0);
    p.outPerSec.push(dtSec > 0 ? (t.processed - this.lastProcessed) / dtSec : 0);
    // A log group's line is its lag (log end minus committed offset), so a replay reads as the
    // whole log being read again, not as the few copies still unprocessed.
    const st = this.sim.state;
    const groupOf = (this.groupOfQueue ??= queueGroups(st));
    for (const q of st.queues) {
      const g = groupOf[q.index];
      p.depth.push(g >= 0 ? groupLag(st.groups[g]) : q.depth);
    }
  }

  /** The points up to simulated time `nowUs` not handed out yet. */
  takePoints(nowUs: number): SeriesPoints {
    return this.slice(this.sent, nowUs);
  }

  /** Every point up to simulated time `nowUs` (after a seek: the charts start again). */
  pointsUpTo(nowUs: number): SeriesPoints {
    return this.slice(0, nowUs);
  }

  private slice(from: number, nowUs: number): SeriesPoints {
    const p = this.points;
    let to = p.tMs.length;
    while (to > 0 && p.tMs[to - 1] * 1000 > nowUs) to--;
    from = Math.min(from, to);
    this.sent = to;
    const nq = this.sim.state.queues.length;
    const cut = (xs: number[]) => Float64Array.from(xs.slice(from, to));
    return {
      tMs: cut(p.tMs),
      e2eP50: cut(p.e2e[0]),
      e2eP90: cut(p.e2e[1]),
      e2eP99: cut(p.e2e[2]),
      waitP50: cut(p.wait[0]),
      waitP90: cut(p.wait[1]),
      waitP99: cut(p.wait[2]),
      inPerSec: cut(p.inPerSec),
      outPerSec: cut(p.outPerSec),
      depth: Int32Array.from(p.depth.slice(from * nq, to * nq)),
    };
  }
}

function emptyPoints(): KeptPoints {
  return {
    tMs: [],
    e2e: [[], [], []],
    wait: [[], [], []],
    inPerSec: [],
    outPerSec: [],
    depth: [],
  };
}

/** Every node's state now. */
export function nodeState(e: State, nowUs: number): NodeState {
  const nq = e.queues.length;
  const ready = new Int32Array(nq);
  const unacked = new Int32Array(nq);
  for (let q = 0; q < nq; q++) {
    ready[q] = e.queues[q].ready.length;
    unacked[q] = e.queues[q].unacked;
  }
  const ni = e.instances.length;
  const instanceState = new Uint8Array(ni);
  const busy = new Int32Array(ni);
  const buffered = new Int32Array(ni);
  const slow = new Float32Array(ni);
  for (let i = 0; i < ni; i++) {
    const inst = e.instances[i];
    instanceState[i] = !inst.up
      ? 2
      : inst.partitionUntilUs > nowUs
        ? 3
        : inst.frozenUntilUs > nowUs
          ? 4
          : inst.busy > 0
            ? 1
            : 0;
    busy[i] = inst.busy;
    buffered[i] = inst.buffer.length;
    slow[i] = inst.slowFactor;
  }
  const producerCutOff = new Uint8Array(e.producers.length);
  e.producers.forEach((p, i) => (producerCutOff[i] = p.partitionUntilUs > nowUs ? 1 : 0));
  let np = 0;
  for (const g of e.groups) np += g.log.partitions;
  const partitionOwner = new Int32Array(np);
  const partitionLag = new Float64Array(np);
  const partitionLeaderless = new Uint8Array(np);
  let k = 0;
  for (const g of e.groups) {
    for (let p = 0; p < g.log.partitions; p++, k++) {
      partitionOwner[k] = g.owner[p];
      partitionLeaderless[k] = g.log.leaderUp[p] === 1 ? 0 : 1;
      partitionLag[k] = partitionLagOf(g, p);
    }
  }
  const brokerNodes = Uint8Array.from(e.cluster.nodes, (n) =>
    n.down ? 1 : n.cutOffUntilUs > nowUs ? 2 : 0,
  );
  const leaderless = new Uint8Array(nq);
  for (let q = 0; q < nq; q++) leaderless[q] = e.queues[q].leaderUp ? 0 : 1;
  for (const g of e.groups) leaderless[g.target] = g.log.leaderUp.includes(0) ? 1 : 0;
  return {
    brokerUp: e.brokerUp,
    brokerNodes,
    leaderless,
    ready,
    unacked,
    instanceState,
    busy,
    buffered,
    slow,
    producerCutOff,
    partitionOwner,
    partitionLag,
    partitionLeaderless,
  };
}

/** The cumulative end-to-end and queue-wait distributions so far (after warmup). */
export function distribution(sim: Simulation): Distribution {
  const c = sim.collector;
  const e2eMs = new Float64Array(CDF_LEVELS.length);
  const waitMs = new Float64Array(CDF_LEVELS.length);
  CDF_LEVELS.forEach((q, i) => {
    e2eMs[i] = c.endToEnd.quantile(q) / 1000;
    waitMs[i] = c.queueWait.quantile(q) / 1000;
  });
  return { count: c.endToEnd.count, e2eMs, waitMs, q: CDF_LEVELS.slice() };
}

/** Closed-form values beside the measurements so far, for single-queue Poisson scenarios. */
export function liveTheory(sim: Simulation): TheoryBlock | null {
  const e = sim.state;
  const c = sim.collector;
  const nowUs = sim.nowUs;
  const windowUs = Math.max(0, nowUs - e.warmupUs);
  const def = e.scenario.consumers[0];
  let busyArea = 0;
  for (const inst of e.instances)
    if (inst.consumer === 0) busyArea += e.gauges.busyAreaAt(inst, nowUs);
  const capacity = def ? def.instances * def.concurrency * windowUs : 0;
  const q0 = e.queues[0];
  const readyArea = q0 ? e.gauges.readyAreaAt(q0, nowUs) : 0;
  // Before the warmup ends nothing is measured: NaN, which the panel shows as a dash.
  const none = windowUs <= 0 ? NaN : 0;
  const seen = c.endToEnd.count > 0 ? 0 : NaN;
  return theoryBlock(e.scenario, {
    utilization: capacity > 0 ? busyArea / capacity : none,
    queueWaitMeanMs: c.queueWait.mean() / 1000 + seen,
    queueWaitP99Ms: c.queueWait.quantile(0.99) / 1000 + seen,
    endToEndMeanMs: c.endToEnd.mean() / 1000 + seen,
    endToEndP99Ms: c.endToEnd.quantile(0.99) / 1000 + seen,
    queueLengthMean: windowUs > 0 ? readyArea / windowUs : none,
  });
}

/** Per internal queue: the log group it counts for, or −1. */
function queueGroups(st: State): Int32Array {
  const out = new Int32Array(st.queues.length).fill(-1);
  st.groups.forEach((g, i) => (out[g.target] = i));
  return out;
}
