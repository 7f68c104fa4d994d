// Each lesson in examples/ shows the anomaly or effect its description teaches, in the report:
// the numbers a student is told to watch, checked on the lesson's own seed and full length. A
// lesson's "Try" buttons are checked the same way: applied as the lab applies them (applySet on
// the file's raw scenario), they move those numbers the way the lesson says.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  Ev,
  Simulation,
  applySet,
  eventMask,
  isExchangeReport,
  parseScenarioText,
  queueReport,
  requestReport,
  runNames,
  validateScenario,
} from '../../sim-core/index';
import { reportTable } from '../../bench/cli/report-table';
import type {
  EventKind,
  ExchangeReport,
  Report,
  SimEvent,
  SimObserver,
} from '../../sim-core/index';

function raw(name: string): Record<string, unknown> {
  const file = `examples/${name}.yaml`;
  const parsed = parseScenarioText(readFileSync(file, 'utf8'), file);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value as Record<string, unknown>;
}

function run(scenario: unknown, observers: SimObserver[] = []): Report {
  const v = validateScenario(scenario);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const r = new Simulation(v.scenario, { observers }).run();
  expect(r.checks.conservation).toBe(true);
  return r;
}

function lesson(name: string): Report {
  return run(raw(name));
}

/** The lesson's scenario with its Try action `label` applied, as the lab's button does. */
function tried(name: string, label: string): Record<string, unknown> {
  const file = raw(name);
  const actions = (file.lesson as { try: Array<{ label: string; set?: Record<string, unknown> }> })
    .try;
  const action = actions.find((a) => a.label === label);
  if (!action?.set) throw new Error(`${name}: no Try "${label}" with a set`);
  const result = applySet(file, action.set);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value as Record<string, unknown>;
}

/** Runs, counting the events of `kinds` per producer: `count(kind, producerId)`. */
function runCounting(scenario: unknown, ...kinds: EventKind[]) {
  const v = validateScenario(scenario);
  if (!v.ok) throw new Error(JSON.stringify(v.errors));
  const senders = runNames(v.scenario).senders;
  const counts = new Map<string, number>();
  const observer: SimObserver = {
    kinds: eventMask(...kinds),
    onEvent: (ev: SimEvent) => {
      const at = `${ev.kind} ${senders[ev.sender]}`;
      counts.set(at, (counts.get(at) ?? 0) + 1);
    },
  };
  const report = run(scenario, [observer]);
  return { report, count: (kind: EventKind, id: string) => counts.get(`${kind} ${id}`) ?? 0 };
}

function exchange(r: Report, id: string): ExchangeReport {
  const c = r.channels[id];
  if (!isExchangeReport(c)) throw new Error(`${id} is not an exchange`);
  return c;
}

