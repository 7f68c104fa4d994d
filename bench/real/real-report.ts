// The report of a live run, in the shape of `brokerlab run`'s, folded from per-message records:
// each publish (intended instant, send, confirm), each receipt at a consumer process (with the
// broker's redelivered flag and a dead letter's x-death), each finished processing, and each
// crash. Like a simulated run, it describes the run up to its end (`endMs`); the drain after the
// end only tells a message that is late (pending at the end) from one that is gone (lost).

import { LatencyHistogram, emptyTotals, theoryBlock } from '../../sim-core/index';
import type {
  ChannelReport,
  ConsumerReport,
  DeadLetterReasons,
  ExchangeReport,
  LatencySummaryMs,
  ProducerReport,
  Report,
  Scenario,
  Topology,
} from '../../sim-core/index';
import { Outcome } from './consumer-protocol';
import { MIN_SPARE_CPU } from './machine-cpu';
import type { Processing, Receipt } from './consumer-protocol';

export interface PublishRecord {
  id: string;
  producer: number;
  seq: number;
  key: number;
  size: number;
  /** Run-relative ms: when it should have been sent, was sent, and was confirmed (null: never). */
  intended: number;
  sent: number;
  confirmed: number | null;
  /** The broker refused it (a nack: reject-publish overflow). */
  refused: boolean;
  queues: ArrayLike<number>;
}

/** A receipt or a processing, and the consumer instance (State.topo.instances) it was at. */
export type ReceiptRecord = Receipt & { instance: number };
export type DoneRecord = Processing & { instance: number };

export interface RealRecords {
  publishes: PublishRecord[];
  receipts: ReceiptRecord[];
  done: DoneRecord[];
  crashes: Array<{ instance: number; t: number }>;
  /** Per internal queue: ready messages on the broker after the drain. */
  readyAfterDrain: number[];
  /** Copies the broker stopped delivering after its delivery limit (JetStream's MaxDeliver). */
  givenUp: Array<{ queue: number; id: string; t: number }>;
}

export interface Backend {
  kind: 'rabbitmq' | 'nats';
  version: string;
  url: string;
}

/** `run`'s report, with the live broker named and what was measured on it. */
export type RealReport = Omit<Report, 'traceHash'> & {
  traceHash: null;
  backend: Backend;
  measured: {
    /** Service times as slept by the consumer processes. */
    service: LatencySummaryMs;
    /** Intended instant → send: how late the publishing client was. */
    publishLag: LatencySummaryMs;
    /** Send → publisher confirm: the broker's round trip. */
    confirm: LatencySummaryMs;
    /** Enqueue (half the confirm round trip after the send) → receipt, at an idle consumer. */
    deliver: LatencySummaryMs;
    /** The fraction of the client machine's CPU idle while the run published (null: unknown). */
    spareCpu: number | null;
  };
  warnings: string[];
};

interface Copy {
  queue: number;
  publish: PublishRecord | null;
  enqueuedAt: number;
  processed: number;
  deadLettered: boolean;
  /** Rejected without requeue and with no dead-letter exchange: discarded by the broker. */
  dropped: boolean;
  /** Delivered to an auto-ack consumer: the broker forgot it at delivery. */
  takenByAuto: boolean;
  /** The instance holding it unacked, or −1. */
  holder: number;
}

function newCopy(queue: number, publish: PublishRecord | null, enqueuedAt: number): Copy {
  return {
    queue,
    publish,
    enqueuedAt,
    processed: 0,
    deadLettered: false,
    dropped: false,
    takenByAuto: false,
    holder: -1,
  };
}

const us = (ms: number) => Math.max(0, Math.round(ms * 1000));
/** A publisher later than this at p99 was starved of CPU: idle, the lessons' runs stay under 15 ms. */
const MAX_PUBLISH_LAG_P99_MS = 50;

