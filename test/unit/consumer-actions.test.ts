// Consumer actions (issue: broker v2 part 1): a consumer that rejects deliveries on receipt
// (basic.reject, with or without requeue) and one that never acks.

import { describe, expect, it } from 'vitest';
import { Simulation, queueReport, runnableProblems, validateScenario } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

function run(consumer: Record<string, unknown>, queue: Record<string, unknown> = {}): Report {
  const v = validateScenario({
    name: 'actions',
    until: 'drained',
    duration: '60s',
    producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, count: 200 }],
    channels: [
      { id: 'q', kind: 'queue', deadLetter: 'dlq', ...queue },
      { id: 'dlq', kind: 'queue' },
    ],
    consumers: [
      { id: 'w', from: 'q', instances: 2, service: { kind: 'constant', value: 2 }, ...consumer },
    ],
  });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return new Simulation(v.scenario, { checkInvariants: true }).run();
}

describe('consumer actions', () => {
  it('reject without requeue dead-letters on receipt, unprocessed', () => {
    const r = run({ reject: { probability: 1 } });
    expect(r.totals.processed).toBe(0);
    expect(r.totals.deadLettered).toBe(200);
    expect(r.totals.nacked).toBe(200);
    expect(queueReport(r, 'dlq').enqueued).toBe(200);
    expect(r.checks.conservation).toBe(true);
  });

  it('reject with requeue sends the message back: everything is processed in the end', () => {
    const r = run({ reject: { probability: 0.5, requeue: true } });
    expect(r.totals.processed).toBe(200);
    expect(r.totals.deadLettered).toBe(0);
    // Each delivery is rejected with probability 1/2: about as many redeliveries as messages.
    expect(r.totals.redelivered).toBeGreaterThan(140);
    expect(r.totals.redelivered).toBeLessThan(260);
    expect(r.checks.conservation).toBe(true);
  });

  it('a consumer that never acks stalls at its prefetch; an ack timeout redelivers, duplicating', () => {
    const stalled = run({ neverAck: true, prefetch: 5 });
    // Two instances × prefetch 5 deliveries, processed once and never acked.
    expect(stalled.totals.processed).toBe(10);
    expect(stalled.totals.pendingAtEnd).toBe(190); // the 10 processed are decided, if unacked
    expect(stalled.checks.conservation).toBe(true);
    const timed = run({ neverAck: true, prefetch: 50 }, { ackTimeout: '1s', maxDeliveries: 3 });
    // Every copy is processed at each of its three deliveries (two of them duplicates), and
    // dead-lettered when the third times out.
    expect(timed.totals.processed).toBe(200);
    expect(timed.totals.duplicatesProcessed).toBe(400);
    // The dead letters reach the dlq, but each copy's outcome was its first processing.
    expect(queueReport(timed, 'dlq').enqueued).toBe(200);
    expect(timed.totals.deadLettered).toBe(0);
    expect(timed.checks.conservation).toBe(true);
  });

  it('refuses them with auto ack, naming the field', () => {
    const v = validateScenario({
      name: 'x',
      duration: '1s',
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 1 } }],
      channels: [{ id: 'q', kind: 'queue' }],
      consumers: [
        {
          id: 'w',
          from: 'q',
          ack: 'auto',
          neverAck: true,
          service: { kind: 'constant', value: 1 },
        },
      ],
    });
    expect(v.ok && runnableProblems(v.scenario).map((e) => `${e.path}: ${e.message}`)).toEqual([
      'consumers[0].neverAck: needs ack: manual (with auto ack the broker forgets a delivery as it sends it)',
    ]);
  });
});