/** Publishes that reached exchange `id`: routed or unroutable. */
function publishesTo(r: Report, id: string): number {
  const x = exchange(r, id);
  return x.routed + x.unroutable;
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

  it('direct, topic and fanout exchanges: one queue at most, patterns, every queue', () => {
    const name = 'exchange-types';
    const r = lesson(name);
    const share = (report: Report, queue: string, exchange: string) =>
      queueReport(report, queue).enqueued / publishesTo(report, exchange);
    // Keys: order.eu 1/2, order.us 1/4, invoice.eu 1/4.
    expect(share(r, 'd-eu', 'direct')).toBeCloseTo(0.5, 1);
    expect(share(r, 'd-us', 'direct')).toBeCloseTo(0.25, 1);
    expect(exchange(r, 'direct').unroutable / publishesTo(r, 'direct')).toBeCloseTo(0.25, 1);
    expect(queueReport(r, 'd-eu').enqueued + queueReport(r, 'd-us').enqueued).toBe(
      exchange(r, 'direct').routed,
    );
    expect(share(r, 't-eu', 'topic')).toBeCloseTo(0.75, 1);
    expect(share(r, 't-ord', 'topic')).toBeCloseTo(0.75, 1);
    expect(exchange(r, 'topic').unroutable).toBe(0);
    expect(share(r, 'f-a', 'fanout')).toBe(1);
    expect(share(r, 'f-b', 'fanout')).toBe(1);

    // A direct exchange compares keys literally: the pattern order.* matches nothing.
    const literal = run(tried(name, 'Bind d-eu with order.*'));
    expect(queueReport(literal, 'd-eu').enqueued).toBe(0);
    expect(exchange(literal, 'direct').unroutable / publishesTo(literal, 'direct')).toBeCloseTo(
      0.75,
      1,
    );
    // # takes every key, like a fanout binding.
    expect(share(run(tried(name, 'Bind t-eu with #')), 't-eu', 'topic')).toBe(1);
  });

  it('a headers exchange: match all takes the gold EU orders, match any the gold or EU ones', () => {
    const name = 'headers-routing';
    const r = lesson(name);
    const published = r.totals.published;
    // Headers: gold/eu 1/10, gold/us 1/10, basic/eu 4/10, basic/us 4/10.
    expect(queueReport(r, 'all').enqueued / published).toBeCloseTo(0.1, 1);
    expect(queueReport(r, 'any').enqueued / published).toBeCloseTo(0.6, 1);
    expect(r.totals.unroutable / published).toBeCloseTo(0.4, 1);

    const any = run(tried(name, 'Make the all binding match any'));
    expect(queueReport(any, 'all').enqueued).toBe(queueReport(any, 'any').enqueued);
    const tierOnly = run(tried(name, 'Bind all on the tier only'));
    const ratio = queueReport(tierOnly, 'all').enqueued / queueReport(r, 'all').enqueued;
    expect(ratio).toBeGreaterThan(1.7);
    expect(ratio).toBeLessThan(2.3);
  });

  it('per-message ttl expires at the head: alerts behind a batch are noticed seconds late', () => {
    const name = 'ttl-head-of-line';
    const { report: r, count } = runCounting(raw(name), Ev.published, Ev.expired);
    expect(count(Ev.expired, 'reports')).toBe(0);
    const share = count(Ev.expired, 'alerts') / count(Ev.published, 'alerts');
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.45);
    expect(queueReport(r, 'dlq').enqueued).toBe(r.totals.expired);
    // dlq-reader's latency runs from the alert's publish: it had 1 s to live.
    const late = r.consumers['dlq-reader'].latency;
    expect(late.p50).toBeGreaterThan(1500);
    expect(late.p90).toBeGreaterThan(2500);

    // The same TTL for everything: the head is always the oldest, so expiry is on time.
    const same = runCounting(tried(name, 'Give reports a 1 s TTL too'), Ev.published, Ev.expired);
    expect(same.report.consumers['dlq-reader'].latency.max).toBeLessThan(1001);
    const reportsExpired = same.count(Ev.expired, 'reports') / same.count(Ev.published, 'reports');
    expect(reportsExpired).toBeGreaterThan(0.35);
    expect(reportsExpired).toBeLessThan(0.5);
    expect(run(tried(name, 'Add a second worker')).totals.expired).toBe(0);
  });

  it('a retry queue with a ttl brings rejected orders back after a delay, not at once', () => {
    const name = 'retry-dead-letter';
    const r = lesson(name);
    const retry = queueReport(r, 'retry');
    // Every reject goes to retry; every expiry there goes back through the orders exchange.
    expect(retry.enqueued).toBe(queueReport(r, 'work').deadLettered);
    expect(exchange(r, 'orders').routed).toBe(r.totals.published + retry.expired);
    expect(retry.depthMean).toBeGreaterThan(35);
    expect(retry.depthMean).toBeLessThan(55);
    expect(r.totals.redelivered).toBe(0);
    const workers = r.consumers.workers.latency;
    expect(workers.p50).toBeLessThan(50);
    expect(workers.p90).toBeGreaterThan(1000);
    expect(workers.p99).toBeGreaterThan(2000);

    const hot = run(tried(name, 'Requeue rejects at once'));
    expect(queueReport(hot, 'retry').enqueued).toBe(0);
    expect(hot.totals.redelivered).toBeGreaterThan(0.3 * hot.totals.published);
    expect(hot.consumers.workers.latency.p99).toBeLessThan(100);
    const slow = run(tried(name, 'Retry after 5 s'));
    expect(queueReport(slow, 'retry').depthMean).toBeGreaterThan(3 * retry.depthMean);
    expect(slow.consumers.workers.latency.p90).toBeGreaterThan(4000);
  });
});

