// The broker as a cluster of finite nodes (contract v2 §2): leader placement, capacity (a FIFO
// server per node), group-committed fsyncs, producer batching (with confirms too), lost confirmed
// writes, time without a leader.

import { describe, expect, it } from 'vitest';
import { NotRunnableError, Simulation, queueReport, validateScenario } from '../../sim-core/index';
import type { Report, Scenario } from '../../sim-core/index';

function scenario(raw: object): Scenario {
  const v = validateScenario({ name: 'cluster', duration: 1000, ...raw });
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  return v.scenario;
}
const run = (raw: object): Report => new Simulation(scenario(raw)).run();

/** The validation errors of a scenario, as `path: message` lines. */
function errors(raw: object): string[] {
  const v = validateScenario({ name: 'cluster', duration: 1000, ...raw });
  return v.ok ? [] : v.errors.map((e) => `${e.path}: ${e.message}`);
}

const constant = (value: number) => ({ kind: 'constant', value });
const queue = (id = 'q') => ({ id, kind: 'queue' });
const worker = (from = 'q', service = constant(0.01), instances = 1) => ({
  id: `w-${from}`,
  from,
  service,
  instances,
  prefetch: 10,
});

/** P(K = k) for K ~ Poisson(mean). */
function poisson(mean: number, k: number): number {
  let p = Math.exp(-mean);
  for (let i = 1; i <= k; i++) p *= mean / i;
  return p;
}

/** Mean size of a batch that opens at a message, closes at N or after linger: 1 + min(N−1, K). */
function meanBatch(lambdaLinger: number, n: number): number {
  let e = 0;
  let below = 0;
  for (let k = 0; k < n - 1; k++) {
    e += k * poisson(lambdaLinger, k);
    below += poisson(lambdaLinger, k);
  }
  return 1 + e + (n - 1) * (1 - below);
}

describe('producer batching', () => {
  it('has the closed-form mean batch size for Poisson arrivals (λ·linger = 10, N = 12)', () => {
    expect(meanBatch(10, 12)).toBeCloseTo(10.166, 3);
    // ~9,500 batches of standard deviation ≈ 2.4: the standard error is 0.25% of the mean,
    // so 1.5% is 6 standard errors.
    const r = run({
      duration: 100_000,
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 1000 },
          batch: { maxMessages: 12, maxBytes: 'none', linger: 10 },
        },
      ],
      channels: [queue()],
      consumers: [worker()],
    });
    const p = r.producers.p;
    expect(p.batches).toBeGreaterThan(9000);
    expect(Math.abs(p.batchSizeMean / meanBatch(10, 12) - 1)).toBeLessThan(0.015);
    expect(r.totals.published).toBe(r.totals.enqueued);
  });

  it('has the closed-form mean at a second point (λ·linger = 2, N = 5), bytes as the bound', () => {
    // 5 messages of 100 bytes fill maxBytes 500: the size bound acts like maxMessages 5.
    const r = run({
      duration: 60_000,
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 400 },
          size: constant(100),
          batch: { maxBytes: 500, linger: 5 },
        },
      ],
      channels: [queue()],
      consumers: [worker()],
    });
    expect(Math.abs(r.producers.p.batchSizeMean / meanBatch(2, 5) - 1)).toBeLessThan(0.015);
  });

  it('sends a batch as one trip: every message of a batch reaches the consumer after the linger', () => {
    const r = run({
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'trace', at: [0, 1, 2, 100] },
          batch: { maxMessages: 3, linger: 50 },
        },
      ],
      channels: [queue()],
      consumers: [worker('q', constant(0))],
      network: { latency: constant(1) },
    });
    // Batch 1 is full at 2 ms and reaches the consumer at 4 ms (a hop to the broker and one
    // on: latencies 4, 3, 2); batch 2 lingers 50 ms (latency 52).
    expect(r.producers.p).toMatchObject({ batches: 2, batchSizeMean: 2 });
    expect(r.latency.endToEnd.count).toBe(4);
    expect(r.latency.endToEnd.mean).toBeCloseTo((4 + 3 + 2 + 52) / 4, 1);
    expect(r.latency.endToEnd.max).toBeCloseTo(52, 1);
  });
});

