// The pure half of `brokerlab calibrate`: measured samples become an empirical distribution that
// keeps their shape, metrics are judged by band and anomalies by sign, and the hop is measured
// from a starved consumer's idle time, not from its busy time.
import { describe, expect, it } from 'vitest';
import {
  EMPIRICAL_POINTS,
  agrees,
  compareMetrics,
  median,
  quantilePoints,
} from '../../bench/harness/calibration';
import { hopSamples, starvedGaps } from '../../bench/real/hop-samples';
import { spareCpu } from '../../bench/real/machine-cpu';
import { Outcome } from '../../bench/real/consumer-protocol';
import { realReport } from '../../bench/real/real-report';
import type { RealRecords } from '../../bench/real/real-report';
import { PublishPlan } from '../../bench/real/plan';
import { Simulation, parseScenarioText, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

describe('quantilePoints', () => {
  it('keeps the quantiles of a large sample in EMPIRICAL_POINTS values', () => {
    const xs = Array.from({ length: 20_000 }, (_, i) => 20_000 - i); // 1..20000, reversed
    const q = quantilePoints(xs);
    expect(q).toHaveLength(EMPIRICAL_POINTS);
    expect(q[0]).toBe(11); // the 0.05% point
    expect(median(q)).toBeCloseTo(10_000, -2);
    expect(q[EMPIRICAL_POINTS - 1]).toBe(19_991); // the 99.95% point
    expect([...q].sort((a, b) => a - b)).toEqual(q);
  });
  it('keeps a small sample whole, sorted, and never negative', () => {
    expect(quantilePoints([3, -0.0001, 1.23456])).toEqual([0, 1.235, 3]);
    expect(quantilePoints([])).toEqual([]);
  });
});

function report(text: string, seed: number): Report {
  const parsed = parseScenarioText(text, 'inline.yaml');
  if (!parsed.ok) throw new Error('parse');
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { seed }).run();
}

const scenario = (ack: string) => `
name: c
duration: 3s
producers: [{ id: p, to: q, rate: { kind: poisson, perSecond: 200 } }]
channels: [{ id: q, kind: queue }]
consumers: [{ id: c, from: q, instances: 2, ack: ${ack}, service: { kind: exponential, mean: 5 } }]
faults: [{ at: 1s, crash: 'c#1', restart: 500ms }]
`;

describe('compareMetrics', () => {
  const manual = [1, 2, 3].map((s) => report(scenario('manual'), s));
  const auto = [1, 2, 3].map((s) => report(scenario('auto'), s));
  it('agrees with itself: zero error, every band met, every anomaly of one sign', () => {
    const rows = compareMetrics(manual, manual);
    expect(rows.every((r) => r.relError === 0)).toBe(true);
    expect(agrees(rows)).toBe(true);
    const p99 = rows.find((r) => r.key === 'latencyP99Ms')!;
    expect(p99.band).toBe(0.25);
    expect(p99.real.min).toBeLessThanOrEqual(p99.real.median);
  });
  it('flags an anomaly one side has and the other does not (loss under auto-ack)', () => {
    const rows = compareMetrics(manual, auto);
    const lost = rows.find((r) => r.key === 'lost')!;
    expect(lost.real.median).toBe(0);
    expect(lost.sim.median).toBeGreaterThan(0);
    expect(lost.sameSign).toBe(false);
    expect(lost.relError).toBeNull();
    expect(agrees(rows)).toBe(false);
  });
});

