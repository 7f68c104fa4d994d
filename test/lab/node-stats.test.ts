// The per-node numbers the lab shows while a run plays: in the last frame they are the report's
// `consumers`, `channels`, `producers`, `broker.nodes` and `latency.byPriority`, and along the
// way they only grow.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isExchangeReport, queueReport } from '../../sim-core/index';
import { LabSession } from '../../src/worker/lab-session';
import {
  BROKER_NODE_FIELDS,
  CONSUMER_FIELDS,
  LATENCY_FIELDS,
  PRODUCER_FIELDS,
  QUEUE_FIELDS,
} from '../../src/shared/protocol';
import type { TopologyModel } from '../../src/shared/protocol';

function session(file: string): { s: LabSession; model: TopologyModel } {
  const s = new LabSession();
  const r = s.load(readFileSync(file, 'utf8'), file);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return { s, model: r.model };
}

const CASES = [
  'queue-vs-pubsub',
  'ordering-kept-fifo-and-partitions',
  'kafka-rebalance-replay',
  'exchange-routing',
  'priority-overload',
  'event-driven-chain',
  'in-flight-reordering',
  'flow-control-vs-overflow',
  'producer-batching',
  'quorum-vs-classic',
];

describe('live per-node numbers', () => {
  it.each(CASES)('%s: the last frame holds the report’s per-node numbers', (name) => {
    const { s, model } = session(`examples/${name}.yaml`);
    const early = s.advanceTo(model.durationUs / 3);
    const last = s.finish();
    const r = last.report!;
    model.consumers.forEach((c, i) => {
      const want = r.consumers[c.id];
      for (const f of CONSUMER_FIELDS) {
        expect(last.stats.consumers[f][i], `${c.id}.${f}`).toBeCloseTo(want[f], 9);
        if (f !== 'utilization')
          expect(early.stats.consumers[f][i]).toBeLessThanOrEqual(last.stats.consumers[f][i]);
      }
      for (const f of LATENCY_FIELDS) {
        const own = want.latency[f];
        expect(last.latency!.consumers[f][i], `${c.id}.latency.${f}`).toBe(
          want.latency.count === 0 && f !== 'count' ? NaN : own,
        );
        if (want.latencyFromOrigin.count > 0)
          expect(last.latency!.fromOrigin[f][i]).toBe(want.latencyFromOrigin[f]);
      }
    });
    model.queues.forEach((q, i) => {
      const want = queueReport(r, q.name);
      for (const f of QUEUE_FIELDS) expect(last.stats.queues[f][i], `${q.name}.${f}`).toBe(want[f]);
    });
    model.channels.forEach((ch, i) => {
      const want = r.channels[ch.id];
      if (want && isExchangeReport(want)) {
        expect(last.stats.routed[i]).toBe(want.routed);
        expect(last.stats.unroutable[i]).toBe(want.unroutable);
      }
    });
    Object.values(r.producers).forEach((want, i) => {
      for (const f of PRODUCER_FIELDS) {
        expect(last.stats.producers[f][i], `producer ${i}.${f}`).toBeCloseTo(want[f], 9);
        if (f !== 'batchSizeMean' && f !== 'unsentAtEnd')
          expect(early.stats.producers[f][i]).toBeLessThanOrEqual(last.stats.producers[f][i]);
      }
      for (const f of LATENCY_FIELDS)
        expect(last.latency!.publish[f][i], `producer ${i}.publishLatency.${f}`).toBe(
          model.producers[i].confirms && (f === 'count' || want.publishLatency.count > 0)
            ? want.publishLatency[f]
            : NaN,
        );
    });
    r.broker.nodes.forEach((want, k) => {
      for (const f of BROKER_NODE_FIELDS)
        expect(last.stats.brokerNodes[f][k], `${want.id}.${f}`).toBeCloseTo(want[f], 9);
      expect(last.stats.leaderOf[k]).toEqual(want.leaderOf);
    });
    const byPriority = r.latency.byPriority ?? {};
    expect(Array.from(last.latency!.priorities, String)).toEqual(Object.keys(byPriority));
    Object.values(byPriority).forEach((want, row) => {
      for (const f of LATENCY_FIELDS) expect(last.latency!.byPriority[f][row]).toBe(want[f]);
    });
  });

  it('sends latency summaries only with the distribution, as they cost quantile scans', () => {
    const { s } = session('examples/priority-overload.yaml');
    expect(s.advanceTo(4_000_000).latency).toBeNull();
    const f = s.advanceTo(8_000_000, { withDistribution: true });
    expect(Array.from(f.latency!.priorities)).toEqual([0, 9]);
    // The lesson's claim, visible live: urgent p99 in milliseconds, the rest in seconds.
    expect(f.latency!.byPriority.p99[1]).toBeLessThan(100);
    expect(f.latency!.byPriority.p99[0]).toBeGreaterThan(1000);
  });
});