describe('producer batching with publisher confirms', () => {
  // 1,000 messages at 2,000/s in batches of exactly 10 (full long before the 50 ms linger).
  const batched = (extra: object = {}, network: object = {}) =>
    run({
      duration: 5000,
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'constant', perSecond: 2000 },
          count: 1000,
          batch: { maxMessages: 10, linger: 50 },
          confirm: { timeout: 30, retries: 20, backoff: 0 },
          ...extra,
        },
      ],
      channels: [queue()],
      consumers: [worker()],
      network: { latency: constant(1), ...network },
    });

  it('confirms each message of a batch', () => {
    const r = batched();
    expect(r.producers.p.batches).toBe(100);
    expect(r.producers.p.batchSizeMean).toBe(10);
    expect(r.producers.p.confirmed).toBe(1000);
    // A message waits in its batch until the 10th (up to 4.5 ms), then a 2 ms round trip.
    expect(r.producers.p.publishLatency.p50).toBeGreaterThan(2);
    expect(r.producers.p.publishLatency.max).toBeCloseTo(4.5 + 2, 1);
    expect(r.totals.processed).toBe(1000);
  });

  it('retries a lost batch as one unit, all of it again, until every message is confirmed', () => {
    const r = batched({}, { publishLoss: 0.2 });
    const p = r.producers.p;
    expect(r.totals.publishLost).toBeGreaterThan(100);
    expect(r.totals.publishLost % 10).toBe(0); // lost a batch at a time
    // Every send, first or retry, was a whole batch of 10: nothing was resent alone.
    expect(p.published).toBe(10 * p.batches);
    expect(p.batches).toBe(100 + r.totals.publishLost / 10);
    expect(p.confirmed).toBe(1000);
    expect(r.totals.processed).toBe(1000);
    expect(r.totals.duplicatesProcessed).toBe(0);
  });

  it('holds one in-flight slot per batch: maxInFlight counts batches', () => {
    const one = batched({ maxInFlight: 1 });
    const five = batched({ maxInFlight: 5 });
    // A batch every 5 ms, confirmed 2 ms after it is sent: one slot is enough, nothing waits.
    expect(one.producers.p.publishLatency.max).toBeCloseTo(five.producers.p.publishLatency.max, 6);
    // Batches every 5 ms against a 30 ms round trip: one slot makes each batch wait its turn.
    const slow = (n: number) => batched({ maxInFlight: n }, { latency: constant(15) });
    expect(slow(1).producers.p.publishLatency.p50).toBeGreaterThan(
      5 * slow(6).producers.p.publishLatency.p50,
    );
  });

  it('with several batches in flight, a retried batch lands behind later ones unless idempotent', () => {
    const keyed = (idempotent: boolean) =>
      batched(
        { keys: { kind: 'uniform', count: 4 }, maxInFlight: 5, idempotent },
        { publishLoss: 0.1, latency: { kind: 'exponential', mean: 1 } },
      );
    expect(keyed(false).totals.orderViolations).toBeGreaterThan(20);
    const kept = keyed(true);
    expect(kept.totals.orderViolations).toBe(0);
    expect(kept.producers.p.confirmed).toBe(1000);
  });

  it('gives up a batch after its retries: every message not confirmed fails', () => {
    const r = batched({ confirm: { timeout: 30, retries: 2, backoff: 0 } }, { publishLoss: 0.6 });
    expect(r.totals.publishFailed % 10).toBe(0);
    expect(r.totals.publishFailed).toBeGreaterThan(0);
    expect(r.producers.p.confirmed + r.totals.publishFailed).toBe(1000);
    expect(r.checks.conservation).toBe(true);
  });
});