describe('hop samples', () => {
  // One instance, prefetch 1: m1 runs 0–10; it is acked, the consumer holds nothing, and m2
  // (published at 2, waiting) starts at 11: the gap is 1 ms, two hops of 0.5.
  const rec = (m2Sent: number): RealRecords => ({
    publishes: [
      {
        id: 'p:1',
        producer: 0,
        seq: 1,
        key: -1,
        size: 0,
        intended: 0,
        sent: 0,
        confirmed: 0.4,
        refused: false,
        queues: [0],
      },
      {
        id: 'p:2',
        producer: 0,
        seq: 2,
        key: -1,
        size: 0,
        intended: m2Sent,
        sent: m2Sent,
        confirmed: m2Sent + 0.4,
        refused: false,
        queues: [0],
      },
    ],
    receipts: [
      { instance: 0, id: 'p:1', t: 0.3, redelivered: false, death: null },
      { instance: 0, id: 'p:2', t: 10.6, redelivered: false, death: null },
    ],
    done: [
      {
        instance: 0,
        id: 'p:1',
        start: 0.3,
        end: 10,
        sampled: 9.7,
        slow: 1,
        outcome: Outcome.acked,
      },
      { instance: 0, id: 'p:2', start: 11, end: 15, sampled: 4, slow: 1, outcome: Outcome.acked },
    ],
    crashes: [],
    readyAfterDrain: [0],
    givenUp: [],
  });
  it('measures the idle time of a consumer that had work waiting, end to next start', () => {
    expect(starvedGaps(rec(2), 1)).toEqual([1]);
  });
  it('ignores an idle consumer whose next message was not yet published', () => {
    expect(starvedGaps(rec(10.5), 1)).toEqual([]);
  });
  it('falls back to half the publisher confirm round trips when too few consumers starve', () => {
    const h = hopSamples(rec(2), 1);
    expect(h.source).toBe('publisher confirms');
    expect(h.values.map((v) => v.toFixed(6))).toEqual(['0.200000', '0.200000']);
  });
  it("measures the machine's spare CPU as the idle share of the time between two readings", () => {
    expect(spareCpu({ idle: 100, total: 400 }, { idle: 250, total: 1400 })).toBe(0.15);
    expect(spareCpu({ idle: 100, total: 400 }, { idle: 100, total: 400 })).toBeNull();
  });
  describe('a live run on an overloaded client machine', () => {
    const parsed = validateScenario({
      name: 'one worker',
      duration: '20ms',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [{ id: 'c', from: 'q', service: { kind: 'constant', value: 4 } }],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const s = parsed.scenario;
    const topo = new PublishPlan(s, 1, 20).st.topo;
    const backend = { kind: 'rabbitmq', version: 'test', url: 'amqp://x' } as const;
    const report = (r: RealRecords, spareCpu: number | null = 0.5) => {
      const warnings: string[] = [];
      const out = realReport(s, 1, topo, r, 20, backend, 20, new Map(), warnings, spareCpu);
      return { overloaded: out.overloaded, warnings };
    };
    it('is not flagged when the timers and the publisher keep time', () => {
      expect(report(rec(2))).toEqual({ overloaded: false, warnings: [] });
    });
    it('counts a copy delivered and processed before the end as enqueued, though confirmed after it', () => {
      // RabbitMQ confirms after delivering at times: the confirm is no enqueue instant then.
      const r = rec(2);
      r.publishes[1].confirmed = 25;
      const t = realReport(s, 1, topo, r, 20, backend, 20, new Map(), [], 0.5).report.totals;
      expect({ enqueued: t.enqueued, processed: t.processed, pending: t.pendingAtEnd }).toEqual({
        enqueued: 2,
        processed: 2,
        pending: 0,
      });
    });
    it('is flagged when the machine had under 20% of its CPU idle, and not when unknown', () => {
      const { overloaded, warnings } = report(rec(2), 0.12);
      expect(overloaded).toBe(true);
      expect(warnings.join()).toMatch(/CPU was 12% idle during the run/);
      expect(report(rec(2), null)).toEqual({ overloaded: false, warnings: [] });
      expect(report(rec(2), 0.2).overloaded).toBe(false);
    });
    it('is flagged when the consumers slept over 20% longer than their sampled service', () => {
      const r = rec(2);
      for (const d of r.done) d.sampled /= 1.5;
      const { overloaded, warnings } = report(r);
      expect(overloaded).toBe(true);
      expect(warnings.join()).toMatch(/slept 50% longer/);
    });
    it('is flagged when the publisher fell over 50 ms behind its schedule', () => {
      const r = rec(2);
      r.publishes[1].intended = r.publishes[1].sent - 60;
      const { overloaded, warnings } = report(r);
      expect(overloaded).toBe(true);
      expect(warnings.join()).toMatch(/fell behind its schedule by 60 ms/);
    });
  });
});