describe('lessons of request–reply and hung consumers', () => {
  it('request–reply: over a queue requests time out and are answered late; direct calls fail fast', () => {
    const r = lesson('request-reply');
    const rpc = requestReport(r, 'shop-rpc');
    const call = requestReport(r, 'shop-call');
    expect(rpc.replyTimeouts).toBeGreaterThan(1000);
    expect(rpc.lateReplies).toBe(rpc.replyTimeouts); // every one was processed after all
    expect(rpc.failed).toBe(0);
    expect(call.failed).toBeGreaterThan(1000);
    expect(call.replyTimeouts).toBe(0);
    expect(call.roundTrip.max).toBeLessThan(200); // 100 ms of waiting for a server, at most
    // Try: two more instances behind the queue absorb the spike.
    const more = run(tried('request-reply', 'Six instances behind the queue'));
    expect(requestReport(more, 'shop-rpc').replyTimeouts).toBeLessThan(rpc.replyTimeouts / 10);
    // Try: callers that wait 1 s for a server fail less but wait far longer.
    const wait = requestReport(
      run(tried('request-reply', 'Let direct callers wait 1 s')),
      'shop-call',
    );
    expect(wait.failed).toBeLessThan(call.failed / 2);
    expect(wait.roundTrip.p99).toBeGreaterThan(5 * call.roundTrip.p99);
  });

  it('killed vs frozen: the hung worker holds its orders for the heartbeat and duplicates one', () => {
    const c = lesson('killed-vs-frozen').consumers;
    expect(c['kill-workers'].latency.max).toBeLessThan(500);
    expect(c['hang-workers'].latency.max).toBeGreaterThan(4500);
    expect(c['hang-workers'].latency.max).toBeLessThan(5500);
    expect(c['hang-workers'].duplicatesProcessed).toBeGreaterThan(0);
    expect(c['kill-workers'].duplicatesProcessed).toBe(0);
    const quick = run(tried('killed-vs-frozen', '1 s heartbeat for the hung one')).consumers;
    expect(quick['hang-workers'].latency.max).toBeLessThan(1500);
    const short = run(tried('killed-vs-frozen', 'Freeze for 3 s only'));
    expect(short.consumers['hang-workers'].duplicatesProcessed).toBe(0);
    expect(short.consumers['hang-workers'].latency.max).toBeGreaterThan(2500);
    expect(short.consumers['hang-workers'].latency.max).toBeLessThan(3500);
  });
});

describe('a replay reads as lag', () => {
  it('event-sourcing-replay: resetting to earliest shows the whole log as lag, then reads it down', () => {
    const r = lesson('event-sourcing-replay');
    const t = r.series.t as number[];
    const lag = r.series['account-events/projection.lag'] as number[];
    const at30 = t.findIndex((x) => x >= 30_000);
    const before = Math.max(...lag.slice(0, at30));
    const peak = Math.max(...lag.slice(at30));
    // Before the replay the projection keeps up; the reset makes every record published by
    // 30 s lag again (at 80/s or so, thousands), far above the copies left unprocessed.
    expect(before).toBeLessThan(200);
    expect(peak).toBeGreaterThan(2000);
    expect(peak).toBeGreaterThan(
      10 * Math.max(...(r.series['account-events/projection.depth'] as number[])),
    );
    expect(lag[lag.length - 1]).toBeLessThan(peak / 10);
  });
});

describe('lessons of the broker cluster', () => {
  it('acks=1 vs acks=all: the leader crash loses confirmed records of acks=1 only', () => {
    const r = lesson('acks-leader-crash');
    const c = r.consumers;
    // Every lost confirmed write is fast's: its group processed that many fewer of its confirms.
    expect(r.totals.lostAcknowledged).toBeGreaterThan(3);
    expect(r.producers.fast.confirmed - c['books-fast'].processed).toBeGreaterThanOrEqual(
      r.totals.lostAcknowledged,
    );
    expect(r.producers.safe.publishLatency.p50).toBeGreaterThan(
      10 * r.producers.fast.publishLatency.p50,
    );
    expect(r.totals.unavailableMs).toBe(2000); // one partition of each log, for the election
    const both = run(tried('acks-leader-crash', 'Make fast use acks=all'));
    expect(both.totals.lostAcknowledged).toBe(0);
  });

  it('quorum vs classic: the classic queue waits for its node, the quorum queue keeps going', () => {
    const r = lesson('quorum-vs-classic');
    expect(r.totals.unavailableMs).toBe(10_000); // orders, while broker#2 is down
    expect(r.totals.lost).toBe(0);
    expect(r.consumers.shipping.latency.p99).toBeGreaterThan(5000);
    expect(r.consumers.billing.latency.p99).toBeLessThan(100);
    // The quorum queue pays a replication round trip (2 × 1 ms) on every confirm.
    expect(r.producers.bank.publishLatency.p50).toBeCloseTo(
      r.producers.shop.publishLatency.p50 + 2,
      0,
    );
    const both = run(tried('quorum-vs-classic', 'Make orders a quorum queue'));
    // A quorum queue led by broker#2 now: it elects a new leader within the election timeout.
    expect(both.totals.unavailableMs).toBe(1000);
    expect(both.totals.lost).toBe(0);
    expect(both.consumers.shipping.latency.p99).toBeLessThan(r.consumers.shipping.latency.p99 / 3);
  });

  it('the broker as the bottleneck: throughput saturates at 10,000/s and latency climbs there', () => {
    const r = lesson('broker-bottleneck');
    const node = r.broker.nodes[0];
    expect(node.utilization).toBeGreaterThan(0.7);
    expect(r.latency.endToEnd.p99).toBeGreaterThan(200);
    expect(queueReport(r, 'orders').depthMax).toBeLessThan(200); // the backlog is at the broker
    const faster = run(tried('broker-bottleneck', "Halve the broker's work per message"));
    expect(faster.latency.endToEnd.p99).toBeLessThan(20);
    // More workers do not help: the broker is the bottleneck.
    const workers = run(tried('broker-bottleneck', 'Add 12 more workers'));
    expect(workers.latency.endToEnd.p99).toBeGreaterThan(200);
  });

  it('batching: the batched producer costs the node a fraction, and its messages wait for their batch', () => {
    const r = lesson('producer-batching');
    const batched = r.producers.batched;
    expect(batched.batchSizeMean).toBeGreaterThan(30);
    expect(r.broker.nodes[0].utilization).toBeLessThan(0.8);
    expect(r.consumers['workers-batched'].latency.p50).toBeGreaterThan(
      r.consumers['workers-single'].latency.p50 + 2,
    );
    const unbatched = run(tried('producer-batching', 'Send batched one by one too'));
    expect(unbatched.broker.nodes[0].utilization).toBeGreaterThan(0.99);
    expect(unbatched.latency.endToEnd.p99).toBeGreaterThan(1000);
  });
});

