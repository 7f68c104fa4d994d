// Per-message TTL (contract v2 §1) never lets a message out of its queue after its deadline:
// the earlier of its publish plus its own `ttl` and its enqueue plus the queue's `ttl`. It may
// expire later than that (only at the head, as in RabbitMQ), but a delivery — and so, with
// prefetch 1 on a zero-latency network, a start of processing — is never past the deadline.

import { expect } from 'vitest';
import { test } from '@fast-check/vitest';
import fc from 'fast-check';
import { Ev, Simulation, eventMask, validateScenario } from '../../sim-core/index';
import type { SimEvent } from '../../sim-core/index';
import { numRuns } from './runs';

const producerArb = fc.record({
  at: fc.array(fc.integer({ min: 0, max: 300 }), { minLength: 1, maxLength: 25 }),
  ttl: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
});

const scenarioArb = fc.record({
  producers: fc.array(producerArb, { minLength: 1, maxLength: 3 }),
  queueTtl: fc.option(fc.integer({ min: 1, max: 200 }), { nil: null }),
  instances: fc.integer({ min: 1, max: 2 }),
  serviceMs: fc.double({ min: 0.5, max: 30, noNaN: true }),
  exponential: fc.boolean(),
});

test.prop([scenarioArb, fc.integer({ min: 0, max: 2 ** 31 - 1 })], { numRuns })(
  'ttl: no message is delivered, or starts, after its deadline; each is processed or expired',
  (s, seed) => {
    const raw = {
      name: 'ttl property',
      seed,
      until: 'drained',
      producers: s.producers.map((p, i) => ({
        id: `p${i}`,
        to: 'q',
        rate: { kind: 'trace', at: [...p.at].sort((a, b) => a - b) },
        ttl: p.ttl,
      })),
      channels: [{ id: 'q', kind: 'queue', ttl: s.queueTtl ?? 'none' }],
      consumers: [
        {
          id: 'w',
          from: 'q',
          instances: s.instances,
          prefetch: 1,
          service: s.exponential
            ? { kind: 'exponential', mean: s.serviceMs }
            : { kind: 'constant', value: s.serviceMs },
        },
      ],
    };
    const v = validateScenario(raw);
    if (!v.ok) throw new Error(JSON.stringify(v.errors));
    const deadline = new Map<string, number>();
    const late: string[] = [];
    const check = (ev: SimEvent, what: string) => {
      const id = `${ev.sender}:${ev.seq}`;
      if (ev.timeUs > deadline.get(id)!) late.push(`${what} ${id} at ${ev.timeUs} µs`);
    };
    const observer = {
      kinds: eventMask(Ev.published, Ev.enqueued, Ev.delivered, Ev.started),
      onEvent: (ev: SimEvent) => {
        const id = `${ev.sender}:${ev.seq}`;
        if (ev.kind === Ev.published) {
          const ttl = s.producers[ev.sender].ttl;
          deadline.set(id, ttl === null ? Infinity : ev.timeUs + ttl * 1000);
        } else if (ev.kind === Ev.enqueued) {
          if (s.queueTtl !== null)
            deadline.set(id, Math.min(deadline.get(id)!, ev.timeUs + s.queueTtl * 1000));
        } else check(ev, ev.kind === Ev.delivered ? 'delivered' : 'started');
      },
    };
    const r = new Simulation(v.scenario, { observers: [observer], checkInvariants: true }).run();
    expect(late).toEqual([]);
    expect(r.totals.processed + r.totals.expired).toBe(r.totals.published);
    expect(r.checks.conservation).toBe(true);
  },
);
