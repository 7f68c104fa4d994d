// The report's per-node numbers while the run plays: per consumer, per queue (subscription, log
// group) and per exchange, read from the collector and the gauges the report is built from, so
// the last frame's numbers are the report's. Reads the engine; never changes it.

import { nodeReports, producerCounts } from '../../sim-core/index';
import type { LatencyHistogram, Simulation } from '../../sim-core/index';
import {
  BROKER_NODE_FIELDS,
  CONSUMER_FIELDS,
  LATENCY_FIELDS,
  MAX_LATENCY_CONSUMERS,
  PRODUCER_FIELDS,
  QUEUE_FIELDS,
  REQUEST_FIELDS,
} from '../shared/protocol';
import type { LatencyColumns, LatencyStats, NodeStats } from '../shared/protocol';

function columns<K extends string>(fields: readonly K[], n: number): Record<K, Float64Array> {
  const out = {} as Record<K, Float64Array>;
  for (const f of fields) out[f] = new Float64Array(n);
  return out;
}

/** Every consumer's, queue's and exchange's counters now. */
export function nodeStats(sim: Simulation): NodeStats {
  const st = sim.state;
  const c = sim.collector;
  const nowUs = sim.nowUs;
  const defs = st.scenario.consumers;
  const consumers = columns(CONSUMER_FIELDS, defs.length);
  const busy = new Float64Array(defs.length);
  for (const inst of st.instances) busy[inst.consumer] += st.gauges.busyAreaAt(inst, nowUs);
  const windowUs = nowUs - st.warmupUs;
  defs.forEach((def, i) => {
    const cs = c.consumerStats[i];
    consumers.processed[i] = cs.processed;
    consumers.duplicatesProcessed[i] = cs.duplicatesProcessed;
    consumers.orderViolations[i] = cs.orderViolations;
    consumers.crashes[i] = cs.crashes;
    const capacity = def.instances * def.concurrency * windowUs;
    consumers.utilization[i] = windowUs <= 0 ? NaN : capacity > 0 ? busy[i] / capacity : 0;
  });
  const queues = columns(QUEUE_FIELDS, st.queues.length);
  st.queues.forEach((q, i) => {
    const qs = c.queueStats[i];
    queues.enqueued[i] = qs.enqueued;
    queues.processed[i] = qs.processed;
    queues.deadLettered[i] = qs.deadLettered;
    queues.expired[i] = qs.expired;
    queues.dropped[i] = qs.dropped;
    queues.lost[i] = qs.lost;
    queues.depthMax[i] = st.gauges.depthMax[q.index];
  });
  const requests = columns(REQUEST_FIELDS, st.producers.length);
  c.requestStats.forEach((rs, i) => {
    if (rs === null) return;
    for (const f of REQUEST_FIELDS) requests[f][i] = rs[f];
  });
  const producers = columns(PRODUCER_FIELDS, st.producers.length);
  st.producers.forEach((_, i) => {
    const counts = producerCounts(st, c, i, nowUs);
    for (const f of PRODUCER_FIELDS) producers[f][i] = counts[f];
  });
  const nodes = nodeReports(st, nowUs, windowUs);
  const brokerNodes = columns(BROKER_NODE_FIELDS, nodes.length);
  nodes.forEach((n, k) => {
    for (const f of BROKER_NODE_FIELDS) brokerNodes[f][k] = n[f];
    if (windowUs <= 0) brokerNodes.utilization[k] = NaN;
  });
  return {
    consumers,
    queues,
    routed: c.routed.slice(),
    unroutable: c.unroutable.slice(),
    requests,
    producers,
    brokerNodes,
    leaderOf: nodes.map((n) => n.leaderOf),
  };
}

function summarize(out: LatencyColumns, row: number, h: LatencyHistogram): void {
  const s = h.summaryMs();
  const empty = s.count === 0;
  for (const f of LATENCY_FIELDS) out[f][row] = f === 'count' ? s.count : empty ? NaN : s[f];
}

/** Latency per consumer and per priority so far (the report's summaries). */
export function latencyStats(sim: Simulation): LatencyStats {
  const c = sim.collector;
  const n = sim.state.scenario.consumers.length;
  const consumers = columns(LATENCY_FIELDS, n);
  const fromOrigin = columns(LATENCY_FIELDS, n);
  for (const f of LATENCY_FIELDS) {
    consumers[f].fill(NaN);
    fromOrigin[f].fill(NaN);
  }
  for (let i = 0; i < Math.min(n, MAX_LATENCY_CONSUMERS); i++) {
    summarize(consumers, i, c.consumerStats[i].latency);
    summarize(fromOrigin, i, c.consumerStats[i].latencyFromOrigin);
  }
  const levels: number[] = [];
  c.byPriority?.forEach((h, p) => h !== undefined && levels.push(p));
  const byPriority = columns(LATENCY_FIELDS, levels.length);
  levels.forEach((p, row) => summarize(byPriority, row, c.byPriority![p]!));
  const roundTrip = columns(LATENCY_FIELDS, c.requestStats.length);
  for (const f of LATENCY_FIELDS) roundTrip[f].fill(NaN);
  c.requestStats.forEach((rs, i) => rs !== null && summarize(roundTrip, i, rs.roundTrip));
  const publish = columns(LATENCY_FIELDS, c.publishStats.length);
  for (const f of LATENCY_FIELDS) publish[f].fill(NaN);
  // Only a producer with confirms has a publish latency (reading it would make the histogram).
  sim.state.scenario.producers.forEach(
    (p, i) => p.confirm !== null && summarize(publish, i, c.publishStats[i].publishLatency),
  );
  return {
    consumers,
    fromOrigin,
    priorities: Int32Array.from(levels),
    byPriority,
    roundTrip,
    publish,
  };
}