describe('lessons of flow control', () => {
  it('flow control vs overflow: the capped queue refuses publishes, the paced producer waits', () => {
    const r = lesson('flow-control-vs-overflow');
    expect(r.totals.rejected).toBeGreaterThan(2000); // all the capped queue's
    // Nothing lost: by the end everything was sent, and all of it was processed.
    expect(r.producers.store.unsentAtEnd).toBe(0);
    expect(r.consumers.paced.processed).toBe(r.producers.store.published);
    expect(r.producers.store.blockedMs).toBeGreaterThan(10_000);
    expect(r.producers.shop.blockedMs).toBe(0);
    expect(r.consumers.paced.latency.p99).toBeGreaterThan(10_000);
    expect(r.consumers.capped.latency.p99).toBeLessThan(6000); // at most 900 × 5 ms waiting
    const two = run(tried('flow-control-vs-overflow', 'Three workers on each queue'));
    expect(two.totals.rejected).toBe(0);
    expect(two.producers.store.blockedMs).toBe(0);
  });
});

describe('lessons of publishes in flight', () => {
  it('in-flight reordering: 5 in flight reorders an account, 1 in flight or idempotence does not', () => {
    const r = lesson('in-flight-reordering');
    const c = r.consumers;
    expect(c['ledger-pipelined'].orderViolations).toBeGreaterThan(10);
    expect(c['ledger-one-by-one'].orderViolations).toBe(0);
    expect(c['ledger-idempotent'].orderViolations).toBe(0);
    // Nothing lost, nothing processed twice: only the order differs.
    expect(r.totals.lost).toBe(0);
    expect(r.totals.duplicatesProcessed).toBe(0);
    const p = r.producers;
    // One in flight pays in latency; the idempotent producer keeps the pipelined one's.
    expect(p['one-by-one'].publishLatency.p99).toBeGreaterThan(2 * p.pipelined.publishLatency.p99);
    expect(p.idempotent.publishLatency.p99).toBeLessThan(1.2 * p.pipelined.publishLatency.p99);
    // The broker refused the idempotent producer's overtaking publishes, and only those.
    expect(r.totals.rejected).toBeGreaterThan(50);
    const more = run(tried('in-flight-reordering', 'Lose 10% of publishes'));
    expect(more.consumers['ledger-pipelined'].orderViolations).toBeGreaterThan(
      3 * c['ledger-pipelined'].orderViolations,
    );
    expect(more.consumers['ledger-idempotent'].orderViolations).toBe(0);
  });
});

describe('a tandem lesson', () => {
  it('tandem-theory: the closed form of two constant servers beside the measurement', () => {
    const r = lesson('tandem-theory');
    const t = r.theory!;
    expect(t.model).toBe('M/D/1 → D/1');
    expect(t.endToEndMeanMs.theory).toBeCloseTo(0.7 / 0.6 + 1.8, 9);
    expect(Math.abs(t.endToEndMeanMs.measured / t.endToEndMeanMs.theory! - 1)).toBeLessThan(0.03);
    expect(Math.abs(t.queueLengthMean.measured / t.queueLengthMean.theory! - 1)).toBeLessThan(0.05);
    // The CLI table names both servers.
    expect(reportTable(r)).toContain(
      'Theory (M/D/1 → D/1: 700 msg/s, broker work 0.800 ms, mean service 1.00 ms, 1 server)',
    );
    const slower = run(tried('tandem-theory', 'Make the broker the slower one (1.2 ms)'));
    expect(slower.theory!.queueLengthMean.theory).toBe(0);
    expect(slower.theory!.queueLengthMean.measured).toBe(0);
    expect(slower.theory!.endToEndMeanMs.theory).toBeCloseTo((0.6 * 1.44) / 0.56 + 2.2, 9);
  });
});
