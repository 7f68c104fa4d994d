// Priority queues never invert: a consumer always gets the highest-priority ready message
// (oldest first within a priority; priorities above maxPriority count as maxPriority). The
// oracle is a hand-written single-server priority queue over the same arrivals.

import { describe, expect, it } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import {
  Ev,
  Simulation,
  eventMask,
  runnableProblems,
  validateScenario,
} from '../../sim-core/index';
import { numRuns } from './runs';

/** Service time: 5.123 ms, so a completion never falls on an arrival's whole millisecond. */
const SERVICE_MS = 5.123;

/**
 * Completion order (by sequence) of one server taking the highest priority first. An arrival
 * that finds the server idle starts at once, even if others arrive at the same instant after it.
 */
function oracle(arrivals: Array<{ at: number; priority: number }>, max: number): number[] {
  const waiting: Array<{ seq: number; level: number }> = [];
  const order: number[] = [];
  let next = 0;
  let free = 0;
  const admitBefore = (t: number) => {
    while (next < arrivals.length && arrivals[next].at < t) {
      waiting.push({ seq: next + 1, level: Math.min(arrivals[next].priority, max) });
      next++;
    }
  };
  while (order.length < arrivals.length) {
    if (waiting.length === 0) {
      // Idle: the next arrival starts when it comes.
      free = Math.max(free, arrivals[next].at) + SERVICE_MS;
      order.push(++next);
    } else {
      let best = 0;
      for (let i = 1; i < waiting.length; i++) if (waiting[i].level > waiting[best].level) best = i; // FIFO within a level
      order.push(waiting.splice(best, 1)[0].seq);
      free += SERVICE_MS;
    }
    admitBefore(free);
  }
  return order;
}

/** One producer per priority, publishing at exact times, into one queue with one server. */
function scenario(arrivals: Array<{ at: number; priority: number }>, maxPriority: number) {
  return {
    name: 'priorities',
    until: 'drained',
    producers: [
      {
        id: 'p',
        to: 'q',
        rate: { kind: 'trace', at: arrivals.map((a) => a.at) },
        priority: { kind: 'choice', values: arrivals.map((a) => a.priority) },
      },
    ],
    channels: [{ id: 'q', kind: 'queue', maxPriority }],
    consumers: [{ id: 'w', from: 'q', service: { kind: 'constant', value: SERVICE_MS } }],
  };
}

describe('priority queues', () => {
  it('serve a backlog highest priority first, oldest first within one', () => {
    // All at t = 0 except the first, which the idle server takes at once. Priority 20 > max 9.
    const arrivals = [0, 0, 0, 0, 0, 0].map((at, i) => ({ at, priority: [1, 0, 9, 20, 5, 9][i] }));
    const raw = scenario(arrivals, 9);
    // A constant priority per message: one producer per message, in publish order.
    raw.producers = arrivals.map((a, i) => ({
      id: `p${i}`,
      to: 'q',
      rate: { kind: 'trace', at: [a.at] },
      priority: { kind: 'constant', value: a.priority } as never,
    }));
    const v = validateScenario(raw);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const order: string[] = [];
    new Simulation(v.scenario, {
      observers: [{ kinds: eventMask(Ev.processed), onEvent: (ev) => order.push(`p${ev.sender}`) }],
    }).run();
    // p0 first (the server was idle), then 9, 20 (capped to 9) and 9 in publish order, 5, 0.
    expect(order).toEqual(['p0', 'p2', 'p3', 'p5', 'p4', 'p1']);
  });

  test.prop(
    [
      fc.integer({ min: 1, max: 12 }),
      fc.array(
        fc.record({
          gap: fc.integer({ min: 0, max: 8 }),
          priority: fc.integer({ min: 0, max: 15 }),
        }),
        { minLength: 1, maxLength: 40 },
      ),
    ],
    { numRuns },
  )('never invert: each completion is the highest-priority message that was ready', (max, xs) => {
    let t = 0;
    const arrivals = xs.map((x) => ({ at: (t += x.gap), priority: x.priority }));
    // Priorities drawn by `choice` are random; take the drawn ones from the run, then check.
    const raw = scenario(arrivals, max);
    const v = validateScenario(raw);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const drawn: number[] = [];
    const seqs: number[] = [];
    new Simulation(v.scenario, {
      observers: [
        {
          kinds: eventMask(Ev.published, Ev.processed),
          onEvent: (ev) =>
            ev.kind === Ev.published ? (drawn[ev.seq - 1] = ev.priority) : seqs.push(ev.seq),
        },
      ],
      checkInvariants: true,
    }).run();
    const actual = arrivals.map((a, i) => ({ at: a.at, priority: drawn[i] }));
    expect(seqs, JSON.stringify({ max, actual })).toEqual(oracle(actual, max));
  });

  it('report latency per priority: under overload, urgent messages wait far less', () => {
    const raw = {
      name: 'overload',
      duration: '20s',
      warmup: '2s',
      producers: [
        {
          id: 'web',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 210 },
          priority: { kind: 'choice', values: [0, 9], weights: [9, 1] },
        },
      ],
      channels: [{ id: 'q', kind: 'queue', maxPriority: 9 }],
      consumers: [{ id: 'w', from: 'q', service: { kind: 'exponential', mean: 5 } }],
    };
    const v = validateScenario(raw);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const r = new Simulation(v.scenario).run();
    const by = r.latency.byPriority!;
    expect(Object.keys(by)).toEqual(['0', '9']);
    expect(by['0'].count + by['9'].count).toBe(r.latency.endToEnd.count);
    // ρ = 1.05: the low-priority backlog grows without bound while urgent work cuts ahead.
    expect(by['9'].p99).toBeLessThan(by['0'].p50 / 5);
    const plain = validateScenario({
      ...raw,
      producers: [{ ...raw.producers[0], priority: null }],
    });
    expect(plain.ok && new Simulation(plain.scenario).run().latency.byPriority).toBeUndefined();
  });

  it('validates priorities and refuses what is not modelled', () => {
    const base = (q: Record<string, unknown>, priority: unknown = 1) => ({
      name: 'x',
      duration: '1s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 1 }, priority }],
      channels: [{ id: 'q', kind: 'queue', ...q }],
      consumers: [],
    });
    const problems = (raw: unknown) => {
      const v = validateScenario(raw);
      return v.ok
        ? runnableProblems(v.scenario).map((e) => `${e.path}: ${e.message}`)
        : v.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(problems(base({ maxPriority: 0 }))).toEqual([
      'channels[0].maxPriority: must be between 1 and 255',
    ]);
    expect(problems(base({ maxPriority: 10 }, 256))).toEqual([
      'producers[0].priority.value: must be between 0 and 255',
    ]);
    expect(problems(base({ maxPriority: 10, fifoGroups: true }))).toEqual([
      'channels[0].maxPriority: maxPriority with fifoGroups is not modelled yet',
    ]);
    expect(problems(base({ maxPriority: 10 }, 7))).toEqual([]);
  });
});
