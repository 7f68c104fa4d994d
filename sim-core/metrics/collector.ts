// Metrics as a streaming fold over the event stream: counters, latency histograms, ordering
// checks and time series, in memory that does not grow with the number of messages.

import { Ev } from '../model/events';
import { MsgFlag } from '../model/messages';
import type { EventKind, SimObserver } from '../model/events';
import type { Engine } from '../model/engine';
import { LatencyHistogram } from './histogram';

export interface Totals {
  published: number;
  publishFailed: number;
  rejected: number;
  enqueued: number;
  duplicatesEnqueued: number;
  deduplicated: number;
  delivered: number;
  redelivered: number;
  acked: number;
  nacked: number;
  processed: number;
  duplicatesProcessed: number;
  duplicatesSuppressed: number;
  orderViolations: number;
  deadLettered: number;
  expired: number;
  dropped: number;
  lost: number;
  pendingAtEnd: number;
  /** Publishes to a topic with no subscriptions: gone, and not copies (extension). */
  unrouted: number;
}

export function emptyTotals(): Totals {
  return {
    published: 0,
    publishFailed: 0,
    rejected: 0,
    enqueued: 0,
    duplicatesEnqueued: 0,
    deduplicated: 0,
    delivered: 0,
    redelivered: 0,
    acked: 0,
    nacked: 0,
    processed: 0,
    duplicatesProcessed: 0,
    duplicatesSuppressed: 0,
    orderViolations: 0,
    deadLettered: 0,
    expired: 0,
    dropped: 0,
    lost: 0,
    pendingAtEnd: 0,
    unrouted: 0,
  };
}

export class QueueStats {
  enqueued = 0;
  processed = 0;
  deadLettered = 0;
  expired = 0;
  dropped = 0;
  lost = 0;
}

export class ConsumerStats {
  processed = 0;
  duplicatesProcessed = 0;
  orderViolations = 0;
  crashes = 0;
  readonly latency = new LatencyHistogram();
  readonly latencyFromOrigin = new LatencyHistogram();
  /** Completions since the last sample, for the processedPerSec series. */
  sinceSample = 0;
}

/** Time series sampled every `everyUs`; halves its resolution when it grows past MAX_POINTS. */
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

export class Collector implements SimObserver {
  readonly totals = emptyTotals();
  readonly endToEnd = new LatencyHistogram();
  readonly queueWait = new LatencyHistogram();
  readonly service = new LatencyHistogram();
  readonly queueStats: QueueStats[];
  readonly consumerStats: ConsumerStats[];
  /** Post-warmup counts for throughput. */
  publishedInWindow = 0;
  processedInWindow = 0;
  processedBytesInWindow = 0;
  readonly series: Series;
  private lastSampleUs = 0;
  /** Highest completed sequence per (queue, sender, key). */
  private readonly orderMax: Float64Array[][];

  constructor(
    private readonly engine: Engine,
    sampleEveryUs: number,
  ) {
    this.queueStats = engine.queues.map(() => new QueueStats());
    this.consumerStats = engine.scenario.consumers.map(() => new ConsumerStats());
    this.series = new Series(sampleEveryUs);
    const keySlots = Math.max(0, ...engine.scenario.producers.map((p) => keyCount(p.keys)));
    this.orderMax = engine.queues.map(() =>
      engine.topo.senderNames.map(() => new Float64Array(keySlots)),
    );
  }

  onEvent(kind: EventKind, timeUs: number, s: number, where: number, aux: number): void {
    const t = this.totals;
    switch (kind) {
      case Ev.published:
        t.published++;
        if (timeUs >= this.engine.warmupUs) this.publishedInWindow++;
        return;
      case Ev.rejected:
        if (this.primary(s)) t.rejected++; // a dead-lettered copy refused downstream is not a publish
        return;
      case Ev.unrouted:
        if (this.primary(s)) t.unrouted++;
        return;
      case Ev.publishFailed:
        t.publishFailed++;
        return;
      case Ev.deduplicated:
        t.deduplicated++;
        return;
      case Ev.enqueued:
        if (aux === 1) t.duplicatesEnqueued++;
        else this.queueStats[where].enqueued++;
        if (aux === 0) t.enqueued++;
        return;
      case Ev.delivered:
        if (!this.primary(s)) return;
        t.delivered++;
        if (aux > 1) t.redelivered++;
        return;
      case Ev.acked:
        if (this.primary(s)) t.acked++;
        return;
      case Ev.nacked:
        if (this.primary(s)) t.nacked++;
        return;
      case Ev.processed:
        return this.onProcessed(timeUs, s, where, aux, this.primary(s));
      case Ev.reprocessed:
        return this.onReprocessed(s, where, this.primary(s));
      case Ev.suppressed:
        if (this.primary(s)) t.duplicatesSuppressed++;
        return;
      case Ev.deadLettered:
      case Ev.expired:
      case Ev.dropped:
      case Ev.lost:
        return this.onFate(kind, s, where, this.primary(s));
      case Ev.crashed:
        if (where >= 0) this.consumerStats[this.engine.instances[where].consumer].crashes++;
        return;
      default:
        return;
    }
  }

