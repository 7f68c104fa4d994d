// The run report (contract v1): what `brokerlab run --format json` prints and the UI shows.
// Built once at the end of a run from the collector's fold of the event stream, the engine's
// gauges and its census of pending copies (conservation: the fold and the census agree).

import type { State } from './model/state';
import { pendingCopies } from './model/census';
import type { Collector, DeadLetterReasons, Totals } from './metrics/collector';
import type { Point, Series } from './metrics/series';
import type { LatencyHistogram, LatencySummaryMs } from './metrics/histogram';
import { theoryBlock } from './metrics/theory-block';
import type { TheoryBlock } from './metrics/theory-block';

export interface ChannelReport {
  /** Depth is ready + unacked (a log group's: its lag); max from time 0, mean after warmup. */
  depthMax: number;
  depthMean: number;
  /** Extension: depth's two parts, likewise (not on a log group, whose depth is its lag). */
  readyMax?: number;
  readyMean?: number;
  unackedMax?: number;
  unackedMean?: number;
  enqueued: number;
  processed: number;
  deadLettered: number;
  /** Extensions: copies that expired, were dropped by a length limit, or were lost here. */
  expired: number;
  dropped: number;
  lost: number;
  /** Extension: on a channel some deadLetter names, the dead letters sent to it by reason. */
  deadLetterReasons?: DeadLetterReasons;
}

/** An exchange's line in `channels` (contract v2): publishes passed on, and unroutable ones. */
export interface ExchangeReport {
  routed: number;
  unroutable: number;
  /** Extension: on a dead-letter exchange, the dead letters sent to it by reason. */
  deadLetterReasons?: DeadLetterReasons;
}

/** A queue's, subscription's or log group's line of `channels` (throws for an exchange's). */
export function queueReport(r: Report, name: string): ChannelReport {
  const c = r.channels[name];
  if (c === undefined || isExchangeReport(c))
    throw new Error(`${name} is not a queue, subscription or log group of this report`);
  return c;
}

/** A requesting producer's line of `producers` (throws for one that makes no requests). */
export function requestReport(r: Report, id: string): ProducerReport & RequestReport {
  const p = r.producers[id];
  if (p?.roundTrip === undefined)
    throw new Error(`${id} is not a requesting producer of this report`);
  return p as ProducerReport & RequestReport;
}

/** Whether a `channels` entry is an exchange's. */
export function isExchangeReport(c: ChannelReport | ExchangeReport): c is ExchangeReport {
  return !('depthMax' in c);
}

export interface ConsumerReport {
  processed: number;
  utilization: number;
  crashes: number;
  duplicatesProcessed: number;
  orderViolations: number;
  latency: LatencySummaryMs;
  latencyFromOrigin: LatencySummaryMs;
}

export interface Report {
  scenario: string;
  seed: number;
  version: 1;
  simulatedMs: number;
  wallMs: number;
  events: number;
  traceHash: string;
  totals: Totals;
  latency: {
    endToEnd: LatencySummaryMs;
    queueWait: LatencySummaryMs;
    service: LatencySummaryMs;
    /** Contract v2: end-to-end latency per message priority, when any producer sets one. */
    byPriority?: Record<string, LatencySummaryMs>;
    /** Contract v2: request → reply received, when any producer makes requests. */
    roundTrip?: LatencySummaryMs;
  };
  /** Per producer: publishes, confirms, batches, and, for a requesting one, its requests. */
  producers: Record<string, ProducerReport>;
  /** Contract v2: the broker's nodes. */
  broker: { nodes: NodeReport[] };
  throughput: { publishedPerSec: number; processedPerSec: number; bytesPerSec: number };
  channels: Record<string, ChannelReport | ExchangeReport>;
  consumers: Record<string, ConsumerReport>;
  checks: { conservation: boolean };
  theory: TheoryBlock | null;
  /** `t` (ms) and one column per measure, a point per sampling interval (null: no value). */
  series: Record<string, Point[]>;
}

/** A requesting producer's requests: how they were settled, and their round trip. */
export interface RequestReport {
  replies: number;
  replyTimeouts: number;
  lateReplies: number;
  /** Requests over a direct channel that failed, the caller seeing the error at once. */
  failed: number;
  roundTrip: LatencySummaryMs;
}