describe('broker capacity', () => {
  it('a 10,000 msg/s node offered 15,000 msg/s processes about 10,000 msg/s, near fully busy', () => {
    const r = run({
      duration: 5000,
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 15_000 } }],
      channels: [queue()],
      consumers: [worker('q', constant(0.01), 4)],
      broker: { capacity: { perMessage: '100us' } },
    });
    expect(r.throughput.processedPerSec).toBeGreaterThan(9500);
    expect(r.throughput.processedPerSec).toBeLessThan(10_100);
    expect(r.broker.nodes[0].utilization).toBeGreaterThan(0.95);
    expect(r.broker.nodes[0].utilization).toBeLessThanOrEqual(1);
    // The backlog waits at the broker: latency grows through the run.
    expect(r.latency.endToEnd.p99).toBeGreaterThan(1000);
  });

  it('a batch is one unit of work: batching lifts a saturated node to the offered load', () => {
    const offered = (batch: object | null) =>
      run({
        duration: 5000,
        producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 15_000 }, batch }],
        channels: [queue()],
        consumers: [worker('q', constant(0.01), 4)],
        broker: { capacity: { perMessage: '100us' } },
      });
    const alone = offered(null);
    const batched = offered({ linger: 5 });
    expect(alone.throughput.processedPerSec).toBeLessThan(10_100);
    // The default maxBytes, 16 KiB, holds 16 messages of 1 KiB: 100 µs a batch is 6.25 µs a
    // message, ρ = 15,000 × 6.25 µs ≈ 0.094.
    expect(batched.producers.p.batchSizeMean).toBeCloseTo(16, 0);
    expect(batched.throughput.processedPerSec).toBeGreaterThan(14_500);
    expect(batched.broker.nodes[0].utilization).toBeGreaterThan(0.09);
    expect(batched.broker.nodes[0].utilization).toBeLessThan(0.1);
    // The price: each message waits for its batch to fill (16 messages at 15/ms: ~0.5 ms for
    // the median message), never longer than the 5 ms linger.
    expect(batched.latency.endToEnd.p50).toBeGreaterThan(0.3);
    expect(batched.latency.endToEnd.p50).toBeLessThan(1.5);
    expect(batched.latency.endToEnd.max).toBeLessThan(6);
    expect(alone.latency.endToEnd.p50).toBeGreaterThan(100); // a backlog at the broker
  });

  it('below capacity, utilization is the offered load (ρ = λ · work)', () => {
    const r = run({
      duration: 20_000,
      producers: [
        { id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 2000 }, size: constant(1000) },
      ],
      channels: [queue()],
      consumers: [worker()],
      broker: { capacity: { perMessage: '100us', perByte: '0.1us' } },
    });
    // 100 µs + 1000 × 0.1 µs = 200 µs a message at 2,000/s: ρ = 0.4 (±3% for 40,000 arrivals).
    expect(r.broker.nodes[0].utilization).toBeGreaterThan(0.388);
    expect(r.broker.nodes[0].utilization).toBeLessThan(0.412);
  });

  it('charges fan-out per copy: a topic with 3 subscriptions costs 3 units a publish', () => {
    const r = run({
      duration: 10_000,
      producers: [{ id: 'p', to: 't', rate: { kind: 'constant', perSecond: 1000 } }],
      channels: [
        { id: 't', kind: 'topic', subscriptions: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] },
      ],
      broker: { capacity: { perMessage: '100us' } },
    });
    expect(r.broker.nodes[0].utilization).toBeCloseTo(0.3, 2);
  });

  it('makes a zero-latency requeue loop take broker time instead of livelocking at t = 0', () => {
    const loop = {
      duration: 1000,
      producers: [{ id: 'p', to: 'q', rate: { kind: 'trace', at: [0] } }],
      channels: [queue()],
      consumers: [
        { id: 'w', from: 'q', service: constant(0), reject: { probability: 1, requeue: true } },
      ],
      limits: { maxEventsAtInstant: 100_000 },
    };
    expect(() => run(loop)).toThrow(/maxEventsAtInstant/);
    const r = run({ ...loop, broker: { capacity: { perMessage: '1ms' } } });
    // One publish and then one requeue per ms of broker work.
    expect(r.totals.redelivered).toBeGreaterThan(990);
    expect(r.totals.redelivered).toBeLessThan(1000);
  });

  it('groups fsyncs: one fsync covers every write made while the previous one ran', () => {
    const confirmed = (perSecond: number) =>
      run({
        duration: 10_000,
        producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond }, confirm: true }],
        channels: [queue()],
        consumers: [worker()],
        broker: { capacity: { fsync: 4 } },
      });
    // Sparse writes: an fsync each, confirmed exactly 4 ms after the send.
    const sparse = confirmed(10);
    expect(sparse.broker.nodes[0].fsyncs).toBe(sparse.producers.p.confirmed);
    expect(sparse.producers.p.publishLatency.max).toBeCloseTo(4, 1);
    // 1,000 writes a second: each fsync covers the 4 ms of writes made while the last one ran,
    // and a write waits for the rest of the running fsync and then its own (4 to 8 ms).
    const dense = confirmed(1000);
    expect(dense.producers.p.confirmed).toBeGreaterThan(9990); // the last ones confirm after the end
    expect(dense.broker.nodes[0].fsyncs).toBeGreaterThan(10_000 / 5);
    expect(dense.broker.nodes[0].fsyncs).toBeLessThan(10_000 / 3);
    expect(dense.producers.p.publishLatency.mean).toBeGreaterThan(5);
    expect(dense.producers.p.publishLatency.mean).toBeLessThan(7);
    expect(dense.producers.p.publishLatency.max).toBeLessThan(8.1);
    // A transient broker does not fsync.
    const transient = run({
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 } }],
      channels: [queue()],
      broker: { durable: false, capacity: { fsync: 4 } },
    });
    expect(transient.broker.nodes[0].fsyncs).toBe(0);
  });
});

