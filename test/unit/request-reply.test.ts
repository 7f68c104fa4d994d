// Request–reply (contract v2 §1, `request: {timeout}`): the consumer that processes a request
// replies through the broker (one hop to it, one on to the producer) or, over a direct channel,
// straight back; the producer settles each request once — replied, timed out, or late.

import { describe, expect, it } from 'vitest';
import { Ev, Simulation, eventMask, validateScenario } from '../../sim-core/index';
import type { SimEvent } from '../../sim-core/index';

interface Settlement {
  kind: string;
  id: string;
  t: number;
  roundTrip: number;
}

function run(raw: Record<string, unknown>) {
  const v = validateScenario(raw);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const seen: Settlement[] = [];
  const names = new Map<number, string>([
    [Ev.replied, 'replied'],
    [Ev.replyTimedOut, 'replyTimedOut'],
    [Ev.lateReply, 'lateReply'],
    [Ev.requestFailed, 'requestFailed'],
  ]);
  const observer = {
    kinds: eventMask(Ev.replied, Ev.replyTimedOut, Ev.lateReply, Ev.requestFailed),
    onEvent: (ev: SimEvent) =>
      seen.push({
        kind: names.get(ev.kind)!,
        id: `${ev.sender}:${ev.seq}`,
        t: ev.timeUs / 1000,
        roundTrip: (ev.timeUs - ev.publishUs) / 1000,
      }),
  };
  const report = new Simulation(v.scenario, { observers: [observer], checkInvariants: true }).run();
  return { report, seen };
}

const constant = (value: number) => ({ kind: 'constant', value });

/** Requests at 0, 100 and 200 ms to one consumer taking `serviceMs`, over `kind`. */
function rpc(opts: {
  kind?: string;
  serviceMs?: number;
  timeout?: number;
  latency?: number;
  more?: Record<string, unknown>;
}) {
  return {
    name: 'rpc',
    until: 'drained',
    producers: [
      {
        id: 'app',
        to: 'q',
        rate: { kind: 'trace', at: [0, 100, 200] },
        request: { timeout: opts.timeout ?? 1000 },
      },
    ],
    channels: [{ id: 'q', kind: opts.kind ?? 'queue' }],
    consumers: [{ id: 'svc', from: 'q', service: constant(opts.serviceMs ?? 10) }],
    network: { latency: constant(opts.latency ?? 0) },
    ...opts.more,
  };
}

