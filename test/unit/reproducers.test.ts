// Reproducers of defects found by adversarial testing, each shrunk to the scenario that showed
// it: a run must give a right number or stop with a clear message, never a wrong one or a hang.

import { describe, expect, it } from 'vitest';
import { BudgetExceededError, Simulation, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';
import { readFileSync } from 'node:fs';
import { withOverrides } from '../../bench/cli/load';

/** A small valid queue scenario to break one field of. */
function base(): Record<string, unknown> {
  return {
    name: 'base',
    duration: '1s',
    producers: [{ id: 'web', to: 'orders', rate: { kind: 'poisson', perSecond: 10 } }],
    channels: [{ id: 'orders', kind: 'queue' }],
    consumers: [{ id: 'w', from: 'orders', service: { kind: 'constant', value: 1 } }],
  };
}

/** The validator's problems as `path: message` lines. */
function problems(raw: unknown): string[] {
  const v = validateScenario(raw);
  return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
}

function run(raw: Record<string, unknown>, seed?: number): Report {
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { seed, checkInvariants: true }).run();
}

describe('reproducers', () => {
  it('a log with retention read by a consumer with poison records conserves every copy', () => {
    // A poison record retried in place was deleted by retention while being processed; its copy
    // was then neither processed nor lost (147 enqueued, 145 accounted for).
    const raw = {
      name: 'retention and poison',
      duration: '5s',
      producers: [{ id: 'web', to: 'ledger', rate: { kind: 'poisson', perSecond: 30 } }],
      channels: [{ id: 'ledger', kind: 'log', partitions: 1, retention: 1339 }],
      consumers: [
        {
          id: 'reader',
          from: 'ledger',
          poison: 0.005,
          service: { kind: 'exponential', mean: 40 },
        },
      ],
    };
    for (const seed of [1, 5, 9, 12]) {
      const r = run(raw, seed);
      expect(r.checks.conservation).toBe(true);
      const t = r.totals;
      expect(t.processed + t.lost + t.pendingAtEnd).toBe(t.enqueued);
    }
  });

  it('a message that fails for ever in zero time stops with a budget naming how to raise it', () => {
    const raw = {
      name: 'zero-time poison loop',
      until: 'drained',
      producers: [{ id: 'web', to: 'orders', rate: { kind: 'constant', perSecond: 10 }, count: 3 }],
      channels: [{ id: 'orders', kind: 'queue' }],
      consumers: [{ id: 'w', from: 'orders', poison: 1, service: { kind: 'constant', value: 0 } }],
      limits: { maxEventsAtInstant: 10_000 },
    };
    let error: unknown = null;
    try {
      run(raw);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BudgetExceededError);
    expect((error as Error).message).toMatch(
      /^budget maxEventsAtInstant \(10000 events\) exceeded: simulated time stood still at 0 ms.*raise it with limits\.maxEventsAtInstant/,
    );
  });

  it('bounds what the engine cannot represent, naming the field', () => {
    const keys = (count: number, kind = 'uniform') => {
      const raw = base();
      (raw.producers as Array<Record<string, unknown>>)[0].keys =
        kind === 'zipf' ? { kind, count, s: 1 } : { kind, count };
      return raw;
    };
    // Was: valid, then `run` failed with an internal error allocating 10^12 slots.
    expect(problems(keys(1e12))).toEqual([
      'producers[0].keys.count: must be between 1 and 2147483647',
    ]);
    expect(problems(keys(2_000_000_000))).toEqual([]);
    expect(problems(keys(2_000_000, 'zipf'))).toEqual([
      'producers[0].keys.count: must be between 1 and 1000000',
    ]);
    const slow = { ...base(), faults: [{ at: 100, slow: 'w', factor: 1e308, for: 100 }] };
    expect(problems(slow)).toEqual(['faults[0].factor: must be > 0 and ≤ 1000000']);
    const pareto = base();
    (pareto.consumers as Array<Record<string, unknown>>)[0].service = {
      kind: 'pareto',
      min: 1,
      alpha: 0.01,
    };
    expect(problems(pareto)).toEqual(['consumers[0].service.alpha: must be > 1 and ≤ 100']);
    expect(problems({ ...base(), duration: '1000000000000001ms' })).toEqual([
      'duration: must be ≤ 1000000000000 ms (about 31 years)',
    ]);
  });

  it('a run with many keys tracks order per key without an array per key', () => {
    const raw = base();
    (raw.producers as Array<Record<string, unknown>>)[0].keys = {
      kind: 'uniform',
      count: 2_000_000_000,
    };
    const r = run(raw);
    expect(r.totals.processed).toBeGreaterThan(0);
    expect(r.totals.orderViolations).toBe(0);
  });

  it('a command-line budget does not hide a `limits` that is not an object', () => {
    for (const limits of [5, [1], null, 'x']) {
      const raw = withOverrides({ ...base(), limits }, { limits: { maxEvents: '100' } });
      expect(problems(raw)[0]).toMatch(/^limits: must be an object/);
    }
    const merged = withOverrides(
      { ...base(), limits: { maxSimTime: 50 } },
      { limits: { maxEvents: '100' } },
    );
    expect((merged as { limits: unknown }).limits).toEqual({ maxSimTime: 50, maxEvents: 100 });
  });

  it('validates 20,000 topic subscriptions with their consumers (validation was quadratic)', () => {
    // 10,000 took 68 s: each consumer listed every subscription of its topic. Linear, this is
    // well under a second; quadratic, it would be minutes and hit the test timeout.
    const n = 20_000;
    const raw = {
      ...base(),
      producers: [{ id: 'web', to: 'events', rate: { kind: 'poisson', perSecond: 1 } }],
      channels: [
        {
          id: 'events',
          kind: 'topic',
          subscriptions: Array.from({ length: n }, (_, i) => ({ id: `s${i}` })),
        },
      ],
      consumers: Array.from({ length: n }, (_, i) => ({
        id: `c${i}`,
        from: `events/s${i}`,
        service: { kind: 'constant', value: 1 },
      })),
    };
    expect(problems(raw)).toEqual([]);
  }, 30_000);
  it('refuses up front a run whose redeliveries or emit cycle would blow the event budget', () => {
    const refusal = (raw: Record<string, unknown>): string => {
      const v = validateScenario(raw);
      if (!v.ok) throw new Error(JSON.stringify(v.errors));
      try {
        new Simulation(v.scenario);
      } catch (e) {
        if (e instanceof BudgetExceededError) return e.message;
        throw e;
      }
      return 'ran';
    };
    // Was: past 150 s of wall time. 1,000 poison messages × 10^9 deliveries each.
    const poison = {
      ...base(),
      duration: undefined,
      until: 'drained',
      producers: [
        { id: 'web', to: 'orders', rate: { kind: 'poisson', perSecond: 100 }, count: 1000 },
      ],
      channels: [{ id: 'orders', kind: 'queue', maxDeliveries: 1_000_000_000 }],
      consumers: [
        { id: 'w', from: 'orders', poison: 1, service: { kind: 'exponential', mean: 1 } },
      ],
    };
    expect(refusal(poison)).toMatch(
      /^budget maxEvents \(1000000000 events\) exceeded: .*--max-events/,
    );
    // Was: past 120 s. Two consumers emitting to each other never drain.
    const cycle = {
      ...base(),
      duration: undefined,
      until: 'drained',
      producers: [{ id: 'web', to: 'a', rate: { kind: 'poisson', perSecond: 100 }, count: 10 }],
      channels: [
        { id: 'a', kind: 'queue' },
        { id: 'b', kind: 'queue' },
      ],
      consumers: [
        { id: 'ca', from: 'a', service: { kind: 'exponential', mean: 1 }, emit: [{ to: 'b' }] },
        { id: 'cb', from: 'b', service: { kind: 'exponential', mean: 1 }, emit: [{ to: 'a' }] },
      ],
    };
    expect(refusal(cycle)).toMatch(/^budget maxEvents .*emits and redeliveries counted/);
    // The same cycle for 2 s of simulated time is a fine run; so is a chain that ends.
    expect(refusal({ ...cycle, until: undefined, duration: '2s' })).toBe('ran');
    const chain = {
      ...cycle,
      consumers: [cycle.consumers[0], { ...cycle.consumers[1], emit: [] }],
    };
    expect(refusal(chain)).toBe('ran');
  });
  it('fifoGroups keep order without producer retries, and not with them, as the docs say', () => {
    const raw = (confirm: boolean) => ({
      name: 'fifo groups and producer retries',
      duration: '10s',
      producers: [
        {
          id: 'web',
          to: 'orders',
          rate: { kind: 'poisson', perSecond: 300 },
          keys: { kind: 'uniform', count: 4 },
          ...(confirm ? { confirm: { timeout: '50ms', retries: 5, backoff: '20ms' } } : {}),
        },
      ],
      channels: [{ id: 'orders', kind: 'queue', fifoGroups: true }],
      consumers: [
        {
          id: 'w',
          from: 'orders',
          instances: 3,
          prefetch: 5,
          failRate: 0.05,
          service: { kind: 'exponential', mean: 2 },
        },
      ],
      network: { latency: { kind: 'exponential', mean: 5 }, confirmLoss: 0.2 },
      faults: [{ at: '3s', crash: 'broker', restart: '1s' }],
    });
    expect(run(raw(false)).totals.orderViolations).toBe(0);
    expect(run(raw(true)).totals.orderViolations).toBeGreaterThan(0);
  });

  it('a broker crash does not stop a direct channel (its calls never pass the broker)', () => {
    // The broker dropped the direct call's completion while it was down: the server never got
    // its slot back, and every later call was rejected.
    const raw = {
      ...base(),
      duration: '2s',
      channels: [{ id: 'orders', kind: 'direct' }],
      faults: [{ at: 100, crash: 'broker', restart: 1000 }],
    };
    const r = run(raw);
    expect(r.totals.rejected).toBe(0);
    expect(r.totals.processed).toBe(r.totals.published);
  });

  it('the docs say when fifoGroups keep order (they claimed it held always)', () => {
    const docs = readFileSync('docs/semantics.md', 'utf8');
    const section = docs.slice(docs.indexOf('### FIFO groups'), docs.indexOf('### Idempotent'));
    expect(section).toMatch(/\*\*When order holds:\*\*/);
    expect(section).toMatch(/do not when a producer retries/);
    expect(section).toMatch(/Nor with `ack: auto`/);
  });
});