describe('broker nodes', () => {
  it('places leaders round-robin over the nodes, in declaration order', () => {
    const r = run({
      producers: [{ id: 'p', to: 'q1', rate: { kind: 'poisson', perSecond: 10 } }],
      channels: [
        queue('q1'),
        { id: 'x', kind: 'exchange', type: 'fanout', bindings: [{ to: 'q2' }] },
        { id: 'ledger', kind: 'log', partitions: 3 },
        { id: 'd', kind: 'direct' },
        queue('q2'),
      ],
      broker: { nodes: 3 },
    });
    expect(r.broker.nodes.map((n) => [n.id, n.leaderOf])).toEqual([
      ['broker#1', ['q1', 'ledger[2]']],
      ['broker#2', ['ledger[0]']],
      ['broker#3', ['ledger[1]', 'q2']],
    ]);
  });

  it('a crash of the broker takes every node down: each counts it, each channel is unavailable', () => {
    const r = run({
      duration: 10_000,
      producers: [{ id: 'p', to: 'q1', rate: { kind: 'poisson', perSecond: 10 } }],
      channels: [queue('q1'), queue('q2'), { id: 'x', kind: 'exchange', type: 'fanout' }],
      broker: { nodes: 2 },
      faults: [{ at: 2000, crash: 'broker', restart: 3000 }],
    });
    expect(r.broker.nodes.map((n) => n.crashes)).toEqual([1, 1]);
    // Two queues without a leader for 3 s (an exchange has none to lose).
    expect(r.totals.unavailableMs).toBe(6000);
  });

  it('counts time without a leader up to the end when the broker never restarts', () => {
    const r = run({
      duration: 10_000,
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 10 } }],
      channels: [queue()],
      faults: [{ at: 4000, crash: 'broker' }],
    });
    expect(r.totals.unavailableMs).toBe(6000);
  });

  it('validates node names, replica counts and in-flight limits, naming the field', () => {
    const base = {
      producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 10 } }],
      broker: { nodes: 3 },
    };
    expect(
      errors({
        ...base,
        channels: [{ id: 'q', kind: 'queue', type: 'quorum', replicas: 5 }],
        faults: [
          { at: 10, crash: 'broker#4' },
          { at: 20, partition: ['broker#0'], for: 10 },
        ],
      }),
    ).toEqual([
      'channels[0].replicas: must be ≤ broker.nodes (3): each copy lives on its own node',
      'faults[0].crash: no node "broker#4": the broker has 3 nodes (broker#1 to broker#3)',
      'faults[1].partition[0]: no node "broker#0": the broker has 3 nodes (broker#1 to broker#3)',
    ]);
    expect(
      errors({
        ...base,
        channels: [
          { id: 'q', kind: 'queue', replicas: 2 },
          { id: 'l', kind: 'log', replicationFactor: 2, minInsyncReplicas: 3 },
        ],
      }),
    ).toEqual([
      'channels[0].replicas: a classic queue has one copy: use type: quorum',
      'channels[1].minInsyncReplicas: must be ≤ replicationFactor (2)',
    ]);
    expect(
      errors({
        producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 10 }, maxInFlight: 5 }],
        channels: [queue()],
      }),
    ).toEqual([
      'producers[0].maxInFlight: needs confirm: without confirms nothing tells the producer a publish has landed',
    ]);
    expect(errors({ ...base, channels: [queue()], broker: { capacity: {} } })).toEqual([
      'broker.capacity: needs perMessage, perByte or fsync (or null for an infinitely fast broker)',
    ]);
  });

  it('refuses retried confirms to a log from a producer that is not idempotent', () => {
    const s = scenario({
      producers: [{ id: 'p', to: 'l', rate: { kind: 'poisson', perSecond: 10 }, confirm: true }],
      channels: [queue(), { id: 'l', kind: 'log', replicationFactor: 3 }],
      broker: { nodes: 3 },
    });
    let problems: string[] = [];
    try {
      new Simulation(s);
    } catch (e) {
      problems = (e as NotRunnableError).errors.map((x) => x.path);
    }
    expect(problems).toEqual(['producers[0].idempotent']);
  });
});

