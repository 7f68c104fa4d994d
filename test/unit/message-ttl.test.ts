// Per-message TTL (contract v2 §1, RabbitMQ's `expiration`): counted from publish, the shorter of
// the message's and the queue's TTL applies, a message expires only at the head of its queue (a
// long-lived one ahead shields shorter-lived ones behind it), and expiry dead-letters.

import { describe, expect, it } from 'vitest';
import { Ev, Simulation, eventMask, queueReport, validateScenario } from '../../sim-core/index';
import type { EventKind, SimEvent } from '../../sim-core/index';

/** Runs; returns the report and the times (µs) of the events of `kind` at `where`. */
function run(raw: Record<string, unknown>, kind: EventKind = Ev.expired, where = 0) {
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const times: number[] = [];
  const observer = {
    kinds: eventMask(kind),
    onEvent: (ev: SimEvent) => {
      if (ev.where === where) times.push(ev.timeUs);
    },
  };
  const report = new Simulation(v.scenario, { observers: [observer], checkInvariants: true }).run();
  return { report, times };
}

/** A backlog: `count` messages at t = 0, one slow consumer (100 ms each). */
function backlog(producers: Array<Record<string, unknown>>, queue: Record<string, unknown> = {}) {
  return {
    name: 'ttl',
    until: 'drained',
    producers: producers.map((p, i) => ({
      id: `p${i}`,
      to: 'q',
      rate: { kind: 'trace', at: [0, 0, 0, 0, 0] },
      ...p,
    })),
    channels: [
      { id: 'q', kind: 'queue', deadLetter: 'dlq', ...queue },
      { id: 'dlq', kind: 'queue' },
    ],
    consumers: [
      { id: 'w', from: 'q', service: { kind: 'constant', value: 100 } },
      { id: 'd', from: 'dlq', service: { kind: 'constant', value: 1 } },
    ],
  };
}

describe('per-message ttl', () => {
  it('expires what waits past its ttl, dead-letters it, and never delivers it late', () => {
    // Deliveries to w (instance 0): at 0, 100, 200 ms; the other two pass 250 ms waiting.
    const { report: r, times } = run(backlog([{ ttl: 250 }]), Ev.delivered, 0);
    expect(times).toEqual([0, 100_000, 200_000]);
    expect(queueReport(r, 'q').processed).toBe(3);
    expect(queueReport(r, 'q').expired).toBe(2);
    expect(queueReport(r, 'dlq').enqueued).toBe(2);
    expect(r.checks.conservation).toBe(true);
  });

  it('the shorter of the message ttl and the queue ttl applies', () => {
    expect(queueReport(run(backlog([{ ttl: 1000 }], { ttl: 150 })).report, 'q').expired).toBe(3);
    expect(queueReport(run(backlog([{ ttl: 150 }], { ttl: 1000 })).report, 'q').expired).toBe(3);
  });

  it('a message without a ttl at the head shields the ones behind it', () => {
    // p0 has no ttl and publishes five at 0 ms; p1's two (ttl 50 ms) come at 1 ms, behind them.
    // They reach the head only when p0's last one is delivered, at 400 ms, and expire then.
    const { report: r, times } = run(
      backlog([{}, { ttl: 50, rate: { kind: 'trace', at: [1, 1] } }]),
    );
    expect(queueReport(r, 'q').expired).toBe(2);
    expect(queueReport(r, 'q').processed).toBe(5);
    expect(times).toEqual([400_000, 400_000]);
  });

  it('a dead letter has no message ttl left (as RabbitMQ removes it)', () => {
    const { report: r } = run({
      ...backlog([{ ttl: 250 }]),
      consumers: [
        { id: 'w', from: 'q', service: { kind: 'constant', value: 100 } },
        { id: 'd', from: 'dlq', service: { kind: 'constant', value: 400 } },
      ],
    });
    // Two dead letters, 400 ms each: the second waits in the dlq far past its original ttl.
    expect(queueReport(r, 'dlq').processed).toBe(2);
    expect(queueReport(r, 'dlq').expired).toBe(0);
  });
});