  /** Whether a message counts in the totals (not a dead-lettered secondary copy). */
  private primary(s: number): boolean {
    return s < 0 || (this.engine.msgs.flags[s] & MsgFlag.secondary) === 0;
  }

  /** A copy left the broker unprocessed. Totals count each copy's outcome once. */
  private onFate(kind: EventKind, s: number, q: number, primary: boolean): void {
    this.countChannelFate(kind, q, 1);
    if (!primary) return;
    const m = this.engine.msgs;
    if ((m.flags[s] & MsgFlag.logRecord) !== 0) return this.countFate(kind, 1); // the engine decided per group
    const owner = m.copyOf[s];
    if (m.processed[owner] > 0 || m.fate[owner] !== 0) return;
    m.fate[owner] = kind;
    this.countFate(kind, 1);
  }

  private countChannelFate(kind: number, q: number, delta: number): void {
    const qs = this.queueStats[q];
    if (kind === Ev.deadLettered) qs.deadLettered += delta;
    else if (kind === Ev.expired) qs.expired += delta;
    else if (kind === Ev.dropped) qs.dropped += delta;
    else qs.lost += delta;
  }

  private countFate(kind: number, delta: number): void {
    const t = this.totals;
    if (kind === Ev.deadLettered) t.deadLettered += delta;
    else if (kind === Ev.expired) t.expired += delta;
    else if (kind === Ev.dropped) t.dropped += delta;
    else t.lost += delta;
  }

  private onReprocessed(s: number, instance: number, primary: boolean): void {
    const cs = this.consumerStats[this.engine.instances[instance].consumer];
    cs.sinceSample++;
    cs.duplicatesProcessed++;
    if (primary) this.totals.duplicatesProcessed++;
  }

  private onProcessed(
    timeUs: number,
    s: number,
    instance: number,
    startUs: number,
    primary: boolean,
  ): void {
    const e = this.engine;
    const m = e.msgs;
    const cs = this.consumerStats[e.instances[instance].consumer];
    cs.sinceSample++;
    cs.processed++;
    const q = e.instances[instance].queue;
    this.queueStats[q].processed++;
    const publishUs = m.publishUs[s];
    if (publishUs >= e.warmupUs) {
      cs.latency.record(timeUs - publishUs);
      cs.latencyFromOrigin.record(timeUs - m.originUs[s]);
    }
    if (!primary) return;
    const owner = m.copyOf[s];
    if ((m.flags[s] & MsgFlag.logRecord) === 0 && m.fate[owner] !== 0) {
      // It had been counted lost or dead-lettered, but a consumer still held it: processed after all.
      this.countFate(m.fate[owner], -1);
      this.countChannelFate(m.fate[owner], q, -1);
      m.fate[owner] = 0;
    }
    this.totals.processed++;
    const key = m.key[s];
    if (key >= 0) {
      // Keyless messages promise no order (like Kafka's keyless records): only keys are checked.
      const order = this.orderMax[q][m.producer[s]];
      const seq = m.seq[s];
      if (seq < order[key]) {
        this.totals.orderViolations++;
        cs.orderViolations++;
      } else order[key] = seq;
    }
    if (publishUs < e.warmupUs) return;
    this.processedInWindow++;
    this.processedBytesInWindow += m.size[s];
    this.endToEnd.record(timeUs - publishUs);
    this.queueWait.record(startUs - publishUs);
    this.service.record(timeUs - startUs);
  }

  onSample(timeUs: number): void {
    const e = this.engine;
    const sr = this.series;
    const dtSec = (timeUs - this.lastSampleUs) / 1e6;
    this.lastSampleUs = timeUs;
    sr.t.push(timeUs / 1000);
    for (const q of e.queues) sr.column(`${q.name}.depth`).push(q.depth);
    e.scenario.consumers.forEach((c, i) => {
      const cs = this.consumerStats[i];
      sr.column(`${c.id}.processedPerSec`).push(dtSec > 0 ? cs.sinceSample / dtSec : 0);
      cs.sinceSample = 0;
    });
    if (sr.t.length >= Series.MAX_POINTS) sr.coarsen((name) => name.endsWith('PerSec'));
  }
}

function keyCount(k: { kind: string; count?: number }): number {
  return k.kind === 'none' ? 0 : (k.count ?? 0);
}
