// The engine against queueing theory, with fixed seeds. Tolerances come from the run length:
// for M/M/1 at ρ = 0.8 the sample mean of n waits has an asymptotic variance of about
// ρ(2 + 5ρ − 4ρ² + ρ³) / (μ²(1 − ρ)⁴) / n ≈ 1976 ms² / n (Daley 1968), so with n = 10⁶ its
// standard error is ≈ 0.044 ms ≈ 1.1% of 4 ms: 5% is over 4 standard errors. Tail quantiles of
// such correlated samples vary about twice as much (≈ 2.3% measured over seeds), hence 6%.
// M/M/4 at ρ = 0.9 relaxes more slowly (spread ≈ 2.5% over seeds at 10⁶), hence 8%.

import { describe, expect, it } from 'vitest';
import { Simulation, theoryNotApplicable, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

function poissonQueue(opts: {
  rate: number;
  servers: number;
  service: object;
  messages: number;
  seed: number;
}): Report {
  const v = validateScenario({
    name: 'theory check',
    seed: opts.seed,
    until: 'drained',
    warmup: '5s',
    producers: [
      {
        id: 'load',
        to: 'jobs',
        rate: { kind: 'poisson', perSecond: opts.rate },
        count: opts.messages,
      },
    ],
    channels: [{ id: 'jobs', kind: 'queue', ackTimeout: '30s' }],
    consumers: [
      { id: 'servers', from: 'jobs', instances: opts.servers, prefetch: 1, service: opts.service },
    ],
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario).run();
}

const within = (measured: number, expected: number, relTol: number) =>
  expect(Math.abs(measured / expected - 1), `${measured} vs ${expected}`).toBeLessThanOrEqual(
    relTol,
  );

describe('queueing theory', () => {
  it('M/M/1 at ρ = 0.8: mean queue wait ≈ 4.0 ms and p99 end-to-end ≈ 23.0 ms', () => {
    const r = poissonQueue({
      rate: 800,
      servers: 1,
      service: { kind: 'exponential', mean: 1 },
      messages: 1_000_000,
      seed: 42,
    });
    expect(r.theory?.model).toBe('M/M/1');
    within(r.latency.queueWait.mean, 4.0, 0.05);
    within(r.latency.endToEnd.p99, 23.026, 0.06);
    within(r.consumers.servers.utilization, 0.8, 0.01);
    expect(r.theory!.queueWaitMeanMs.theory).toBeCloseTo(4.0, 9);
  });

  it('M/M/4 at ρ = 0.9: mean queue wait and p99 end-to-end match Erlang C', () => {
    const r = poissonQueue({
      rate: 3600,
      servers: 4,
      service: { kind: 'exponential', mean: 1 },
      messages: 1_000_000,
      seed: 42,
    });
    const th = r.theory!;
    expect(th.model).toBe('M/M/4');
    within(r.latency.queueWait.mean, th.queueWaitMeanMs.theory!, 0.08);
    within(r.latency.endToEnd.p99, th.endToEndP99Ms.theory!, 0.08);
    within(r.consumers.servers.utilization, 0.9, 0.01);
  });

  it('M/D/1 at ρ = 0.8: mean queue wait ≈ 2.0 ms (Pollaczek–Khinchine)', () => {
    const r = poissonQueue({
      rate: 800,
      servers: 1,
      service: { kind: 'constant', value: 1 },
      messages: 1_000_000,
      seed: 42,
    });
    expect(r.theory?.model).toBe('M/D/1');
    expect(r.theory!.queueWaitMeanMs.theory).toBeCloseTo(2.0, 9);
    within(r.latency.queueWait.mean, 2.0, 0.05);
    expect(r.latency.service.p50).toBe(1);
  });

  it('reports no theory when the scenario is not a single Poisson queue', () => {
    const v = validateScenario({
      name: 'prefetch',
      duration: '2s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 100 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [
        {
          id: 'c',
          from: 'q',
          instances: 2,
          prefetch: 10,
          service: { kind: 'exponential', mean: 1 },
        },
      ],
    });
    if (!v.ok) throw new Error('invalid');
    expect(new Simulation(v.scenario).run().theory).toBeNull();
  });
});

describe('a broker node in front of the worker (a tandem of two servers)', () => {
  // Poisson arrivals, a node with constant work per message (capacity.perMessage) and one worker
  // with constant service: Friedman's reduction gives the means exactly. The sample mean of the
  // waits at ρ = 0.6 over 200,000 messages has a standard error under 1% of the end-to-end mean
  // (M/D/1 waits relax within tens of messages), so 3% is over 3 standard errors.
  const tandem = (brokerMs: number, serviceMs: number): Report => {
    const v = validateScenario({
      name: 'tandem',
      seed: 7,
      until: 'drained',
      warmup: '5s',
      producers: [
        { id: 'load', to: 'jobs', rate: { kind: 'poisson', perSecond: 500 }, count: 200_000 },
      ],
      channels: [{ id: 'jobs', kind: 'queue' }],
      consumers: [
        { id: 'w', from: 'jobs', prefetch: 1, service: { kind: 'constant', value: serviceMs } },
      ],
      broker: { capacity: { perMessage: brokerMs } },
    });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    return new Simulation(v.scenario).run();
  };

  it('a slower broker: the worker never queues, and the wait is M/D/1’s at the broker', () => {
    const r = tandem(1.2, 1);
    const t = r.theory!;
    expect(t.model).toBe('M/D/1 → D/1');
    expect(t.brokerServiceMs).toBe(1.2);
    // Wq = λD² / 2(1 − ρ) = 0.5 · 1.44 / 0.8 = 0.9 ms; end to end 0.9 + 1.2 + 1 = 3.1 ms.
    expect(t.endToEndMeanMs.theory).toBeCloseTo(3.1, 9);
    expect(t.queueWaitMeanMs.theory).toBeCloseTo(0.9 + 1.2, 9); // publish → the worker's start
    expect(t.probWait).toBeCloseTo(0.6, 9);
    within(r.latency.endToEnd.mean, 3.1, 0.03);
    within(r.latency.queueWait.mean, 2.1, 0.03);
    // Departures from the broker are at least 1.2 ms apart: the 1 ms worker is always free, so
    // nothing ever waits ready in its queue.
    expect(t.queueLengthMean.theory).toBe(0);
    expect(t.queueLengthMean.measured).toBe(0);
    within(r.broker.nodes[0].utilization, 0.6, 0.01);
  });

  it('a slower worker: the total wait is M/D/1’s at the worker’s pace, part of it at the broker', () => {
    const r = tandem(0.4, 1.2);
    const t = r.theory!;
    // Total wait 0.9 ms (D = 1.2), the broker's own λ·0.16 / 2(1 − 0.2) = 0.05 ms of it: the
    // worker's queue holds λ · 0.85 = 0.425 messages on average.
    expect(t.queueWaitMeanMs.theory).toBeCloseTo(0.9 + 0.4, 9);
    expect(t.endToEndMeanMs.theory).toBeCloseTo(0.9 + 0.4 + 1.2, 9);
    expect(t.queueLengthMean.theory).toBeCloseTo(0.425, 9);
    within(r.latency.endToEnd.mean, 2.5, 0.03);
    within(r.latency.queueWait.mean, 1.3, 0.03);
    within(t.queueLengthMean.measured, 0.425, 0.05);
  });

  it('has no closed form with exponential service behind the broker', () => {
    const v = validateScenario({
      name: 'tandem',
      duration: '1s',
      producers: [{ id: 'load', to: 'jobs', rate: { kind: 'poisson', perSecond: 500 } }],
      channels: [{ id: 'jobs', kind: 'queue' }],
      consumers: [{ id: 'w', from: 'jobs', service: { kind: 'exponential', mean: 1 } }],
      broker: { capacity: { perMessage: 1 } },
    });
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    expect(theoryNotApplicable(v.scenario)).toMatch(/only a tandem of constant ones/);
    expect(new Simulation(v.scenario).run().theory).toBeNull();
  });
});
