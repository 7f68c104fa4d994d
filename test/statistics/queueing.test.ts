// The engine against queueing theory, with fixed seeds. Tolerances come from the run length:
// for M/M/1 at ρ = 0.8 the sample mean of n waits has an asymptotic variance of about
// ρ(2 + 5ρ − 4ρ² + ρ³) / (μ²(1 − ρ)⁴) / n ≈ 1976 ms² / n (Daley 1968), so with n = 10⁶ its
// standard error is ≈ 0.044 ms ≈ 1.1% of 4 ms: 5% is over 4 standard errors. Tail quantiles of
// such correlated samples vary about twice as much (≈ 2.3% measured over seeds), hence 6%.
// M/M/4 at ρ = 0.9 relaxes more slowly (spread ≈ 2.5% over seeds at 10⁶), hence 8%.

import { describe, expect, it } from 'vitest';
import { Simulation, validateScenario } from '../../sim-core/index';
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