describe('flow control and lost publishes', () => {
  it('a memory alarm blocks publishers until the node falls below 90% of its limit', () => {
    const r = run({
      duration: 20_000,
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 200 } }],
      channels: [queue()],
      consumers: [worker('q', constant(10))], // 100/s: a backlog grows at 100/s
      broker: { memoryLimit: 500 },
    });
    // The backlog reaches 500 at ~5 s; blocked, the producer waits until it falls below 450
    // (at 100/s, checked every 100 ms), sends what waited, and hits the limit again.
    expect(queueReport(r, 'q').depthMax).toBeLessThanOrEqual(500 + 20);
    expect(r.producers.p.blockedMs).toBeGreaterThan(10_000);
    expect(r.broker.nodes[0].blockedMs).toBeGreaterThan(10_000);
    // Blocking is never hidden: latency counts from the intended send, and what still waits in
    // the client at the end is counted (every one of the 4,000 messages made is accounted for).
    expect(r.latency.endToEnd.p99).toBeGreaterThan(5000);
    expect(r.producers.p.unsentAtEnd).toBeGreaterThan(0);
    expect(r.producers.p.published + r.producers.p.unsentAtEnd).toBeGreaterThanOrEqual(3999);
    expect(r.producers.p.published + r.producers.p.unsentAtEnd).toBeLessThanOrEqual(4000);
    expect(r.totals.lost).toBe(0);
    expect(r.checks.conservation).toBe(true);
  });

  it('a lost publish is gone without confirms, and retried with them', () => {
    const lossy = (confirm: object | null) =>
      run({
        duration: 10_000,
        producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, confirm }],
        channels: [queue()],
        consumers: [worker()],
        network: { publishLoss: 0.2 },
      });
    const plain = lossy(null);
    // Binomial(1000, 0.2): 200 ± 5 standard deviations (12.6).
    expect(plain.totals.publishLost).toBeGreaterThan(137);
    expect(plain.totals.publishLost).toBeLessThan(263);
    expect(plain.totals.enqueued).toBe(plain.totals.published - plain.totals.publishLost);
    const confirmed = lossy({ timeout: 50, retries: 10, backoff: 0 });
    expect(confirmed.totals.publishLost).toBeGreaterThan(137);
    expect(confirmed.producers.p.confirmed).toBeGreaterThan(995); // the last ones after the end
    // Each message enqueued once, when an attempt got through, and confirmed then.
    expect(confirmed.totals.enqueued).toBe(confirmed.producers.p.confirmed);
  });
});