/** A level over time per queue: ready and unacked, integrated after warmup. */
class Level {
  ready = 0;
  unacked = 0;
  readyMax = 0;
  unackedMax = 0;
  depthMax = 0;
  readyArea = 0;
  depthArea = 0;
  private since = 0;
  constructor(private readonly warmup: number) {}
  at(t: number): void {
    const from = Math.max(this.since, this.warmup);
    if (t > from) {
      this.readyArea += this.ready * (t - from);
      this.depthArea += (this.ready + this.unacked) * (t - from);
    }
    this.since = Math.max(this.since, t);
  }
  change(t: number, dReady: number, dUnacked: number): void {
    this.at(t);
    this.ready = Math.max(0, this.ready + dReady);
    this.unacked = Math.max(0, this.unacked + dUnacked);
    this.readyMax = Math.max(this.readyMax, this.ready);
    this.unackedMax = Math.max(this.unackedMax, this.unacked);
    this.depthMax = Math.max(this.depthMax, this.ready + this.unacked);
  }
}

type Ev =
  | { t: number; kind: 'enqueue'; copy: Copy }
  | { t: number; kind: 'receipt'; r: ReceiptRecord }
  | { t: number; kind: 'done'; d: DoneRecord }
  | { t: number; kind: 'givenUp'; queue: number; id: string }
  | { t: number; kind: 'crash'; instance: number };