describe('request–reply', () => {
  it('over a queue: the round trip is four hops and the service time', () => {
    const { report, seen } = run(rpc({ latency: 2 }));
    // publish, delivery, reply to the broker, reply to the producer: 4 × 2 ms, plus 10 ms.
    expect(seen.map((s) => [s.kind, s.roundTrip])).toEqual([
      ['replied', 18],
      ['replied', 18],
      ['replied', 18],
    ]);
    expect(report.totals).toMatchObject({ replies: 3, replyTimeouts: 0, lateReplies: 0 });
    expect(report.latency.roundTrip).toMatchObject({ count: 3, p50: 18 });
    expect(report.producers.app).toMatchObject({ replies: 3, roundTrip: { count: 3 } });
    // The end-to-end latency stops at processing: two hops and the service time.
    expect(report.latency.endToEnd.p50).toBe(14);
  });

  it('over a direct channel the reply retraces the call: four hops, no broker', () => {
    const { seen } = run(rpc({ kind: 'direct', latency: 2 }));
    expect(seen.map((s) => s.roundTrip)).toEqual([18, 18, 18]);
    // A broker crash does not touch a direct call or its reply.
    const crashed = run(
      rpc({
        kind: 'direct',
        latency: 2,
        more: { faults: [{ at: 11, crash: 'broker', restart: 500 }] },
      }),
    );
    expect(crashed.seen.map((s) => s.kind)).toEqual(['replied', 'replied', 'replied']);
  });

  it('a direct call that finds no free server fails at once: the caller does not wait', () => {
    // Three calls at 0 ms to one server taking 50 ms: the second and third are refused.
    const { report, seen } = run({
      ...rpc({ kind: 'direct', serviceMs: 50 }),
      producers: [
        { id: 'app', to: 'q', rate: { kind: 'trace', at: [0, 0, 0] }, request: { timeout: 1000 } },
      ],
    });
    expect(seen.map((s) => [s.kind, s.t])).toEqual([
      ['requestFailed', 0],
      ['requestFailed', 0],
      ['replied', 50],
    ]);
    expect(report.producers.app).toMatchObject({ replies: 1, failed: 2, replyTimeouts: 0 });
    expect(report.totals.rejected).toBe(2);
  });

  it('a reply that reaches a crashed broker is lost: the request times out', () => {
    // The first reply reaches the broker at 14 ms, while it is down (11 ms to 511 ms).
    const { report } = run(
      rpc({ latency: 2, more: { faults: [{ at: 11, crash: 'broker', restart: 500 }] } }),
    );
    expect(report.totals.replyTimeouts).toBeGreaterThanOrEqual(1);
    expect(report.totals.replies + report.totals.replyTimeouts).toBe(3);
  });

  it('a reply after the timeout is late: counted once as a timeout, once as late', () => {
    const { report, seen } = run(rpc({ serviceMs: 50, timeout: 30 }));
    expect(seen.slice(0, 2).map((s) => [s.kind, s.t])).toEqual([
      ['replyTimedOut', 30],
      ['lateReply', 50],
    ]);
    expect(report.totals).toMatchObject({ replies: 0, replyTimeouts: 3, lateReplies: 3 });
    expect(report.latency.roundTrip!.count).toBe(0);
  });

  it('a request nobody processes times out, and a drained run waits for that', () => {
    const { report } = run(
      rpc({
        more: {
          channels: [{ id: 'q', kind: 'queue', maxDeliveries: 1 }],
          consumers: [{ id: 'svc', from: 'q', service: constant(10), poison: 1 }],
        },
      }),
    );
    expect(report.totals).toMatchObject({ deadLettered: 3, replies: 0, replyTimeouts: 3 });
    expect(report.simulatedMs).toBeGreaterThanOrEqual(1200); // the last request's timeout
  });

  it('a second reply (two subscriptions, or a duplicate) is dropped: each request settles once', () => {
    const { report } = run(
      rpc({
        more: {
          channels: [{ id: 'q', kind: 'topic', subscriptions: [{ id: 'a' }, { id: 'b' }] }],
          consumers: [
            { id: 'fast', from: 'q/a', service: constant(5) },
            { id: 'slow', from: 'q/b', service: constant(20) },
          ],
        },
      }),
    );
    expect(report.totals.processed).toBe(6);
    expect(report.totals).toMatchObject({ replies: 3, replyTimeouts: 0, lateReplies: 0 });
    expect(report.latency.roundTrip!.max).toBe(5); // the fast subscriber's replies won
  });

  it('a frozen consumer makes callers time out and then answers them late', () => {
    const { report } = run(
      rpc({ timeout: 50, more: { faults: [{ at: 1, freeze: 'svc', for: 300 }] } }),
    );
    // All three wait behind the 300 ms freeze: each times out, then gets its reply late.
    expect(report.totals).toMatchObject({ replies: 0, replyTimeouts: 3, lateReplies: 3 });
  });

  it('a scenario without requests reports no round trip and no request counters', () => {
    const { report } = run({
      ...rpc({}),
      producers: [{ id: 'app', to: 'q', rate: { kind: 'trace', at: [0] } }],
    });
    expect(report.latency.roundTrip).toBeUndefined();
    expect(report.producers.app.published).toBe(1);
    expect(report.producers.app.roundTrip).toBeUndefined();
    expect(report.producers.app.replies).toBeUndefined();
    expect(report.totals).toMatchObject({ replies: 0, replyTimeouts: 0, lateReplies: 0 });
  });

  it('validates the timeout, naming the field', () => {
    const bad = (request: unknown) => {
      const raw = rpc({});
      (raw.producers[0] as Record<string, unknown>).request = request;
      const v = validateScenario(raw);
      return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
    };
    expect(bad({})).toEqual(['producers[0].request.timeout: is required']);
    expect(bad({ timeout: 0 })).toEqual([
      'producers[0].request.timeout: must be a positive number',
    ]);
    expect(bad({ timeout: 5, retries: 2 })[0]).toMatch(
      /^producers\[0\]\.request\.retries: unknown field/,
    );
    expect(bad(null)).toEqual([]);
  });
});
