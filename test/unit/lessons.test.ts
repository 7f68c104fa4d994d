// Each lesson in examples/ shows the anomaly or effect its description teaches, in the report:
// the numbers a student is told to watch, checked on the lesson's own seed and full length.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Simulation, parseScenarioText, validateScenario, queueReport } from '../../sim-core/index';
import type { Report } from '../../sim-core/index';

function lesson(name: string): Report {
  const file = `examples/${name}.yaml`;
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const v = validateScenario(parsed.value);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const r = new Simulation(v.scenario).run();
  expect(r.checks.conservation).toBe(true);
  return r;
}

describe('lessons show what they teach', () => {
  it('competing consumers: each message processed once, nothing lost', () => {
    const t = lesson('competing-consumers').totals;
    expect(t).toMatchObject({ duplicatesProcessed: 0, lost: 0 });
    expect(t.processed).toBeGreaterThan(0.99 * t.enqueued);
  });

  it('queue vs pub/sub: the queue splits the work, every subscription gets every message', () => {
    const c = lesson('queue-vs-pubsub').consumers;
    expect(c['orders-billing'].processed + c['orders-shipping'].processed).toBe(
      c['billing-svc'].processed,
    );
    expect(c['billing-svc'].processed).toBe(c['shipping-svc'].processed);
  });

  it('prefetch buffering and one slow consumer: a big prefetch strands messages behind a slow worker', () => {
    const c = lesson('slow-consumer').consumers;
    expect(c['workers-p50'].latency.p99).toBeGreaterThan(10 * c['workers-p1'].latency.p99);
    expect(lesson('prefetch-buffering').theory).toBeNull();
  });

  it('theory lessons put the closed form beside the measurement', () => {
    for (const name of ['mm1-theory', 'mmc-theory', 'md1-theory']) {
      const th = lesson(name).theory!;
      expect(Math.abs(th.queueWaitMeanMs.measured / th.queueWaitMeanMs.theory! - 1)).toBeLessThan(
        0.1,
      );
    }
  });

  it('a consumer crash under at-least-once redelivers and duplicates but loses nothing', () => {
    const t = lesson('crash-duplicates').totals;
    expect(t.redelivered).toBeGreaterThan(0);
    expect(t.duplicatesProcessed).toBeGreaterThan(0);
    expect(t.lost).toBe(0);
  });

  it('auto ack loses what crashed consumers held and never duplicates', () => {
    const t = lesson('at-most-once-loss').totals;
    expect(t.lost).toBeGreaterThan(0);
    expect(t.duplicatesProcessed).toBe(0);
  });

  it('an idempotent consumer suppresses the duplicates', () => {
    const t = lesson('idempotent-consumer').totals;
    expect(t.duplicatesSuppressed).toBeGreaterThan(0);
    expect(t.duplicatesProcessed).toBe(0);
  });

  it('poison messages are dead-lettered after maxDeliveries', () => {
    const r = lesson('poison-dlq');
    expect(r.totals.deadLettered).toBeGreaterThan(0);
    expect(queueReport(r, 'orders.dlq').enqueued).toBe(r.totals.deadLettered);
    expect(r.totals.nacked).toBeGreaterThanOrEqual(3 * r.totals.deadLettered);
  });

  it('retries with backoff: nacks, redeliveries and a longer tail than immediate retries', () => {
    const r = lesson('retry-backoff');
    expect(r.totals.nacked).toBeGreaterThan(0);
    expect(r.totals.redelivered).toBeGreaterThan(0);
    expect(r.consumers.workers.latency.p99).toBeGreaterThan(
      5 * r.consumers['workers-immediate'].latency.p99,
    );
  });

  it('competing consumers break per-key order; FIFO groups and partitions keep it', () => {
    const a = lesson('ordering-competing-consumers').consumers;
    expect(a.single.orderViolations).toBe(0);
    expect(a.scaled.orderViolations).toBeGreaterThan(0);
    const b = lesson('ordering-kept-fifo-and-partitions').consumers;
    expect(b.plain.orderViolations).toBeGreaterThan(0);
    expect(b.fifo.orderViolations).toBe(0);
    expect(b.partitioned.orderViolations).toBe(0);
  });

  it('a durable broker loses nothing in a crash; a transient one loses what it held', () => {
    expect(lesson('broker-crash-durable').totals.lost).toBe(0);
    expect(lesson('broker-crash-transient').totals.lost).toBeGreaterThan(100);
  });

  it('bounded queues drop the oldest or reject new publishes, and cap the depth', () => {
    const r = lesson('backpressure-bounded-queue');
    expect(r.totals.dropped).toBeGreaterThan(0);
    expect(r.totals.rejected).toBeGreaterThan(0);
    for (const name of Object.keys(r.channels))
      expect(queueReport(r, name).depthMax).toBeLessThanOrEqual(501);
  });

  it('a partitioned consumer: redelivery after the heartbeat and duplicates, nothing lost', () => {
    const t = lesson('consumer-partition').totals;
    expect(t.redelivered).toBeGreaterThan(0);
    expect(t.duplicatesProcessed).toBeGreaterThan(0);
    expect(t.lost).toBe(0);
  });

  it('a topic exchange routes by pattern: one key in ten is unroutable, new orders go to two queues', () => {
    const r = lesson('exchange-routing');
    const share = r.totals.unroutable / r.totals.published;
    expect(share).toBeGreaterThan(0.08);
    expect(share).toBeLessThan(0.12);
    expect(r.channels.shop).toEqual({
      routed: r.totals.published - r.totals.unroutable,
      unroutable: r.totals.unroutable,
    });
    // order.eu.new and order.us.new (6 in 10) also go to audit, as *.*.new.
    expect(queueReport(r, 'audit').enqueued / r.totals.published).toBeCloseTo(0.6, 1);
    expect(r.totals.enqueued).toBeGreaterThan(r.totals.published - r.totals.unroutable);
  });

  it('a priority queue at 110% load: urgent orders in milliseconds, the rest in seconds', () => {
    const by = lesson('priority-overload').latency.byPriority!;
    expect(by['9'].p99).toBeLessThan(100);
    expect(by['0'].p50).toBeGreaterThan(500);
  });

  it('a Kafka rebalance replays what the dead member had not committed', () => {
    const c = lesson('kafka-rebalance-replay').consumers;
    expect(c.billing.duplicatesProcessed).toBeGreaterThan(100);
    expect(c.audit.duplicatesProcessed).toBeLessThan(c.billing.duplicatesProcessed / 10);
  });

  it('retention deletes what a slow group has not read', () => {
    const r = lesson('kafka-retention-loss');
    expect(queueReport(r, 'ledger/slow').lost).toBeGreaterThan(0);
    expect(queueReport(r, 'ledger/fast').lost).toBe(0);
  });

  it('resetOffsets to earliest replays the log into the projection', () => {
    expect(lesson('event-sourcing-replay').totals.duplicatesProcessed).toBeGreaterThan(1000);
  });

  it('lost confirms make a plain producer duplicate; an idempotent one is deduplicated', () => {
    const t = lesson('producer-retries').totals;
    expect(t.duplicatesEnqueued).toBeGreaterThan(0);
    expect(t.deduplicated).toBeGreaterThan(0);
  });

  it('under a spike direct calls fail while a queue buffers', () => {
    const r = lesson('client-server-vs-messaging');
    expect(r.totals.rejected).toBeGreaterThan(0);
    expect(queueReport(r, 'orders').depthMax).toBeGreaterThan(100);
  });

  it('an event-driven chain: latency from the origin grows along the chain', () => {
    const c = lesson('event-driven-chain').consumers;
    const origin = ['order-service', 'shipping-service', 'notifier'].map(
      (id) => c[id].latencyFromOrigin.mean,
    );
    expect(origin[0]).toBeLessThan(origin[1]);
    expect(origin[1]).toBeLessThan(origin[2]);
  });
});