export function realReport(
  s: Scenario,
  seed: number,
  topo: Topology,
  rec: RealRecords,
  endMs: number,
  backend: Backend,
  wallMs: number,
  brokerQueueIndex: Map<string, number>,
  warnings: string[],
  /** The fraction of the client machine's CPU idle while the run published (null: unknown). */
  spareCpu: number | null,
): { report: RealReport; endToEnd: LatencyHistogram; overloaded: boolean } {
  const warmup = Math.min(s.warmup, endMs);
  const windowMs = Math.max(0, endMs - warmup);
  const perSec = (n: number) => (windowMs > 0 ? (n * 1000) / windowMs : 0);
  const t = emptyTotals();
  const copies = new Map<string, Copy>();
  const copyKey = (q: number, id: string) => `${q} ${id}`;
  const publishById = new Map(rec.publishes.map((p) => [p.id, p]));
  const evs: Ev[] = [];
  let publishedInWindow = 0;

  // RabbitMQ may confirm a publish after it delivered it: a copy was on its queue by its first
  // receipt at the latest, so one processed before the end is this run's even if confirmed later.
  const firstReceipt = new Map<string, number>();
  for (const r of rec.receipts) {
    const k = copyKey(topo.instances[r.instance].queue, r.id);
    firstReceipt.set(k, Math.min(r.t, firstReceipt.get(k) ?? Infinity));
  }
  for (const p of rec.publishes) {
    if (p.sent > endMs) continue;
    t.published++;
    if (p.sent >= warmup) publishedInWindow++;
    if (p.refused) {
      t.rejected++;
      continue;
    }
    if (p.queues.length === 0) t.unroutable++;
    const at = p.confirmed ?? p.sent;
    for (let i = 0; i < p.queues.length; i++) {
      const c = newCopy(
        p.queues[i],
        p,
        Math.min(at, firstReceipt.get(copyKey(p.queues[i], p.id)) ?? Infinity),
      );
      copies.set(copyKey(c.queue, p.id), c);
      evs.push({ t: c.enqueuedAt, kind: 'enqueue', copy: c });
    }
  }
  for (const r of rec.receipts) evs.push({ t: r.t, kind: 'receipt', r });
  for (const d of rec.done) evs.push({ t: d.end, kind: 'done', d });
  for (const c of rec.crashes) evs.push({ t: c.t, kind: 'crash', instance: c.instance });
  for (const g of rec.givenUp) evs.push({ t: g.t, kind: 'givenUp', queue: g.queue, id: g.id });
  const order = { enqueue: 0, crash: 1, receipt: 2, done: 3, givenUp: 4 } as const;
  evs.sort((a, b) => a.t - b.t || order[a.kind] - order[b.kind]);

  const levels = topo.queues.map(() => new Level(warmup));
  const queueStats = topo.queues.map(() => ({
    enqueued: 0,
    processed: 0,
    deadLettered: 0,
    expired: 0,
    dropped: 0,
    lost: 0,
  }));
  const reasons = new Map<number, DeadLetterReasons>();
  const consumers = s.consumers.map(() => ({
    processed: 0,
    crashes: 0,
    duplicates: 0,
    orderViolations: 0,
    busyMs: 0,
    latency: new LatencyHistogram(),
    lastSeq: new Map<string, number>(),
  }));
  const endToEnd = new LatencyHistogram();
  const queueWait = new LatencyHistogram();
  const service = new LatencyHistogram();
  const measuredService = new LatencyHistogram();
  const deliver = new LatencyHistogram();
  let processedInWindow = 0;
  let bytesInWindow = 0;
  let sampledSum = 0;
  let sleptSum = 0;
  const held = topo.instances.map(() => new Set<Copy>());
  const interval = s.sampleEvery ?? Math.max(1, endMs / 200);
  const buckets = Math.max(1, Math.ceil(endMs / interval));
  const depthSeries = topo.queues.map(() => new Array<number | null>(buckets).fill(null));
  const processedSeries = s.consumers.map(() => new Array<number>(buckets).fill(0));
  let bucket = 0;
  const sampleUpTo = (time: number) => {
    while (bucket < buckets && (bucket + 1) * interval <= time) {
      levels.forEach((l, q) => (depthSeries[q][bucket] = l.ready + l.unacked));
      bucket++;
    }
  };

  const deadLetterCopy = (r: ReceiptRecord, q: number): Copy => {
    // The first receipt of a dead letter on its target: it was enqueued there at about now.
    const source = brokerQueueIndex.get(r.death!.queue);
    const c = newCopy(q, publishById.get(r.id) ?? null, r.t);
    copies.set(copyKey(q, r.id), c);
    queueStats[q].enqueued++;
    t.enqueued++;
    levels[q].change(r.t, 1, 0);
    if (source !== undefined) {
      const src = copies.get(copyKey(source, r.id));
      if (src !== undefined && !src.deadLettered) {
        src.deadLettered = true;
        queueStats[source].deadLettered++;
        t.deadLettered++;
        if (r.death!.reason === 'expired') {
          queueStats[source].expired++;
          t.expired++;
        }
        if (src.holder < 0) levels[source].change(r.t, -1, 0);
      }
      const ch = topo.queues[source].options.deadLetter;
      const target = ch === null ? -1 : topo.channelIndex.get(ch)!;
      const byReason = reasons.get(target) ?? {
        rejected: 0,
        expired: 0,
        maxDeliveries: 0,
        maxLength: 0,
      };
      const why = RABBIT_REASONS[r.death!.reason];
      if (why !== undefined) byReason[why]++;
      reasons.set(target, byReason);
    }
    return c;
  };

  for (const e of evs) {
    if (e.t > endMs) break;
    sampleUpTo(e.t);
    if (e.kind === 'enqueue') {
      const q = e.copy.queue;
      queueStats[q].enqueued++;
      t.enqueued++;
      levels[q].change(e.t, 1, 0);
    } else if (e.kind === 'crash') {
      consumers[topo.instances[e.instance].consumer].crashes++;
      for (const c of held[e.instance]) {
        c.holder = -1;
        levels[c.queue].change(e.t, 1, -1); // the broker requeues what the dead socket held
      }
      held[e.instance].clear();
    } else if (e.kind === 'givenUp') {
      // Past its delivery limit: out of every consumer's reach, as a dead letter with no target.
      const c = copies.get(copyKey(e.queue, e.id));
      if (c === undefined || c.deadLettered || c.processed > 0) continue;
      c.deadLettered = true;
      queueStats[e.queue].deadLettered++;
      t.deadLettered++;
      if (c.holder >= 0) {
        held[c.holder].delete(c);
        c.holder = -1;
        levels[e.queue].change(e.t, 0, -1);
      } else levels[e.queue].change(e.t, -1, 0);
    } else if (e.kind === 'receipt') {
      const r = e.r;
      const inst = topo.instances[r.instance];
      const q = inst.queue;
      const auto = s.consumers[inst.consumer].ack === 'auto';
      let c = copies.get(copyKey(q, r.id));
      if (c === undefined && r.death !== null) c = deadLetterCopy(r, q);
      t.delivered++;
      if (r.redelivered) t.redelivered++;
      if (c === undefined) continue;
      if (!r.redelivered && c.publish !== null && c.processed === 0 && levels[q].unacked === 0)
        deliver.record(
          us(r.t - (c.publish.sent + ((c.publish.confirmed ?? r.t) - c.publish.sent) / 2)),
        );
      if (auto) {
        levels[q].change(e.t, -1, 0);
        c.takenByAuto = true;
      } else {
        levels[q].change(e.t, -1, 1);
        c.holder = r.instance;
        held[r.instance].add(c);
      }
    } else {
      const d = e.d;
      const inst = topo.instances[d.instance];
      const q = inst.queue;
      const cs = consumers[inst.consumer];
      const c = copies.get(copyKey(q, d.id));
      const success =
        d.outcome === Outcome.acked ||
        d.outcome === Outcome.autoProcessed ||
        d.outcome === Outcome.neverAcked;
      if (d.outcome !== Outcome.rejectedRequeue && d.outcome !== Outcome.rejectedDrop) {
        measuredService.record(us(d.end - d.start));
        sampledSum += d.sampled;
        sleptSum += d.end - d.start;
      }
      if (d.outcome === Outcome.acked) t.acked++;
      if (d.outcome === Outcome.failed || d.outcome === Outcome.rejectedRequeue) t.nacked++;
      cs.busyMs += Math.max(0, d.end - Math.max(d.start, warmup));
      if (c === undefined) continue;
      const holding = c.holder === d.instance;
      if (success) {
        c.processed++;
        t.processed++;
        cs.processed++;
        queueStats[q].processed++;
        if (c.processed > 1) {
          t.duplicatesProcessed++;
          cs.duplicates++;
        }
        const p = c.publish;
        if (p !== null && p.key >= 0) {
          const k = `${p.producer} ${p.key}`;
          const last = cs.lastSeq.get(k) ?? 0;
          if (p.seq < last) {
            cs.orderViolations++;
            t.orderViolations++;
          } else cs.lastSeq.set(k, p.seq);
        }
        const b = Math.min(buckets - 1, Math.floor(d.end / interval));
        processedSeries[inst.consumer][b]++;
        if (p !== null && p.intended >= warmup) {
          processedInWindow++;
          bytesInWindow += p.size;
          const e2e = us(d.end - p.intended);
          endToEnd.record(e2e);
          cs.latency.record(e2e);
          queueWait.record(us(d.start - (p.sent + (c.enqueuedAt - p.sent) / 2)));
          service.record(us(d.end - d.start));
        }
        if (holding && d.outcome === Outcome.acked) {
          c.holder = -1;
          held[d.instance].delete(c);
          levels[q].change(e.t, 0, -1);
        }
      } else if (holding) {
        c.holder = -1;
        held[d.instance].delete(c);
        const requeue = d.outcome !== Outcome.rejectedDrop;
        levels[q].change(e.t, requeue ? 1 : 0, -1);
        if (!requeue && topo.queues[q].options.deadLetter === null) {
          c.dropped = true;
          queueStats[q].dropped++;
          t.dropped++;
        }
      }
    }
  }
  sampleUpTo(endMs + interval);
  levels.forEach((l) => l.at(endMs));

  // A copy the end left unsettled is pending if the drain settled it or found it still queued;
  // one the drain did not find is gone (expired or dropped where the queue says so, else lost).
  const settledAfter = new Set<string>();
  for (const d of rec.done)
    if (d.end > endMs && (d.outcome === Outcome.acked || d.outcome === Outcome.autoProcessed))
      settledAfter.add(copyKey(topo.instances[d.instance].queue, d.id));
  for (const g of rec.givenUp) if (g.t > endMs) settledAfter.add(copyKey(g.queue, g.id));
  for (const r of rec.receipts)
    if (r.t > endMs && r.death !== null) {
      const src = brokerQueueIndex.get(r.death.queue);
      if (src !== undefined) settledAfter.add(copyKey(src, r.id));
    }
  // Delivered unacked after the end (or held so at it), the broker still has it: the drain may
  // have stopped watching before it was settled, but under manual ack it is not gone.
  for (const r of rec.receipts)
    if (r.t > endMs && s.consumers[topo.instances[r.instance].consumer].ack === 'manual')
      settledAfter.add(copyKey(topo.instances[r.instance].queue, r.id));
  const unfound = topo.queues.map(() => 0);
  // Unfound copies whose publish was never confirmed: the lost ones beyond these were confirmed.
  const unfoundUnconfirmed = topo.queues.map(() => 0);
  // Copies that reached the broker only after the end (their confirm came later) are not this
  // run's, as in the simulator; those still queued after the drain are not counted as found.
  const late = topo.queues.map(() => 0);
  for (const [k, c] of copies) {
    if (c.processed > 0 || c.deadLettered || c.dropped) continue;
    if (c.enqueuedAt > endMs) {
      if (!settledAfter.has(k)) late[c.queue]++;
      continue;
    }
    if (settledAfter.has(k) || c.holder >= 0) t.pendingAtEnd++;
    else if (c.takenByAuto) {
      queueStats[c.queue].lost++;
      t.lost++;
    } else {
      unfound[c.queue]++;
      if (c.publish === null || c.publish.confirmed === null) unfoundUnconfirmed[c.queue]++;
    }
  }
  let balanced = true;
  topo.queues.forEach((info, q) => {
    const ready = Math.max(0, (rec.readyAfterDrain[q] ?? 0) - late[q]);
    if (ready > unfound[q]) balanced = false; // the broker holds messages nobody published
    t.pendingAtEnd += Math.min(ready, unfound[q]);
    const missing = unfound[q] - ready;
    if (missing <= 0) return;
    const qs = queueStats[q];
    if (info.options.ttl !== null || publishTtl(s)) {
      qs.expired += missing;
      t.expired += missing;
    } else if (info.options.maxLength !== null) {
      qs.dropped += missing;
      t.dropped += missing;
    } else {
      qs.lost += missing;
      t.lost += missing;
      // Which unfound copies the broker still holds is unknown (it reports a count): at least
      // this many of the lost ones had been confirmed.
      t.lostAcknowledged += Math.max(0, missing - unfoundUnconfirmed[q]);
    }
  });

  const channels: Record<string, ChannelReport | ExchangeReport> = {};
  s.channels.forEach((ch, ci) => {
    if (ch.kind !== 'exchange') return;
    let routed = 0;
    let unroutable = 0;
    for (const p of rec.publishes)
      if (p.sent <= endMs && s.producers[p.producer].to === ch.id) {
        if (p.queues.length > 0) routed++;
        else unroutable++;
      }
    channels[ch.id] = { routed, unroutable, ...withReasons(reasons.get(ci)) };
  });
  topo.queues.forEach((info, q) => {
    const l = levels[q];
    const mean = (a: number) => (windowMs > 0 ? a / windowMs : 0);
    channels[info.name] = {
      depthMax: l.depthMax,
      depthMean: mean(l.depthArea),
      readyMax: l.readyMax,
      readyMean: mean(l.readyArea),
      unackedMax: l.unackedMax,
      unackedMean: mean(l.depthArea - l.readyArea),
      ...queueStats[q],
      ...withReasons(reasons.get(info.channel)),
    };
  });
  const consumerReports: Record<string, ConsumerReport> = {};
  s.consumers.forEach((def, i) => {
    const cs = consumers[i];
    const latency = cs.latency.summaryMs();
    consumerReports[def.id] = {
      processed: cs.processed,
      utilization: windowMs > 0 ? cs.busyMs / (def.instances * def.concurrency * windowMs) : 0,
      crashes: cs.crashes,
      duplicatesProcessed: cs.duplicates,
      orderViolations: cs.orderViolations,
      latency,
      latencyFromOrigin: latency,
    };
  });
  const e2e = endToEnd.summaryMs();
  const wait = queueWait.summaryMs();
  const series: Record<string, Array<number | null>> = {
    t: Array.from({ length: buckets }, (_, b) => Math.min(endMs, (b + 1) * interval)),
  };
  topo.queues.forEach((info, q) => (series[`${info.name}.depth`] = depthSeries[q]));
  s.consumers.forEach(
    (c, i) =>
      (series[`${c.id}.processedPerSec`] = processedSeries[i].map((n) => (n * 1000) / interval)),
  );
  const publishLag = new LatencyHistogram();
  const confirm = new LatencyHistogram();
  for (const p of rec.publishes) {
    if (p.sent > endMs) continue;
    publishLag.record(us(p.sent - p.intended));
    if (p.confirmed !== null) confirm.record(us(p.confirmed - p.sent));
  }
  // The client machine's own overload, measured where it shows: its cores had no time to spare,
  // the consumers' timers overshoot, or the publisher misses its instants. (A load average would
  // not do: the run's own consumer processes, publisher and broker keep it above 2 on an idle
  // 2-core machine.)
  const starved = spareCpu !== null && spareCpu < MIN_SPARE_CPU;
  if (starved)
    warnings.push(
      `the client machine's CPU was ${(spareCpu * 100).toFixed(0)}% idle during the run (under ${MIN_SPARE_CPU * 100}%): it is overloaded, and every latency is inflated`,
    );
  const overslept = sampledSum > 0 && sleptSum > 1.2 * sampledSum;
  if (overslept)
    warnings.push(
      `the consumer processes slept ${((sleptSum / sampledSum - 1) * 100).toFixed(0)}% longer than their sampled service times: the client machine is overloaded, and every latency is inflated`,
    );
  const lagP99 = publishLag.summaryMs().p99;
  const lagging = lagP99 > MAX_PUBLISH_LAG_P99_MS;
  if (lagging)
    warnings.push(
      `the publisher fell behind its schedule by ${lagP99.toFixed(0)} ms at p99: the client machine is overloaded, and arrivals came in bursts the scenario does not have`,
    );
  const q0 = levels[0];
  const report: RealReport = {
    scenario: s.name,
    seed,
    version: 1,
    simulatedMs: endMs,
    wallMs,
    events: rec.publishes.length + rec.receipts.length + rec.done.length,
    traceHash: null,
    totals: t,
    latency: { endToEnd: e2e, queueWait: wait, service: service.summaryMs() },
    throughput: {
      publishedPerSec: perSec(publishedInWindow),
      processedPerSec: perSec(processedInWindow),
      bytesPerSec: perSec(bytesInWindow),
    },
    producers: publishReports(s, rec.publishes, endMs, s.warmup),
    // A live broker's nodes are not observed from its clients: none is reported.
    broker: { nodes: [] },
    channels,
    consumers: consumerReports,
    checks: { conservation: balanced },
    theory: theoryBlock(s, {
      utilization: consumerReports[s.consumers[0]?.id]?.utilization ?? 0,
      queueWaitMeanMs: wait.mean,
      queueWaitP99Ms: wait.p99,
      endToEndMeanMs: e2e.mean,
      endToEndP99Ms: e2e.p99,
      queueLengthMean: q0 && windowMs > 0 ? q0.readyArea / windowMs : 0,
    }),
    series,
    backend,
    measured: {
      service: measuredService.summaryMs(),
      publishLag: publishLag.summaryMs(),
      confirm: confirm.summaryMs(),
      deliver: deliver.summaryMs(),
      spareCpu,
    },
    warnings,
  };
  return { report, endToEnd, overloaded: starved || overslept || lagging };
}

