// The run report (contract v1): what `brokerlab run --format json` prints and the UI shows.
// Built once at the end of a run from the collector's folds and the engine's final state.

import type { Engine } from './model/engine';
import { MsgFlag, MsgState } from './model/messages';
import type { Collector, Totals } from './metrics/collector';
import type { LatencySummaryMs } from './metrics/histogram';
import { theoryBlock } from './metrics/theory-block';
import type { TheoryBlock } from './metrics/theory-block';

export interface ChannelReport {
  depthMax: number;
  depthMean: number;
  enqueued: number;
  processed: number;
  deadLettered: number;
  /** Extensions: copies that expired, were dropped by a length limit, or were lost here. */
  expired: number;
  dropped: number;
  lost: number;
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
  latency: { endToEnd: LatencySummaryMs; queueWait: LatencySummaryMs; service: LatencySummaryMs };
  throughput: { publishedPerSec: number; processedPerSec: number; bytesPerSec: number };
  channels: Record<string, ChannelReport>;
  consumers: Record<string, ConsumerReport>;
  checks: { conservation: boolean };
  theory: TheoryBlock | null;
  series: Record<string, number[]>;
}

/** Copies still held and never processed nor given a fate: ready, unacked, delayed, in a consumer. */
function countPending(e: Engine): number {
  const m = e.msgs;
  let n = 0;
  for (let s = 0; s < m.capacity; s++) {
    const st = m.state[s];
    if (st === MsgState.free || st === MsgState.transit) continue;
    if (m.copyOf[s] !== s || (m.flags[s] & (MsgFlag.secondary | MsgFlag.logRecord)) !== 0) continue;
    if (m.processed[s] === 0 && m.fate[s] === 0) n++;
  }
  // Log copies: each group's retained records it has not processed yet (secondary ones aside).
  for (const g of e.groups) {
    for (let p = 0; p < g.log.partitions; p++) {
      for (let o = Math.max(g.processedUpTo[p], g.log.base[p]); o < g.log.end[p]; o++) {
        if ((m.flags[g.log.recordAt(p, o)] & MsgFlag.secondary) === 0) n++;
      }
      // A record being processed when retention deleted it is still on its way to processed.
      const busy = g.inflightToken[p] !== 0 ? g.position[p] - 1 : -1;
      if (busy >= g.processedUpTo[p] && busy < g.log.base[p]) n++;
    }
  }
  return n;
}

/** Builds the report at the end of a run. */
export function buildReport(
  e: Engine,
  c: Collector,
  endUs: number,
  traceHash: string,
  wallMs: number,
): Report {
  const t = c.totals;
  t.pendingAtEnd = countPending(e);
  const windowUs = Math.max(0, endUs - e.warmupUs);
  const windowSec = windowUs / 1e6;
  const perSec = (n: number) => (windowSec > 0 ? n / windowSec : 0);
  const channels: Record<string, ChannelReport> = {};
  for (const q of e.queues) {
    q.touch(endUs, e.warmupUs);
    const qs = c.queueStats[q.index];
    channels[q.name] = {
      depthMax: q.depthMax,
      depthMean: windowUs > 0 ? q.depthAreaUs / windowUs : 0,
      enqueued: qs.enqueued,
      processed: qs.processed,
      deadLettered: qs.deadLettered,
      expired: qs.expired,
      dropped: qs.dropped,
      lost: qs.lost,
    };
  }
  const consumers: Record<string, ConsumerReport> = {};
  const utilization = consumerUtilization(e, endUs, windowUs);
  e.scenario.consumers.forEach((def, i) => {
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
  const q0 = e.queues[0];
  const theory = theoryBlock(e.scenario, {
    utilization: utilization[0] ?? 0,
    queueWaitMeanMs: queueWait.mean,
    queueWaitP99Ms: queueWait.p99,
    endToEndMeanMs: endToEnd.mean,
    endToEndP99Ms: endToEnd.p99,
    queueLengthMean: q0 && windowUs > 0 ? q0.readyAreaUs / windowUs : 0,
  });
  const settled = t.processed + t.deadLettered + t.expired + t.dropped + t.lost + t.pendingAtEnd;
  const series: Record<string, number[]> = { t: c.series.t };
  for (const [name, xs] of c.series.columns) series[name] = xs;
  return {
    scenario: e.scenario.name,
    seed: e.seed,
    version: 1,
    simulatedMs: endUs / 1000,
    wallMs,
    events: e.kernel.events,
    traceHash,
    totals: t,
    latency: { endToEnd, queueWait, service: c.service.summaryMs() },
    throughput: {
      publishedPerSec: perSec(c.publishedInWindow),
      processedPerSec: perSec(c.processedInWindow),
      bytesPerSec: perSec(c.processedBytesInWindow),
    },
    channels,
    consumers,
    checks: { conservation: settled === t.enqueued },
    theory,
    series,
  };
}

/** Busy fraction of each consumer's servers (instances × concurrency) after warmup. */
function consumerUtilization(e: Engine, endUs: number, windowUs: number): number[] {
  const busy = e.scenario.consumers.map(() => 0);
  for (const inst of e.instances) {
    inst.touch(endUs, e.warmupUs);
    busy[inst.consumer] += inst.busyAreaUs;
  }
  return e.scenario.consumers.map((def, i) => {
    const capacity = def.instances * def.concurrency * windowUs;
    return capacity > 0 ? busy[i] / capacity : 0;
  });
}