/** A producer's line (contract v2), with its requests when it makes some (extension). */
export interface ProducerReport extends Partial<RequestReport> {
  /** Publish attempts (retries included). */
  published: number;
  confirmed: number;
  batches: number;
  /** Messages per batch (0 without batching). */
  batchSizeMean: number;
  /** Time its publishes waited, blocked by a node's memory alarm. */
  blockedMs: number;
  /** Intended send → confirm, of messages first sent after warmup. */
  publishLatency: LatencySummaryMs;
  /**
   * Extension: messages it made that were still in the client at the end, never sent (in an
   * open batch, blocked by a memory alarm, or waiting for an in-flight slot).
   */
  unsentAtEnd: number;
}

/** A broker node's line (contract v2). */
export interface NodeReport {
  id: string;
  /** Busy fraction of its server after warmup (0 for an infinitely fast broker). */
  utilization: number;
  /** The queues, topics and log partitions (`ledger[2]`) it led at the end. */
  leaderOf: string[];
  fsyncs: number;
  blockedMs: number;
  crashes: number;
}

function unsent(p: State['producers'][number]): number {
  let n = p.blocked.length + (p.batch?.slots.length ?? 0) + (p.batch?.recs.length ?? 0);
  n += p.waiting.length;
  for (const b of p.waitingBatches) n += b.recs.length;
  return n;
}

function blockedUsAt(p: State['producers'][number], endUs: number): number {
  return p.blockedUs + (p.blockedSinceUs >= 0 ? endUs - p.blockedSinceUs : 0);
}

/** A producer's counters at endUs (the report's, and the lab's as the run plays). */
export function producerCounts(
  st: State,
  c: Collector,
  i: number,
  endUs: number,
): Omit<ProducerReport, 'publishLatency' | keyof RequestReport> {
  const ps = c.publishStats[i];
  return {
    published: ps.published,
    confirmed: ps.confirmed,
    batches: ps.batches,
    batchSizeMean: ps.batches > 0 ? ps.batched / ps.batches : 0,
    blockedMs: blockedUsAt(st.producers[i], endUs) / 1000,
    unsentAtEnd: unsent(st.producers[i]),
  };
}

function producerReports(st: State, c: Collector, endUs: number): Record<string, ProducerReport> {
  const out: Record<string, ProducerReport> = {};
  st.scenario.producers.forEach((def, i) => {
    const rs = c.requestStats[i];
    out[def.id] = {
      ...producerCounts(st, c, i, endUs),
      publishLatency: c.publishStats[i].publishLatency.summaryMs(),
      ...(rs === null
        ? {}
        : {
            replies: rs.replies,
            replyTimeouts: rs.replyTimeouts,
            lateReplies: rs.lateReplies,
            failed: rs.failed,
            roundTrip: rs.roundTrip.summaryMs(),
          }),
    };
  });
  return out;
}

/** Per node: the channels and partitions (`ledger[2]`) it leads now, in declaration order. */
function leadership(st: State): string[][] {
  const out: string[][] = st.cluster.nodes.map(() => []);
  st.scenario.channels.forEach((c, ci) => {
    const log = st.logByChannel[ci];
    if (log !== undefined) {
      for (let p = 0; p < log.partitions; p++)
        if (log.leaderUp[p] === 1) out[log.leader[p]].push(`${c.id}[${p}]`);
      return;
    }
    const first = st.topo.channelTargets[ci][0];
    const pl = first === undefined ? null : st.cluster.queues[first];
    if (pl !== null && st.queues[first].leaderUp) out[pl.leader].push(c.id);
  });
  return out;
}

/** Each broker node at endUs (the report's, and the lab's as the run plays). */
export function nodeReports(st: State, endUs: number, windowUs: number): NodeReport[] {
  const leads = leadership(st);
  return st.cluster.nodes.map((n, k) => ({
    id: n.name,
    utilization: windowUs > 0 ? n.busyUsAt(endUs) / windowUs : 0,
    leaderOf: leads[k],
    fsyncs: n.fsyncs,
    blockedMs: n.blockedUsAt(endUs) / 1000,
    crashes: n.crashes,
  }));
}

function priorityLatency(
  byPriority: ReadonlyArray<LatencyHistogram | undefined>,
): Record<string, LatencySummaryMs> {
  const out: Record<string, LatencySummaryMs> = {};
  byPriority.forEach((h, p) => {
    if (h !== undefined) out[String(p)] = h.summaryMs();
  });
  return out;
}