/** Each producer's publishes as the clients saw them: attempts, confirms, intended → confirm. */
function publishReports(
  s: Scenario,
  publishes: PublishRecord[],
  endMs: number,
  warmupMs: number,
): Record<string, ProducerReport> {
  return Object.fromEntries(
    s.producers.map((def, i) => {
      const latency = new LatencyHistogram();
      let published = 0;
      let confirmed = 0;
      for (const p of publishes) {
        if (p.producer !== i || p.sent > endMs) continue;
        published++;
        if (p.confirmed === null) continue;
        confirmed++;
        if (p.intended >= warmupMs) latency.record(us(p.confirmed - p.intended));
      }
      const line: ProducerReport = {
        published,
        confirmed,
        batches: 0,
        batchSizeMean: 0,
        blockedMs: 0,
        publishLatency: latency.summaryMs(),
        unsentAtEnd: 0, // a live producer sends every message it makes
      };
      return [def.id, line];
    }),
  );
}

function publishTtl(s: Scenario): boolean {
  return s.producers.some((p) => p.ttl !== null);
}

/** RabbitMQ's x-death reasons, as the report names them. */
const RABBIT_REASONS: Record<string, keyof DeadLetterReasons> = {
  rejected: 'rejected',
  expired: 'expired',
  maxlen: 'maxLength',
  delivery_limit: 'maxDeliveries',
};

function withReasons(r: DeadLetterReasons | undefined) {
  return r === undefined ? {} : { deadLetterReasons: { ...r } };
}