describe('publishes in flight', () => {
  const inFlight = (idempotent: boolean, maxInFlight: number) =>
    run({
      duration: 20_000,
      producers: [
        {
          id: 'p',
          to: 'q',
          rate: { kind: 'poisson', perSecond: 500 },
          keys: { kind: 'uniform', count: 4 },
          confirm: { timeout: 20, retries: 100, backoff: 0 },
          idempotent,
          maxInFlight,
        },
      ],
      channels: [queue()],
      consumers: [worker('q', constant(0.1))],
      network: { latency: { kind: 'exponential', mean: 1 }, publishLoss: 0.1 },
    });

  it('with more than one in flight, a retried publish lands behind later ones: keyed order breaks', () => {
    expect(inFlight(false, 5).totals.orderViolations).toBeGreaterThan(100);
    // One at a time, a retry cannot be overtaken.
    expect(inFlight(false, 1).totals.orderViolations).toBe(0);
  });

  it('an idempotent producer keeps per-key order: the broker refuses a publish that overtook', () => {
    const r = inFlight(true, 5);
    expect(r.totals.orderViolations).toBe(0);
    expect(r.totals.rejected).toBeGreaterThan(0); // the overtaking ones, sent again
    expect(r.totals.duplicatesProcessed).toBe(0);
  });

  it('limits the unconfirmed publishes: the rest wait, and latency counts from the intended send', () => {
    const one = inFlight(false, 1);
    const five = inFlight(false, 5);
    expect(one.producers.p.publishLatency.p99).toBeGreaterThan(five.producers.p.publishLatency.p99);
  });

  it('refuses maxInFlight above 5 for an idempotent producer, as Kafka does', () => {
    expect(
      errors({
        producers: [
          {
            id: 'p',
            to: 'q',
            rate: { kind: 'poisson', perSecond: 10 },
            confirm: true,
            idempotent: true,
            maxInFlight: 6,
          },
        ],
        channels: [queue()],
      }),
    ).toEqual([
      'producers[0].maxInFlight: an idempotent producer keeps order only with maxInFlight ≤ 5 (Kafka refuses more)',
    ]);
  });
});

describe('per-hop latencies', () => {
  const hops = (latency: object) =>
    run({
      producers: [{ id: 'p', to: 'q', rate: { kind: 'constant', perSecond: 100 }, confirm: true }],
      channels: [queue()],
      consumers: [worker('q', constant(0))],
      network: { latency },
    });

  it('times each kind of hop by its own distribution', () => {
    const r = hops({ publish: constant(2), deliver: constant(5), ack: constant(7) });
    // End to end: publish 2 + deliver 5; the confirm comes back over the publish hop (2 + 2).
    expect(r.latency.endToEnd.p50).toBeCloseTo(7, 1);
    expect(r.producers.p.publishLatency.p50).toBeCloseTo(4, 1);
    // The ack hop shows as time unacked: 5 ms to the consumer and 7 ms back.
    expect(queueReport(r, 'q').unackedMean).toBeCloseTo(100 * 0.012, 1);
  });

  it('is the same run as one distribution when every hop has it', () => {
    const one = hops(constant(3));
    const each = hops({ publish: constant(3), deliver: constant(3), ack: constant(3) });
    expect(each.latency.endToEnd).toEqual(one.latency.endToEnd);
    expect(each.events).toBe(one.events);
  });

  it('leaves out hops it does not name (they take no time) and names a wrong one', () => {
    expect(hops({ deliver: constant(5) }).latency.endToEnd.p50).toBeCloseTo(5, 1);
    expect(
      errors({
        producers: [{ id: 'p', to: 'q', rate: { kind: 'poisson', perSecond: 10 } }],
        channels: [queue()],
        network: { latency: { deliver: constant(1), confirm: constant(1) } },
      }),
    ).toEqual([expect.stringMatching(/^network\.latency\.confirm: unknown field/)]);
  });
});

describe('lost confirmed writes', () => {
  const crashing = (durable: boolean, confirmLoss = 0) => ({
    duration: 10_000,
    producers: [
      {
        id: 'p',
        to: 'q',
        rate: { kind: 'constant', perSecond: 100 },
        confirm: { timeout: 500, retries: 0 },
      },
    ],
    channels: [queue()],
    broker: { durable },
    network: { confirmLoss },
    faults: [{ at: 5005, crash: 'broker', restart: 1000 }],
  });

  it('counts the confirmed copies a transient broker loses in a crash', () => {
    const r = run(crashing(false));
    // No consumer: the 501 messages accepted by 5 s are all held, all confirmed, all lost.
    expect(r.totals.lost).toBe(501);
    expect(r.totals.lostAcknowledged).toBe(501);
  });

  it('does not count a copy whose confirm the network lost: its producer never heard of it', () => {
    const r = run(crashing(false, 0.3));
    expect(r.totals.lost).toBe(501);
    // Binomial(501, 0.7): mean 351, standard deviation 10.3; ±5 standard deviations.
    expect(r.totals.lostAcknowledged).toBeGreaterThan(351 - 52);
    expect(r.totals.lostAcknowledged).toBeLessThan(351 + 52);
  });

  it('is 0 for a durable broker', () => {
    const r = run(crashing(true));
    expect(r.totals.lost).toBe(0);
    expect(r.totals.lostAcknowledged).toBe(0);
  });
});