/** Builds the report at the end of a run. */
export function buildReport(
  st: State,
  c: Collector,
  series: Series,
  endUs: number,
  events: number,
  traceHash: string,
  wallMs: number,
): Report {
  const t = c.totals;
  t.pendingAtEnd = pendingCopies(st);
  t.unavailableMs = st.cluster.unavailableUsAt(endUs) / 1000;
  const windowUs = Math.max(0, endUs - st.warmupUs);
  const windowSec = windowUs / 1e6;
  const perSec = (n: number) => (windowSec > 0 ? n / windowSec : 0);
  const g = st.gauges;
  const meanOver = (area: number) => (windowUs > 0 ? area / windowUs : 0);
  const reasons = (ci: number) => {
    const r = c.deadLetterReasons[ci];
    return r === null ? {} : { deadLetterReasons: { ...r } };
  };
  const channels: Record<string, ChannelReport | ExchangeReport> = {};
  st.scenario.channels.forEach((ch, ci) => {
    if (ch.kind === 'exchange')
      channels[ch.id] = { routed: c.routed[ci], unroutable: c.unroutable[ci], ...reasons(ci) };
  });
  for (const q of st.queues) {
    const qs = c.queueStats[q.index];
    const ci = st.topo.queues[q.index].channel;
    const depthArea = g.depthAreaAt(q, endUs);
    const readyArea = g.readyAreaAt(q, endUs);
    channels[q.name] = {
      depthMax: g.depthMax[q.index],
      depthMean: meanOver(depthArea),
      ...(st.scenario.channels[ci].kind === 'log'
        ? {}
        : {
            readyMax: g.readyMax[q.index],
            readyMean: meanOver(readyArea),
            unackedMax: g.unackedMaxAt(q),
            unackedMean: meanOver(depthArea - readyArea),
          }),
      enqueued: qs.enqueued,
      processed: qs.processed,
      deadLettered: qs.deadLettered,
      expired: qs.expired,
      dropped: qs.dropped,
      lost: qs.lost,
      // A topic's or log's dead letters reach each of its subscriptions or groups.
      ...reasons(ci),
    };
  }
  const consumers: Record<string, ConsumerReport> = {};
  const utilization = consumerUtilization(st, endUs, windowUs);
  st.scenario.consumers.forEach((def, i) => {
    const cs = c.consumerStats[i];
    consumers[def.id] = {
      processed: cs.processed,
      utilization: utilization[i],
      crashes: cs.crashes,
      duplicatesProcessed: cs.duplicatesProcessed,
      orderViolations: cs.orderViolations,
      latency: cs.latency.summaryMs(),
      latencyFromOrigin: cs.latencyFromOrigin.summaryMs(),
    };
  });
  const endToEnd = c.endToEnd.summaryMs();
  const queueWait = c.queueWait.summaryMs();
  const q0 = st.queues[0];
  const theory = theoryBlock(st.scenario, {
    utilization: utilization[0] ?? 0,
    queueWaitMeanMs: queueWait.mean,
    queueWaitP99Ms: queueWait.p99,
    endToEndMeanMs: endToEnd.mean,
    endToEndP99Ms: endToEnd.p99,
    queueLengthMean: q0 && windowUs > 0 ? g.readyAreaAt(q0, endUs) / windowUs : 0,
  });
  const out: Record<string, Point[]> = { t: series.t };
  for (const [name, xs] of series.columns) out[name] = xs;
  return {
    scenario: st.scenario.name,
    seed: st.seed,
    version: 1,
    simulatedMs: endUs / 1000,
    wallMs,
    events,
    traceHash,
    totals: t,
    latency: {
      endToEnd,
      queueWait,
      service: c.service.summaryMs(),
      ...(c.byPriority === null ? {} : { byPriority: priorityLatency(c.byPriority) }),
      ...(c.roundTrip === null ? {} : { roundTrip: c.roundTrip.summaryMs() }),
    },
    producers: producerReports(st, c, endUs),
    broker: { nodes: nodeReports(st, endUs, windowUs) },
    throughput: {
      publishedPerSec: perSec(c.publishedInWindow),
      processedPerSec: perSec(c.processedInWindow),
      bytesPerSec: perSec(c.processedBytesInWindow),
    },
    channels,
    consumers,
    checks: { conservation: c.pendingByStream() === t.pendingAtEnd },
    theory,
    series: out,
  };
}

/** Busy fraction of each consumer's servers (instances × concurrency) after warmup. */
function consumerUtilization(st: State, endUs: number, windowUs: number): number[] {
  const busy = st.scenario.consumers.map(() => 0);
  for (const inst of st.instances) busy[inst.consumer] += st.gauges.busyAreaAt(inst, endUs);
  return st.scenario.consumers.map((def, i) => {
    const capacity = def.instances * def.concurrency * windowUs;
    return capacity > 0 ? busy[i] / capacity : 0;
  });
}
